import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../db/connect.ts';
import type { Role } from '../../shared/roles.ts';
import type { Locale } from '../../shared/auth.ts';
import { purgeOldAttempts } from './throttle.ts';

export const SESSION_COOKIE = 'cb_session';
/** Idle lifetime; a session in use is extended at most once per SLIDE_MS. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Absolute lifetime: however busy, a session ends this long after its sign-in. */
export const SESSION_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
const SLIDE_MS = 60 * 60 * 1000;

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  locale: Locale;
  /** signed in with a password that must be changed first (the public demo admin's) */
  mustChangePassword?: boolean;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createSession(
  db: Executor,
  userId: number,
  address: string | null,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db
    .insertInto('session')
    .values({ token_hash: hashToken(token), user_id: userId, expires_at: expiresAt.toISOString(), address })
    .execute();
  return { token, expiresAt };
}

/** The signed-in user for a cookie token, or null if unknown, expired or the user is inactive. */
export async function findSessionUser(db: Executor, token: string): Promise<SessionUser | null> {
  const tokenHash = hashToken(token);
  const row = await db
    .selectFrom('session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.username', 'u.display_name', 'u.role', 'u.locale', 'u.active', 'u.must_change_password', 's.expires_at', 's.created_at'])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row || !row.active) return null;
  const now = Date.now();
  const absoluteEnd = new Date(row.created_at).getTime() + SESSION_MAX_AGE_MS;
  const expires = Math.min(Date.parse(row.expires_at), absoluteEnd);
  if (expires <= now) {
    await db.deleteFrom('session').where('token_hash', '=', tokenHash).execute();
    return null;
  }
  if (expires - now < SESSION_TTL_MS - SLIDE_MS && expires < absoluteEnd) {
    await db
      .updateTable('session')
      .set({ expires_at: new Date(Math.min(now + SESSION_TTL_MS, absoluteEnd)).toISOString() })
      .where('token_hash', '=', tokenHash)
      .execute();
  }
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    locale: row.locale === 'en' ? 'en' : 'zh-CN',
    mustChangePassword: row.must_change_password,
  };
}

/**
 * Sessions seen in the last second, by token hash: a page fires a burst of calls, and the lookup
 * was a quarter of each. Anything that ends or changes a session or its user in this process
 * calls forgetCachedSessions(); another instance sees such a change within CACHE_MS.
 */
const CACHE_MS = 1000;
const CACHE_MAX = 10_000;
const cache = new Map<string, { user: SessionUser; until: number }>();
let generation = 0;

export function forgetCachedSessions(): void {
  generation++;
  cache.clear();
}

/** findSessionUser for request contexts: the same answer, at most CACHE_MS old. */
export async function requestSessionUser(db: Executor, token: string): Promise<SessionUser | null> {
  const key = hashToken(token);
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.user;
  const seen = generation;
  const user = await findSessionUser(db, token);
  // a change that landed while we read must not be cached over
  if (user && seen === generation) {
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(key, { user, until: now + CACHE_MS });
  } else cache.delete(key);
  return user;
}

export async function deleteSession(db: Executor, token: string): Promise<void> {
  forgetCachedSessions();
  await db.deleteFrom('session').where('token_hash', '=', hashToken(token)).execute();
}

export async function deleteUserSessions(db: Executor, userId: number, exceptToken?: string): Promise<void> {
  forgetCachedSessions();
  let q = db.deleteFrom('session').where('user_id', '=', userId);
  if (exceptToken) q = q.where('token_hash', '<>', hashToken(exceptToken));
  await q.execute();
}

export async function purgeExpiredSessions(db: Executor): Promise<void> {
  await db.deleteFrom('session').where('expires_at', '<', sql<string>`now()`).execute();
  await db.deleteFrom('login_failure').where('at', '<', sql<string>`now() - interval '1 day'`).execute();
  await purgeOldAttempts(db);
}
