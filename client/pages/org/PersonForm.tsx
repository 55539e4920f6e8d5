import { Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../components/FormModal.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { saveForm } from '../../lib/errors.ts';
import { useInvalidateOrg } from '../../lib/use-org-mutations.ts';
import type { Person } from '../../lib/org-types.ts';

export function PersonForm({ person, onClose }: { person?: Person; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const invalidate = useInvalidateOrg();
  const create = useMutation(trpc.org.people.create.mutationOptions());
  const update = useMutation(trpc.org.people.update.mutationOptions());
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      employeeNo: person?.employeeNo ?? '',
      name: person?.name ?? '',
      email: person?.email ?? '',
      active: person?.active ?? true,
    },
  });

  const submit = form.onSubmit(async (values) => {
    const data = { ...values, email: values.email.trim() || null };
    await saveForm(form, 'common.saved', async () => {
      if (person) await update.mutateAsync({ id: person.id, data });
      else await create.mutateAsync(data);
      await invalidate();
      onClose();
    });
  });

  return (
    <FormModal
      opened
      onClose={onClose}
      title={t(person ? 'people.editTitle' : 'people.createTitle')}
      onSubmit={submit}
      saving={create.isPending || update.isPending}
      testId="person-form"
    >
      <TextInput label={t('people.employeeNo')} required {...form.getInputProps('employeeNo')} />
      <TextInput label={t('people.name')} required {...form.getInputProps('name')} />
      <TextInput label={t('people.email')} type="email" {...form.getInputProps('email')} />
      <Switch label={t('people.active')} {...form.getInputProps('active', { type: 'checkbox' })} />
    </FormModal>
  );
}
