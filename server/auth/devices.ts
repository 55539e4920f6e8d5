import { randomBytes } from 'node:crypto';
import type { Executor } from '../db/connect.ts';
import { hashToken } from './sessions.ts';
import * as q from './queries.ts';

/**
 * "Known device" tokens (OWASP's device cookie): a browser that has signed in as a user before
 * carries a random token, stored hashed. With it, the right password passes that account's backoff,
 * so an attacker guessing a user's password cannot lock the user out of their own browser.
 */
export const DEVICE_COOKIE = 'cb_device';
export const DEVICE_TTL_MS = 365 * 24 * 60 * 60 * 1000;

/** The token's hash if `token` is a known device of `username`, else null. */
export async function knownDeviceOf(db: Executor, token: string, username: string): Promise<string | null> {
  return q.knownDeviceHash(db, hashToken(token), username);
}

/** Remember this browser for `userId`; returns the cookie token, or null if it is already known. */
export async function rememberDevice(db: Executor, userId: number, presented: string | null): Promise<{ token: string; expiresAt: Date } | null> {
  if (presented) {
    if (await q.touchDevice(db, hashToken(presented), userId)) return null;
  }
  const token = randomBytes(32).toString('base64url');
  await q.insertDevice(db, hashToken(token), userId);
  return { token, expiresAt: new Date(Date.now() + DEVICE_TTL_MS) };
}
