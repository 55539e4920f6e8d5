import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import { Command, Option } from 'commander';
import { readConfig } from '../config.ts';
import { openConfiguredDatabase } from '../db/open-from-config.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { translate } from '../i18n.ts';
import { auditWorkbookData } from '../audits/service.ts';
import { AppErrorCause } from '../errors.ts';
import type { Locale } from '../../shared/auth.ts';
import { writeAuditWorkbook } from './audit-workbook.ts';
import { workbookExtras } from './http.ts';

/** `npx controlbook export-workbook AUDIT -o FILE [--lang en]`: the evaluation workbook, as the download route writes it. */
export function registerWorkbookCommands(program: Command): void {
  program
    .command('export-workbook')
    .description('write the Excel evaluation workbook of an audit (scores as live formulas, chart, findings, SoD and authority sheets)')
    .argument('<audit>', 'audit id')
    .requiredOption('-o, --output <file>', 'the .xlsx file to write')
    .addOption(new Option('--lang <lang>', 'language of sheet names and headers').choices(['zh-CN', 'en']).default('zh-CN'))
    .action(async (audit: string, opts: { output: string; lang: Locale }) => {
      const auditId = Number(audit);
      if (!Number.isSafeInteger(auditId) || auditId <= 0) throw new Error(`not an audit id: ${audit}`);
      const database = await openConfiguredDatabase(readConfig());
      const tmp = `${opts.output}.part`;
      try {
        await migrateToLatest(database.db);
        const data = await auditWorkbookData(database.db, auditId).catch((err: unknown) => {
          const cause = (err as { cause?: unknown }).cause;
          if (cause instanceof AppErrorCause) {
            const params: Record<string, unknown> = { ...cause.params };
            for (const [k, v] of Object.entries(cause.params)) if (k.endsWith('Key') && typeof v === 'string') params[k.slice(0, -3)] = translate(opts.lang, v);
            throw new Error(translate(opts.lang, cause.key, params));
          }
          throw err;
        });
        const input = { data, locale: opts.lang, ...(await workbookExtras(database.db, data, opts.lang)) };
        // written beside the target and renamed: a failure never leaves half a workbook
        const out = fs.createWriteStream(tmp);
        await writeAuditWorkbook(input, out);
        await finished(out);
        fs.renameSync(tmp, opts.output);
        console.log(`wrote ${opts.output} (${data.controls.length} controls, ${data.findings.length} findings, ${input.conflicts?.length ?? 0} SoD conflicts, ${input.violations?.length ?? 0} authority violations)`);
      } finally {
        fs.rmSync(tmp, { force: true });
        await database.close();
      }
    });
}
