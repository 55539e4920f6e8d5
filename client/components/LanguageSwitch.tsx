import { SegmentedControl } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { resolveLocale, type Locale } from '../../shared/auth.ts';
import { applyLocale } from '../i18n/index.ts';
import { useTRPC } from '../lib/trpc.ts';
import { useSessionUser } from '../lib/session.tsx';
import { notifyError } from '../lib/errors.ts';

/** 中文 / English toggle; when signed in the choice is saved on the user too. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const trpc = useTRPC();
  const { user } = useSessionUser();
  const queryClient = useQueryClient();
  const setLocale = useMutation(
    trpc.auth.setLocale.mutationOptions({
      onSuccess: ({ locale }) =>
        queryClient.setQueryData(trpc.auth.me.queryKey(), (me) => (me ? { ...me, locale } : me)),
      onError: notifyError,
    }),
  );

  const change = async (value: string) => {
    const locale: Locale = resolveLocale(value);
    await applyLocale(locale);
    if (user) setLocale.mutate({ locale });
  };

  return (
    <SegmentedControl
      size="xs"
      aria-label={t('language.label')}
      data-testid="language-switch"
      value={resolveLocale(i18n.language)}
      onChange={(v) => void change(v)}
      data={[
        // each language named in itself; lang marks the Chinese name as Chinese text in the English UI
        { value: 'zh-CN', label: <span lang="zh-CN">{t('language.zh')}</span> },
        { value: 'en', label: t('language.en') },
      ]}
    />
  );
}
