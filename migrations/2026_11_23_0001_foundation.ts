import { sql, type Kysely } from 'kysely';

// Frozen in time: typed against Kysely<any>, never edited after it has landed.

export async function up(db: Kysely<any>): Promise<void> {
  // ── organisation ──────────────────────────────────────────────
  await db.schema
    .createTable('org_unit')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('parent_id', 'integer', (c) => c.references('org_unit.id'))
    .addColumn('code', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('org_unit_not_own_parent', sql`parent_id is null or parent_id <> id`)
    .execute();
  await db.schema.createIndex('org_unit_parent_idx').on('org_unit').column('parent_id').execute();

  await db.schema
    .createTable('duty_category')
    .addColumn('code', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name_zh', 'varchar(100)', (c) => c.notNull())
    .addColumn('name_en', 'varchar(100)', (c) => c.notNull())
    .addColumn('builtin', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db
    .insertInto('duty_category')
    .values([
      { code: 'authorise', name_zh: '授权批准', name_en: 'Authorise', builtin: true, sort_order: 1 },
      { code: 'execute', name_zh: '业务经办', name_en: 'Execute', builtin: true, sort_order: 2 },
      { code: 'record', name_zh: '会计记录', name_en: 'Record', builtin: true, sort_order: 3 },
      { code: 'custody', name_zh: '财产保管', name_en: 'Custody', builtin: true, sort_order: 4 },
      { code: 'review', name_zh: '稽核检查', name_en: 'Review', builtin: true, sort_order: 5 },
      { code: 'supervise', name_zh: '监督', name_en: 'Supervise', builtin: true, sort_order: 6 },
    ])
    .execute();

  await db.schema
    .createTable('position')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('org_unit.id'))
    .addColumn('code', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('level_rank', 'integer', (c) => c.notNull().check(sql`level_rank between 1 and 99`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('position_unit_idx').on('position').column('unit_id').execute();

  await db.schema
    .createTable('position_duty')
    .addColumn('position_id', 'integer', (c) => c.notNull().references('position.id').onDelete('cascade'))
    .addColumn('duty_code', 'varchar(40)', (c) => c.notNull().references('duty_category.code'))
    .addPrimaryKeyConstraint('position_duty_pk', ['position_id', 'duty_code'])
    .execute();

  await db.schema
    .createTable('person')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('employee_no', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('email', 'varchar(200)')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('assignment')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
    .addColumn('position_id', 'integer', (c) => c.notNull().references('position.id'))
    .addColumn('kind', 'varchar(20)', (c) =>
      c.notNull().check(sql`kind in ('primary', 'acting', 'concurrent')`),
    )
    .addColumn('valid_from', 'date', (c) => c.notNull())
    .addColumn('valid_to', 'date')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('assignment_dates', sql`valid_to is null or valid_to >= valid_from`)
    .execute();
  await db.schema.createIndex('assignment_person_idx').on('assignment').column('person_id').execute();
  await db.schema.createIndex('assignment_position_idx').on('assignment').column('position_id').execute();

  // ── users and sessions ────────────────────────────────────────
  await db.schema
    .createTable('app_user')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('username', 'varchar(60)', (c) => c.notNull().unique())
    .addColumn('display_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'varchar(20)', (c) =>
      c.notNull().check(sql`role in ('admin', 'designer', 'auditor', 'viewer')`),
    )
    .addColumn('person_id', 'integer', (c) => c.references('person.id'))
    .addColumn('locale', 'varchar(10)', (c) => c.notNull().defaultTo('zh-CN'))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('password_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('session')
    // sha-256 of the cookie token: a leaked table does not leak live sessions
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('address', 'varchar(64)')
    .execute();
  await db.schema.createIndex('session_user_idx').on('session').column('user_id').execute();

  await db.schema
    .createTable('login_failure')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('username', 'varchar(60)', (c) => c.notNull())
    .addColumn('address', 'varchar(64)', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('login_failure_user_idx').on('login_failure').columns(['username', 'at']).execute();
  await db.schema.createIndex('login_failure_addr_idx').on('login_failure').columns(['address', 'at']).execute();

  // ── audit trail (append-only) ─────────────────────────────────
  await db.schema
    .createTable('audit_trail')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_user_id', 'integer')
    .addColumn('actor_username', 'varchar(60)', (c) => c.notNull())
    .addColumn('entity', 'varchar(60)', (c) => c.notNull())
    .addColumn('entity_id', 'varchar(60)')
    .addColumn('action', 'varchar(40)', (c) => c.notNull())
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .execute();
  await db.schema.createIndex('audit_trail_entity_idx').on('audit_trail').columns(['entity', 'entity_id']).execute();
  await db.schema.createIndex('audit_trail_at_idx').on('audit_trail').column('at').execute();

  await sql`
    create function audit_trail_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_trail is append-only (% refused)', tg_op using errcode = '42501';
    end $$`.execute(db);
  await sql`
    create trigger audit_trail_no_change before update or delete on audit_trail
    for each statement execute function audit_trail_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'audit_trail',
    'login_failure',
    'session',
    'app_user',
    'assignment',
    'person',
    'position_duty',
    'position',
    'duty_category',
    'org_unit',
  ]) {
    await db.schema.dropTable(t).ifExists().cascade().execute();
  }
  await sql`drop function if exists audit_trail_append_only()`.execute(db);
}
