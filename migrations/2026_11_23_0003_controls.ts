import { sql, type Kysely } from 'kysely';

// Frozen in time. Control points (docs/design.md §3.3): attributes of `control` nodes, their inspection
// points, shared links into further steps/processes, and per-manual weights and evidence types.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('manual')
    .addColumn('key_weight', 'numeric', (c) => c.notNull().defaultTo(3).check(sql`key_weight > 0 and key_weight <= 1000`))
    .execute();
  await db.schema
    .alterTable('manual')
    .addColumn('general_weight', 'numeric', (c) => c.notNull().defaultTo(1).check(sql`general_weight > 0 and general_weight <= 1000`))
    .execute();

  // Evidence types a manual defines beyond the eleven built-in ones.
  await db.schema
    .createTable('manual_evidence_type')
    .addColumn('manual_id', 'integer', (c) => c.notNull().references('manual.id').onDelete('cascade'))
    .addColumn('code', 'varchar(40)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addPrimaryKeyConstraint('manual_evidence_type_pk', ['manual_id', 'code'])
    .execute();

  // One row per control node. A control node without a row has the defaults below.
  await db.schema
    .createTable('control')
    .addColumn('node_id', 'integer', (c) => c.primaryKey().references('manual_node.id').onDelete('cascade'))
    .addColumn('manual_id', 'integer', (c) => c.notNull().references('manual.id').onDelete('cascade'))
    .addColumn('objective', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('risk', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('is_key', 'boolean', (c) => c.notNull().defaultTo(false))
    // null = the manual's key/general default
    .addColumn('weight', 'numeric', (c) => c.check(sql`weight is null or (weight > 0 and weight <= 1000)`))
    .addColumn('nature', 'varchar(20)', (c) => c.notNull().defaultTo('preventive').check(sql`nature in ('preventive', 'detective')`))
    .addColumn('automation', 'varchar(20)', (c) =>
      c.notNull().defaultTo('manual').check(sql`automation in ('manual', 'automated', 'it_dependent')`),
    )
    .addColumn('frequency', 'varchar(20)', (c) =>
      c
        .notNull()
        .defaultTo('per_event')
        .check(sql`frequency in ('per_event', 'multiple_daily', 'daily', 'weekly', 'monthly', 'quarterly', 'annual')`),
    )
    .addColumn('owner_position_id', 'integer', (c) => c.references('position.id'))
    .addColumn('evidence_types', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('scoring_method', 'varchar(20)', (c) =>
      c.notNull().defaultTo('binary').check(sql`scoring_method in ('binary', 'graded', 'rate')`),
    )
    .addColumn('tolerance', 'integer', (c) => c.notNull().defaultTo(0).check(sql`tolerance >= 0`))
    .addColumn('element', 'varchar(30)', (c) =>
      c
        .notNull()
        .defaultTo('control_activities')
        .check(sql`element in ('environment', 'risk_assessment', 'control_activities', 'information_communication', 'monitoring')`),
    )
    // the duty of the activity this control checks (SoD: its owner must not hold it)
    .addColumn('checked_duty', 'varchar(40)', (c) => c.references('duty_category.code'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('control_manual_idx').on('control').column('manual_id').execute();
  await db.schema.createIndex('control_owner_idx').on('control').column('owner_position_id').execute();

  await db.schema
    .createTable('control_inspection')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('control_id', 'integer', (c) => c.notNull().references('manual_node.id').onDelete('cascade'))
    .addColumn('method', 'varchar(20)', (c) =>
      c
        .notNull()
        .check(
          sql`method in ('interview', 'questionnaire', 'workshop', 'walkthrough', 'onsite_check', 'sampling', 'comparison', 'reperformance')`,
        ),
    )
    .addColumn('procedure', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('control_inspection_control_idx').on('control_inspection').column('control_id').execute();

  // A shared control: linked into further steps/processes besides its home (its parent node).
  await db.schema
    .createTable('control_link')
    .addColumn('control_id', 'integer', (c) => c.notNull().references('manual_node.id').onDelete('cascade'))
    .addColumn('host_id', 'integer', (c) => c.notNull().references('manual_node.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('control_link_pk', ['control_id', 'host_id'])
    .addCheckConstraint('control_link_not_self', sql`control_id <> host_id`)
    .execute();
  await db.schema.createIndex('control_link_host_idx').on('control_link').column('host_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['control_link', 'control_inspection', 'control', 'manual_evidence_type']) {
    await db.schema.dropTable(t).ifExists().cascade().execute();
  }
  await db.schema.alterTable('manual').dropColumn('key_weight').execute();
  await db.schema.alterTable('manual').dropColumn('general_weight').execute();
}
