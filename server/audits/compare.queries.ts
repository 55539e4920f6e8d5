import type { Executor } from '../db/connect.ts';

/** Reads that pick the audit to compare with. */

export async function previousRevisionId(db: Executor, auditId: number): Promise<number | null> {
  return (await db.selectFrom('audit').select('previous_revision_id').where('id', '=', auditId).executeTakeFirst())?.previous_revision_id ?? null;
}

/** The manual's latest signed-off audit with a base date on or before `baseDate`, other than `exclude`. */
export async function latestSignedOffBefore(db: Executor, manualId: number, baseDate: string, exclude: readonly number[]): Promise<number | null> {
  const row = await db
    .selectFrom('audit')
    .select('id')
    .where('manual_id', '=', manualId)
    .where('status', '=', 'signed_off')
    .where('id', 'not in', exclude)
    .where('base_date', '<=', baseDate)
    .orderBy('base_date', 'desc')
    .orderBy('revision', 'desc')
    .orderBy('signed_off_at', 'desc')
    .executeTakeFirst();
  return row?.id ?? null;
}
