import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { readConfig } from '../config.ts';
import { openConfiguredDatabase } from '../db/open-from-config.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { Database } from '../db/connect.ts';
import { LOCALES, type Locale } from '../../shared/auth.ts';
import { isoDate } from '../../shared/org.ts';
import { sodFindings, authorityFindings, type Finding } from './findings.ts';
import { importApprovalsFile } from './import-approvals.ts';

/**
 * Nightly monitoring from the shell: `check-sod`, `check-authority` and `import-approvals`. A
 * scheduler reads the exit code — 0 nothing open, 3 open violations, 1 an error — and, with
 * --json, one array of findings it can forward as it is.
 */
export const EXIT_OPEN = 3;

async function withDatabase<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openConfiguredDatabase(readConfig());
  try {
    await migrateToLatest(database.db);
    return await fn(database);
  } finally {
    await database.close();
  }
}

function date(option: string, value: string | undefined): string | undefined {
  if (value == null) return undefined;
  const parsed = isoDate.safeParse(value);
  if (!parsed.success) throw new Error(`${option}: not a date (YYYY-MM-DD): ${value}`);
  return parsed.data;
}

function report<F extends Finding>(findings: F[], json: boolean, label: (f: F) => string, emptyText: string) {
  if (json) console.log(JSON.stringify(findings, null, 2));
  else if (!findings.length) console.log(emptyText);
  else for (const f of findings) console.log(label(f));
}

const langOption = () => new Option('--lang <lang>', 'language of the detail text').choices(LOCALES).default('zh-CN');

export function registerMonitoringCommands(program: Command): void {
  program
    .command('check-sod')
    .description('incompatible-duty conflicts as of a date (exit 3 when any is open, 0 when none)')
    .option('--as-of <date>', 'the date to check (default: today)')
    .option('--json', 'print a JSON array of findings')
    .addOption(langOption())
    .action((opts: { asOf?: string; json?: boolean; lang: Locale }) =>
      withDatabase(async ({ db }) => {
        const findings = await sodFindings(db, { asOf: date('--as-of', opts.asOf), locale: opts.lang });
        report(findings, !!opts.json, (f) => `[${f.status}] ${f.risk} ${f.kind}: ${f.detail}`, 'no conflicts');
        process.exitCode = findings.some((f) => f.status === 'open') ? EXIT_OPEN : 0;
      }),
    );

  program
    .command('check-authority')
    .description('approval records against the authority rules (exit 3 when violations are found, 0 when none)')
    .option('--matter <code>', 'only this approval matter')
    .option('--from <date>', 'approved on or after')
    .option('--to <date>', 'approved on or before')
    .option('--json', 'print a JSON array of findings')
    .addOption(langOption())
    .action((opts: { matter?: string; from?: string; to?: string; json?: boolean; lang: Locale }) =>
      withDatabase(async ({ db }) => {
        const findings = await authorityFindings(db, { matterCode: opts.matter, from: date('--from', opts.from), to: date('--to', opts.to), locale: opts.lang });
        report(findings, !!opts.json, (f) => `${f.severity} ${f.kind}: ${f.detail}`, 'no violations');
        process.exitCode = findings.length ? EXIT_OPEN : 0;
      }),
    );

  program
    .command('import-approvals')
    .description('import approval records from .csv (UTF-8 or GB18030) or .xlsx, all or nothing; exit 3 when the records break authority rules')
    .argument('<file>')
    .option('--dry-run', 'check every row, write nothing')
    .option('--json', 'print the result as JSON')
    .addOption(langOption())
    .action((file: string, opts: { dryRun?: boolean; json?: boolean; lang: Locale }) =>
      withDatabase(async ({ db }) => {
        if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
        const { result, violations } = await importApprovalsFile(db, { file, dryRun: !!opts.dryRun, locale: opts.lang });
        if (opts.json) console.log(JSON.stringify({ ...result, violations }, null, 2));
        else {
          console.log(`${path.basename(file)}: ${result.rows} rows, ${result.valid} valid, ${result.errorCount} with errors${result.committed ? `, ${result.inserted} imported` : opts.dryRun ? ' (dry run: nothing written)' : ''}`);
          for (const e of result.errors) console.log(`  row ${e.row}${e.field ? ` (${e.field})` : ''}: ${e.message}`);
          if (result.message) console.log(result.message);
          for (const v of violations) console.log(`  ${v.severity} ${v.kind}: ${v.detail}`);
        }
        process.exitCode = result.errorCount > 0 ? 1 : violations.length ? EXIT_OPEN : 0;
      }),
    );
}
