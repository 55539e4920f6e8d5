import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { useParams } from 'react-router';
import type { AuditDetail, AuditStatus, AuditTest } from '../../../shared/audits.ts';
import { can } from '../../../shared/roles.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useSessionUser } from '../../lib/session.tsx';

/** Shapes of the audits API (shared/audits.ts is the contract) and the hooks every audit page uses. */
export type {
  AuditComparison,
  AuditControl,
  AuditDetail,
  AuditFinding,
  AuditListItem,
  AuditStatus,
  AuditTest,
  RevisionProposal,
} from '../../../shared/audits.ts';

/** The audit id from the route (/audits/:id/...). */
export function useAuditId(): number {
  const { id } = useParams();
  return Number(id);
}

export function useAuditDetail(auditId: number) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.audits.get.queryOptions({ auditId }), enabled: Number.isFinite(auditId) && auditId > 0 });
}

/** Everything an audit page shows comes from `get`, the list and the scores: refresh them together. */
export function useInvalidateAudits() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(() => queryClient.invalidateQueries({ queryKey: trpc.audits.pathKey() }), [queryClient, trpc]);
}

/**
 * Put one saved test into the cached `get` payload, so saving a row does not refetch the whole
 * audit (thousands of controls); the list and server scores are refreshed lazily.
 */
export function usePatchTest(auditId: number) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    (saved: AuditTest) => {
      queryClient.setQueryData(trpc.audits.get.queryKey({ auditId }), (old: AuditDetail | undefined) =>
        old ? { ...old, tests: old.tests.map((t) => (t.id === saved.id ? saved : t)) } : old,
      );
      void queryClient.invalidateQueries({ queryKey: trpc.audits.list.queryKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.audits.scores.queryKey({ auditId }) });
    },
    [queryClient, trpc, auditId],
  );
}

/** Signed-off audits are immutable (docs/design.md §3.7): the UI shows them read-only. */
export function isEditable(status: AuditStatus): boolean {
  return status !== 'signed_off';
}

/** Results and findings are entered during fieldwork only (the server refuses them otherwise). */
export function inFieldwork(status: AuditStatus): boolean {
  return status === 'fieldwork';
}

/**
 * Who may lead or review an audit. The audits API lists them per audit (`get().users`); before an
 * audit exists the list comes from the user admin (admins) — other roles lead their own audits
 * and pick the reviewer on the sign-off page.
 */
export function useAuditUserOptions(): { value: string; label: string }[] {
  const trpc = useTRPC();
  const { user } = useSessionUser();
  const isAdmin = can(user?.role, 'users.manage');
  const users = useQuery({ ...trpc.users.list.queryOptions(), enabled: isAdmin }).data;
  return useMemo(() => {
    const out = (users ?? [])
      .filter((u) => u.active && (u.role === 'admin' || u.role === 'auditor'))
      .map((u) => ({ value: String(u.id), label: u.displayName }));
    if (user && !out.some((o) => o.value === String(user.id))) out.unshift({ value: String(user.id), label: user.displayName });
    return out;
  }, [users, user]);
}

export const STATUS_COLORS: Record<AuditStatus, string> = {
  planning: 'gray',
  fieldwork: 'blue',
  review: 'orange',
  signed_off: 'teal',
};

export const SEVERITY_COLORS = { general: 'yellow', significant: 'orange', major: 'red' } as const;
