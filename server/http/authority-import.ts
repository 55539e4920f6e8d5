import type { FastifyInstance } from 'fastify';
import { importApprovals } from '../authority/import.ts';
import { APPROVAL_IMPORT_MAX_MB, APPROVAL_IMPORT_URL } from '../../shared/approval-import.ts';
import { MB, registerUploadRoute, type UploadOptions } from './upload.ts';

/** POST /api/authority/approvals/import?dryRun=1&name=FILE — approval records from CSV or .xlsx. */
export async function registerApprovalImport(app: FastifyInstance, opts: UploadOptions): Promise<void> {
  await registerUploadRoute(app, opts, {
    url: APPROVAL_IMPORT_URL,
    permission: 'approvals.write',
    maxBytes: APPROVAL_IMPORT_MAX_MB * MB,
    kinds: ['csv', 'xlsx'],
    handle: (ctx) => importApprovals({ ...ctx, dryRun: ctx.query.dryRun === '1' || ctx.query.dryRun === 'true' }),
  });
}
