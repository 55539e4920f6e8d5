import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  MIGRATION_TABLE,
  castValue,
  checksumTable,
  fixTextOutput,
  foreignKeyOrder,
  readSchema,
  rowLine,
  schemaVersion,
  type AnyDb,
  type AnyTrx,
  type BackupHeader,
  type BackupTrailer,
  type ColumnInfo,
  type OnProgress,
  type TableInfo,
  type TableSummary,
  type Value,
} from './backup.ts';
import { BackupFileError, readLines, type BackupLimits } from './backup-lines.ts';

export { BackupFileError, BackupLimitError, BACKUP_LIMITS, type BackupLimits } from './backup-lines.ts';

export interface RestoredTable extends TableSummary {
  /** rows inserted (the rest were already there: migration bookkeeping) */
  restored: number;
  skipped: number;
  /** what was compared after loading: full checksum, or for kysely_migration the migration names */
  verified: 'checksum' | 'migration-names';
}

export interface RestoreResult {
  schemaVersion: string;
  backupCreatedAt: string;
  tables: RestoredTable[];
  totalRows: number;
}

// ── reading the file ────────────────────────────────────────────

function parseLine(line: string, lineNo: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new BackupFileError(`the backup file is corrupt: line ${lineNo} is not valid JSON`);
  }
}

function parseHeader(value: unknown): BackupHeader {
  const h = value as Partial<BackupHeader> | null;
  if (!h || typeof h !== 'object' || h.format !== BACKUP_FORMAT) {
    throw new BackupFileError('not a ControlBook backup file (the first line is not a controlbook-backup header)');
  }
  if (h.formatVersion !== BACKUP_FORMAT_VERSION) {
    throw new BackupFileError(
      `backup format version ${String(h.formatVersion)} is not supported (this ControlBook reads version ${BACKUP_FORMAT_VERSION})`,
    );
  }
  const tablesOk =
    Array.isArray(h.tables) &&
    h.tables.every(
      (t) =>
        t && typeof t.name === 'string' && Array.isArray(t.columns) && Number.isInteger(t.rowCount) &&
        t.columns.every((c) => c && typeof c.name === 'string' && typeof c.type === 'string') &&
        (t.sequences === undefined || Array.isArray(t.sequences)),
    );
  if (typeof h.schemaVersion !== 'string' || !tablesOk) {
    throw new BackupFileError('the backup header is malformed (schemaVersion or tables missing)');
  }
  return h as BackupHeader;
}

// ── loading ─────────────────────────────────────────────────────

interface SelfReference {
  fkIdx: number[];
  refIdx: number[];
}

/** A row's values and their canonical JSON (rowLine), which is both hashed and sent to the database. */
interface Row {
  v: Value[];
  line: string;
}

/** Rows per INSERT: at most this many, and about this much JSON (rows can be megabytes). */
const BATCH_ROWS = 5000;
const BATCH_BYTES = 4 << 20;

/** One table being loaded: batches rows, holds back rows whose parent (same table) is not in yet. */
class TableLoad {
  readonly hash: Hash = createHash('sha256');
  count = 0;
  restored = 0;
  skipped = 0;
  private batch: Row[] = [];
  private batchBytes = 0;
  private readonly selfRefs: SelfReference[];
  private readonly present: Set<string>[];
  private readonly pending = new Map<string, Row[]>();
  private pendingCount = 0;

  constructor(
    private readonly trx: AnyTrx,
    private readonly schema: string,
    readonly table: TableInfo,
    /** target columns in the backup's column order */
    readonly columns: ColumnInfo[],
    readonly expectedRows: number,
    private readonly existingMigrations: Set<string> | undefined,
    private readonly onProgress?: OnProgress,
  ) {
    const idx = (name: string) => columns.findIndex((c) => c.name === name);
    this.selfRefs = table.foreignKeys
      .filter((fk) => fk.refTable === table.name)
      .map((fk) => ({ fkIdx: fk.columns.map(idx), refIdx: fk.refColumns.map(idx) }));
    this.present = this.selfRefs.map(() => new Set<string>());
  }

  async add(values: Value[]): Promise<void> {
    const line = rowLine(values);
    this.hash.update(line + '\n');
    this.count++;
    if (this.existingMigrations) {
      const name = values[this.columns.findIndex((c) => c.name === 'name')];
      if (typeof name === 'string' && this.existingMigrations.has(name)) {
        this.skipped++;
        return;
      }
      throw new Error(
        `the backup records migration ${String(name)}, which this database has not applied: it was made with a different set of migrations`,
      );
    }
    if (!this.selfRefs.length) {
      this.queue({ v: values, line });
    } else {
      this.accept({ v: values, line });
    }
    if (this.batch.length >= BATCH_ROWS || this.batchBytes >= BATCH_BYTES) await this.flush();
  }

  private queue(row: Row): void {
    this.batch.push(row);
    this.batchBytes += row.line.length;
  }

  /** Parents before children: a row waits until the row it points to (same table) has been queued. */
  private accept(row: Row): void {
    const queue = [row];
    while (queue.length) {
      const r = queue.pop()!;
      const missing = this.missingParent(r);
      if (missing) {
        const waiting = this.pending.get(missing);
        if (waiting) waiting.push(r);
        else this.pending.set(missing, [r]);
        this.pendingCount++;
        continue;
      }
      this.queue(r);
      this.selfRefs.forEach((ref, i) => {
        const key = `${i}:${JSON.stringify(ref.refIdx.map((j) => r.v[j]))}`;
        this.present[i]!.add(key);
        const released = this.pending.get(key);
        if (released) {
          this.pending.delete(key);
          this.pendingCount -= released.length;
          queue.push(...released);
        }
      });
    }
  }

  /**
   * Rows still waiting point at each other in a cycle (e.g. a ↔ b through a self-reference the
   * application created with an update). If every parent they wait for is among them, insert them
   * with those references empty, then set the references: the same rows, FK-valid at every step.
   */
  private async insertCycles(): Promise<void> {
    const waiting = [...this.pending.values()].flat();
    const ownKeys = new Set(waiting.flatMap((r) => this.selfRefs.map((ref, i) => `${i}:${JSON.stringify(ref.refIdx.map((j) => r.v[j]))}`)));
    if ([...this.pending.keys()].some((k) => !ownKeys.has(k))) return; // a parent really is missing
    const pkIdx = this.table.primaryKey.map((name) => this.columns.findIndex((c) => c.name === name));
    if (!pkIdx.length || pkIdx.some((i) => i < 0)) return;
    const fkCols = new Set(this.selfRefs.flatMap((ref) => ref.fkIdx));
    for (const r of waiting) {
      const v = r.v.map((x, i) => (fkCols.has(i) ? null : x));
      this.queue({ v, line: rowLine(v) });
    }
    await this.flush();
    for (const { v: r } of waiting) {
      const set = [...fkCols].map((i) => sql`${sql.id(this.columns[i]!.name)} = ${castValue(this.columns[i]!.type, r[i]!)}`);
      const where = pkIdx.map((i) => sql`${sql.id(this.columns[i]!.name)} = ${castValue(this.columns[i]!.type, r[i]!)}`);
      await sql`update ${sql.id(this.schema, this.table.name)} set ${sql.join(set)} where ${sql.join(where, sql` and `)}`.execute(this.trx);
    }
    this.pending.clear();
    this.pendingCount = 0;
  }

  private missingParent({ v: r }: Row): string | undefined {
    for (const [i, ref] of this.selfRefs.entries()) {
      const fk = ref.fkIdx.map((j) => r[j]);
      if (fk.some((v) => v === null)) continue;
      const key = `${i}:${JSON.stringify(fk)}`;
      const own = `${i}:${JSON.stringify(ref.refIdx.map((j) => r[j]))}`;
      if (key !== own && !this.present[i]!.has(key)) return key;
    }
    return undefined;
  }

  async flush(): Promise<void> {
    const cols = this.columns;
    const overriding = cols.some((c) => c.identityAlways) ? sql`overriding system value` : sql``;
    // The batch is one parameter, the rows' JSON as a jsonb array, cast to the column types on the
    // server (text → type, as castValue does): binding a parameter per value was far slower.
    const casts = sql.join(cols.map((c, i) => sql`(r->>${sql.raw(String(i))})::${sql.raw(c.type)}`));
    // a released chain of held-back rows can exceed one batch: split it
    while (this.batch.length) {
      let n = 0;
      for (let bytes = 0; n < this.batch.length && n < BATCH_ROWS && bytes < BATCH_BYTES; n++) bytes += this.batch[n]!.line.length;
      const rows = this.batch.splice(0, n);
      await sql`insert into ${sql.id(this.schema, this.table.name)} (${sql.join(cols.map((c) => sql.id(c.name)))}) ${overriding}
        select ${casts} from jsonb_array_elements(${`[${rows.map((r) => r.line).join(',')}]`}::jsonb) as e(r)`
        .execute(this.trx)
        .catch((err: unknown) => {
          // Values our own backup wrote always fit the schema it records; a value the database refuses
          // (class 22 data exception, 23 constraint) comes from a damaged file whose gzip checksum
          // (at its end) and table checksums (in the trailer) are still ahead.
          const code = String((err as { code?: unknown }).code ?? '');
          if (code.startsWith('22') || code.startsWith('23')) {
            throw new BackupFileError(`the backup file is corrupt: table ${this.table.name} holds a value the database refuses (${(err as Error).message})`);
          }
          throw err;
        });
      this.restored += rows.length;
      this.onProgress?.({ phase: 'restore', table: this.table.name, rows: this.restored + this.skipped, tableRows: this.expectedRows });
    }
    this.batchBytes = 0;
  }

  async finish(): Promise<void> {
    await this.flush();
    if (this.pendingCount) await this.insertCycles();
    if (this.pendingCount) {
      throw new BackupFileError(
        `the backup file is inconsistent: ${this.pendingCount} row(s) of ${this.table.name} point to parent rows that are not in the backup`,
      );
    }
    if (this.count !== this.expectedRows) {
      throw new BackupFileError(
        `the backup file is corrupt: table ${this.table.name} has ${this.count} rows, its header says ${this.expectedRows}`,
      );
    }
  }
}

/** Header tables matched to the target's tables; refuses any difference in tables or columns. */
export function matchSchema(header: { tables: Pick<BackupHeader['tables'][number], 'name' | 'columns'>[] }, tables: TableInfo[]): Map<string, { table: TableInfo; columns: ColumnInfo[] }> {
  const target = new Map(tables.map((t) => [t.name, t]));
  const plan = new Map<string, { table: TableInfo; columns: ColumnInfo[] }>();
  for (const ht of header.tables) {
    const t = target.get(ht.name);
    if (!t) throw new Error(`schema mismatch: the backup has table ${ht.name}, the target database does not`);
    const columns = ht.columns.map((hc) => {
      const c = t.columns.find((col) => col.name === hc.name);
      if (!c) throw new Error(`schema mismatch: the backup has column ${ht.name}.${hc.name}, the target database does not`);
      if (c.type !== hc.type) throw new Error(`schema mismatch: column ${ht.name}.${hc.name} is ${hc.type} in the backup, ${c.type} in the target`);
      return c;
    });
    const extra = t.columns.find((c) => !ht.columns.some((hc) => hc.name === c.name));
    if (extra) throw new Error(`schema mismatch: column ${t.name}.${extra.name} is not in the backup`);
    plan.set(ht.name, { table: t, columns });
  }
  const missing = tables.find((t) => !plan.has(t.name));
  if (missing) throw new Error(`schema mismatch: table ${missing.name} is not in the backup`);
  return plan;
}

/** Disable/enable the schema's own triggers (not the foreign-key ones) of every table; needs table ownership only. */
export async function setUserTriggers(trx: AnyTrx, schema: string, tables: TableInfo[], enabled: boolean): Promise<void> {
  for (const t of tables) {
    await sql`alter table ${sql.id(schema, t.name)} ${sql.raw(enabled ? 'enable' : 'disable')} trigger user`.execute(trx);
  }
}

/**
 * Every data table must be empty. Rows that the migrations themselves inserted (reference data such
 * as the built-in duty categories; they share a transaction id with a kysely_migration row) don't
 * count: they are removed and come back from the backup, so the target ends up an exact copy.
 */
export async function requireEmpty(trx: AnyTrx, schema: string, tables: TableInfo[], replace: boolean): Promise<void> {
  if (replace) {
    // children first; whatever fails later rolls this back too
    for (const t of foreignKeyOrder(tables.filter((x) => x.name !== MIGRATION_TABLE)).reverse()) {
      await sql`delete from ${sql.id(schema, t.name)}`.execute(trx);
    }
    return;
  }
  const seeded: TableInfo[] = [];
  for (const t of tables) {
    if (t.name === MIGRATION_TABLE) continue;
    const from = sql.id(schema, t.name);
    const { rows } = await sql<{ any_rows: boolean; own_rows: boolean }>`
      select exists (select 1 from ${from}) as any_rows,
             exists (select 1 from ${from} as t
                      where not exists (select 1 from ${sql.id(schema, MIGRATION_TABLE)} as m where m.xmin = t.xmin)) as own_rows`.execute(trx);
    if (rows[0]?.own_rows) {
      throw new Error(
        `the target database is not empty: table ${t.name} has rows. Restore needs a freshly migrated database without data`,
      );
    }
    if (rows[0]?.any_rows) seeded.push(t);
  }
  for (const t of seeded.reverse()) await sql`delete from ${sql.id(schema, t.name)}`.execute(trx);
}

export async function resetSequences(
  trx: AnyTrx,
  schema: string,
  header: { tables: Pick<BackupHeader['tables'][number], 'name' | 'sequences'>[] },
  plan: Map<string, { table: TableInfo }>,
) {
  for (const ht of header.tables) {
    const { table } = plan.get(ht.name)!;
    for (const c of table.columns) {
      const { rows } = await sql<{ seq: string | null }>`
        select pg_get_serial_sequence(format('%I.%I', ${schema}::text, ${table.name}::text), ${c.name}) as seq`.execute(trx);
      const seq = rows[0]?.seq;
      if (!seq) continue;
      const fromBackup = ht.sequences?.find((s) => s.column === c.name)?.lastValue ?? 0;
      await sql`
        select setval(${seq}::regclass, v, true)
          from (select greatest(coalesce((select max(${sql.id(c.name)}) from ${sql.id(schema, table.name)}), 0),
                                ${String(fromBackup)}::bigint,
                                coalesce(pg_sequence_last_value(${seq}::regclass), 0)) as v) s
         where v >= 1`.execute(trx);
    }
  }
}

export interface RestoreOptions {
  /**
   * Instead of refusing a database that holds data, delete all of it first — inside the same
   * transaction, so a failed restore leaves the old data exactly as it was (the admin page's
   * "restore over this installation").
   */
  replace?: boolean;
  /** bounds against crafted files (gzip bombs); default BACKUP_LIMITS */
  limits?: BackupLimits;
}

/** Restores a backup file (gzip JSON Lines); see restoreLines. */
export async function restoreDatabase(db: AnyDb, input: Readable, onProgress?: OnProgress, options: RestoreOptions = {}): Promise<RestoreResult> {
  try {
    return await restoreLines(db, readLines(input, options.limits), onProgress, options);
  } finally {
    if (!input.readableEnded) input.destroy();
  }
}

async function* eachLine(pages: AsyncIterable<string[]>): AsyncGenerator<string> {
  for await (const page of pages) yield* page;
}

/**
 * Loads the lines of a backup into this database, in one transaction. The target must be migrated
 * to exactly the backup's schema version and hold no data. Rows go in foreign-key order (parents
 * before children within self-referencing tables), in batches; sequences are moved past the
 * restored ids; every table is then re-read and checked against the backup's checksums. Any
 * problem rolls everything back.
 */
export async function restoreLines(db: AnyDb, pages: AsyncIterable<string[]>, onProgress?: OnProgress, options: RestoreOptions = {}): Promise<RestoreResult> {
  const lines = eachLine(pages);
  try {
    const first = await lines.next();
    if (first.done) throw new BackupFileError('the backup file is empty');
    const header = parseHeader(parseLine(first.value, 1));

    return await db.transaction().execute(async (trx) => {
      await fixTextOutput(trx);
      const targetVersion = await schemaVersion(trx);
      if (!targetVersion) throw new Error('the target database has no ControlBook schema yet: migrate it first');
      if (targetVersion !== header.schemaVersion) {
        throw new Error(
          `schema version mismatch: the backup was made at schema version ${header.schemaVersion}, ` +
            `the target database is at ${targetVersion}. Restore with the ControlBook version that made the backup`,
        );
      }
      const { schema, tables } = await readSchema(trx);
      const plan = matchSchema(header, tables);
      // the data is restored as it was: guard triggers (append-only trail, builtin duties, signed-off
      // audits) would refuse re-creating history; they are off only inside this transaction
      await setUserTriggers(trx, schema, tables, false);
      await requireEmpty(trx, schema, tables, options.replace === true);
      const existingMigrations = new Set(
        (await sql<{ name: string }>`select name from ${sql.id(schema, MIGRATION_TABLE)}`.execute(trx)).rows.map((r) => r.name),
      );
      const expected = new Map(header.tables.map((t) => [t.name, t.rowCount]));

      const loaded = new Map<string, TableLoad>();
      let current: TableLoad | undefined;
      let trailer: BackupTrailer | undefined;
      let lineNo = 1;
      const start = (name: string): TableLoad => {
        const entry = plan.get(name);
        if (!entry) throw new BackupFileError(`the backup file is corrupt: rows for unknown table ${name}`);
        if (loaded.has(name)) throw new BackupFileError(`the backup file is corrupt: rows of table ${name} are not contiguous`);
        for (const fk of entry.table.foreignKeys) {
          if (fk.refTable !== name && !loaded.has(fk.refTable) && (expected.get(fk.refTable) ?? 0) > 0) {
            throw new BackupFileError(`the backup file is out of order: ${name} comes before ${fk.refTable}, which it references`);
          }
        }
        const load = new TableLoad(
          trx,
          schema,
          entry.table,
          entry.columns,
          expected.get(name) ?? 0,
          name === MIGRATION_TABLE ? existingMigrations : undefined,
          onProgress,
        );
        loaded.set(name, load);
        return load;
      };

      for await (const line of lines) {
        lineNo++;
        if (!line) continue;
        const obj = parseLine(line, lineNo) as { t?: unknown; v?: unknown; trailer?: unknown; tables?: unknown };
        if (trailer) throw new BackupFileError(`the backup file is corrupt: data after the trailer (line ${lineNo})`);
        if (obj && obj.trailer === true) {
          if (!Array.isArray(obj.tables)) throw new BackupFileError('the backup trailer is malformed');
          trailer = obj as BackupTrailer;
          await current?.finish();
          current = undefined;
          continue;
        }
        if (!obj || typeof obj.t !== 'string' || !Array.isArray(obj.v)) {
          throw new BackupFileError(`the backup file is corrupt: line ${lineNo} is not a row`);
        }
        if (current?.table.name !== obj.t) {
          await current?.finish();
          current = start(obj.t);
        }
        const values = obj.v as unknown[];
        if (values.length !== current.columns.length || !values.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
          throw new BackupFileError(`the backup file is corrupt: line ${lineNo} does not match the columns of ${obj.t}`);
        }
        await current.add(values as Value[]);
      }
      if (!trailer) throw new BackupFileError('the backup file is truncated: it ends before its trailer line');

      // the file against its own trailer
      for (const ht of header.tables) {
        const load = loaded.get(ht.name);
        const fileSha = load ? load.hash.digest('hex') : createHash('sha256').digest('hex');
        const count = load?.count ?? 0;
        if (!load && ht.rowCount !== 0) throw new BackupFileError(`the backup file is corrupt: rows of table ${ht.name} are missing`);
        const t = trailer.tables.find((s) => s.name === ht.name);
        if (!t || t.rowCount !== count || t.sha256 !== fileSha) {
          throw new BackupFileError(`the backup file is corrupt: table ${ht.name} does not match the checksum in its trailer`);
        }
      }

      await resetSequences(trx, schema, header, plan);
      await setUserTriggers(trx, schema, tables, true);

      // what is now in the database against the backup
      const result: RestoredTable[] = [];
      for (const ht of header.tables) {
        const { table, columns } = plan.get(ht.name)!;
        const load = loaded.get(ht.name);
        const expectedSummary = trailer.tables.find((s) => s.name === ht.name)!;
        const actual = await checksumTable(trx, schema, table, columns, (rows) =>
          onProgress?.({ phase: 'verify', table: table.name, rows, tableRows: ht.rowCount }),
        );
        const isMigrations = ht.name === MIGRATION_TABLE;
        // kysely_migration keeps the target's own rows (and timestamps): the applied names must match
        if (!isMigrations && (actual.rowCount !== expectedSummary.rowCount || actual.sha256 !== expectedSummary.sha256)) {
          throw new Error(
            `verification failed for table ${ht.name}: expected ${expectedSummary.rowCount} rows (sha256 ${expectedSummary.sha256.slice(0, 12)}…), ` +
              `found ${actual.rowCount} (sha256 ${actual.sha256.slice(0, 12)}…); nothing was restored`,
          );
        }
        if (isMigrations && actual.rowCount < expectedSummary.rowCount) {
          throw new Error(`verification failed for ${ht.name}: the target has fewer applied migrations than the backup`);
        }
        result.push({
          ...actual,
          restored: load?.restored ?? 0,
          skipped: load?.skipped ?? 0,
          verified: isMigrations ? 'migration-names' : 'checksum',
        });
      }
      return {
        schemaVersion: header.schemaVersion,
        backupCreatedAt: header.createdAt,
        tables: result,
        totalRows: result.reduce((n, t) => n + t.restored, 0),
      };
    });
  } finally {
    await lines.return(undefined);
  }
}
