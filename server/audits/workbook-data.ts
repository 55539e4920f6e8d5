import type { Executor } from '../db/connect.ts';
import {
  type AuditWorkbookData,
} from '../../shared/audits.ts';
import * as q from './queries.ts';
import { getAuditDetail } from './detail.ts';
import { scores } from './scores.ts';

/** Audits: everything the Excel evaluation workbook needs. */

/** Everything the Excel evaluation workbook needs, in one object. */
export async function auditWorkbookData(db: Executor, auditId: number): Promise<AuditWorkbookData> {
  const detail = await getAuditDetail(db, auditId);
  return { ...detail, scores: await scores(db, auditId), organisationName: await q.organisationName(db) };
}
