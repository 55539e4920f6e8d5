import { useQueryClient } from '@tanstack/react-query';
import { useTRPC } from './trpc.ts';
import { notifyError, notifySuccess } from './errors.ts';

/** After any organisation change, every org list (and the home counts) refetches. */
export function useInvalidateOrg() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.org.pathKey() });
}

/** Options for a delete mutation: refetch the org lists and notify; a server refusal is shown. */
export function useDeleteHandlers() {
  const invalidate = useInvalidateOrg();
  return {
    onSuccess: async () => {
      await invalidate();
      notifySuccess('common.deleted');
    },
    onError: notifyError,
  };
}
