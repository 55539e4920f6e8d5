import { Kysely, PGliteDialect, PostgresDialect, sql, type Transaction } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { DB } from './schema.ts';
import { typeParsers } from './type-parsers.ts';
import { lockDataDir } from './data-dir-lock.ts';

export type Db = Kysely<DB>;
/** What repositories accept: the database or an open transaction. */
export type Executor = Kysely<DB> | Transaction<DB>;

export interface Database {
  db: Db;
  backend: 'pglite' | 'postgres';
  /** the embedded instance behind `db` (pglite backend only), for what Kysely cannot do, e.g. COPY … TO '/dev/blob' */
  pglite?: PGlite;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: 'pglite'; dataDir?: string } // no dataDir → in memory (tests)
  | { kind: 'postgres'; url: string; poolSize?: number; searchPath?: string };

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === 'postgres'
    ? openPostgres(target.url, target.poolSize, target.searchPath)
    : openPglite(target.dataDir);
}

async function openPglite(dataDir?: string): Promise<Database> {
  const release = dataDir ? lockDataDir(dataDir) : () => {};
  let pglite: PGlite;
  try {
    // The options-object form: new PGlite(undefined, opts) silently ignores opts.
    pglite = new PGlite({ dataDir, parsers: typeParsers });
    await pglite.waitReady;
    await pglite.exec(`set time zone 'UTC'`);
  } catch (err) {
    release();
    throw err;
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    backend: 'pglite',
    pglite,
    async close() {
      try {
        await db.destroy(); // closes PGlite, which checkpoints the WAL
        if (!pglite.closed) await pglite.close();
      } finally {
        release();
      }
    },
  };
}

/** Connection settings every PostgreSQL connection of the app uses: UTC, the app's type parsers. */
function postgresConfig(url: string, searchPath?: string): pg.ClientConfig {
  if (searchPath && !/^[a-z_][a-z0-9_]*$/.test(searchPath)) throw new Error(`invalid schema name: ${searchPath}`);
  return {
    connectionString: url,
    options: `-c TimeZone=UTC${searchPath ? ` -c search_path=${searchPath}` : ''}`,
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        (format ?? 'text') === 'text' && typeParsers[oid]
          ? typeParsers[oid]
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  };
}

/**
 * One dedicated PostgreSQL connection, as a Kysely and as the pg client underneath, for work that
 * needs both in one session (COPY … FROM STDIN inside a Kysely transaction).
 */
export async function openPostgresSession(url: string): Promise<{ db: Db; client: pg.Client; close(): Promise<void> }> {
  const config = postgresConfig(url);
  const client = new pg.Client(config);
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`);
  }
  client.on('error', () => {}); // a broken connection fails the query in flight, which reports it
  // Kysely's pool: always this client; "release" keeps it open (Client and options serve query cancellation)
  const session = Object.assign(client, { release() {} });
  const pool = { Client: pg.Client, options: config, connect: async () => session, end: () => client.end() };
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, client, close: () => db.destroy() };
}

async function openPostgres(url: string, poolSize = 10, searchPath?: string): Promise<Database> {
  const pool = new pg.Pool({ ...postgresConfig(url, searchPath), max: poolSize });
  // An idle client can be cut off by the server (restart, DROP DATABASE … WITH (FORCE) racing a
  // pool.end()); pg then emits 'error' on the pool, which crashes the process if nobody listens.
  // The pool drops that client and opens a new one on the next query, so logging is enough.
  pool.on('error', (err) => {
    if ((err as { code?: string }).code !== '57P01') console.error(`PostgreSQL connection lost: ${err.message}`);
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy();
    throw new Error(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`);
  }
  return { db, backend: 'postgres', close: () => db.destroy() };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
