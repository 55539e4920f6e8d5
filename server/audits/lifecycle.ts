import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import { appError, notFound } from '../errors.ts';
import {
  DEFAULT_SAMPLE_SIZES,
} from '../../shared/scoring.ts';
import {
  type Audit,
  type AuditStatus,
} from '../../shared/audits.ts';
import * as q from './queries.ts';
import * as lq from './lifecycle.queries.ts';
import { versionModel, versionModelById } from './version-model.ts';
import { type Actor, type CreateAuditInput, type UpdateAuditInput, assertLeadOrAdmin, assertNotSignedOff, checkDates, leadName, lockAudit, requireAudit, requireAuditUser } from './guards.ts';
import { controlsInScope, relevantProcessIds } from './scope.ts';

/** Audits: create, update, status changes and tester assignment. */

// ── create / update / lifecycle ─────────────────────────────────
export async function createAudit(trx: Executor, trail: Trail, input: CreateAuditInput) {
  const manual = await q.manualHeader(trx, input.manualId);
  if (!manual) throw notFound('manual', input.manualId);
  const header = await q.versionHeader(trx, { manualId: input.manualId, versionNo: input.versionNo });
  if (!header) throw appError('BAD_REQUEST', 'errors.audits.unpublishedVersion', { manual: manual.title, version: input.versionNo });
  checkDates(input.periodFrom, input.periodTo, input.baseDate);
  await requireAuditUser(trx, input.leadUserId, 'audits.duties.lead');
  if (input.reviewerUserId != null) {
    if (input.reviewerUserId === input.leadUserId) throw appError('BAD_REQUEST', 'errors.audits.reviewerIsLead');
    await requireAuditUser(trx, input.reviewerUserId, 'audits.duties.reviewer');
  }
  const processIds = [...new Set(input.scopeProcessIds)];
  const unitIds = [...new Set(input.scopeUnitIds)];
  if (!processIds.length && !unitIds.length) throw appError('BAD_REQUEST', 'errors.audits.emptyScope');
  const model = await versionModel(trx, header);
  for (const id of processIds) {
    if (!model.processById.has(id)) throw appError('BAD_REQUEST', 'errors.audits.unknownScopeProcess', { id, version: input.versionNo });
  }
  const units = await q.unitsByIds(trx, unitIds);
  for (const id of unitIds) if (!units.some((u) => u.id === id)) throw appError('BAD_REQUEST', 'errors.audits.unknownUnit', { id });
  const controls = controlsInScope(model, processIds, unitIds);
  if (!controls.length) throw appError('BAD_REQUEST', 'errors.audits.noControls');

  const row = await lq.insertAudit(trx, {
    manual_id: input.manualId,
    manual_version_id: header.id,
    name: input.name,
    period_from: input.periodFrom,
    period_to: input.periodTo,
    base_date: input.baseDate,
    scope_process_ids: processIds,
    scope_unit_ids: unitIds,
    lead_user_id: input.leadUserId,
    reviewer_user_id: input.reviewerUserId,
    sample_sizes: JSON.stringify(input.sampleSizes ?? DEFAULT_SAMPLE_SIZES),
  });
  await lq.insertTestRows(trx, row.id, controls.map((c) => c.id));
  const audit = await requireAudit(trx, row.id);
  await trail.record({ entity: 'audit', entityId: row.id, action: 'create', after: { ...audit, controls: controls.length } });
  return audit;
}

export async function updateAudit(trx: Executor, trail: Trail, actor: Actor, auditId: number, data: UpdateAuditInput['data']) {
  const state = await lockAudit(trx, auditId, 'update');
  assertNotSignedOff(state);
  assertLeadOrAdmin(state, actor, 'audits.actions.update', await leadName(trx, state));
  const before = await requireAudit(trx, auditId);
  const next = { ...before, ...Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)) } as Audit;
  checkDates(next.periodFrom, next.periodTo, next.baseDate);
  if (data.leadUserId !== undefined) await requireAuditUser(trx, next.leadUserId, 'audits.duties.lead');
  if (data.reviewerUserId != null) await requireAuditUser(trx, data.reviewerUserId, 'audits.duties.reviewer');
  if (next.reviewerUserId != null && next.reviewerUserId === next.leadUserId) throw appError('BAD_REQUEST', 'errors.audits.reviewerIsLead');
  if (before.reviewerSignedAt && (data.reviewerUserId !== undefined || data.baseDate !== undefined)) {
    throw appError('PRECONDITION_FAILED', 'errors.audits.reviewerSigned', { at: before.reviewerSignedAt });
  }
  await lq.updateAuditRow(trx, auditId, {
    name: next.name,
    period_from: next.periodFrom,
    period_to: next.periodTo,
    base_date: next.baseDate,
    lead_user_id: next.leadUserId,
    reviewer_user_id: next.reviewerUserId,
    sample_sizes: JSON.stringify(next.sampleSizes),
  });
  const after = await requireAudit(trx, auditId);
  await trail.record({ entity: 'audit', entityId: auditId, action: 'update', before, after });
  return after;
}

const TRANSITIONS: Record<AuditStatus, readonly AuditStatus[]> = {
  planning: ['fieldwork'],
  fieldwork: ['planning', 'review'],
  review: ['fieldwork'],
  signed_off: [],
};

export async function setStatus(trx: Executor, trail: Trail, auditId: number, status: AuditStatus) {
  const state = await lockAudit(trx, auditId, 'update');
  assertNotSignedOff(state);
  if (!TRANSITIONS[state.status].includes(status)) {
    throw appError('BAD_REQUEST', 'errors.audits.badTransition', { fromKey: `audits.statuses.${state.status}`, toKey: `audits.statuses.${status}` });
  }
  // back to fieldwork: the reviewer's signature no longer covers what will change
  const clearReview = status === 'fieldwork' && state.status === 'review';
  await lq.updateAuditRow(trx, auditId, {
    status,
    ...(clearReview ? { reviewer_signed_at: null, reviewer_signed_by: null } : {}),
  });
  await trail.record({ entity: 'audit', entityId: auditId, action: 'set_status', before: { status: state.status }, after: { status } });
  return requireAudit(trx, auditId);
}

export async function assignTesters(trx: Executor, trail: Trail, auditId: number, processId: number, userIds: readonly number[]) {
  const state = await lockAudit(trx, auditId, 'share');
  assertNotSignedOff(state);
  const model = await versionModelById(trx, state.manualVersionId);
  if (!state.scopeProcessIds.includes(processId) && !relevantProcessIds(model, state).has(processId)) {
    throw appError('BAD_REQUEST', 'errors.audits.processNotInScope', { id: processId });
  }
  const ids = [...new Set(userIds)];
  for (const id of ids) await requireAuditUser(trx, id, 'audits.duties.tester');
  const before = await lq.replaceTesters(trx, auditId, processId, ids);
  await trail.record({
    entity: 'audit',
    entityId: auditId,
    action: 'assign_testers',
    before: { processId, userIds: before },
    after: { processId, userIds: ids },
  });
  return (await q.testersOfAudit(trx, auditId)).filter((t) => t.processId === processId);
}
