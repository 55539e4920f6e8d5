import { useMemo } from 'react';
import { MultiSelect, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../components/FormModal.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useSessionUser } from '../../lib/session.tsx';
import { saveForm } from '../../lib/errors.ts';
import { useAuditUserOptions, useInvalidateAudits } from './audit-data.ts';

const NONE: never[] = [];
const year = new Date().getFullYear();

/** New audit: a published version of a manual, period, base date, scope (processes and/or units), lead and reviewer. */
export function AuditForm({ onClose, onSaved }: { onClose: () => void; onSaved?: (id: number) => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const { user } = useSessionUser();
  const invalidate = useInvalidateAudits();
  const create = useMutation(trpc.audits.create.mutationOptions());
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      manualId: null as string | null,
      versionNo: null as string | null,
      name: '',
      periodFrom: `${year}-01-01`,
      periodTo: `${year}-12-31`,
      baseDate: `${year}-12-31`,
      scopeProcessIds: [] as string[],
      scopeUnitIds: [] as string[],
      leadUserId: user ? String(user.id) : null,
      reviewerUserId: null as string | null,
    },
  });
  const manualId = form.values.manualId ? Number(form.values.manualId) : null;
  const versionNo = form.values.versionNo ? Number(form.values.versionNo) : null;

  const manuals = useQuery(trpc.manual.list.queryOptions()).data ?? NONE;
  const versions = useQuery({ ...trpc.manual.versions.queryOptions({ manualId: manualId ?? 0 }), enabled: manualId != null }).data ?? NONE;
  const snapshot = useQuery({
    ...trpc.manual.version.queryOptions({ manualId: manualId ?? 0, version: versionNo ?? 1 }),
    enabled: manualId != null && versionNo != null,
  }).data;
  const units = useQuery(trpc.org.units.list.queryOptions()).data ?? NONE;
  const userOptions = useAuditUserOptions();

  const processOptions = useMemo(
    () =>
      (snapshot ?? [])
        .filter((n) => n.kind === 'process')
        .map((n) => ({
          value: String(n.id),
          label: `${n.number} ${n.title}${n.status === 'pending_design' ? ` (${t('processStatuses.pending_design')})` : ''}`,
        })),
    [snapshot, t],
  );

  const submit = form.onSubmit(async (v) => {
    await saveForm(form, 'auditPages.created', async () => {
      const saved = await create.mutateAsync({
        manualId: Number(v.manualId),
        versionNo: Number(v.versionNo),
        name: v.name,
        periodFrom: v.periodFrom,
        periodTo: v.periodTo,
        baseDate: v.baseDate,
        scopeProcessIds: v.scopeProcessIds.map(Number),
        scopeUnitIds: v.scopeUnitIds.map(Number),
        leadUserId: Number(v.leadUserId),
        reviewerUserId: v.reviewerUserId ? Number(v.reviewerUserId) : null,
      });
      await invalidate();
      onClose();
      onSaved?.(saved.id);
    });
  });

  return (
    <FormModal opened onClose={onClose} title={t('auditPages.createTitle')} onSubmit={submit} saving={create.isPending} testId="audit-form">
      <SimpleGrid cols={2}>
        <Select
          label={t('auditPages.manual')}
          data={manuals.map((m) => ({ value: String(m.id), label: `${m.code} ${m.title}` }))}
          required
          searchable
          data-testid="audit-manual"
          {...form.getInputProps('manualId')}
          onChange={(value) => {
            form.setFieldValue('manualId', value);
            form.setFieldValue('versionNo', null);
            form.setFieldValue('scopeProcessIds', []);
          }}
        />
        <Select
          label={t('auditPages.version')}
          description={t('auditPages.publishedOnly')}
          data={versions.map((v) => ({ value: String(v.versionNo), label: t('versions.versionLabel', { version: v.versionNo }) }))}
          required
          disabled={manualId == null}
          data-testid="audit-version"
          {...form.getInputProps('versionNo')}
          onChange={(value) => {
            form.setFieldValue('versionNo', value);
            form.setFieldValue('scopeProcessIds', []);
          }}
        />
      </SimpleGrid>
      <TextInput label={t('auditPages.name')} required data-testid="audit-name" {...form.getInputProps('name')} />
      <SimpleGrid cols={3}>
        <TextInput type="date" label={t('auditPages.periodFrom')} required data-testid="audit-period-from" {...form.getInputProps('periodFrom')} />
        <TextInput type="date" label={t('auditPages.periodTo')} required data-testid="audit-period-to" {...form.getInputProps('periodTo')} />
        <TextInput type="date" label={t('auditPages.baseDate')} required data-testid="audit-base-date" {...form.getInputProps('baseDate')} />
      </SimpleGrid>
      <MultiSelect
        label={t('auditPages.scopeProcesses')}
        description={t('auditPages.scopeHint')}
        data={processOptions}
        searchable
        clearable
        disabled={snapshot == null}
        limit={200}
        data-testid="audit-scope-processes"
        {...form.getInputProps('scopeProcessIds')}
      />
      <MultiSelect
        label={t('auditPages.scopeUnits')}
        data={units.map((u) => ({ value: String(u.id), label: `${u.name} (${u.code})` }))}
        searchable
        clearable
        data-testid="audit-scope-units"
        {...form.getInputProps('scopeUnitIds')}
      />
      <SimpleGrid cols={2}>
        <Select label={t('auditPages.lead')} data={userOptions} required searchable data-testid="audit-lead" {...form.getInputProps('leadUserId')} />
        <Select label={t('auditPages.reviewer')} data={userOptions} clearable searchable data-testid="audit-reviewer" {...form.getInputProps('reviewerUserId')} />
      </SimpleGrid>
    </FormModal>
  );
}
