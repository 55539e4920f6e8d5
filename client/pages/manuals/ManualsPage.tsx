import { useMemo, useState } from 'react';
import { Anchor, Badge, Button, Group, Select, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { NUMBERING_SCRIPTS, NUMBERING_STYLES, type NumberingScript, type NumberingStyle } from '../../../shared/outline.ts';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { FormModal } from '../../components/FormModal.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { saveForm } from '../../lib/errors.ts';
import type { ManualRow } from './outline-tree.ts';

const col = gridColumnHelper<ManualRow>();
const NO_MANUALS: ManualRow[] = [];

type EditedManual = Pick<ManualRow, 'id' | 'code' | 'title' | 'numberingStyle' | 'numberingScript' | 'documentNumber' | 'versionLabel' | 'effectiveDate' | 'publisher'>;

/** Create (manual undefined) or edit a manual's code, title, numbering and cover properties (文号, 版本, 生效日期, 发布). */
export function ManualForm({ manual, onClose, onSaved }: { manual?: EditedManual; onClose: () => void; onSaved?: (id: number) => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const create = useMutation(trpc.manual.create.mutationOptions());
  const update = useMutation(trpc.manual.update.mutationOptions());
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      code: manual?.code ?? '',
      title: manual?.title ?? '',
      numberingStyle: (manual?.numberingStyle ?? 'decimal') as NumberingStyle,
      numberingScript: (manual?.numberingScript ?? 'hans') as NumberingScript,
      documentNumber: manual?.documentNumber ?? '',
      versionLabel: manual?.versionLabel ?? '',
      effectiveDate: manual?.effectiveDate ?? '',
      publisher: manual?.publisher ?? '',
    },
  });
  const submit = form.onSubmit(async (values) => {
    await saveForm(form, 'common.saved', async () => {
      const data = { ...values, effectiveDate: values.effectiveDate || null };
      const saved = manual ? await update.mutateAsync({ id: manual.id, data }) : await create.mutateAsync(data);
      await queryClient.invalidateQueries({ queryKey: trpc.manual.pathKey() });
      onClose();
      onSaved?.(saved.id);
    });
  });
  return (
    <FormModal
      opened
      onClose={onClose}
      title={t(manual ? 'manuals.editTitle' : 'manuals.createTitle')}
      onSubmit={submit}
      saving={create.isPending || update.isPending}
      testId="manual-form"
    >
      <TextInput label={t('manuals.code')} required data-testid="manual-code" {...form.getInputProps('code')} />
      <TextInput label={t('manuals.name')} required data-testid="manual-title" {...form.getInputProps('title')} />
      <Select
        label={t('manuals.numberingStyle')}
        data={NUMBERING_STYLES.map((s) => ({ value: s, label: t(`numberingStyles.${s}`) }))}
        allowDeselect={false}
        data-testid="manual-numbering"
        {...form.getInputProps('numberingStyle')}
      />
      <Select
        label={t('manuals.numberingScript')}
        data={NUMBERING_SCRIPTS.map((s) => ({ value: s, label: t(`manuals.numberingScripts.${s}`) }))}
        allowDeselect={false}
        data-testid="manual-numbering-script"
        {...form.getInputProps('numberingScript')}
      />
      <Text size="xs" c="dimmed" mt="sm">
        {t('manuals.coverHint')}
      </Text>
      <TextInput label={t('manuals.documentNumber')} maxLength={200} data-testid="manual-document-number" {...form.getInputProps('documentNumber')} />
      <Group grow>
        <TextInput label={t('manuals.versionLabel')} maxLength={100} data-testid="manual-version-label" {...form.getInputProps('versionLabel')} />
        <TextInput type="date" label={t('manuals.effectiveDate')} data-testid="manual-effective-date" {...form.getInputProps('effectiveDate')} />
      </Group>
      <TextInput label={t('manuals.publisher')} maxLength={200} data-testid="manual-publisher" {...form.getInputProps('publisher')} />
    </FormModal>
  );
}

export function ManualsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const canWrite = useCan('manual.write');
  const [creating, setCreating] = useState(false);
  const manuals = useQuery(trpc.manual.list.queryOptions());

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('code', {
          header: 'manuals.code',
          cell: (info) => (
            <Anchor component={Link} to={`/manuals/${info.row.original.id}`} data-testid={`manual-link-${info.getValue()}`}>
              {info.getValue()}
            </Anchor>
          ),
        }),
        col.accessor('title', { header: 'manuals.name' }),
        col.accessor('numberingStyle', { header: 'manuals.numberingStyle', cell: (info) => t(`numberingStyles.${info.getValue()}`) }),
        col.accessor('nodeCount', { header: 'manuals.nodeCount' }),
        col.accessor('latestVersion', {
          header: 'manuals.latestVersion',
          cell: (info) =>
            info.getValue() == null ? (
              <Badge variant="light" color="gray">
                {t('manuals.noVersion')}
              </Badge>
            ) : (
              `v${info.getValue()}`
            ),
        }),
      ]),
    [t],
  );

  return (
    <div>
      <PageTitle>{t('manuals.title')}</PageTitle>
      <DataGrid
        testId="manuals-grid"
        data={manuals.data ?? NO_MANUALS}
        columns={columns}
        getRowId={(m) => String(m.id)}
        loading={manuals.isPending}
        toolbar={
          canWrite && (
            <Button onClick={() => setCreating(true)} data-testid="create-button">
              {t('common.create')}
            </Button>
          )
        }
      />
      {creating && <ManualForm onClose={() => setCreating(false)} onSaved={(id) => void navigate(`/manuals/${id}`)} />}
    </div>
  );
}
