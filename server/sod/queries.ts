import { sql, type SelectQueryBuilder } from 'kysely';
import type { Executor } from '../db/connect.ts';
import type { DB } from '../db/schema.ts';
import { ASSIGNMENT_KINDS } from '../../shared/org.ts';
import { isoOfDay, type AssignmentSpan, type SodRuleKind, type SodScope } from '../../shared/sod.ts';

/** Segregation-of-duties reads (Kysely only), in the API's camelCase shape. */

/**
 * The rows of `query` decoded from one JSON document: for the conflict check's bulk loads, where
 * decoding tens of thousands of rows one by one costs more than the check itself (about 4× on
 * PGlite). Only for columns whose JSON form is their API form: numbers, text, dates, arrays.
 */
// eslint-disable-next-line typescript/no-explicit-any -- any selection of any table: only the output type O matters
async function jsonRows<O>(db: Executor, query: SelectQueryBuilder<DB, any, O>): Promise<O[]> {
  const { rows } = await sql<{ rows: O[] }>`select coalesce(json_agg(t), '[]'::json) as rows from (${query}) as t`.execute(db);
  return rows[0]!.rows;
}

const ruleColumns = [
  'r.id',
  'r.code',
  'r.kind',
  'r.duty_a as dutyA',
  'r.duty_b as dutyB',
  'r.position_a as positionA',
  'r.position_b as positionB',
  'r.scope',
  'r.risk',
  'r.rationale',
  'r.basis',
  'r.active',
  'r.updated_at as updatedAt',
] as const;

export function listRules(db: Executor) {
  return db
    .selectFrom('sod_rule as r')
    .leftJoin('position as pa', 'pa.id', 'r.position_a')
    .leftJoin('position as pb', 'pb.id', 'r.position_b')
    .select([...ruleColumns, 'pa.name as positionAName', 'pb.name as positionBName'])
    .select((eb) =>
      eb
        .selectFrom('sod_mitigation as m')
        .whereRef('m.rule_id', '=', 'r.id')
        .where('m.revoked_at', 'is', null)
        .where('m.expires_on', '>=', sql<string>`current_date`)
        .where('m.valid_from', '<=', sql<string>`current_date`)
        .select(eb.fn.countAll<number>().as('n'))
        .as('liveMitigations'),
    )
    .orderBy('r.code')
    .execute();
}

export type RuleRow = Awaited<ReturnType<typeof listRules>>[number];

export function getRule(db: Executor, id: number) {
  return db.selectFrom('sod_rule').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The rule already covering this unordered pair in this scope, if any (other than `exceptId`). */
export function findRuleForPair(
  db: Executor,
  r: { kind: SodRuleKind; scope: SodScope; dutyA: string | null; dutyB: string | null; positionA: number | null; positionB: number | null },
  exceptId: number | null,
) {
  let q = db.selectFrom('sod_rule').select(['id', 'code']).where('kind', '=', r.kind).where('scope', '=', r.scope);
  q =
    r.kind === 'duty'
      ? q.where((w) =>
          w.or([
            w.and([w('duty_a', '=', r.dutyA), w('duty_b', '=', r.dutyB)]),
            w.and([w('duty_a', '=', r.dutyB), w('duty_b', '=', r.dutyA)]),
          ]),
        )
      : q.where((w) =>
          w.or([
            w.and([w('position_a', '=', r.positionA), w('position_b', '=', r.positionB)]),
            w.and([w('position_a', '=', r.positionB), w('position_b', '=', r.positionA)]),
          ]),
        );
  if (exceptId != null) q = q.where('id', '<>', exceptId);
  return q.executeTakeFirst();
}

/** Positions with unit and duty codes (in duty display order). */
export function loadPositions(db: Executor) {
  return jsonRows(
    db,
    db
      .selectFrom('position as p')
      .innerJoin('org_unit as u', 'u.id', 'p.unit_id')
      .select([
        'p.id',
        'p.code',
        'p.name',
        'p.unit_id as unitId',
        'u.name as unitName',
        sql<string[]>`coalesce((select array_agg(d.duty_code order by c.sort_order, c.code) from position_duty d join duty_category c on c.code = d.duty_code where d.position_id = p.id), '{}')`.as(
          'duties',
        ),
      ]),
  );
}
export type PositionRow = Awaited<ReturnType<typeof loadPositions>>[number];

/**
 * Assignments by person, then start (the people sweep's order; it re-sorts if that was lost),
 * optionally of one person. At 30,000 assignments the row-by-row decoding (and PostgreSQL's date
 * output) cost more than the sweep itself, so they travel as one text of integers: id, person,
 * position, kind index, and the dates as day numbers (the end -1 when open).
 */
export async function loadAssignments(db: Executor, filter: { personId?: number }): Promise<AssignmentSpan[]> {
  const { rows } = await sql<{ packed: string | null }>`
    select string_agg(concat_ws(',', a.id, a.person_id, a.position_id, array_position(${sql.val([...ASSIGNMENT_KINDS])}::text[], a.kind::text),
                                a.valid_from - date '1970-01-01', coalesce(a.valid_to - date '1970-01-01', -1)), ','
                      order by a.person_id, a.valid_from, a.id) as packed
    from assignment a
    where ${filter.personId == null ? sql`true` : sql`a.person_id = ${filter.personId}`}`.execute(db);
  const packed = rows[0]?.packed;
  if (!packed) return [];
  // read the integers in place: splitting would make 180,000 short-lived strings
  const out: AssignmentSpan[] = [];
  const field = [0, 0, 0, 0, 0, 0];
  let k = 0;
  let n = 0;
  let sign = 1;
  for (let i = 0; i <= packed.length; i++) {
    const ch = i < packed.length ? packed.charCodeAt(i) : 44;
    if (ch === 45) sign = -1; // '-'
    else if (ch !== 44) n = n * 10 + ch - 48; // a digit
    else {
      field[k++] = sign * n;
      n = 0;
      sign = 1;
      if (k === 6) {
        k = 0;
        out.push({
          id: field[0]!,
          personId: field[1]!,
          positionId: field[2]!,
          kind: ASSIGNMENT_KINDS[field[3]! - 1]!,
          validFrom: isoOfDay(field[4]!),
          validTo: field[5]! < 0 ? null : isoOfDay(field[5]!),
        });
      }
    }
  }
  return out;
}

/** Employee number and name of these people. */
export async function loadPeopleNames(db: Executor, ids: number[]) {
  if (ids.length === 0) return new Map<number, { name: string; employeeNo: string }>();
  const rows = await jsonRows(
    db,
    db.selectFrom('person').select(['id', 'name', 'employee_no as employeeNo']).where(sql<boolean>`id = any(${ids})`),
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** Controls with an owner position and a checked duty (the only ones the owner check can flag). */
export function loadControls(db: Executor, filter: { manualId?: number }) {
  let q = db
    .selectFrom('control as c')
    .innerJoin('manual_node as n', 'n.id', 'c.node_id')
    .select(['c.node_id as controlId', 'c.manual_id as manualId', 'n.title', 'c.owner_position_id as positionId', 'c.checked_duty as checkedDuty'])
    .where('c.owner_position_id', 'is not', null)
    .where('c.checked_duty', 'is not', null)
    .orderBy('c.manual_id')
    .orderBy('c.node_id');
  if (filter.manualId != null) q = q.where('c.manual_id', '=', filter.manualId);
  return q.execute();
}

const mitigationColumns = [
  'm.id',
  'm.conflict_key as conflictKey',
  'm.conflict_kind as conflictKind',
  'm.rule_id as ruleId',
  'm.subject',
  'm.mitigating_control as mitigatingControl',
  'm.control_node_id as controlNodeId',
  'm.valid_from as validFrom',
  'm.expires_on as expiresOn',
  'm.created_by as createdBy',
  'm.created_at as createdAt',
  'm.revoked_at as revokedAt',
  'm.revoked_by as revokedBy',
  'm.revoke_reason as revokeReason',
] as const;

/** Mitigations not revoked (live or lapsed): what conflict statuses are judged on. */
export function loadStandingMitigations(db: Executor, filter: { keyPrefix?: string } = {}) {
  let q = db.selectFrom('sod_mitigation as m').select(mitigationColumns).where('m.revoked_at', 'is', null);
  if (filter.keyPrefix) q = q.where('m.conflict_key', 'like', `${filter.keyPrefix}%`);
  return q.execute();
}
export type MitigationRow = Awaited<ReturnType<typeof loadStandingMitigations>>[number];

/** Every mitigation ever recorded, newest first, with the control node's title. */
export function listMitigations(db: Executor) {
  return db
    .selectFrom('sod_mitigation as m')
    .leftJoin('sod_rule as r', 'r.id', 'm.rule_id')
    .leftJoin('manual_node as n', 'n.id', 'm.control_node_id')
    .select([...mitigationColumns, 'r.code as ruleCode', 'n.title as controlTitle'])
    .orderBy('m.created_at', 'desc')
    .orderBy('m.id', 'desc')
    .execute();
}

export function getMitigation(db: Executor, id: number) {
  return db.selectFrom('sod_mitigation').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listDutyCategories(db: Executor) {
  return db
    .selectFrom('duty_category as c')
    .select((eb) => [
      'c.code',
      'c.name_zh as nameZh',
      'c.name_en as nameEn',
      'c.builtin',
      'c.sort_order as sortOrder',
      eb.selectFrom('position_duty as d').whereRef('d.duty_code', '=', 'c.code').select(eb.fn.countAll<number>().as('n')).as('positionCount'),
      eb
        .selectFrom('sod_rule as r')
        .where((w) => w.or([w('r.duty_a', '=', w.ref('c.code')), w('r.duty_b', '=', w.ref('c.code'))]))
        .select(eb.fn.countAll<number>().as('n'))
        .as('ruleCount'),
    ])
    .orderBy('c.sort_order')
    .orderBy('c.code')
    .execute();
}

export function getDutyCategory(db: Executor, code: string) {
  return db.selectFrom('duty_category').selectAll().where('code', '=', code).executeTakeFirst();
}

export function listUnitParents(db: Executor) {
  return db.selectFrom('org_unit').select(['id', 'parent_id as parentId']).execute();
}
