import { sql, type Insertable, type Updateable } from 'kysely';
import type { Executor } from '../db/connect.ts';
import type { FindingTable } from '../db/schema.ts';

/** Reads and writes of finding entry. */

/** Of `controlIds`, those the audit tests. */
export async function testedControlIds(trx: Executor, auditId: number, controlIds: readonly number[]): Promise<number[]> {
  const rows = await trx
    .selectFrom('audit_test')
    .select('control_id')
    .where('audit_id', '=', auditId)
    .where('control_id', 'in', controlIds)
    .execute();
  return rows.map((r) => r.control_id);
}

export async function manualHasNode(trx: Executor, manualId: number, nodeId: number): Promise<boolean> {
  const node = await trx.selectFrom('manual_node').select('id').where('id', '=', nodeId).where('manual_id', '=', manualId).executeTakeFirst();
  return node != null;
}

/**
 * The highest number among the audit's finding codes (F-001 → 1), 0 if none, after taking the
 * advisory lock that orders concurrent creators of findings in one audit.
 */
export async function lockLastFindingNumber(trx: Executor, auditId: number): Promise<number> {
  await sql`select pg_advisory_xact_lock(${0x0a0d17}, ${auditId})`.execute(trx);
  const last = await trx
    .selectFrom('finding')
    .select(sql<number>`coalesce(max(nullif(regexp_replace(code, '\\D', '', 'g'), '')::int), 0)`.as('n'))
    .where('audit_id', '=', auditId)
    .executeTakeFirstOrThrow();
  return last.n;
}

export async function insertFinding(trx: Executor, values: Insertable<FindingTable>): Promise<number> {
  return (await trx.insertInto('finding').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

/** Save a finding if it is still at the expected version; false when a concurrent save won. */
export async function updateFinding(trx: Executor, findingId: number, expectedVersion: number, values: Omit<Updateable<FindingTable>, 'version' | 'updated_at'>): Promise<boolean> {
  const updated = await trx
    .updateTable('finding')
    .set({ ...values, version: sql<number>`version + 1`, updated_at: sql<string>`now()` })
    .where('id', '=', findingId)
    .where('version', '=', expectedVersion)
    .returning('id')
    .executeTakeFirst();
  return updated != null;
}

export async function deleteFindingControls(trx: Executor, findingId: number): Promise<void> {
  await trx.deleteFrom('finding_control').where('finding_id', '=', findingId).execute();
}

export async function insertFindingControls(trx: Executor, findingId: number, controlIds: readonly number[]): Promise<void> {
  await trx.insertInto('finding_control').values(controlIds.map((control_id) => ({ finding_id: findingId, control_id }))).execute();
}

export async function deleteFindingRow(trx: Executor, findingId: number): Promise<void> {
  await trx.deleteFrom('finding').where('id', '=', findingId).execute();
}
