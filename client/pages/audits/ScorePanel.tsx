import { Badge, Card, Group, ScrollArea, SimpleGrid, Table, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatScore, type SetScore } from '../../../shared/scoring.ts';
import type { AuditDetail } from './audit-data.ts';
import type { LiveScores } from './live-scores.ts';

/** The live panel's rows, read from LiveScores (the shared roll-up) — no arithmetic here. */
export interface LivePanelData {
  company: SetScore | null;
  processes: { id: number; label: string; score: SetScore | null; gap: boolean }[];
  units: { id: number; label: string; score: SetScore | null }[];
  effective: boolean;
  drafts: number;
}

export function livePanelData(live: LiveScores, detail: AuditDetail, drafts: number): LivePanelData {
  const gaps = new Set(detail.scopeGaps.map((g) => g.id));
  return {
    company: live.score({ level: 'company' }),
    processes: detail.processes
      .filter((p) => p.inScope)
      .map((p) => ({ id: p.id, label: `${p.number} ${p.title}`, gap: gaps.has(p.id), score: gaps.has(p.id) ? null : live.score({ level: 'process', id: p.id }) })),
    units: detail.units.map((u) => ({ id: u.id, label: u.name, score: live.score({ level: 'unit', id: u.id }) })),
    effective: live.conclusion.effective,
    drafts,
  };
}

function ScoreValue({ score, testId, size = 'sm' }: { score: SetScore | null; testId?: string; size?: string }) {
  const { t } = useTranslation();
  const value = formatScore(score?.value ?? null, t('scoring.na'));
  return (
    <Text span fw={700} fz={size} data-testid={testId} c={score?.value == null ? 'dimmed' : undefined}>
      {value}
    </Text>
  );
}

/** Why a score is what it is: cap, deductions, gaps. */
function ScoreNotes({ score }: { score: SetScore | null }) {
  const { t } = useTranslation();
  if (!score) return null;
  return (
    <Group gap={4} wrap="nowrap">
      {score.cap != null && score.raw != null && score.raw - score.deductions > score.cap && (
        <Tooltip label={t('auditPages.score.capTitle', { cap: score.cap, raw: formatScore(score.raw) })}>
          <Badge size="xs" color="red" variant="light">
            {t('auditPages.score.cap', { cap: score.cap })}
          </Badge>
        </Tooltip>
      )}
      {score.deductions > 0 && (
        <Badge size="xs" color="orange" variant="light">
          −{score.deductions}
        </Badge>
      )}
      {score.counts.notTested > 0 && (
        <Badge size="xs" color="orange" variant="outline">
          {t('auditPages.score.notTestedShort', { count: score.counts.notTested })}
        </Badge>
      )}
    </Group>
  );
}

function SetTable({ title, rows, testId }: { title: string; rows: { id: number; label: string; score: SetScore | null; gap?: boolean }[]; testId: string }) {
  const { t } = useTranslation();
  return (
    <Card withBorder padding="xs" data-testid={testId}>
      <Text size="xs" fw={700} c="dimmed" mb={4}>
        {title}
      </Text>
      <ScrollArea h={150}>
        <Table verticalSpacing={2} horizontalSpacing={4} fz="xs">
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.id} data-testid={`${testId}-${r.id}`}>
                <Table.Td style={{ maxWidth: 180 }}>
                  <Text size="xs" truncate title={r.label}>
                    {r.label}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">
                  {r.gap ? (
                    <Badge size="xs" color="orange" variant="light">
                      {t('auditPages.score.gap')}
                    </Badge>
                  ) : (
                    <ScoreValue score={r.score} testId={`${testId}-score-${r.id}`} size="xs" />
                  )}
                </Table.Td>
                <Table.Td>
                  <ScoreNotes score={r.score} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Card>
  );
}

/** Company, per-process and per-unit scores as results are typed (docs/design.md §3.4). */
export function ScorePanel({ data, error }: { data: LivePanelData | null; error?: string }) {
  const { t } = useTranslation();
  if (!data) {
    return (
      <Card withBorder padding="xs" data-testid="live-scores">
        <Text c="red" size="sm">
          {error}
        </Text>
      </Card>
    );
  }
  const c = data.company;
  return (
    <SimpleGrid cols={{ base: 1, md: 3 }} spacing="xs" mb="sm" data-testid="live-scores">
      <Card withBorder padding="xs">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Text size="xs" fw={700} c="dimmed">
              {t('auditPages.score.company')}
            </Text>
            <ScoreValue score={c} testId="live-company-score" size="28px" />
          </div>
          <Badge color={data.effective ? 'teal' : 'red'} variant="light" data-testid="live-conclusion">
            {t(data.effective ? 'scoring.conclusion.effective' : 'scoring.conclusion.ineffective')}
          </Badge>
        </Group>
        <ScoreNotes score={c} />
        {c && (
          <Text size="xs" c="dimmed" mt={4} data-testid="live-counts">
            {t('auditPages.score.counts', {
              tested: c.counts.tested,
              deficient: c.counts.deficient,
              notTested: c.counts.notTested,
              notApplicable: c.counts.notApplicable,
              notOperated: c.counts.notOperated,
            })}
          </Text>
        )}
        {data.drafts > 0 && (
          <Text size="xs" c="blue" mt={2} data-testid="live-drafts">
            {t('auditPages.score.drafts', { count: data.drafts })}
          </Text>
        )}
      </Card>
      <SetTable title={t('auditPages.score.byProcess')} rows={data.processes} testId="live-processes" />
      <SetTable title={t('auditPages.score.byUnit')} rows={data.units} testId="live-units" />
    </SimpleGrid>
  );
}
