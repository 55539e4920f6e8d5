import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openDatabase, type Database, type Db } from '../../server/db/connect.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { generateControlManual } from './controls.ts';
import { auditFixture } from './audits.ts';
import { generateAuthorityData } from './authority.ts';
import { readSchema } from '../../server/ops/backup.ts';
import { moveToPostgres } from '../../server/ops/move-to-postgres.ts';
import type { BenchCase } from '../harness.ts';

const TRAIL_ROWS = 20_000;
const BATCH = 1_000;

/**
 * The database of issue 8's scale: a 20,000-control manual (500 processes, shared links,
 * inspections), an audit of 20,000 controls with results, 100,000 approval records with their
 * organisation, rules and delegations, and 20,000 audit-trail rows — built by the other benches'
 * fixtures with multi-row inserts.
 */
export async function populate(database: Database): Promise<void> {
  await generateControlManual(database);
  await auditFixture(database.db, { controls: 20_000, processes: 500, units: 50, results: true });
  await generateAuthorityData(database);
  const db = database.db;
  for (let i = 0; i < TRAIL_ROWS; i += BATCH) {
    await db
      .insertInto('audit_trail')
      .values(
        Array.from({ length: Math.min(BATCH, TRAIL_ROWS - i) }, (_, j) => ({
          actor_user_id: null,
          actor_username: 'bench',
          entity: 'person',
          entity_id: String(i + j),
          action: 'update',
          before: JSON.stringify({ name: `员工 ${i + j}`, email: null, tags: ['a', 'b'], n: i + j }),
          after: JSON.stringify({ name: `员工 ${i + j} ✓`, email: `p${i + j}@example.com`, tags: ['a'], n: i + j + 0.5 }),
        })),
      )
      .execute();
  }
}

/**
 * The naive copy: `select *` of every table on the source, multi-row `insert` of the same rows
 * into a freshly migrated scratch schema on the target (built-in reference rows cleared first);
 * no snapshot isolation, no compression, no checksums, no verification.
 */
async function naiveCopy(source: Db, target: Db): Promise<number> {
  const { tables } = await readSchema(source);
  let rows = 0;
  for (const t of [...tables].reverse()) {
    if (t.name === 'kysely_migration') continue;
    // like restore: guard triggers (builtin duties, append-only trail) must not block the copy
    await sql`alter table ${sql.id(t.name)} disable trigger user`.execute(target);
    await sql`delete from ${sql.id(t.name)}`.execute(target);
  }
  for (const t of tables) {
    if (t.name === 'kysely_migration') continue;
    const json = new Set(t.columns.filter((c) => /^jsonb?$/.test(c.type)).map((c) => c.name));
    const order = t.primaryKey.length ? sql.join(t.primaryKey.map((c) => sql.id(c))) : sql`1`;
    const { rows: all } = await sql<Record<string, unknown>>`select * from ${sql.id(t.name)} order by ${order}`.execute(source);
    const perInsert = Math.max(1, Math.floor(30_000 / t.columns.length));
    for (let i = 0; i < all.length; i += perInsert) {
      const values = all
        .slice(i, i + perInsert)
        .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, json.has(k) && v !== null ? JSON.stringify(v) : v])));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await (target as Db).insertInto(t.name as any).values(values as any).execute();
    }
    rows += all.length;
  }
  return rows;
}

/**
 * The bare COPY round trip issue 8 names as the baseline (pg_dump cannot read PGlite): for every
 * table, PGlite's `COPY t (cols) TO '/dev/blob'` piped into `COPY t (cols) FROM STDIN` of one
 * `psql -1` (a single transaction) on the target, into a freshly migrated scratch schema whose
 * built-in reference rows the same script deletes first (user triggers off, like restore).
 * No snapshot isolation beyond PGlite's single connection, no checksums, no verification.
 * Returns the rows PostgreSQL reported as copied per table (psql's :ROW_COUNT after each COPY) and their sum.
 */
export async function copyRoundTrip(source: Database, targetUrl: string, schema: string): Promise<{ rows: number; perTable: Map<string, number> }> {
  const pglite = source.pglite;
  if (!pglite) throw new Error('the COPY baseline needs a PGlite source');
  const { tables } = await readSchema(source.db);
  const data = tables.filter((t) => t.name !== 'kysely_migration');
  const id = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const child = spawn('psql', ['-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-d', targetUrl, '-f', '-'], {
    env: { ...process.env, PGOPTIONS: `-c search_path=${schema}` },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.stdin.on('error', () => {}); // psql died: reported by its exit code below
  const write = async (chunk: string | Uint8Array) => {
    if (!child.stdin.write(chunk)) await new Promise<void>((resolve) => child.stdin.once('drain', resolve));
  };
  // -q silences the command tags; ask for each COPY's row count explicitly
  let script = '';
  for (const t of [...data].reverse()) script += `alter table ${id(t.name)} disable trigger user;\ndelete from ${id(t.name)};\n`;
  await write(script);
  const order: string[] = [];
  for (const t of data) {
    const cols = t.columns.map((c) => id(c.name)).join(', ');
    const { blob } = await pglite.query(`copy ${id(t.name)} (${cols}) to '/dev/blob'`);
    await write(`copy ${id(t.name)} (${cols}) from stdin;\n`);
    if (blob) await write(new Uint8Array(await blob.arrayBuffer())); // an empty table may come back without one
    await write('\\.\n\\echo copied :ROW_COUNT\n');
    order.push(t.name);
  }
  child.stdin.end(`${data.map((t) => `alter table ${id(t.name)} enable trigger user;`).join('\n')}\n`);
  const code = await closed;
  if (code !== 0) throw new Error(`psql COPY round trip failed (exit ${code}): ${stderr}`);
  const counts = [...stdout.matchAll(/^copied (\d+)$/gm)].map((m) => Number(m[1]));
  if (counts.length !== order.length) throw new Error(`psql reported ${counts.length} COPY counts for ${order.length} tables: ${stdout.slice(-500)}`);
  const perTable = new Map(order.map((name, i) => [name, counts[i]!]));
  return { rows: counts.reduce((a, b) => a + b, 0), perTable };
}

const CLI = fileURLToPath(new URL('../../server/cli.ts', import.meta.url));
// Loaded into the child before the CLI: reports the process's peak resident set size as it exits.
// VmHWM where there is /proc: on Linux a spawned child's resourceUsage().maxRSS starts at its parent's.
const REPORT_PEAK_RSS = `data:text/javascript,${encodeURIComponent(
  `import { readFileSync } from 'node:fs';
   process.on('exit', () => {
     let kb;
     try { kb = /VmHWM:\\s*(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]; } catch { kb = process.resourceUsage().maxRSS; }
     process.stderr.write('peak_rss_kb=' + kb + '\\n');
   });`,
)}`;
/** The CLI's V8 heap is capped: were backup or restore to hold the data rather than stream it, they would fail here. */
const HEAP_CAP_MB = 256;

/** Runs `controlbook ARGS` on `databaseUrl` in a child process; its peak RSS in MB. */
async function cliPeakRssMb(args: string[], databaseUrl: string): Promise<number> {
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${HEAP_CAP_MB}`, '--import', import.meta.resolve('tsx'), '--import', REPORT_PEAK_RSS, CLI, ...args],
    { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const kb = /peak_rss_kb=(\d+)/.exec(stderr)?.[1];
  if (code !== 0 || !kb) throw new Error(`controlbook ${args.join(' ')} failed (exit ${code}): ${stderr}`);
  return Number(kb) / 1024;
}

async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const url = new URL(process.env.DATABASE_URL!);
  const name = `cb_bench_move_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const admin = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 1 });
  await sql`create database ${sql.id(name)}`.execute(admin.db);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
      await admin.close();
    },
  };
}

/**
 * PGlite → PostgreSQL move of the issue-8-sized database (see populate) against a bare COPY
 * round trip of the same rows (copyRoundTrip: the ratio) and the naive select+insert copy
 * (naive_ratio). Registered only when DATABASE_URL is set. On the pglite run the harness
 * database is the source and a scratch PostgreSQL database the target; on the postgres run a
 * fresh PGlite is the source and the harness database the target.
 */
export const moveToPostgresBench: BenchCase = {
  name: 'move-to-postgres',
  async run({ backend, database }) {
    if (!process.env.DATABASE_URL) throw new Error('move-to-postgres needs DATABASE_URL');
    let source: Database;
    let ownSource: Database | undefined;
    let targetUrl: string;
    let dropTarget: (() => Promise<void>) | undefined;
    if (backend === 'pglite') {
      source = database;
      const scratch = await scratchDatabase();
      targetUrl = scratch.url;
      dropTarget = scratch.drop;
    } else {
      source = ownSource = await openDatabase({ kind: 'pglite' });
      await migrateToLatest(source.db);
      const current = (await sql<{ db: string }>`select current_database() as db`.execute(database.db)).rows[0]!.db;
      const url = new URL(process.env.DATABASE_URL);
      url.pathname = `/${current}`;
      targetUrl = url.toString();
    }
    const baselineSchema = `bench_naive_${Math.random().toString(36).slice(2, 8)}`;
    const copySchema = `bench_copy_${Math.random().toString(36).slice(2, 8)}`;
    const admin = await openDatabase({ kind: 'postgres', url: targetUrl, poolSize: 1 });
    try {
      await populate(source);
      // the move's target must be migrated already, as the baselines' scratch schemas are
      const target = await openDatabase({ kind: 'postgres', url: targetUrl, poolSize: 1 });
      await migrateToLatest(target.db);
      await target.close();
      for (const schema of [baselineSchema, copySchema]) {
        await sql`create schema ${sql.id(schema)}`.execute(admin.db);
        const scratch = await openDatabase({ kind: 'postgres', url: targetUrl, poolSize: 1, searchPath: schema });
        try {
          await migrateToLatest(scratch.db);
        } finally {
          await scratch.close();
        }
      }

      const scratch = await openDatabase({ kind: 'postgres', url: targetUrl, poolSize: 2, searchPath: baselineSchema });
      let naiveMs: number;
      let rows: number;
      try {
        const t0 = performance.now();
        rows = await naiveCopy(source.db, scratch.db);
        naiveMs = performance.now() - t0;
      } finally {
        await scratch.close();
      }

      const tc = performance.now();
      const copied = await copyRoundTrip(source, targetUrl, copySchema);
      const copyMs = performance.now() - tc;

      const t1 = performance.now();
      const result = await moveToPostgres(source, targetUrl, () => {});
      const moveMs = performance.now() - t1;
      if (!result.tables.every((t) => t.equal)) throw new Error('move-to-postgres reported differences');
      // the baselines must have copied what the move did (kysely_migration aside: migrated, not copied)
      const movedRows = result.tables.filter((t) => t.name !== 'kysely_migration').reduce((n, t) => n + t.targetRows, 0);
      if (copied.rows !== movedRows || rows !== movedRows) {
        throw new Error(`row counts differ: move ${movedRows}, COPY round trip ${copied.rows}, naive copy ${rows}`);
      }
      for (const t of result.tables) {
        if (t.name !== 'kysely_migration' && copied.perTable.get(t.name) !== t.targetRows) {
          throw new Error(`COPY round trip copied ${copied.perTable.get(t.name)} rows of ${t.name}, the move ${t.targetRows}`);
        }
      }
      const { rows: landed } = await sql<{ n: string }>`
        select sum((xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %I.%I', table_schema, table_name), false, true, '')))[1]::text::int8)::text as n
          from information_schema.tables where table_schema = ${copySchema} and table_type = 'BASE TABLE' and table_name <> 'kysely_migration'
            and table_name <> 'kysely_migration_lock'`.execute(admin.db);
      if (Number(landed[0]?.n) !== movedRows) throw new Error(`the COPY scratch schema holds ${landed[0]?.n} rows, the move copied ${movedRows}`);

      // the same data through the CLI's backup and restore (files), for their peak memory
      const file = `${os.tmpdir()}/cb-bench-${process.pid}-${Date.now().toString(36)}.cbk`;
      const restoreTarget = await scratchDatabase();
      let backupRss: number;
      let restoreRss: number;
      try {
        backupRss = await cliPeakRssMb(['backup', '-o', file], targetUrl);
        restoreRss = await cliPeakRssMb(['restore', file], restoreTarget.url);
      } finally {
        fs.rmSync(file, { force: true });
        await restoreTarget.drop();
      }
      return {
        ratio: moveMs / copyMs,
        details:
          `copy_round_trip_ms=${copyMs.toFixed(0)} move_ms=${moveMs.toFixed(0)} naive_copy_ms=${naiveMs.toFixed(0)} ` +
          `naive_ratio=${(moveMs / naiveMs).toFixed(2)} rows=${rows} tables=${result.tables.length} ` +
          `backup_peak_rss_mb=${backupRss.toFixed(0)} restore_peak_rss_mb=${restoreRss.toFixed(0)} heap_cap_mb=${HEAP_CAP_MB} ` +
          `source=pglite target=postgres; move = migrate target, keyset-paged COPY TO pages of one source snapshot streamed ` +
          `into one COPY FROM STDIN per table (one target transaction, user triggers off, sequences) + per-table count and ` +
          `digest computed by each database before commit; ratio baseline = bare COPY ` +
          `round trip (issue 8; pg_dump cannot read PGlite): PGlite COPY t TO '/dev/blob' per table piped into one psql -1 ` +
          `COPY t FROM STDIN into a migrated scratch schema (reference rows deleted, user triggers off), row counts checked, ` +
          `no checksums; naive = select * per table on the source + multi-row insert into another scratch schema; peak RSS = ` +
          `controlbook backup (from the target, gzip file) and restore (into a fresh database) as child processes`,
      };
    } finally {
      for (const schema of [baselineSchema, copySchema]) {
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db).catch(() => {});
      }
      await admin.close();
      if (ownSource) await ownSource.close();
      if (dropTarget) await dropTarget();
    }
  },
};
