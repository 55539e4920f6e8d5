import { sql, type Kysely } from 'kysely';

// Frozen in time. Manuals as outlines: nodes carry an order key, never a number.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('manual')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('code', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('numbering_style', 'varchar(20)', (c) =>
      c.notNull().defaultTo('decimal').check(sql`numbering_style in ('decimal', 'regulation')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('manual_node')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('manual_id', 'integer', (c) => c.notNull().references('manual.id').onDelete('cascade'))
    .addColumn('parent_id', 'integer', (c) => c.references('manual_node.id').onDelete('cascade'))
    // fractional-indexing keys compare bytewise: "C" collation on every backend
    .addColumn('order_key', sql`varchar(200) collate "C"`, (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) =>
      c.notNull().check(sql`kind in ('chapter', 'section', 'clause', 'process', 'step', 'control')`),
    )
    .addColumn('title', 'varchar(500)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'varchar(20)', (c) =>
      c.check(sql`status is null or status in ('draft', 'pending_design', 'active', 'retired')`),
    )
    .addColumn('owner_unit_id', 'integer', (c) => c.references('org_unit.id'))
    .addColumn('design_subjects', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('design_business_types', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('design_unit_ids', sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('manual_node_not_own_parent', sql`parent_id is null or parent_id <> id`)
    .addCheckConstraint('manual_node_title_not_blank', sql`length(btrim(title)) > 0`)
    .execute();
  // siblings are fetched in key order; two siblings never share a key
  await sql`create unique index manual_node_sibling_key on manual_node (manual_id, coalesce(parent_id, 0), order_key)`.execute(db);
  await db.schema.createIndex('manual_node_parent_idx').on('manual_node').column('parent_id').execute();

  // Derived index of "[[node:ID]]" references in bodies, rebuilt whenever a body is saved.
  await db.schema
    .createTable('node_reference')
    .addColumn('source_node_id', 'integer', (c) => c.notNull().references('manual_node.id').onDelete('cascade'))
    .addColumn('target_node_id', 'integer', (c) => c.notNull()) // no FK: a deleted target leaves a dangling reference to report
    .addPrimaryKeyConstraint('node_reference_pk', ['source_node_id', 'target_node_id'])
    .execute();
  await db.schema.createIndex('node_reference_target_idx').on('node_reference').column('target_node_id').execute();

  await db.schema
    .createTable('manual_version')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('manual_id', 'integer', (c) => c.notNull().references('manual.id').onDelete('cascade'))
    .addColumn('version_no', 'integer', (c) => c.notNull())
    .addColumn('note', 'varchar(500)', (c) => c.notNull().defaultTo(''))
    .addColumn('published_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('published_by', 'varchar(60)', (c) => c.notNull())
    .addColumn('numbering_style', 'varchar(20)', (c) => c.notNull())
    .addColumn('node_count', 'integer', (c) => c.notNull())
    // the frozen outline: numbered nodes as they were at publication
    .addColumn('snapshot', 'jsonb', (c) => c.notNull())
    .addUniqueConstraint('manual_version_no', ['manual_id', 'version_no'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['manual_version', 'node_reference', 'manual_node', 'manual']) {
    await db.schema.dropTable(t).ifExists().cascade().execute();
  }
}
