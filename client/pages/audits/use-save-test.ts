import { useCallback, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fieldErrorsOf, notifyError } from '../../lib/errors.ts';
import { isAppError, useTRPC } from '../../lib/trpc.ts';
import { usePatchTest, type AuditTest } from './audit-data.ts';
import { testDataOf, type TestFormValues } from './test-draft.ts';

/** A save the server refused because someone else saved the control first. */
export interface TestConflict {
  controlId: number;
  /** the server's message: who saved it and when */
  message: string;
  /** their saved test, freshly loaded */
  theirs: AuditTest | undefined;
  mine: TestFormValues;
}

export type SaveOutcome = 'saved' | 'conflict' | 'failed';

/**
 * Saving a test with the optimistic version check (docs/design.md §3.7): a CONFLICT loads the current
 * row and offers "reload" (take theirs) or "keep mine" (resubmit on top of their version).
 */
export function useSaveTest(auditId: number) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const patch = usePatchTest(auditId);
  const mutation = useMutation(trpc.audits.saveTest.mutationOptions());
  const [conflict, setConflict] = useState<TestConflict | null>(null);
  /** server field errors per control id */
  const [errors, setErrors] = useState<Record<number, Record<string, string>>>({});

  const reloadAudit = useCallback(
    () => queryClient.fetchQuery({ ...trpc.audits.get.queryOptions({ auditId }), staleTime: 0 }),
    [queryClient, trpc, auditId],
  );

  const save = useCallback(
    async (controlId: number, test: AuditTest, values: TestFormValues): Promise<SaveOutcome> => {
      try {
        const saved = await mutation.mutateAsync({ testId: test.id, expectedVersion: test.version, data: testDataOf(values, test) });
        patch(saved as AuditTest);
        setErrors((prev) => (prev[controlId] ? { ...prev, [controlId]: {} } : prev));
        return 'saved';
      } catch (err) {
        if (isAppError(err) && err.data?.code === 'CONFLICT') {
          const fresh = await reloadAudit().catch(() => undefined);
          setConflict({ controlId, message: err.message, theirs: fresh?.tests.find((t) => t.id === test.id), mine: values });
          return 'conflict';
        }
        setErrors((prev) => ({ ...prev, [controlId]: fieldErrorsOf(err) }));
        notifyError(err);
        return 'failed';
      }
    },
    [mutation, patch, reloadAudit],
  );

  /** Take their version: reload the audit; the caller drops its draft. */
  const takeTheirs = useCallback(async () => {
    setConflict(null);
    await reloadAudit();
  }, [reloadAudit]);

  /** Keep my values: resubmit them against the version now current. */
  const keepMine = useCallback(async (): Promise<SaveOutcome> => {
    if (!conflict) return 'failed';
    const { controlId, mine } = conflict;
    setConflict(null);
    const fresh = await reloadAudit();
    const current = fresh.tests.find((t) => t.controlId === controlId);
    if (!current) return 'failed';
    return save(controlId, current, mine);
  }, [conflict, reloadAudit, save]);

  return { save, saving: mutation.isPending, conflict, takeTheirs, keepMine, errors };
}
