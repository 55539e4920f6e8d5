import { sql } from 'kysely';
import type { Executor } from '../db/connect.ts';

/**
 * Sign-in throttling, one counter row per key ('u:' username, 'a:' client address, 'd:' known
 * device). An attempt is counted by a single `insert … on conflict do update … returning` BEFORE its
 * password is checked, so parallel or batched attempts serialise on the row and cannot all pass;
 * a success resets the account and device counters and gives the address its attempt back.
 *
 * Per key: the first `free - 1` attempts pass freely; from attempt `free` on, each attempt blocks the
 * key for `base · 2^(attempts − free)` seconds (capped), so guessing slows exponentially. A key
 * forgets its attempts after `resetSeconds` of quiet.
 */
export interface ThrottleRule {
  free: number;
  baseSeconds: number;
  capSeconds: number;
  resetSeconds: number;
}

export const THROTTLE = {
  /** kept for messages: the longest wait an account or address is ever asked for */
  windowMinutes: 15,
  perUser: 5,
  perAddress: 20,
  /** an account: 5 attempts, then 1, 2, 4, 8, 15, 15 … minutes between attempts */
  user: { free: 5, baseSeconds: 60, capSeconds: 15 * 60, resetSeconds: 24 * 60 * 60 },
  /** an address spraying usernames: 20 attempts per 15 minutes */
  address: { free: 20, baseSeconds: 15 * 60, capSeconds: 15 * 60, resetSeconds: 15 * 60 },
  /** a known device: 5 wrong passwords and it is treated as unknown again for 15 minutes */
  device: { free: 5, baseSeconds: 15 * 60, capSeconds: 15 * 60, resetSeconds: 24 * 60 * 60 },
} as const satisfies Record<string, unknown>;

export interface ThrottleDecision {
  allowed: boolean;
  attempts: number;
  /** when the key may be tried again (set once the key is blocked) */
  blockedUntil: Date | null;
}

export const throttleKey = {
  user: (username: string) => `u:${username.toLowerCase()}`,
  address: (address: string) => `a:${address}`,
  device: (tokenHash: string) => `d:${tokenHash}`,
};

/** Count one attempt against `key`, atomically, and say whether it may go on to a password check. */
export async function reserveAttempt(db: Executor, key: string, rule: ThrottleRule): Promise<ThrottleDecision> {
  const blocked = sql`coalesce(t.blocked_until > now(), false)`;
  const stale = sql`t.last_at < now() - make_interval(secs => ${rule.resetSeconds})`;
  const next = sql`(case when ${stale} then 1 else t.attempts + 1 end)`;
  const blockFor = (n: unknown) =>
    sql`case when ${n} >= ${rule.free}
      then now() + make_interval(secs => least(${rule.capSeconds}::float8, ${rule.baseSeconds}::float8 * power(2::float8, ${n} - ${rule.free})))
      end`;
  const { rows } = await sql<{ allowed: boolean; attempts: number; blocked_until: string | Date | null }>`
    insert into login_throttle as t (key, attempts, last_at, blocked_until, allowed)
    values (${key}, 1, now(), ${blockFor(sql`1`)}, true)
    on conflict (key) do update set
      allowed = not ${blocked},
      attempts = case when ${blocked} then t.attempts else ${next} end,
      last_at = case when ${blocked} then t.last_at else now() end,
      blocked_until = case when ${blocked} then t.blocked_until else ${blockFor(next)} end
    returning allowed, attempts, blocked_until`.execute(db);
  const row = rows[0]!;
  return {
    allowed: row.allowed,
    attempts: Number(row.attempts),
    blockedUntil: row.blocked_until == null ? null : new Date(row.blocked_until),
  };
}

/** After a success: the account (or device) starts afresh. */
export async function clearAttempts(db: Executor, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

/** After a success from an address: that attempt does not count against the address. */
export async function refundAttempt(db: Executor, key: string): Promise<void> {
  await db
    .updateTable('login_throttle')
    .set({ attempts: sql<number>`greatest(attempts - 1, 0)` })
    .where('key', '=', key)
    .execute();
}

/** When an account may be tried again, or null if it is not blocked (for the users page). */
export async function blockedUntil(db: Executor, key: string): Promise<Date | null> {
  const row = await db
    .selectFrom('login_throttle')
    .select('blocked_until')
    .where('key', '=', key)
    .where('blocked_until', '>', sql<string>`now()`)
    .executeTakeFirst();
  return row?.blocked_until ? new Date(row.blocked_until) : null;
}

export async function purgeOldAttempts(db: Executor): Promise<void> {
  await db
    .deleteFrom('login_throttle')
    .where('last_at', '<', sql<string>`now() - interval '1 day'`)
    .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<', sql<string>`now()`)]))
    .execute();
}
