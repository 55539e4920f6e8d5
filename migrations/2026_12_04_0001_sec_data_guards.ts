import { sql, type Kysely } from 'kysely';

// Guards with no gap, and a versioned audit content hash.
// The append-only trail, the builtin duty categories and the rows of signed-off audits are guarded
// by UPDATE/DELETE triggers; TRUNCATE fires neither, so each guarded table also gets a statement-
// level BEFORE TRUNCATE trigger (it fires for tables reached by TRUNCATE … CASCADE too). The
// application never truncates; restore deletes, with user triggers off inside its transaction.
// content_hash_version: 1 = tests/evidence/findings/links only (hashes stored before this
// migration); 2 = also the audit row itself (name, period, base date, scope, version, signers).
export const GUARDED_TABLES = ['audit_trail', 'duty_category', 'audit', 'audit_tester', 'audit_test', 'audit_evidence', 'finding', 'finding_control'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function guarded_table_no_truncate() returns trigger language plpgsql as $$
    begin
      raise exception 'TRUNCATE of % refused: its rows are guarded (append-only or immutable)', tg_table_name using errcode = '42501';
    end $$`.execute(db);
  for (const table of GUARDED_TABLES) {
    await sql`create trigger ${sql.id(`${table}_no_truncate`)} before truncate on ${sql.id(table)}
      for each statement execute function guarded_table_no_truncate()`.execute(db);
  }
  // existing rows (hashed the old way) get 1 without firing the row guards; sign-off writes 2
  await db.schema
    .alterTable('audit')
    .addColumn('content_hash_version', 'smallint', (c) => c.notNull().defaultTo(1).check(sql`content_hash_version in (1, 2)`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit').dropColumn('content_hash_version').execute();
  for (const table of GUARDED_TABLES) await sql`drop trigger if exists ${sql.id(`${table}_no_truncate`)} on ${sql.id(table)}`.execute(db);
  await sql`drop function if exists guarded_table_no_truncate()`.execute(db);
}
