import { sql, type Kysely } from 'kysely';

// Frozen in time. What the roll-up needs of a published version (each control's weight, key flag,
// element, owner unit, steps and processes), derived from its snapshot once and kept beside it: a
// cold roll-up (after a restart) reads this small text instead of parsing a 12 MB snapshot. Derived
// data: versions are immutable, so it never goes stale; it goes with its version.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('manual_version_scoring')
    .addColumn('version_id', 'integer', (c) => c.primaryKey().references('manual_version.id').onDelete('cascade'))
    .addColumn('format', 'integer', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('manual_version_scoring').execute();
}
