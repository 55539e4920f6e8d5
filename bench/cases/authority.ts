import { sql } from 'kysely';
import type { Database } from '../../server/db/connect.ts';
import { Trail } from '../../server/audit/trail.ts';
import { saveMatrix } from '../../server/authority/service.ts';
import { checkApprovals } from '../../server/authority/check.ts';
import type { BandInput } from '../../shared/authority.ts';
import { medianMs, type BenchCase } from '../harness.ts';

const RECORDS = 100_000;
const PEOPLE = 2_000;
const UNITS = 40;
const ITERATIONS = 9;
const BATCH = 1_000;

/** A deterministic pseudo-random sequence (mulberry32), so every run checks the same data. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const day = (offset: number) => new Date(Date.UTC(2026, 0, 1 + offset)).toISOString().slice(0, 10);

/**
 * An organisation of 2,000 people in 40 units (5 positions each, ranks 30–70, a GM at 95), with
 * acting and concurrent posts; four matters with versioned bands; 200 delegations (some
 * sub-delegated, some revoked); 100,000 approval records over a year, 15% through a delegation.
 */
export async function generateAuthorityData(database: Database) {
  const { db } = database;
  const random = mulberry32(42);
  const units = await db
    .insertInto('org_unit')
    .values(Array.from({ length: UNITS }, (_, i) => ({ code: `U${i}`, name: `单位 ${i}`, parent_id: null })))
    .returning('id')
    .execute();
  const ranks = [30, 35, 50, 60, 70];
  const positions = await db
    .insertInto('position')
    .values([
      { unit_id: units[0]!.id, code: 'GM', name: '总经理', level_rank: 95 },
      ...units.flatMap((u, i) => ranks.map((r, k) => ({ unit_id: u.id, code: `P${i}-${k}`, name: `岗位 ${i}-${k}`, level_rank: r }))),
    ])
    .returning(['id', 'level_rank'])
    .execute();
  const people: number[] = [];
  for (let i = 0; i < PEOPLE; i += BATCH) {
    const rows = await db
      .insertInto('person')
      .values(Array.from({ length: Math.min(BATCH, PEOPLE - i) }, (_, k) => ({ employee_no: `B${i + k}`, name: `员工 ${i + k}` })))
      .returning('id')
      .execute();
    people.push(...rows.map((r) => r.id));
  }
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const assignments = people.flatMap((personId, i) => {
    const position = i === 0 ? positions[0]! : positions[1 + (i % (positions.length - 1))]!;
    const rows: { person_id: number; position_id: number; kind: 'primary' | 'acting' | 'concurrent'; valid_from: string; valid_to: string | null }[] = [{ person_id: personId, position_id: position.id, kind: 'primary', valid_from: '2020-01-01', valid_to: random() < 0.1 ? day(Math.floor(random() * 365)) : null }];
    if (random() < 0.15) {
      const from = Math.floor(random() * 300);
      rows.push({ person_id: personId, position_id: pick(positions).id, kind: random() < 0.5 ? ('acting' as const) : ('concurrent' as const), valid_from: day(from), valid_to: day(from + 30 + Math.floor(random() * 60)) });
    }
    return rows;
  });
  for (let i = 0; i < assignments.length; i += BATCH) await db.insertInto('assignment').values(assignments.slice(i, i + BATCH)).execute();

  const matters = await db
    .insertInto('authority_matter')
    .values([
      { code: 'LEAVE', name: '请假', unit: 'days' },
      { code: 'EXPENSE', name: '费用报销', unit: 'CNY', split_window_days: 7 },
      { code: 'PAYMENT', name: '资金支付', unit: 'CNY', split_window_days: 30 },
      { code: 'CONTRACT', name: '合同签订', unit: 'CNY', non_delegable: true },
    ])
    .returning('id')
    .execute();
  const [leave, expense, payment, contract] = matters.map((m) => m.id) as [number, number, number, number];
  const rank = (lowerBound: number | null, upperBound: number | null, minLevelRank: number): BandInput => ({ lowerBound, upperBound, minLevelRank });
  const gm: BandInput = { lowerBound: null, upperBound: null, approverPositionId: positions[0]!.id };
  await db.transaction().execute(async (trx) => {
    const trail = new Trail(trx, { userId: null, username: 'bench' });
    const save = (matterId: number, effectiveFrom: string, bands: BandInput[]) =>
      saveMatrix(trx, trail, 'zh-CN', { matterId, effectiveFrom, bands: bands.map((b) => ({ approverPositionId: null, minLevelRank: null, mode: 'individual', decidingBody: null, quorum: null, ...b })) });
    await save(leave, '2026-01-01', [rank(null, 1, 60), rank(1, null, 70)]);
    await save(expense, '2026-01-01', [rank(0, 5_000, 50), rank(5_000, 50_000, 60), rank(50_000, 200_000, 70), { ...gm, lowerBound: 200_000 }]);
    await save(expense, '2026-07-01', [rank(0, 3_000, 50), rank(3_000, 50_000, 60), rank(50_000, 200_000, 70), { ...gm, lowerBound: 200_000 }]);
    await save(payment, '2026-01-01', [rank(0, 50_000, 60), rank(50_000, 500_000, 70), { ...gm, lowerBound: 500_000, upperBound: 5_000_000 }, { lowerBound: 5_000_000, upperBound: null, minLevelRank: 95, mode: 'collective', decidingBody: '总经理办公会', quorum: 5 }]);
    await save(contract, '2026-01-01', [rank(0, 100_000, 70), { ...gm, lowerBound: 100_000 }]);
  });

  // delegations: senior → anyone, within a month or two; a quarter passed on one level
  const seniors = people.filter((_, i) => i % (positions.length - 1) >= 3 * UNITS || i === 0);
  const delegationRows: { id: number; delegate_id: number; matter_id: number }[] = [];
  for (let i = 0; i < 200; i++) {
    const from = Math.floor(random() * 300);
    const parent = i % 4 === 3 ? delegationRows[i - 1] : undefined;
    const row = await db
      .insertInto('delegation')
      .values({
        delegator_id: parent ? parent.delegate_id : pick(seniors),
        delegate_id: pick(people),
        matter_id: parent ? parent.matter_id : pick([leave, expense, payment, contract]),
        cap: random() < 0.8 ? Math.round(random() * 300_000) + 1_000 : null,
        valid_from: day(from),
        valid_to: day(from + 30 + Math.floor(random() * 30)),
        revoked_at: random() < 0.1 ? `${day(from + 10)}T00:00:00Z` : null,
        max_depth: random() < 0.5 ? 1 : 0,
        parent_id: parent?.id ?? null,
      })
      .returning(['id', 'delegate_id', 'matter_id'])
      .executeTakeFirstOrThrow()
      .catch(() => null); // a random pair may collide with the self-delegation check
    if (row) delegationRows.push(row);
  }

  // amounts spread log-uniformly (1,000 … 3,000,000); most approvers are senior enough for their band
  const amountFor = (matterId: number) => (matterId === leave ? pick([0.5, 1, 1.5, 2, 3, 5]) : Math.round(10 ** (3 + random() * 3.5) * 100) / 100);
  const rankOf = new Map(assignments.filter((a) => a.kind === 'primary').map((a) => [a.person_id, positions.find((p) => p.id === a.position_id)!.level_rank]));
  const atLeast = new Map([50, 60, 70, 95].map((r) => [r, people.filter((p) => (rankOf.get(p) ?? 0) >= r)]));
  const neededRank = (matterId: number, amount: number) =>
    matterId === leave
      ? amount <= 1 ? 60 : 70
      : matterId === expense
        ? amount <= 3_000 ? 50 : amount <= 50_000 ? 60 : amount <= 200_000 ? 70 : 95
        : matterId === payment
          ? amount <= 50_000 ? 60 : amount <= 500_000 ? 70 : 95
          : amount <= 100_000 ? 70 : 95;
  const vendors = Array.from({ length: 20_000 }, (_, i) => `供应商 ${i}`);
  for (let i = 0; i < RECORDS; i += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, RECORDS - i) }, (_, k) => {
      const d = random() < 0.15 ? pick(delegationRows) : null;
      const matterId = d ? d.matter_id : pick([leave, expense, expense, payment, payment, contract]);
      const approvedOn = Math.floor(random() * 365);
      const amount = amountFor(matterId);
      return {
        matter_id: matterId,
        reference_no: `R${i + k}`,
        requester_id: pick(people),
        approver_id: d ? d.delegate_id : pick(random() < 0.9 ? atLeast.get(neededRank(matterId, amount))! : people),
        vendor: matterId === leave ? null : pick(vendors),
        amount,
        approved_on: day(approvedOn),
        executed_on: matterId === leave ? null : day(approvedOn + (random() < 0.97 ? 1 + Math.floor(random() * 10) : -3)),
        minutes_ref: random() < 0.7 ? `M-${i + k}` : null,
        via_delegation_id: d?.id ?? null,
      };
    });
    await db.insertInto('approval_record').values(rows).execute();
  }
  await sql`analyze`.execute(db);
  return { assignments: assignments.length, delegations: delegationRows.length, positions: positions.length };
}

/**
 * The full approval-record check (every violation kind, the split check as a window query, counts
 * per kind and the first page — what `authority.check` runs) against the plain join it cannot do
 * without: records ⋈ the approver's assignments in force on the date ⋈ the rule band of the amount.
 */
export const authorityCheck: BenchCase = {
  name: 'authority-check',
  async run({ database }) {
    const sizes = await generateAuthorityData(database);
    const { db } = database;
    const join = (on: Database['db']) =>
      sql<{ n: number }>`
        select count(*) as n from (
          select r.id
          from approval_record r
          join authority_rule ru on ru.matter_id = r.matter_id
            and ru.valid_from <= r.approved_on and (ru.valid_to is null or ru.valid_to >= r.approved_on)
            and (ru.lower_bound is null or coalesce(r.amount, 0) > ru.lower_bound)
            and (ru.upper_bound is null or coalesce(r.amount, 0) <= ru.upper_bound)
          left join position rp on rp.id = ru.approver_position_id
          join assignment a on a.person_id = r.approver_id
            and a.valid_from <= r.approved_on and (a.valid_to is null or a.valid_to >= r.approved_on)
          join position p on p.id = a.position_id
          group by r.id
          having not coalesce(bool_or(a.position_id = ru.approver_position_id or p.level_rank > rp.level_rank or p.level_rank >= ru.min_level_rank), false)
        ) below`.execute(on);
    const check = () => checkApprovals(db, { offset: 0, limit: 100 });
    const baseline = await medianMs(() => join(db), ITERATIONS, 1);
    const feature = await medianMs(check, ITERATIONS, 1);
    const joined = (await join(db)).rows[0]!.n;
    const result = await check();
    const counts = Object.entries(result.counts)
      .sort()
      .map(([k, n]) => `${k}:${n}`)
      .join(',');
    return {
      ratio: feature / baseline,
      details:
        `check_median_ms=${feature.toFixed(1)} join_median_ms=${baseline.toFixed(1)} records=${RECORDS} people=${PEOPLE} ` +
        `assignments=${sizes.assignments} positions=${sizes.positions} delegations=${sizes.delegations} ` +
        `violations=${result.total} join_below_band=${joined} counts=${counts} iterations=${ITERATIONS}`,
    };
  },
};
