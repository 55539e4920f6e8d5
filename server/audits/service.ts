import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { z } from 'zod';
import { TRPCError } from '@trpc/server';
import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import { appError, notFound } from '../errors.ts';
import { EVIDENCE_TYPES } from '../../shared/controls.ts';
import {
  computeScores,
  DEFAULT_SAMPLE_SIZES,
  safeResultOf,
  sampleSize,
  ScoringError,
  type ControlTest,
  type SampleSizeTable,
  type ControlResult,
  type SortedResults,
  type ScoreReport,
  type ScoringControlInput,
} from '../../shared/scoring.ts';
import {
  scoredProcessIds,
  scoringFindings,
  type Audit,
  type AuditComparison,
  type AuditControl,
  type AuditDetail,
  type AuditFinding,
  type AuditHashCheck,
  type AuditListItem,
  type AuditStatus,
  type AuditTest,
  type AuditWorkbookData,
  type ComparisonState,
  type createAuditInput,
  type findingData,
  type RevisionProposal,
  type saveFindingInput,
  type saveTestInput,
  type SignRole,
  type testData,
  type updateAuditInput,
} from '../../shared/audits.ts';
import type { Role } from '../../shared/roles.ts';
import { assertMayTest } from './access.ts';
import { AUDIT_HASH_VERSION, auditRowForHash, storedHashVersion, transactionTime, type AuditHashVersion, type SigningValues } from './content-hash.ts';
import * as q from './queries.ts';
import { versionModel, versionModelById, type ModelControl, type VersionModel } from './version-model.ts';

/**
 * Audits (DESIGN §3.4, §3.7). Writes run in the caller's transaction (writeProcedure) and record
 * one trail row each. Scoring is shared/scoring.ts only; this module loads its inputs.
 * Every write first takes a lock on the audit row (share for test/finding entry, update for
 * lifecycle changes), so a sign-off never races a save.
 */

export interface Actor {
  id: number;
  username: string;
  displayName: string;
  role: Role;
}

type CreateAuditInput = z.output<typeof createAuditInput>;
type UpdateAuditInput = z.output<typeof updateAuditInput>;
type SaveTestInput = z.output<typeof saveTestInput>;
type TestData = z.output<typeof testData>;
type SaveFindingInput = z.output<typeof saveFindingInput>;
type FindingData = z.output<typeof findingData>;

/** SQLSTATE raised by the immutability trigger (migration 0006). */
export const SIGNED_OFF_SQLSTATE = 'CB001';

/** The trigger's refusal as the translated error users see; null for any other error. */
export function mapSignedOffError(err: unknown): TRPCError | null {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const pg = e as { code?: string; message?: string };
    if (pg.code === SIGNED_OFF_SQLSTATE) {
      const id = /audit (\d+) is signed off/.exec(pg.message ?? '')?.[1] ?? '?';
      return appError('PRECONDITION_FAILED', 'errors.audits.signedOff', { name: `#${id}` });
    }
  }
  return null;
}

// ── helpers ─────────────────────────────────────────────────────
function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function listText(items: readonly string[], max = 20): string {
  return items.length > max ? `${items.slice(0, max).join('、')} …（+${items.length - max}）` : items.join('、');
}

async function requireAudit(db: Executor, auditId: number): Promise<Audit> {
  const audit = await q.getAudit(db, auditId);
  if (!audit) throw notFound('audit', auditId);
  return audit;
}

async function lockAudit(db: Executor, auditId: number, mode: 'share' | 'update'): Promise<q.AuditState> {
  const audit = await q.lockAuditState(db, auditId, mode);
  if (!audit) throw notFound('audit', auditId);
  return audit;
}

function assertNotSignedOff(audit: Pick<q.AuditState, 'status' | 'name'>) {
  if (audit.status === 'signed_off') throw appError('PRECONDITION_FAILED', 'errors.audits.signedOff', { name: audit.name });
}

/** Tests and findings are entered in fieldwork and in review until the reviewer has signed. */
function assertEntryOpen(audit: Pick<q.AuditState, 'status' | 'name' | 'reviewerSignedAt'>) {
  assertNotSignedOff(audit);
  if (audit.status === 'planning') throw appError('PRECONDITION_FAILED', 'errors.audits.notInFieldwork', { statusKey: `audits.statuses.${audit.status}` });
  if (audit.reviewerSignedAt) throw appError('PRECONDITION_FAILED', 'errors.audits.reviewerSigned', { at: audit.reviewerSignedAt });
}

/** Lead, reviewer and testers must be active users whose role may write audits. */
async function requireAuditUser(db: Executor, userId: number, dutyKey: string) {
  const user = await q.userById(db, userId);
  if (!user || !user.active) throw appError('BAD_REQUEST', 'errors.audits.unknownUser', { id: userId, dutyKey });
  if (user.role !== 'admin' && user.role !== 'auditor') {
    throw appError('BAD_REQUEST', 'errors.audits.userRole', { name: user.displayName, roleKey: `roles.${user.role}`, dutyKey });
  }
  return user;
}

function checkDates(periodFrom: string, periodTo: string, baseDate: string) {
  if (periodTo < periodFrom) throw appError('BAD_REQUEST', 'errors.audits.periodOrder', { from: periodFrom, to: periodTo });
  const latest = addDays(periodTo, 366);
  if (baseDate < periodFrom || baseDate > latest) {
    throw appError('BAD_REQUEST', 'errors.audits.baseDateRange', { date: baseDate, from: periodFrom, latest });
  }
}

// ── scope ───────────────────────────────────────────────────────
/** Controls in scope: any of its (non pending-design) processes in scope, or its owner unit in scope. */
function controlsInScope(model: VersionModel, processIds: readonly number[], unitIds: readonly number[]): ModelControl[] {
  const scoped = new Set(processIds.filter((id) => model.processById.get(id)?.status !== 'pending_design'));
  const units = new Set(unitIds);
  return model.controls.filter(
    (c) => c.processIds.some((p) => scoped.has(p)) || (c.attrs.ownerUnitId != null && units.has(c.attrs.ownerUnitId)),
  );
}

function auditControl(c: ModelControl, sizes: SampleSizeTable): AuditControl {
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

  const row = await trx
    .insertInto('audit')
    .values({
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
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // one test row per control in scope, in one statement (an array parameter: no parameter limit)
  await sql`insert into audit_test (audit_id, control_id)
    select ${row.id}, c from unnest(${sql.val(controls.map((c) => c.id))}::int[]) as c`.execute(trx);
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
  await trx
    .updateTable('audit')
    .set({
      name: next.name,
      period_from: next.periodFrom,
      period_to: next.periodTo,
      base_date: next.baseDate,
      lead_user_id: next.leadUserId,
      reviewer_user_id: next.reviewerUserId,
      sample_sizes: JSON.stringify(next.sampleSizes),
      updated_at: sql<string>`now()`,
    })
    .where('id', '=', auditId)
    .execute();
  const after = await requireAudit(trx, auditId);
  await trail.record({ entity: 'audit', entityId: auditId, action: 'update', before, after });
  return after;
}

async function leadName(db: Executor, state: q.AuditState): Promise<string> {
  return (await q.userById(db, state.leadUserId))?.displayName ?? `#${state.leadUserId}`;
}

function assertLeadOrAdmin(state: q.AuditState, actor: Actor, actionKey: string, name: string) {
  if (actor.role !== 'admin' && actor.id !== state.leadUserId) throw appError('FORBIDDEN', 'errors.audits.notLead', { name, actionKey });
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
  await trx
    .updateTable('audit')
    .set({
      status,
      updated_at: sql<string>`now()`,
      ...(clearReview ? { reviewer_signed_at: null, reviewer_signed_by: null } : {}),
    })
    .where('id', '=', auditId)
    .execute();
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
  const before = await trx.selectFrom('audit_tester').select('user_id').where('audit_id', '=', auditId).where('process_id', '=', processId).execute();
  await trx.deleteFrom('audit_tester').where('audit_id', '=', auditId).where('process_id', '=', processId).execute();
  if (ids.length) await trx.insertInto('audit_tester').values(ids.map((user_id) => ({ audit_id: auditId, process_id: processId, user_id }))).execute();
  await trail.record({
    entity: 'audit',
    entityId: auditId,
    action: 'assign_testers',
    before: { processId, userIds: before.map((b) => b.user_id) },
    after: { processId, userIds: ids },
  });
  return (await q.testersOfAudit(trx, auditId)).filter((t) => t.processId === processId);
}

/** Processes the audit touches: in scope, or holding a control in scope (not pending design). */
function relevantProcessIds(model: VersionModel, state: Pick<q.AuditState, 'scopeProcessIds' | 'scopeUnitIds'>): Set<number> {
  const set = new Set<number>();
  for (const c of controlsInScope(model, state.scopeProcessIds, state.scopeUnitIds)) for (const p of c.processIds) set.add(p);
  return set;
}

// ── tests ───────────────────────────────────────────────────────
function testView(row: q.TestRow, evidence: AuditTest['evidence']): AuditTest {
  const { auditId: _auditId, ...rest } = row;
  return { ...rest, evidence };
}

function conflict(key: 'errors.audits.conflict' | 'errors.audits.findingConflict', params: Record<string, unknown>) {
  return appError('CONFLICT', key, params);
}

/**
 * Save one test: optimistic version check, the result computed by the shared scoring contract and
 * stored. Touches the test row and its evidence rows only — scores are computed when read.
 */
export async function saveTest(trx: Executor, trail: Trail, actor: Actor, input: SaveTestInput): Promise<AuditTest> {
  const where = input.testId != null ? { testId: input.testId } : { auditId: input.auditId!, controlId: input.controlId! };
  const found = await q.testForSave(trx, where);
  if (!found) {
    if (input.testId != null) throw notFound('audit_test', input.testId);
    await lockAudit(trx, input.auditId!, 'share'); // an unknown audit is "not found", not "outside scope"
    throw appError('BAD_REQUEST', 'errors.audits.controlOutsideScope', { control: input.controlId! });
  }
  const { test: current, audit } = found;
  assertEntryOpen(audit);
  if (current.version !== input.expectedVersion) throw await testConflict(trx, current);

  const model = await versionModel(trx, found.version);
  const control = model.controlById.get(current.controlId);
  if (!control) throw appError('BAD_REQUEST', 'errors.audits.controlOutsideScope', { control: current.controlId });
  await assertMayTest(trx, current.auditId, actor, control);
  const data = input.data;
  const result = checkTestData(control, data);

  const updated = await trx
    .updateTable('audit_test')
    .set({
      applicability: data.applicability,
      na_reason: data.naReason,
      design: data.design,
      population: data.population,
      sample_size: data.sampleSize,
      samples_tested: data.samplesTested,
      exceptions: data.exceptions,
      grade: data.grade,
      r: result.state === 'tested' ? result.r : null,
      state: result.state,
      notes: data.notes,
      tester_user_id: actor.id,
      version: sql<number>`version + 1`,
      updated_at: sql<string>`now()`,
      updated_by: actor.displayName,
    })
    .where('id', '=', current.id)
    .where('version', '=', input.expectedVersion)
    .returning(q.testReturning)
    .executeTakeFirst();
  // a concurrent save committed between our read and our write
  if (!updated) throw await testConflict(trx, (await q.testById(trx, current.id))!);

  if (found.hasEvidence) await trx.deleteFrom('audit_evidence').where('test_id', '=', current.id).execute();
  if (data.evidence.length) {
    await trx
      .insertInto('audit_evidence')
      .values(
        data.evidence.map((e) => ({
          test_id: current.id,
          evidence_type: e.evidenceType,
          status: e.status,
          reference: e.reference,
          file_name: e.fileName,
          location: e.location,
        })),
      )
      .execute();
  }
  const saved: AuditTest = { ...updated, testerName: actor.displayName, evidence: data.evidence };
  await trail.record({
    entity: 'audit_test',
    entityId: current.id,
    action: 'update',
    before: { version: current.version, state: current.state, r: current.r },
    after: { auditId: current.auditId, controlId: current.controlId, version: saved.version, state: saved.state, r: saved.r },
  });
  return saved;
}

async function testConflict(db: Executor, row: q.TestRow) {
  const current = testView(row, await q.evidenceOfTest(db, row.id));
  return conflict('errors.audits.conflict', { by: row.updatedBy ?? '?', at: row.updatedAt, version: row.version, current });
}

/** The shared contract's checks plus the audit's own (reason, evidence); the result to store. */
function checkTestData(control: ModelControl, data: TestData) {
  if (data.applicability === 'not_applicable' && !data.naReason) throw appError('BAD_REQUEST', 'errors.audits.naReasonRequired');
  const seen = new Set<string>();
  for (const e of data.evidence) {
    if (seen.has(e.evidenceType)) throw appError('BAD_REQUEST', 'errors.audits.duplicateEvidence', { code: e.evidenceType });
    seen.add(e.evidenceType);
    if (!control.attrs.evidenceTypes.includes(e.evidenceType) && !(EVIDENCE_TYPES as readonly string[]).includes(e.evidenceType)) {
      throw appError('BAD_REQUEST', 'errors.audits.unknownEvidence', { code: e.evidenceType });
    }
  }
  const test: ControlTest = {
    applicability: data.applicability,
    design: data.design,
    operating: {
      population: data.population,
      sampleSize: data.sampleSize,
      samplesTested: data.samplesTested,
      exceptions: data.exceptions,
      grade: data.grade,
    },
  };
  const res = safeResultOf({ scoringMethod: control.attrs.scoringMethod, tolerance: control.attrs.tolerance }, test);
  if (!res.ok) {
    const issue = res.issues[0]!;
    throw appError('BAD_REQUEST', issue.key, { ...issue.params, control: control.number });
  }
  return res.result;
}

// ── findings ────────────────────────────────────────────────────
function findingView(row: q.FindingRow): AuditFinding {
  const { auditId: _a, updatedAt: _u, updatedBy: _b, ...rest } = row;
  return rest;
}

async function checkFinding(trx: Executor, state: q.AuditState, model: VersionModel, data: FindingData) {
  const controlIds = [...new Set(data.controlIds)];
  if (controlIds.length) {
    const inScope = await trx
      .selectFrom('audit_test')
      .select('control_id')
      .where('audit_id', '=', state.id)
      .where('control_id', 'in', controlIds)
      .execute();
    const found = new Set(inScope.map((r) => r.control_id));
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
    const node = await trx.selectFrom('manual_node').select('id').where('id', '=', data.proposalNodeId).where('manual_id', '=', state.manualId).executeTakeFirst();
    if (!node) throw appError('BAD_REQUEST', 'errors.audits.proposalNode', { id: data.proposalNodeId });
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
    // codes F-001, F-002 … per audit; the advisory lock orders concurrent creators of one audit
    await sql`select pg_advisory_xact_lock(${0x0a0d17}, ${input.auditId})`.execute(trx);
    const last = await trx
      .selectFrom('finding')
      .select(sql<number>`coalesce(max(nullif(regexp_replace(code, '\\D', '', 'g'), '')::int), 0)`.as('n'))
      .where('audit_id', '=', input.auditId)
      .executeTakeFirstOrThrow();
    const code = `F-${String(last.n + 1).padStart(3, '0')}`;
    findingId = (await trx.insertInto('finding').values({ audit_id: input.auditId, code, ...values }).returning('id').executeTakeFirstOrThrow()).id;
  } else {
    before = await q.findingById(trx, input.findingId);
    if (!before || before.auditId !== input.auditId) throw notFound('finding', input.findingId);
    if (input.expectedVersion == null) throw appError('BAD_REQUEST', 'errors.audits.expectedVersionRequired');
    const findingConflict = (row: q.FindingRow) =>
      conflict('errors.audits.findingConflict', { code: row.code, by: row.updatedBy ?? '?', at: row.updatedAt, version: row.version, current: findingView(row) });
    if (before.version !== input.expectedVersion) throw findingConflict(before);
    const updated = await trx
      .updateTable('finding')
      .set({ ...values, version: sql<number>`version + 1`, updated_at: sql<string>`now()` })
      .where('id', '=', input.findingId)
      .where('version', '=', input.expectedVersion)
      .returning('id')
      .executeTakeFirst();
    if (!updated) throw findingConflict((await q.findingById(trx, input.findingId))!);
    findingId = input.findingId;
    await trx.deleteFrom('finding_control').where('finding_id', '=', findingId).execute();
  }
  if (controlIds.length) await trx.insertInto('finding_control').values(controlIds.map((control_id) => ({ finding_id: findingId, control_id }))).execute();
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
  await trx.deleteFrom('finding').where('id', '=', findingId).execute();
  await trail.record({ entity: 'finding', entityId: findingId, action: 'delete', before: findingView(before) });
  return { id: findingId };
}

// ── reads ───────────────────────────────────────────────────────
export async function getAuditDetail(db: Executor, auditId: number): Promise<AuditDetail> {
  const audit = await requireAudit(db, auditId);
  const model = await versionModelById(db, audit.manualVersionId);
  const manual = (await q.manualHeader(db, audit.manualId))!;
  const [testRows, evidence, findings, testers, users] = [
    await q.testsOfAudit(db, auditId),
    await q.evidenceOfAudit(db, auditId),
    await q.findingsOfAudit(db, auditId),
    await q.testersOfAudit(db, auditId),
    await q.auditUsers(db),
  ];
  const inAudit = new Set(testRows.map((t) => t.controlId));
  const controls = model.controls.filter((c) => inAudit.has(c.id)).map((c) => auditControl(c, audit.sampleSizes));
  const scope = new Set(audit.scopeProcessIds);
  const processes = model.processes.map((p) => ({ ...p, inScope: scope.has(p.id) }));
  const unitIds = [...new Set([...audit.scopeUnitIds, ...controls.flatMap((c) => (c.unitId == null ? [] : [c.unitId]))])];
  const unitRows = await q.unitsByIds(db, unitIds);
  const units = unitIds.map((id) => ({
    id,
    name: unitRows.find((u) => u.id === id)?.name ?? controls.find((c) => c.unitId === id)?.unitName ?? `#${id}`,
  }));
  return {
    audit,
    manual,
    version: { versionNo: model.versionNo, publishedAt: model.publishedAt },
    processes,
    steps: model.steps,
    scopeGaps: processes.filter((p) => p.inScope && p.status === 'pending_design').map(({ id, number, title }) => ({ id, number, title })),
    testers,
    controls,
    tests: testRows.map((t) => testView(t, evidence.get(t.id) ?? [])),
    findings: findings.map(findingView),
    units,
    users,
  };
}

/** The roll-up of one audit from its stored results: four small queries and the cached version. */
export async function scores(db: Executor, auditId: number): Promise<ScoreReport> {
  const audit = await q.auditHead(db, auditId);
  if (!audit) throw notFound('audit', auditId);
  return scoresOf(db, audit);
}

async function scoresOf(db: Executor, audit: q.AuditHead): Promise<ScoreReport> {
  const model = await versionModelById(db, audit.manualVersionId);
  const results = await q.resultsOfAudit(db, audit.id);
  const findings = await q.findingsOfAudit(db, audit.id);
  const processes = audit.scopeProcessIds.map((id) => ({ id, status: model.processById.get(id)?.status ?? null, inScope: true }));
  // the same input toScoringInput builds from a `get` payload, without a row object per test
  try {
    return computeScores({
      controls: scoringControls(model, audit, results),
      results,
      findings: scoringFindings(findings),
      baseDate: audit.baseDate,
      scope: { processIds: scoredProcessIds(processes), unitIds: audit.scopeUnitIds },
    });
  } catch (err) {
    // stored data the contract refuses (the schema's checks make this unlikely): say what, not "internal error"
    if (err instanceof ScoringError) throw appError('BAD_REQUEST', err.key, err.params);
    throw err;
  }
}

const scoringControlCache = new WeakMap<VersionModel, Map<string, { ids: number[]; controls: ScoringControlInput[] }>>();

/**
 * The roll-up's control list of an audit. Its test rows were created from controlsInScope of the
 * same (immutable) version and scope, so the list is built once per version and scope and reused;
 * if the stored rows ever differ from it (e.g. hand-made data) it is built from the rows instead.
 */
function scoringControls(model: VersionModel, audit: Pick<q.AuditHead, 'scopeProcessIds' | 'scopeUnitIds'>, results: SortedResults): ScoringControlInput[] {
  const toInput = (c: ModelControl): ScoringControlInput => ({
    id: c.id,
    weight: c.attrs.weight,
    isKey: c.attrs.isKey,
    element: c.attrs.element,
    stepIds: c.stepIds,
    processIds: c.processIds,
    unitId: c.attrs.ownerUnitId,
  });
  let byScope = scoringControlCache.get(model);
  if (!byScope) scoringControlCache.set(model, (byScope = new Map()));
  const key = `${audit.scopeProcessIds.join(',')}|${audit.scopeUnitIds.join(',')}`;
  let entry = byScope.get(key);
  if (!entry) {
    const controls = controlsInScope(model, audit.scopeProcessIds, audit.scopeUnitIds).map(toInput);
    entry = { ids: controls.map((c) => c.id).sort((a, b) => a - b), controls };
    byScope.set(key, entry);
  }
  // both ascending: the same ids position by position
  const { ids } = entry;
  if (results.ids.length === ids.length && results.ids.every((id, i) => id === ids[i])) return entry.controls;
  return [...results.keys()].flatMap((id) => {
    const c = model.controlById.get(id);
    return c ? [toInput(c)] : [];
  });
}

export async function listAudits(db: Executor): Promise<AuditListItem[]> {
  const rows = await db
    .selectFrom('audit as a')
    .innerJoin('manual as m', 'm.id', 'a.manual_id')
    .innerJoin('manual_version as v', 'v.id', 'a.manual_version_id')
    .innerJoin('app_user as l', 'l.id', 'a.lead_user_id')
    .select([
      'a.id',
      'a.name',
      'a.manual_id as manualId',
      'm.code as manualCode',
      'v.version_no as versionNo',
      'a.period_from as periodFrom',
      'a.period_to as periodTo',
      'a.base_date as baseDate',
      'a.status',
      'a.revision',
      'l.display_name as leadName',
      'a.manual_version_id as manualVersionId',
      'a.scope_process_ids as scopeProcessIds',
      'a.scope_unit_ids as scopeUnitIds',
      'a.signed_off_at as signedOffAt',
      'a.content_hash as contentHash',
    ])
    .orderBy('a.base_date', 'desc')
    .orderBy('a.id', 'desc')
    .execute();
  const counts = new Map((await q.auditCounts(db)).map((c) => [c.auditId, c]));
  const out: AuditListItem[] = [];
  for (const r of rows) {
    const { manualVersionId: _v, scopeProcessIds: _p, scopeUnitIds: _u, signedOffAt: _s, contentHash: _h, ...item } = r;
    out.push({ ...item, companyScore: await companyScoreOf(db, r), controlCount: counts.get(r.id)?.controls ?? 0, notTested: counts.get(r.id)?.notTested ?? 0 });
  }
  return out;
}

const SIGNED_SCORES_SIZE = 1000;
const signedScores = new Map<string, number | null>();

/**
 * An audit's company score for the list. A signed-off audit never changes (a reopen makes a new
 * revision), so its score is computed once per process: the list then costs one roll-up per open
 * audit instead of one per audit ever run. Keyed by sign-off time and content hash, not id alone,
 * so another database behind the same process (tests, a restore) cannot hit a stale entry.
 */
async function companyScoreOf(db: Executor, audit: q.AuditHead & { status: string; signedOffAt: string | null; contentHash: string | null }) {
  const key = audit.status === 'signed_off' && audit.contentHash ? `${audit.id}:${audit.signedOffAt}:${audit.contentHash}` : null;
  if (key != null && signedScores.has(key)) return signedScores.get(key)!;
  const value = (await scoresOf(db, audit)).company.value;
  if (key != null) {
    signedScores.set(key, value);
    if (signedScores.size > SIGNED_SCORES_SIZE) signedScores.delete(signedScores.keys().next().value!);
  }
  return value;
}

// ── sign-off ────────────────────────────────────────────────────
export async function sign(trx: Executor, trail: Trail, actor: Actor, auditId: number, role: SignRole) {
  const state = await lockAudit(trx, auditId, 'update');
  assertNotSignedOff(state);
  if (state.status !== 'review') throw appError('PRECONDITION_FAILED', 'errors.audits.notInReview', { statusKey: `audits.statuses.${state.status}` });
  if (role === 'reviewer') {
    if (state.reviewerUserId == null) throw appError('PRECONDITION_FAILED', 'errors.audits.noReviewer');
    if (actor.role !== 'admin' && actor.id !== state.reviewerUserId) {
      const name = (await q.userById(trx, state.reviewerUserId))?.displayName ?? `#${state.reviewerUserId}`;
      throw appError('FORBIDDEN', 'errors.audits.notReviewer', { name });
    }
    if (state.reviewerSignedAt) throw appError('PRECONDITION_FAILED', 'errors.audits.alreadySigned', { at: state.reviewerSignedAt });
  } else {
    assertLeadOrAdmin(state, actor, 'audits.actions.signOff', await leadName(trx, state));
    if (!state.reviewerSignedAt) throw appError('PRECONDITION_FAILED', 'errors.audits.reviewerFirst');
  }
  await assertAllTested(trx, state);
  if (role === 'reviewer') {
    await trx
      .updateTable('audit')
      .set({ reviewer_signed_at: sql<string>`now()`, reviewer_signed_by: actor.id, updated_at: sql<string>`now()` })
      .where('id', '=', auditId)
      .execute();
  } else {
    const signing = { status: 'signed_off', signed_off_at: await transactionTime(trx), signed_off_by: actor.id } as const;
    const { hash } = await contentDigest(trx, auditId, AUDIT_HASH_VERSION, signing);
    await trx
      .updateTable('audit')
      .set({ ...signing, content_hash: hash, content_hash_version: AUDIT_HASH_VERSION, updated_at: sql<string>`now()` })
      .where('id', '=', auditId)
      .execute();
  }
  const after = await requireAudit(trx, auditId);
  await trail.record({
    entity: 'audit',
    entityId: auditId,
    action: 'sign',
    after: { role, status: after.status, reviewerSignedAt: after.reviewerSignedAt, signedOffAt: after.signedOffAt, contentHash: after.contentHash },
  });
  return after;
}

async function assertAllTested(db: Executor, state: q.AuditState) {
  const open = await db.selectFrom('audit_test').select('control_id').where('audit_id', '=', state.id).where('state', '=', 'not_tested').orderBy('id').execute();
  if (!open.length) return;
  const model = await versionModelById(db, state.manualVersionId);
  const labels = open.map((t) => {
    const c = model.controlById.get(t.control_id);
    return c ? `${c.number} ${c.title}` : `#${t.control_id}`;
  });
  throw appError('PRECONDITION_FAILED', 'errors.audits.notTested', { count: open.length, controls: listText(labels) });
}

/** Reopen a signed-off audit: a new revision (copy of every row) in review; the signed one stays as it was. */
export async function reopen(trx: Executor, trail: Trail, actor: Actor, auditId: number, reason: string) {
  const state = await lockAudit(trx, auditId, 'update');
  if (state.status !== 'signed_off') throw appError('PRECONDITION_FAILED', 'errors.audits.notSignedOff');
  assertLeadOrAdmin(state, actor, 'audits.actions.reopen', await leadName(trx, state));
  const newer = await trx.selectFrom('audit').select(['id', 'revision']).where('previous_revision_id', '=', auditId).executeTakeFirst();
  if (newer) throw appError('PRECONDITION_FAILED', 'errors.audits.alreadyReopened', { id: newer.id, revision: newer.revision });

  const { rows } = await sql<{ id: number }>`
    insert into audit (manual_id, manual_version_id, name, period_from, period_to, base_date, scope_process_ids, scope_unit_ids,
                       lead_user_id, reviewer_user_id, status, revision, previous_revision_id, sample_sizes)
    select manual_id, manual_version_id, name, period_from, period_to, base_date, scope_process_ids, scope_unit_ids,
           lead_user_id, reviewer_user_id, 'review', revision + 1, id, sample_sizes
    from audit where id = ${auditId}
    returning id`.execute(trx);
  const newId = rows[0]!.id;
  await sql`insert into audit_tester (audit_id, process_id, user_id) select ${newId}, process_id, user_id from audit_tester where audit_id = ${auditId}`.execute(trx);
  await sql`
    insert into audit_test (audit_id, control_id, applicability, na_reason, design, population, sample_size, samples_tested, exceptions,
                            grade, r, state, notes, tester_user_id, version, updated_at, updated_by)
    select ${newId}, control_id, applicability, na_reason, design, population, sample_size, samples_tested, exceptions,
           grade, r, state, notes, tester_user_id, version, updated_at, updated_by
    from audit_test where audit_id = ${auditId} order by id`.execute(trx);
  await sql`
    insert into audit_evidence (test_id, evidence_type, status, reference, file_name, location)
    select nt.id, e.evidence_type, e.status, e.reference, e.file_name, e.location
    from audit_evidence e
    join audit_test ot on ot.id = e.test_id
    join audit_test nt on nt.audit_id = ${newId} and nt.control_id = ot.control_id
    where ot.audit_id = ${auditId} order by e.id`.execute(trx);
  await sql`
    insert into finding (audit_id, code, nature, severity, title, description, root_cause, owner, due_date, status, closed_on,
                         process_id, unit_id, company_level, proposal_node_id, proposal_text, version, created_at, updated_at, updated_by)
    select ${newId}, code, nature, severity, title, description, root_cause, owner, due_date, status, closed_on,
           process_id, unit_id, company_level, proposal_node_id, proposal_text, version, created_at, updated_at, updated_by
    from finding where audit_id = ${auditId} order by id`.execute(trx);
  await sql`
    insert into finding_control (finding_id, control_id)
    select nf.id, fc.control_id
    from finding_control fc
    join finding of on of.id = fc.finding_id
    join finding nf on nf.audit_id = ${newId} and nf.code = of.code
    where of.audit_id = ${auditId}`.execute(trx);
  const after = await requireAudit(trx, newId);
  await trail.record({ entity: 'audit', entityId: newId, action: 'reopen', before: { auditId, revision: state.revision }, after: { ...after, reason } });
  return { id: newId, revision: after.revision };
}

// ── content hash ────────────────────────────────────────────────
/** JSON with object keys sorted at every level: the same rows always give the same bytes. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * sha256 (hex) over the canonical JSON of the audit's tests, evidence, findings and finding links,
 * each ordered by id — one line per row, prefixed with its table, so the hash streams.
 */
export async function auditContentHash(db: Executor, auditId: number, version: AuditHashVersion = AUDIT_HASH_VERSION): Promise<string> {
  return (await contentDigest(db, auditId, version)).hash;
}

/** v2 (content-hash.ts) adds the audit row itself after the header line. */
async function contentDigest(db: Executor, auditId: number, version: AuditHashVersion, signing?: SigningValues) {
  const hash = createHash('sha256');
  hash.update(`controlbook-audit-hash-v${version}\n${auditId}\n`);
  if (version >= 2) hash.update(`audit ${canonicalJson(await auditRowForHash(db, auditId, signing))}\n`);
  const tests = await db
    .selectFrom('audit_test')
    .select(['id', 'control_id', 'applicability', 'na_reason', 'design', 'population', 'sample_size', 'samples_tested', 'exceptions', 'grade', 'r', 'state', 'notes', 'tester_user_id', 'version', 'updated_at', 'updated_by'])
    .where('audit_id', '=', auditId)
    .orderBy('id')
    .execute();
  for (const row of tests) hash.update(`audit_test ${canonicalJson(row)}\n`);
  const evidence = await db
    .selectFrom('audit_evidence as e')
    .innerJoin('audit_test as t', 't.id', 'e.test_id')
    .select(['e.id', 'e.test_id', 'e.evidence_type', 'e.status', 'e.reference', 'e.file_name', 'e.location'])
    .where('t.audit_id', '=', auditId)
    .orderBy('e.id')
    .execute();
  for (const row of evidence) hash.update(`audit_evidence ${canonicalJson(row)}\n`);
  const findings = await db
    .selectFrom('finding')
    .select(['id', 'code', 'nature', 'severity', 'title', 'description', 'root_cause', 'owner', 'due_date', 'status', 'closed_on', 'process_id', 'unit_id', 'company_level', 'proposal_node_id', 'proposal_text', 'version'])
    .where('audit_id', '=', auditId)
    .orderBy('id')
    .execute();
  for (const row of findings) hash.update(`finding ${canonicalJson(row)}\n`);
  const links = await db
    .selectFrom('finding_control as fc')
    .innerJoin('finding as f', 'f.id', 'fc.finding_id')
    .select(['fc.finding_id', 'fc.control_id'])
    .where('f.audit_id', '=', auditId)
    .orderBy('fc.finding_id')
    .orderBy('fc.control_id')
    .execute();
  for (const row of links) hash.update(`finding_control ${canonicalJson(row)}\n`);
  return { hash: hash.digest('hex'), counts: { tests: tests.length, evidence: evidence.length, findings: findings.length, findingControls: links.length } };
}

/** Recompute a signed-off audit's hash and compare it with the stored one (verify-audit). */
export async function verifyAudit(db: Executor, auditId: number): Promise<AuditHashCheck & { status: AuditStatus }> {
  const audit = await requireAudit(db, auditId);
  const { hash, counts } = await contentDigest(db, auditId, await storedHashVersion(db, auditId));
  return { auditId, status: audit.status, ok: audit.contentHash != null && audit.contentHash === hash, stored: audit.contentHash, computed: hash, counts };
}

// ── comparison ──────────────────────────────────────────────────
function comparisonState(t: ControlResult | undefined): ComparisonState {
  if (!t) return 'absent';
  if (t.state === 'tested') return t.r === 1 ? 'effective' : 'deficient';
  return t.state;
}

/** Findings match across audits by title and what they are attached to. */
function findingKey(f: AuditFinding): string {
  const target = f.controlIds.length ? `c:${[...f.controlIds].sort((a, b) => a - b).join(',')}` : f.companyLevel ? 'company' : `p:${f.processId ?? ''}u:${f.unitId ?? ''}`;
  return `${f.title.trim().toLowerCase()}|${target}`;
}

/** The earlier signed-off audit of the same manual to compare with (not one of this audit's own revisions). */
async function defaultPrevious(db: Executor, audit: Audit): Promise<number | null> {
  const ancestors = new Set<number>([audit.id]);
  for (let id = audit.previousRevisionId; id != null; ) {
    ancestors.add(id);
    id = (await db.selectFrom('audit').select('previous_revision_id').where('id', '=', id).executeTakeFirst())?.previous_revision_id ?? null;
  }
  const row = await db
    .selectFrom('audit')
    .select('id')
    .where('manual_id', '=', audit.manualId)
    .where('status', '=', 'signed_off')
    .where('id', 'not in', [...ancestors])
    .where('base_date', '<=', audit.baseDate)
    .orderBy('base_date', 'desc')
    .orderBy('revision', 'desc')
    .orderBy('signed_off_at', 'desc')
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function compare(db: Executor, auditId: number, previousAuditId?: number): Promise<AuditComparison> {
  const audit = await requireAudit(db, auditId);
  const prevId = previousAuditId ?? (await defaultPrevious(db, audit));
  const empty: AuditComparison = { previous: null, processes: [], company: { before: null, after: null }, controls: [], findingsNew: [], findingsClosed: [] };
  if (prevId == null) {
    const after = await scores(db, auditId);
    return { ...empty, company: { before: null, after: after.company.value } };
  }
  if (prevId === auditId) throw appError('BAD_REQUEST', 'errors.audits.compareSelf');
  const previous = await requireAudit(db, prevId);
  if (previous.manualId !== audit.manualId) throw appError('BAD_REQUEST', 'errors.audits.compareOtherManual', { name: previous.name });

  const [afterScores, beforeScores] = [await scores(db, auditId), await scores(db, prevId)];
  const [model, prevModel] = [await versionModelById(db, audit.manualVersionId), await versionModelById(db, previous.manualVersionId)];
  const processIds = new Set([...Object.keys(afterScores.processes), ...Object.keys(beforeScores.processes)].map(Number));
  const processes = [...processIds]
    .map((id) => {
      const p = model.processById.get(id) ?? prevModel.processById.get(id);
      const before = beforeScores.processes[id]?.value ?? null;
      const after = afterScores.processes[id]?.value ?? null;
      return { id, number: p?.number ?? '', title: p?.title ?? `#${id}`, before, after, delta: before != null && after != null ? after - before : null };
    })
    .sort((a, b) => orderOf(model, prevModel, a.id) - orderOf(model, prevModel, b.id));

  const [afterBy, beforeBy] = [await q.resultsOfAudit(db, auditId), await q.resultsOfAudit(db, prevId)];
  const controlIds = [...new Set([...afterBy.keys(), ...beforeBy.keys()])];
  const controls = controlIds
    .map((id) => ({ id, before: comparisonState(beforeBy.get(id)), after: comparisonState(afterBy.get(id)) }))
    .filter((c) => c.before !== c.after)
    .map((c) => {
      const m = model.controlById.get(c.id) ?? prevModel.controlById.get(c.id);
      return { controlId: c.id, number: m?.number ?? '', title: m?.title ?? `#${c.id}`, before: c.before, after: c.after };
    })
    .sort((a, b) => orderOf(model, prevModel, a.controlId) - orderOf(model, prevModel, b.controlId));

  const [afterFindings, beforeFindings] = [(await q.findingsOfAudit(db, auditId)).map(findingView), (await q.findingsOfAudit(db, prevId)).map(findingView)];
  const brief = (f: AuditFinding) => ({ id: f.id, code: f.code, title: f.title, severity: f.severity, status: f.status });
  const beforeKeys = new Map(beforeFindings.map((f) => [findingKey(f), f]));
  const afterKeys = new Map(afterFindings.map((f) => [findingKey(f), f]));
  const findingsNew = afterFindings.filter((f) => f.status === 'open' && !beforeKeys.has(findingKey(f))).map(brief);
  const findingsClosed = beforeFindings
    .filter((f) => f.status === 'open' && (afterKeys.get(findingKey(f))?.status ?? 'closed') === 'closed')
    .map((f) => brief(afterKeys.get(findingKey(f)) ?? f));
  return {
    previous: { id: previous.id, name: previous.name },
    processes,
    company: { before: beforeScores.company.value, after: afterScores.company.value },
    controls,
    findingsNew,
    findingsClosed,
  };
}

function orderOf(model: VersionModel, prev: VersionModel, id: number): number {
  const i = model.controls.findIndex((c) => c.id === id);
  if (i >= 0) return i;
  const p = model.processes.findIndex((c) => c.id === id);
  if (p >= 0) return p;
  return 1e9 + Math.max(prev.controls.findIndex((c) => c.id === id), prev.processes.findIndex((c) => c.id === id));
}

// ── proposals, workbook ─────────────────────────────────────────
/** Open revision proposals on a manual's draft nodes, from each audit's latest revision. */
export async function proposals(db: Executor, manualId: number): Promise<RevisionProposal[]> {
  return db
    .selectFrom('finding as f')
    .innerJoin('audit as a', 'a.id', 'f.audit_id')
    .select([
      'f.id as findingId',
      'f.code as findingCode',
      'a.id as auditId',
      'a.name as auditName',
      sql<number>`f.proposal_node_id`.as('nodeId'),
      'f.proposal_text as proposalText',
      'f.severity',
    ])
    .where('a.manual_id', '=', manualId)
    .where('f.status', '=', 'open')
    .where('f.proposal_node_id', 'is not', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('audit as n').select('n.id').whereRef('n.previous_revision_id', '=', 'a.id'))))
    .orderBy('a.base_date', 'desc')
    .orderBy('f.id')
    .execute();
}

/** Everything the Excel evaluation workbook needs, in one object. */
export async function auditWorkbookData(db: Executor, auditId: number): Promise<AuditWorkbookData> {
  const detail = await getAuditDetail(db, auditId);
  return { ...detail, scores: await scores(db, auditId), organisationName: await q.organisationName(db) };
}
