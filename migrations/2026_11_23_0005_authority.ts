import { sql, type Kysely } from 'kysely';

// Frozen in time. Approval authority (docs/design.md §3.6): matters, versioned authority rules (bands),
// delegations and the approval records checked against them.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('authority_matter')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('code', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('unit', 'varchar(10)', (c) => c.notNull().check(sql`unit in ('CNY', 'days', 'count', 'none')`))
    .addColumn('non_delegable', 'boolean', (c) => c.notNull().defaultTo(false))
    // every approval of this matter needs the minutes of the deciding meeting (besides collective bands)
    .addColumn('requires_minutes', 'boolean', (c) => c.notNull().defaultTo(false))
    // split-transaction window; null = no split check for this matter
    .addColumn('split_window_days', 'integer', (c) => c.check(sql`split_window_days between 1 and 366`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // One row per band of one version of a matter's matrix. Saving a matrix closes the bands in force
  // (valid_to) and inserts the new version: history is never edited.
  await db.schema
    .createTable('authority_rule')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('matter_id', 'integer', (c) => c.notNull().references('authority_matter.id').onDelete('cascade'))
    .addColumn('version_no', 'integer', (c) => c.notNull())
    .addColumn('band_no', 'integer', (c) => c.notNull())
    // band: lower exclusive, upper inclusive; null = unbounded
    .addColumn('lower_bound', 'numeric(18, 2)')
    .addColumn('upper_bound', 'numeric(18, 2)')
    .addColumn('approver_position_id', 'integer', (c) => c.references('position.id'))
    .addColumn('min_level_rank', 'integer', (c) => c.check(sql`min_level_rank between 1 and 99`))
    .addColumn('mode', 'varchar(20)', (c) => c.notNull().check(sql`mode in ('individual', 'countersign', 'collective')`))
    .addColumn('deciding_body', 'varchar(200)')
    .addColumn('quorum', 'integer', (c) => c.check(sql`quorum between 2 and 999`))
    .addColumn('valid_from', 'date', (c) => c.notNull())
    .addColumn('valid_to', 'date')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('authority_rule_dates', sql`valid_to is null or valid_to >= valid_from`)
    .addCheckConstraint('authority_rule_band', sql`lower_bound is null or upper_bound is null or lower_bound < upper_bound`)
    .addCheckConstraint('authority_rule_approver', sql`(approver_position_id is null) <> (min_level_rank is null)`)
    .addCheckConstraint(
      'authority_rule_collective',
      sql`mode <> 'collective' or (deciding_body is not null and length(btrim(deciding_body)) > 0 and quorum is not null)`,
    )
    .addUniqueConstraint('authority_rule_band_no', ['matter_id', 'version_no', 'band_no'])
    .execute();
  await db.schema.createIndex('authority_rule_matter_idx').on('authority_rule').columns(['matter_id', 'valid_from']).execute();
  await db.schema.createIndex('authority_rule_position_idx').on('authority_rule').column('approver_position_id').execute();

  await db.schema
    .createTable('delegation')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('delegator_id', 'integer', (c) => c.notNull().references('person.id'))
    .addColumn('delegate_id', 'integer', (c) => c.notNull().references('person.id'))
    .addColumn('matter_id', 'integer', (c) => c.notNull().references('authority_matter.id'))
    // null = up to the delegator's own authority
    .addColumn('cap', 'numeric(18, 2)', (c) => c.check(sql`cap > 0`))
    .addColumn('valid_from', 'date', (c) => c.notNull())
    .addColumn('valid_to', 'date', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'varchar(60)')
    // how many further levels the delegate may pass it on
    .addColumn('max_depth', 'integer', (c) => c.notNull().defaultTo(0).check(sql`max_depth between 0 and 5`))
    .addColumn('parent_id', 'integer', (c) => c.references('delegation.id'))
    .addColumn('note', 'varchar(500)', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('delegation_dates', sql`valid_to >= valid_from`)
    .addCheckConstraint('delegation_not_self', sql`delegator_id <> delegate_id`)
    .addCheckConstraint('delegation_not_own_parent', sql`parent_id is null or parent_id <> id`)
    // target of approval_record's composite key: a record's delegation is for its matter and its approver
    .addUniqueConstraint('delegation_record_key', ['id', 'delegate_id', 'matter_id'])
    .execute();
  await db.schema.createIndex('delegation_delegator_idx').on('delegation').columns(['delegator_id', 'matter_id']).execute();
  await db.schema.createIndex('delegation_delegate_idx').on('delegation').columns(['delegate_id', 'matter_id']).execute();
  await db.schema.createIndex('delegation_parent_idx').on('delegation').column('parent_id').execute();

  await db.schema
    .createTable('approval_import')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('file_name', 'varchar(260)', (c) => c.notNull())
    .addColumn('file_kind', 'varchar(10)', (c) => c.notNull().check(sql`file_kind in ('csv', 'xlsx')`))
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('imported_by', 'varchar(60)', (c) => c.notNull())
    .addColumn('imported_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('approval_record')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('matter_id', 'integer', (c) => c.notNull().references('authority_matter.id'))
    .addColumn('reference_no', 'varchar(60)', (c) => c.notNull())
    .addColumn('requester_id', 'integer', (c) => c.notNull().references('person.id'))
    .addColumn('approver_id', 'integer', (c) => c.notNull().references('person.id'))
    .addColumn('vendor', 'varchar(200)')
    .addColumn('amount', 'numeric(18, 2)', (c) => c.check(sql`amount >= 0`))
    .addColumn('approved_on', 'date', (c) => c.notNull())
    .addColumn('executed_on', 'date')
    .addColumn('minutes_ref', 'varchar(200)')
    .addColumn('via_delegation_id', 'integer')
    .addColumn('import_batch_id', 'integer', (c) => c.references('approval_import.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('approval_record_reference', ['matter_id', 'reference_no'])
    .addForeignKeyConstraint(
      'approval_record_delegation_fk',
      ['via_delegation_id', 'approver_id', 'matter_id'],
      'delegation',
      ['id', 'delegate_id', 'matter_id'],
    )
    .execute();
  // split check: partitions by matter + requester / matter + vendor, ordered by date
  await db.schema.createIndex('approval_record_requester_idx').on('approval_record').columns(['matter_id', 'requester_id', 'approved_on']).execute();
  await sql`create index approval_record_vendor_idx on approval_record (matter_id, vendor, approved_on) where vendor is not null`.execute(db);
  await db.schema.createIndex('approval_record_approver_idx').on('approval_record').columns(['approver_id', 'approved_on']).execute();
  await db.schema.createIndex('approval_record_date_idx').on('approval_record').column('approved_on').execute();
  await sql`create index approval_record_delegation_idx on approval_record (via_delegation_id) where via_delegation_id is not null`.execute(db);
  await db.schema.createIndex('approval_record_batch_idx').on('approval_record').column('import_batch_id').execute();
  // authority holders by date: assignments in force on a record's date
  await db.schema.createIndex('assignment_person_dates_idx').on('assignment').columns(['person_id', 'valid_from', 'valid_to']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('assignment_person_dates_idx').ifExists().execute();
  for (const t of ['approval_record', 'approval_import', 'delegation', 'authority_rule', 'authority_matter']) {
    await db.schema.dropTable(t).ifExists().cascade().execute();
  }
}
