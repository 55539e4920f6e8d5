import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { readConfig } from '../config.ts';
import { openConfiguredDatabase } from '../db/open-from-config.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { Trail } from '../audit/trail.ts';
import { AppErrorCause } from '../errors.ts';
import { translate } from '../i18n.ts';
import { flattenImported } from '../../shared/outline-import.ts';
import { insertImported, parseText } from './import.ts';
import { createManual } from './service.ts';

/** A domain error (message key) as plain English for the terminal. */
function cliMessage(err: unknown): string {
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof AppErrorCause) return translate('en', cause.key, cause.params);
  return err instanceof Error ? err.message : String(err);
}

/**
 * `npx controlbook import FILE [--manual CODE] [--dry-run] [--json]`: parse a regulation or table of
 * contents into an outline; unless --dry-run, append it to manual CODE (created if missing, code
 * defaulting to the file name).
 */
export function registerImportCommand(program: Command) {
  program
    .command('import')
    .description('import a regulation or table of contents (UTF-8 text) into a manual')
    .argument('<file>', 'text file')
    .option('--manual <code>', 'manual to append to (created if missing; default: from the file name)')
    .option('--dry-run', 'only parse and show the outline; write nothing')
    .option('--json', 'print the outline as JSON: [{kind, number, title, depth}]')
    .action(async (file: string, opts: { manual?: string; dryRun?: boolean; json?: boolean }) => {
      if (!fs.existsSync(file)) throw new Error(`file not found: ${file}`);
      const text = fs.readFileSync(file, 'utf8');
      let parsed;
      try {
        parsed = parseText(text);
      } catch (err) {
        throw new Error(cliMessage(err));
      }
      const outline = flattenImported(parsed.nodes).map(({ kind, number, title, depth }) => ({ kind, number, title, depth }));
      const code =
        opts.manual ?? (path.basename(file).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'IMPORTED');
      let inserted = 0;
      if (!opts.dryRun) {
        if (parsed.format === 'none') throw new Error(translate('en', 'errors.outline.importNoStructure'));
        const database = await openConfiguredDatabase(readConfig());
        try {
          await migrateToLatest(database.db);
          inserted = await database.db.transaction().execute(async (trx) => {
            const trail = new Trail(trx, { userId: null, username: 'cli' });
            const existing = await trx.selectFrom('manual').select('id').where('code', '=', code).executeTakeFirst();
            const manualId =
              existing?.id ??
              (await createManual(trx, trail, {
                code,
                title: path.basename(file),
                numberingStyle: parsed.format === 'regulation' ? 'regulation' : 'decimal',
              })).id;
            const n = await insertImported(trx, manualId, parsed.nodes);
            await trail.record({ entity: 'manual', entityId: manualId, action: 'import', after: { file: path.basename(file), inserted: n, stats: parsed.stats } });
            return n;
          });
        } finally {
          await database.close();
        }
      }
      if (opts.json) {
        console.log(JSON.stringify(opts.dryRun ? outline : { manual: code, inserted, format: parsed.format, outline }, null, 2));
        return;
      }
      for (const n of outline) console.log(`${'  '.repeat(n.depth)}${n.number} ${n.title}  [${n.kind}]`);
      for (const w of parsed.warnings) console.error(`warning: ${translate('en', w.key, w.params)}`);
      const s = parsed.stats;
      console.error(
        `${parsed.format}: ${s.chapters} chapters, ${s.sections} sections, ${s.articles} articles, ${s.items} items` +
          (opts.dryRun ? ' (dry run: nothing saved)' : `; ${inserted} items saved into manual ${code}`),
      );
    });
}
