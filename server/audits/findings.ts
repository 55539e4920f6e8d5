import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import { appError, notFound } from '../errors.ts';
import {
  type AuditFinding,
} from '../../shared/audits.ts';
import * as q from './queries.ts';
import * as fq from './findings.queries.ts';
import { versionModelById, type VersionModel } from './version-model.ts';
import { type Actor, type FindingData, type SaveFindingInput, assertEntryOpen, conflict, lockAudit } from './guards.ts';
import { controlsInScope, relevantProcessIds } from './scope.ts';

/** Audits: saving and deleting findings. */

// ── findings ────────────────────────────────────────────────────
export function findingView(row: q.FindingRow): AuditFinding {
  const { auditId: _a, updatedAt: _u, updatedBy: _b, ...rest } = row;
  return rest;
}

async function checkFinding(trx: Executor, state: q.AuditState, model: VersionModel, data: FindingData) {
  const controlIds = [...new Set(data.controlIds)];
  if (controlIds.length) {
    const found = new Set(await fq.testedControlIds(trx, state.id, controlIds));
    const outside = controlIds.find((id) => !found.has(id));
    if (outside != null) throw appError('BAD_REQUEST', 'errors.audits.controlOutsideScope', { control: model.controlById.get(outside)?.number ?? outside });
  }
  if (data.processId != null && !state.scopeProcessIds.includes(data.processId) && !relevantProcessIds(model, state).has(data.processId)) {
    throw appError('BAD_REQUEST', 'errors.audits.processNotInScope', { id: data.processId });
  }
  if (data.unitId != null) {
    const inScope =
      state.scopeUnitIds.includes(data.unitId) ||
      controlsInScope(model, state.scopeProcessIds, state.scopeUnitIds).some((c) => c.attrs.ownerUnitId === data.unitId);
    if (!inScope) throw appError('BAD_REQUEST', 'errors.audits.unitNotInScope', { id: data.unitId });
  }
  if (!controlIds.length && !data.companyLevel && data.processId == null && data.unitId == null) {
    throw appError('BAD_REQUEST', 'errors.audits.findingUnattached');
  }
  if (data.status === 'closed' && !data.closedOn) throw appError('BAD_REQUEST', 'errors.audits.closedOnRequired');
  if ((data.proposalNodeId == null) !== !data.proposalText) throw appError('BAD_REQUEST', 'errors.audits.proposalIncomplete');
  if (data.proposalNodeId != null) {
    if (!(await fq.manualHasNode(trx, state.manualId, data.proposalNodeId))) throw appError('BAD_REQUEST', 'errors.audits.proposalNode', { id: data.proposalNodeId });
  }
  return controlIds;
}

export async function saveFinding(trx: Executor, trail: Trail, actor: Actor, input: SaveFindingInput): Promise<AuditFinding> {
  const state = await lockAudit(trx, input.auditId, 'share');
  assertEntryOpen(state);
  const model = await versionModelById(trx, state.manualVersionId);
  const data = input.data;
  const controlIds = await checkFinding(trx, state, model, data);
  const values = {
    nature: data.nature,
    severity: data.severity,
    title: data.title,
    description: data.description,
    root_cause: data.rootCause,
    owner: data.owner,
    due_date: data.dueDate,
    status: data.status,
    closed_on: data.status === 'closed' ? data.closedOn : null,
    process_id: data.processId,
    unit_id: data.unitId,
    company_level: data.companyLevel,
    proposal_node_id: data.proposalNodeId,
    proposal_text: data.proposalText,
    updated_by: actor.displayName,
  };

  let findingId: number;
  let before: q.FindingRow | undefined;
  if (input.findingId == null) {
    // codes F-001, F-002 … per audit
    const last = await fq.lockLastFindingNumber(trx, input.auditId);
    const code = `F-${String(last + 1).padStart(3, '0')}`;
    findingId = await fq.insertFinding(trx, { audit_id: input.auditId, code, ...values });
  } else {
    before = await q.findingById(trx, input.findingId);
    if (!before || before.auditId !== input.auditId) throw notFound('finding', input.findingId);
    if (input.expectedVersion == null) throw appError('BAD_REQUEST', 'errors.audits.expectedVersionRequired');
    const findingConflict = (row: q.FindingRow) =>
      conflict('errors.audits.findingConflict', { code: row.code, by: row.updatedBy ?? '?', at: row.updatedAt, version: row.version, current: findingView(row) });
    if (before.version !== input.expectedVersion) throw findingConflict(before);
    const updated = await fq.updateFinding(trx, input.findingId, input.expectedVersion, values);
    if (!updated) throw findingConflict((await q.findingById(trx, input.findingId))!);
    findingId = input.findingId;
    await fq.deleteFindingControls(trx, findingId);
  }
  if (controlIds.length) await fq.insertFindingControls(trx, findingId, controlIds);
  const after = findingView((await q.findingById(trx, findingId))!);
  await trail.record({ entity: 'finding', entityId: findingId, action: before ? 'update' : 'create', before: before && findingView(before), after });
  return after;
}

export async function deleteFinding(trx: Executor, trail: Trail, findingId: number, expectedVersion?: number) {
  const before = await q.findingById(trx, findingId);
  if (!before) throw notFound('finding', findingId);
  const state = await lockAudit(trx, before.auditId, 'share');
  assertEntryOpen(state);
  if (expectedVersion != null && expectedVersion !== before.version) {
    throw conflict('errors.audits.findingConflict', { code: before.code, by: before.updatedBy ?? '?', at: before.updatedAt, version: before.version, current: findingView(before) });
  }
  await fq.deleteFindingRow(trx, findingId);
  await trail.record({ entity: 'finding', entityId: findingId, action: 'delete', before: findingView(before) });
  return { id: findingId };
}
