import { openDatabase, redactUrl, type Database } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { MIGRATION_TABLE, streamBackup, type BackupResult, type OnProgress } from './backup.ts';
import { restoreLines, type RestoreResult } from './restore.ts';

export interface MoveTableReport {
  name: string;
  sourceRows: number;
  targetRows: number;
  sourceSha256: string;
  targetSha256: string;
  /** rows and checksum equal (for kysely_migration: the same migrations applied) */
  equal: boolean;
}

export interface MoveResult {
  schemaVersion: string;
  tables: MoveTableReport[];
  totalRows: number;
}

/**
 * Copies the whole database (normally the embedded PGlite one) into the PostgreSQL database at
 * `targetUrl`: migrates the target, then streams the lines of a backup of the source straight into
 * a restore on the target (the same code paths and checks as a backup file: snapshot, target must
 * be empty, one transaction, checksums verified), only without the gzip step, as no file is written.
 * Logs one line per table and throws if anything differs.
 */
export async function moveToPostgres(
  source: Database,
  targetUrl: string,
  log: (line: string) => void,
  onProgress?: OnProgress,
): Promise<MoveResult> {
  const target = await openDatabase({ kind: 'postgres', url: targetUrl, poolSize: 2 });
  try {
    const applied = await migrateToLatest(target.db);
    log(`target ${redactUrl(targetUrl)}: ${applied.length ? `migrated (${applied.join(', ')})` : 'schema already up to date'}`);

    let restored: RestoreResult | undefined;
    const backup = await streamBackup(source.db, async (pages) => {
      restored = await restoreLines(target.db, readAhead(pages), onProgress);
    });
    const report = compare(backup, restored!);

    const width = Math.max(...report.tables.map((t) => t.name.length), 5);
    log(`${'table'.padEnd(width)}  ${'source'.padStart(8)}  ${'target'.padStart(8)}  checksum`);
    for (const t of report.tables) {
      const mark = t.equal ? (t.name === MIGRATION_TABLE ? '✓ (same migrations)' : '✓') : '✗ DIFFERENT';
      log(`${t.name.padEnd(width)}  ${String(t.sourceRows).padStart(8)}  ${String(t.targetRows).padStart(8)}  ${mark}`);
    }
    const bad = report.tables.filter((t) => !t.equal);
    if (bad.length) throw new Error(`the copy differs from the source in ${bad.map((t) => t.name).join(', ')}`);
    log(`${report.totalRows} rows in ${report.tables.length} tables copied and verified`);
    return report;
  } finally {
    await target.close();
  }
}

/**
 * Iterates `source` one item ahead: the source reads its next page while the target inserts this one.
 */
async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  // a read that fails while nobody awaits it yet must not count as an unhandled rejection
  const pull = () => {
    const p = it.next();
    p.catch(() => undefined);
    return p;
  };
  let next = pull();
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = pull();
      yield r.value;
    }
  } finally {
    // stopped early (the consumer failed): let the read in flight settle, then close the source
    await next.catch(() => undefined);
    await it.return?.();
  }
}

function compare(backup: BackupResult, restore: RestoreResult): MoveResult {
  const tables = backup.tables.map((s): MoveTableReport => {
    const t = restore.tables.find((r) => r.name === s.name);
    const targetRows = t?.rowCount ?? -1;
    const targetSha256 = t?.sha256 ?? '';
    const equal =
      s.name === MIGRATION_TABLE ? targetRows === s.rowCount : targetRows === s.rowCount && targetSha256 === s.sha256;
    return { name: s.name, sourceRows: s.rowCount, targetRows, sourceSha256: s.sha256, targetSha256, equal };
  });
  return { schemaVersion: backup.schemaVersion, tables, totalRows: backup.totalRows };
}
