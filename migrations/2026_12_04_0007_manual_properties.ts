import { sql, type Kysely } from 'kysely';

// Frozen in time. A manual as a document (docs/design.md §3.8): the properties printed on its cover and read
// from an imported document's title block (文号 / 版本 / 生效日期 / 发布), and the script its
// regulation numbers are written in (第一条 in Simplified, 第一條 in Traditional).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('manual')
    .addColumn('document_number', 'varchar(200)', (c) => c.notNull().defaultTo(''))
    .addColumn('version_label', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('effective_date', 'date')
    .addColumn('publisher', 'varchar(200)', (c) => c.notNull().defaultTo(''))
    .addColumn('numbering_script', 'varchar(10)', (c) => c.notNull().defaultTo('hans').check(sql`numbering_script in ('hans', 'hant')`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['document_number', 'version_label', 'effective_date', 'publisher', 'numbering_script']) {
    await db.schema.alterTable('manual').dropColumn(column).execute();
  }
}
