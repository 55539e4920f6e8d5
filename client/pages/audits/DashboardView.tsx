import '@mantine/charts/styles.css';
import { useMemo, type ReactNode } from 'react';
import { BarChart, LineChart } from '@mantine/charts';
import { Alert, Badge, Card, Center, Group, Loader, SimpleGrid, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FINDING_SEVERITIES, formatScore, isOpenAt, roundScore, type ScoreReport } from '../../../shared/scoring.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useAuditDetail, type AuditDetail, type AuditListItem } from './audit-data.ts';

const NO_AUDITS: AuditListItem[] = [];
const SCORE_DOMAIN: [number, number] = [0, 100];

function ChartCard({ title, testId, children, empty }: { title: string; testId: string; children: ReactNode; empty: boolean }) {
  const { t } = useTranslation();
  return (
    <Card withBorder data-testid={testId}>
      <Title order={5} mb="sm">
        {title}
      </Title>
      {empty ? (
        <Text c="dimmed" size="sm">
          {t('common.noRows')}
        </Text>
      ) : (
        children
      )}
    </Card>
  );
}

/** Chart rows: rounded for display (roundScore), N/A sets left out of the bars. */
function chartData(detail: AuditDetail, scores: ScoreReport) {
  const gaps = new Set(detail.scopeGaps.map((g) => g.id));
  const byProcess = detail.processes
    .filter((p) => p.inScope && !gaps.has(p.id))
    .map((p) => ({ name: p.number, title: p.title, score: roundScore(scores.processes[p.id]?.value ?? null) }))
    .filter((r) => r.score != null);
  const byUnit = detail.units
    .map((u) => ({ name: u.name, score: roundScore(scores.units[u.id]?.value ?? null) }))
    .filter((r) => r.score != null);
  const bySeverity = FINDING_SEVERITIES.map((s) => {
    const of = detail.findings.filter((f) => f.severity === s);
    const open = of.filter((f) => isOpenAt(f, detail.audit.baseDate)).length;
    return { severity: s, open, closed: of.length - open };
  });
  return { byProcess, byUnit, bySeverity };
}

/** Charts of one audit: score by process and by unit, deficiencies by severity, trend across audits of the manual. */
export function DashboardView({ auditId }: { auditId: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const detail = useAuditDetail(auditId);
  const scores = useQuery(trpc.audits.scores.queryOptions({ auditId }));
  const audits = useQuery(trpc.audits.list.queryOptions()).data ?? NO_AUDITS;

  const trend = useMemo(() => {
    const manualId = detail.data?.audit.manualId;
    return audits
      .filter((a) => a.manualId === manualId && a.companyScore != null)
      .sort((a, b) => (a.baseDate === b.baseDate ? a.revision - b.revision : a.baseDate < b.baseDate ? -1 : 1))
      .map((a) => ({ label: `${a.baseDate} ${a.name}`, score: roundScore(a.companyScore) }));
  }, [audits, detail.data?.audit.manualId]);

  if (detail.isPending || scores.isPending) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  }
  if (detail.isError) return <Alert color="red">{detail.error.message}</Alert>;
  if (scores.isError) return <Alert color="red">{scores.error.message}</Alert>;
  const report = scores.data as ScoreReport;
  const data = chartData(detail.data, report);
  const company = report.company;

  return (
    <div data-testid="audit-dashboard">
      <SimpleGrid cols={{ base: 1, sm: 4 }} mb="md">
        <Card withBorder>
          <Text size="sm" c="dimmed">
            {t('auditPages.score.company')}
          </Text>
          <Text fz={32} fw={700} data-testid="dashboard-company-score">
            {formatScore(company.value, t('scoring.na'))}
          </Text>
        </Card>
        <Card withBorder>
          <Text size="sm" c="dimmed">
            {t('auditPages.dashboard.conclusion')}
          </Text>
          <Badge size="xl" mt="xs" color={report.conclusion.effective ? 'teal' : 'red'} variant="light">
            {t(report.conclusion.effective ? 'scoring.conclusion.effective' : 'scoring.conclusion.ineffective')}
          </Badge>
          {report.conclusion.reasons.map((r) => (
            <Text key={r.findingId} size="xs" c="red" mt={4}>
              {t(r.key, r.params)}
            </Text>
          ))}
        </Card>
        <Card withBorder>
          <Text size="sm" c="dimmed">
            {t('auditPages.dashboard.tested')}
          </Text>
          <Text fz={32} fw={700}>
            {company.counts.tested} / {company.counts.controls}
          </Text>
          <Text size="xs" c="dimmed">
            {t('auditPages.score.counts', {
              tested: company.counts.tested,
              deficient: company.counts.deficient,
              notTested: company.counts.notTested,
              notApplicable: company.counts.notApplicable,
              notOperated: company.counts.notOperated,
            })}
          </Text>
        </Card>
        <Card withBorder>
          <Text size="sm" c="dimmed">
            {t('auditPages.dashboard.openFindings')}
          </Text>
          <Group gap="xs" mt="xs">
            {data.bySeverity.map((s) => (
              <Badge key={s.severity} color={s.severity === 'major' ? 'red' : s.severity === 'significant' ? 'orange' : 'yellow'} variant="light">
                {t(`audits.findingSeverities.${s.severity}`)} {s.open}
              </Badge>
            ))}
          </Group>
        </Card>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <ChartCard title={t('auditPages.dashboard.byProcess')} testId="chart-by-process" empty={data.byProcess.length === 0}>
          <BarChart
            h={Math.max(220, data.byProcess.length * 28)}
            data={data.byProcess}
            dataKey="name"
            orientation="vertical"
            yAxisProps={{ width: 80 }}
            xAxisProps={{ domain: SCORE_DOMAIN }}
            series={[{ name: 'score', label: t('auditPages.dashboard.score'), color: 'indigo.6' }]}
            withBarValueLabel
          />
        </ChartCard>
        <ChartCard title={t('auditPages.dashboard.byUnit')} testId="chart-by-unit" empty={data.byUnit.length === 0}>
          <BarChart
            h={Math.max(220, data.byUnit.length * 28)}
            data={data.byUnit}
            dataKey="name"
            orientation="vertical"
            yAxisProps={{ width: 100 }}
            xAxisProps={{ domain: SCORE_DOMAIN }}
            series={[{ name: 'score', label: t('auditPages.dashboard.score'), color: 'teal.6' }]}
            withBarValueLabel
          />
        </ChartCard>
        <ChartCard title={t('auditPages.dashboard.bySeverity')} testId="chart-by-severity" empty={detail.data.findings.length === 0}>
          <BarChart
            h={220}
            data={data.bySeverity.map((s) => ({ ...s, severity: t(`audits.findingSeverities.${s.severity}`) }))}
            dataKey="severity"
            type="stacked"
            withLegend
            series={[
              { name: 'open', label: t('audits.findingStatuses.open'), color: 'red.6' },
              { name: 'closed', label: t('audits.findingStatuses.closed'), color: 'gray.5' },
            ]}
          />
        </ChartCard>
        <ChartCard title={t('auditPages.dashboard.trend')} testId="chart-trend" empty={trend.length === 0}>
          <LineChart
            h={220}
            data={trend}
            dataKey="label"
            yAxisProps={{ domain: SCORE_DOMAIN }}
            series={[{ name: 'score', label: t('auditPages.score.company'), color: 'indigo.6' }]}
            curveType="linear"
          />
        </ChartCard>
      </SimpleGrid>
    </div>
  );
}
