import { sql } from 'kysely';
import type { Db } from '../../server/db/connect.ts';
import { checkConflicts } from '../../server/sod/service.ts';
import { BUILTIN_DUTIES } from '../../shared/org.ts';
import { RISK_LEVELS } from '../../shared/sod.ts';
import { addDays } from '../../shared/dates.ts';
import { medianMs, type BenchCase } from '../harness.ts';

const PEOPLE = 10_000;
const UNITS = 100;
const POSITIONS = 3_000;
const RULES = 200;
const EXTRA_DUTIES = 15; // 6 builtin + 15 = 21 duties → 210 distinct pairs, 200 of them rules
const ITERATIONS = 5;

/** Deterministic PRNG (mulberry32): the same fixture on every run and backend. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Multi-row inserts in chunks under the 65,535-parameter limit. */
async function insertChunked<T extends Record<string, unknown>>(db: Db, table: string, rows: T[], columns: number) {
  const size = Math.floor(60_000 / columns);
  for (let i = 0; i < rows.length; i += size) {
    await db
      .insertInto(table as 'person')
      .values(rows.slice(i, i + size) as never)
      .execute();
  }
}

export async function buildFixture(db: Db) {
  const rand = prng(20261123);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const extra = Array.from({ length: EXTRA_DUTIES }, (_, i) => `bench_${String(i + 1).padStart(2, '0')}`);
  await insertChunked(
    db,
    'duty_category',
    extra.map((code, i) => ({ code, name_zh: `职责${i + 1}`, name_en: `Duty ${i + 1}`, builtin: false, sort_order: 100 + i })),
    5,
  );
  const duties = [...BUILTIN_DUTIES, ...extra];
  const pairs: [string, string][] = [];
  for (let i = 0; i < duties.length; i++) for (let j = i + 1; j < duties.length; j++) pairs.push([duties[i]!, duties[j]!]);
  await insertChunked(
    db,
    'sod_rule',
    pairs.slice(0, RULES).map(([a, b], i) => ({
      code: `B-${String(i + 1).padStart(3, '0')}`,
      kind: 'duty',
      duty_a: a,
      duty_b: b,
      scope: 'same_person',
      risk: RISK_LEVELS[i % RISK_LEVELS.length],
      rationale: 'bench',
    })),
    7,
  );

  await insertChunked(db, 'org_unit', Array.from({ length: UNITS }, (_, i) => ({ code: `U${i}`, name: `单位${i}` })), 2);
  const unitIds = (await db.selectFrom('org_unit').select('id').execute()).map((u) => u.id);
  await insertChunked(
    db,
    'position',
    Array.from({ length: POSITIONS }, (_, i) => ({ unit_id: unitIds[i % unitIds.length]!, code: `P${i}`, name: `岗位${i}`, level_rank: 1 + (i % 90) })),
    4,
  );
  const positionIds = (await db.selectFrom('position').select('id').orderBy('id').execute()).map((p) => p.id);
  const positionDuties: { position_id: number; duty_code: string }[] = [];
  for (const id of positionIds) {
    const first = pick(duties);
    positionDuties.push({ position_id: id, duty_code: first });
    if (rand() < 0.4) {
      const second = pick(duties);
      if (second !== first) positionDuties.push({ position_id: id, duty_code: second });
    }
  }
  await insertChunked(db, 'position_duty', positionDuties, 2);

  await insertChunked(db, 'person', Array.from({ length: PEOPLE }, (_, i) => ({ employee_no: `B${i}`, name: `员工${i}` })), 2);
  const personIds = (await db.selectFrom('person').select('id').orderBy('id').execute()).map((p) => p.id);
  // Per person: a primary post, a later primary post, and an acting or concurrent post that
  // overlaps one or both of them — or, now and then, neither.
  const assignments: Record<string, unknown>[] = [];
  for (const personId of personIds) {
    const start = addDays('2015-01-01', Math.floor(rand() * 2500));
    const firstEnd = addDays(start, 200 + Math.floor(rand() * 1500));
    assignments.push({ person_id: personId, position_id: pick(positionIds), kind: 'primary', valid_from: start, valid_to: firstEnd });
    assignments.push({ person_id: personId, position_id: pick(positionIds), kind: 'primary', valid_from: addDays(firstEnd, 1), valid_to: null });
    const concurrent = rand() < 0.5;
    const sideFrom = addDays(start, Math.floor(rand() * 2500) - 100);
    const sideTo = concurrent && rand() < 0.4 ? null : addDays(sideFrom, 10 + Math.floor(rand() * 300));
    assignments.push({ person_id: personId, position_id: pick(positionIds), kind: concurrent ? 'concurrent' : 'acting', valid_from: sideFrom, valid_to: sideTo });
  }
  await insertChunked(db, 'assignment', assignments, 5);
  await sql`analyze`.execute(db);
  return { assignments: assignments.length, positionDuties: positionDuties.length, duties: duties.length };
}

/**
 * The same question in one SQL statement: per person, pairs of overlapping assignments (inclusive
 * dates, null = open) in different positions whose duties match an active rule, with the overlap.
 */
export function sqlJoin(db: Db) {
  return sql<{ n: number }>`
    select a1.person_id, a1.id as first_id, a2.id as second_id, r.id as rule_id,
           greatest(a1.valid_from, a2.valid_from) as overlap_from,
           nullif(least(coalesce(a1.valid_to, 'infinity'::date), coalesce(a2.valid_to, 'infinity'::date)), 'infinity'::date) as overlap_to
    from assignment a1
    join assignment a2 on a2.person_id = a1.person_id and a1.id < a2.id and a1.position_id <> a2.position_id
         and a1.valid_from <= coalesce(a2.valid_to, 'infinity'::date) and a2.valid_from <= coalesce(a1.valid_to, 'infinity'::date)
    join position_duty d1 on d1.position_id = a1.position_id
    join position_duty d2 on d2.position_id = a2.position_id
    join sod_rule r on r.active and r.kind = 'duty'
         and least(r.duty_a, r.duty_b) = least(d1.duty_code, d2.duty_code)
         and greatest(r.duty_a, r.duty_b) = greatest(d1.duty_code, d2.duty_code)
    group by a1.person_id, a1.id, a2.id, r.id`.execute(db);
}

export const sodPeople: BenchCase = {
  name: 'sod-people',
  async run({ database }) {
    const { db } = database;
    const t0 = performance.now();
    const fixture = await buildFixture(db);
    const setupMs = performance.now() - t0;

    const feature = await checkConflicts(db, { kind: 'people' });
    const join = await sqlJoin(db);
    if (feature.conflicts.length !== join.rows.length) {
      throw new Error(`people check found ${feature.conflicts.length} conflicts, the SQL join ${join.rows.length}`);
    }
    const baselineMs = await medianMs(() => sqlJoin(db), ITERATIONS, 1);
    const featureMs = await medianMs(() => checkConflicts(db, { kind: 'people' }), ITERATIONS, 1);
    return {
      ratio: featureMs / baselineMs,
      details:
        `people_check_median_ms=${featureMs.toFixed(1)} sql_join_median_ms=${baselineMs.toFixed(1)} conflicts=${feature.conflicts.length} ` +
        `people=${PEOPLE} assignments=${fixture.assignments} positions=${POSITIONS} position_duties=${fixture.positionDuties} ` +
        `duties=${fixture.duties} rules=${RULES} setup_ms=${setupMs.toFixed(0)} iterations=${ITERATIONS}`,
    };
  },
};
