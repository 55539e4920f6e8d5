import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { readConfig } from '../config.ts';
import { openConfiguredDatabase } from '../db/open-from-config.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { Trail } from '../audit/trail.ts';
import { AppErrorCause } from '../errors.ts';
import { translate } from '../i18n.ts';
import { buildPreview, type PreviewNode } from '../../shared/import-preview.ts';
import { readDocument } from './document-read.ts';
import { applyImport } from './import.ts';
import { createManual } from './service.ts';

/** A domain error (message key) as plain English for the terminal. */
function cliMessage(err: unknown): string {
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof AppErrorCause) return translate('en', cause.key, cause.params);
  return err instanceof Error ? err.message : String(err);
}

/**
 * `npx controlbook import FILE [--manual CODE] [--dry-run] [--json]`: read a .docx, PDF or text
 * document (kind sniffed from its bytes) into an outline; unless --dry-run, append it to manual CODE (created if missing, code
 * defaulting to the file name).
 */
export function registerImportCommand(program: Command) {
  program
    .command('import')
    .description('import a manual from a document: Word .docx, a PDF with text, or text (UTF-8 / GB18030); the kind is read from the bytes')
    .argument('<file>', '.docx, .pdf or text file')
    .option('--manual <code>', 'manual to append to (created if missing; default: from the file name)')
    .option('--dry-run', 'only parse and show the outline; write nothing')
    .option('--json', 'print the outline as JSON: nested nodes {kind, number, sourceNumber, title, body, children}')
    .action(async (file: string, opts: { manual?: string; dryRun?: boolean; json?: boolean }) => {
      if (!fs.existsSync(file)) throw new Error(`file not found: ${file}`);
      let parsed;
      try {
        parsed = await readDocument(fs.readFileSync(file));
      } catch (err) {
        throw new Error(cliMessage(err));
      }
      const code =
        opts.manual ?? (path.basename(file).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'IMPORTED');
      let preview = buildPreview(parsed);
      let inserted = 0;
      if (!opts.dryRun) {
        if (parsed.format === 'none' || parsed.nodes.length === 0) throw new Error(translate('en', 'errors.outline.importNoStructure'));
        const database = await openConfiguredDatabase(readConfig());
        try {
          await migrateToLatest(database.db);
          const saved = await database.db.transaction().execute(async (trx) => {
            const trail = new Trail(trx, { userId: null, username: 'cli' });
            const existing = await trx.selectFrom('manual').select('id').where('code', '=', code).executeTakeFirst();
            const manualId =
              existing?.id ??
              (await createManual(trx, trail, {
                code,
                title: parsed.properties.title ?? path.basename(file),
                numberingStyle: parsed.format === 'regulation' ? 'regulation' : 'decimal',
              })).id;
            return applyImport(trx, trail, manualId, parsed, { dryRun: false, mode: 'append', keep: [], source: parsed.source, fileName: path.basename(file) });
          });
          inserted = saved.inserted;
          preview = saved;
        } finally {
          await database.close();
        }
      }
      if (opts.json) {
        const outline = nest(preview.nodes);
        const out = { manual: opts.dryRun ? undefined : code, inserted, source: parsed.source, format: parsed.format, numberingStyle: preview.numberingStyle, script: preview.script, properties: parsed.properties, dropped: parsed.dropped, outline };
        console.log(JSON.stringify(out, null, 2));
        return;
      }
      for (const n of preview.nodes) console.log(`${'  '.repeat(n.depth)}${n.number} ${n.title}  [${n.kind}]`);
      for (const w of parsed.warnings) console.error(`warning: ${translate('en', w.key, w.params)}`);
      for (const d of parsed.dropped) console.error(`dropped (${d.reason}): ${d.text.slice(0, 100).replace(/\n/g, ' / ')}`);
      const s = parsed.stats;
      console.error(
        `${parsed.source} → ${parsed.format}: ${s.chapters} chapters, ${s.sections} sections, ${s.articles} articles, ${s.items} items` +
          (opts.dryRun ? ' (dry run: nothing saved)' : `; ${inserted} items saved into manual ${code}`),
      );
    });
}

type Nested = PreviewNode & { children: Nested[] };

/** Pre-order nodes with depths → nested nodes with `children`. */
function nest(nodes: PreviewNode[]): Nested[] {
  const roots: Nested[] = [];
  const stack: Nested[] = [];
  for (const n of nodes) {
    const node: Nested = { ...n, children: [] };
    stack.length = n.depth;
    (stack[n.depth - 1]?.children ?? roots).push(node);
    stack[n.depth] = node;
  }
  return roots;
}
