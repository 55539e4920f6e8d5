import { useMemo } from 'react';
import { MultiSelect, SegmentedControl, Select, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FINDING_NATURES, FINDING_SEVERITIES, FINDING_STATUSES, type FindingNature, type FindingSeverity, type FindingStatus } from '../../../shared/scoring.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { saveForm } from '../../lib/errors.ts';
import { useInvalidateAudits, type AuditDetail, type AuditFinding } from './audit-data.ts';

export const ATTACHMENTS = ['controls', 'process', 'unit', 'company'] as const;
export type Attachment = (typeof ATTACHMENTS)[number];

/** What a finding is tied to (docs/design.md §3.4: controls → in their r and caps; process/unit → deduction; company). */
export function attachmentOf(f: Pick<AuditFinding, 'controlIds' | 'processId' | 'unitId' | 'companyLevel'>): Attachment {
  if (f.controlIds.length) return 'controls';
  if (f.companyLevel) return 'company';
  if (f.processId != null) return 'process';
  if (f.unitId != null) return 'unit';
  return 'controls';
}

/** New or edited finding, with an optional revision proposal for a node of the manual's draft. */
export function FindingForm({ detail, finding, onClose }: { detail: AuditDetail; finding?: AuditFinding; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const invalidate = useInvalidateAudits();
  const saveFinding = useMutation(trpc.audits.saveFinding.mutationOptions());
  const draftTree = useQuery(trpc.manual.tree.queryOptions({ manualId: detail.audit.manualId }));
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      nature: (finding?.nature ?? 'operating') as FindingNature,
      severity: (finding?.severity ?? 'general') as FindingSeverity,
      title: finding?.title ?? '',
      attachment: (finding ? attachmentOf(finding) : 'controls') as Attachment,
      controlIds: (finding?.controlIds ?? []).map(String),
      processId: finding?.processId == null ? null : String(finding.processId),
      unitId: finding?.unitId == null ? null : String(finding.unitId),
      description: finding?.description ?? '',
      rootCause: finding?.rootCause ?? '',
      owner: finding?.owner ?? '',
      dueDate: finding?.dueDate ?? '',
      status: (finding?.status ?? 'open') as FindingStatus,
      closedOn: finding?.closedOn ?? '',
      proposalNodeId: finding?.proposalNodeId == null ? null : String(finding.proposalNodeId),
      proposalText: finding?.proposalText ?? '',
    },
  });
  const v = form.values;

  const controlOptions = useMemo(() => detail.controls.map((c) => ({ value: String(c.id), label: `${c.number} ${c.title}` })), [detail.controls]);
  const processOptions = useMemo(
    () => detail.processes.filter((p) => p.inScope).map((p) => ({ value: String(p.id), label: `${p.number} ${p.title}` })),
    [detail.processes],
  );
  const unitOptions = detail.units.map((u) => ({ value: String(u.id), label: u.name }));
  const nodeOptions = useMemo(
    () => (draftTree.data?.nodes ?? []).map((n) => ({ value: String(n.id), label: `${n.number} ${n.title}` })),
    [draftTree.data],
  );

  const submit = form.onSubmit(async (values) => {
    const a = values.attachment;
    await saveForm(form, 'common.saved', async () => {
      await saveFinding.mutateAsync({
        auditId: detail.audit.id,
        ...(finding ? { findingId: finding.id, expectedVersion: finding.version } : {}),
        data: {
          nature: values.nature,
          severity: values.severity,
          title: values.title,
          description: values.description,
          rootCause: values.rootCause,
          owner: values.owner,
          dueDate: values.dueDate || null,
          status: values.status,
          closedOn: values.status === 'closed' ? values.closedOn || null : null,
          controlIds: a === 'controls' ? values.controlIds.map(Number) : [],
          processId: a === 'process' && values.processId ? Number(values.processId) : null,
          unitId: a === 'unit' && values.unitId ? Number(values.unitId) : null,
          companyLevel: a === 'company',
          proposalNodeId: values.proposalNodeId ? Number(values.proposalNodeId) : null,
          proposalText: values.proposalNodeId ? values.proposalText : '',
        },
      });
      await invalidate();
      onClose();
    });
  });

  return (
    <FormModal
      opened
      onClose={onClose}
      title={finding ? t('auditPages.findings.editTitle', { code: finding.code }) : t('auditPages.findings.createTitle')}
      onSubmit={submit}
      saving={saveFinding.isPending}
      testId="finding-form"
    >
      <SimpleGrid cols={2}>
        <Select
          label={t('auditPages.findings.nature')}
          data={FINDING_NATURES.map((n) => ({ value: n, label: t(`audits.findingNatures.${n}`) }))}
          allowDeselect={false}
          data-testid="finding-nature"
          {...form.getInputProps('nature')}
        />
        <Select
          label={t('auditPages.findings.severity')}
          data={FINDING_SEVERITIES.map((s) => ({ value: s, label: t(`audits.findingSeverities.${s}`) }))}
          allowDeselect={false}
          data-testid="finding-severity"
          {...form.getInputProps('severity')}
        />
      </SimpleGrid>
      <TextInput label={t('auditPages.findings.titleLabel')} required data-testid="finding-title" {...form.getInputProps('title')} />
      <div>
        <Text size="sm" fw={500} mb={4}>
          {t('auditPages.findings.attachedTo')}
        </Text>
        <SegmentedControl
          fullWidth
          data={ATTACHMENTS.map((a) => ({ value: a, label: t(`auditPages.findings.attachments.${a}`) }))}
          data-testid="finding-attachment"
          {...form.getInputProps('attachment')}
        />
        <Text size="xs" c="dimmed" mt={4}>
          {t(`auditPages.findings.attachmentHints.${v.attachment}`)}
        </Text>
      </div>
      {v.attachment === 'controls' && (
        <MultiSelect
          label={t('auditPages.findings.controls')}
          data={controlOptions}
          searchable
          limit={100}
          required
          data-testid="finding-controls"
          {...form.getInputProps('controlIds')}
        />
      )}
      {v.attachment === 'process' && (
        <Select label={t('auditPages.findings.process')} data={processOptions} searchable required data-testid="finding-process" {...form.getInputProps('processId')} />
      )}
      {v.attachment === 'unit' && (
        <Select label={t('auditPages.findings.unit')} data={unitOptions} searchable required data-testid="finding-unit" {...form.getInputProps('unitId')} />
      )}
      <Textarea label={t('auditPages.findings.description')} autosize minRows={2} maxRows={8} data-testid="finding-description" {...form.getInputProps('description')} />
      <Textarea label={t('auditPages.findings.rootCause')} autosize minRows={1} maxRows={6} data-testid="finding-root-cause" {...form.getInputProps('rootCause')} />
      <SimpleGrid cols={2}>
        <TextInput label={t('auditPages.findings.owner')} data-testid="finding-owner" {...form.getInputProps('owner')} />
        <TextInput type="date" label={t('auditPages.findings.dueDate')} data-testid="finding-due-date" {...form.getInputProps('dueDate')} />
      </SimpleGrid>
      <SimpleGrid cols={2}>
        <Select
          label={t('auditPages.findings.status')}
          data={FINDING_STATUSES.map((s) => ({ value: s, label: t(`audits.findingStatuses.${s}`) }))}
          allowDeselect={false}
          data-testid="finding-status"
          {...form.getInputProps('status')}
        />
        {v.status === 'closed' && (
          <TextInput type="date" label={t('scoring.fields.closedOn')} required data-testid="finding-closed-on" {...form.getInputProps('closedOn')} />
        )}
      </SimpleGrid>
      <Stack gap={4}>
        <Select
          label={t('auditPages.findings.proposalNode')}
          description={t('auditPages.findings.proposalHint')}
          data={nodeOptions}
          searchable
          clearable
          limit={50}
          data-testid="finding-proposal-node"
          {...form.getInputProps('proposalNodeId')}
        />
        {v.proposalNodeId && (
          <Textarea
            label={t('auditPages.findings.proposalText')}
            autosize
            minRows={2}
            maxRows={8}
            required
            data-testid="finding-proposal-text"
            {...form.getInputProps('proposalText')}
          />
        )}
      </Stack>
    </FormModal>
  );
}
