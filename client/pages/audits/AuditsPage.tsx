import { useMemo, useState } from 'react';
import { Anchor, Badge, Button, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { formatScore } from '../../../shared/scoring.ts';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { STATUS_COLORS, type AuditListItem } from './audit-data.ts';
import { AuditForm } from './AuditForm.tsx';

const col = gridColumnHelper<AuditListItem>();
const NO_AUDITS: AuditListItem[] = [];

/** /audits — every audit with its status and company score; auditors start new ones here. */
export function AuditsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const canWrite = useCan('audit.write');
  const [creating, setCreating] = useState(false);
  const audits = useQuery(trpc.audits.list.queryOptions());

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('name', {
          header: 'auditPages.name',
          cell: (info) => (
            <Anchor component={Link} to={`/audits/${info.row.original.id}`} data-testid={`audit-link-${info.row.original.id}`}>
              {info.getValue()}
            </Anchor>
          ),
        }),
        col.accessor((a) => `${a.manualCode} v${a.versionNo}`, { id: 'manual', header: 'auditPages.manualVersion' }),
        col.accessor((a) => `${a.periodFrom} ~ ${a.periodTo}`, { id: 'period', header: 'auditPages.period' }),
        col.accessor('baseDate', { header: 'auditPages.baseDate' }),
        col.accessor('status', {
          header: 'auditPages.status',
          cell: (info) => (
            <Badge variant="light" color={STATUS_COLORS[info.getValue()]} data-testid="audit-status">
              {t(`audits.statuses.${info.getValue()}`)}
            </Badge>
          ),
        }),
        col.accessor('revision', { header: 'auditPages.revision' }),
        col.accessor('leadName', { header: 'auditPages.lead' }),
        col.accessor('companyScore', {
          header: 'auditPages.companyScore',
          sortFn: 'basic',
          cell: (info) => <Text fw={600}>{formatScore(info.getValue(), t('scoring.na'))}</Text>,
        }),
        col.accessor('notTested', {
          header: 'auditPages.notTested',
          cell: (info) => (
            <Text c={info.getValue() > 0 ? 'orange' : undefined}>
              {info.getValue()} / {info.row.original.controlCount}
            </Text>
          ),
        }),
      ]),
    [t],
  );

  return (
    <div>
      <PageTitle>{t('auditPages.title')}</PageTitle>
      <DataGrid
        testId="audits-grid"
        data={audits.data ?? NO_AUDITS}
        columns={columns}
        getRowId={(a) => String(a.id)}
        loading={audits.isPending}
        toolbar={
          canWrite && (
            <Button onClick={() => setCreating(true)} data-testid="create-button">
              {t('auditPages.create')}
            </Button>
          )
        }
      />
      {creating && <AuditForm onClose={() => setCreating(false)} onSaved={(id) => void navigate(`/audits/${id}`)} />}
    </div>
  );
}
