import { sql } from 'kysely';
import type { Executor } from '../db/connect.ts';

/** Organisation reads (Kysely only). Rows come out in the API's camelCase shape. */

export function listUnits(db: Executor) {
  return db
    .selectFrom('org_unit as u')
    .select((eb) => [
      'u.id',
      'u.parent_id as parentId',
      'u.code',
      'u.name',
      'u.sort_order as sortOrder',
      'u.updated_at as updatedAt',
      eb.selectFrom('position as p').whereRef('p.unit_id', '=', 'u.id').select(eb.fn.countAll<number>().as('n')).as('positionCount'),
    ])
    .orderBy('u.sort_order')
    .orderBy('u.code')
    .execute();
}

export function getUnit(db: Executor, id: number) {
  return db.selectFrom('org_unit').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listPositions(db: Executor, filter: { unitId?: number }) {
  let q = db
    .selectFrom('position as p')
    .innerJoin('org_unit as u', 'u.id', 'p.unit_id')
    .select((eb) => [
      'p.id',
      'p.unit_id as unitId',
      'u.name as unitName',
      'p.code',
      'p.name',
      'p.level_rank as levelRank',
      'p.updated_at as updatedAt',
      sql<string[]>`coalesce((select array_agg(d.duty_code order by c.sort_order) from position_duty d join duty_category c on c.code = d.duty_code where d.position_id = p.id), '{}')`.as(
        'duties',
      ),
      eb
        .selectFrom('assignment as a')
        .whereRef('a.position_id', '=', 'p.id')
        .where((w) => w.or([w('a.valid_to', 'is', null), w('a.valid_to', '>=', sql<string>`current_date`)]))
        .select(eb.fn.countAll<number>().as('n'))
        .as('currentHolders'),
    ])
    .orderBy('u.sort_order')
    .orderBy('p.level_rank', 'desc')
    .orderBy('p.code');
  if (filter.unitId) q = q.where('p.unit_id', '=', filter.unitId);
  return q.execute();
}

export function getPosition(db: Executor, id: number) {
  return db.selectFrom('position').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A position's duty codes in the duty categories' display order (as listPositions gives them). */
export async function positionDuties(db: Executor, positionId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('position_duty as d')
    .innerJoin('duty_category as c', 'c.code', 'd.duty_code')
    .select('d.duty_code')
    .where('d.position_id', '=', positionId)
    .orderBy('c.sort_order')
    .orderBy('c.code')
    .execute();
  return rows.map((r) => r.duty_code);
}

export function listPeople(db: Executor) {
  return db
    .selectFrom('person as p')
    .select((eb) => [
      'p.id',
      'p.employee_no as employeeNo',
      'p.name',
      'p.email',
      'p.active',
      'p.updated_at as updatedAt',
      eb
        .selectFrom('assignment as a')
        .innerJoin('position as pos', 'pos.id', 'a.position_id')
        .whereRef('a.person_id', '=', 'p.id')
        .where('a.kind', '=', 'primary')
        .where('a.valid_from', '<=', sql<string>`current_date`)
        .where((w) => w.or([w('a.valid_to', 'is', null), w('a.valid_to', '>=', sql<string>`current_date`)]))
        .select('pos.name')
        .limit(1)
        .as('primaryPosition'),
    ])
    .orderBy('p.employee_no')
    .execute();
}

export function getPerson(db: Executor, id: number) {
  return db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listAssignments(db: Executor, filter: { personId?: number; positionId?: number }) {
  let q = db
    .selectFrom('assignment as a')
    .innerJoin('person as pe', 'pe.id', 'a.person_id')
    .innerJoin('position as po', 'po.id', 'a.position_id')
    .innerJoin('org_unit as u', 'u.id', 'po.unit_id')
    .select([
      'a.id',
      'a.person_id as personId',
      'pe.name as personName',
      'pe.employee_no as employeeNo',
      'a.position_id as positionId',
      'po.name as positionName',
      'u.name as unitName',
      'a.kind',
      'a.valid_from as validFrom',
      'a.valid_to as validTo',
      'a.updated_at as updatedAt',
    ])
    .orderBy('pe.employee_no')
    .orderBy('a.valid_from');
  if (filter.personId) q = q.where('a.person_id', '=', filter.personId);
  if (filter.positionId) q = q.where('a.position_id', '=', filter.positionId);
  return q.execute();
}

export function getAssignment(db: Executor, id: number) {
  return db.selectFrom('assignment').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listDutyCategories(db: Executor) {
  return db
    .selectFrom('duty_category')
    .select(['code', 'name_zh as nameZh', 'name_en as nameEn', 'builtin'])
    .orderBy('sort_order')
    .orderBy('code')
    .execute();
}
