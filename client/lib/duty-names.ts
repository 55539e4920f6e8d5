import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { resolveLocale } from '../../shared/auth.ts';
import { useTRPC } from './trpc.ts';
import type { DutyCategory } from './org-types.ts';

const NO_DUTIES: DutyCategory[] = [];

/** Duty categories from the API, named in the current UI language. */
export function useDuties() {
  const trpc = useTRPC();
  const { i18n } = useTranslation();
  const duties = useQuery({ ...trpc.org.dutyCategories.queryOptions(), staleTime: 300_000 }).data ?? NO_DUTIES;
  const english = resolveLocale(i18n.language) === 'en';
  return useMemo(() => {
    const label = (d: DutyCategory) => (english ? d.nameEn : d.nameZh);
    const byCode = new Map(duties.map((d) => [d.code, label(d)]));
    return {
      duties,
      nameOf: (code: string) => byCode.get(code) ?? code,
      options: duties.map((d) => ({ value: d.code, label: label(d) })),
    };
  }, [duties, english]);
}
