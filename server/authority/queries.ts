import { sql } from 'kysely';
import type { Executor } from '../db/connect.ts';
import type { DelegationInfo, Holding, MatterInfo, RuleBand } from '../../shared/authority.ts';

/** Approval-authority reads (Kysely only), in the API's camelCase shape. */

export function listMatters(db: Executor) {
  return db
    .selectFrom('authority_matter as m')
    .select((eb) => [
      'm.id',
      'm.code',
      'm.name',
      'm.unit',
      'm.non_delegable as nonDelegable',
      'm.requires_minutes as requiresMinutes',
      'm.split_window_days as splitWindowDays',
      'm.updated_at as updatedAt',
      eb.selectFrom('approval_record as r').whereRef('r.matter_id', '=', 'm.id').select(eb.fn.countAll<number>().as('n')).as('recordCount'),
    ])
    .orderBy('m.code')
    .execute();
}

export async function matterIdByCode(db: Executor, code: string): Promise<number | undefined> {
  const row = await db.selectFrom('authority_matter').select('id').where(sql`lower(code)`, '=', code.toLowerCase()).executeTakeFirst();
  return row?.id;
}

export function getMatter(db: Executor, id: number) {
  return db.selectFrom('authority_matter').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function matterInfo(db: Executor, id: number): Promise<MatterInfo | undefined> {
  const m = await getMatter(db, id);
  return m && { id: m.id, unit: m.unit, nonDelegable: m.non_delegable, requiresMinutes: m.requires_minutes, splitWindowDays: m.split_window_days };
}

const ruleColumns = [
  'r.id',
  'r.matter_id as matterId',
  'r.version_no as versionNo',
  'r.band_no as bandNo',
  'r.lower_bound as lowerBound',
  'r.upper_bound as upperBound',
  'r.approver_position_id as approverPositionId',
  'r.min_level_rank as minLevelRank',
  'r.mode',
  'r.deciding_body as decidingBody',
  'r.quorum',
  'r.valid_from as validFrom',
  'r.valid_to as validTo',
] as const;

/** Bands of one matter (or all), with the approver position's name; in force on `asOf` if given. */
export function listRules(db: Executor, filter: { matterId?: number; asOf?: string }) {
  let q = db
    .selectFrom('authority_rule as r')
    .leftJoin('position as p', 'p.id', 'r.approver_position_id')
    .select([...ruleColumns, 'p.name as approverPositionName', 'p.code as approverPositionCode', 'p.level_rank as approverPositionRank'])
    .orderBy('r.matter_id')
    .orderBy('r.version_no', 'desc')
    .orderBy('r.band_no');
  if (filter.matterId) q = q.where('r.matter_id', '=', filter.matterId);
  if (filter.asOf) {
    const asOf = filter.asOf;
    q = q.where('r.valid_from', '<=', asOf).where((w) => w.or([w('r.valid_to', 'is', null), w('r.valid_to', '>=', asOf)]));
  }
  return q.execute();
}

/** Rule bands in the shape the pure checks take. */
export async function ruleBands(db: Executor, matterId: number, asOf?: string): Promise<RuleBand[]> {
  const rows = await listRules(db, { matterId, asOf });
  return rows.map((r) => ({
    id: r.id,
    matterId: r.matterId,
    bandNo: r.bandNo,
    lowerBound: r.lowerBound,
    upperBound: r.upperBound,
    approverPositionId: r.approverPositionId,
    approverPositionRank: r.approverPositionRank,
    minLevelRank: r.minLevelRank,
    mode: r.mode,
    decidingBody: r.decidingBody,
    quorum: r.quorum,
    validFrom: r.validFrom,
    validTo: r.validTo,
  }));
}

export function latestVersion(db: Executor, matterId: number) {
  return db
    .selectFrom('authority_rule')
    .select([sql<number>`coalesce(max(version_no), 0)`.as('versionNo'), sql<string | null>`max(valid_from)`.as('validFrom')])
    .where('matter_id', '=', matterId)
    .executeTakeFirstOrThrow();
}

export function listPositionRanks(db: Executor) {
  return db
    .selectFrom('position as p')
    .innerJoin('org_unit as u', 'u.id', 'p.unit_id')
    .select(['p.id', 'p.code', 'p.name', 'p.level_rank as levelRank', 'u.name as unitName'])
    .orderBy('p.level_rank', 'desc')
    .orderBy('p.code')
    .execute();
}

/** Assignments of `personIds` (or everyone) in force on `date`. */
export async function holdingsOn(db: Executor, date: string, personIds?: number[]): Promise<Holding[]> {
  if (personIds && personIds.length === 0) return [];
  let q = db
    .selectFrom('assignment')
    .select(['person_id as personId', 'position_id as positionId', 'kind', 'valid_from as validFrom', 'valid_to as validTo'])
    .where('valid_from', '<=', date)
    .where((w) => w.or([w('valid_to', 'is', null), w('valid_to', '>=', date)]));
  if (personIds) q = q.where('person_id', 'in', personIds);
  return q.execute();
}

const revokedOn = sql<string | null>`(d.revoked_at at time zone 'UTC')::date`;

export async function delegationInfos(db: Executor, filter: { matterId?: number; ids?: number[] } = {}): Promise<DelegationInfo[]> {
  let q = db
    .selectFrom('delegation as d')
    .select([
      'd.id',
      'd.delegator_id as delegatorId',
      'd.delegate_id as delegateId',
      'd.matter_id as matterId',
      'd.cap',
      'd.valid_from as validFrom',
      'd.valid_to as validTo',
      revokedOn.as('revokedOn'),
      'd.max_depth as maxDepth',
      'd.parent_id as parentId',
    ])
    .orderBy('d.id');
  if (filter.matterId) q = q.where('d.matter_id', '=', filter.matterId);
  if (filter.ids) q = q.where('d.id', 'in', filter.ids.length ? filter.ids : [0]);
  return q.execute();
}

export function listDelegations(db: Executor, filter: { matterId?: number; personId?: number }) {
  let q = db
    .selectFrom('delegation as d')
    .innerJoin('person as dr', 'dr.id', 'd.delegator_id')
    .innerJoin('person as de', 'de.id', 'd.delegate_id')
    .innerJoin('authority_matter as m', 'm.id', 'd.matter_id')
    .select((eb) => [
      'd.id',
      'd.delegator_id as delegatorId',
      'dr.name as delegatorName',
      'd.delegate_id as delegateId',
      'de.name as delegateName',
      'd.matter_id as matterId',
      'm.code as matterCode',
      'm.name as matterName',
      'm.unit',
      'd.cap',
      'd.valid_from as validFrom',
      'd.valid_to as validTo',
      'd.revoked_at as revokedAt',
      'd.revoked_by as revokedBy',
      'd.max_depth as maxDepth',
      'd.parent_id as parentId',
      'd.note',
      'd.updated_at as updatedAt',
      eb.selectFrom('approval_record as r').whereRef('r.via_delegation_id', '=', 'd.id').select(eb.fn.countAll<number>().as('n')).as('recordCount'),
    ])
    .orderBy('d.valid_from', 'desc')
    .orderBy('d.id', 'desc');
  if (filter.matterId) q = q.where('d.matter_id', '=', filter.matterId);
  if (filter.personId) {
    const personId = filter.personId;
    q = q.where((w) => w.or([w('d.delegator_id', '=', personId), w('d.delegate_id', '=', personId)]));
  }
  return q.execute();
}

export function getDelegation(db: Executor, id: number) {
  return db.selectFrom('delegation').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface ApprovalFilter {
  matterId?: number;
  personId?: number;
  from?: string;
  to?: string;
  importBatchId?: number;
  search?: string;
  /** keyset paging: records with id below this */
  beforeId?: number;
  limit: number;
}

export async function listApprovals(db: Executor, f: ApprovalFilter) {
  let q = db
    .selectFrom('approval_record as r')
    .innerJoin('authority_matter as m', 'm.id', 'r.matter_id')
    .innerJoin('person as rq', 'rq.id', 'r.requester_id')
    .innerJoin('person as ap', 'ap.id', 'r.approver_id')
    .leftJoin('delegation as d', 'd.id', 'r.via_delegation_id')
    .leftJoin('person as dr', 'dr.id', 'd.delegator_id')
    .select([
      'r.id',
      'r.matter_id as matterId',
      'm.code as matterCode',
      'm.name as matterName',
      'm.unit',
      'r.reference_no as referenceNo',
      'r.requester_id as requesterId',
      'rq.name as requesterName',
      'r.approver_id as approverId',
      'ap.name as approverName',
      'r.vendor',
      'r.amount',
      'r.approved_on as approvedOn',
      'r.executed_on as executedOn',
      'r.minutes_ref as minutesRef',
      'r.via_delegation_id as viaDelegationId',
      'dr.name as delegatorName',
      'r.import_batch_id as importBatchId',
    ])
    .orderBy('r.id', 'desc')
    .limit(f.limit + 1);
  if (f.matterId) q = q.where('r.matter_id', '=', f.matterId);
  if (f.personId) {
    const personId = f.personId;
    q = q.where((w) => w.or([w('r.requester_id', '=', personId), w('r.approver_id', '=', personId)]));
  }
  if (f.from) q = q.where('r.approved_on', '>=', f.from);
  if (f.to) q = q.where('r.approved_on', '<=', f.to);
  if (f.importBatchId) q = q.where('r.import_batch_id', '=', f.importBatchId);
  if (f.search) {
    const like = `%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((w) => w.or([w('r.reference_no', 'ilike', like), w('r.vendor', 'ilike', like)]));
  }
  if (f.beforeId) q = q.where('r.id', '<', f.beforeId);
  const rows = await q.execute();
  const page = rows.slice(0, f.limit);
  return { rows: page, nextBeforeId: rows.length > f.limit ? page[page.length - 1]!.id : null };
}

export async function approvalIdsOfBatch(db: Executor, batchId: number): Promise<number[]> {
  const rows = await db.selectFrom('approval_record').select('id').where('import_batch_id', '=', batchId).orderBy('id').execute();
  return rows.map((r) => r.id);
}

export function listImports(db: Executor) {
  return db
    .selectFrom('approval_import')
    .select(['id', 'file_name as fileName', 'file_kind as fileKind', 'row_count as rowCount', 'imported_by as importedBy', 'imported_at as importedAt'])
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
}
