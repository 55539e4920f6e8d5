import { createContext, useCallback, useContext, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { defaultWeight, weight as weightSchema } from '../../../../shared/controls.ts';
import { weightPreview } from '../../../../shared/control-lint.ts';
import { parseWeightInput, type LiveDesign, type MatrixData, type WeightDraft } from './matrix-data.ts';
import type { MatrixRow } from './matrix-rows.ts';
import { useQuickControlUpdate } from './use-control-mutations.ts';

/**
 * Inline editing in the control matrix: which weight is being typed, whether it is valid, what it
 * would do to the key-control share of each process, and the optimistic commits. Cells read it
 * from context so the column definitions stay stable.
 */
export interface PreviewLine {
  processId: number;
  label: string;
  before: number;
  after: number;
  beforeShare: number;
  afterShare: number;
}

export interface MatrixEditing {
  canWrite: boolean;
  editingId: number | null;
  text: string;
  /** translated validation message for the text typed, null when valid */
  error: string | null;
  preview: PreviewLine[];
  defaults: { keyWeight: number; generalWeight: number };
  startEdit: (row: MatrixRow) => void;
  changeText: (text: string) => void;
  commit: () => void;
  cancel: () => void;
  toggleKey: (row: MatrixRow, isKey: boolean) => void;
}

export const MatrixEditingContext = createContext<MatrixEditing | null>(null);

export function useMatrixEditingContext(): MatrixEditing {
  const value = useContext(MatrixEditingContext);
  if (!value) throw new Error('MatrixEditingContext missing');
  return value;
}

/** Validate typed text: a weight, null (= manual default), or a translated error. */
export function checkWeight(text: string, t: (key: string) => string): { value: number | null; error: string | null } {
  const parsed = parseWeightInput(text);
  if (parsed === null) return { value: null, error: null };
  const result = weightSchema.safeParse(parsed);
  if (result.success) return { value: result.data, error: null };
  return { value: null, error: t(result.error.issues[0]?.message ?? 'errors.controls.weight') };
}

export function useMatrixEditing(manualId: number, data: MatrixData | undefined, base: LiveDesign | null, canWrite: boolean) {
  const { t } = useTranslation();
  const update = useQuickControlUpdate(manualId);
  const [edit, setEditState] = useState<{ controlId: number; text: string } | null>(null);
  // the edit a commit/cancel applies to: Enter then the input's blur must not save twice
  const live = useRef(edit);
  const setEdit = useCallback(
    (next: typeof edit | ((e: typeof edit) => typeof edit)) =>
      setEditState((prev) => {
        const value = typeof next === 'function' ? next(prev) : next;
        live.current = value;
        return value;
      }),
    [],
  );
  // stable, so the memoised weight cells do not re-render for every keystroke elsewhere
  const startEdit = useCallback(
    (row: MatrixRow) => {
      if (canWrite) setEdit({ controlId: row.id, text: row.weightOverride == null ? '' : String(row.weightOverride) });
    },
    [canWrite, setEdit],
  );
  const defaults = useMemo(
    () => ({ keyWeight: data?.manual.keyWeight ?? 3, generalWeight: data?.manual.generalWeight ?? 1 }),
    [data?.manual.keyWeight, data?.manual.generalWeight],
  );
  const control = edit && data ? data.controls.find((c) => c.id === edit.controlId) : undefined;
  const checked = edit ? checkWeight(edit.text, t) : { value: null, error: null };

  /** the weight the typed text means (a blank input means the level's default) */
  const draftWeight = edit && control && !checked.error ? (checked.value ?? defaultWeight(control.isKey, defaults)) : null;
  const draftId = edit?.controlId ?? null;
  // one object per (control, weight): the page defers it, and a fresh object every render never settles
  const draft = useMemo<WeightDraft | null>(
    () => (draftId != null && draftWeight != null ? { controlId: draftId, weight: draftWeight } : null),
    [draftId, draftWeight],
  );

  const preview = useMemo<PreviewLine[]>(() => {
    if (!draft || !base || !data) return [];
    const processes = new Map(data.processes.map((p) => [p.id, p]));
    return weightPreview(base.lintControls, draft.controlId, { weight: draft.weight }).map((line) => {
      const p = processes.get(line.processId);
      return { ...line, label: p ? `${p.number} ${p.title}` : '' };
    });
  }, [draft, base, data]);

  const editing: MatrixEditing = {
    canWrite,
    editingId: edit?.controlId ?? null,
    text: edit?.text ?? '',
    error: checked.error,
    preview,
    defaults,
    startEdit,
    changeText: (text) => setEdit((e) => (e ? { ...e, text } : e)),
    commit: () => {
      if (!edit || !control || checked.error || live.current == null) return;
      live.current = null;
      setEdit(null);
      if (checked.value === control.weightOverride) return;
      update.mutate({ controlId: edit.controlId, data: { weight: checked.value } });
    },
    cancel: () => {
      live.current = null;
      setEdit(null);
    },
    toggleKey: (row, isKey) => canWrite && update.mutate({ controlId: row.id, data: { isKey } }),
  };
  return { editing, draft };
}
