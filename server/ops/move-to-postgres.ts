import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { from as copyFrom } from 'pg-copy-streams';
import { sql, type RawBuilder } from 'kysely';
import { openPostgresSession, redactUrl, type Database } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import {
  FIX_TEXT_OUTPUT,
  MIGRATION_TABLE,
  fixTextOutput,
  orderExpr,
  readSchema,
  schemaVersion,
  sequencesOf,
  type AnyDb,
  type AnyTrx,
  type ColumnInfo,
  type OnProgress,
  type TableInfo,
} from './backup.ts';
import { matchSchema, requireEmpty, resetSequences, setUserTriggers } from './restore.ts';

export interface MoveTableReport {
  name: string;
  sourceRows: number;
  targetRows: number;
  /** the table's digest as each database computes it over its own rows (see tableDigest) */
  sourceChecksum: string;
  targetChecksum: string;
  /** rows and checksum equal (for kysely_migration: the same migrations applied) */
  equal: boolean;
}

export interface MoveResult {
  schemaVersion: string;
  tables: MoveTableReport[];
  totalRows: number;
}

/**
 * Rows are copied in pages sized by their bytes (a manual version's snapshot is megabytes, an
 * approval record a few hundred bytes): a small first page measures the rows, later pages aim at
 * PAGE_BYTES, so memory stays flat however big a table is.
 */
const FIRST_PAGE_ROWS = 50;
const MAX_PAGE_ROWS = 50_000;
const PAGE_BYTES = 4 << 20;

/** Runs a query on one side of the move and returns its rows. */
type Run = <R>(query: RawBuilder<R>) => Promise<R[]>;

/**
 * Copies the embedded (PGlite) database `source` into the PostgreSQL database at `targetUrl`:
 * migrates the target, then copies every table in foreign-key order with COPY, the way a
 * `pg_dump | psql` would: each table's rows, read a page at a time as `COPY (…) TO` text from one
 * read-only snapshot of the source, stream into a single `COPY … FROM STDIN` on the target. The
 * target must hold no data; everything happens in one target transaction (guard triggers off
 * inside it, sequences moved past the copied ids), and before it commits, each database digests
 * its own rows of every table (count and checksum, printed side by side). Any difference, or any
 * error, rolls the target back to empty.
 */
export async function moveToPostgres(
  source: Database,
  targetUrl: string,
  log: (line: string) => void,
  onProgress?: OnProgress,
): Promise<MoveResult> {
  const pglite = source.pglite;
  if (!pglite) throw new Error('move-to-postgres copies the embedded database; this installation already runs on PostgreSQL');
  const version = await schemaVersion(source.db);
  if (!version) throw new Error('nothing to move: the embedded database has no ControlBook schema (no migrations applied)');
  // the source's shape; nothing else can change it meanwhile (the embedded data directory is held by this process)
  const info = await readSchema(source.db);
  const sequences = new Map<string, Awaited<ReturnType<typeof sequencesOf>>>();
  for (const t of info.tables) sequences.set(t.name, await sequencesOf(source.db, info.schema, t));

  const target = await openPostgresSession(targetUrl);
  try {
    const applied = await migrateToLatest(target.db);
    log(`target ${redactUrl(targetUrl)}: ${applied.length ? `migrated (${applied.join(', ')})` : 'schema already up to date'}`);

    const result = await pglite.transaction(async (tx) => {
      const src = onPglite(source.db, tx);
      await src(sql`set transaction isolation level repeatable read, read only`);
      await src(FIX_TEXT_OUTPUT);

      return target.db.transaction().execute(async (trx) => {
        await fixTextOutput(trx);
        const targetVersion = await schemaVersion(trx);
        if (targetVersion !== version) {
          throw new Error(`schema version mismatch: the embedded database is at ${version}, the target at ${targetVersion}`);
        }
        const { schema, tables } = await readSchema(trx);
        const plan = matchSchema({ tables: info.tables }, tables);
        await setUserTriggers(trx, schema, tables, false);
        await requireEmpty(trx, schema, tables, false);

        for (const t of info.tables) {
          if (t.name === MIGRATION_TABLE) continue; // the target's own, from migrating it
          const expected = Number((await src(sql<{ n: string }>`select count(*)::text as n from ${sql.id(info.schema, t.name)}`))[0]!.n);
          onProgress?.({ phase: 'copy', table: t.name, rows: 0, tableRows: expected });
          const copied = await copyTable(source.db, tx, target, schema, t, plan.get(t.name)!.columns, (rows) =>
            onProgress?.({ phase: 'copy', table: t.name, rows, tableRows: expected }),
          );
          if (copied !== expected) throw new Error(`table ${t.name}: the source has ${expected} rows, ${copied} were copied`);
        }
        await resetSequences(trx, schema, { tables: info.tables.map((t) => ({ name: t.name, sequences: sequences.get(t.name) ?? [] })) }, plan);
        await setUserTriggers(trx, schema, tables, true);

        const report: MoveTableReport[] = [];
        for (const t of info.tables) {
          const row =
            t.name === MIGRATION_TABLE
              ? await compareMigrations(src, onKysely(trx), info.schema, schema)
              : compareDigests(t.name, await tableDigest(src, info.schema, t.name), await tableDigest(onKysely(trx), schema, t.name));
          onProgress?.({ phase: 'verify', table: t.name, rows: row.targetRows, tableRows: row.sourceRows });
          report.push(row);
        }
        printReport(report, log);
        const bad = report.filter((t) => !t.equal);
        if (bad.length) throw new Error(`the copy differs from the source in ${bad.map((t) => t.name).join(', ')}; nothing was kept`);
        const totalRows = report.filter((t) => t.name !== MIGRATION_TABLE).reduce((sum, t) => sum + t.targetRows, 0);
        return { schemaVersion: version, tables: report, totalRows };
      });
    });
    log(`${result.totalRows} rows in ${result.tables.length} tables copied and verified`);
    return result;
  } finally {
    await target.close();
  }
}

/**
 * One table: source pages (`COPY (select … page) TO '/dev/blob'`, keyset-paged in primary-key
 * order) piped into one `COPY … FROM STDIN` on the target, so that rows pointing at rows later in
 * the same table (foreign keys are checked at the end of the statement) load like any other.
 * Returns the rows the target took.
 */
async function copyTable(
  sourceDb: AnyDb,
  tx: PgliteTransaction,
  target: Awaited<ReturnType<typeof openPostgresSession>>,
  targetSchema: string,
  table: TableInfo,
  targetColumns: ColumnInfo[],
  onRows: (rows: number) => void,
): Promise<number> {
  const src = onPglite(sourceDb, tx);
  const columns = sql.join(table.columns.map((c) => sql.id(c.name)));
  const from = sql.id(table.name);
  const copyOut = async (select: RawBuilder<unknown>): Promise<Buffer> => {
    const { sql: text, parameters } = sql`copy (${select}) to '/dev/blob'`.compile(sourceDb);
    if (parameters.length) throw new Error('COPY takes no parameters'); // values are inlined as literals below
    const { blob } = await tx.query(text);
    return blob ? Buffer.from(await blob.arrayBuffer()) : Buffer.alloc(0); // an empty result comes without one
  };

  async function* pages(): AsyncGenerator<Buffer> {
    let rows = 0;
    const emit = (page: Buffer) => {
      rows += countLines(page);
      onRows(rows);
      return page;
    };
    if (!table.primaryKey.length) {
      yield emit(await copyOut(sql`select ${columns} from ${from}`));
      return;
    }
    const keys = table.primaryKey.map((name) => table.columns.find((c) => c.name === name)!);
    const order = sql.join(keys.map(orderExpr));
    const keyText = sql.join(keys.map((c, i) => sql`${sql.id(c.name)}::text as ${sql.id(`k${i}`)}`));
    const keyValue = (text: string[]) => sql.join(keys.map((c, i) => sql`cast(${sql.lit(text[i]!)} as ${sql.raw(c.type)})`));
    let after: string[] | undefined;
    for (let limit = FIRST_PAGE_ROWS; ; ) {
      const lower = after ? sql`(${order}) > (${keyValue(after)})` : sql`true`;
      // the key of the page's last row bounds the page (none: the rest of the table is the last page)
      const [edge] = await src<Record<string, string>>(
        sql`select ${keyText} from ${from} where ${lower} order by ${order} offset ${sql.lit(limit - 1)} limit 1`,
      );
      const last = edge && keys.map((_, i) => edge[`k${i}`]!);
      const upper = last ? sql`(${order}) <= (${keyValue(last)})` : sql`true`;
      const page = await copyOut(sql`select ${columns} from ${from} where ${lower} and ${upper} order by ${order}`);
      if (page.length) yield emit(page);
      if (!last) return;
      after = last;
      limit = Math.max(1, Math.min(MAX_PAGE_ROWS, Math.floor((limit * PAGE_BYTES) / Math.max(1, page.length))));
    }
  }

  const copyIn = target.client.query(
    copyFrom(sql`copy ${sql.id(targetSchema, table.name)} (${sql.join(targetColumns.map((c) => sql.id(c.name)))}) from stdin`.compile(target.db).sql),
  );
  await pipeline(Readable.from(pages()), copyIn);
  return copyIn.rowCount;
}

/** Rows in COPY text: one line each (newlines inside values are escaped as \n). */
function countLines(page: Buffer): number {
  let n = 0;
  for (let i = page.indexOf(10); i >= 0; i = page.indexOf(10, i + 1)) n++;
  return n;
}

const onKysely =
  (trx: AnyTrx): Run =>
  async (query) =>
    (await query.execute(trx)).rows;

/** Queries inside PGlite's own transaction (Kysely's would hold PGlite's lock against COPY). */
const onPglite =
  (db: AnyDb, tx: PgliteTransaction): Run =>
  async <R>(query: RawBuilder<R>) => {
    const { sql: text, parameters } = query.compile(db);
    return (await tx.query<R>(text, parameters as unknown[])).rows;
  };

/**
 * Row count and a digest of a table's rows, computed by the database itself: the sum of the first
 * 64 bits of md5(row as text) over all rows, hashed with the count. Independent of row order and
 * of how the rows travelled; the text output is fixed by FIX_TEXT_OUTPUT, so equal rows give equal
 * digests on PGlite and PostgreSQL.
 */
async function tableDigest(run: Run, schema: string, table: string): Promise<{ rows: number; checksum: string }> {
  const [r] = await run(sql<{ n: string; digest: string }>`
    select count(*)::text as n,
           md5(count(*)::text || ':' || coalesce(sum(('x' || left(md5(t::text), 16))::bit(64)::int8::numeric), 0)::text) as digest
      from ${sql.id(schema, table)} as t`);
  return { rows: Number(r!.n), checksum: r!.digest };
}

function compareDigests(name: string, s: { rows: number; checksum: string }, t: { rows: number; checksum: string }): MoveTableReport {
  return {
    name,
    sourceRows: s.rows,
    targetRows: t.rows,
    sourceChecksum: s.checksum,
    targetChecksum: t.checksum,
    equal: s.rows === t.rows && s.checksum === t.checksum,
  };
}

/** kysely_migration is not copied (the target was migrated): the same migrations must be applied. */
async function compareMigrations(src: Run, dst: Run, sourceSchema: string, targetSchema: string): Promise<MoveTableReport> {
  const names = async (run: Run, schema: string) =>
    (await run(sql<{ name: string }>`select name from ${sql.id(schema, MIGRATION_TABLE)} order by name`)).map((r) => r.name).join('\n');
  const [s, t] = [await names(src, sourceSchema), await names(dst, targetSchema)];
  const count = (list: string) => (list ? list.split('\n').length : 0);
  return { name: MIGRATION_TABLE, sourceRows: count(s), targetRows: count(t), sourceChecksum: s, targetChecksum: t, equal: s === t };
}

function printReport(report: MoveTableReport[], log: (line: string) => void) {
  const width = Math.max(...report.map((t) => t.name.length), 5);
  log(`${'table'.padEnd(width)}  ${'source'.padStart(8)}  ${'target'.padStart(8)}  checksum`);
  for (const t of report) {
    const mark = t.equal ? (t.name === MIGRATION_TABLE ? '✓ (same migrations)' : `✓ ${t.targetChecksum.slice(0, 12)}`) : '✗ DIFFERENT';
    log(`${t.name.padEnd(width)}  ${String(t.sourceRows).padStart(8)}  ${String(t.targetRows).padStart(8)}  ${mark}`);
  }
}
