import { Alert, Badge, Center, Group, Loader, Tabs, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useOutletContext } from 'react-router';
import { STATUS_COLORS, useAuditDetail, useAuditId, type AuditDetail } from './audit-data.ts';
import { WorkbookButton } from './WorkbookButton.tsx';
import { PageOutlet } from '../../components/PageOutlet.tsx';
import { joinClauses, labelled } from '../../lib/punct.ts';
import { formatDateTime } from '../../lib/format-date.ts';

const TABS = ['workspace', 'findings', 'signoff', 'compare', 'dashboard'] as const;

/** The loaded audit, for the pages under /audits/:id. */
export function useAuditOutlet(): AuditDetail {
  return useOutletContext<AuditDetail>();
}

/** /audits/:id — header (status, version, period, scope gaps) and tabs between the audit's pages. */
export function AuditLayout() {
  const { t } = useTranslation();
  const auditId = useAuditId();
  const navigate = useNavigate();
  const location = useLocation();
  const detail = useAuditDetail(auditId);
  const sub = location.pathname.split('/')[3] ?? 'workspace';

  if (detail.isPending) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  }
  if (detail.isError) return <Alert color="red">{detail.error.message}</Alert>;
  const { audit, manual, version, scopeGaps } = detail.data;

  return (
    <div>
      <Group justify="space-between" mb={4} wrap="nowrap">
        <Group gap="sm" wrap="nowrap">
          <Title order={3} lineClamp={1} data-testid="audit-title">
            {audit.name}
          </Title>
          <Badge variant="light" size="lg" color={STATUS_COLORS[audit.status]} data-testid="audit-status">
            {t(`audits.statuses.${audit.status}`)}
          </Badge>
          {audit.revision > 1 && (
            <Badge variant="outline" color="gray" tt="none">
              {t('auditPages.revisionLabel', { revision: audit.revision })}
            </Badge>
          )}
        </Group>
        <WorkbookButton auditId={auditId} />
      </Group>
      <Group gap="lg" mb="xs">
        <Text size="sm" c="dimmed">
          {labelled(t, t('auditPages.manualVersion'))}{manual.code} {manual.title} · {t('versions.versionLabel', { version: version.versionNo })}
        </Text>
        <Text size="sm" c="dimmed">
          {labelled(t, t('auditPages.period'))}{audit.periodFrom} ~ {audit.periodTo}
        </Text>
        <Text size="sm" c="dimmed">
          {labelled(t, t('auditPages.baseDate'))}{audit.baseDate}
        </Text>
        <Text size="sm" c="dimmed">
          {labelled(t, t('auditPages.lead'))}{audit.leadName}
          {audit.reviewerName ? ` · ${labelled(t, t('auditPages.reviewer'))}${audit.reviewerName}` : ''}
        </Text>
      </Group>
      {scopeGaps.length > 0 && (
        <Alert color="orange" py={6} mb="xs" title={t('auditPages.scopeGaps', { count: scopeGaps.length })} data-testid="audit-scope-gaps">
          {joinClauses(t, scopeGaps.map((g) => `${g.number} ${g.title}`))}
        </Alert>
      )}
      {audit.status === 'signed_off' && (
        <Alert color="teal" py={6} mb="xs" data-testid="audit-readonly">
          {t('auditPages.signedOffReadOnly', { at: audit.signedOffAt ? formatDateTime(audit.signedOffAt) : '' })}
        </Alert>
      )}
      <Tabs
        value={sub}
        onChange={(v) => v && void navigate(v === 'workspace' ? `/audits/${auditId}` : `/audits/${auditId}/${v}`)}
        mb="sm"
      >
        <Tabs.List>
          {TABS.map((tab) => (
            <Tabs.Tab key={tab} value={tab} data-testid={`audit-tab-${tab}`}>
              {t(`auditPages.tabs.${tab}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <PageOutlet context={detail.data} />
    </div>
  );
}
