import { sql } from 'kysely';
import type { z } from 'zod';
import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import { appError, notFound } from '../errors.ts';
import { translate } from '../i18n.ts';
import type { Locale } from '../../shared/auth.ts';
import {
  authorityLimit,
  bandProblemMessage,
  delegationChain,
  describeViolation,
  findDelegationCycle,
  formatBand,
  validateBands,
  whoMayApprove as resolveWhoMayApprove,
  type approvalInput,
  type delegationInput,
  type matrixInput,
  type matterInput,
} from '../../shared/authority.ts';
import { camelRow } from '../db/camel.ts';
import * as q from './queries.ts';
import { checkApprovals, type CheckFilter } from './check.ts';

/**
 * Approval-authority changes. Each runs inside the caller's transaction (writeProcedure) and
 * records before/after in the trail.
 */

type Matter = z.output<typeof matterInput>;
type Matrix = z.output<typeof matrixInput>;
type Delegation = z.output<typeof delegationInput>;
type Approval = z.output<typeof approvalInput>;

const now = () => sql<string>`now()`;

function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

async function personName(trx: Executor, id: number): Promise<string> {
  const p = await trx.selectFrom('person').select('name').where('id', '=', id).executeTakeFirst();
  if (!p) throw notFound('person', id);
  return p.name;
}

// ── matters ─────────────────────────────────────────────────────
export async function createMatter(trx: Executor, trail: Trail, input: Matter) {
  const row = await trx
    .insertInto('authority_matter')
    .values({
      code: input.code,
      name: input.name,
      unit: input.unit,
      non_delegable: input.nonDelegable,
      requires_minutes: input.requiresMinutes,
      split_window_days: input.splitWindowDays,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trail.record({ entity: 'authority_matter', entityId: row.id, action: 'create', after: row });
  return camelRow(row);
}

export async function updateMatter(trx: Executor, trail: Trail, id: number, input: Matter) {
  const before = await trx.selectFrom('authority_matter').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!before) throw notFound('authority_matter', id);
  if (input.unit !== before.unit) {
    const used = await trx.selectFrom('authority_rule').select('id').where('matter_id', '=', id).limit(1).executeTakeFirst();
    if (used) throw appError('PRECONDITION_FAILED', 'errors.authority.unitInUse', { name: before.name });
  }
  const after = await trx
    .updateTable('authority_matter')
    .set({
      code: input.code,
      name: input.name,
      unit: input.unit,
      non_delegable: input.nonDelegable,
      requires_minutes: input.requiresMinutes,
      split_window_days: input.splitWindowDays,
      updated_at: now(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trail.record({ entity: 'authority_matter', entityId: id, action: 'update', before, after });
  return camelRow(after);
}

export async function deleteMatter(trx: Executor, trail: Trail, id: number) {
  const before = await q.getMatter(trx, id);
  if (!before) throw notFound('authority_matter', id);
  const count = async (table: 'approval_record' | 'delegation') =>
    (await trx.selectFrom(table).select(sql<number>`count(*)`.as('n')).where('matter_id', '=', id).executeTakeFirstOrThrow()).n;
  const records = await count('approval_record');
  const delegations = await count('delegation');
  if (records || delegations) {
    throw appError('PRECONDITION_FAILED', 'errors.authority.matterInUse', { name: before.name, records, delegations });
  }
  const rules = await trx.deleteFrom('authority_rule').where('matter_id', '=', id).returningAll().execute();
  await trx.deleteFrom('authority_matter').where('id', '=', id).execute();
  await trail.record({ entity: 'authority_matter', entityId: id, action: 'delete', before: { ...before, rules } });
  return { id };
}

// ── matrix ──────────────────────────────────────────────────────
/**
 * Save a new version of one matter's bands, in force from `effectiveFrom`: the bands in force
 * are closed the day before and kept as history. The bands must cover every amount once.
 */
export async function saveMatrix(trx: Executor, trail: Trail, locale: Locale, input: Matrix) {
  const matter = await trx.selectFrom('authority_matter').selectAll().where('id', '=', input.matterId).forUpdate().executeTakeFirst();
  if (!matter) throw notFound('authority_matter', input.matterId);
  const problems = validateBands(input.bands, matter.unit);
  if (problems.length) {
    const texts = problems.map((p) => {
      const m = bandProblemMessage(p);
      return translate(locale, m.key, m.params);
    });
    throw appError('BAD_REQUEST', 'errors.authority.bandsInvalid', { name: matter.name, count: problems.length, problems: texts.join(locale === 'en' ? '; ' : '；') });
  }
  const positionIds = [...new Set(input.bands.map((b) => b.approverPositionId).filter((p): p is number => p != null))];
  if (positionIds.length) {
    const known = await trx.selectFrom('position').select('id').where('id', 'in', positionIds).execute();
    const missing = positionIds.find((p) => !known.some((k) => k.id === p));
    if (missing) throw notFound('position', missing);
  }
  const latest = await q.latestVersion(trx, matter.id);
  if (latest.validFrom && input.effectiveFrom <= latest.validFrom) {
    throw appError('BAD_REQUEST', 'errors.authority.effectiveNotAfter', { name: matter.name, date: latest.validFrom });
  }
  const before = await q.ruleBands(trx, matter.id, input.effectiveFrom);
  await trx
    .updateTable('authority_rule')
    .set({ valid_to: dayBefore(input.effectiveFrom) })
    .where('matter_id', '=', matter.id)
    .where((w) => w.or([w('valid_to', 'is', null), w('valid_to', '>=', input.effectiveFrom)]))
    .execute();
  const sorted = [...input.bands].sort((a, b) => (a.lowerBound ?? -Infinity) - (b.lowerBound ?? -Infinity));
  const versionNo = latest.versionNo + 1;
  const rows = await trx
    .insertInto('authority_rule')
    .values(
      sorted.map((b, i) => ({
        matter_id: matter.id,
        version_no: versionNo,
        band_no: i + 1,
        lower_bound: b.lowerBound,
        upper_bound: b.upperBound,
        approver_position_id: b.approverPositionId,
        min_level_rank: b.minLevelRank,
        mode: b.mode,
        deciding_body: b.decidingBody,
        quorum: b.quorum,
        valid_from: input.effectiveFrom,
        valid_to: null,
      })),
    )
    .returningAll()
    .execute();
  await trail.record({ entity: 'authority_rule', entityId: matter.id, action: 'update', before, after: rows.map(camelRow) });
  return { matterId: matter.id, versionNo, validFrom: input.effectiveFrom, bands: rows.map(camelRow) };
}

// ── who may approve ─────────────────────────────────────────────
export async function whoMayApprove(db: Executor, input: { matterId: number; amount: number | null; date: string }) {
  const matter = await q.getMatter(db, input.matterId);
  if (!matter) throw notFound('authority_matter', input.matterId);
  const [bands, positions, holdings, delegations] = await Promise.all([
    q.ruleBands(db, matter.id, input.date),
    q.listPositionRanks(db),
    q.holdingsOn(db, input.date),
    q.delegationInfos(db, { matterId: matter.id }),
  ]);
  const value = input.amount ?? 0;
  const answer = resolveWhoMayApprove({ bands, value, date: input.date, nonDelegable: matter.non_delegable, positions, holdings, delegations });
  const personIds = [...new Set([...answer.holders.map((h) => h.personId), ...answer.delegates.flatMap((d) => [d.personId, d.delegatorId, d.rootDelegatorId])])];
  const people = personIds.length
    ? await db.selectFrom('person').select(['id', 'name', 'employee_no as employeeNo']).where('id', 'in', personIds).execute()
    : [];
  const personById = new Map(people.map((p) => [p.id, p]));
  const positionById = new Map(positions.map((p) => [p.id, p]));
  const band = answer.band;
  return {
    matter: { id: matter.id, code: matter.code, name: matter.name, unit: matter.unit, nonDelegable: matter.non_delegable },
    band: band && {
      bandNo: band.bandNo,
      range: formatBand(band.lowerBound, band.upperBound),
      lowerBound: band.lowerBound,
      upperBound: band.upperBound,
      approverPositionId: band.approverPositionId,
      approverPositionName: band.approverPositionId ? (positionById.get(band.approverPositionId)?.name ?? null) : null,
      minLevelRank: band.minLevelRank,
      mode: band.mode,
      decidingBody: band.decidingBody,
      quorum: band.quorum,
      minutesRequired: matter.requires_minutes || band.mode === 'collective',
    },
    positions: answer.positionIds.map((id) => positionById.get(id)!),
    holders: answer.holders.map((h) => ({
      personId: h.personId,
      personName: personById.get(h.personId)?.name ?? '',
      employeeNo: personById.get(h.personId)?.employeeNo ?? '',
      positionId: h.positionId,
      positionName: positionById.get(h.positionId)?.name ?? '',
      kind: h.kind,
    })),
    delegates: answer.delegates.map((d) => ({
      personId: d.personId,
      personName: personById.get(d.personId)?.name ?? '',
      employeeNo: personById.get(d.personId)?.employeeNo ?? '',
      delegationId: d.delegationId,
      delegatorId: d.delegatorId,
      delegatorName: personById.get(d.delegatorId)?.name ?? '',
      rootDelegatorName: personById.get(d.rootDelegatorId)?.name ?? '',
      cap: d.cap,
      depth: d.depth,
    })),
  };
}

// ── delegations ─────────────────────────────────────────────────
/** The most a delegator may pass on: their own reach in the matter on the first day, and the parent's caps. */
async function assertDelegationAllowed(trx: Executor, input: Delegation, exceptId: number | null) {
  const matter = await q.getMatter(trx, input.matterId);
  if (!matter) throw notFound('authority_matter', input.matterId);
  const delegatorName = await personName(trx, input.delegatorId);
  const delegateName = await personName(trx, input.delegateId);
  if (matter.non_delegable) throw appError('BAD_REQUEST', 'errors.authority.matterNonDelegable', { name: matter.name });
  if (matter.unit === 'none' && input.cap != null) throw appError('BAD_REQUEST', 'errors.authority.capWithoutAmount', { name: matter.name });

  let rootDelegatorId = input.delegatorId;
  let parentCap: number | null = null;
  if (input.parentId != null) {
    const all = await q.delegationInfos(trx, { matterId: input.matterId });
    const parent = all.find((d) => d.id === input.parentId);
    if (!parent) {
      if (!(await q.getDelegation(trx, input.parentId))) throw notFound('delegation', input.parentId);
      throw appError('BAD_REQUEST', 'errors.authority.parentOtherMatter', { id: input.parentId });
    }
    if (parent.delegateId !== input.delegatorId) {
      throw appError('BAD_REQUEST', 'errors.authority.parentNotToDelegator', { id: parent.id, person: delegatorName });
    }
    if (parent.revokedOn != null) throw appError('BAD_REQUEST', 'errors.authority.parentRevoked', { id: parent.id });
    if (parent.maxDepth < 1) throw appError('BAD_REQUEST', 'errors.authority.depthExhausted', { id: parent.id });
    if (input.maxDepth > parent.maxDepth - 1) {
      throw appError('BAD_REQUEST', 'errors.authority.depthTooLarge', { id: parent.id, max: parent.maxDepth - 1 });
    }
    if (input.validFrom < parent.validFrom || input.validTo > parent.validTo) {
      throw appError('BAD_REQUEST', 'errors.authority.outsideParent', { id: parent.id, from: parent.validFrom, to: parent.validTo });
    }
    const chain = delegationChain(parent.id, new Map(all.map((d) => [d.id, d])))!;
    if (chain.cycle || chain.links.some((l) => l.id === exceptId)) {
      throw appError('BAD_REQUEST', 'errors.authority.delegationCycle', { people: delegatorName });
    }
    rootDelegatorId = chain.rootDelegatorId;
    const caps = chain.links.map((l) => l.cap).filter((c): c is number => c != null);
    parentCap = caps.length ? Math.min(...caps) : null;
  }

  // the authority comes from the top of the chain, on the first day of the delegation
  const bands = await q.ruleBands(trx, input.matterId, input.validFrom);
  const holdings = await q.holdingsOn(trx, input.validFrom, [rootDelegatorId]);
  const ranks = new Map((await q.listPositionRanks(trx)).map((p) => [p.id, p.levelRank]));
  const limit = authorityLimit(bands, holdings.map((h) => ({ positionId: h.positionId, levelRank: ranks.get(h.positionId) ?? 0 })));
  const rootName = rootDelegatorId === input.delegatorId ? delegatorName : await personName(trx, rootDelegatorId);
  if (limit == null) {
    throw appError('BAD_REQUEST', 'errors.authority.delegatorNoAuthority', { person: rootName, matter: matter.name, date: input.validFrom });
  }
  const reach = Math.min(limit, parentCap ?? Infinity);
  if (input.cap != null && input.cap > reach) {
    throw appError('BAD_REQUEST', 'errors.authority.capAboveAuthority', { cap: input.cap, limit: reach, person: rootName });
  }

  const existing = (await q.delegationInfos(trx, { matterId: input.matterId })).filter((d) => d.id !== exceptId);
  const loop = findDelegationCycle(existing, input);
  if (loop) {
    const names = await trx.selectFrom('person').select(['id', 'name']).where('id', 'in', loop).execute();
    const nameOf = new Map(names.map((n) => [n.id, n.name]));
    throw appError('BAD_REQUEST', 'errors.authority.delegationCycle', {
      people: [...loop, loop[0]!].map((id) => nameOf.get(id)).join(' → '),
    });
  }
  return { delegatorName, delegateName };
}

function delegationValues(input: Delegation) {
  return {
    delegator_id: input.delegatorId,
    delegate_id: input.delegateId,
    matter_id: input.matterId,
    cap: input.cap,
    valid_from: input.validFrom,
    valid_to: input.validTo,
    max_depth: input.maxDepth,
    parent_id: input.parentId,
    note: input.note,
  };
}

export async function createDelegation(trx: Executor, trail: Trail, input: Delegation) {
  // serialise delegation writes per matter so two concurrent writes cannot both pass the cycle check
  await trx.selectFrom('authority_matter').select('id').where('id', '=', input.matterId).forUpdate().execute();
  await assertDelegationAllowed(trx, input, null);
  const row = await trx.insertInto('delegation').values(delegationValues(input)).returningAll().executeTakeFirstOrThrow();
  await trail.record({ entity: 'delegation', entityId: row.id, action: 'create', after: row });
  return camelRow(row);
}

export async function updateDelegation(trx: Executor, trail: Trail, id: number, input: Delegation) {
  const before = await q.getDelegation(trx, id);
  if (!before) throw notFound('delegation', id);
  await trx.selectFrom('authority_matter').select('id').where('id', 'in', [before.matter_id, input.matterId]).forUpdate().execute();
  await assertDelegationAllowed(trx, input, id);
  const after = await trx
    .updateTable('delegation')
    .set({ ...delegationValues(input), updated_at: now() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trail.record({ entity: 'delegation', entityId: id, action: 'update', before, after });
  return camelRow(after);
}

/** Revoke from a date (default: now). Approvals on or after that date are no longer covered. */
export async function revokeDelegation(trx: Executor, trail: Trail, id: number, revokedOn: string | null) {
  const before = await q.getDelegation(trx, id);
  if (!before) throw notFound('delegation', id);
  if (before.revoked_at) throw appError('PRECONDITION_FAILED', 'errors.authority.alreadyRevoked', { id, at: before.revoked_at.slice(0, 10) });
  const after = await trx
    .updateTable('delegation')
    .set({ revoked_at: revokedOn ? `${revokedOn}T00:00:00Z` : now(), revoked_by: trail.actor.username, updated_at: now() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trail.record({ entity: 'delegation', entityId: id, action: 'revoke', before, after });
  return camelRow(after);
}

export async function deleteDelegation(trx: Executor, trail: Trail, id: number) {
  const before = await q.getDelegation(trx, id);
  if (!before) throw notFound('delegation', id);
  const records = (await trx.selectFrom('approval_record').select(sql<number>`count(*)`.as('n')).where('via_delegation_id', '=', id).executeTakeFirstOrThrow()).n;
  const children = (await trx.selectFrom('delegation').select(sql<number>`count(*)`.as('n')).where('parent_id', '=', id).executeTakeFirstOrThrow()).n;
  if (records || children) throw appError('PRECONDITION_FAILED', 'errors.authority.delegationInUse', { id, records, children });
  await trx.deleteFrom('delegation').where('id', '=', id).execute();
  await trail.record({ entity: 'delegation', entityId: id, action: 'delete', before });
  return { id };
}

// ── approval records ────────────────────────────────────────────
export async function createApproval(trx: Executor, trail: Trail, input: Approval) {
  const matter = await q.getMatter(trx, input.matterId);
  if (!matter) throw notFound('authority_matter', input.matterId);
  await personName(trx, input.requesterId);
  const approverName = await personName(trx, input.approverId);
  if (matter.unit !== 'none' && input.amount == null) throw appError('BAD_REQUEST', 'errors.authority.amountRequired', { name: matter.name });
  if (input.viaDelegationId != null) {
    const d = await q.getDelegation(trx, input.viaDelegationId);
    if (!d) throw notFound('delegation', input.viaDelegationId);
    if (d.matter_id !== matter.id) throw appError('BAD_REQUEST', 'errors.authority.delegationOtherMatter', { id: d.id, name: matter.name });
    if (d.delegate_id !== input.approverId) throw appError('BAD_REQUEST', 'errors.authority.delegationNotToApprover', { id: d.id, person: approverName });
  }
  const dup = await trx
    .selectFrom('approval_record')
    .select('id')
    .where('matter_id', '=', matter.id)
    .where('reference_no', '=', input.referenceNo)
    .executeTakeFirst();
  if (dup) throw appError('CONFLICT', 'errors.authority.duplicateReference', { reference: input.referenceNo, name: matter.name });
  const row = await trx
    .insertInto('approval_record')
    .values({
      matter_id: matter.id,
      reference_no: input.referenceNo,
      requester_id: input.requesterId,
      approver_id: input.approverId,
      vendor: input.vendor,
      amount: matter.unit === 'none' ? null : input.amount,
      approved_on: input.approvedOn,
      executed_on: input.executedOn,
      minutes_ref: input.minutesRef,
      via_delegation_id: input.viaDelegationId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trail.record({ entity: 'approval_record', entityId: row.id, action: 'create', after: row });
  return camelRow(row);
}

export async function deleteApproval(trx: Executor, trail: Trail, id: number) {
  const before = await trx.selectFrom('approval_record').selectAll().where('id', '=', id).executeTakeFirst();
  if (!before) throw notFound('approval_record', id);
  await trx.deleteFrom('approval_record').where('id', '=', id).execute();
  await trail.record({ entity: 'approval_record', entityId: id, action: 'delete', before });
  return { id };
}

/** Undo one import: its records go, the batch row goes, the trail keeps what was removed. */
export async function deleteImport(trx: Executor, trail: Trail, id: number) {
  const before = await trx.selectFrom('approval_import').selectAll().where('id', '=', id).executeTakeFirst();
  if (!before) throw notFound('approval_import', id);
  const removed = await trx.deleteFrom('approval_record').where('import_batch_id', '=', id).executeTakeFirst();
  await trx.deleteFrom('approval_import').where('id', '=', id).execute();
  await trail.record({ entity: 'approval_import', entityId: id, action: 'delete', before, after: { removedRecords: Number(removed.numDeletedRows) } });
  return { id, removedRecords: Number(removed.numDeletedRows) };
}

/** The check's rows with each violation in words, in the caller's language. */
export async function checkWithMessages(db: Executor, locale: Locale, filter: CheckFilter) {
  const result = await checkApprovals(db, filter);
  const t = (key: string, params?: Record<string, unknown>) => translate(locale, key, params);
  return { ...result, rows: result.rows.map((r) => ({ ...r, message: describeViolation(r, t) })) };
}
