import { PassThrough } from 'node:stream';
import { openDatabase, redactUrl, type Database } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { MIGRATION_TABLE, backupDatabase, type BackupResult, type OnProgress } from './backup.ts';
import { restoreDatabase, type RestoreResult } from './restore.ts';

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
 * `targetUrl`: migrates the target, then streams a backup of the source straight into a restore
 * on the target (the same code paths, same checks: target must be empty, one transaction, checksums
 * verified). Logs one line per table and throws if anything differs.
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

    const pipe = new PassThrough();
    let firstFailure: unknown;
    const note = (err: unknown) => {
      firstFailure ??= err;
      pipe.destroy(); // unblock the other side
      throw err;
    };
    const [backup, restore] = await Promise.allSettled([
      backupDatabase(source.db, pipe).catch(note),
      restoreDatabase(target.db, pipe, onProgress).catch(note),
    ]);
    if (backup.status === 'rejected' || restore.status === 'rejected') throw firstFailure;
    const report = compare(backup.value, restore.value);

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
