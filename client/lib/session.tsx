import { useQuery } from '@tanstack/react-query';
import { can, type Permission } from '../../shared/roles.ts';
import { useTRPC, type RouterOutputs } from './trpc.ts';

export type SessionUser = NonNullable<RouterOutputs['auth']['me']>;

/** The signed-in user (undefined while loading, null when signed out). */
export function useSessionUser(): { user: SessionUser | null | undefined; isLoading: boolean } {
  const trpc = useTRPC();
  const me = useQuery({ ...trpc.auth.me.queryOptions(), staleTime: Infinity, retry: false });
  return { user: me.isPending ? undefined : (me.data ?? null), isLoading: me.isPending };
}

/** Does the signed-in user's role grant `permission`? (shared/roles.ts is the only role table.) */
export function useCan(permission: Permission): boolean {
  const { user } = useSessionUser();
  return can(user?.role, permission);
}
