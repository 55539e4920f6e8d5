import { sql } from 'kysely';
import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import { appError, notFound } from '../errors.ts';
import {
  rangesOverlap,
  wouldCreateCycle,
  type assignmentInput,
  type personInput,
  type positionInput,
  type unitInput,
} from '../../shared/org.ts';
import type { z } from 'zod';
import * as q from './queries.ts';
import { camelRow } from '../db/camel.ts';

/**
 * Organisation changes. Each function runs inside the caller's transaction (writeProcedure)
 * and records before/after in the trail.
 */

type Unit = z.output<typeof unitInput>;
type Position = z.output<typeof positionInput>;
type Person = z.output<typeof personInput>;
type Assignment = z.output<typeof assignmentInput>;

const now = () => sql<string>`now()`;
const listNames = (rows: { name: string }[], max = 5) =>
  rows.slice(0, max).map((r) => r.name).join('、') + (rows.length > max ? '…' : '');

// ── units ───────────────────────────────────────────────────────
async function assertParentAllowed(trx: Executor, id: number | null, parentId: number | null) {
  if (parentId == null) return;
  const units = await trx.selectFrom('org_unit').select(['id', 'parent_id']).execute();
  const parentOf = new Map(units.map((u) => [u.id, u.parent_id]));
  if (!parentOf.has(parentId)) throw notFound('org_unit', parentId);
  if (id != null && wouldCreateCycle(parentOf, id, parentId)) throw appError('BAD_REQUEST', 'errors.unit.cycle');
}

export async function createUnit(trx: Executor, trail: Trail, input: Unit) {
  await assertParentAllowed(trx, null, input.parentId);
  const row = await trx
    .insertInto('org_unit')
    .values({ parent_id: input.parentId, code: input.code, name: input.name, sort_order: input.sortOrder })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trail.record({ entity: 'org_unit', entityId: row.id, action: 'create', after: row });
  return camelRow(row);
}

export async function updateUnit(trx: Executor, trail: Trail, id: number, input: Unit) {
  const before = await q.getUnit(trx, id);
  if (!before) throw notFound('org_unit', id);
  await assertParentAllowed(trx, id, input.parentId);
  const after = await trx
    .updateTable('org_unit')
    .set({ parent_id: input.parentId, code: input.code, name: input.name, sort_order: input.sortOrder, updated_at: now() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trail.record({ entity: 'org_unit', entityId: id, action: 'update', before, after });
  return camelRow(after);
}

export async function deleteUnit(trx: Executor, trail: Trail, id: number) {
  const before = await q.getUnit(trx, id);
  if (!before) throw notFound('org_unit', id);
  const children = await trx.selectFrom('org_unit').select('name').where('parent_id', '=', id).execute();
  if (children.length) {
    throw appError('PRECONDITION_FAILED', 'errors.unit.hasChildren', {
      name: before.name,
      count: children.length,
      names: listNames(children),
    });
  }
  const positions = await trx.selectFrom('position').select('name').where('unit_id', '=', id).execute();
  if (positions.length) {
    throw appError('PRECONDITION_FAILED', 'errors.unit.hasPositions', {
      name: before.name,
      count: positions.length,
      names: listNames(positions),
    });
  }
  await trx.deleteFrom('org_unit').where('id', '=', id).execute();
  await trail.record({ entity: 'org_unit', entityId: id, action: 'delete', before });
  return { id };
}

// ── positions ───────────────────────────────────────────────────
async function setDuties(trx: Executor, positionId: number, duties: string[]) {
  const wanted = [...new Set(duties)];
  if (wanted.length) {
    const known = await trx.selectFrom('duty_category').select('code').where('code', 'in', wanted).execute();
    const unknown = wanted.filter((d) => !known.some((k) => k.code === d));
    if (unknown.length) throw appError('BAD_REQUEST', 'errors.position.unknownDuty', { codes: unknown.join(', ') });
  }
  await trx.deleteFrom('position_duty').where('position_id', '=', positionId).execute();
  if (wanted.length) {
    await trx
      .insertInto('position_duty')
      .values(wanted.map((duty_code) => ({ position_id: positionId, duty_code })))
      .execute();
  }
  return q.positionDuties(trx, positionId);
}

export async function createPosition(trx: Executor, trail: Trail, input: Position) {
  if (!(await q.getUnit(trx, input.unitId))) throw notFound('org_unit', input.unitId);
  const row = await trx
    .insertInto('position')
    .values({ unit_id: input.unitId, code: input.code, name: input.name, level_rank: input.levelRank })
    .returningAll()
    .executeTakeFirstOrThrow();
  const duties = await setDuties(trx, row.id, input.duties);
  const after = { ...row, duties };
  await trail.record({ entity: 'position', entityId: row.id, action: 'create', after });
  return camelRow(after);
}

export async function updatePosition(trx: Executor, trail: Trail, id: number, input: Position) {
  const row = await q.getPosition(trx, id);
  if (!row) throw notFound('position', id);
  if (!(await q.getUnit(trx, input.unitId))) throw notFound('org_unit', input.unitId);
  const before = { ...row, duties: await q.positionDuties(trx, id) };
  const updated = await trx
    .updateTable('position')
    .set({ unit_id: input.unitId, code: input.code, name: input.name, level_rank: input.levelRank, updated_at: now() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = { ...updated, duties: await setDuties(trx, id, input.duties) };
  await trail.record({ entity: 'position', entityId: id, action: 'update', before, after });
  return camelRow(after);
}

export async function deletePosition(trx: Executor, trail: Trail, id: number) {
  const row = await q.getPosition(trx, id);
  if (!row) throw notFound('position', id);
  const holders = await trx
    .selectFrom('assignment as a')
    .innerJoin('person as p', 'p.id', 'a.person_id')
    .select('p.name')
    .where('a.position_id', '=', id)
    .execute();
  if (holders.length) {
    throw appError('PRECONDITION_FAILED', 'errors.position.hasAssignments', {
      name: row.name,
      count: holders.length,
      names: listNames(holders),
    });
  }
  const before = { ...row, duties: await q.positionDuties(trx, id) };
  await trx.deleteFrom('position').where('id', '=', id).execute(); // duties cascade
  await trail.record({ entity: 'position', entityId: id, action: 'delete', before });
  return { id };
}

// ── people ──────────────────────────────────────────────────────
export async function createPerson(trx: Executor, trail: Trail, input: Person) {
  const row = await trx
    .insertInto('person')
    .values({ employee_no: input.employeeNo, name: input.name, email: input.email, active: input.active })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trail.record({ entity: 'person', entityId: row.id, action: 'create', after: row });
  return camelRow(row);
}

export async function updatePerson(trx: Executor, trail: Trail, id: number, input: Person) {
  const before = await q.getPerson(trx, id);
  if (!before) throw notFound('person', id);
  const after = await trx
    .updateTable('person')
    .set({ employee_no: input.employeeNo, name: input.name, email: input.email, active: input.active, updated_at: now() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trail.record({ entity: 'person', entityId: id, action: 'update', before, after });
  return camelRow(after);
}

export async function deletePerson(trx: Executor, trail: Trail, id: number) {
  const before = await q.getPerson(trx, id);
  if (!before) throw notFound('person', id);
  const assignments = await trx.selectFrom('assignment').select('id').where('person_id', '=', id).execute();
  if (assignments.length) {
    throw appError('PRECONDITION_FAILED', 'errors.person.hasAssignments', { name: before.name, count: assignments.length });
  }
  const user = await trx.selectFrom('app_user').select('username').where('person_id', '=', id).executeTakeFirst();
  if (user) throw appError('PRECONDITION_FAILED', 'errors.person.hasUser', { name: before.name, username: user.username });
  await trx.deleteFrom('person').where('id', '=', id).execute();
  await trail.record({ entity: 'person', entityId: id, action: 'delete', before });
  return { id };
}

// ── assignments ─────────────────────────────────────────────────
/** One primary position at a time per person. */
async function assertNoPrimaryOverlap(trx: Executor, input: Assignment, exceptId: number | null) {
  if (input.kind !== 'primary') return;
  const others = await trx
    .selectFrom('assignment as a')
    .innerJoin('position as p', 'p.id', 'a.position_id')
    .innerJoin('person as pe', 'pe.id', 'a.person_id')
    .select(['a.id', 'a.valid_from', 'a.valid_to', 'p.name as position', 'pe.name as person'])
    .where('a.person_id', '=', input.personId)
    .where('a.kind', '=', 'primary')
    .execute();
  const clash = others.find(
    (o) =>
      o.id !== exceptId &&
      rangesOverlap({ validFrom: o.valid_from, validTo: o.valid_to }, { validFrom: input.validFrom, validTo: input.validTo }),
  );
  if (clash) {
    throw appError('CONFLICT', 'errors.assignment.primaryOverlap', {
      person: clash.person,
      position: clash.position,
      from: clash.valid_from,
      to: clash.valid_to ?? '…',
    });
  }
}

async function assertAssignmentRefs(trx: Executor, input: Assignment) {
  if (!(await q.getPerson(trx, input.personId))) throw notFound('person', input.personId);
  if (!(await q.getPosition(trx, input.positionId))) throw notFound('position', input.positionId);
}

export async function createAssignment(trx: Executor, trail: Trail, input: Assignment) {
  await assertAssignmentRefs(trx, input);
  // Serialise assignment writes per person so two concurrent primaries cannot both pass the check.
  await trx.selectFrom('person').select('id').where('id', '=', input.personId).forUpdate().execute();
  await assertNoPrimaryOverlap(trx, input, null);
  const row = await trx
    .insertInto('assignment')
    .values({
      person_id: input.personId,
      position_id: input.positionId,
      kind: input.kind,
      valid_from: input.validFrom,
      valid_to: input.validTo,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trail.record({ entity: 'assignment', entityId: row.id, action: 'create', after: row });
  return camelRow(row);
}

export async function updateAssignment(trx: Executor, trail: Trail, id: number, input: Assignment) {
  const before = await q.getAssignment(trx, id);
  if (!before) throw notFound('assignment', id);
  await assertAssignmentRefs(trx, input);
  await trx.selectFrom('person').select('id').where('id', '=', input.personId).forUpdate().execute();
  await assertNoPrimaryOverlap(trx, input, id);
  const after = await trx
    .updateTable('assignment')
    .set({
      person_id: input.personId,
      position_id: input.positionId,
      kind: input.kind,
      valid_from: input.validFrom,
      valid_to: input.validTo,
      updated_at: now(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trail.record({ entity: 'assignment', entityId: id, action: 'update', before, after });
  return camelRow(after);
}

export async function deleteAssignment(trx: Executor, trail: Trail, id: number) {
  const before = await q.getAssignment(trx, id);
  if (!before) throw notFound('assignment', id);
  await trx.deleteFrom('assignment').where('id', '=', id).execute();
  await trail.record({ entity: 'assignment', entityId: id, action: 'delete', before });
  return { id };
}
