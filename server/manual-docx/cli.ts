import fs from 'node:fs';
import { Command, Option } from 'commander';
import { readConfig } from '../config.ts';
import { openConfiguredDatabase } from '../db/open-from-config.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { translate } from '../i18n.ts';
import { AppErrorCause } from '../errors.ts';
import type { Locale } from '../../shared/auth.ts';
import { exportManualDocx } from './load.ts';
import { manualByCode } from '../manual/queries.ts';

/** `npx controlbook export-manual CODE [--version N] -o FILE.docx [--lang en]`: the Word document the download route serves. */
export function registerManualDocxCommands(program: Command): void {
  program
    .command('export-manual')
    .description('write a manual as a Word document (cover, contents, numbered headings, control tables); without --version the draft, marked as such')
    .argument('<code>', 'manual code')
    .option('--version <n>', 'published version number (default: the current draft)')
    .requiredOption('-o, --output <file>', 'the .docx file to write')
    .addOption(new Option('--lang <lang>', 'language of labels, header and footer').choices(['zh-CN', 'en']).default('zh-CN'))
    .action(async (code: string, opts: { version?: string; output: string; lang: Locale }) => {
      const version = opts.version == null ? 'draft' : Number(opts.version);
      if (version !== 'draft' && (!Number.isSafeInteger(version) || version <= 0)) throw new Error(`not a version number: ${opts.version}`);
      const database = await openConfiguredDatabase(readConfig());
      const tmp = `${opts.output}.part`;
      try {
        await migrateToLatest(database.db);
        const manual = await manualByCode(database.db, code);
        if (!manual) throw new Error(`no manual with code ${code}`);
        const { buffer, input } = await exportManualDocx(database.db, manual.id, version, opts.lang).catch((err: unknown) => {
          const cause = (err as { cause?: unknown }).cause;
          if (cause instanceof AppErrorCause) throw new Error(translate(opts.lang, cause.key, cause.params));
          throw err;
        });
        // written beside the target and renamed: a failure never leaves half a document
        fs.writeFileSync(tmp, buffer);
        fs.renameSync(tmp, opts.output);
        const what = input.version ? `version ${input.version.no}` : 'draft';
        console.log(`wrote ${opts.output} (${code} ${what}, ${input.nodes.length} items, ${input.nodes.filter((n) => n.control).length} control tables)`);
      } finally {
        fs.rmSync(tmp, { force: true });
        await database.close();
      }
    });
}
