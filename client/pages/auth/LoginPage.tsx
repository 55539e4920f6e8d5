import { Alert, Box, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { LanguageSwitch } from '../../components/LanguageSwitch.tsx';
import { applyLocale } from '../../i18n/index.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { fieldErrorsOf } from '../../lib/errors.ts';
import { useSessionUser } from '../../lib/session.tsx';

export function LoginPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { user } = useSessionUser();
  const form = useForm({ mode: 'controlled', initialValues: { username: '', password: '' } });
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: async (signedIn) => {
        await applyLocale(signedIn.locale); // prefer the user's saved language
        queryClient.clear();
        queryClient.setQueryData(trpc.auth.me.queryKey(), signedIn);
        await navigate('/', { replace: true });
      },
      onError: (err) => form.setErrors(fieldErrorsOf(err)),
    }),
  );

  // a throttled attempt says when the next one will be admitted (server/auth/login-attempts.ts)
  const retryAtIso = (login.error?.data as { retryAt?: string } | undefined)?.retryAt;
  const retryAt = retryAtIso ? new Date(retryAtIso) : null;

  if (user) return <Navigate to="/" replace />;

  return (
    <Center mih="100vh" bg="gray.0">
      <Box w={380}>
        <Group justify="flex-end" mb="xs">
          <LanguageSwitch />
        </Group>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <form onSubmit={form.onSubmit((values) => login.mutate(values))} data-testid="login-form" noValidate>
            <Stack>
              <div>
                <Title order={3}>{t('login.title')}</Title>
                <Text size="sm" c="dimmed">
                  {t('login.subtitle')}
                </Text>
              </div>
              {login.error && (
                <Alert color="red" data-testid="login-error">
                  {login.error.message}
                  {retryAt && (
                    <Text size="sm" mt={4} data-testid="login-retry-at">
                      {t('login.retryAt', { time: retryAt.toLocaleTimeString() })}
                    </Text>
                  )}
                </Alert>
              )}
              <TextInput
                label={t('login.username')}
                autoComplete="username"
                name="username"
                data-testid="login-username"
                {...form.getInputProps('username')}
              />
              <PasswordInput
                label={t('login.password')}
                autoComplete="current-password"
                name="password"
                data-testid="login-password"
                {...form.getInputProps('password')}
              />
              <Button type="submit" loading={login.isPending} data-testid="login-submit">
                {t('login.submit')}
              </Button>
            </Stack>
          </form>
        </Paper>
      </Box>
    </Center>
  );
}
