import { useMemo } from 'react';
import { Button, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { FormModal } from '../../components/FormModal.tsx';
import { RowActions } from '../../components/RowActions.tsx';
import { YesNo } from '../../components/YesNo.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { useEditor } from '../../lib/use-editor.ts';
import { notifyError, notifySuccess, saveForm } from '../../lib/errors.ts';
import { useInvalidateSod } from './use-sod.tsx';
import type { SodDuty } from './sod-types.ts';

const col = gridColumnHelper<SodDuty>();
const NO_DUTIES: SodDuty[] = [];

/** Duty categories: the six builtin ones, and custom ones administrators add, rename or delete. */
export function DutiesPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canWrite = useCan('org.write');
  const editor = useEditor<SodDuty>();
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

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('code', { header: 'sodPage.duties.code' }),
        col.accessor('nameZh', { header: 'sodPage.duties.nameZh' }),
        col.accessor('nameEn', { header: 'sodPage.duties.nameEn' }),
        col.accessor('builtin', { header: 'sodPage.duties.builtin', cell: ({ row }) => <YesNo value={row.original.builtin} /> }),
        col.accessor('positionCount', { header: 'sodPage.duties.positionCount' }),
        col.accessor('ruleCount', { header: 'sodPage.duties.ruleCount' }),
        ...(canWrite
          ? [
              col.display({
                id: 'actions',
                header: 'common.actions',
                cell: ({ row }) =>
                  row.original.builtin ? null : (
                    <RowActions
                      name={row.original.nameZh}
                      onEdit={() => editor.openEdit(row.original)}
                      onDelete={() => remove.mutate({ code: row.original.code })}
                    />
                  ),
              }),
            ]
          : []),
      ]),
    [canWrite, editor.openEdit, remove.mutate],
  );

  return (
    <div>
      <Text size="sm" c="dimmed" mb="sm">
        {t('sodPage.duties.hint')}
      </Text>
      <DataGrid
        testId="sod-duties-grid"
        data={duties.data ?? NO_DUTIES}
        columns={columns}
        getRowId={(d) => d.code}
        loading={duties.isPending}
        toolbar={
          canWrite && (
            <Button onClick={editor.openCreate} data-testid="create-button">
              {t('common.create')}
            </Button>
          )
        }
      />
      {editor.state.mode === 'create' && <DutyForm onClose={editor.close} />}
      {editor.state.mode === 'edit' && <DutyForm duty={editor.state.row} onClose={editor.close} />}
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
