import { openDatabase, type Database } from '../server/db/connect.ts';
import { migrateToLatest } from '../server/db/migrate.ts';

/** What each benchmark case gets: a fresh, migrated database of one backend. */
export interface BenchContext {
  backend: 'pglite' | 'postgres';
  database: Database;
}

export interface BenchResult {
  /** the feature's cost divided by the baseline's, measured in the same run */
  ratio: number;
  /** what was compared: sizes, medians, units */
  details: string;
  /** set when the run shows a defect (e.g. a lost save): the line is printed, then the bench fails */
  failure?: string;
}

export interface BenchCase {
  name: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

/** Median wall time in ms of `iterations` runs of fn, after `warmup` unmeasured runs. */
export async function medianMs(fn: () => Promise<unknown>, iterations: number, warmup = Math.ceil(iterations / 10)): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
}

/**
 * A fresh database per case: an in-memory PGlite, or a new database on the server named by
 * DATABASE_URL (created and dropped around the case).
 */
export async function withFreshDatabase<T>(backend: BenchContext['backend'], fn: (database: Database) => Promise<T>): Promise<T> {
  if (backend === 'pglite') {
    const database = await openDatabase({ kind: 'pglite' });
    try {
      await migrateToLatest(database.db);
      return await fn(database);
    } finally {
      await database.close();
    }
  }
  const url = new URL(process.env.DATABASE_URL!);
  const name = `cb_bench_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const admin = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 1 });
  const { sql } = await import('kysely');
  await sql`create database ${sql.id(name)}`.execute(admin.db);
  try {
    url.pathname = `/${name}`;
    const database = await openDatabase({ kind: 'postgres', url: url.toString() });
    try {
      await migrateToLatest(database.db);
      return await fn(database);
    } finally {
      await database.close();
    }
  } finally {
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
    await admin.close();
  }
}

/**
 * Rows the database wrote (inserted, updated or deleted, in any table of the schema) per call of
 * `fn`, averaged over `ops` calls — counted by the database itself: a row-level trigger on every
 * table adds to a counter while fn runs, and is dropped again before anything is timed.
 */
export async function rowsWrittenPerOp(db: Database['db'], fn: () => Promise<unknown>, ops = 3): Promise<number> {
  const { sql } = await import('kysely');
  const tables = (
    await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely_%'`.execute(db)
  ).rows.map((r) => r.name);
  await sql`create table bench_rows_written (n bigint not null)`.execute(db);
  await sql`insert into bench_rows_written values (0)`.execute(db);
  await sql`create function bench_count_row() returns trigger language plpgsql as $$ begin update bench_rows_written set n = n + 1; return null; end $$`.execute(db);
  try {
    for (const t of tables) await sql`create trigger bench_count_row after insert or update or delete on ${sql.id(t)} for each row execute function bench_count_row()`.execute(db);
    for (let i = 0; i < ops; i++) await fn();
    const { rows } = await sql<{ n: string }>`select n::text as n from bench_rows_written`.execute(db);
    return Number(rows[0]!.n) / ops;
  } finally {
    for (const t of tables) await sql`drop trigger if exists bench_count_row on ${sql.id(t)}`.execute(db);
    await sql`drop function bench_count_row()`.execute(db);
    await sql`drop table bench_rows_written`.execute(db);
  }
}

/** The session cookie (`cb_session=…`) a sign-in response sets; it may set a device cookie beside it. */
export function sessionCookie(login: Response): string {
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('cb_session='));
  if (!cookie) throw new Error(`sign-in set no session cookie (status ${login.status})`);
  return cookie.split(';')[0]!;
}
