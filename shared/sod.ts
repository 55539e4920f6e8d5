import { z } from 'zod';
import { id, isoDate, type AssignmentKind } from './org.ts';

/**
 * Segregation of duties (不相容职务, docs/design.md §3.5): rules, and the pure conflict checks the server,
 * the page and the bench all use.
 *
 * Scopes: a same-person rule forbids one person holding both sides at once; a same-unit rule also
 * forbids one unit holding them (in different positions) — the stricter form, so a same-unit rule
 * is checked against people and single positions as well.
 */
export const SOD_RULE_KINDS = ['duty', 'position'] as const;
export const SOD_SCOPES = ['same_person', 'same_unit'] as const;
export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export const CONFLICT_KINDS = ['design_position', 'design_unit', 'people', 'control'] as const;
export const CONFLICT_STATUSES = ['open', 'mitigated'] as const;

export type SodRuleKind = (typeof SOD_RULE_KINDS)[number];
export type SodScope = (typeof SOD_SCOPES)[number];
export type RiskLevel = (typeof RISK_LEVELS)[number];
export type ConflictKind = (typeof CONFLICT_KINDS)[number];
export type ConflictStatus = (typeof CONFLICT_STATUSES)[number];

// ── inputs ──────────────────────────────────────────────────────
const code = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'errors.field.code' });

export const dutyCategoryInput = z.object({
  code: code.regex(/^[a-z][a-z0-9_]*$/, { message: 'errors.sod.dutyCode' }),
  nameZh: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().min(1).max(100),
});
export const dutyCategoryRename = dutyCategoryInput.pick({ nameZh: true, nameEn: true }).extend({ code: z.string().min(1).max(40) });

export const sodRuleInput = z
  .object({
    code,
    kind: z.enum(SOD_RULE_KINDS),
    dutyA: z.string().trim().min(1).max(40).nullable().default(null),
    dutyB: z.string().trim().min(1).max(40).nullable().default(null),
    positionA: id.nullable().default(null),
    positionB: id.nullable().default(null),
    scope: z.enum(SOD_SCOPES).default('same_person'),
    risk: z.enum(RISK_LEVELS),
    rationale: z.string().trim().min(1).max(2000),
    basis: z.string().trim().max(500).default(''),
    active: z.boolean().default(true),
  })
  .superRefine((r, ctx) => {
    const [a, b, fa, fb] = r.kind === 'duty' ? [r.dutyA, r.dutyB, 'dutyA', 'dutyB'] : [r.positionA, r.positionB, 'positionA', 'positionB'];
    if (a == null) ctx.addIssue({ code: 'custom', path: [fa], message: 'errors.sod.sideRequired' });
    if (b == null) ctx.addIssue({ code: 'custom', path: [fb], message: 'errors.sod.sideRequired' });
    if (a != null && a === b) ctx.addIssue({ code: 'custom', path: [fb], message: 'errors.sod.sameSides' });
  })
  // only the sides of the rule's kind are kept
  .transform((r) =>
    r.kind === 'duty' ? { ...r, positionA: null, positionB: null } : { ...r, dutyA: null, dutyB: null },
  );
export type SodRuleInput = z.input<typeof sodRuleInput>;

export const mitigationInput = z.object({
  conflictKey: z.string().trim().min(1).max(200),
  mitigatingControl: z
    .string({ message: 'errors.sod.mitigatingControlRequired' })
    .trim()
    .min(1, { message: 'errors.sod.mitigatingControlRequired' })
    .max(2000),
  controlNodeId: id.nullable().default(null),
  /** the first day the mitigation accepts the conflict (default: today); may lie in the past */
  validFrom: isoDate.optional(),
  expiresOn: isoDate,
}).refine((m) => m.validFrom == null || m.validFrom <= m.expiresOn, { message: 'errors.sod.periodOrder', path: ['expiresOn'] });
export type MitigationInput = z.input<typeof mitigationInput>;

export const sodCheckInput = z
  .object({
    /** 'design' = both design kinds */
    kind: z.enum(['design', ...CONFLICT_KINDS]).optional(),
    risks: z.array(z.enum(RISK_LEVELS)).max(RISK_LEVELS.length).optional(),
    status: z.enum(CONFLICT_STATUSES).optional(),
    /** the unit and its sub-units */
    unitId: id.optional(),
    personId: id.optional(),
    /** one cell of the matrix: conflicts between these two duties (either order) */
    duties: z.tuple([z.string().min(1).max(40), z.string().min(1).max(40)]).optional(),
    /** people conflicts whose overlap touches this period (design and control conflicts are current) */
    from: isoDate.optional(),
    to: isoDate.optional(),
    /** the day mitigations are judged on; default today */
    asOf: isoDate.optional(),
  })
  .refine((f) => f.from == null || f.to == null || f.to >= f.from, { message: 'errors.sod.periodOrder', path: ['to'] })
  .default({});
export type SodCheckFilter = z.output<typeof sodCheckInput>;

// ── domain shapes ───────────────────────────────────────────────
export interface SodRuleDef {
  id: number;
  code: string;
  kind: SodRuleKind;
  dutyA: string | null;
  dutyB: string | null;
  positionA: number | null;
  positionB: number | null;
  scope: SodScope;
  risk: RiskLevel;
  active: boolean;
}

export interface PositionDuties {
  id: number;
  unitId: number;
  duties: readonly string[];
}

export interface AssignmentSpan {
  id: number;
  personId: number;
  positionId: number;
  kind: AssignmentKind;
  validFrom: string;
  /** null = open-ended */
  validTo: string | null;
}

export interface ControlDuty {
  controlId: number;
  positionId: number | null;
  checkedDuty: string | null;
}

export interface PositionConflict {
  kind: 'design_position';
  key: string;
  ruleId: number;
  positionId: number;
}
export interface UnitConflict {
  kind: 'design_unit';
  key: string;
  ruleId: number;
  unitId: number;
  /** positions of the unit holding side A / side B of the rule */
  sideA: number[];
  sideB: number[];
}
export interface PeopleConflict<A extends AssignmentSpan = AssignmentSpan> {
  kind: 'people';
  key: string;
  ruleId: number;
  personId: number;
  /** the assignment holding side A of the rule, then the one holding side B */
  assignments: [A, A];
  /** the overlap, inclusive; to = null: still open-ended */
  from: string;
  to: string | null;
}
export interface ControlConflict {
  kind: 'control';
  key: string;
  /** null: the owner holds the checked duty itself */
  ruleId: number | null;
  controlId: number;
  positionId: number;
  /** the owner's duty that conflicts with checkedDuty */
  duty: string;
  checkedDuty: string;
}
export type RawConflict = PositionConflict | UnitConflict | PeopleConflict | ControlConflict;

/** Stable keys naming one conflict, so a mitigation keeps pointing at it across checks. */
export const conflictKey = {
  position: (ruleId: number, positionId: number) => `position:${ruleId}:${positionId}`,
  unit: (ruleId: number, unitId: number) => `unit:${ruleId}:${unitId}`,
  people: (ruleId: number, personId: number, positionX: number, positionY: number) =>
    `people:${ruleId}:${personId}:${Math.min(positionX, positionY)}-${Math.max(positionX, positionY)}`,
  control: (controlId: number, positionId: number, duty: string) => `control:${controlId}:${positionId}:${duty}`,
};

const KEY_KIND: Record<string, ConflictKind> = {
  position: 'design_position',
  unit: 'design_unit',
  people: 'people',
  control: 'control',
};
/** The conflict kind a key names, or null when it is not a conflict key at all. */
export function conflictKindOfKey(key: string): ConflictKind | null {
  const m = /^(position|unit|people|control):\d+:/.exec(key);
  return m ? KEY_KIND[m[1]!]! : null;
}

// ── rule index ──────────────────────────────────────────────────
interface Side {
  rule: SodRuleDef;
  /** the other side of the rule */
  other: string | number;
  /** true when the indexed side is the rule's side A */
  isA: boolean;
}

/** Active rules indexed by each side: duty → rules naming it, position → rules naming it. */
export class RuleIndex {
  readonly byDuty = new Map<string, Side[]>();
  /** duty → other duty → the rules between them, seen from the first duty */
  readonly byDutyPair = new Map<string, Map<string, Side[]>>();
  readonly byPosition = new Map<number, Side[]>();
  readonly rules: SodRuleDef[];

  constructor(rules: readonly SodRuleDef[]) {
    this.rules = rules.filter((r) => r.active);
    for (const rule of this.rules) {
      if (rule.kind === 'duty' && rule.dutyA != null && rule.dutyB != null) {
        push(this.byDuty, rule.dutyA, { rule, other: rule.dutyB, isA: true });
        push(this.byDuty, rule.dutyB, { rule, other: rule.dutyA, isA: false });
        this.pairSides(rule.dutyA, rule.dutyB).push({ rule, other: rule.dutyB, isA: true });
        this.pairSides(rule.dutyB, rule.dutyA).push({ rule, other: rule.dutyA, isA: false });
      } else if (rule.kind === 'position' && rule.positionA != null && rule.positionB != null) {
        push(this.byPosition, rule.positionA, { rule, other: rule.positionB, isA: true });
        push(this.byPosition, rule.positionB, { rule, other: rule.positionA, isA: false });
      }
    }
  }

  private pairSides(a: string, b: string): Side[] {
    let inner = this.byDutyPair.get(a);
    if (!inner) this.byDutyPair.set(a, (inner = new Map()));
    let sides = inner.get(b);
    if (!sides) inner.set(b, (sides = []));
    return sides;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Positions' duties as sets, for membership tests in the hot loops. */
export function dutySets(positions: Iterable<PositionDuties>): Map<number, ReadonlySet<string>> {
  const out = new Map<number, ReadonlySet<string>>();
  for (const p of positions) out.set(p.id, new Set(p.duties));
  return out;
}

const NONE: ReadonlySet<string> = new Set();

// ── design ──────────────────────────────────────────────────────
/** Positions whose own duties hold both sides of an active duty rule (either scope). */
export function positionConflicts(positions: readonly PositionDuties[], rules: RuleIndex): PositionConflict[] {
  const out: PositionConflict[] = [];
  for (const p of positions) {
    const held = new Set(p.duties);
    const seen = new Set<number>();
    for (const d of p.duties) {
      for (const side of rules.byDuty.get(d) ?? []) {
        if (side.isA && held.has(side.other as string) && !seen.has(side.rule.id)) {
          seen.add(side.rule.id);
          out.push({ kind: 'design_position', key: conflictKey.position(side.rule.id, p.id), ruleId: side.rule.id, positionId: p.id });
        }
      }
    }
  }
  return out;
}

/**
 * Units that hold both sides of an active same-unit rule in different positions (a single position
 * holding both is a position conflict already). Only a unit's own positions count: the guidance
 * allows separation across units of one level or across levels.
 */
export function unitConflicts(positions: readonly PositionDuties[], rules: RuleIndex): UnitConflict[] {
  const byUnit = new Map<number, PositionDuties[]>();
  for (const p of positions) push(byUnit, p.unitId, p);
  const out: UnitConflict[] = [];
  for (const rule of rules.rules) {
    if (rule.scope !== 'same_unit') continue;
    for (const [unitId, unitPositions] of byUnit) {
      let sideA: number[];
      let sideB: number[];
      if (rule.kind === 'duty') {
        sideA = unitPositions.filter((p) => p.duties.includes(rule.dutyA!)).map((p) => p.id);
        sideB = unitPositions.filter((p) => p.duties.includes(rule.dutyB!)).map((p) => p.id);
      } else {
        sideA = unitPositions.filter((p) => p.id === rule.positionA).map((p) => p.id);
        sideB = unitPositions.filter((p) => p.id === rule.positionB).map((p) => p.id);
      }
      const separate = sideA.some((a) => sideB.some((b) => a !== b));
      if (separate) out.push({ kind: 'design_unit', key: conflictKey.unit(rule.id, unitId), ruleId: rule.id, unitId, sideA, sideB });
    }
  }
  return out;
}

// ── people ──────────────────────────────────────────────────────
interface PairMatch {
  rule: SodRuleDef;
  /** true: the first position of the pair holds side A */
  firstIsA: boolean;
  /** conflictKey.people in two pieces around the person id, built once per pair instead of per conflict */
  keyHead: string;
  keyTail: string;
}

function pairMatch(side: Side, x: number, y: number): PairMatch {
  return { rule: side.rule, firstIsA: side.isA, keyHead: `people:${side.rule.id}:`, keyTail: `:${Math.min(x, y)}-${Math.max(x, y)}` };
}

/** Which active rules two different positions break together, cached per ordered pair. */
function pairMatcher(duties: ReadonlyMap<number, ReadonlySet<string>>, rules: RuleIndex) {
  const cache = new Map<number, Map<number, PairMatch[]>>();
  const compute = (x: number, y: number): PairMatch[] => {
    const matches: PairMatch[] = [];
    const dx = duties.get(x) ?? NONE;
    const dy = duties.get(y) ?? NONE;
    for (const d of dx) {
      const withD = rules.byDutyPair.get(d);
      if (!withD) continue;
      for (const e of dy) {
        for (const side of withD.get(e) ?? []) {
          if (!matches.some((m) => m.rule === side.rule)) matches.push(pairMatch(side, x, y));
        }
      }
    }
    for (const side of rules.byPosition.get(x) ?? []) {
      if (side.other === y) matches.push(pairMatch(side, x, y));
    }
    return matches;
  };
  return (x: number, y: number): PairMatch[] => {
    let inner = cache.get(x);
    if (!inner) cache.set(x, (inner = new Map()));
    let hit = inner.get(y);
    if (!hit) inner.set(y, (hit = compute(x, y)));
    return hit;
  };
}

const byPersonThenStart = (a: AssignmentSpan, b: AssignmentSpan) =>
  a.personId - b.personId || (a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : a.id - b.id);

function isSorted(xs: readonly AssignmentSpan[]): boolean {
  for (let i = 1; i < xs.length; i++) if (byPersonThenStart(xs[i - 1]!, xs[i]!) > 0) return false;
  return true;
}

/** The earlier of two inclusive end dates, null meaning open-ended. */
function earlierEnd(a: string | null, b: string | null): string | null {
  if (a == null) return b;
  if (b == null) return a;
  return a < b ? a : b;
}

/**
 * People whose overlapping assignments (any kind, inclusive dates, null end = open) combine the
 * two sides of an active rule, each side held through a different assignment. One sweep per
 * person over assignments sorted by start: an assignment is compared only with those still
 * running when it starts, so the cost follows the overlaps, not all pairs.
 */
export function peopleConflicts<A extends AssignmentSpan>(
  assignments: readonly A[],
  duties: ReadonlyMap<number, ReadonlySet<string>>,
  rules: RuleIndex,
): PeopleConflict<A>[] {
  const out: PeopleConflict<A>[] = [];
  if (rules.rules.length === 0) return out;
  const match = pairMatcher(duties, rules);
  const sorted = isSorted(assignments) ? assignments : [...assignments].sort(byPersonThenStart);
  const running: A[] = [];
  let person = NaN;
  let personText = '';
  for (const cur of sorted) {
    if (cur.personId !== person) {
      person = cur.personId;
      personText = String(person);
      running.length = 0;
    }
    // drop assignments that ended before this one starts; they cannot overlap anything later
    let kept = 0;
    for (const a of running) if (a.validTo == null || a.validTo >= cur.validFrom) running[kept++] = a;
    running.length = kept;
    for (const prev of running) {
      if (prev.positionId === cur.positionId) continue;
      for (const m of match(prev.positionId, cur.positionId)) {
        out.push({
          kind: 'people',
          key: m.keyHead + personText + m.keyTail, // = conflictKey.people(rule, person, prev, cur)
          ruleId: m.rule.id,
          personId: person,
          assignments: m.firstIsA ? [prev, cur] : [cur, prev],
          from: cur.validFrom, // sorted by start: the later start opens the overlap
          to: earlierEnd(prev.validTo, cur.validTo),
        });
      }
    }
    running.push(cur);
  }
  return out;
}

// ── controls ────────────────────────────────────────────────────
/**
 * Controls whose owner position would check its own work: it holds the checked duty itself, or a
 * duty that an active rule pairs with the checked duty (the checking duties review/supervise excepted).
 */
export function controlConflicts(
  controls: readonly ControlDuty[],
  duties: ReadonlyMap<number, ReadonlySet<string>>,
  _rules: RuleIndex, // kept so callers pass the same context as the other checks
): ControlConflict[] {
  const out: ControlConflict[] = [];
  for (const c of controls) {
    if (c.positionId == null || c.checkedDuty == null) continue;
    const held = duties.get(c.positionId) ?? NONE;
    const add = (duty: string, ruleId: number | null) =>
      out.push({
        kind: 'control',
        key: conflictKey.control(c.controlId, c.positionId!, duty),
        ruleId,
        controlId: c.controlId,
        positionId: c.positionId!,
        duty,
        checkedDuty: c.checkedDuty!,
      });
    // Only checking one's own work is a conflict. An owner holding a duty that a rule pairs with the
    // checked duty (e.g. the ledger accountant reconciling the cashier's custody) is the separation
    // working, not failing.
    if (held.has(c.checkedDuty)) add(c.checkedDuty, null);
  }
  return out;
}

// ── mitigations ─────────────────────────────────────────────────
export interface MitigationLike {
  /** absent on records made before periods existed: in force from the start */
  validFrom?: string;
  expiresOn: string;
  revokedAt: string | null;
}

/**
 * The mitigation in force on `asOf` (not revoked, its period from `validFrom` to `expiresOn`
 * containing that day — the latest-expiring one), and otherwise the most recent one that lapsed
 * before it. A lapsed mitigation accepts nothing: the conflict is open again. One that starts later
 * is neither: on that day the conflict simply was not mitigated yet.
 */
export function mitigationState<M extends MitigationLike>(records: readonly M[], asOf: string): { active: M | null; lapsed: M | null } {
  let active: M | null = null;
  let lapsed: M | null = null;
  for (const m of records) {
    if (m.revokedAt != null || (m.validFrom != null && m.validFrom > asOf)) continue;
    if (m.expiresOn >= asOf) {
      if (!active || m.expiresOn > active.expiresOn) active = m;
    } else if (!lapsed || m.expiresOn > lapsed.expiresOn) lapsed = m;
  }
  return { active, lapsed: active ? null : lapsed };
}

// ── the API's conflict row, its filter and the matrix ───────────
export interface ConflictPosition {
  id: number;
  code: string;
  name: string;
  unitId: number;
  unitName: string;
  duties: readonly string[];
}
export interface ConflictAssignment {
  id: number;
  kind: AssignmentKind;
  positionId: number;
  validFrom: string;
  validTo: string | null;
}
export interface MitigationInfo {
  id: number;
  mitigatingControl: string;
  controlNodeId: number | null;
  validFrom: string;
  expiresOn: string;
  createdBy: string;
  createdAt: string;
}

export interface SodConflict {
  key: string;
  kind: ConflictKind;
  ruleId: number | null;
  ruleCode: string | null;
  ruleKind: SodRuleKind | null;
  scope: SodScope | null;
  risk: RiskLevel;
  /** the two duties in conflict (control conflicts: the owner's duty, then the checked duty); null for position rules */
  dutyA: string | null;
  dutyB: string | null;
  /** positions involved, side A first */
  positions: ConflictPosition[];
  /** the unit of a design_unit conflict */
  unitId: number | null;
  unitName: string | null;
  personId: number | null;
  personName: string | null;
  employeeNo: string | null;
  /** people conflicts: the two overlapping assignments, side A first */
  assignments: ConflictAssignment[];
  /** people conflicts: the overlap, inclusive (to = null: open-ended) */
  from: string | null;
  to: string | null;
  controlId: number | null;
  controlTitle: string | null;
  manualId: number | null;
  status: ConflictStatus;
  mitigation: MitigationInfo | null;
  /** the most recent mitigation that expired (the conflict is open again) */
  lapsedMitigation: MitigationInfo | null;
}

/** The check's filters; `unitScope` is the filter unit with its sub-units (null: no unit filter). */
export function filterConflicts(conflicts: readonly SodConflict[], f: SodCheckFilter, unitScope: ReadonlySet<number> | null): SodConflict[] {
  const pair = f.duties ? pairKey(f.duties[0], f.duties[1]) : null;
  return conflicts.filter((c) => {
    if (f.kind && (f.kind === 'design' ? !c.kind.startsWith('design') : c.kind !== f.kind)) return false;
    if (f.risks?.length && !f.risks.includes(c.risk)) return false;
    if (f.status && c.status !== f.status) return false;
    if (f.personId != null && c.personId !== f.personId) return false;
    if (pair && (c.dutyA == null || c.dutyB == null || pairKey(c.dutyA, c.dutyB) !== pair)) return false;
    if (unitScope && !(c.unitId != null && unitScope.has(c.unitId)) && !c.positions.some((p) => unitScope.has(p.unitId))) return false;
    if (c.kind === 'people' && c.from != null) {
      if (f.to != null && c.from > f.to) return false;
      if (f.from != null && c.to != null && c.to < f.from) return false;
    }
    return true;
  });
}

/** One unordered duty pair (the matrix is symmetric). */
export function pairKey(a: string, b: string): string {
  return a <= b ? `${a}|${b}` : `${b}|${a}`;
}

export interface MatrixRule {
  id: number;
  code: string;
  scope: SodScope;
  risk: RiskLevel;
  active: boolean;
}
export interface MatrixCell {
  /** pairKey of the two duties */
  pair: string;
  dutyA: string;
  dutyB: string;
  rules: MatrixRule[];
  open: number;
  mitigated: number;
}

/**
 * Duties × duties: each cell with the duty rules between the two and the number of conflicts
 * (open / mitigated) between them. The diagonal counts control owners holding the very duty
 * their control checks. Only cells with a rule or a conflict are returned.
 */
export function buildMatrix(rules: readonly (MatrixRule & { kind: SodRuleKind; dutyA: string | null; dutyB: string | null })[], conflicts: readonly Pick<SodConflict, 'dutyA' | 'dutyB' | 'status'>[]): MatrixCell[] {
  const cells = new Map<string, MatrixCell>();
  const cell = (a: string, b: string) => {
    const k = pairKey(a, b);
    let c = cells.get(k);
    if (!c) cells.set(k, (c = { pair: k, dutyA: a <= b ? a : b, dutyB: a <= b ? b : a, rules: [], open: 0, mitigated: 0 }));
    return c;
  };
  for (const r of rules) {
    if (r.kind !== 'duty' || r.dutyA == null || r.dutyB == null) continue;
    cell(r.dutyA, r.dutyB).rules.push({ id: r.id, code: r.code, scope: r.scope, risk: r.risk, active: r.active });
  }
  for (const c of conflicts) {
    if (c.dutyA == null || c.dutyB == null) continue;
    const target = cell(c.dutyA, c.dutyB);
    if (c.status === 'open') target.open++;
    else target.mitigated++;
  }
  return [...cells.values()];
}

const isoOfDayCache = new Map<number, string>();
/** The ISO date of a day number (days since 1970-01-01); one shared string per day, as bulk loads repeat the same dates. */
export function isoOfDay(day: number): string {
  let iso = isoOfDayCache.get(day);
  if (iso === undefined) {
    iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
    if (isoOfDayCache.size < 100_000) isoOfDayCache.set(day, iso);
  }
  return iso;
}

/** Today in UTC as YYYY-MM-DD (the database session runs in UTC too). */
export function todayIso(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
