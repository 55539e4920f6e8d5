import type { FastifyInstance } from 'fastify';
import { MB, registerUploadRoute, throttled, UploadError, type UploadOptions } from '../http/upload.ts';
import { Trail } from '../audit/trail.ts';
import { appError, notFound } from '../errors.ts';
import { readDocument, sniffDocument } from './document-read.ts';
import { applyImport, type ImportMode } from './import.ts';

/**
 * POST /api/manuals/:id/import?dryRun=1&mode=append|replace&keep=0,3&name=…  (manual.write)
 * The body is the document itself — .docx, PDF or text, judged by its bytes. NDJSON: progress
 * lines, then the preview (dryRun) or the saved result. The save is one transaction.
 */
export const DOC_IMPORT_MAX_MB = 20;

export async function registerManualImportRoute(app: FastifyInstance, opts: UploadOptions): Promise<void> {
  await registerUploadRoute(app, opts, {
    url: '/api/manuals/:id/import',
    permission: 'manual.write',
    maxBytes: DOC_IMPORT_MAX_MB * MB,
    kinds: ['csv', 'xlsx'],
    // the first bytes only refuse what is certainly wrong (empty, OLE); readDocument judges the rest
    sniff: (head) => {
      try {
        const kind = sniffDocument(head);
        return { kind: kind === 'docx' ? 'xlsx' : 'csv', encoding: null };
      } catch (err) {
        const cause = (err as { cause?: { key: string; params?: Record<string, unknown> } }).cause;
        throw new UploadError(415, cause?.key ?? 'errors.docImport.wrongKind', cause?.params ?? {});
      }
    },
    async handle(ctx) {
      const raw = ctx.params?.id ?? '';
      const manualId = Number(raw);
      if (!/^\d{1,9}$/.test(raw) || manualId <= 0) throw notFound('manual', raw);
      const mode = (ctx.query.mode ?? 'append') as ImportMode;
      if (mode !== 'append' && mode !== 'replace') throw appError('BAD_REQUEST', 'errors.docImport.badMode', { mode: String(mode).slice(0, 20) });
      const keep = (ctx.query.keep ?? '')
        .split(',')
        .filter((s) => /^\d{1,6}$/.test(s))
        .map(Number);
      const chunks: Buffer[] = [];
      const progress = throttled(ctx.progress);
      for await (const chunk of ctx.upload.body) {
        chunks.push(chunk as Buffer);
        progress({ phase: 'upload', bytes: ctx.upload.bytesRead() });
      }
      progress({ phase: 'read' }, true);
      const parsed = await readDocument(Buffer.concat(chunks));
      progress({ phase: parsed.source === 'text' ? 'parse' : 'structure', nodes: 0 }, true);
      const dryRun = ctx.query.dryRun === '1' || ctx.query.dryRun === 'true';
      return ctx.db.transaction().execute((trx) =>
        applyImport(trx, new Trail(trx, { userId: ctx.user.id, username: ctx.user.username }), manualId, parsed, {
          dryRun,
          mode,
          keep,
          source: parsed.source,
          fileName: ctx.upload.fileName,
        }),
      );
    },
  });
}
