import { useState } from 'react';
import { Group, Select, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { PageTitle } from '../../components/PageTitle.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useAuditId, type AuditListItem } from './audit-data.ts';
import { DashboardView } from './DashboardView.tsx';
import { withNote } from '../../lib/punct.ts';

const NO_AUDITS: AuditListItem[] = [];

/** The audit management looks at first: the latest signed-off one, else the latest of any status. */
export function defaultAudit(audits: readonly AuditListItem[]): AuditListItem | undefined {
  const latest = (list: readonly AuditListItem[]) =>
    [...list].sort((a, b) => (a.baseDate === b.baseDate ? b.id - a.id : a.baseDate < b.baseDate ? 1 : -1))[0];
  return latest(audits.filter((a) => a.status === 'signed_off')) ?? latest(audits);
}

/** /audits/:id/dashboard */
export function AuditDashboardTab() {
  return <DashboardView auditId={useAuditId()} />;
}

/** /audit-dashboard — management's view: pick an audit (default the latest signed-off one). */
export function DashboardPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const audits = useQuery(trpc.audits.list.queryOptions());
  const list = audits.data ?? NO_AUDITS;
  const [picked, setPicked] = useState<string | null>(null);
  const auditId = picked ? Number(picked) : defaultAudit(list)?.id;

  return (
    <div>
      <Group justify="space-between" align="flex-start">
        <PageTitle>{t('auditPages.dashboard.title')}</PageTitle>
        <Select
          data={list.map((a) => ({ value: String(a.id), label: withNote(t, a.name, t(`audits.statuses.${a.status}`)) }))}
          value={auditId == null ? null : String(auditId)}
          onChange={setPicked}
          allowDeselect={false}
          searchable
          w={360}
          aria-label={t('auditPages.dashboard.pick')}
          data-testid="dashboard-audit"
        />
      </Group>
      {auditId == null ? (
        !audits.isPending && (
          <Text c="dimmed" data-testid="dashboard-empty">
            {t('auditPages.dashboard.none')}
          </Text>
        )
      ) : (
        <DashboardView key={auditId} auditId={auditId} />
      )}
    </div>
  );
}
