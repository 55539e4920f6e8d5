import { sql } from 'kysely';
import type { Executor } from '../db/connect.ts';
import type { RevisionProposal } from '../../shared/audits.ts';

/** Reads for the audit list and the revision proposals. */

/** Every audit with what the list shows and what its company score is keyed by, newest first. */
export async function auditListRows(db: Executor) {
  return db
    .selectFrom('audit as a')
    .innerJoin('manual as m', 'm.id', 'a.manual_id')
    .innerJoin('manual_version as v', 'v.id', 'a.manual_version_id')
    .innerJoin('app_user as l', 'l.id', 'a.lead_user_id')
    .select([
      'a.id',
      'a.name',
      'a.manual_id as manualId',
      'm.code as manualCode',
      'v.version_no as versionNo',
      'a.period_from as periodFrom',
      'a.period_to as periodTo',
      'a.base_date as baseDate',
      'a.status',
      'a.revision',
      'l.display_name as leadName',
      'a.manual_version_id as manualVersionId',
      'a.scope_process_ids as scopeProcessIds',
      'a.scope_unit_ids as scopeUnitIds',
      'a.signed_off_at as signedOffAt',
      'a.content_hash as contentHash',
    ])
    .orderBy('a.base_date', 'desc')
    .orderBy('a.id', 'desc')
    .execute();
}

/** Open revision proposals on a manual's draft nodes, from each audit's latest revision. */
export async function openProposals(db: Executor, manualId: number): Promise<RevisionProposal[]> {
  return db
    .selectFrom('finding as f')
    .innerJoin('audit as a', 'a.id', 'f.audit_id')
    .select([
      'f.id as findingId',
      'f.code as findingCode',
      'a.id as auditId',
      'a.name as auditName',
      sql<number>`f.proposal_node_id`.as('nodeId'),
      'f.proposal_text as proposalText',
      'f.severity',
    ])
    .where('a.manual_id', '=', manualId)
    .where('f.status', '=', 'open')
    .where('f.proposal_node_id', 'is not', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('audit as n').select('n.id').whereRef('n.previous_revision_id', '=', 'a.id'))))
    .orderBy('a.base_date', 'desc')
    .orderBy('f.id')
    .execute();
}
