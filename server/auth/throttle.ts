import { sql } from 'kysely';
import type { Executor } from '../db/connect.ts';

/** Login throttling: failures per username and per client address within a window. */
export const THROTTLE = { windowMinutes: 15, perUser: 5, perAddress: 20 } as const;

export async function isThrottled(db: Executor, username: string, address: string): Promise<boolean> {
  const since = sql<string>`now() - make_interval(mins => ${THROTTLE.windowMinutes})`;
  const row = await db
    .selectFrom('login_failure')
    .select([
      (eb) => eb.fn.count<number>('id').filterWhere('username', '=', username).as('byUser'),
      (eb) => eb.fn.count<number>('id').filterWhere('address', '=', address).as('byAddress'),
    ])
    .where('at', '>', since)
    .where((eb) => eb.or([eb('username', '=', username), eb('address', '=', address)]))
    .executeTakeFirstOrThrow();
  return row.byUser >= THROTTLE.perUser || row.byAddress >= THROTTLE.perAddress;
}

export async function recordFailure(db: Executor, username: string, address: string): Promise<void> {
  await db.insertInto('login_failure').values({ username, address }).execute();
}

export async function clearFailures(db: Executor, username: string): Promise<void> {
  await db.deleteFrom('login_failure').where('username', '=', username).execute();
}
