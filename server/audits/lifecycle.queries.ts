import { sql, type Insertable, type Updateable } from 'kysely';
import type { Executor } from '../db/connect.ts';
import type { AuditTable } from '../db/schema.ts';

/** Writes of the audit lifecycle: create, update, status, testers. One statement each unless named. */

export async function insertAudit(trx: Executor, values: Insertable<AuditTable>): Promise<{ id: number }> {
  return trx.insertInto('audit').values(values).returning('id').executeTakeFirstOrThrow();
}

/** One test row per control, in one statement (an array parameter: no parameter limit). */
export async function insertTestRows(trx: Executor, auditId: number, controlIds: readonly number[]): Promise<void> {
  await sql`insert into audit_test (audit_id, control_id)
    select ${auditId}, c from unnest(${sql.val(controlIds)}::int[]) as c`.execute(trx);
}

/** Update the audit row; updated_at is now. */
export async function updateAuditRow(trx: Executor, auditId: number, values: Omit<Updateable<AuditTable>, 'updated_at'>): Promise<void> {
  await trx
    .updateTable('audit')
    .set({ ...values, updated_at: sql<string>`now()` })
    .where('id', '=', auditId)
    .execute();
}

/** Replace the testers of one process in an audit; returns the user ids it had. */
export async function replaceTesters(trx: Executor, auditId: number, processId: number, userIds: readonly number[]): Promise<number[]> {
  const before = await trx.selectFrom('audit_tester').select('user_id').where('audit_id', '=', auditId).where('process_id', '=', processId).execute();
  await trx.deleteFrom('audit_tester').where('audit_id', '=', auditId).where('process_id', '=', processId).execute();
  if (userIds.length) await trx.insertInto('audit_tester').values(userIds.map((user_id) => ({ audit_id: auditId, process_id: processId, user_id }))).execute();
  return before.map((b) => b.user_id);
}
