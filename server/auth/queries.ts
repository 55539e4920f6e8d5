import type { Executor } from '../db/connect.ts';
import type { Locale } from '../../shared/auth.ts';
import { forgetCachedSessions } from './sessions.ts';

/** Reads and writes of the signed-in user's own account. */

/** What sign-in checks, by the lower-cased username. */
export async function userForLogin(db: Executor, username: string) {
  return db
    .selectFrom('app_user')
    .select(['id', 'username', 'display_name', 'role', 'locale', 'password_hash', 'active', 'must_change_password'])
    .where('username', '=', username)
    .executeTakeFirst();
}

export async function passwordHashOf(db: Executor, userId: number): Promise<string> {
  const row = await db.selectFrom('app_user').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow();
  return row.password_hash;
}

/** The new password replaces the old; a forced change (must_change_password) is then done. */
export async function setPassword(db: Executor, userId: number, passwordHash: string, changedAt: string): Promise<void> {
  forgetCachedSessions(); // must_change_password is part of the session user
  await db.updateTable('app_user').set({ password_hash: passwordHash, password_changed_at: changedAt, must_change_password: false }).where('id', '=', userId).execute();
}

export async function setLocale(db: Executor, userId: number, locale: Locale): Promise<void> {
  forgetCachedSessions();
  await db.updateTable('app_user').set({ locale }).where('id', '=', userId).execute();
}

// ── known devices (devices.ts) ──────────────────────────────────
export async function knownDeviceHash(db: Executor, tokenHash: string, username: string): Promise<string | null> {
  const row = await db
    .selectFrom('known_device as d')
    .innerJoin('app_user as u', 'u.id', 'd.user_id')
    .select('d.token_hash')
    .where('d.token_hash', '=', tokenHash)
    .where('u.username', '=', username)
    .executeTakeFirst();
  return row?.token_hash ?? null;
}

/** Mark a known device as used now; false if it is not this user's. */
export async function touchDevice(db: Executor, tokenHash: string, userId: number): Promise<boolean> {
  const updated = await db
    .updateTable('known_device')
    .set({ last_used_at: new Date().toISOString() })
    .where('token_hash', '=', tokenHash)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

export async function insertDevice(db: Executor, tokenHash: string, userId: number): Promise<void> {
  await db.insertInto('known_device').values({ token_hash: tokenHash, user_id: userId }).execute();
}
