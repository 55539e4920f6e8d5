import { sql, type Kysely } from 'kysely';

// Frozen in time. A mitigation accepts a conflict for a period (from / to), not only until an expiry:
// an evaluation as of a past base date must see the mitigation that was in force then, and a period
// that has already ended can still be recorded. Existing rows start on the day they were recorded.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sod_mitigation').addColumn('valid_from', 'date').execute();
  await sql`update sod_mitigation set valid_from = least((created_at at time zone 'UTC')::date, expires_on)`.execute(db);
  await db.schema.alterTable('sod_mitigation').alterColumn('valid_from', (c) => c.setNotNull()).execute();
  await db.schema.alterTable('sod_mitigation').addCheckConstraint('sod_mitigation_period', sql`valid_from <= expires_on`).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sod_mitigation').dropConstraint('sod_mitigation_period').execute();
  await db.schema.alterTable('sod_mitigation').dropColumn('valid_from').execute();
}
