import { Checkbox, NumberInput, Select, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { MATTER_UNITS, type MatterUnit } from '../../../shared/authority.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { saveForm } from '../../lib/errors.ts';
import { useInvalidateAuthority, type Matter } from './authority-data.ts';

export function MatterForm({ matter, onClose }: { matter?: Matter; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const invalidate = useInvalidateAuthority();
  const create = useMutation(trpc.authority.matters.create.mutationOptions());
  const update = useMutation(trpc.authority.matters.update.mutationOptions());
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      code: matter?.code ?? '',
      name: matter?.name ?? '',
      unit: (matter?.unit ?? 'CNY') as MatterUnit,
      nonDelegable: matter?.nonDelegable ?? false,
      requiresMinutes: matter?.requiresMinutes ?? false,
      splitWindowDays: (matter?.splitWindowDays ?? '') as number | '',
    },
  });
  const submit = form.onSubmit(async (v) => {
    const data = { ...v, splitWindowDays: v.splitWindowDays === '' ? null : Number(v.splitWindowDays) };
    await saveForm(form, 'common.saved', async () => {
      if (matter) await update.mutateAsync({ id: matter.id, data });
      else await create.mutateAsync(data);
      await invalidate();
      onClose();
    });
  });
  return (
    <FormModal opened onClose={onClose} title={t(matter ? 'authorityUi.matters.editTitle' : 'authorityUi.matters.createTitle')} onSubmit={submit} saving={create.isPending || update.isPending} testId="matter-form">
      <TextInput label={t('authorityUi.matters.code')} required {...form.getInputProps('code')} data-testid="matter-code" />
      <TextInput label={t('authorityUi.matters.name')} required {...form.getInputProps('name')} data-testid="matter-name" />
      <Select label={t('authorityUi.matters.unit')} data={MATTER_UNITS.map((u) => ({ value: u, label: t(`authority.units.${u}`) }))} allowDeselect={false} {...form.getInputProps('unit')} />
      <Checkbox label={t('authorityUi.matters.nonDelegable')} {...form.getInputProps('nonDelegable', { type: 'checkbox' })} />
      <Checkbox label={t('authorityUi.matters.requiresMinutes')} {...form.getInputProps('requiresMinutes', { type: 'checkbox' })} />
      <NumberInput
        label={t('authorityUi.matters.splitWindowDays')}
        description={t('authorityUi.matters.splitWindowHint')}
        min={1}
        max={366}
        allowDecimal={false}
        {...form.getInputProps('splitWindowDays')}
      />
    </FormModal>
  );
}
