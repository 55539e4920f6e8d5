import { useMemo } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { formatAmount, type MatterUnit } from '../../../shared/authority.ts';
import { useTRPC, type RouterOutputs } from '../../lib/trpc.ts';
import { withNote } from '../../lib/punct.ts';

/** Row shapes of the authority API, and the lookups its pages share. */
export type Matter = RouterOutputs['authority']['matters']['list'][number];
export type Rule = RouterOutputs['authority']['rules'][number];
export type Delegation = RouterOutputs['authority']['delegations']['list'][number];
export type Approval = RouterOutputs['authority']['approvals']['list']['rows'][number];
export type Violation = RouterOutputs['authority']['check']['rows'][number];
export type WhoAnswer = RouterOutputs['authority']['whoMayApprove'];

const NONE: never[] = [];

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** After any authority change, every authority list and the check refetch. */
export function useInvalidateAuthority() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.authority.pathKey() });
}

/** Matters, people and positions as select options. */
export function useAuthorityLookups() {
  const trpc = useTRPC();
  const { t } = useTranslation();
  const matters = useQuery(trpc.authority.matters.list.queryOptions()).data ?? (NONE as Matter[]);
  const people = useQuery(trpc.org.people.list.queryOptions()).data ?? NONE;
  const positions = useQuery(trpc.org.positions.list.queryOptions({})).data ?? NONE;
  return useMemo(
    () => ({
      matters,
      matterById: new Map(matters.map((m) => [m.id, m])),
      matterOptions: matters.map((m) => ({ value: String(m.id), label: `${m.code} ${m.name}` })),
      personOptions: people.map((p) => ({ value: String(p.id), label: `${p.employeeNo} ${p.name}` })),
      positionOptions: positions.map((p) => ({ value: String(p.id), label: withNote(t, p.name, `${p.unitName} · ${p.levelRank}`) })),
    }),
    [matters, people, positions, t],
  );
}

/** "12,000 元" in the current language. */
export function useAmount() {
  const { t } = useTranslation();
  return (value: number | null, unit: MatterUnit) => formatAmount(value, unit, (key, params) => t(key, params ?? {}) as string);
}
