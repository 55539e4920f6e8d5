import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { backupDatabase } from '../ops/backup.ts';
import { trailCsv } from '../audit/export.ts';
import { trailFilter } from '../audit/trail-query.ts';
import { appError } from '../errors.ts';
import { BackupLimitError, restoreDatabase } from '../ops/restore.ts';
import { registerDownloadRoute } from './download.ts';
import { MB, registerUploadRoute, throttled, type UploadOptions } from './upload.ts';

const stamp = () => new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');

/**
 * Admin operations over HTTP: download a full backup (the same file as `controlbook backup`),
 * restore one over this installation (all or nothing), and the audit trail as CSV.
 */
export async function registerAdminRoutes(app: FastifyInstance, opts: UploadOptions): Promise<void> {
  await registerDownloadRoute(app, opts, {
    url: '/api/admin/backup',
    permission: 'ops.backup',
    async handle({ db, req }) {
      const out = new PassThrough();
      backupDatabase(db, out).catch((err: unknown) => {
        req.log.error({ err }, 'backup download failed');
        out.destroy(err as Error); // the client sees a broken download, never a truncated "complete" file
      });
      return { fileName: `controlbook-${stamp()}.cbk`, contentType: 'application/gzip', body: out };
    },
  });

  await registerDownloadRoute(app, opts, {
    url: '/api/admin/trail.csv',
    permission: 'trail.read',
    async handle({ db, query }) {
      const parsed = trailFilter.omit({ limit: true, beforeId: true }).safeParse(query);
      if (!parsed.success) {
        // before any byte is sent: a value the database refuses mid-stream would cut the download off
        const issue = parsed.error.issues[0]!;
        const field = String(issue.path[0] ?? '');
        const key = issue.message.startsWith('errors.trail.') ? issue.message : 'errors.trail.badFilter';
        throw appError('BAD_REQUEST', key, { field, fieldKey: `errors.trail.fields.${field}` });
      }
      return { fileName: `audit-trail-${stamp()}.csv`, contentType: 'text/csv; charset=utf-8', body: trailCsv(db, parsed.data) };
    },
  });

  await registerUploadRoute(app, opts, {
    url: '/api/admin/restore',
    permission: 'ops.backup',
    maxBytes: 2048 * MB,
    kinds: ['gzip'],
    async handle({ db, query, upload, progress }) {
      // replacing every row is irreversible once committed: the page asks, and the request must say so
      if (query.confirm !== 'replace') throw appError('PRECONDITION_FAILED', 'errors.ops.restoreConfirm');
      const report = throttled(progress);
      try {
        const result = await restoreDatabase(db, upload.body, (p) => report({ phase: p.phase, table: p.table, rows: p.rows }), { replace: true });
        return { tables: result.tables.length, rows: result.totalRows, schemaVersion: result.schemaVersion, backupCreatedAt: result.backupCreatedAt };
      } catch (err) {
        if (err instanceof BackupLimitError) throw appError('BAD_REQUEST', err.key, err.params);
        if (err instanceof Error && !('cause' in err && err.cause)) throw appError('BAD_REQUEST', 'errors.ops.restoreFailed', { detail: err.message });
        throw err;
      }
    },
  });
}
