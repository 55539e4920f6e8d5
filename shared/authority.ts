import { z } from 'zod';
import { id, isoDate } from './org.ts';
import { addDays } from './dates.ts';

/**
 * Approval authority (docs/design.md §3.6): matters, bands (lower exclusive, upper inclusive), who may
 * approve, delegations and the checks an approval record must pass. Pure: the server's set-based
 * SQL check (server/authority/check.ts) implements the same rules and is cross-checked against
 * `checkRecords` in the API tests.
 */

export const MATTER_UNITS = ['CNY', 'days', 'count', 'none'] as const;
export type MatterUnit = (typeof MATTER_UNITS)[number];
export const APPROVAL_MODES = ['individual', 'countersign', 'collective'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

export const VIOLATION_KINDS = [
  'no_rule',
  'below_band',
  'non_delegable',
  'delegation_expired',
  'delegation_revoked',
  'delegation_over_cap',
  'delegation_too_deep',
  'delegation_cycle',
  'missing_minutes',
  'approved_after_execution',
  'self_approval',
  'split_transaction',
] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

/**
 * How serious each kind is, for monitoring (`controlbook check-authority --json`): approvals beyond
 * authority or by oneself are high, broken delegations and missing paperwork medium, a record no
 * rule covers low (the matrix has a gap, not necessarily the approval).
 */
export const VIOLATION_SEVERITY: Record<ViolationKind, 'high' | 'medium' | 'low'> = {
  no_rule: 'low',
  below_band: 'high',
  non_delegable: 'high',
  delegation_expired: 'medium',
  delegation_revoked: 'high',
  delegation_over_cap: 'high',
  delegation_too_deep: 'medium',
  delegation_cycle: 'medium',
  missing_minutes: 'medium',
  approved_after_execution: 'medium',
  self_approval: 'high',
  split_transaction: 'high',
};

/** Longest delegation chain followed; deeper (or circular) data is reported, never looped over. */
export const MAX_CHAIN = 20;

// ── input schemas ───────────────────────────────────────────────
const code = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'errors.field.code' });
/** Amounts: CNY with cents, days in halves or less, counts; never negative. */
export const amount = z.number().finite().min(0).max(1e15);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .default(null)
    .transform((s) => (s ? s : null));

export const matterInput = z
  .object({
    code,
    name: z.string().trim().min(1).max(200),
    unit: z.enum(MATTER_UNITS),
    nonDelegable: z.boolean().default(false),
    requiresMinutes: z.boolean().default(false),
    splitWindowDays: z.number().int().min(1).max(366).nullable().default(null),
  })
  .refine((m) => m.unit !== 'none' || m.splitWindowDays == null, {
    message: 'errors.authority.splitWithoutAmount',
    path: ['splitWindowDays'],
  });
export type MatterInput = z.input<typeof matterInput>;

export const bandInput = z
  .object({
    lowerBound: amount.nullable(),
    upperBound: amount.nullable(),
    approverPositionId: id.nullable().default(null),
    minLevelRank: z.number().int().min(1).max(99).nullable().default(null),
    mode: z.enum(APPROVAL_MODES).default('individual'),
    decidingBody: optionalText(200),
    quorum: z.number().int().min(2).max(999).nullable().default(null),
  })
  .superRefine((b, ctx) => {
    if ((b.approverPositionId == null) === (b.minLevelRank == null)) {
      ctx.addIssue({ code: 'custom', message: 'errors.authority.approverOne', path: ['approverPositionId'] });
    }
    if (b.mode === 'collective' && !b.decidingBody) {
      ctx.addIssue({ code: 'custom', message: 'errors.authority.bodyRequired', path: ['decidingBody'] });
    }
    if (b.mode === 'collective' && b.quorum == null) {
      ctx.addIssue({ code: 'custom', message: 'errors.authority.quorumRequired', path: ['quorum'] });
    }
  });
export type BandInput = z.input<typeof bandInput>;

export const matrixInput = z.object({
  matterId: id,
  /** the new version is in force from this date; the bands in force until then stay as history */
  effectiveFrom: isoDate,
  bands: z.array(bandInput).min(1).max(50),
});

export const delegationInput = z
  .object({
    delegatorId: id,
    delegateId: id,
    matterId: id,
    /** null = up to the delegator's own authority */
    cap: amount.positive().nullable().default(null),
    validFrom: isoDate,
    validTo: isoDate,
    maxDepth: z.number().int().min(0).max(5).default(0),
    /** the delegation this one passes on (a sub-delegation) */
    parentId: id.nullable().default(null),
    note: z.string().trim().max(500).default(''),
  })
  .refine((d) => d.validTo >= d.validFrom, { message: 'errors.authority.validToBeforeFrom', path: ['validTo'] })
  .refine((d) => d.delegatorId !== d.delegateId, { message: 'errors.authority.delegateSelf', path: ['delegateId'] });
export type DelegationInput = z.input<typeof delegationInput>;

export const approvalInput = z.object({
  matterId: id,
  referenceNo: z.string().trim().min(1).max(60),
  requesterId: id,
  approverId: id,
  vendor: optionalText(200),
  amount: amount.nullable().default(null),
  approvedOn: isoDate,
  executedOn: isoDate.nullable().default(null),
  minutesRef: optionalText(200),
  viaDelegationId: id.nullable().default(null),
});
export type ApprovalInput = z.input<typeof approvalInput>;

// ── bands ───────────────────────────────────────────────────────
export interface Band {
  lowerBound: number | null;
  upperBound: number | null;
}

/** Does `value` fall in the band (lower exclusive, upper inclusive, null = unbounded)? */
export function inBand(band: Band, value: number): boolean {
  return (band.lowerBound == null || value > band.lowerBound) && (band.upperBound == null || value <= band.upperBound);
}

/** "(1, 1.5]", "(5000, ∞)", "(−∞, 1]" */
export function formatBand(lower: number | null, upper: number | null): string {
  return `(${lower == null ? '−∞' : lower}, ${upper == null ? '∞)' : `${upper}]`}`;
}

export type BandProblem =
  | { kind: 'empty'; row: number; lower: number; upper: number }
  | { kind: 'overlap'; row: number; otherRow: number; lower: number | null; upper: number | null }
  | { kind: 'gap'; row: number | null; lower: number | null; upper: number | null }
  | { kind: 'boundsForNone'; row: number };

/**
 * Problems of one matter's bands, rows numbered from 1 in the order given. Amounts are positive,
 * so coverage must run from 0 (or −∞) to ∞ without gaps or overlaps; a matter without a unit of
 * measure has exactly one band with no bounds.
 */
export function validateBands(bands: Band[], unit: MatterUnit): BandProblem[] {
  const problems: BandProblem[] = [];
  const usable: { row: number; lo: number; hi: number }[] = [];
  bands.forEach((b, i) => {
    const row = i + 1;
    if (unit === 'none' && (b.lowerBound != null || b.upperBound != null)) {
      problems.push({ kind: 'boundsForNone', row });
      return;
    }
    if (b.lowerBound != null && b.upperBound != null && b.lowerBound >= b.upperBound) {
      problems.push({ kind: 'empty', row, lower: b.lowerBound, upper: b.upperBound });
      return;
    }
    usable.push({ row, lo: b.lowerBound ?? -Infinity, hi: b.upperBound ?? Infinity });
  });
  usable.sort((a, b) => a.lo - b.lo || a.hi - b.hi || a.row - b.row);
  const fin = (x: number) => (Number.isFinite(x) ? x : null);
  // reach: everything up to here is covered (amounts start above 0); reachRow: the band covering it
  let reach = unit === 'none' ? -Infinity : 0;
  let reachRow: number | null = null;
  for (const b of usable) {
    if (b.lo > reach) problems.push({ kind: 'gap', row: b.row, lower: fin(reach), upper: b.lo });
    else if (b.lo < reach && reachRow != null) {
      const lower = unit === 'none' ? b.lo : Math.max(b.lo, 0);
      problems.push({ kind: 'overlap', row: b.row, otherRow: reachRow, lower: fin(lower), upper: fin(Math.min(reach, b.hi)) });
    }
    if (b.hi > reach) {
      reach = b.hi;
      reachRow = b.row;
    }
  }
  if (usable.length && reach !== Infinity) {
    problems.push({ kind: 'gap', row: null, lower: fin(reach), upper: null });
  }
  return problems;
}

/** A band problem as a message key of the shared catalog and its parameters. */
export function bandProblemMessage(p: BandProblem): { key: string; params: Record<string, string | number> } {
  switch (p.kind) {
    case 'empty':
      return { key: 'errors.authority.band.empty', params: { row: p.row, lower: p.lower, upper: p.upper } };
    case 'overlap':
      return { key: 'errors.authority.band.overlap', params: { row: p.row, otherRow: p.otherRow, range: formatBand(p.lower, p.upper) } };
    case 'gap':
      return p.row == null
        ? { key: 'errors.authority.band.gapTop', params: { range: formatBand(p.lower, p.upper) } }
        : { key: 'errors.authority.band.gap', params: { row: p.row, range: formatBand(p.lower, p.upper) } };
    case 'boundsForNone':
      return { key: 'errors.authority.band.boundsForNone', params: { row: p.row } };
  }
}

// ── authority of a person ───────────────────────────────────────
export interface DateRange {
  validFrom: string;
  validTo: string | null;
}

/** Is a dated row in force on `date` (inclusive; open end = null)? ISO dates compare as strings. */
export function inForce(range: DateRange, date: string): boolean {
  return range.validFrom <= date && (range.validTo == null || date <= range.validTo);
}

export interface RuleBand extends Band {
  id: number;
  matterId: number;
  bandNo: number;
  approverPositionId: number | null;
  /** rank of the approver position: anyone more senior may approve in its stead */
  approverPositionRank: number | null;
  minLevelRank: number | null;
  mode: ApprovalMode;
  decidingBody: string | null;
  quorum: number | null;
  validFrom: string;
  validTo: string | null;
}

/** A position a person holds (any kind: primary, acting, concurrent). */
export interface Held {
  positionId: number;
  levelRank: number;
}

/**
 * Does someone holding `held` satisfy the band's approver? A band naming a minimum rank needs a
 * position of at least that rank; a band naming a position needs that position or a more senior
 * one (authority escalates upwards, never sideways to a peer of the same rank).
 */
export function satisfies(band: Pick<RuleBand, 'approverPositionId' | 'approverPositionRank' | 'minLevelRank'>, held: Held[]): boolean {
  return held.some(
    (h) =>
      h.positionId === band.approverPositionId ||
      (band.approverPositionRank != null && h.levelRank > band.approverPositionRank) ||
      (band.minLevelRank != null && h.levelRank >= band.minLevelRank),
  );
}

/** The band `value` falls in (the lowest-numbered one if a broken matrix overlaps). */
export function bandFor<B extends RuleBand>(bands: B[], value: number): B | undefined {
  return bands.filter((b) => inBand(b, value)).sort((a, b) => a.bandNo - b.bandNo)[0];
}

/**
 * How far `held` reaches in a matter's bands: the highest upper bound of the bands it satisfies
 * (Infinity for an unbounded one), or null when it satisfies none.
 */
export function authorityLimit(bands: RuleBand[], held: Held[]): number | null {
  let limit: number | null = null;
  for (const b of bands) if (satisfies(b, held)) limit = Math.max(limit ?? -Infinity, b.upperBound ?? Infinity);
  return limit;
}

// ── delegations ─────────────────────────────────────────────────
export interface DelegationInfo {
  id: number;
  delegatorId: number;
  delegateId: number;
  matterId: number;
  cap: number | null;
  validFrom: string;
  validTo: string;
  /** date (UTC) of the revocation; approvals on or after it are not covered */
  revokedOn: string | null;
  maxDepth: number;
  parentId: number | null;
}

export interface ChainLink extends DelegationInfo {
  /** 0 = the delegation used, 1 = its parent, … */
  level: number;
}

export interface Chain {
  links: ChainLink[];
  /** the person whose authority is being used: the delegator at the top of the chain */
  rootDelegatorId: number;
  cycle: boolean;
  /** the link (closest to the root) that allowed fewer further levels than were used */
  tooDeep: ChainLink | null;
}

/** Follow a delegation up through its parents. Stops at a person seen twice (a cycle). */
export function delegationChain(startId: number, byId: ReadonlyMap<number, DelegationInfo>): Chain | null {
  const start = byId.get(startId);
  if (!start) return null;
  const links: ChainLink[] = [{ ...start, level: 0 }];
  const persons = [start.delegateId, start.delegatorId];
  let cycle = false;
  for (let cur = start; cur.parentId != null && links.length <= MAX_CHAIN; ) {
    const parent = byId.get(cur.parentId);
    if (!parent) break;
    const level = links.length;
    links.push({ ...parent, level });
    if (persons.includes(parent.delegatorId)) {
      cycle = true;
      break;
    }
    persons.push(parent.delegatorId);
    cur = parent;
  }
  const offending = links.filter((l) => l.level > 0 && l.maxDepth < l.level);
  return {
    links,
    rootDelegatorId: links[links.length - 1]!.delegatorId,
    cycle,
    tooDeep: offending.length ? offending[offending.length - 1]! : null,
  };
}

export interface ChainOnDate {
  expired: ChainLink | null;
  revoked: ChainLink | null;
  overCap: ChainLink | null;
}

/** What is wrong with a chain for an approval of `value` on `date` (the link closest to the approval). */
export function chainOnDate(chain: Chain, date: string, value: number): ChainOnDate {
  const first = (pred: (l: ChainLink) => boolean) => chain.links.find(pred) ?? null;
  return {
    expired: first((l) => !inForce(l, date)),
    revoked: first((l) => l.revokedOn != null && l.revokedOn <= date),
    overCap: first((l) => l.cap != null && value > l.cap),
  };
}

/**
 * Would a new delegation delegator → delegate of one matter close a loop with the delegations
 * in force over an overlapping period? Returns the people around the loop (delegate … delegator).
 */
export function findDelegationCycle(
  existing: Pick<DelegationInfo, 'delegatorId' | 'delegateId' | 'validFrom' | 'validTo' | 'revokedOn'>[],
  candidate: { delegatorId: number; delegateId: number; validFrom: string; validTo: string },
): number[] | null {
  const overlapping = existing.filter(
    (d) => d.revokedOn == null && d.validFrom <= candidate.validTo && candidate.validFrom <= d.validTo,
  );
  // breadth-first from the delegate: can authority flow back to the delegator?
  const previous = new Map<number, number | null>([[candidate.delegateId, null]]);
  const queue = [candidate.delegateId];
  while (queue.length) {
    const person = queue.shift()!;
    if (person === candidate.delegatorId) {
      const path: number[] = [];
      for (let p: number | null = person; p != null; p = previous.get(p) ?? null) path.unshift(p);
      return path;
    }
    for (const d of overlapping) {
      if (d.delegatorId === person && !previous.has(d.delegateId)) {
        previous.set(d.delegateId, person);
        queue.push(d.delegateId);
      }
    }
  }
  return null;
}

// ── who may approve ─────────────────────────────────────────────
export interface Holding extends DateRange {
  personId: number;
  positionId: number;
  kind: 'primary' | 'acting' | 'concurrent';
}

export interface PositionRank {
  id: number;
  levelRank: number;
}

export interface WhoMayApprove {
  band: RuleBand | null;
  /** positions that satisfy the band */
  positionIds: number[];
  /** people holding one of them on the date */
  holders: Holding[];
  /** people approving through a delegation in force from one of the holders */
  delegates: { personId: number; delegationId: number; delegatorId: number; rootDelegatorId: number; cap: number | null; depth: number }[];
}

/**
 * Who may approve `value` of a matter on `date`: the band's positions and their holders that day,
 * plus everyone a holder's delegation (and its permitted sub-delegations) covers for this amount.
 */
export function whoMayApprove(input: {
  bands: RuleBand[];
  value: number;
  date: string;
  nonDelegable: boolean;
  positions: PositionRank[];
  holdings: Holding[];
  delegations: DelegationInfo[];
}): WhoMayApprove {
  const bands = input.bands.filter((b) => inForce(b, input.date));
  const band = bandFor(bands, input.value) ?? null;
  if (!band) return { band: null, positionIds: [], holders: [], delegates: [] };
  const positionIds = input.positions.filter((p) => satisfies(band, [{ positionId: p.id, levelRank: p.levelRank }])).map((p) => p.id);
  const qualifying = new Set(positionIds);
  const rankOf = new Map(input.positions.map((p) => [p.id, p.levelRank]));
  const holders = input.holdings
    .filter((h) => qualifying.has(h.positionId) && inForce(h, input.date))
    .sort((a, b) => (rankOf.get(b.positionId) ?? 0) - (rankOf.get(a.positionId) ?? 0) || a.personId - b.personId);
  const delegates: WhoMayApprove['delegates'] = [];
  if (!input.nonDelegable) {
    const holderIds = new Set(holders.map((h) => h.personId));
    const byId = new Map(input.delegations.map((d) => [d.id, d]));
    for (const d of input.delegations) {
      const chain = delegationChain(d.id, byId);
      if (!chain || chain.cycle || chain.tooDeep || !holderIds.has(chain.rootDelegatorId)) continue;
      const onDate = chainOnDate(chain, input.date, input.value);
      if (onDate.expired || onDate.revoked || onDate.overCap) continue;
      const caps = chain.links.map((l) => l.cap).filter((c): c is number => c != null);
      delegates.push({
        personId: d.delegateId,
        delegationId: d.id,
        delegatorId: d.delegatorId,
        rootDelegatorId: chain.rootDelegatorId,
        cap: caps.length ? Math.min(...caps) : null,
        depth: chain.links.length - 1,
      });
    }
  }
  return { band, positionIds, holders, delegates };
}

// ── checking approval records ───────────────────────────────────
export interface MatterInfo {
  id: number;
  unit: MatterUnit;
  nonDelegable: boolean;
  requiresMinutes: boolean;
  splitWindowDays: number | null;
}

export interface ApprovalRecordInfo {
  id: number;
  matterId: number;
  requesterId: number;
  approverId: number;
  vendor: string | null;
  amount: number | null;
  approvedOn: string;
  executedOn: string | null;
  minutesRef: string | null;
  viaDelegationId: number | null;
}

export interface Violation {
  recordId: number;
  kind: ViolationKind;
  /** whose authority was used: the approver, or the delegator at the top of the chain */
  holderId: number;
  /** set whenever a delegation is involved: both are named in every report */
  delegatorId: number | null;
  delegateId: number | null;
  /** the delegation used by the record */
  delegationId: number | null;
  /** the link of the chain at fault (expired, revoked, over cap, too deep) */
  linkId: number | null;
  /** split transactions: grouped by requester or by vendor */
  basis: 'requester' | 'vendor' | null;
  windowSum: number | null;
  windowCount: number | null;
  limit: number | null;
  /** split transactions: every record of the set (recordId is the first), and its first and last dates */
  setRecordIds?: number[] | null;
  windowFrom?: string | null;
  windowTo?: string | null;
}

export interface CheckContext {
  matters: ReadonlyMap<number, MatterInfo>;
  rules: RuleBand[];
  positions: ReadonlyMap<number, PositionRank>;
  holdings: Holding[];
  delegations: ReadonlyMap<number, DelegationInfo>;
}

const cents = (x: number) => Math.round(x * 100) / 100;

/**
 * The sets a split check looks at, in one group (same matter, band and requester or vendor): from
 * each approval date, every record up to `windowDays` later (both ends inclusive). A set contained in
 * an earlier one is left out, so each run is reported once, with its first record; runs that only
 * overlap are separate sets. Linear: the window's end only moves forward.
 */
export function splitSets<T extends { id: number; approvedOn: string }>(group: readonly T[], windowDays: number): T[][] {
  const sorted = [...group].sort((a, b) => (a.approvedOn < b.approvedOn ? -1 : a.approvedOn > b.approvedOn ? 1 : a.id - b.id));
  const sets: T[][] = [];
  let end = -1;
  let lastEnd = -1;
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i]!.approvedOn === sorted[i - 1]!.approvedOn) continue; // records of one day start one set
    const until = addDays(sorted[i]!.approvedOn, windowDays);
    if (end < i) end = i;
    while (end + 1 < sorted.length && sorted[end + 1]!.approvedOn <= until) end++;
    if (end <= lastEnd) continue; // inside the previous set
    lastEnd = end;
    if (end > i) sets.push(sorted.slice(i, end + 1));
  }
  return sets;
}

/** Every violation of every record, in record order then VIOLATION_KINDS order (split sets last, by their first record). */
export function checkRecords(records: ApprovalRecordInfo[], ctx: CheckContext): Violation[] {
  const holdingsByPerson = new Map<number, Holding[]>();
  for (const h of ctx.holdings) (holdingsByPerson.get(h.personId) ?? holdingsByPerson.set(h.personId, []).get(h.personId)!).push(h);
  const rulesByMatter = new Map<number, RuleBand[]>();
  for (const r of ctx.rules) (rulesByMatter.get(r.matterId) ?? rulesByMatter.set(r.matterId, []).get(r.matterId)!).push(r);
  const heldOn = (personId: number, date: string): Held[] =>
    (holdingsByPerson.get(personId) ?? [])
      .filter((h) => inForce(h, date))
      .map((h) => ({ positionId: h.positionId, levelRank: ctx.positions.get(h.positionId)?.levelRank ?? 0 }));
  const bandsOn = (matterId: number, date: string) => (rulesByMatter.get(matterId) ?? []).filter((b) => inForce(b, date));

  const out: Violation[] = [];
  const facts = new Map<number, { holderId: number; delegatorId: number | null; delegateId: number | null; held: Held[]; bands: RuleBand[]; band: RuleBand | undefined }>();
  for (const r of records) {
    const matter = ctx.matters.get(r.matterId)!;
    const value = r.amount ?? 0;
    const chain = r.viaDelegationId == null ? null : delegationChain(r.viaDelegationId, ctx.delegations);
    const holderId = chain?.rootDelegatorId ?? r.approverId;
    const via = chain ? { delegatorId: holderId, delegateId: r.approverId, delegationId: r.viaDelegationId } : { delegatorId: null, delegateId: null, delegationId: null };
    const add = (kind: ViolationKind, extra: Partial<Violation> = {}) =>
      out.push({ recordId: r.id, kind, holderId, ...via, linkId: null, basis: null, windowSum: null, windowCount: null, limit: null, ...extra });
    const held = heldOn(holderId, r.approvedOn);
    const bands = bandsOn(r.matterId, r.approvedOn);
    const band = bandFor(bands, value);
    facts.set(r.id, { holderId, ...via, held, bands, band });

    if (!band) add('no_rule');
    else if (!satisfies(band, held)) add('below_band');
    if (chain) {
      if (matter.nonDelegable) add('non_delegable');
      const onDate = chainOnDate(chain, r.approvedOn, value);
      if (onDate.expired) add('delegation_expired', { linkId: onDate.expired.id });
      if (onDate.revoked) add('delegation_revoked', { linkId: onDate.revoked.id });
      if (onDate.overCap) add('delegation_over_cap', { linkId: onDate.overCap.id });
      if (chain.tooDeep) add('delegation_too_deep', { linkId: chain.tooDeep.id });
      if (chain.cycle) add('delegation_cycle');
    }
    if ((matter.requiresMinutes || band?.mode === 'collective') && !r.minutesRef?.trim()) add('missing_minutes');
    if (r.executedOn != null && r.approvedOn > r.executedOn) add('approved_after_execution');
    if (r.requesterId === r.approverId || r.requesterId === holderId) add('self_approval');
  }

  // split transactions: per matter, band and requester (or vendor), the sets of records within one window
  for (const basis of ['requester', 'vendor'] as const) {
    const groups = new Map<string, ApprovalRecordInfo[]>();
    for (const r of records) {
      const window = ctx.matters.get(r.matterId)!.splitWindowDays;
      const key = basis === 'requester' ? String(r.requesterId) : r.vendor;
      const band = facts.get(r.id)!.band;
      if (window == null || key == null || !band || band.upperBound == null) continue;
      const k = `${r.matterId}\u0000${band.id}\u0000${key}`;
      (groups.get(k) ?? groups.set(k, []).get(k)!).push(r);
    }
    for (const group of groups.values()) {
      const window = ctx.matters.get(group[0]!.matterId)!.splitWindowDays!;
      const upperBound = facts.get(group[0]!.id)!.band!.upperBound!;
      for (const set of splitSets(group, window)) {
        const windowSum = cents(set.reduce((s, o) => s + (o.amount ?? 0), 0));
        if (windowSum <= upperBound) continue;
        // the set is measured against the smallest reach among its approvers (an approver whose
        // own record is beyond reach is a below-band case, reported as such, not a split)
        let limiting: ApprovalRecordInfo | null = null;
        let limit = Infinity;
        for (const r of set) {
          const f = facts.get(r.id)!;
          const reach = authorityLimit(f.bands, f.held);
          if (reach == null || (r.amount ?? 0) > reach) continue;
          if (reach < limit) [limit, limiting] = [reach, r];
        }
        if (!limiting || windowSum <= limit) continue;
        // a set spans records: delegations are named on each record's own violations, not here
        out.push({
          recordId: set[0]!.id,
          kind: 'split_transaction',
          holderId: facts.get(limiting.id)!.holderId,
          delegatorId: null,
          delegateId: null,
          delegationId: null,
          linkId: null,
          basis,
          windowSum,
          windowCount: set.length,
          limit,
          setRecordIds: set.map((r) => r.id),
          windowFrom: set[0]!.approvedOn,
          windowTo: set.at(-1)!.approvedOn,
        });
      }
    }
  }
  return out;
}

// ── reporting ───────────────────────────────────────────────────
/** One violation as reported: the record, the people (delegator and delegate both), the band and the figures. */
export interface ViolationReport {
  recordId: number;
  referenceNo: string;
  kind: ViolationKind;
  matterId: number;
  matterCode: string;
  matterName: string;
  unit: MatterUnit;
  approvedOn: string;
  executedOn: string | null;
  amount: number | null;
  vendor: string | null;
  minutesRef: string | null;
  requesterId: number;
  requesterName: string;
  approverId: number;
  approverName: string;
  /** set when the approval went through a delegation: accountability stays with the delegator */
  delegationId: number | null;
  delegatorId: number | null;
  delegatorName: string | null;
  delegateId: number | null;
  delegateName: string | null;
  /** the link of the chain at fault */
  linkId: number | null;
  linkValidFrom: string | null;
  linkValidTo: string | null;
  linkRevokedOn: string | null;
  linkCap: number | null;
  linkMaxDepth: number | null;
  linkLevel: number | null;
  bandNo: number | null;
  lowerBound: number | null;
  upperBound: number | null;
  requiredPositionName: string | null;
  requiredRank: number | null;
  holderRank: number | null;
  mode: ApprovalMode | null;
  decidingBody: string | null;
  basis: 'requester' | 'vendor' | null;
  windowSum: number | null;
  windowCount: number | null;
  windowDays: number | null;
  limit: number | null;
  /** split transactions: the set's records (recordId is the first) and its first and last dates */
  setRecordIds: number[] | null;
  setReferences: string[] | null;
  windowFrom: string | null;
  windowTo: string | null;
}

/** A translator: i18next's t, or the server's translate bound to a locale. */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** 12,000 元 / 1.5 天 / 3 次 */
export function formatAmount(value: number | null, unit: MatterUnit, t: Translate): string {
  if (value == null) return '—';
  const n = value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  return unit === 'none' ? n : t('authority.unitSuffix', { value: n, unit: t(`authority.units.${unit}`) });
}

/** One violation in words; names the delegator and the delegate whenever a delegation was used. */
export function describeViolation(v: ViolationReport, t: Translate): string {
  const amount = (x: number | null) => formatAmount(x, v.unit, t);
  const base = { date: v.approvedOn, matter: v.matterName, requester: v.requesterName, approver: v.approverName, holder: v.delegatorName ?? v.approverName };
  const p: Record<string, unknown> = { ...base };
  let key = `authority.violationText.${v.kind}`;
  switch (v.kind) {
    case 'no_rule':
      p.amount = amount(v.amount);
      break;
    case 'below_band':
      p.range = v.bandNo == null ? '' : formatBand(v.lowerBound, v.upperBound);
      p.rank = v.holderRank ?? '—';
      if (v.requiredPositionName) {
        key += 'Position';
        p.position = v.requiredPositionName;
      } else p.required = v.requiredRank;
      break;
    case 'non_delegable':
    case 'delegation_cycle':
      p.id = v.delegationId;
      break;
    case 'delegation_expired':
      Object.assign(p, { id: v.linkId, from: v.linkValidFrom, to: v.linkValidTo });
      break;
    case 'delegation_revoked':
      Object.assign(p, { id: v.linkId, revokedOn: v.linkRevokedOn });
      break;
    case 'delegation_over_cap':
      Object.assign(p, { id: v.linkId, amount: amount(v.amount), cap: amount(v.linkCap) });
      break;
    case 'delegation_too_deep':
      Object.assign(p, { id: v.linkId, allowed: v.linkMaxDepth, depth: v.linkLevel });
      break;
    case 'missing_minutes':
      if (v.decidingBody && v.mode === 'collective') {
        key += 'Body';
        p.body = v.decidingBody;
      }
      break;
    case 'approved_after_execution':
      p.executedOn = v.executedOn;
      break;
    case 'self_approval':
      break;
    case 'split_transaction':
      key += v.basis === 'vendor' ? 'Vendor' : 'Requester';
      Object.assign(p, {
        vendor: v.vendor,
        days: v.windowDays,
        sum: amount(v.windowSum),
        count: v.windowCount,
        limit: amount(v.limit),
        from: v.windowFrom ?? v.approvedOn,
        to: v.windowTo ?? v.approvedOn,
        refs: (v.setReferences ?? []).join(t('authority.violationText.listSeparator')),
      });
      break;
  }
  const text = t(key, p);
  return v.delegationId == null
    ? text
    : text + t('authority.violationText.delegationSuffix', { delegator: v.delegatorName, delegate: v.delegateName, id: v.delegationId });
}
