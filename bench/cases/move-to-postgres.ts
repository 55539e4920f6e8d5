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
async function populate(database: Database): Promise<void> {
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
 * PGlite → PostgreSQL move of the issue-8-sized database (see populate) against the naive copy
 * of the same rows. Registered only when DATABASE_URL is set. On the pglite
 * run the harness database is the source and a scratch PostgreSQL database the target; on the
 * postgres run a fresh PGlite is the source and the harness database the target.
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
    const admin = await openDatabase({ kind: 'postgres', url: targetUrl, poolSize: 1 });
    try {
      await populate(source);
      // the move's target must be migrated already, as the baseline's scratch schema is
      const target = await openDatabase({ kind: 'postgres', url: targetUrl, poolSize: 1 });
      await migrateToLatest(target.db);
      await target.close();
      await sql`create schema ${sql.id(baselineSchema)}`.execute(admin.db);
      const scratch = await openDatabase({ kind: 'postgres', url: targetUrl, poolSize: 2, searchPath: baselineSchema });
      let baselineMs: number;
      let rows: number;
      try {
        await migrateToLatest(scratch.db);
        const t0 = performance.now();
        rows = await naiveCopy(source.db, scratch.db);
        baselineMs = performance.now() - t0;
      } finally {
        await scratch.close();
      }

      const t1 = performance.now();
      const result = await moveToPostgres(source, targetUrl, () => {});
      const moveMs = performance.now() - t1;
      if (!result.tables.every((t) => t.equal)) throw new Error('move-to-postgres reported differences');

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
        ratio: moveMs / baselineMs,
        details:
          `move_ms=${moveMs.toFixed(0)} baseline_ms=${baselineMs.toFixed(0)} rows=${rows} tables=${result.tables.length} ` +
          `backup_peak_rss_mb=${backupRss.toFixed(0)} restore_peak_rss_mb=${restoreRss.toFixed(0)} heap_cap_mb=${HEAP_CAP_MB} ` +
          `source=pglite target=postgres; move = snapshot backup lines (JSON, sha256) streamed into restore ` +
          `(one transaction, jsonb batches cast per column, sequences) + re-read verification; baseline = select * per table ` +
          `on the source + multi-row insert into a migrated scratch schema on the target, no checksums; peak RSS = ` +
          `controlbook backup (from the target, gzip file) and restore (into a fresh database) as child processes`,
      };
    } finally {
      await sql`drop schema if exists ${sql.id(baselineSchema)} cascade`.execute(admin.db).catch(() => {});
      await admin.close();
      if (ownSource) await ownSource.close();
      if (dropTarget) await dropTarget();
    }
  },
};
