import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../../lib/trpc.ts';
import { notifyError } from '../../../lib/errors.ts';
import { patchControl, patchDefaults, type MatrixData } from './matrix-data.ts';

/** The control matrix of a manual: one query feeds the matrix page, the outline's lint and the panels. */
export function useMatrix(manualId: number) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.controls.matrix.queryOptions({ manualId }), staleTime: 30_000 });
}

/** After a change that touches controls (panel save, link, merge): refetch the matrix, overlap, outline. */
export function useRefreshControls() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.controls.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.manual.pathKey() }),
    ]);
}

/**
 * Inline edit of a control's weight or key/general level with an optimistic update: the matrix
 * cache changes at once (so shares and lint follow), the server's answer confirms it, an error
 * puts the control back as it was and says why.
 */
export function useQuickControlUpdate(manualId: number) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const key = trpc.controls.matrix.queryKey({ manualId });
  return useMutation(
    trpc.controls.update.mutationOptions({
      onMutate: async ({ controlId, data }) => {
        await queryClient.cancelQueries({ queryKey: key });
        const before = queryClient.getQueryData(key)?.controls.find((c) => c.id === controlId);
        queryClient.setQueryData(key, (old: MatrixData | undefined) =>
          old ? patchControl(old, controlId, { isKey: data.isKey, weightOverride: data.weight }) : old,
        );
        return { before };
      },
      onError: (err, { controlId }, context) => {
        const before = context?.before;
        if (before) {
          queryClient.setQueryData(key, (old: MatrixData | undefined) =>
            old ? patchControl(old, controlId, { isKey: before.isKey, weightOverride: before.weightOverride }) : old,
          );
        }
        notifyError(err);
        // the server may know something the cache does not (e.g. the control was deleted meanwhile)
        void queryClient.invalidateQueries({ queryKey: key });
      },
      onSuccess: (saved) => {
        queryClient.setQueryData(key, (old: MatrixData | undefined) =>
          old ? patchControl(old, saved.id, { isKey: saved.isKey, weightOverride: saved.weight }) : old,
        );
        // the panel's copy of this control is stale now
        void queryClient.invalidateQueries({ queryKey: trpc.controls.get.queryKey({ controlId: saved.id }) });
      },
    }),
  );
}

/** The manual's default key/general weights, applied to the cached matrix as soon as saved. */
export function useSetWeights(manualId: number) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const key = trpc.controls.matrix.queryKey({ manualId });
  return useMutation(
    trpc.controls.setWeights.mutationOptions({
      onSuccess: (saved) => {
        queryClient.setQueryData(key, (old: MatrixData | undefined) => (old ? patchDefaults(old, saved.keyWeight, saved.generalWeight) : old));
        void queryClient.invalidateQueries({ queryKey: trpc.controls.pathKey() });
      },
    }),
  );
}
