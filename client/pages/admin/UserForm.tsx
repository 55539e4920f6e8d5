import { PasswordInput, Select, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ROLES, type Role } from '../../../shared/roles.ts';
import { LOCALES, type Locale } from '../../../shared/auth.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { saveForm } from '../../lib/errors.ts';
import type { User } from '../../lib/org-types.ts';

/** Create a user (with initial password) or edit role, display name, person, language, active. */
export function UserForm({ user, onClose }: { user?: User; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const people = useQuery(trpc.org.people.list.queryOptions()).data ?? [];
  const create = useMutation(trpc.users.create.mutationOptions());
  const update = useMutation(trpc.users.update.mutationOptions());
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      username: user?.username ?? '',
      displayName: user?.displayName ?? '',
      role: (user?.role ?? 'viewer') as Role,
      personId: user?.personId == null ? null : String(user.personId),
      locale: (user?.locale ?? 'zh-CN') as Locale,
      active: user?.active ?? true,
      password: '',
    },
  });

  const submit = form.onSubmit(async (v) => {
    const common = {
      displayName: v.displayName,
      role: v.role,
      personId: v.personId ? Number(v.personId) : null,
      locale: v.locale,
    };
    await saveForm(form, 'common.saved', async () => {
      if (user) await update.mutateAsync({ id: user.id, data: { ...common, active: v.active } });
      else await create.mutateAsync({ ...common, username: v.username, password: v.password });
      await queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
      onClose();
    });
  });

  return (
    <FormModal
      opened
      onClose={onClose}
      title={t(user ? 'users.editTitle' : 'users.createTitle')}
      onSubmit={submit}
      saving={create.isPending || update.isPending}
      testId="user-form"
    >
      <TextInput label={t('users.username')} required disabled={!!user} {...form.getInputProps('username')} />
      <TextInput label={t('users.displayName')} required {...form.getInputProps('displayName')} />
      <Select
        label={t('users.role')}
        data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
        allowDeselect={false}
        {...form.getInputProps('role')}
      />
      <Select
        label={t('users.person')}
        data={people.map((p) => ({ value: String(p.id), label: `${p.name} (${p.employeeNo})` }))}
        clearable
        searchable
        {...form.getInputProps('personId')}
      />
      <Select
        label={t('users.locale')}
        data={LOCALES.map((l) => ({ value: l, label: t(l === 'en' ? 'language.english' : 'language.chinese') }))}
        allowDeselect={false}
        {...form.getInputProps('locale')}
      />
      {user ? (
        <Switch label={t('users.active')} {...form.getInputProps('active', { type: 'checkbox' })} />
      ) : (
        <PasswordInput
          label={t('users.password')}
          description={t('users.passwordHint')}
          autoComplete="new-password"
          required
          {...form.getInputProps('password')}
        />
      )}
    </FormModal>
  );
}

export function ResetPasswordForm({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const reset = useMutation(trpc.users.resetPassword.mutationOptions());
  const form = useForm({ mode: 'controlled', initialValues: { password: '' } });
  const submit = form.onSubmit(async ({ password }) => {
    await saveForm(form, 'users.passwordReset', async () => {
      await reset.mutateAsync({ id: user.id, password });
      onClose();
    });
  });
  return (
    <FormModal
      opened
      onClose={onClose}
      title={t('users.resetTitle', { name: user.displayName })}
      onSubmit={submit}
      saving={reset.isPending}
    >
      <PasswordInput
        label={t('users.newPassword')}
        description={t('users.passwordHint')}
        autoComplete="new-password"
        required
        {...form.getInputProps('password')}
      />
    </FormModal>
  );
}
