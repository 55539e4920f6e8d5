import { createHash, type Hash } from 'node:crypto';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';

/**
 * Backups: one consistent snapshot of every table in the current schema, as gzip-compressed
 * JSON Lines.
 *
 *   line 1      header  {format, formatVersion, schemaVersion, createdAt, backend, tables:[…]}
 *   then        rows    {"t": table, "v": [value per header column]} — tables in foreign-key order,
 *                       rows in primary-key order ("C" collation, so the order is the same everywhere)
 *   last line   trailer {"trailer": true, tables:[{name, rowCount, sha256}]}
 *
 * Values are exact: booleans and 2/4-byte integers as JSON; int8, numeric and floats as JSON
 * numbers when that is exact, else as the server's text; everything else (text, dates,
 * timestamps, jsonb, arrays, …) as PostgreSQL's text output under fixed session settings
 * (UTC, ISO dates), which casts back to the identical value. sha256 covers
 * `JSON.stringify(values) + "\n"` of every row, in order.
 *
 * The same reader (tableRows / checksumTables) recomputes checksums from a database, which is
 * how restore verifies what it loaded. streamBackup hands the lines to any consumer: the backup
 * file gzips them, move-to-postgres feeds them straight into a restore.
 */

export const BACKUP_FORMAT = 'controlbook-backup';
export const BACKUP_FORMAT_VERSION = 1;
export const MIGRATION_TABLE = 'kysely_migration';
const MIGRATION_LOCK_TABLE = 'kysely_migration_lock';
/**
 * Rows are read in pages sized by their text: a small first page measures the rows, later pages
 * aim at PAGE_BYTES. Most rows are a few hundred bytes, but a published manual version's snapshot
 * is megabytes, and a fixed 2,000-row page of those would hold gigabytes at once.
 */
const FIRST_PAGE_ROWS = 50;
const MAX_PAGE_ROWS = 5000;
const PAGE_BYTES = 4 << 20;

/** Accepts any Kysely over the app's schema (or an untyped one). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDb = Kysely<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTrx = Transaction<any> | Kysely<any>;

export type Value = string | number | boolean | null;

export interface ColumnInfo {
  name: string;
  /** format_type(): e.g. "integer", "character varying(40)", "text[]", "timestamp with time zone" */
  type: string;
  typeOid: number;
  collatable: boolean;
  identityAlways: boolean;
}

export interface ForeignKey {
  columns: string[];
  refTable: string;
  refColumns: string[];
}

export interface TableInfo {
  name: string;
  /** insertable columns (generated columns are left out: the target computes them) */
  columns: ColumnInfo[];
  primaryKey: string[];
  foreignKeys: ForeignKey[];
}

export interface SchemaInfo {
  schema: string;
  /** every base table of the schema except the migration lock table, in foreign-key-safe order */
  tables: TableInfo[];
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  schemaVersion: string;
  createdAt: string;
  backend: 'pglite' | 'postgres';
  serverVersion: string;
  tables: {
    name: string;
    columns: { name: string; type: string }[];
    primaryKey: string[];
    rowCount: number;
    /** serial/identity sequences: last value handed out (null if never used) */
    sequences: { column: string; lastValue: number | null }[];
  }[];
}

export interface TableSummary {
  name: string;
  rowCount: number;
  sha256: string;
}

export interface BackupTrailer {
  trailer: true;
  tables: TableSummary[];
}

export interface OpsProgress {
  phase: 'backup' | 'restore' | 'copy' | 'verify';
  table: string;
  /** rows of this table done so far */
  rows: number;
  /** rows of this table in total (from the header) */
  tableRows: number;
}
export type OnProgress = (progress: OpsProgress) => void;

export interface BackupResult {
  schemaVersion: string;
  tables: TableSummary[];
  totalRows: number;
}

// ── catalog ─────────────────────────────────────────────────────

const NATIVE_OIDS = new Set([16, 21, 23]); // bool, int2, int4: exact as JSON
const NUMERIC_OIDS = new Set([20, 1700, 700, 701]); // int8, numeric, float4, float8: number when exact

/** Tables, columns, keys and foreign keys of current_schema(), read from pg_catalog. */
export async function readSchema(db: AnyTrx): Promise<SchemaInfo> {
  const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s;
  if (!schema) throw new Error('no current schema (check search_path)');
  const cols = await sql<{
    table_name: string;
    column_name: string;
    type: string;
    type_oid: number;
    collatable: boolean;
    identity: string;
    generated: string;
  }>`
    select c.relname::text as table_name, a.attname::text as column_name,
           format_type(a.atttypid, a.atttypmod) as type, a.atttypid::int8 as type_oid,
           a.attcollation <> 0 as collatable, a.attidentity::text as identity, a.attgenerated::text as generated
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
       and c.relname <> ${MIGRATION_LOCK_TABLE}
     order by c.relname, a.attnum`.execute(db);
  const pks = await sql<{ table_name: string; columns: string[] }>`
    select c.relname::text as table_name,
           array(select a.attname::text from unnest(i.indkey::int2[]) with ordinality k(attnum, ord)
                   join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum order by k.ord) as columns
      from pg_index i
      join pg_class c on c.oid = i.indrelid
      join pg_namespace n on n.oid = c.relnamespace
     where i.indisprimary and n.nspname = current_schema()`.execute(db);
  const fks = await sql<{ table_name: string; ref_table: string; columns: string[]; ref_columns: string[] }>`
    select src.relname::text as table_name, dst.relname::text as ref_table,
           array(select a.attname::text from unnest(k.conkey) with ordinality u(attnum, ord)
                   join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum order by u.ord) as columns,
           array(select a.attname::text from unnest(k.confkey) with ordinality u(attnum, ord)
                   join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.attnum order by u.ord) as ref_columns
      from pg_constraint k
      join pg_class src on src.oid = k.conrelid
      join pg_namespace n on n.oid = src.relnamespace
      join pg_class dst on dst.oid = k.confrelid
      join pg_namespace dn on dn.oid = dst.relnamespace
     where k.contype = 'f' and n.nspname = current_schema() and dn.nspname = current_schema()
     order by k.conname`.execute(db);

  const byName = new Map<string, TableInfo>();
  for (const c of cols.rows) {
    let t = byName.get(c.table_name);
    if (!t) byName.set(c.table_name, (t = { name: c.table_name, columns: [], primaryKey: [], foreignKeys: [] }));
    if (c.generated) continue; // stored generated column: recomputed by the target
    t.columns.push({
      name: c.column_name,
      type: c.type,
      typeOid: Number(c.type_oid),
      collatable: c.collatable,
      identityAlways: c.identity === 'a',
    });
  }
  for (const pk of pks.rows) {
    const t = byName.get(pk.table_name);
    if (t) t.primaryKey = pk.columns;
  }
  for (const fk of fks.rows) {
    const t = byName.get(fk.table_name);
    if (t && byName.has(fk.ref_table)) t.foreignKeys.push({ columns: fk.columns, refTable: fk.ref_table, refColumns: fk.ref_columns });
  }
  return { schema, tables: foreignKeyOrder([...byName.values()]) };
}

/** Topological order: every table after the tables its foreign keys point to (self-references aside). */
export function foreignKeyOrder(tables: TableInfo[]): TableInfo[] {
  const remaining = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const order: TableInfo[] = [];
  while (remaining.size) {
    const ready = [...remaining.values()]
      .filter((t) => t.foreignKeys.every((fk) => fk.refTable === t.name || done.has(fk.refTable)))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (!ready.length) {
      throw new Error(`foreign keys form a cycle between tables ${[...remaining.keys()].sort().join(', ')}; cannot order them`);
    }
    for (const t of ready) {
      order.push(t);
      done.add(t.name);
      remaining.delete(t.name);
    }
  }
  return order;
}

/** The latest applied migration, or null when the schema has never been migrated. */
export async function schemaVersion(db: AnyTrx): Promise<string | null> {
  const exists = await sql<{ ok: boolean }>`
    select to_regclass(format('%I.%I', current_schema(), ${MIGRATION_TABLE}::text)) is not null as ok`.execute(db);
  if (!exists.rows[0]?.ok) return null;
  const { rows } = await sql<{ name: string }>`
    select name from ${sql.id(MIGRATION_TABLE)} order by name desc limit 1`.execute(db);
  return rows[0]?.name ?? null;
}

// ── reading rows ────────────────────────────────────────────────

/** Session settings that make the text output of every type deterministic. Call inside a transaction. */
export async function fixTextOutput(trx: AnyTrx): Promise<void> {
  await FIX_TEXT_OUTPUT.execute(trx);
}
export const FIX_TEXT_OUTPUT = sql`select set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true),
                 set_config('IntervalStyle', 'postgres', true), set_config('extra_float_digits', '1', true),
                 set_config('bytea_output', 'hex', true)`;

function decode(col: ColumnInfo, raw: unknown): Value {
  if (raw === null || raw === undefined) return null;
  if (NATIVE_OIDS.has(col.typeOid)) return raw as Value;
  const text = String(raw);
  if (NUMERIC_OIDS.has(col.typeOid)) {
    const n = Number(text);
    return Number.isFinite(n) && String(n) === text ? n : text;
  }
  return text;
}

/** A value as a parameter cast back to the column's type (the type comes from the catalog). */
export function castValue(type: string, value: Value): RawBuilder<unknown> {
  if (value === null) return sql`null`;
  return sql`cast(cast(${String(value)} as text) as ${sql.raw(type)})`;
}

/** A key column in the order backups read rows: text in the "C" collation, the same on every server. */
export function orderExpr(col: ColumnInfo): RawBuilder<unknown> {
  return col.collatable ? sql`${sql.id(col.name)} collate "C"` : sql`${sql.id(col.name)}`;
}

/** How many rows the next page should have, judging by the text size of the last one. */
function nextPageRows(rows: Value[][]): number {
  let bytes = 0;
  for (const r of rows) for (const v of r) bytes += typeof v === 'string' ? v.length + 3 : 8;
  return Math.max(1, Math.min(MAX_PAGE_ROWS, Math.floor((PAGE_BYTES * rows.length) / Math.max(1, bytes))));
}

/**
 * Every row of a table as canonical value arrays (in `columns` order), in primary-key order,
 * read in keyset-paged batches (see nextPageRows). Tables without a primary key are read through a cursor.
 */
export async function* tableRows(trx: AnyTrx, schema: string, table: TableInfo, columns: ColumnInfo[] = table.columns): AsyncGenerator<Value[][]> {
  const select = sql.join(
    columns.map((c, i) =>
      NATIVE_OIDS.has(c.typeOid) ? sql`${sql.id(c.name)} as ${sql.id(`c${i}`)}` : sql`${sql.id(c.name)}::text as ${sql.id(`c${i}`)}`,
    ),
  );
  const from = sql.id(schema, table.name);
  const toValues = (rows: Record<string, unknown>[]) => rows.map((r) => columns.map((c, i) => decode(c, r[`c${i}`])));

  if (!table.primaryKey.length) {
    const cursor = sql.id(`cb_rows_${table.name}`.slice(0, 60));
    const order = sql.join(
      columns.map((c) => (NATIVE_OIDS.has(c.typeOid) ? sql`${sql.id(c.name)}` : sql`${sql.id(c.name)}::text collate "C"`)),
    );
    await sql`declare ${cursor} no scroll cursor for select ${select} from ${from} order by ${order}`.execute(trx);
    try {
      for (let limit = FIRST_PAGE_ROWS; ; ) {
        const { rows } = await sql<Record<string, unknown>>`fetch forward ${sql.raw(String(limit))} from ${cursor}`.execute(trx);
        const page = toValues(rows);
        if (page.length) yield page;
        if (page.length < limit) break;
        limit = nextPageRows(page);
      }
    } finally {
      await sql`close ${cursor}`.execute(trx);
    }
    return;
  }

  const pkCols = table.primaryKey.map((name) => {
    const c = table.columns.find((col) => col.name === name);
    if (!c) throw new Error(`table ${table.name}: primary-key column ${name} not found`);
    return c;
  });
  // the key values of the last row, read as canonical text alongside the row
  const keySelect = sql.join(pkCols.map((c, i) => sql`${sql.id(c.name)}::text as ${sql.id(`k${i}`)}`));
  const order = sql.join(pkCols.map(orderExpr));
  let last: string[] | undefined;
  for (let limit = FIRST_PAGE_ROWS; ; ) {
    const where = last
      ? sql`where (${order}) > (${sql.join(pkCols.map((c, i) => castValue(c.type, last![i]!)))})`
      : sql``;
    const { rows } = await sql<Record<string, unknown>>`
      select ${select}, ${keySelect} from ${from} ${where} order by ${order} limit ${sql.raw(String(limit))}`.execute(trx);
    const page = toValues(rows);
    if (page.length) {
      const tail = rows[rows.length - 1]!;
      last = pkCols.map((_, i) => String(tail[`k${i}`]));
      yield page;
    }
    if (page.length < limit) break;
    limit = nextPageRows(page);
  }
}

export function rowLine(values: Value[]): string {
  return JSON.stringify(values);
}

/** sha256 and row count of each table as stored, recomputed from the database (in a consistent snapshot). */
export async function checksumTables(db: AnyDb): Promise<TableSummary[]> {
  return db.transaction().execute(async (trx) => {
    await sql`set transaction isolation level repeatable read, read only`.execute(trx);
    await fixTextOutput(trx);
    const info = await readSchema(trx);
    const out: TableSummary[] = [];
    for (const t of info.tables) out.push(await checksumTable(trx, info.schema, t));
    return out;
  });
}

export async function checksumTable(
  trx: AnyTrx,
  schema: string,
  table: TableInfo,
  columns?: ColumnInfo[],
  onRows?: (rows: number) => void,
): Promise<TableSummary> {
  const hash = createHash('sha256');
  let rowCount = 0;
  for await (const page of tableRows(trx, schema, table, columns)) {
    for (const v of page) hash.update(rowLine(v) + '\n');
    rowCount += page.length;
    onRows?.(rowCount);
  }
  return { name: table.name, rowCount, sha256: hash.digest('hex') };
}

// ── backup ──────────────────────────────────────────────────────

/** The serial/identity sequences of a table's columns and the last value each handed out. */
export async function sequencesOf(trx: AnyTrx, schema: string, table: TableInfo): Promise<{ column: string; lastValue: number | null }[]> {
  const out: { column: string; lastValue: number | null }[] = [];
  for (const c of table.columns) {
    const { rows } = await sql<{ seq: string | null; last: string | null }>`
      select s.seq, case when s.seq is null then null else pg_sequence_last_value(s.seq::regclass)::text end as last
        from (select pg_get_serial_sequence(format('%I.%I', ${schema}::text, ${table.name}::text), ${c.name}) as seq) s`.execute(trx);
    const r = rows[0];
    if (r?.seq) out.push({ column: c.name, lastValue: r.last === null ? null : Number(r.last) });
  }
  return out;
}

/**
 * Streams a consistent snapshot of the current schema to `out` (gzip JSON Lines, see above) and
 * ends it. Memory stays flat: rows are read and written a page at a time.
 */
export async function backupDatabase(db: AnyDb, out: Writable, onProgress?: OnProgress): Promise<BackupResult> {
  return streamBackup(
    db,
    async (pages) => {
      async function* chunks(): AsyncGenerator<Buffer> {
        for await (const lines of pages) yield Buffer.from(lines.join('\n') + '\n');
      }
      await pipeline(Readable.from(chunks()), createGzip(), out);
    },
    onProgress,
  );
}

/**
 * The lines of a consistent snapshot (header, rows, trailer; see above), a page at a time, handed
 * to `consume` inside the snapshot's transaction; `consume` must read them to the end.
 */
export async function streamBackup(
  db: AnyDb,
  consume: (pages: AsyncIterable<string[]>) => Promise<void>,
  onProgress?: OnProgress,
): Promise<BackupResult> {
  return db.transaction().execute(async (trx) => {
    await sql`set transaction isolation level repeatable read, read only`.execute(trx);
    await fixTextOutput(trx);
    const version = await schemaVersion(trx);
    if (!version) throw new Error('nothing to back up: this database has no ControlBook schema (no migrations applied)');
    const info = await readSchema(trx);
    const server = (await sql<{ v: string }>`select version() as v`.execute(trx)).rows[0]?.v ?? '';
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      schemaVersion: version,
      createdAt: new Date().toISOString(),
      backend: /PGlite|emscripten/i.test(server) ? 'pglite' : 'postgres',
      serverVersion: server,
      tables: [],
    };
    for (const t of info.tables) {
      const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.id(info.schema, t.name)}`.execute(trx);
      header.tables.push({
        name: t.name,
        columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
        primaryKey: t.primaryKey,
        rowCount: Number(rows[0]?.n ?? 0),
        sequences: await sequencesOf(trx, info.schema, t),
      });
    }

    const summaries: TableSummary[] = [];
    let complete = false;
    async function* pages(): AsyncGenerator<string[]> {
      yield [JSON.stringify(header)];
      for (const [index, t] of info.tables.entries()) {
        const hash: Hash = createHash('sha256');
        const tableRowsTotal = header.tables[index]!.rowCount;
        const prefix = `{"t":${JSON.stringify(t.name)},"v":`;
        let count = 0;
        onProgress?.({ phase: 'backup', table: t.name, rows: 0, tableRows: tableRowsTotal });
        for await (const page of tableRows(trx, info.schema, t)) {
          const lines = page.map((values) => {
            const line = rowLine(values);
            hash.update(line + '\n');
            return `${prefix}${line}}`;
          });
          count += page.length;
          onProgress?.({ phase: 'backup', table: t.name, rows: count, tableRows: tableRowsTotal });
          yield lines;
        }
        if (count !== tableRowsTotal) throw new Error(`table ${t.name} changed during the backup (${tableRowsTotal} → ${count} rows)`);
        summaries.push({ name: t.name, rowCount: count, sha256: hash.digest('hex') });
      }
      const trailer: BackupTrailer = { trailer: true, tables: summaries };
      yield [JSON.stringify(trailer)];
      complete = true;
    }

    await consume(pages());
    if (!complete) throw new Error('the backup was not read to its end');
    return { schemaVersion: version, tables: summaries, totalRows: summaries.reduce((n, s) => n + s.rowCount, 0) };
  });
}
