import { Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { gridColumnHelper } from '../../components/DataGrid.tsx';
import { CrudGrid } from '../../components/CrudGrid.tsx';
import { FormModal } from '../../components/FormModal.tsx';
import { YesNo } from '../../components/YesNo.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { notifyError, notifySuccess, saveForm } from '../../lib/errors.ts';
import { useInvalidateSod } from './use-sod.tsx';
import type { SodDuty } from './sod-types.ts';

const col = gridColumnHelper<SodDuty>();
const NO_DUTIES: SodDuty[] = [];
const COLUMNS = col.columns([
  col.accessor('code', { header: 'sodPage.duties.code' }),
  col.accessor('nameZh', { header: 'sodPage.duties.nameZh' }),
  col.accessor('nameEn', { header: 'sodPage.duties.nameEn' }),
  col.accessor('builtin', { header: 'sodPage.duties.builtin', cell: ({ row }) => <YesNo value={row.original.builtin} /> }),
  col.accessor('positionCount', { header: 'sodPage.duties.positionCount' }),
  col.accessor('ruleCount', { header: 'sodPage.duties.ruleCount' }),
]);

/** Duty categories: the six builtin ones, and custom ones administrators add, rename or delete. */
export function DutiesPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canWrite = useCan('org.write');
  const invalidate = useInvalidateSod();
  const duties = useQuery(trpc.sod.duties.list.queryOptions());
  const remove = useMutation(
    trpc.sod.duties.delete.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        notifySuccess('common.deleted');
      },
      onError: notifyError,
    }),
  );

  return (
    <div>
      <Text size="sm" c="dimmed" mb="sm">
        {t('sodPage.duties.hint')}
      </Text>
      <CrudGrid
        testId="sod-duties-grid"
        data={duties.data ?? NO_DUTIES}
        columns={COLUMNS}
        getRowId={(d) => d.code}
        loading={duties.isPending}
        canWrite={canWrite}
        rowName={(d) => d.nameZh}
        readOnlyRow={(d) => d.builtin}
        onDelete={(d) => remove.mutate({ code: d.code })}
        form={({ row, onClose }) => <DutyForm duty={row} onClose={onClose} />}
      />
    </div>
  );
}

function DutyForm({ duty, onClose }: { duty?: SodDuty; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const invalidate = useInvalidateSod();
  const create = useMutation(trpc.sod.duties.create.mutationOptions());
  const rename = useMutation(trpc.sod.duties.rename.mutationOptions());
  const form = useForm({ mode: 'controlled', initialValues: { code: duty?.code ?? '', nameZh: duty?.nameZh ?? '', nameEn: duty?.nameEn ?? '' } });
  const submit = form.onSubmit((values) =>
    saveForm(form, 'common.saved', async () => {
      if (duty) await rename.mutateAsync(values);
      else await create.mutateAsync(values);
      await invalidate();
      onClose();
    }),
  );
  return (
    <FormModal
      opened
      onClose={onClose}
      title={t(duty ? 'sodPage.duties.editTitle' : 'sodPage.duties.createTitle')}
      onSubmit={submit}
      saving={create.isPending || rename.isPending}
      testId="duty-form"
    >
      <TextInput label={t('sodPage.duties.code')} description={t('sodPage.duties.codeHint')} required disabled={!!duty} {...form.getInputProps('code')} />
      <TextInput label={t('sodPage.duties.nameZh')} required {...form.getInputProps('nameZh')} />
      <TextInput label={t('sodPage.duties.nameEn')} required {...form.getInputProps('nameEn')} />
    </FormModal>
  );
}
