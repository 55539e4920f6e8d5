import { sql, type Insertable, type Updateable } from 'kysely';
import type { Executor } from '../db/connect.ts';
import type { AuditEvidenceTable, AuditTestTable } from '../db/schema.ts';
import { testReturning } from './queries.ts';

/** Writes of test entry. */

/** Save a test if it is still at the expected version; undefined when a concurrent save won. */
export async function updateTest(trx: Executor, testId: number, expectedVersion: number, values: Omit<Updateable<AuditTestTable>, 'version' | 'updated_at'>) {
  return trx
    .updateTable('audit_test')
    .set({ ...values, version: sql<number>`version + 1`, updated_at: sql<string>`now()` })
    .where('id', '=', testId)
    .where('version', '=', expectedVersion)
    .returning(testReturning)
    .executeTakeFirst();
}

export async function deleteEvidence(trx: Executor, testId: number): Promise<void> {
  await trx.deleteFrom('audit_evidence').where('test_id', '=', testId).execute();
}

export async function insertEvidence(trx: Executor, rows: Insertable<AuditEvidenceTable>[]): Promise<void> {
  await trx.insertInto('audit_evidence').values(rows).execute();
}
