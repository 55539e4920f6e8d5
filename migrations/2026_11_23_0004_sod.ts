import { sql, type Kysely } from 'kysely';

// Frozen in time. Segregation of duties (不相容职务): rules between duties or positions, and
// mitigations that accept one conflict for a limited time — never a silent waiver.

export async function up(db: Kysely<any>): Promise<void> {
  // Builtin duty categories are the vocabulary of the default rule set: refuse deleting or
  // recoding them in the database too, not only in the service.
  await sql`
    create function duty_category_builtin_guard() returns trigger language plpgsql as $$
    begin
      if old.builtin and (tg_op = 'DELETE' or new.code <> old.code or not new.builtin) then
        raise exception 'builtin duty category % cannot be deleted or recoded', old.code using errcode = '23514';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$`.execute(db);
  await sql`
    create trigger duty_category_builtin before update or delete on duty_category
    for each row execute function duty_category_builtin_guard()`.execute(db);

  await db.schema
    .createTable('sod_rule')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('code', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull().check(sql`kind in ('duty', 'position')`))
    .addColumn('duty_a', 'varchar(40)', (c) => c.references('duty_category.code'))
    .addColumn('duty_b', 'varchar(40)', (c) => c.references('duty_category.code'))
    .addColumn('position_a', 'integer', (c) => c.references('position.id'))
    .addColumn('position_b', 'integer', (c) => c.references('position.id'))
    .addColumn('scope', 'varchar(20)', (c) => c.notNull().check(sql`scope in ('same_person', 'same_unit')`))
    .addColumn('risk', 'varchar(20)', (c) => c.notNull().check(sql`risk in ('low', 'medium', 'high', 'critical')`))
    .addColumn('rationale', 'text', (c) => c.notNull())
    .addColumn('basis', 'varchar(500)', (c) => c.notNull().defaultTo(''))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'sod_rule_sides',
      sql`(kind = 'duty' and duty_a is not null and duty_b is not null and duty_a <> duty_b
            and position_a is null and position_b is null)
       or (kind = 'position' and position_a is not null and position_b is not null and position_a <> position_b
            and duty_a is null and duty_b is null)`,
    )
    .addCheckConstraint('sod_rule_rationale_not_blank', sql`length(btrim(rationale)) > 0`)
    .execute();
  // One rule per unordered pair and scope: a ↔ b is the same rule as b ↔ a.
  await sql`create unique index sod_rule_duty_pair on sod_rule (scope, least(duty_a, duty_b), greatest(duty_a, duty_b)) where kind = 'duty'`.execute(db);
  await sql`create unique index sod_rule_position_pair on sod_rule (scope, least(position_a, position_b), greatest(position_a, position_b)) where kind = 'position'`.execute(db);
  await db.schema.createIndex('sod_rule_position_a_idx').on('sod_rule').column('position_a').execute();
  await db.schema.createIndex('sod_rule_position_b_idx').on('sod_rule').column('position_b').execute();

  await db.schema
    .createTable('sod_mitigation')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    // the conflict it accepts, by a key derived from stable ids (shared/sod.ts conflict keys)
    .addColumn('conflict_key', 'varchar(200)', (c) => c.notNull())
    .addColumn('conflict_kind', 'varchar(20)', (c) =>
      c.notNull().check(sql`conflict_kind in ('design_position', 'design_unit', 'people', 'control')`),
    )
    .addColumn('rule_id', 'integer', (c) => c.references('sod_rule.id').onDelete('cascade'))
    // what the conflict looked like when it was accepted, for the history after it is gone
    .addColumn('subject', 'varchar(500)', (c) => c.notNull().defaultTo(''))
    .addColumn('mitigating_control', 'text', (c) => c.notNull())
    .addColumn('control_node_id', 'integer', (c) => c.references('manual_node.id').onDelete('set null'))
    .addColumn('expires_on', 'date', (c) => c.notNull())
    .addColumn('created_by', 'varchar(60)', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'varchar(60)')
    .addColumn('revoke_reason', 'varchar(500)')
    .addCheckConstraint('sod_mitigation_control_not_blank', sql`length(btrim(mitigating_control)) > 0`)
    .addCheckConstraint('sod_mitigation_revoked_by', sql`(revoked_at is null) = (revoked_by is null)`)
    .execute();
  await db.schema.createIndex('sod_mitigation_key_idx').on('sod_mitigation').column('conflict_key').execute();
  await db.schema.createIndex('sod_mitigation_rule_idx').on('sod_mitigation').column('rule_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sod_mitigation').ifExists().execute();
  await db.schema.dropTable('sod_rule').ifExists().execute();
  await sql`drop trigger if exists duty_category_builtin on duty_category`.execute(db);
  await sql`drop function if exists duty_category_builtin_guard()`.execute(db);
}
