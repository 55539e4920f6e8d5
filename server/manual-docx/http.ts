import type { FastifyInstance } from 'fastify';
import { langOf, registerDownloadRoute, safeFileName } from '../http/download.ts';
import type { UploadOptions } from '../http/upload.ts';
import { appError, notFound } from '../errors.ts';
import { DOCX_CONTENT_TYPE } from './document.ts';
import { exportManualDocx, manualDocxFileName, type ExportVersion } from './load.ts';

/**
 * GET /api/manuals/:id/manual.docx?version=N&lang=zh-CN|en — the manual as a Word document
 * (manual.read). Without `version` (or with version=draft) the live draft, marked as a draft.
 * The file is built before the first byte goes out, so every failure is a JSON error.
 */



/** ?version=N (a published version), or absent / "draft" for the working draft. */
export function parseExportVersion(raw: string | undefined): ExportVersion {
  if (raw == null || raw === '' || raw === 'draft') return 'draft';
  if (!/^\d{1,9}$/.test(raw) || Number(raw) <= 0) throw appError('BAD_REQUEST', 'errors.outline.noVersion', { version: raw });
  return Number(raw);
}

export async function registerManualDocxRoutes(app: FastifyInstance, opts: UploadOptions): Promise<void> {
  await registerDownloadRoute(app, opts, {
    url: '/api/manuals/:id/manual.docx',
    permission: 'manual.read',
    async handle(ctx) {
      const raw = ctx.params.id ?? '';
      if (!/^\d{1,9}$/.test(raw) || Number(raw) <= 0) throw notFound('manual', raw);
      const locale = langOf(ctx);
      const { buffer, input } = await exportManualDocx(ctx.db, Number(raw), parseExportVersion(ctx.query.version), locale);
      return {
        fileName: safeFileName(manualDocxFileName(input, locale)),
        contentType: DOCX_CONTENT_TYPE,
        headers: { 'x-controlbook-nodes': String(input.nodes.length) },
        body: buffer,
      };
    },
  });
}
