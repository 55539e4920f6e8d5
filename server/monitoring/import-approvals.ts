import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connect.ts';
import type { Locale } from '../../shared/auth.ts';
import { APPROVAL_IMPORT_MAX_MB } from '../../shared/approval-import.ts';
import { importApprovals, type ImportResult } from '../authority/import.ts';
import { approvalIdsOfBatch } from '../authority/queries.ts';
import { MB, openBody, sniff, UploadError, type Upload } from '../http/upload.ts';
import { translate } from '../i18n.ts';
import { authorityFindings, type AuthorityFinding } from './findings.ts';

/**
 * `controlbook import-approvals FILE`: the importer the HTTP route uses, fed from a file, with the
 * same size and type checks; after a commit, the violations of the imported records.
 */
export async function importApprovalsFile(
  db: Db,
  opts: { file: string; dryRun: boolean; locale: Locale },
): Promise<{ result: ImportResult; violations: AuthorityFinding[] }> {
  const maxBytes = APPROVAL_IMPORT_MAX_MB * MB;
  const size = fs.statSync(opts.file).size;
  const refuse = (key: string, params: Record<string, unknown> = {}) => new Error(`${opts.file}: ${translate(opts.locale, key, params)}`);
  if (size > maxBytes) throw refuse('errors.upload.tooLarge', { max: APPROVAL_IMPORT_MAX_MB });
  let opened: Awaited<ReturnType<typeof openBody>>;
  let sniffed: ReturnType<typeof sniff>;
  try {
    opened = await openBody(fs.createReadStream(opts.file), maxBytes);
    sniffed = sniff(opened.head);
    if (sniffed.kind !== 'csv' && sniffed.kind !== 'xlsx') throw new UploadError(415, 'errors.upload.wrongKind');
  } catch (err) {
    if (err instanceof UploadError) throw refuse(err.key, err.params);
    throw err;
  }
  const upload: Upload = { ...sniffed, fileName: path.basename(opts.file), size, body: opened.body, bytesRead: opened.bytesRead };
  const result = await importApprovals({
    db,
    user: { id: null, username: 'cli' },
    locale: opts.locale,
    upload,
    query: {},
    progress: () => {},
    dryRun: opts.dryRun,
  });
  const violations =
    result.committed && result.batchId != null
      ? await authorityFindings(db, { recordIds: await approvalIdsOfBatch(db, result.batchId), locale: opts.locale })
      : [];
  return { result, violations };
}
