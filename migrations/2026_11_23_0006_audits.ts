import { sql, type Kysely } from 'kysely';

// Frozen in time. Audits (docs/design.md §3.4, §3.7): one evaluation of a published manual version, a test
// row per control in scope, the evidence checklist, findings. A signed-off audit and everything
// under it is immutable: triggers refuse UPDATE and DELETE (inserts stay possible so a backup can
// be restored; the service refuses new rows under a signed-off audit).

const list = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));
const AUDIT_STATUSES = ['planning', 'fieldwork', 'review', 'signed_off'];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('manual_id', 'integer', (c) => c.notNull().references('manual.id'))
    .addColumn('manual_version_id', 'integer', (c) => c.notNull().references('manual_version.id'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('period_from', 'date', (c) => c.notNull())
    .addColumn('period_to', 'date', (c) => c.notNull())
    .addColumn('base_date', 'date', (c) => c.notNull())
    // snapshot node ids of the version (no FK: the draft node may be gone, the version keeps it)
    .addColumn('scope_process_ids', sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('scope_unit_ids', sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('lead_user_id', 'integer', (c) => c.notNull().references('app_user.id'))
    .addColumn('reviewer_user_id', 'integer', (c) => c.references('app_user.id'))
    .addColumn('status', 'varchar(20)', (c) => c.notNull().defaultTo('planning').check(sql`status in (${list(AUDIT_STATUSES)})`))
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1).check(sql`revision >= 1`))
    .addColumn('previous_revision_id', 'integer', (c) => c.references('audit.id'))
    .addColumn('reviewer_signed_at', 'timestamptz')
    .addColumn('reviewer_signed_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('signed_off_at', 'timestamptz')
    .addColumn('signed_off_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('content_hash', 'varchar(64)', (c) => c.check(sql`content_hash is null or content_hash ~ '^[0-9a-f]{64}$'`))
    .addColumn('sample_sizes', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('audit_name_not_blank', sql`length(btrim(name)) > 0`)
    .addCheckConstraint('audit_period_order', sql`period_to >= period_from`)
    .addCheckConstraint('audit_revision_chain', sql`(revision = 1) = (previous_revision_id is null)`)
    .addCheckConstraint(
      'audit_signed_off_complete',
      sql`status <> 'signed_off' or (signed_off_at is not null and signed_off_by is not null and reviewer_signed_at is not null and content_hash is not null)`,
    )
    .execute();
  await db.schema.createIndex('audit_manual_idx').on('audit').column('manual_id').execute();
  await db.schema.createIndex('audit_version_idx').on('audit').column('manual_version_id').execute();
  await db.schema.createIndex('audit_previous_idx').on('audit').column('previous_revision_id').execute();

  await db.schema
    .createTable('audit_tester')
    .addColumn('audit_id', 'integer', (c) => c.notNull().references('audit.id').onDelete('cascade'))
    .addColumn('process_id', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id'))
    .addPrimaryKeyConstraint('audit_tester_pk', ['audit_id', 'process_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('audit_test')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('audit_id', 'integer', (c) => c.notNull().references('audit.id').onDelete('cascade'))
    .addColumn('control_id', 'integer', (c) => c.notNull()) // a snapshot node id
    .addColumn('applicability', 'varchar(20)', (c) =>
      c.notNull().defaultTo('applicable').check(sql`applicability in ('applicable', 'not_applicable', 'not_operated')`),
    )
    .addColumn('na_reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('design', 'varchar(20)', (c) => c.check(sql`design is null or design in ('effective', 'deficient')`))
    .addColumn('population', 'integer', (c) => c.check(sql`population is null or population >= 0`))
    .addColumn('sample_size', 'integer', (c) => c.check(sql`sample_size is null or sample_size >= 0`))
    .addColumn('samples_tested', 'integer', (c) => c.check(sql`samples_tested is null or samples_tested >= 0`))
    .addColumn('exceptions', 'integer', (c) => c.check(sql`exceptions is null or exceptions >= 0`))
    .addColumn('grade', 'numeric', (c) => c.check(sql`grade is null or grade in (1, 0.8, 0.6, 0.4, 0)`))
    .addColumn('r', 'numeric', (c) => c.check(sql`r is null or (r >= 0 and r <= 1)`))
    .addColumn('state', 'varchar(20)', (c) =>
      c.notNull().defaultTo('not_tested').check(sql`state in ('tested', 'not_applicable', 'not_operated', 'not_tested')`),
    )
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('tester_user_id', 'integer', (c) => c.references('app_user.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1).check(sql`version >= 1`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'varchar(60)')
    .addUniqueConstraint('audit_test_control', ['audit_id', 'control_id'])
    .addCheckConstraint('audit_test_exceptions', sql`exceptions is null or samples_tested is null or exceptions <= samples_tested`)
    .addCheckConstraint('audit_test_r_state', sql`(state = 'tested') = (r is not null)`)
    .addCheckConstraint('audit_test_na_reason', sql`applicability <> 'not_applicable' or length(btrim(na_reason)) > 0`)
    .execute();

  await db.schema
    .createTable('audit_evidence')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('test_id', 'integer', (c) => c.notNull().references('audit_test.id').onDelete('cascade'))
    .addColumn('evidence_type', 'varchar(40)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull().check(sql`status in ('seen', 'missing', 'not_applicable')`))
    .addColumn('reference', 'varchar(200)', (c) => c.notNull().defaultTo(''))
    .addColumn('file_name', 'varchar(300)', (c) => c.notNull().defaultTo(''))
    .addColumn('location', 'varchar(500)', (c) => c.notNull().defaultTo(''))
    .addUniqueConstraint('audit_evidence_type', ['test_id', 'evidence_type'])
    .execute();

  await db.schema
    .createTable('finding')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('audit_id', 'integer', (c) => c.notNull().references('audit.id').onDelete('cascade'))
    .addColumn('code', 'varchar(20)', (c) => c.notNull())
    .addColumn('nature', 'varchar(20)', (c) => c.notNull().check(sql`nature in ('design', 'operating')`))
    .addColumn('severity', 'varchar(20)', (c) => c.notNull().check(sql`severity in ('general', 'significant', 'major')`))
    .addColumn('title', 'varchar(300)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('root_cause', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('owner', 'varchar(200)', (c) => c.notNull().defaultTo(''))
    .addColumn('due_date', 'date')
    .addColumn('status', 'varchar(20)', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'closed')`))
    .addColumn('closed_on', 'date')
    .addColumn('process_id', 'integer') // a snapshot node id
    .addColumn('unit_id', 'integer', (c) => c.references('org_unit.id'))
    .addColumn('company_level', 'boolean', (c) => c.notNull().defaultTo(false))
    // a draft node of the manual (no FK: a proposal outlives the node it was about)
    .addColumn('proposal_node_id', 'integer')
    .addColumn('proposal_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1).check(sql`version >= 1`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'varchar(60)')
    .addUniqueConstraint('finding_code', ['audit_id', 'code'])
    .addCheckConstraint('finding_title_not_blank', sql`length(btrim(title)) > 0`)
    .addCheckConstraint('finding_closed_on', sql`status <> 'closed' or closed_on is not null`)
    .execute();
  await db.schema.createIndex('finding_audit_idx').on('finding').column('audit_id').execute();
  await db.schema.createIndex('finding_proposal_idx').on('finding').column('proposal_node_id').execute();

  await db.schema
    .createTable('finding_control')
    .addColumn('finding_id', 'integer', (c) => c.notNull().references('finding.id').onDelete('cascade'))
    .addColumn('control_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('finding_control_pk', ['finding_id', 'control_id'])
    .execute();

  // ── immutability of signed-off audits ──────────────────────────
  // One function for all six tables: find the audit the old row belongs to, refuse if signed off.
  // SQLSTATE 'CB001' lets the service tell this refusal from any other error.
  await sql`
    create function audit_signed_off_guard() returns trigger language plpgsql as $$
    declare
      target integer;
      st varchar;
    begin
      if tg_table_name = 'audit' then
        st := old.status;
        target := old.id;
      else
        if tg_table_name = 'audit_evidence' then
          select t.audit_id into target from audit_test t where t.id = old.test_id;
        elsif tg_table_name = 'finding_control' then
          select f.audit_id into target from finding f where f.id = old.finding_id;
        else
          target := old.audit_id;
        end if;
        select a.status into st from audit a where a.id = target;
      end if;
      if st = 'signed_off' then
        raise exception 'audit % is signed off: % on % refused', target, tg_op, tg_table_name using errcode = 'CB001';
      end if;
      if tg_op = 'DELETE' then
        return old;
      end if;
      return new;
    end $$`.execute(db);
  for (const table of ['audit', 'audit_tester', 'audit_test', 'audit_evidence', 'finding', 'finding_control']) {
    await sql`create trigger ${sql.id(`${table}_signed_off_guard`)} before update or delete on ${sql.id(table)}
      for each row execute function audit_signed_off_guard()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['finding_control', 'finding', 'audit_evidence', 'audit_test', 'audit_tester', 'audit']) {
    await db.schema.dropTable(t).ifExists().cascade().execute();
  }
  await sql`drop function if exists audit_signed_off_guard()`.execute(db);
}
