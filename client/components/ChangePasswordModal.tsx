import { Alert, PasswordInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC } from '../lib/trpc.ts';
import { notifySuccess, reportError } from '../lib/errors.ts';
import { FormModal } from './FormModal.tsx';

export function ChangePasswordModal({ opened, onClose, forced = false }: { opened: boolean; onClose: () => void; forced?: boolean }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const change = useMutation(trpc.auth.changePassword.mutationOptions());
  const form = useForm({
    mode: 'controlled',
    initialValues: { currentPassword: '', newPassword: '', confirm: '' },
    validate: { confirm: (value, values) => (value === values.newPassword ? null : t('password.mismatch')) },
  });
  const close = () => {
    form.reset();
    onClose();
  };
  const submit = form.onSubmit(async ({ currentPassword, newPassword }) => {
    try {
      await change.mutateAsync({ currentPassword, newPassword });
      notifySuccess('password.changed');
      close();
      // a forced change lifts the server's refusal of everything else: reload the session and pages
      if (forced) await queryClient.invalidateQueries();
    } catch (err) {
      reportError(err, form);
    }
  });
  return (
    <FormModal opened={opened} onClose={forced ? () => {} : close} title={t('password.title')} onSubmit={submit} saving={change.isPending}>
      {forced && (
        <Alert color="orange" data-testid="password-forced">
          {t('password.forced')}
        </Alert>
      )}
      <PasswordInput label={t('password.current')} autoComplete="current-password" {...form.getInputProps('currentPassword')} />
      <PasswordInput
        label={t('password.new')}
        description={t('users.passwordHint')}
        autoComplete="new-password"
        {...form.getInputProps('newPassword')}
      />
      <PasswordInput label={t('password.confirm')} autoComplete="new-password" {...form.getInputProps('confirm')} />
    </FormModal>
  );
}
