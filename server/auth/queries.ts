import type { Executor } from '../db/connect.ts';
import type { Locale } from '../../shared/auth.ts';

/** Reads and writes of the signed-in user's own account. */

/** What sign-in checks, by the lower-cased username. */
export async function userForLogin(db: Executor, username: string) {
  return db
    .selectFrom('app_user')
    .select(['id', 'username', 'display_name', 'role', 'locale', 'password_hash', 'active'])
    .where('username', '=', username)
    .executeTakeFirst();
}

export async function passwordHashOf(db: Executor, userId: number): Promise<string> {
  const row = await db.selectFrom('app_user').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow();
  return row.password_hash;
}

export async function setPassword(db: Executor, userId: number, passwordHash: string, changedAt: string): Promise<void> {
  await db.updateTable('app_user').set({ password_hash: passwordHash, password_changed_at: changedAt }).where('id', '=', userId).execute();
}

export async function setLocale(db: Executor, userId: number, locale: Locale): Promise<void> {
  await db.updateTable('app_user').set({ locale }).where('id', '=', userId).execute();
}
