import { sql } from 'kysely';
import type { Database } from '../../server/db/connect.ts';
import { Trail } from '../../server/audit/trail.ts';
import { saveMatrix } from '../../server/authority/service.ts';
import { applyCheckSettings, checkApprovals } from '../../server/authority/check.ts';
import { MAX_CHAIN, type BandInput } from '../../shared/authority.ts';
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
 * The same question in plain SQL, written independently of server/authority/check.ts: one
 * statement per family of violations, each straight from the tables — the delegation chain by a
 * recursive CTE, the record-level kinds and the band test by joins, split sets by a self-join of
 * each approval day with the records of its partition up to the matter's window later.
 * Returns the count per kind, which the benchmark compares with the check's.
 */
const CHAIN = sql`
  chain (start_id, id, parent_id, level, persons, cyc) as (
    select d.id, d.id, d.parent_id, 0, array[d.delegate_id, d.delegator_id], false from delegation d
    union all
    select c.start_id, p.id, p.parent_id, c.level + 1, c.persons || p.delegator_id, p.delegator_id = any(c.persons)
    from chain c join delegation p on p.id = c.parent_id
    where not c.cyc and c.level < ${sql.lit(MAX_CHAIN)}
  ),
  top (start_id, root_id) as (
    select distinct on (c.start_id) c.start_id, d.delegator_id from chain c join delegation d on d.id = c.id order by c.start_id, c.level desc
  )`;

/** The band of a record's amount in force on its date (amount null counts as 0). */
const BAND = sql`ru.matter_id = r.matter_id and ru.valid_from <= r.approved_on and (ru.valid_to is null or ru.valid_to >= r.approved_on)
  and (ru.lower_bound is null or coalesce(r.amount, 0) > ru.lower_bound) and (ru.upper_bound is null or coalesce(r.amount, 0) <= ru.upper_bound)`;

const plainStatements = [
  // kinds of the record itself
  sql<{ kind: string; n: number }>`
    with recursive ${CHAIN}
    select kind, count(*)::int as n from (
      select unnest(array[
        case when ru.id is null then 'no_rule' end,
        case when r.via_delegation_id is not null and m.non_delegable then 'non_delegable' end,
        case when (m.requires_minutes or ru.mode = 'collective') and nullif(btrim(r.minutes_ref), '') is null then 'missing_minutes' end,
        case when r.approved_on > r.executed_on then 'approved_after_execution' end,
        case when r.requester_id in (r.approver_id, coalesce(t.root_id, r.approver_id)) then 'self_approval' end
      ]) as kind
      from approval_record r
      join authority_matter m on m.id = r.matter_id
      left join top t on t.start_id = r.via_delegation_id
      left join authority_rule ru on ${BAND}
    ) x where kind is not null group by kind`,
  // the band: the authority holder's assignments in force that day, none satisfying it
  sql<{ kind: string; n: number }>`
    with recursive ${CHAIN}
    select 'below_band' as kind, count(*)::int as n from (
      select r.id
      from approval_record r
      left join top t on t.start_id = r.via_delegation_id
      join authority_rule ru on ${BAND}
      left join position rp on rp.id = ru.approver_position_id
      left join (assignment a join position p on p.id = a.position_id)
        on a.person_id = coalesce(t.root_id, r.approver_id) and a.valid_from <= r.approved_on and (a.valid_to is null or a.valid_to >= r.approved_on)
      group by r.id
      having not coalesce(bool_or(a.position_id = ru.approver_position_id or p.level_rank > rp.level_rank or p.level_rank >= ru.min_level_rank), false)
    ) below`,
  // the delegation chain of each delegated record
  sql<{ kind: string; n: number }>`
    with recursive ${CHAIN}
    select k.kind, count(*)::int as n from (
      select r.id,
             bool_or(r.approved_on < d.valid_from or r.approved_on > d.valid_to) as expired,
             bool_or((d.revoked_at at time zone 'UTC')::date <= r.approved_on) as revoked,
             bool_or(coalesce(r.amount, 0) > d.cap) as over_cap,
             bool_or(c.level > 0 and d.max_depth < c.level) as too_deep,
             bool_or(c.cyc) as cycle
      from approval_record r join chain c on c.start_id = r.via_delegation_id join delegation d on d.id = c.id
      group by r.id
    ) x cross join lateral (values ('delegation_expired', x.expired), ('delegation_revoked', x.revoked), ('delegation_over_cap', x.over_cap),
                                   ('delegation_too_deep', x.too_deep), ('delegation_cycle', x.cycle)) k(kind, hit)
    where k.hit group by k.kind`,
  // split sets: per requester (or vendor), matter and band, from each approval day the records up to
  // the window's length later; a set inside the previous day's set is not a set of its own. Over the
  // band, and over the least that one of the set's authority holders could approve that day.
  sql<{ kind: string; n: number }>`
    with recursive ${CHAIN},
    rec as (
      select r.id, r.matter_id, r.requester_id, r.vendor, r.approved_on, coalesce(r.amount, 0) as amt, m.split_window_days as days,
             ru.id as rule_id, ru.upper_bound, coalesce(t.root_id, r.approver_id) as holder_id
      from approval_record r
      join authority_matter m on m.id = r.matter_id and m.split_window_days is not null
      join authority_rule ru on ${BAND} and ru.upper_bound is not null
      left join top t on t.start_id = r.via_delegation_id
    ),
    g as (
      select 'requester' as basis, id, matter_id, rule_id, requester_id::text as grp, approved_on, amt, days, upper_bound, holder_id from rec
      union all
      select 'vendor', id, matter_id, rule_id, vendor, approved_on, amt, days, upper_bound, holder_id from rec where vendor is not null
    ),
    starts as (
      select d.*, lag(d.day) over (partition by d.basis, d.matter_id, d.rule_id, d.grp order by d.day) as prev_day
      from (select distinct basis, matter_id, rule_id, grp, approved_on as day, days, upper_bound from g) d
    ),
    sets as (
      select s.basis, s.matter_id, s.rule_id, s.grp, s.day, s.days, s.prev_day, s.upper_bound, max(b.approved_on) as last_day, count(*) as n, sum(b.amt) as total
      from starts s join g b on b.basis = s.basis and b.matter_id = s.matter_id and b.rule_id = s.rule_id and b.grp = s.grp
        and b.approved_on between s.day and s.day + s.days
      group by s.basis, s.matter_id, s.rule_id, s.grp, s.day, s.days, s.prev_day, s.upper_bound
    ),
    runs as (select * from sets where n > 1 and total > upper_bound and (prev_day is null or prev_day + days < last_day)),
    member as (
      select m.basis, m.matter_id, m.rule_id, m.grp, m.day, m.total, b.amt,
             (select max(coalesce(ru.upper_bound, 'Infinity'::numeric))
              from assignment asg join position p on p.id = asg.position_id
              join authority_rule ru on ru.matter_id = b.matter_id and ru.valid_from <= b.approved_on and (ru.valid_to is null or ru.valid_to >= b.approved_on)
              left join position rp on rp.id = ru.approver_position_id
              where asg.person_id = b.holder_id and asg.valid_from <= b.approved_on and (asg.valid_to is null or asg.valid_to >= b.approved_on)
                and (asg.position_id = ru.approver_position_id or p.level_rank > rp.level_rank or p.level_rank >= ru.min_level_rank)) as reach
      from runs m join g b on b.basis = m.basis and b.matter_id = m.matter_id and b.rule_id = m.rule_id and b.grp = m.grp
        and b.approved_on between m.day and m.day + m.days
    )
    select 'split_transaction' as kind, count(*)::int as n from (
      select total, min(reach) filter (where reach is not null and amt <= reach) as lim
      from member group by basis, matter_id, rule_id, grp, day, total
    ) x where lim < 'Infinity'::numeric and total > lim`,
];

/** The plain statements in one transaction under the check's own session settings (work_mem, jit). */
async function plainSqlCounts(db: Database['db']): Promise<Record<string, number>> {
  return db.transaction().execute(async (trx) => {
    await applyCheckSettings(trx);
    const counts: Record<string, number> = {};
    for (const statement of plainStatements) for (const { kind, n } of (await statement.execute(trx)).rows) counts[kind] = Number(n);
    return counts;
  });
}

/** The narrower join the first version compared against: records ⋈ the approver's assignments ⋈ the band (below-band only). */
const belowBandJoin = sql<{ n: number }>`
  select count(*) as n from (
    select r.id
    from approval_record r
    join authority_rule ru on ${BAND}
    left join position rp on rp.id = ru.approver_position_id
    join assignment a on a.person_id = r.approver_id
      and a.valid_from <= r.approved_on and (a.valid_to is null or a.valid_to >= r.approved_on)
    join position p on p.id = a.position_id
    group by r.id
    having not coalesce(bool_or(a.position_id = ru.approver_position_id or p.level_rank > rp.level_rank or p.level_rank >= ru.min_level_rank), false)
  ) below`;

const formatCounts = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort()
    .map(([k, n]) => `${k}:${n}`)
    .join(',');

/**
 * The full approval-record check (every violation kind, the split check as a window query, counts
 * per kind and the first page with names — what `authority.check` runs) against the same
 * violations found by plain SQL (above), whose counts must agree kind by kind. The narrower
 * below-band-only join is timed too and its ratio printed. Both baselines run in a transaction under
 * the check's own session settings (applyCheckSettings: work_mem, jit), as the check does.
 */
export const authorityCheck: BenchCase = {
  name: 'authority-check',
  async run({ database }) {
    const sizes = await generateAuthorityData(database);
    const { db } = database;
    const check = () => checkApprovals(db, { offset: 0, limit: 100 });
    const result = await check();
    const plain = await plainSqlCounts(db);
    if (formatCounts(plain) !== formatCounts(result.counts)) {
      throw new Error(`the check counts ${formatCounts(result.counts)}, plain SQL ${formatCounts(plain)}`);
    }
    const baseline = await medianMs(() => plainSqlCounts(db), ITERATIONS, 1);
    const feature = await medianMs(check, ITERATIONS, 1);
    const belowBand = await medianMs(
      () =>
        db.transaction().execute(async (trx) => {
          await applyCheckSettings(trx);
          return belowBandJoin.execute(trx);
        }),
      ITERATIONS,
      1,
    );
    return {
      ratio: feature / baseline,
      details:
        `check_median_ms=${feature.toFixed(1)} plain_sql_median_ms=${baseline.toFixed(1)} ` +
        `below_band_join_ratio=${(feature / belowBand).toFixed(2)} below_band_join_median_ms=${belowBand.toFixed(1)} records=${RECORDS} people=${PEOPLE} ` +
        `assignments=${sizes.assignments} positions=${sizes.positions} delegations=${sizes.delegations} ` +
        `violations=${result.total} counts=${formatCounts(result.counts)} iterations=${ITERATIONS}`,
    };
  },
};
