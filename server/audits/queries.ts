import { sql } from 'kysely';
import type { Executor } from '../db/connect.ts';
import type { Audit, AuditEvidence, AuditFinding, AuditTest } from '../../shared/audits.ts';
import { SortedResults, type ControlResult, type SampleSizeTable } from '../../shared/scoring.ts';

/** Audit reads. Each function is one query; callers assemble payloads from a few of them. */

export async function getAudit(db: Executor, auditId: number): Promise<Audit | undefined> {
  const row = await db
    .selectFrom('audit as a')
    .innerJoin('manual_version as v', 'v.id', 'a.manual_version_id')
    .innerJoin('app_user as l', 'l.id', 'a.lead_user_id')
    .leftJoin('app_user as r', 'r.id', 'a.reviewer_user_id')
    .select([
      'a.id',
      'a.manual_id as manualId',
      'a.manual_version_id as manualVersionId',
      'v.version_no as versionNo',
      'a.name',
      'a.period_from as periodFrom',
      'a.period_to as periodTo',
      'a.base_date as baseDate',
      'a.scope_process_ids as scopeProcessIds',
      'a.scope_unit_ids as scopeUnitIds',
      'a.lead_user_id as leadUserId',
      'l.display_name as leadName',
      'a.reviewer_user_id as reviewerUserId',
      'r.display_name as reviewerName',
      'a.status',
      'a.revision',
      'a.previous_revision_id as previousRevisionId',
      'a.reviewer_signed_at as reviewerSignedAt',
      'a.reviewer_signed_by as reviewerSignedBy',
      'a.signed_off_at as signedOffAt',
      'a.signed_off_by as signedOffBy',
      'a.content_hash as contentHash',
      'a.sample_sizes as sampleSizes',
      'a.created_at as createdAt',
      'a.updated_at as updatedAt',
    ])
    .where('a.id', '=', auditId)
    .executeTakeFirst();
  return row ? { ...row, sampleSizes: row.sampleSizes as SampleSizeTable } : undefined;
}

/** What every write checks first, with a share lock so a concurrent sign-off waits for it (and vice versa). */
export function lockAuditState(db: Executor, auditId: number, mode: 'share' | 'update') {
  const q = db
    .selectFrom('audit')
    .select([
      'id',
      'name',
      'status',
      'manual_id as manualId',
      'manual_version_id as manualVersionId',
      'lead_user_id as leadUserId',
      'reviewer_user_id as reviewerUserId',
      'reviewer_signed_at as reviewerSignedAt',
      'signed_off_at as signedOffAt',
      'base_date as baseDate',
      'scope_process_ids as scopeProcessIds',
      'scope_unit_ids as scopeUnitIds',
      'revision',
    ])
    .where('id', '=', auditId);
  return (mode === 'share' ? q.forShare() : q.forUpdate()).executeTakeFirst();
}
export type AuditState = NonNullable<Awaited<ReturnType<typeof lockAuditState>>>;

const testColumns = [
  't.id',
  't.audit_id as auditId',
  't.control_id as controlId',
  't.applicability',
  't.na_reason as naReason',
  't.design',
  't.population',
  't.sample_size as sampleSize',
  't.samples_tested as samplesTested',
  't.exceptions',
  't.grade',
  't.r',
  't.state',
  't.notes',
  't.tester_user_id as testerUserId',
  'u.display_name as testerName',
  't.version',
  't.updated_at as updatedAt',
  't.updated_by as updatedBy',
] as const;

export type TestRow = Omit<AuditTest, 'evidence'> & { auditId: number };

/** The test columns an UPDATE … RETURNING gives back (the tester's name is the saver's). */
export const testReturning = [
  'id',
  'control_id as controlId',
  'applicability',
  'na_reason as naReason',
  'design',
  'population',
  'sample_size as sampleSize',
  'samples_tested as samplesTested',
  'exceptions',
  'grade',
  'r',
  'state',
  'notes',
  'tester_user_id as testerUserId',
  'version',
  'updated_at as updatedAt',
  'updated_by as updatedBy',
] as const;

export function testsOfAudit(db: Executor, auditId: number): Promise<TestRow[]> {
  return db
    .selectFrom('audit_test as t')
    .leftJoin('app_user as u', 'u.id', 't.tester_user_id')
    .select(testColumns)
    .where('t.audit_id', '=', auditId)
    .orderBy('t.id')
    .execute();
}

export function testById(db: Executor, testId: number): Promise<TestRow | undefined> {
  return db.selectFrom('audit_test as t').leftJoin('app_user as u', 'u.id', 't.tester_user_id').select(testColumns).where('t.id', '=', testId).executeTakeFirst();
}

export function testByControl(db: Executor, auditId: number, controlId: number): Promise<TestRow | undefined> {
  return db
    .selectFrom('audit_test as t')
    .leftJoin('app_user as u', 'u.id', 't.tester_user_id')
    .select(testColumns)
    .where('t.audit_id', '=', auditId)
    .where('t.control_id', '=', controlId)
    .executeTakeFirst();
}

const NOT_APPLICABLE: ControlResult = Object.freeze({ state: 'not_applicable' });
const NOT_OPERATED: ControlResult = Object.freeze({ state: 'not_operated' });
const NOT_TESTED: ControlResult = Object.freeze({ state: 'not_tested' });

/**
 * Every stored result of an audit by control id — only what the roll-up needs. One row per
 * distinct result (state and r; a handful per audit) with its control ids as one text value,
 * sorted into SortedResults: for 20,000 tests this is several times cheaper than a
 * row object per test and a Map, on both drivers, and every control with the same result shares
 * one (immutable) result object.
 */
export async function resultsOfAudit(db: Executor, auditId: number): Promise<SortedResults> {
  const { rows } = await sql<{ state: string; r: string | null; ids: string }>`
    select state, r::text as r, string_agg(control_id::text, ',') as ids
    from audit_test where audit_id = ${auditId}
    group by state, r`.execute(db);
  return SortedResults.fromGroups(
    rows.map(({ state, r, ids }) => ({
      result: state === 'tested' ? { state: 'tested', r: Number(r) } : state === 'not_applicable' ? NOT_APPLICABLE : state === 'not_operated' ? NOT_OPERATED : NOT_TESTED,
      ids: parseIds(ids),
    })),
  );
}

/** "12,345,6789" → [12, 345, 6789] in one pass, no substrings. */
function parseIds(text: string): number[] {
  const out: number[] = [];
  let id = 0;
  for (let k = 0; k <= text.length; k++) {
    const c = k < text.length ? text.charCodeAt(k) : 44;
    if (c === 44) {
      out.push(id);
      id = 0;
    } else id = id * 10 + (c - 48);
  }
  return out;
}

export async function evidenceOfAudit(db: Executor, auditId: number): Promise<Map<number, AuditEvidence[]>> {
  const rows = await db
    .selectFrom('audit_evidence as e')
    .innerJoin('audit_test as t', 't.id', 'e.test_id')
    .select(['e.test_id as testId', 'e.evidence_type as evidenceType', 'e.status', 'e.reference', 'e.file_name as fileName', 'e.location'])
    .where('t.audit_id', '=', auditId)
    .orderBy('e.id')
    .execute();
  const byTest = new Map<number, AuditEvidence[]>();
  for (const { testId, ...e } of rows) {
    const list = byTest.get(testId) ?? [];
    list.push(e);
    byTest.set(testId, list);
  }
  return byTest;
}

export function evidenceOfTest(db: Executor, testId: number): Promise<AuditEvidence[]> {
  return db
    .selectFrom('audit_evidence')
    .select(['evidence_type as evidenceType', 'status', 'reference', 'file_name as fileName', 'location'])
    .where('test_id', '=', testId)
    .orderBy('id')
    .execute();
}

const findingColumns = [
  'f.id',
  'f.audit_id as auditId',
  'f.code',
  'f.nature',
  'f.severity',
  'f.title',
  'f.description',
  'f.root_cause as rootCause',
  'f.owner',
  'f.due_date as dueDate',
  'f.status',
  'f.closed_on as closedOn',
  'f.process_id as processId',
  'f.unit_id as unitId',
  'f.company_level as companyLevel',
  'f.proposal_node_id as proposalNodeId',
  'f.proposal_text as proposalText',
  'f.version',
  'f.updated_at as updatedAt',
  'f.updated_by as updatedBy',
] as const;

export type FindingRow = AuditFinding & { auditId: number; updatedAt: string; updatedBy: string | null };

/** Findings of an audit with their control ids (two queries). */
export async function findingsOfAudit(db: Executor, auditId: number): Promise<FindingRow[]> {
  const rows = await db.selectFrom('finding as f').select(findingColumns).where('f.audit_id', '=', auditId).orderBy('f.id').execute();
  if (!rows.length) return [];
  const links = await db
    .selectFrom('finding_control as fc')
    .innerJoin('finding as f', 'f.id', 'fc.finding_id')
    .select(['fc.finding_id as findingId', 'fc.control_id as controlId'])
    .where('f.audit_id', '=', auditId)
    .orderBy('fc.finding_id')
    .orderBy('fc.control_id')
    .execute();
  const byFinding = new Map<number, number[]>();
  for (const l of links) {
    const list = byFinding.get(l.findingId) ?? [];
    list.push(l.controlId);
    byFinding.set(l.findingId, list);
  }
  return rows.map((r) => ({ ...r, controlIds: byFinding.get(r.id) ?? [] }));
}

export async function findingById(db: Executor, findingId: number): Promise<FindingRow | undefined> {
  const row = await db.selectFrom('finding as f').select(findingColumns).where('f.id', '=', findingId).executeTakeFirst();
  if (!row) return undefined;
  const links = await db.selectFrom('finding_control').select('control_id').where('finding_id', '=', findingId).orderBy('control_id').execute();
  return { ...row, controlIds: links.map((l) => l.control_id) };
}

export function testersOfAudit(db: Executor, auditId: number) {
  return db
    .selectFrom('audit_tester as t')
    .innerJoin('app_user as u', 'u.id', 't.user_id')
    .select(['t.process_id as processId', 't.user_id as userId', 'u.display_name as userName'])
    .where('t.audit_id', '=', auditId)
    .orderBy('t.process_id')
    .orderBy('u.display_name')
    .execute();
}

/** Users who may lead, review or test (their role can write audits), active only. */
export function auditUsers(db: Executor) {
  return db
    .selectFrom('app_user')
    .select(['id', 'display_name as displayName'])
    .where('active', '=', true)
    .where('role', 'in', ['admin', 'auditor'])
    .orderBy('display_name')
    .execute();
}

export function userById(db: Executor, userId: number) {
  return db.selectFrom('app_user').select(['id', 'display_name as displayName', 'role', 'active']).where('id', '=', userId).executeTakeFirst();
}

export function manualHeader(db: Executor, manualId: number) {
  return db.selectFrom('manual').select(['id', 'code', 'title']).where('id', '=', manualId).executeTakeFirst();
}

/** A version's identity without its snapshot; xmin changes if the row is ever rewritten (cache key). */
export function versionHeader(db: Executor, where: { id: number } | { manualId: number; versionNo: number }) {
  let q = db
    .selectFrom('manual_version')
    .select([
      'id',
      'manual_id as manualId',
      'version_no as versionNo',
      'published_at as publishedAt',
      'numbering_style as numberingStyle',
      sql<string>`xmin::text`.as('xmin'),
    ]);
  q = 'id' in where ? q.where('id', '=', where.id) : q.where('manual_id', '=', where.manualId).where('version_no', '=', where.versionNo);
  return q.executeTakeFirst();
}
export type VersionHeader = NonNullable<Awaited<ReturnType<typeof versionHeader>>>;

export async function versionSnapshot(db: Executor, versionId: number): Promise<unknown> {
  const row = await db.selectFrom('manual_version').select('snapshot').where('id', '=', versionId).executeTakeFirstOrThrow();
  return row.snapshot;
}

export function unitsByIds(db: Executor, ids: readonly number[]) {
  if (!ids.length) return Promise.resolve([]);
  return db.selectFrom('org_unit').select(['id', 'name']).where('id', 'in', [...ids]).orderBy('sort_order').orderBy('id').execute();
}

/** The organisation's name for workbook titles: the first top-level unit. */
export async function organisationName(db: Executor): Promise<string> {
  const row = await db.selectFrom('org_unit').select('name').where('parent_id', 'is', null).orderBy('sort_order').orderBy('id').executeTakeFirst();
  return row?.name ?? '';
}

/** Counts per audit for the list (one grouped query). */
export function auditCounts(db: Executor) {
  return db
    .selectFrom('audit_test')
    .select(['audit_id as auditId', sql<number>`count(*)`.as('controls'), sql<number>`count(*) filter (where state = 'not_tested')`.as('notTested')])
    .groupBy('audit_id')
    .execute();
}

/** What the roll-up needs of the audit row. */
export interface AuditHead {
  id: number;
  baseDate: string;
  manualVersionId: number;
  scopeProcessIds: number[];
  scopeUnitIds: number[];
}

export function auditHead(db: Executor, auditId: number): Promise<AuditHead | undefined> {
  return db
    .selectFrom('audit')
    .select(['id', 'base_date as baseDate', 'manual_version_id as manualVersionId', 'scope_process_ids as scopeProcessIds', 'scope_unit_ids as scopeUnitIds'])
    .where('id', '=', auditId)
    .executeTakeFirst();
}

/**
 * Everything a test save needs in one round trip: the test row, its audit's state (share-locked,
 * so a sign-off waits for the save and vice versa), the pinned version's identity and whether the
 * test has evidence rows.
 */
export async function testForSave(db: Executor, where: { testId: number } | { auditId: number; controlId: number }) {
  let q = db
    .selectFrom('audit_test as t')
    .innerJoin('audit as a', 'a.id', 't.audit_id')
    .innerJoin('manual_version as v', 'v.id', 'a.manual_version_id')
    .leftJoin('app_user as u', 'u.id', 't.tester_user_id')
    .select(testColumns)
    .select((eb) => [
      'a.name as auditName',
      'a.status as auditStatus',
      'a.reviewer_signed_at as reviewerSignedAt',
      'v.id as versionId',
      'v.manual_id as versionManualId',
      'v.version_no as versionNo',
      'v.published_at as publishedAt',
      'v.numbering_style as numberingStyle',
      sql<string>`v.xmin::text`.as('xmin'),
      eb.exists(eb.selectFrom('audit_evidence as e').select('e.id').whereRef('e.test_id', '=', 't.id')).as('hasEvidence'),
    ]);
  q = 'testId' in where ? q.where('t.id', '=', where.testId) : q.where('t.audit_id', '=', where.auditId).where('t.control_id', '=', where.controlId);
  const row = await q.forShare('a' as never).executeTakeFirst();
  if (!row) return undefined;
  const { auditName, auditStatus, reviewerSignedAt, versionId, versionManualId, versionNo, publishedAt, numberingStyle, xmin, hasEvidence, ...test } = row;
  return {
    test: test as TestRow,
    audit: { name: auditName, status: auditStatus, reviewerSignedAt },
    version: { id: versionId, manualId: versionManualId, versionNo, publishedAt, numberingStyle, xmin } as VersionHeader,
    hasEvidence: Boolean(hasEvidence),
  };
}

export async function auditExists(db: Executor, auditId: number): Promise<boolean> {
  return (await db.selectFrom('audit').select('id').where('id', '=', auditId).executeTakeFirst()) != null;
}

/** A published version's stored scoring digest (server/audits/scoring-digest.ts), if any. */
export function storedScoringDigest(db: Executor, versionId: number) {
  return db.selectFrom('manual_version_scoring').select(['format', 'digest']).where('version_id', '=', versionId).executeTakeFirst();
}

export async function upsertScoringDigest(db: Executor, versionId: number, format: number, digest: string): Promise<void> {
  await db
    .insertInto('manual_version_scoring')
    .values({ version_id: versionId, format, digest })
    .onConflict((oc) => oc.column('version_id').doUpdateSet({ format, digest, created_at: sql<string>`now()` }))
    .execute();
}
