import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Executor } from '../db/connect.ts';
import type { DB } from '../db/schema.ts';
import { MAX_CHAIN, VIOLATION_KINDS, type ViolationKind, type ViolationReport } from '../../shared/authority.ts';

export type ViolationRow = ViolationReport;

/**
 * The approval-record check as one set-based statement (the rules are those of `checkRecords` in
 * shared/authority.ts, which the API tests use as the oracle):
 *   chain      each delegation used by a record, followed up through its parents (recursive;
 *              stops at a person seen twice — a cycle — or MAX_CHAIN levels)
 *   r0         one narrow row per record: whose authority is used (the approver, or the delegator
 *              at the top of the chain), the rule band in force on its date that the amount falls
 *              in, and a bit per kind decidable from the row alone
 *   below_band an anti-join on the authority holder's assignments in force that day (primary,
 *              acting, concurrent) that satisfy the band
 *   deleg      per delegated record, the first link that was not in force, revoked, or over cap
 *   split_win  per matter × band × requester and matter × band × vendor, the set of records from
 *              each day to the end of the matter's window: window functions (see splitWindows);
 *   split_set  each run once (a window inside the previous one is part of it), only sums above
 *              the band going on to the approvers' reach (split_member, split)
 *   v          one row per violation
 * then counts per kind and one page of rows with everything a report names.
 */

export interface CheckFilter {
  matterId?: number;
  kinds?: ViolationKind[];
  /** as requester, approver, or delegator whose authority was used */
  personId?: number;
  from?: string;
  to?: string;
  recordIds?: number[];
  offset: number;
  limit: number;
}

export interface CheckResult {
  rows: ViolationRow[];
  /** rows matching the filter (all pages) */
  total: number;
  /** per kind, ignoring the kind filter */
  counts: Partial<Record<ViolationKind, number>>;
}

/** Kinds decided from a record's own row, one bit each in r0.flags (order = bit order). */
const SIMPLE_KINDS = ['no_rule', 'non_delegable', 'delegation_too_deep', 'delegation_cycle', 'missing_minutes', 'approved_after_execution', 'self_approval'] as const;

const kindOrder = sql.raw(`array[${VIOLATION_KINDS.map((k) => `'${k}'`).join(', ')}]::text[]`);

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);

/**
 * Split sets per (matter, band, requester) and (matter, band, vendor): from each approval date, the
 * records up to the matter's window later, as in `splitSets` (shared/authority.ts). A frame offset
 * must be a constant, so dates are scaled per matter: with M the least common multiple of the window
 * lengths in use, key = day number × M / N, and "within N days" is "key within M" for every matter
 * at once — one window query per basis. Per row: its position `rn`, the first position of its day
 * `first_rn` (rank), the last position of the window from its day `last_rn`, and the window's sum and
 * count (a RANGE frame starts at the day's first record).
 */
async function splitWindows(db: Executor, matterId: number | undefined): Promise<RawBuilder<unknown>> {
  let q = db.selectFrom('authority_matter').select('split_window_days as days').distinct().where('split_window_days', 'is not', null);
  if (matterId) q = q.where('id', '=', matterId);
  const lengths = (await q.execute()).map((r) => Number(r.days)).filter((d) => Number.isInteger(d) && d > 0);
  if (!lengths.length) {
    return sql`select null::text as basis, matter_id, rule_id, null::text as grp, id, holder_id, approved_on, amt, upper_bound,
      0::bigint as rn, 0::bigint as first_rn, 0::bigint as last_rn, null::bigint as wcents, null::bigint as wcount from r0 where false`;
  }
  const lcm = lengths.reduce((m, n) => (m / gcd(m, n)) * n, 1);
  const scaled = lcm <= 1e12 ? [{ lcm, only: null as number | null }] : lengths.map((n) => ({ lcm: n, only: n }));
  return sql.join(
    scaled.flatMap(({ lcm: m, only }) => {
      const following = sql.raw(`range between current row and ${m} following`);
      const upTo = sql.raw(`range between unbounded preceding and ${m} following`);
      const key = sql`r0.day_no::bigint * (${sql.lit(m)}::bigint / r0.window_days)`;
      const which = only == null ? sql`r0.window_days is not null` : sql`r0.window_days = ${sql.lit(only)}`;
      const select = (basis: string, grp: RawBuilder<unknown>, part: RawBuilder<unknown>) => sql`
        select ${sql.lit(basis)}::text as basis, matter_id, rule_id, ${grp} as grp, id, holder_id, approved_on, amt, upper_bound,
               row_number() over (partition by ${part} order by ${key}, id) as rn,
               rank() over (partition by ${part} order by ${key}) as first_rn,
               count(*) over (partition by ${part} order by ${key} ${upTo}) as last_rn,
               sum(cents) over (partition by ${part} order by ${key} ${following}) as wcents,
               count(*) over (partition by ${part} order by ${key} ${following}) as wcount
        from r0`;
      return [
        sql`${select('requester', sql`requester_id::text`, sql`matter_id, rule_id, requester_id`)}
            where r0.upper_bound is not null and ${which}`,
        sql`${select('vendor', sql`vendor`, sql`matter_id, rule_id, hashtext(vendor), vendor collate "C"`)}
            where r0.upper_bound is not null and r0.vendor is not null and ${which}`,
      ];
    }),
    sql` union all `,
  );
}

/** Does the authority holder of record `x` hold, on its date, a position satisfying its band (the named one or one of the needed rank)? */
function holds(x: RawBuilder<unknown>) {
  return sql`select 1 from assignment a join position p on p.id = a.position_id
    where a.person_id = ${x}.holder_id and a.valid_from <= ${x}.approved_on and (a.valid_to is null or a.valid_to >= ${x}.approved_on)
      and (a.position_id = ${x}.approver_position_id or p.level_rank >= ${x}.need_rank)`;
}

/**
 * The session settings the check runs with (SET LOCAL: only its own transaction); exported so the
 * bench's plain-SQL baseline runs under the same ones.
 */
export async function applyCheckSettings(trx: Executor): Promise<void> {
  await sql`set local work_mem = '64MB'`.execute(trx);
  // row estimates through CTEs are rough: JIT would spend seconds compiling a plan that runs in less
  await sql`set local jit = off`.execute(trx);
}

/**
 * Run the check. The statement sorts and hashes every record a few times: it gets the memory for
 * that instead of spilling to disk, and no JIT (SET LOCAL: only its own transaction).
 */
export async function checkApprovals(db: Executor, filter: CheckFilter): Promise<CheckResult> {
  const run = async (trx: Executor) => {
    await applyCheckSettings(trx);
    return (await checkQuery(trx, filter)).execute(trx);
  };
  const { rows } = db.isTransaction ? await run(db) : await (db as Kysely<DB>).transaction().execute(run);
  const row = rows[0]!;
  const page = (row.rows ?? []).map(({ ord: _ord, ...rest }: ViolationRow & { ord?: number }) => rest as ViolationRow);
  const counts = (row.counts ?? {}) as CheckResult['counts'];
  const total = Object.entries(counts)
    .filter(([kind]) => !filter.kinds?.length || filter.kinds.includes(kind as ViolationKind))
    .reduce((sum, [, n]) => sum + Number(n), 0);
  return { rows: page, total, counts };
}

/** The statement itself (exported for EXPLAIN when tuning). */
export async function checkQuery(db: Executor, filter: CheckFilter) {
  const recWhere = filter.matterId ? sql`where r.matter_id = ${filter.matterId}` : sql``;
  const conditions: RawBuilder<unknown>[] = [];
  if (filter.from) conditions.push(sql`v.approved_on >= ${filter.from}::date`);
  if (filter.to) conditions.push(sql`v.approved_on <= ${filter.to}::date`);
  if (filter.personId) conditions.push(sql`${filter.personId}::int in (v.requester_id, v.approver_id, v.holder_id)`);
  // a split set belongs to every record in it
  if (filter.recordIds) conditions.push(sql`(v.record_id = any(${filter.recordIds}::int[]) or v.set_ids && ${filter.recordIds}::int[])`);
  const fWhere = conditions.length ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
  const kindWhere = filter.kinds?.length ? sql`where f.kind = any(${filter.kinds}::text[])` : sql``;
  const windows = await splitWindows(db, filter.matterId);

  return sql<{ counts: Record<string, number> | null; rows: ViolationRow[] | null }>`
    with recursive
    chain (start_id, id, parent_id, level, persons, cyc) as (
      select d.id, d.id, d.parent_id, 0, array[d.delegate_id, d.delegator_id], false
      from delegation d where d.id in (select r.via_delegation_id from approval_record r ${recWhere})
      union all
      select c.start_id, p.id, p.parent_id, c.level + 1, c.persons || p.delegator_id, p.delegator_id = any(c.persons)
      from chain c join delegation p on p.id = c.parent_id
      where not c.cyc and c.level < ${MAX_CHAIN}
    ),
    link as (
      select c.start_id, c.level, c.cyc, d.id, d.delegator_id, d.cap, d.valid_from, d.valid_to, d.max_depth,
             (d.revoked_at at time zone 'UTC')::date as revoked_on
      from chain c join delegation d on d.id = c.id
    ),
    chain_facts as (
      select start_id,
             (array_agg(delegator_id order by level desc))[1] as root_id,
             bool_or(cyc) as cycle,
             (array_agg(id order by level desc) filter (where level > 0 and max_depth < level))[1] as too_deep_id
      from link group by start_id
    ),
    -- per band: the rank that satisfies it (the minimum rank, or one above the named position's)
    rules_x as materialized (
      select ru.id, ru.matter_id, ru.valid_from, ru.valid_to, ru.lower_bound, ru.upper_bound, ru.mode, ru.approver_position_id,
             coalesce(ru.min_level_rank, rp.level_rank + 1) as need_rank
      from authority_rule ru left join position rp on rp.id = ru.approver_position_id
    ),
    -- one narrow row per record; a saved matrix never overlaps (saveMatrix refuses it), so at most
    -- one band. The kinds that need nothing but the record's own row are decided here.
    r0 as materialized (
      select r.id, r.matter_id, r.requester_id, r.approver_id, r.vendor, coalesce(r.amount, 0) as amt, r.approved_on,
             coalesce(cf.root_id, r.approver_id) as holder_id, cf.too_deep_id, m.split_window_days as window_days,
             ru.id as rule_id, ru.upper_bound, ru.approver_position_id, coalesce(ru.min_level_rank, rp.level_rank + 1) as need_rank,
             -- one bit per kind decided from the row alone (see SIMPLE_KINDS)
             (case when ru.id is null then 1 else 0 end) |
             (case when r.via_delegation_id is not null and m.non_delegable then 2 else 0 end) |
             (case when cf.too_deep_id is not null then 4 else 0 end) |
             (case when cf.cycle then 8 else 0 end) |
             (case when (m.requires_minutes or ru.mode = 'collective') and nullif(btrim(r.minutes_ref), '') is null then 16 else 0 end) |
             (case when r.executed_on is not null and r.approved_on > r.executed_on then 32 else 0 end) |
             (case when r.requester_id = r.approver_id or r.requester_id = coalesce(cf.root_id, r.approver_id) then 64 else 0 end) as flags,
             (r.approved_on - date '2000-01-01') as day_no, (coalesce(r.amount, 0) * 100)::bigint as cents
      from approval_record r
      join authority_matter m on m.id = r.matter_id
      left join chain_facts cf on cf.start_id = r.via_delegation_id
      left join authority_rule ru on ru.matter_id = r.matter_id
        and ru.valid_from <= r.approved_on and (ru.valid_to is null or ru.valid_to >= r.approved_on)
        and (ru.lower_bound is null or coalesce(r.amount, 0) > ru.lower_bound) and (ru.upper_bound is null or coalesce(r.amount, 0) <= ru.upper_bound)
      left join position rp on rp.id = ru.approver_position_id
      ${recWhere}
    ),
    deleg as (
      select r.id, r.approved_on, r.requester_id, r.approver_id, cf.root_id as holder_id,
             (array_agg(l.id order by l.level) filter (where r.approved_on < l.valid_from or r.approved_on > l.valid_to))[1] as expired_id,
             (array_agg(l.id order by l.level) filter (where l.revoked_on <= r.approved_on))[1] as revoked_id,
             (array_agg(l.id order by l.level) filter (where coalesce(r.amount, 0) > l.cap))[1] as over_cap_id
      from approval_record r
      join chain_facts cf on cf.start_id = r.via_delegation_id
      join link l on l.start_id = r.via_delegation_id
      where r.via_delegation_id is not null ${filter.matterId ? sql`and r.matter_id = ${filter.matterId}` : sql``}
      group by r.id, r.approved_on, r.requester_id, r.approver_id, cf.root_id
    ),
    split_win as materialized (${windows}),
    -- one row per set: a day's first record whose window reaches further than the previous day's
    -- (a window inside the previous one is part of that set), with two records or more, summing
    -- above the band (the top band has no upper bound, so it never splits)
    split_set as materialized (
      select * from (
        select w.*, lag(w.last_rn) over (partition by w.basis, w.matter_id, w.rule_id, w.grp order by w.rn) as prev_last
        from split_win w
      ) w
      where w.rn = w.first_rn and (w.prev_last is null or w.last_rn > w.prev_last)
        and w.wcount > 1 and w.wcents > w.upper_bound * 100
    ),
    -- every record of those sets, with its approver's reach that day: the highest band in force
    -- that the holder's positions satisfy
    split_member as (
      select s.basis, s.matter_id, s.rule_id, s.grp, s.rn as set_rn, m.id, m.rn, m.approved_on, m.holder_id, m.amt,
             (select max(coalesce(ru.upper_bound, 'Infinity'::numeric))
              from assignment a join position p on p.id = a.position_id
              join rules_x ru on ru.matter_id = m.matter_id and ru.valid_from <= m.approved_on and (ru.valid_to is null or ru.valid_to >= m.approved_on)
              where a.person_id = m.holder_id and a.valid_from <= m.approved_on and (a.valid_to is null or a.valid_to >= m.approved_on)
                and (a.position_id = ru.approver_position_id or p.level_rank >= ru.need_rank)) as reach
      from split_set s
      join split_win m on m.basis = s.basis and m.matter_id = s.matter_id and m.rule_id = s.rule_id and m.grp = s.grp
        and m.rn between s.first_rn and s.last_rn
    ),
    -- a set is measured against the smallest reach among its approvers (one whose own record is
    -- beyond reach is a below-band case, not a split)
    split as (
      select (array_agg(m.id order by m.rn))[1] as id,
             min(m.approved_on) as approved_on, max(m.approved_on) as window_to,
             array_agg(m.id order by m.rn) as set_ids,
             (array_agg(m.holder_id order by m.reach, m.rn) filter (where m.reach is not null and m.amt <= m.reach))[1] as holder_id,
             min(m.reach) filter (where m.reach is not null and m.amt <= m.reach) as lim,
             m.basis, sum(m.amt) as wsum, count(*) as wcount
      from split_member m
      group by m.basis, m.matter_id, m.rule_id, m.grp, m.set_rn
    ),
    v as (
      select r.id as record_id, r.approved_on, r.requester_id, r.approver_id, r.holder_id, k.kind,
             case when k.kind = 'delegation_too_deep' then r.too_deep_id end as link_id,
             null::text as basis, null::numeric as wsum, null::bigint as wcount, null::numeric as lim,
             null::int[] as set_ids, null::date as window_to
      from r0 r join (values ${sql.join(SIMPLE_KINDS.map((kind, i) => sql`(${sql.lit(1 << i)}, ${sql.lit(kind)})`))}) as k(bit, kind) on r.flags & k.bit <> 0
      where r.flags <> 0
      union all
      -- the named position, a more senior one, or the minimum rank, held on the record date
      select r.id, r.approved_on, r.requester_id, r.approver_id, r.holder_id, 'below_band', null, null, null, null, null, null, null
      from r0 r
      where r.rule_id is not null and not exists (${holds(sql`r`)})
      union all
      select r.id, r.approved_on, r.requester_id, r.approver_id, r.holder_id, k.kind, k.link_id, null, null, null, null, null, null
      from deleg r cross join lateral (values ('delegation_expired', r.expired_id), ('delegation_revoked', r.revoked_id), ('delegation_over_cap', r.over_cap_id)) as k(kind, link_id)
      where k.link_id is not null
      union all
      select s.id, s.approved_on, r.requester_id, r.approver_id, s.holder_id, 'split_transaction', null, s.basis, s.wsum, s.wcount, s.lim,
             s.set_ids, s.window_to
      from split s join r0 r on r.id = s.id
      where s.lim < 'Infinity'::numeric and s.wsum > s.lim
    ),
    f as (select * from v ${fWhere})
    select
      (select json_object_agg(kind, n) from (select kind, count(*) as n from f group by kind) c) as counts,
      (select json_agg(p order by p."approvedOn" desc, p."recordId" desc, p.ord, p."basis") from (
        select
          f.record_id as "recordId", r.reference_no as "referenceNo", f.kind, array_position(${kindOrder}, f.kind) as ord,
          r.matter_id as "matterId", m.code as "matterCode", m.name as "matterName", m.unit,
          r.approved_on as "approvedOn", r.executed_on as "executedOn", r.amount, r.vendor, r.minutes_ref as "minutesRef",
          r.requester_id as "requesterId", rq.name as "requesterName", r.approver_id as "approverId", ap.name as "approverName",
          -- a split set spans records: delegations are named on each record's own violations
          d.id as "delegationId",
          case when d.id is not null then f.holder_id end as "delegatorId",
          case when d.id is not null then dr.name end as "delegatorName",
          case when d.id is not null then r.approver_id end as "delegateId",
          case when d.id is not null then ap.name end as "delegateName",
          f.link_id as "linkId", ld.valid_from as "linkValidFrom", ld.valid_to as "linkValidTo",
          (ld.revoked_at at time zone 'UTC')::date as "linkRevokedOn", ld.cap as "linkCap", ld.max_depth as "linkMaxDepth",
          (select min(l.level) from link l where l.start_id = r.via_delegation_id and l.id = f.link_id) as "linkLevel",
          b.band_no as "bandNo", b.lower_bound as "lowerBound", b.upper_bound as "upperBound",
          bp.name as "requiredPositionName", b.min_level_rank as "requiredRank", (select max(hp.level_rank) from assignment ha join position hp on hp.id = ha.position_id
             where ha.person_id = f.holder_id and ha.valid_from <= r.approved_on and (ha.valid_to is null or ha.valid_to >= r.approved_on)) as "holderRank",
          b.mode, b.deciding_body as "decidingBody",
          f.basis, f.wsum as "windowSum", f.wcount as "windowCount",
          case when f.kind = 'split_transaction' then m.split_window_days end as "windowDays",
          f.lim as "limit",
          f.set_ids as "setRecordIds",
          (select array_agg(x.reference_no order by array_position(f.set_ids, x.id)) from approval_record x where x.id = any(f.set_ids)) as "setReferences",
          case when f.kind = 'split_transaction' then r.approved_on end as "windowFrom",
          f.window_to as "windowTo"
        from (select * from f ${kindWhere}
              order by approved_on desc, record_id desc, array_position(${kindOrder}, kind), basis
              limit ${filter.limit} offset ${filter.offset}) f
        cross join lateral (select * from approval_record x where x.id = f.record_id) r
        cross join lateral (select case when f.kind <> 'split_transaction' then r.via_delegation_id end as id) d
        join authority_matter m on m.id = r.matter_id
        join person rq on rq.id = r.requester_id
        join person ap on ap.id = r.approver_id
        join person dr on dr.id = f.holder_id
        left join authority_rule b on b.matter_id = r.matter_id
          and b.valid_from <= r.approved_on and (b.valid_to is null or b.valid_to >= r.approved_on)
          and (b.lower_bound is null or coalesce(r.amount, 0) > b.lower_bound) and (b.upper_bound is null or coalesce(r.amount, 0) <= b.upper_bound)
        left join position bp on bp.id = b.approver_position_id
        left join delegation ld on ld.id = f.link_id
      ) p) as rows
  `;
}
