import { ActionIcon, Group, Tooltip } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { KeyboardEvent } from 'react';
import { useTRPC, type RouterOutputs } from '../../lib/trpc.ts';
import { notifyError } from '../../lib/errors.ts';

type Step = NonNullable<RouterOutputs['manual']['undoState']['undo']>;

/** Ctrl+Z (⌘Z) undoes; Ctrl+Shift+Z and Ctrl+Y redo. */
export function undoKey(e: KeyboardEvent): 'undo' | 'redo' | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const key = e.key.toLowerCase();
  if (key === 'z') return e.shiftKey ? 'redo' : 'undo';
  if (key === 'y' && !e.shiftKey) return 'redo';
  return null;
}

/**
 * Server-side undo/redo of the caller's outline edits in one manual: the toolbar state (what
 * would be undone/redone) and the two actions. `after` gets the node the step was about, or
 * null when that node no longer exists (an undone insert).
 */
export function useOutlineUndo(manualId: number, enabled: boolean, after: (nodeId: number | null) => Promise<void>) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const state = useQuery({ ...trpc.manual.undoState.queryOptions({ manualId }), enabled });
  const undo = useMutation(trpc.manual.undo.mutationOptions({ onError: notifyError }));
  const redo = useMutation(trpc.manual.redo.mutationOptions({ onError: notifyError }));
  const describe = (s: Pick<Step, 'kind' | 'label'>) => t(`outline.undoKinds.${s.kind}`, { label: s.label });
  const run = async (which: 'undo' | 'redo') => {
    const m = which === 'undo' ? undo : redo;
    if (m.isPending) return;
    try {
      const r = await m.mutateAsync({ manualId });
      await after(r.nodeId);
      notifications.show({ color: 'teal', autoClose: 2500, message: t(which === 'undo' ? 'outline.undone' : 'outline.redone', { what: describe(r) }) });
    } catch {
      // notified by onError; the outline is as it was
      await after(null);
    }
  };
  return { state: state.data, busy: undo.isPending || redo.isPending, run, describe };
}

export function UndoButtons({ undo }: { undo: ReturnType<typeof useOutlineUndo> }) {
  const { t } = useTranslation();
  const next = undo.state?.undo;
  const back = undo.state?.redo;
  return (
    <Group gap={4}>
      <Tooltip label={next ? t('outline.undoTip', { what: undo.describe(next) }) : t('outline.nothingToUndo')}>
        <ActionIcon variant="default" disabled={!next || undo.busy} onClick={() => void undo.run('undo')} aria-label={t('outline.undo')} data-testid="outline-undo">
          ↶
        </ActionIcon>
      </Tooltip>
      <Tooltip label={back ? t('outline.redoTip', { what: undo.describe(back) }) : t('outline.nothingToRedo')}>
        <ActionIcon variant="default" disabled={!back || undo.busy} onClick={() => void undo.run('redo')} aria-label={t('outline.redo')} data-testid="outline-redo">
          ↷
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}
