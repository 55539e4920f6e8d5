import { sql } from 'kysely';
import type { Executor } from '../db/connect.ts';
import { AUDIT_HASH_VERSION, HASHED_AUDIT_COLUMNS, type AuditHashVersion, type SigningValues } from './content-hash.ts';

/** Reads and writes of sign-off, reopening and the content hash. */

export async function markReviewerSigned(trx: Executor, auditId: number, userId: number): Promise<void> {
  await trx
    .updateTable('audit')
    .set({ reviewer_signed_at: sql<string>`now()`, reviewer_signed_by: userId, updated_at: sql<string>`now()` })
    .where('id', '=', auditId)
    .execute();
}

export async function markSignedOff(trx: Executor, auditId: number, signing: SigningValues, contentHash: string, hashVersion: AuditHashVersion): Promise<void> {
  await trx
    .updateTable('audit')
    .set({ ...signing, content_hash: contentHash, content_hash_version: hashVersion, updated_at: sql<string>`now()` })
    .where('id', '=', auditId)
    .execute();
}

/** The audit's tests still not tested, in entry order. */
export async function untestedControls(db: Executor, auditId: number) {
  return db.selectFrom('audit_test').select('control_id').where('audit_id', '=', auditId).where('state', '=', 'not_tested').orderBy('id').execute();
}

/** The revision made by reopening this audit, if any. */
export async function nextRevision(trx: Executor, auditId: number) {
  return trx.selectFrom('audit').select(['id', 'revision']).where('previous_revision_id', '=', auditId).executeTakeFirst();
}

/** Copy the audit and every row it holds as its next revision, in review; returns the new audit's id. */
export async function copyAsNextRevision(trx: Executor, auditId: number): Promise<number> {
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
  return newId;
}

// The rows the content hash covers, each ordered by id. The hash is over exactly these columns:
// adding one changes every stored hash.
export const hashedRows = {
  tests: (db: Executor, auditId: number) =>
    db
      .selectFrom('audit_test')
      .select(['id', 'control_id', 'applicability', 'na_reason', 'design', 'population', 'sample_size', 'samples_tested', 'exceptions', 'grade', 'r', 'state', 'notes', 'tester_user_id', 'version', 'updated_at', 'updated_by'])
      .where('audit_id', '=', auditId)
      .orderBy('id')
      .execute(),
  evidence: (db: Executor, auditId: number) =>
    db
      .selectFrom('audit_evidence as e')
      .innerJoin('audit_test as t', 't.id', 'e.test_id')
      .select(['e.id', 'e.test_id', 'e.evidence_type', 'e.status', 'e.reference', 'e.file_name', 'e.location'])
      .where('t.audit_id', '=', auditId)
      .orderBy('e.id')
      .execute(),
  findings: (db: Executor, auditId: number) =>
    db
      .selectFrom('finding')
      .select(['id', 'code', 'nature', 'severity', 'title', 'description', 'root_cause', 'owner', 'due_date', 'status', 'closed_on', 'process_id', 'unit_id', 'company_level', 'proposal_node_id', 'proposal_text', 'version'])
      .where('audit_id', '=', auditId)
      .orderBy('id')
      .execute(),
  links: (db: Executor, auditId: number) =>
    db
      .selectFrom('finding_control as fc')
      .innerJoin('finding as f', 'f.id', 'fc.finding_id')
      .select(['fc.finding_id', 'fc.control_id'])
      .where('f.audit_id', '=', auditId)
      .orderBy('fc.finding_id')
      .orderBy('fc.control_id')
      .execute(),
};

/** The audit row as hashed (before canonical JSON); `signing` overrides what sign-off writes in the same statement. */
export async function auditRowForHash(db: Executor, auditId: number, signing?: SigningValues): Promise<Record<string, unknown>> {
  const row = await db.selectFrom('audit').select(HASHED_AUDIT_COLUMNS).where('id', '=', auditId).executeTakeFirstOrThrow();
  return { ...row, ...(signing ? { ...signing, content_hash_version: AUDIT_HASH_VERSION } : {}) };
}

/** The hash format a signed-off audit's stored hash was made with. */
export async function storedHashVersion(db: Executor, auditId: number): Promise<AuditHashVersion> {
  const row = await db.selectFrom('audit').select('content_hash_version').where('id', '=', auditId).executeTakeFirst();
  return row?.content_hash_version === 1 ? 1 : 2;
}

/** The transaction's time as the database stores and returns it (ISO, UTC), to write and hash the same value. */
export async function transactionTime(db: Executor): Promise<string> {
  const { rows } = await sql<{ now: string }>`select now() as now`.execute(db);
  return rows[0]!.now;
}
