import { MultiSelect, NumberInput, Select, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../components/FormModal.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { saveForm } from '../../lib/errors.ts';
import { useDuties } from '../../lib/duty-names.ts';
import { useInvalidateOrg } from '../../lib/use-org-mutations.ts';
import type { Position, Unit } from '../../lib/org-types.ts';
import { flattenUnits, unitOptions } from './unit-tree.ts';

export function PositionForm(props: { position?: Position; units: Unit[]; defaultUnitId?: number; onClose: () => void }) {
  const { position, onClose } = props;
  const { t } = useTranslation();
  const trpc = useTRPC();
  const invalidate = useInvalidateOrg();
  const { options: dutyOptions } = useDuties();
  const create = useMutation(trpc.org.positions.create.mutationOptions());
  const update = useMutation(trpc.org.positions.update.mutationOptions());
  const unitId = position?.unitId ?? props.defaultUnitId;
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      unitId: unitId == null ? null : String(unitId),
      code: position?.code ?? '',
      name: position?.name ?? '',
      levelRank: position?.levelRank ?? 30,
      duties: position?.duties ?? [],
    },
  });

  const submit = form.onSubmit(async (values) => {
    const data = {
      unitId: Number(values.unitId),
      code: values.code,
      name: values.name,
      levelRank: Number(values.levelRank),
      duties: values.duties,
    };
    await saveForm(form, 'common.saved', async () => {
      if (position) await update.mutateAsync({ id: position.id, data });
      else await create.mutateAsync(data);
      await invalidate();
      onClose();
    });
  });

  return (
    <FormModal
      opened
      onClose={onClose}
      title={t(position ? 'positions.editTitle' : 'positions.createTitle')}
      onSubmit={submit}
      saving={create.isPending || update.isPending}
      testId="position-form"
    >
      <Select
        label={t('positions.unit')}
        data={unitOptions(flattenUnits(props.units))}
        searchable
        required
        {...form.getInputProps('unitId')}
      />
      <TextInput label={t('positions.code')} required {...form.getInputProps('code')} />
      <TextInput label={t('positions.name')} required {...form.getInputProps('name')} />
      <NumberInput
        label={t('positions.levelRank')}
        description={t('positions.levelRankHint')}
        min={1}
        max={99}
        allowDecimal={false}
        required
        {...form.getInputProps('levelRank')}
      />
      <MultiSelect label={t('positions.duties')} data={dutyOptions} clearable {...form.getInputProps('duties')} />
    </FormModal>
  );
}
