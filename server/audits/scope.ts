import {
  sampleSize,
  type SampleSizeTable,
} from '../../shared/scoring.ts';
import {
  type AuditControl,
} from '../../shared/audits.ts';
import * as q from './queries.ts';
import { type ModelControl, type VersionModel } from './version-model.ts';


/** Audits: which controls and processes an audit covers. */

// ── scope ───────────────────────────────────────────────────────
/** Controls in scope: any of its (non pending-design) processes in scope, or its owner unit in scope. */
export function controlsInScope(model: VersionModel, processIds: readonly number[], unitIds: readonly number[]): ModelControl[] {
  const scoped = new Set(processIds.filter((id) => model.processById.get(id)?.status !== 'pending_design'));
  const units = new Set(unitIds);
  return model.controls.filter(
    (c) => c.processIds.some((p) => scoped.has(p)) || (c.attrs.ownerUnitId != null && units.has(c.attrs.ownerUnitId)),
  );
}

export function auditControl(c: ModelControl, sizes: SampleSizeTable): AuditControl {
  const a = c.attrs;
  return {
    id: c.id,
    number: c.number,
    title: c.title,
    isKey: a.isKey,
    weight: a.weight,
    element: a.element,
    scoringMethod: a.scoringMethod,
    tolerance: a.tolerance,
    frequency: a.frequency,
    automation: a.automation,
    evidenceTypes: a.evidenceTypes,
    inspections: a.inspections,
    processIds: c.processIds,
    stepIds: c.stepIds,
    unitId: a.ownerUnitId,
    unitName: a.ownerUnitName,
    ownerPositionName: a.ownerPositionName,
    suggestedSampleSize: sampleSize({ frequency: a.frequency, automation: a.automation }, null, sizes),
  };
}

/** Processes the audit touches: in scope, or holding a control in scope (not pending design). */
export function relevantProcessIds(model: VersionModel, state: Pick<q.AuditState, 'scopeProcessIds' | 'scopeUnitIds'>): Set<number> {
  const set = new Set<number>();
  for (const c of controlsInScope(model, state.scopeProcessIds, state.scopeUnitIds)) for (const p of c.processIds) set.add(p);
  return set;
}
