import { randomBytes } from 'node:crypto';
import type { Executor } from '../db/connect.ts';
import { hashToken } from './sessions.ts';

/**
 * "Known device" tokens (OWASP's device cookie): a browser that has signed in as a user before
 * carries a random token, stored hashed. With it, the right password passes that account's backoff,
 * so an attacker guessing a user's password cannot lock the user out of their own browser.
 */
export const DEVICE_COOKIE = 'cb_device';
export const DEVICE_TTL_MS = 365 * 24 * 60 * 60 * 1000;

/** The token's hash if `token` is a known device of `username`, else null. */
export async function knownDeviceOf(db: Executor, token: string, username: string): Promise<string | null> {
  const tokenHash = hashToken(token);
  const row = await db
    .selectFrom('known_device as d')
    .innerJoin('app_user as u', 'u.id', 'd.user_id')
    .select('d.token_hash')
    .where('d.token_hash', '=', tokenHash)
    .where('u.username', '=', username)
    .executeTakeFirst();
  return row?.token_hash ?? null;
}

/** Remember this browser for `userId`; returns the cookie token, or null if it is already known. */
export async function rememberDevice(db: Executor, userId: number, presented: string | null): Promise<{ token: string; expiresAt: Date } | null> {
  if (presented) {
    const updated = await db
      .updateTable('known_device')
      .set({ last_used_at: new Date().toISOString() })
      .where('token_hash', '=', hashToken(presented))
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return null;
  }
  const token = randomBytes(32).toString('base64url');
  await db.insertInto('known_device').values({ token_hash: hashToken(token), user_id: userId }).execute();
  return { token, expiresAt: new Date(Date.now() + DEVICE_TTL_MS) };
}
