import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import { appError } from '../errors.ts';
import {
  type AuditHashCheck,
  type AuditStatus,
  type SignRole,
} from '../../shared/audits.ts';
import * as q from './queries.ts';
import { versionModelById } from './version-model.ts';
import { type Actor, assertLeadOrAdmin, assertNotSignedOff, leadName, listText, lockAudit, requireAudit } from './guards.ts';

/** Audits: sign-off, reopening, and the content hash that seals a signed-off audit. */

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
    const hash = await auditContentHash(trx, auditId);
    await trx
      .updateTable('audit')
      .set({ status: 'signed_off', signed_off_at: sql<string>`now()`, signed_off_by: actor.id, content_hash: hash, updated_at: sql<string>`now()` })
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
export async function auditContentHash(db: Executor, auditId: number): Promise<string> {
  return (await contentDigest(db, auditId)).hash;
}

async function contentDigest(db: Executor, auditId: number) {
  const hash = createHash('sha256');
  hash.update(`controlbook-audit-hash-v1\n${auditId}\n`);
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
  const { hash, counts } = await contentDigest(db, auditId);
  return { auditId, status: audit.status, ok: audit.contentHash != null && audit.contentHash === hash, stored: audit.contentHash, computed: hash, counts };
}
