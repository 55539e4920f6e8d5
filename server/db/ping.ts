import { sql } from 'kysely';
import type { Executor } from './connect.ts';

/** One round trip to the database; throws when it cannot be reached (the health check). */
export async function ping(db: Executor): Promise<void> {
  await sql`select 1`.execute(db);
}
