import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Executor } from '../db/connect.ts';
import { MB, registerUploadRoute, throttled, UploadError, type UploadContext, type UploadOptions } from '../http/upload.ts';
import { langOf, registerDownloadRoute, safeFileName, type DownloadContext } from '../http/download.ts';
import { translate } from '../i18n.ts';
import { auditWorkbookData } from '../audits/service.ts';
import { checkConflicts } from '../sod/service.ts';
import { checkApprovals } from '../authority/check.ts';
import { importRcm } from '../rcm/import.ts';
import { sniffXlsx } from '../rcm/read.ts';
import { writeRcmWorkbook } from '../rcm/export.ts';
import { notFound } from '../errors.ts';
import type { Locale } from '../../shared/auth.ts';
import { describeViolation, type ViolationReport } from '../../shared/authority.ts';
import { RCM_IMPORT_MAX_MB } from '../../shared/rcm.ts';
import { writeAuditWorkbook, WORKBOOK_CONTENT_TYPE, type WorkbookInput } from './audit-workbook.ts';

/**
 * Excel downloads and the control-matrix upload (issue 7):
 *   GET  /api/audits/:id/workbook.xlsx?lang=zh-CN|en   evaluation workbook, streamed (audit.read)
 *   GET  /api/manuals/:id/rcm.xlsx?lang=…              a manual's control matrix (manual.read)
 *   POST /api/manuals/:id/rcm-import?dryRun=1&name=…   upload a matrix (manual.write; NDJSON progress)
 * Downloads check the session cookie and the permission like tRPC does; errors before the first
 * byte are JSON `{error: {message, messageKey}}` in the user's language.
 */

/** The SoD conflicts (as of the base date) and authority violations (in the period) for the workbook. */
export async function workbookExtras(db: Executor, data: WorkbookInput['data'], locale: Locale): Promise<Pick<WorkbookInput, 'conflicts' | 'violations' | 'dutyNames'>> {
  const t = (key: string, params?: Record<string, unknown>) => translate(locale, key, params);
  const { conflicts } = await checkConflicts(db, { asOf: data.audit.baseDate });
  const duties = await db.selectFrom('duty_category').select(['code', 'name_zh', 'name_en']).execute();
  const violations: (ViolationReport & { message: string })[] = [];
  const PAGE = 5_000;
  for (let offset = 0; ; offset += PAGE) {
    const page = await checkApprovals(db, { from: data.audit.periodFrom, to: data.audit.periodTo, offset, limit: PAGE });
    for (const v of page.rows) violations.push({ ...v, message: describeViolation(v, t) });
    if (page.rows.length < PAGE || offset + PAGE >= page.total) break;
  }
  return {
    // control conflicts of other manuals are not this audit's business
    conflicts: conflicts.filter((c) => c.manualId == null || c.manualId === data.manual.id),
    violations,
    dutyNames: new Map(duties.map((d) => [d.code, locale === 'en' ? d.name_en : d.name_zh])),
  };
}



function idParam(ctx: DownloadContext | UploadContext, entity: string): number {
  const raw = ctx.params?.id ?? '';
  const id = Number(raw);
  if (!/^\d{1,9}$/.test(raw) || !Number.isSafeInteger(id) || id <= 0) throw notFound(entity, raw);
  return id;
}

/**
 * The body of an .xlsx download, written while it streams. Once bytes have gone out a failure can
 * only cut the connection (the browser then reports a failed download), never a half file.
 */
function streamed(ctx: DownloadContext, write: (out: PassThrough) => Promise<void>): PassThrough {
  const out = new PassThrough();
  write(out).catch((err: unknown) => {
    ctx.req.log.error({ err }, 'xlsx download failed while streaming');
    out.destroy(err as Error);
  });
  return out;
}

export async function registerWorkbookRoutes(app: FastifyInstance, opts: UploadOptions): Promise<void> {
  await registerDownloadRoute(app, opts, {
    url: '/api/audits/:id/workbook.xlsx',
    permission: 'audit.read',
    async handle(ctx) {
      const locale = langOf(ctx);
      // everything that can fail with a message happens before the first byte
      const data = await auditWorkbookData(ctx.db, idParam(ctx, 'audit'));
      const input: WorkbookInput = { data, locale, ...(await workbookExtras(ctx.db, data, locale)) };
      return {
        fileName: safeFileName(`${data.audit.name}-${data.audit.baseDate}.xlsx`),
        contentType: WORKBOOK_CONTENT_TYPE,
        headers: { 'x-controlbook-controls': String(data.controls.length), 'x-accel-buffering': 'no' },
        body: streamed(ctx, (out) => writeAuditWorkbook(input, out)),
      };
    },
  });

  await registerDownloadRoute(app, opts, {
    url: '/api/manuals/:id/rcm.xlsx',
    permission: 'manual.read',
    async handle(ctx) {
      const locale = langOf(ctx);
      const id = idParam(ctx, 'manual');
      const manual = await ctx.db.selectFrom('manual').select(['code', 'title']).where('id', '=', id).executeTakeFirst();
      if (!manual) throw notFound('manual', id);
      return {
        fileName: safeFileName(`${manual.code}-${translate(locale, 'rcm.sheet')}.xlsx`),
        contentType: WORKBOOK_CONTENT_TYPE,
        body: streamed(ctx, (out) => writeRcmWorkbook(ctx.db, id, locale, out)),
      };
    },
  });

  await registerUploadRoute(app, opts, {
    url: '/api/manuals/:id/rcm-import',
    permission: 'manual.write',
    maxBytes: RCM_IMPORT_MAX_MB * MB,
    kinds: ['xlsx'],
    sniff: (head) => {
      try {
        return sniffXlsx(head);
      } catch (err) {
        const cause = (err as { cause?: { key: string } }).cause;
        throw new UploadError(415, cause?.key ?? 'errors.rcm.notXlsx');
      }
    },
    async handle(ctx) {
      const manualId = idParam(ctx, 'manual');
      const chunks: Buffer[] = [];
      const progress = throttled(ctx.progress);
      for await (const chunk of ctx.upload.body) {
        chunks.push(chunk as Buffer);
        progress({ phase: 'upload', bytes: ctx.upload.bytesRead() });
      }
      return importRcm({
        db: ctx.db,
        manualId,
        actor: { userId: ctx.user.id, username: ctx.user.username },
        locale: ctx.locale,
        file: Buffer.concat(chunks),
        fileName: ctx.upload.fileName,
        dryRun: ctx.query.dryRun === '1' || ctx.query.dryRun === 'true',
        // phase changes and the last line of a phase always go out; the rest at most every 200 ms
        progress: (line) => progress(line, (line.phase !== 'read' && line.phase !== 'write') || line.done === line.total),
      });
    },
  });
}
