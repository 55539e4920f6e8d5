import { createHash } from 'node:crypto';
import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import { appError } from '../errors.ts';
import {
  type AuditHashCheck,
  type AuditStatus,
  type SignRole,
} from '../../shared/audits.ts';
import * as q from './queries.ts';
import * as sq from './signoff.queries.ts';
import { AUDIT_HASH_VERSION, type AuditHashVersion, type SigningValues } from './content-hash.ts';
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
    await sq.markReviewerSigned(trx, auditId, actor.id);
  } else {
    const signing = { status: 'signed_off', signed_off_at: await sq.transactionTime(trx), signed_off_by: actor.id } as const;
    const { hash } = await contentDigest(trx, auditId, AUDIT_HASH_VERSION, signing);
    await sq.markSignedOff(trx, auditId, signing, hash, AUDIT_HASH_VERSION);
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
  const open = await sq.untestedControls(db, state.id);
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
  const newer = await sq.nextRevision(trx, auditId);
  if (newer) throw appError('PRECONDITION_FAILED', 'errors.audits.alreadyReopened', { id: newer.id, revision: newer.revision });

  const newId = await sq.copyAsNextRevision(trx, auditId);
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
  if (version >= 2) hash.update(`audit ${canonicalJson(await sq.auditRowForHash(db, auditId, signing))}\n`);
  const tests = await sq.hashedRows.tests(db, auditId);
  for (const row of tests) hash.update(`audit_test ${canonicalJson(row)}\n`);
  const evidence = await sq.hashedRows.evidence(db, auditId);
  for (const row of evidence) hash.update(`audit_evidence ${canonicalJson(row)}\n`);
  const findings = await sq.hashedRows.findings(db, auditId);
  for (const row of findings) hash.update(`finding ${canonicalJson(row)}\n`);
  const links = await sq.hashedRows.links(db, auditId);
  for (const row of links) hash.update(`finding_control ${canonicalJson(row)}\n`);
  return { hash: hash.digest('hex'), counts: { tests: tests.length, evidence: evidence.length, findings: findings.length, findingControls: links.length } };
}

/** Recompute a signed-off audit's hash and compare it with the stored one (verify-audit). */
export async function verifyAudit(db: Executor, auditId: number): Promise<AuditHashCheck & { status: AuditStatus }> {
  const audit = await requireAudit(db, auditId);
  const { hash, counts } = await contentDigest(db, auditId, await sq.storedHashVersion(db, auditId));
  return { auditId, status: audit.status, ok: audit.contentHash != null && audit.contentHash === hash, stored: audit.contentHash, computed: hash, counts };
}
