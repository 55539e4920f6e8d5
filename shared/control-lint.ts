import type { ProcessStatus } from './outline.ts';
import type { ManualWeights } from './controls.ts';

/**
 * Design lint (docs/design.md §3.3), pure so the editor, the matrix, the API and the workbook agree.
 * Input is what one manual holds; output is one finding per problem, each naming the node to open.
 */

export const LINT_CODES = [
  'key_not_above_general_default',
  'process_no_key',
  'key_not_above_general',
  'share_too_small',
  'no_evidence',
  'no_inspection',
  'no_owner',
  'owner_conflict',
  'pending_design',
] as const;
export type LintCode = (typeof LINT_CODES)[number];
export type LintLevel = 'error' | 'warning' | 'info';

export const LINT_LEVEL: Record<LintCode, LintLevel> = {
  key_not_above_general_default: 'error',
  process_no_key: 'error',
  key_not_above_general: 'error',
  share_too_small: 'warning',
  no_evidence: 'warning',
  no_inspection: 'warning',
  no_owner: 'warning',
  owner_conflict: 'error',
  pending_design: 'info',
};

/** A control's share of its process's total weight below this is "too many points". */
export const MIN_WEIGHT_SHARE = 0.02;

export interface LintProcess {
  id: number;
  status: ProcessStatus | null;
}

export interface LintControl {
  id: number;
  isKey: boolean;
  /** effective weight (override or manual default) */
  weight: number;
  processIds: readonly number[];
  evidenceCount: number;
  inspectionCount: number;
  ownerPositionId: number | null;
}

/** The lint's view of a control-matrix row (a small object: lint runs over 20,000 of them). */
export function toLintControl(c: Omit<LintControl, 'evidenceCount'> & { evidenceTypes: readonly unknown[] }): LintControl {
  return {
    id: c.id,
    isKey: c.isKey,
    weight: c.weight,
    processIds: c.processIds,
    evidenceCount: c.evidenceTypes.length,
    inspectionCount: c.inspectionCount,
    ownerPositionId: c.ownerPositionId,
  };
}

export interface LintInput {
  weights: ManualWeights;
  processes: readonly LintProcess[];
  controls: readonly LintControl[];
  /** from the SoD check: controls whose owner holds the duty the control checks */
  ownerConflicts?: readonly { controlId: number; duty: string }[];
}

export interface LintItem {
  code: LintCode;
  level: LintLevel;
  /** the node to open: a control or a process; null = the manual's settings */
  nodeId: number | null;
  processId: number | null;
  params: Record<string, string | number>;
}

export interface ProcessWeights {
  total: number;
  keyTotal: number;
  controlCount: number;
  keyCount: number;
  maxGeneral: number;
  minKey: number;
}

/** Weight totals per process; a shared control counts in every process it is linked into. */
export function processWeights(controls: readonly LintControl[]): Map<number, ProcessWeights> {
  const out = new Map<number, ProcessWeights>();
  for (const c of controls) {
    for (const p of c.processIds) {
      let w = out.get(p);
      if (!w) out.set(p, (w = { total: 0, keyTotal: 0, controlCount: 0, keyCount: 0, maxGeneral: 0, minKey: Infinity }));
      w.total += c.weight;
      w.controlCount++;
      if (c.isKey) {
        w.keyTotal += c.weight;
        w.keyCount++;
        w.minKey = Math.min(w.minKey, c.weight);
      } else {
        w.maxGeneral = Math.max(w.maxGeneral, c.weight);
      }
    }
  }
  return out;
}

const pct = (x: number) => Math.round(x * 10_000) / 100;

export function lintManual(input: LintInput): LintItem[] {
  const items: LintItem[] = [];
  const push = (code: LintCode, nodeId: number | null, processId: number | null, params: LintItem['params'] = {}) =>
    items.push({ code, level: LINT_LEVEL[code], nodeId, processId, params });

  const { keyWeight, generalWeight } = input.weights;
  if (!(keyWeight > generalWeight)) push('key_not_above_general_default', null, null, { key: keyWeight, general: generalWeight });

  const totals = processWeights(input.controls);
  const processStatus = new Map(input.processes.map((p) => [p.id, p.status]));
  for (const p of input.processes) {
    if (p.status === 'pending_design') {
      push('pending_design', p.id, p.id);
      continue;
    }
    if (p.status === 'retired') continue;
    const w = totals.get(p.id);
    if (!w || w.keyCount === 0) push('process_no_key', p.id, p.id, { controls: w?.controlCount ?? 0 });
  }

  const conflicts = new Map<number, string[]>();
  for (const c of input.ownerConflicts ?? []) conflicts.set(c.controlId, [...(conflicts.get(c.controlId) ?? []), c.duty]);

  for (const c of input.controls) {
    const home = c.processIds[0] ?? null;
    for (const p of c.processIds) {
      const status = processStatus.get(p);
      if (status === 'pending_design' || status === 'retired') continue;
      const w = totals.get(p)!;
      if (c.isKey && w.maxGeneral > 0 && !(c.weight > w.maxGeneral)) {
        push('key_not_above_general', c.id, p, { weight: c.weight, general: w.maxGeneral });
      }
      const share = w.total > 0 ? c.weight / w.total : 0;
      if (share < MIN_WEIGHT_SHARE) push('share_too_small', c.id, p, { share: pct(share), min: pct(MIN_WEIGHT_SHARE), controls: w.controlCount });
    }
    if (c.evidenceCount === 0) push('no_evidence', c.id, home);
    if (c.inspectionCount === 0) push('no_inspection', c.id, home);
    if (c.ownerPositionId == null) push('no_owner', c.id, home);
    for (const duty of conflicts.get(c.id) ?? []) push('owner_conflict', c.id, home, { duty });
  }
  return items;
}

/** Key-control share of each process's weight; used for the live weight preview. */
export function keyShares(controls: readonly LintControl[]): Map<number, { keyShare: number; total: number }> {
  const out = new Map<number, { keyShare: number; total: number }>();
  for (const [p, w] of processWeights(controls)) out.set(p, { keyShare: w.total > 0 ? w.keyTotal / w.total : 0, total: w.total });
  return out;
}

/**
 * What changing one control's weight (or key/general level) does to the key-weight share of
 * every process the control is linked into: before and after, for the preview next to the input.
 */
export function weightPreview(
  controls: readonly LintControl[],
  controlId: number,
  change: { weight?: number; isKey?: boolean },
): { processId: number; before: number; after: number; beforeShare: number; afterShare: number }[] {
  const target = controls.find((c) => c.id === controlId);
  if (!target) return [];
  const affected = new Set(target.processIds);
  const relevant = controls.filter((c) => c.processIds.some((p) => affected.has(p)));
  const before = keyShares(relevant);
  const after = keyShares(relevant.map((c) => (c.id === controlId ? { ...c, weight: change.weight ?? c.weight, isKey: change.isKey ?? c.isKey } : c)));
  const newWeight = change.weight ?? target.weight;
  return target.processIds.map((p) => ({
    processId: p,
    before: before.get(p)!.keyShare,
    after: after.get(p)!.keyShare,
    beforeShare: target.weight / before.get(p)!.total,
    afterShare: newWeight / after.get(p)!.total,
  }));
}
