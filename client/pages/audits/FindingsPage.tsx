import { useMemo } from 'react';
import { Badge, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { gridColumnHelper } from '../../components/DataGrid.tsx';
import { CrudGrid } from '../../components/CrudGrid.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { notifyError, notifySuccess } from '../../lib/errors.ts';
import { inFieldwork, SEVERITY_COLORS, useInvalidateAudits, type AuditDetail, type AuditFinding } from './audit-data.ts';
import { useAuditOutlet } from './AuditLayout.tsx';
import { attachmentOf, FindingForm } from './FindingForm.tsx';
import { joinList } from '../../lib/punct.ts';

const col = gridColumnHelper<AuditFinding>();

/** What a finding is attached to, in words (control numbers, the process, the unit or the company). */
export function useAttachmentLabel(detail: AuditDetail) {
  const { t } = useTranslation();
  return useMemo(() => {
    const controls = new Map(detail.controls.map((c) => [c.id, c.number]));
    const processes = new Map(detail.processes.map((p) => [p.id, `${p.number} ${p.title}`]));
    const units = new Map(detail.units.map((u) => [u.id, u.name]));
    return (f: AuditFinding) => {
      switch (attachmentOf(f)) {
        case 'controls':
          return joinList(t, f.controlIds.map((id) => controls.get(id) ?? `#${id}`));
        case 'process':
          return processes.get(f.processId!) ?? `#${f.processId}`;
        case 'unit':
          return units.get(f.unitId!) ?? `#${f.unitId}`;
        case 'company':
          return t('auditPages.findings.attachments.company');
      }
    };
  }, [detail.controls, detail.processes, detail.units, t]);
}

/** /audits/:id/findings — the audit's findings; auditors add, edit and delete them until sign-off. */
export function FindingsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const detail = useAuditOutlet();
  const canWrite = useCan('audit.write') && inFieldwork(detail.audit.status);
  const invalidate = useInvalidateAudits();
  const remove = useMutation(
    trpc.audits.deleteFinding.mutationOptions({
      onSuccess: async () => {
        notifySuccess('common.deleted');
        await invalidate();
      },
      onError: notifyError,
    }),
  );
  const attachmentLabel = useAttachmentLabel(detail);

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('code', { header: 'auditPages.findings.code', sortFn: 'alphanumeric' }),
        col.accessor('severity', {
          header: 'auditPages.findings.severity',
          cell: (info) => (
            <Badge color={SEVERITY_COLORS[info.getValue()]} variant="light">
              {t(`audits.findingSeverities.${info.getValue()}`)}
            </Badge>
          ),
        }),
        col.accessor((f) => t(`audits.findingNatures.${f.nature}`), { id: 'nature', header: 'auditPages.findings.nature' }),
        col.accessor('title', { header: 'auditPages.findings.titleLabel' }),
        col.accessor((f) => attachmentLabel(f), { id: 'attached', header: 'auditPages.findings.attachedTo' }),
        col.accessor('owner', { header: 'auditPages.findings.owner' }),
        col.accessor('dueDate', { header: 'auditPages.findings.dueDate' }),
        col.accessor((f) => (f.status === 'closed' ? `${t('audits.findingStatuses.closed')} ${f.closedOn ?? ''}` : t('audits.findingStatuses.open')), {
          id: 'status',
          header: 'auditPages.findings.status',
          cell: ({ row }) => (
            <Text size="sm" c={row.original.status === 'open' ? 'red' : 'teal'}>
              {row.original.status === 'closed'
                ? `${t('audits.findingStatuses.closed')} ${row.original.closedOn ?? ''}`
                : t('audits.findingStatuses.open')}
            </Text>
          ),
        }),
        col.accessor((f) => (f.proposalNodeId != null ? f.proposalText : ''), {
          id: 'proposal',
          header: 'auditPages.findings.proposal',
          cell: (info) =>
            info.getValue() ? (
              <Text size="xs" lineClamp={2} title={info.getValue()}>
                {info.getValue()}
              </Text>
            ) : null,
        }),
      ]),
    [t, attachmentLabel],
  );

  return (
    <div>
      <CrudGrid
        testId="findings-grid"
        data={detail.findings}
        columns={columns}
        getRowId={(f) => String(f.id)}
        canWrite={canWrite}
        createLabel="auditPages.findings.create"
        rowName={(f) => `${f.code} ${f.title}`}
        onDelete={(f) => remove.mutate({ findingId: f.id, expectedVersion: f.version })}
        form={({ row, onClose }) => <FindingForm detail={detail} finding={row} onClose={onClose} />}
      />
    </div>
  );
}
