import fs from 'node:fs';
import type { Command } from 'commander';
import { readConfig } from '../config.ts';
import { openConfiguredDatabase } from '../db/open-from-config.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { redactUrl, type Database } from '../db/connect.ts';
import { backupDatabase, type OnProgress } from './backup.ts';
import { restoreDatabase } from './restore.ts';
import { moveToPostgres } from './move-to-postgres.ts';

/** Progress on stderr: an updating line on a terminal, one line per finished table otherwise. */
function progressReporter(): { onProgress: OnProgress; done(): void } {
  const tty = process.stderr.isTTY;
  let lastTable = '';
  let lastPrint = 0;
  let pendingLine = '';
  const verbs = { backup: 'backing up', restore: 'restoring', copy: 'copying', verify: 'verifying' } as const;
  return {
    onProgress(p) {
      const line = `${verbs[p.phase]} ${p.table}: ${p.rows}/${p.tableRows} rows`;
      if (tty) {
        const now = Date.now();
        if (p.table !== lastTable || p.rows === p.tableRows || now - lastPrint > 200) {
          process.stderr.write(`\r\x1b[K${line}`);
          lastPrint = now;
        }
      } else if (p.table !== lastTable && pendingLine) {
        process.stderr.write(`${pendingLine}\n`);
      }
      lastTable = p.table;
      pendingLine = line;
    },
    done() {
      if (tty) process.stderr.write('\r\x1b[K');
      else if (pendingLine) process.stderr.write(`${pendingLine}\n`);
      pendingLine = '';
    },
  };
}

async function withOpened<T>(migrate: boolean, fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openConfiguredDatabase(readConfig());
  try {
    if (migrate) await migrateToLatest(database.db);
    return await fn(database);
  } finally {
    await database.close();
  }
}

/** `backup -o FILE`, `restore FILE`, `move-to-postgres DATABASE_URL`. Errors are thrown as plain messages. */
export function registerOpsCommands(program: Command): void {
  program
    .command('backup')
    .description('write a consistent, compressed snapshot of the whole database to FILE ("-" for stdout)')
    .requiredOption('-o, --output <file>', 'backup file to write, e.g. before.cbk')
    .action(async (opts: { output: string }) => {
      const toStdout = opts.output === '-';
      const partial = `${opts.output}.partial`;
      const progress = progressReporter();
      // no migration: a backup records the database as it is (e.g. before an upgrade)
      const result = await withOpened(false, async ({ db }) => {
        const out = toStdout ? process.stdout : fs.createWriteStream(partial, { flags: 'wx' });
        try {
          return await backupDatabase(db, out, progress.onProgress);
        } catch (err) {
          if (!toStdout) fs.rmSync(partial, { force: true });
          throw err;
        } finally {
          progress.done();
        }
      }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EEXIST') throw new Error(`${partial} exists (another backup running?); remove it and retry`);
        throw err;
      });
      if (!toStdout) fs.renameSync(partial, opts.output);
      console.error(
        `backup ${toStdout ? 'written to stdout' : `written to ${opts.output}`}: ${result.tables.length} tables, ` +
          `${result.totalRows} rows, schema version ${result.schemaVersion}`,
      );
    });

  program
    .command('restore')
    .description('load a backup FILE ("-" for stdin) into this database, which must be freshly migrated and empty')
    .argument('<file>')
    .action(async (file: string) => {
      if (file !== '-' && !fs.existsSync(file)) throw new Error(`backup file not found: ${file}`);
      const progress = progressReporter();
      const result = await withOpened(true, async ({ db }) => {
        const input = file === '-' ? process.stdin : fs.createReadStream(file);
        try {
          return await restoreDatabase(db, input, progress.onProgress);
        } finally {
          progress.done();
        }
      });
      console.log(
        `restored ${result.totalRows} rows into ${result.tables.length} tables (schema version ${result.schemaVersion}, ` +
          `backup of ${result.backupCreatedAt}); every table verified against the backup's checksums`,
      );
    });

  program
    .command('move-to-postgres')
    .description('copy the embedded database (DATA_DIR) into an empty PostgreSQL database and verify the copy')
    .argument('<database_url>', 'postgres://user@host:5432/db')
    .action(async (url: string) => {
      if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('the target must be a postgres:// or postgresql:// URL');
      const config = readConfig();
      if (config.databaseUrl) {
        throw new Error(
          'DATABASE_URL is set, so ControlBook already uses PostgreSQL; move-to-postgres copies the embedded database ' +
            '(unset DATABASE_URL, and set DATA_DIR if the data is not in ./data)',
        );
      }
      const progress = progressReporter();
      await withOpened(true, async (source) => {
        try {
          await moveToPostgres(source, url, (line) => {
            progress.done();
            console.log(line);
          }, progress.onProgress);
        } finally {
          progress.done();
        }
      });
      console.log(`\nDone. Start ControlBook on PostgreSQL with DATABASE_URL=${redactUrl(url)}`);
    });
}
