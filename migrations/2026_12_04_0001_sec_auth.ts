import { sql, type Kysely } from 'kysely';

// Frozen in time. Sign-in security (issue #19): an atomic throttle (one counter row per key, updated
// by a single upsert so parallel attempts cannot all pass the check), "known device" tokens that let
// the right password through an account backoff, a forced password change, and absolute session age.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('login_throttle')
    // 'u:<username>', 'a:<address>' or 'd:<device token hash>'
    .addColumn('key', 'varchar(200)', (c) => c.primaryKey())
    // attempts since the last success (an attempt counts from before its password is checked)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('blocked_until', 'timestamptz')
    // the decision of the latest upsert (RETURNING shows new values only)
    .addColumn('allowed', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();

  await db.schema
    .createTable('known_device')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('known_device_user_idx').on('known_device').column('user_id').execute();

  await db.schema
    .alterTable('app_user')
    .addColumn('must_change_password', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('app_user').dropColumn('must_change_password').execute();
  await db.schema.dropTable('known_device').ifExists().execute();
  await db.schema.dropTable('login_throttle').ifExists().execute();
}
