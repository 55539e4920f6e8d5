import { lintManual, processWeights, toLintControl, type LintControl, type LintItem, type ProcessWeights } from '../../../../shared/control-lint.ts';
import { effectiveWeight } from '../../../../shared/controls.ts';
import type { RouterOutputs } from '../../../lib/trpc.ts';

/** Shapes of the control API, and the live (client-side) lint and shares computed from them. */
export type MatrixData = RouterOutputs['controls']['matrix'];
export type MatrixControl = MatrixData['controls'][number];
export type MatrixProcess = MatrixData['processes'][number];

/** An edit not saved yet (typed into the weight input): what the matrix shows meanwhile. */
export interface WeightDraft {
  controlId: number;
  weight?: number;
  isKey?: boolean;
}

export interface LiveDesign {
  lintControls: LintControl[];
  lint: LintItem[];
  /** lint items per node (control or process); `null` = the manual's settings */
  lintByNode: Map<number | null, LintItem[]>;
  weights: Map<number, ProcessWeights>;
}

/**
 * The design lint and the process weight totals, recomputed on the client with the same pure
 * functions the server uses, so an edit (or a draft being typed) shows its effect at once.
 * Owner/duty conflicts need the SoD check, so the server sends those and the client lints the rest.
 */
export function liveDesign(data: MatrixData, draft: WeightDraft | null = null): LiveDesign {
  const lintControls = data.controls.map((c) =>
    draft && c.id === draft.controlId ? { ...toLintControl(c), weight: draft.weight ?? c.weight, isKey: draft.isKey ?? c.isKey } : toLintControl(c),
  );
  const lint = lintManual({ weights: data.manual, processes: data.processes, controls: lintControls, ownerConflicts: data.ownerConflicts });
  const lintByNode = new Map<number | null, LintItem[]>();
  for (const item of lint) {
    const list = lintByNode.get(item.nodeId);
    if (list) list.push(item);
    else lintByNode.set(item.nodeId, [item]);
  }
  return { lintControls, lint, lintByNode, weights: processWeights(lintControls) };
}

/** The matrix with one control changed (optimistic update / server answer). */
export function patchControl(data: MatrixData, controlId: number, change: { isKey?: boolean; weightOverride?: number | null }): MatrixData {
  return {
    ...data,
    controls: data.controls.map((c) => {
      if (c.id !== controlId) return c;
      const next = { ...c, ...(change.isKey !== undefined ? { isKey: change.isKey } : {}) };
      if (change.weightOverride !== undefined) next.weightOverride = change.weightOverride;
      next.weight = effectiveWeight({ isKey: next.isKey, weight: next.weightOverride }, data.manual);
      return next;
    }),
  };
}

/** The matrix with new manual default weights (every control without an override follows). */
export function patchDefaults(data: MatrixData, keyWeight: number, generalWeight: number): MatrixData {
  const manual = { ...data.manual, keyWeight, generalWeight };
  return {
    ...data,
    manual,
    controls: data.controls.map((c) => ({ ...c, weight: effectiveWeight({ isKey: c.isKey, weight: c.weightOverride }, manual) })),
  };
}

/** 0.1234 → "12.3%" */
export function formatShare(share: number | null | undefined): string {
  if (share == null || !Number.isFinite(share)) return '—';
  return `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}

/** A weight as typed: '' = the manual default (null), else a number (NaN when not one). */
export function parseWeightInput(text: string): number | null {
  // full-width digits and points from a Chinese input method count as ordinary ones
  const trimmed = text
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, '.');
  if (trimmed === '') return null;
  return Number(trimmed);
}
