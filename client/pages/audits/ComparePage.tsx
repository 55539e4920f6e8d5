import { Alert, Badge, Card, Center, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { formatScore, roundScore } from '../../../shared/scoring.ts';
import type { ComparisonState } from '../../../shared/audits.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { SEVERITY_COLORS, useAuditId, type AuditComparison } from './audit-data.ts';
import { labelled } from '../../lib/punct.ts';

const STATE_COLORS: Record<ComparisonState, string> = {
  effective: 'teal',
  deficient: 'red',
  not_applicable: 'gray',
  not_operated: 'grape',
  not_tested: 'orange',
  absent: 'gray',
};

function Delta({ value }: { value: number | null }) {
  const { t } = useTranslation();
  const rounded = roundScore(value);
  if (rounded == null) return <Text span c="dimmed">{t('scoring.na')}</Text>;
  const color = rounded > 0 ? 'teal' : rounded < 0 ? 'red' : 'dimmed';
  return (
    <Text span fw={600} c={color}>
      {rounded > 0 ? '+' : ''}
      {rounded.toFixed(2)}
    </Text>
  );
}

function StateBadge({ state }: { state: ComparisonState }) {
  const { t } = useTranslation();
  return (
    <Badge size="sm" variant="light" color={STATE_COLORS[state]}>
      {t(`audits.comparisonStates.${state}`)}
    </Badge>
  );
}

function FindingList({ title, rows, testId }: { title: string; rows: AuditComparison['findingsNew']; testId: string }) {
  const { t } = useTranslation();
  return (
    <Card withBorder data-testid={testId}>
      <Title order={5} mb="xs">
        {title}
      </Title>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('common.none')}
        </Text>
      ) : (
        <Stack gap={4}>
          {rows.map((f) => (
            <Group key={f.id} gap="xs" wrap="nowrap">
              <Badge size="sm" variant="light" color={SEVERITY_COLORS[f.severity]}>
                {t(`audits.findingSeverities.${f.severity}`)}
              </Badge>
              <Text size="sm">
                {f.code} {f.title}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </Card>
  );
}

/** /audits/:id/compare — against the previous signed-off audit of the same manual. */
export function ComparePage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const auditId = useAuditId();
  const compare = useQuery(trpc.audits.compare.queryOptions({ auditId }));

  if (compare.isPending) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  }
  if (compare.isError) return <Alert color="red">{compare.error.message}</Alert>;
  const c = compare.data as AuditComparison;
  if (!c.previous) {
    return (
      <Alert color="gray" data-testid="compare-none">
        {t('auditPages.compare.noPrevious')}
      </Alert>
    );
  }
  return (
    <Stack data-testid="compare-view">
      <Card withBorder>
        <Group gap="xl">
          <Text size="sm">
            {labelled(t, t('auditPages.compare.against'))}<b>{c.previous.name}</b>
          </Text>
          <Text size="sm" data-testid="compare-company">
            {labelled(t, t('auditPages.score.company'))}{formatScore(c.company.before, t('scoring.na'))} → <b>{formatScore(c.company.after, t('scoring.na'))}</b>{' '}
            <Delta value={c.company.before != null && c.company.after != null ? c.company.after - c.company.before : null} />
          </Text>
        </Group>
      </Card>
      <Card withBorder>
        <Title order={5} mb="xs">
          {t('auditPages.compare.processes')}
        </Title>
        <Table striped fz="sm" data-testid="compare-processes">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('auditPages.grid.number')}</Table.Th>
              <Table.Th>{t('scoring.levels.process')}</Table.Th>
              <Table.Th ta="right">{t('auditPages.compare.before')}</Table.Th>
              <Table.Th ta="right">{t('auditPages.compare.after')}</Table.Th>
              <Table.Th ta="right">{t('auditPages.compare.delta')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {c.processes.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>{p.number}</Table.Td>
                <Table.Td>{p.title}</Table.Td>
                <Table.Td ta="right">{formatScore(p.before, t('scoring.na'))}</Table.Td>
                <Table.Td ta="right">{formatScore(p.after, t('scoring.na'))}</Table.Td>
                <Table.Td ta="right">
                  <Delta value={p.delta} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Card withBorder>
        <Title order={5} mb="xs">
          {t('auditPages.compare.controls', { count: c.controls.length })}
        </Title>
        {c.controls.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('auditPages.compare.noControlChanges')}
          </Text>
        ) : (
          <Table fz="sm" data-testid="compare-controls">
            <Table.Tbody>
              {c.controls.map((row) => (
                <Table.Tr key={row.controlId}>
                  <Table.Td w={100}>{row.number}</Table.Td>
                  <Table.Td>{row.title}</Table.Td>
                  <Table.Td w={260}>
                    <Group gap={6} wrap="nowrap">
                      <StateBadge state={row.before} />→<StateBadge state={row.after} />
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <FindingList title={t('auditPages.compare.findingsNew', { count: c.findingsNew.length })} rows={c.findingsNew} testId="compare-findings-new" />
        <FindingList title={t('auditPages.compare.findingsClosed', { count: c.findingsClosed.length })} rows={c.findingsClosed} testId="compare-findings-closed" />
      </SimpleGrid>
    </Stack>
  );
}
