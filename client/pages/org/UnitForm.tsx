import { NumberInput, Select, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../components/FormModal.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useInvalidateOrg } from '../../lib/use-org-mutations.ts';
import { saveForm } from '../../lib/errors.ts';
import type { Unit } from '../../lib/org-types.ts';
import { flattenUnits, subtreeIds, unitOptions } from './unit-tree.ts';

/** Create (unit undefined) or edit one unit. */
export function UnitForm({ unit, units, onClose }: { unit?: Unit; units: Unit[]; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const invalidate = useInvalidateOrg();
  const create = useMutation(trpc.org.units.create.mutationOptions());
  const update = useMutation(trpc.org.units.update.mutationOptions());
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      parentId: unit?.parentId == null ? null : String(unit.parentId),
      code: unit?.code ?? '',
      name: unit?.name ?? '',
      sortOrder: unit?.sortOrder ?? 0,
    },
  });
  const exclude = unit ? subtreeIds(units, unit.id) : undefined;

  const submit = form.onSubmit(async (values) => {
    const data = {
      parentId: values.parentId ? Number(values.parentId) : null,
      code: values.code,
      name: values.name,
      sortOrder: Number(values.sortOrder) || 0,
    };
    await saveForm(form, 'common.saved', async () => {
      if (unit) await update.mutateAsync({ id: unit.id, data });
      else await create.mutateAsync(data);
      await invalidate();
      onClose();
    });
  });

  return (
    <FormModal
      opened
      onClose={onClose}
      title={t(unit ? 'units.editTitle' : 'units.createTitle')}
      onSubmit={submit}
      saving={create.isPending || update.isPending}
      testId="unit-form"
    >
      <Select
        label={t('units.parent')}
        placeholder={t('units.noParent')}
        data={unitOptions(flattenUnits(units), exclude)}
        clearable
        searchable
        data-testid="unit-parent"
        {...form.getInputProps('parentId')}
      />
      <TextInput label={t('units.code')} required data-testid="unit-code" {...form.getInputProps('code')} />
      <TextInput label={t('units.name')} required data-testid="unit-name" {...form.getInputProps('name')} />
      <NumberInput label={t('units.sortOrder')} min={0} allowDecimal={false} {...form.getInputProps('sortOrder')} />
    </FormModal>
  );
}
