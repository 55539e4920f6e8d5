import type { Executor } from '../db/connect.ts';
import { notFound } from '../errors.ts';
import {
  RISK_LEVELS,
  RuleIndex,
  buildMatrix,
  controlConflicts,
  dutySets,
  filterConflicts,
  mitigationState,
  peopleConflicts,
  positionConflicts,
  todayIso,
  unitConflicts,
  type ConflictAssignment,
  type ConflictKind,
  type ConflictPosition,
  type MitigationInfo,
  type RawConflict,
  type RiskLevel,
  type SodCheckFilter,
  type SodConflict,
  type SodRuleDef,
} from '../../shared/sod.ts';
import * as q from './queries.ts';

/**
 * The conflict check: loads rules, positions, assignments, controls and mitigations, runs the pure
 * checks of shared/sod.ts and shapes each conflict for the API (names, overlap, mitigation status).
 */

type RuleDef = SodRuleDef & { code: string };

interface CheckContext {
  asOf: string;
  rules: Map<number, RuleDef>;
  index: RuleIndex;
  positions: Map<number, ConflictPosition>;
  duties: Map<number, ReadonlySet<string>>;
  mitigations: Map<string, q.MitigationRow[]>;
}

function loadRuleDefs(db: Executor): Promise<RuleDef[]> {
  return db
    .selectFrom('sod_rule')
    .select(['id', 'code', 'kind', 'duty_a as dutyA', 'duty_b as dutyB', 'position_a as positionA', 'position_b as positionB', 'scope', 'risk', 'active'])
    .execute();
}

async function loadContext(db: Executor, asOf: string, mitigationKeyPrefix?: string): Promise<CheckContext> {
  const [rules, positions, mitigations] = await Promise.all([
    loadRuleDefs(db),
    q.loadPositions(db),
    q.loadStandingMitigations(db, { keyPrefix: mitigationKeyPrefix }),
  ]);
  const byKey = new Map<string, q.MitigationRow[]>();
  for (const m of mitigations) {
    const list = byKey.get(m.conflictKey);
    if (list) list.push(m);
    else byKey.set(m.conflictKey, [m]);
  }
  return {
    asOf,
    rules: new Map(rules.map((r) => [r.id, r])),
    index: new RuleIndex(rules),
    positions: new Map(positions.map((p) => [p.id, p])),
    duties: dutySets(positions),
    mitigations: byKey,
  };
}

const mitigationInfo = (m: q.MitigationRow | null): MitigationInfo | null =>
  m && {
    id: m.id,
    mitigatingControl: m.mitigatingControl,
    controlNodeId: m.controlNodeId,
    validFrom: m.validFrom,
    expiresOn: m.expiresOn,
    createdBy: m.createdBy,
    createdAt: m.createdAt,
  };

interface Extras {
  controls: Map<number, { title: string; manualId: number }>;
  unitNames: Map<number, string>;
  people: Map<number, { name: string; employeeNo: string }>;
}

const NO_MITIGATION = { active: null, lapsed: null } as const;

/** The API row of one raw conflict: names, overlap and mitigation status (one literal per row: this runs 20,000 times a check). */
function shape(ctx: CheckContext, c: RawConflict, extras: Extras): SodConflict {
  const rule = c.ruleId == null ? null : (ctx.rules.get(c.ruleId) ?? null);
  const records = ctx.mitigations.size ? ctx.mitigations.get(c.key) : undefined;
  const { active, lapsed } = records ? mitigationState(records, ctx.asOf) : NO_MITIGATION;
  const positions = ctx.positions;
  let dutyA = rule?.dutyA ?? null;
  let dutyB = rule?.dutyB ?? null;
  let involved: ConflictPosition[];
  let unitId: number | null = null;
  let unitName: string | null = null;
  let person: { name: string; employeeNo: string } | undefined;
  let assignments: ConflictAssignment[] = [];
  let control: { title: string; manualId: number } | undefined;
  switch (c.kind) {
    case 'design_position':
      involved = [positions.get(c.positionId)!];
      break;
    case 'design_unit':
      unitId = c.unitId;
      unitName = extras.unitNames.get(c.unitId) ?? null;
      involved = [...new Set([...c.sideA, ...c.sideB])].map((id) => positions.get(id)!);
      break;
    case 'people':
      person = extras.people.get(c.personId);
      involved = [positions.get(c.assignments[0].positionId)!, positions.get(c.assignments[1].positionId)!];
      assignments = c.assignments;
      break;
    case 'control':
      control = extras.controls.get(c.controlId);
      involved = [positions.get(c.positionId)!];
      dutyA = c.duty;
      dutyB = c.checkedDuty;
      break;
  }
  return {
    key: c.key,
    kind: c.kind,
    ruleId: rule?.id ?? null,
    ruleCode: rule?.code ?? null,
    ruleKind: rule?.kind ?? null,
    scope: rule?.scope ?? null,
    risk: rule?.risk ?? 'high', // an owner checking the very duty it holds: no rule needed to see it
    dutyA,
    dutyB,
    positions: involved,
    unitId,
    unitName,
    personId: c.kind === 'people' ? c.personId : null,
    personName: person?.name ?? null,
    employeeNo: person?.employeeNo ?? null,
    assignments,
    from: c.kind === 'people' ? c.from : null,
    to: c.kind === 'people' ? c.to : null,
    controlId: c.kind === 'control' ? c.controlId : null,
    controlTitle: control?.title ?? null,
    manualId: control?.manualId ?? null,
    status: active ? 'mitigated' : 'open',
    mitigation: mitigationInfo(active),
    lapsedMitigation: mitigationInfo(lapsed),
  };
}

const RISK_RANK = Object.fromEntries(RISK_LEVELS.map((r, i) => [r, i])) as Record<RiskLevel, number>;
const KIND_RANK: Record<ConflictKind, number> = { design_position: 0, design_unit: 1, people: 2, control: 3 };
/**
 * Highest risk first, then by kind, each kind keeping its own order (people by person, then time):
 * a stable bucket sort, linear in the tens of thousands of people conflicts.
 */
function byRiskThenKind(conflicts: readonly SodConflict[]): SodConflict[] {
  const buckets: SodConflict[][] = Array.from({ length: RISK_LEVELS.length * 4 }, () => []);
  for (const c of conflicts) buckets[(RISK_LEVELS.length - 1 - RISK_RANK[c.risk]) * 4 + KIND_RANK[c.kind]]!.push(c);
  return buckets.flat();
}

/** Unit ids of `unitId` and everything under it. */
async function unitScope(db: Executor, unitId: number): Promise<Set<number>> {
  const units = await q.listUnitParents(db);
  if (!units.some((u) => u.id === unitId)) throw notFound('org_unit', unitId);
  const children = new Map<number, number[]>();
  for (const u of units) if (u.parentId != null) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u.id]);
  const out = new Set<number>();
  const stack = [unitId];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

/**
 * Every conflict (design, people, control) with its mitigation status on `asOf`, filtered. Only
 * the kinds a filter can return are computed: a person filter or kind=people runs the people
 * sweep alone (over that person's assignments only, when one is named).
 */
export async function checkConflicts(db: Executor, filter: SodCheckFilter = {}): Promise<{ asOf: string; conflicts: SodConflict[] }> {
  const asOf = filter.asOf ?? todayIso();
  const want = (k: ConflictKind) =>
    (filter.kind == null || filter.kind === k || (filter.kind === 'design' && k.startsWith('design'))) && (filter.personId == null || k === 'people');
  const keyPrefix = filter.kind === 'people' || filter.personId != null ? 'people:' : undefined;
  // the bulk loads run side by side (a pool on PostgreSQL)
  const [ctx, assignments, controls, scope] = await Promise.all([
    loadContext(db, asOf, keyPrefix),
    want('people') ? q.loadAssignments(db, { personId: filter.personId }) : [],
    want('control') ? q.loadControls(db, {}) : [],
    filter.unitId != null ? unitScope(db, filter.unitId) : null,
  ]);

  const raw: RawConflict[] = [];
  const extras: Extras = { controls: new Map(), unitNames: new Map(), people: new Map() };
  if (want('design_position') || want('design_unit')) {
    const positions = [...ctx.positions.values()];
    if (want('design_position')) raw.push(...positionConflicts(positions, ctx.index));
    if (want('design_unit')) {
      for (const u of unitConflicts(positions, ctx.index)) raw.push(u);
      for (const p of positions) extras.unitNames.set(p.unitId, p.unitName);
    }
  }
  if (assignments.length) {
    const found = peopleConflicts(assignments, ctx.duties, ctx.index);
    for (const c of found) raw.push(c);
    extras.people = await q.loadPeopleNames(db, [...new Set(found.map((c) => c.personId))]);
  }
  for (const c of controls) extras.controls.set(c.controlId, { title: c.title, manualId: c.manualId });
  if (controls.length) raw.push(...controlConflicts(controls, ctx.duties, ctx.index));
  const shaped = raw.map((c) => shape(ctx, c, extras));
  return { asOf, conflicts: byRiskThenKind(filterConflicts(shaped, filter, scope)) };
}

/** One conflict by its key, as the check sees it on `asOf`; null when there is no such conflict now. */
export async function findConflict(db: Executor, key: string, kind: ConflictKind, asOf: string): Promise<SodConflict | null> {
  const personId = kind === 'people' ? Number(key.split(':')[2]) : undefined;
  const { conflicts } = await checkConflicts(db, { kind, personId, asOf });
  return conflicts.find((c) => c.key === key) ?? null;
}

/**
 * For the design lint: controls of one manual whose owner position holds the duty the control
 * checks (it would check its own work).
 */
export async function controlOwnerConflicts(db: Executor, manualId: number) {
  const asOf = todayIso();
  const [ctx, controls] = await Promise.all([loadContext(db, asOf, 'control:'), q.loadControls(db, { manualId })]);
  return controlConflicts(controls, ctx.duties, ctx.index).map((c) => ({
    controlId: c.controlId,
    positionId: c.positionId,
    duty: c.duty,
    ruleId: c.ruleId,
    key: c.key,
    mitigated: mitigationState(ctx.mitigations.get(c.key) ?? [], asOf).active != null,
  }));
}

/** A person's assignments (with positions and duties) and their people conflicts, for the timeline. */
export async function personDrillDown(db: Executor, personId: number, asOf?: string) {
  const person = await db.selectFrom('person').select(['id', 'employee_no as employeeNo', 'name', 'active']).where('id', '=', personId).executeTakeFirst();
  if (!person) throw notFound('person', personId);
  const [assignments, positions, check] = await Promise.all([
    q.loadAssignments(db, { personId }),
    q.loadPositions(db),
    checkConflicts(db, { personId, asOf }),
  ]);
  assignments.sort((a, b) => (a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : a.id - b.id));
  const byId = new Map(positions.map((p) => [p.id, p]));
  return {
    person,
    asOf: check.asOf,
    assignments: assignments.map((a) => {
      const p = byId.get(a.positionId)!;
      return {
        id: a.id,
        kind: a.kind,
        validFrom: a.validFrom,
        validTo: a.validTo,
        positionId: p.id,
        positionCode: p.code,
        positionName: p.name,
        unitName: p.unitName,
        duties: p.duties,
      };
    }),
    conflicts: check.conflicts,
  };
}

/** Duties × duties with the rules between them and the open/mitigated conflicts per cell. */
export async function dutyMatrix(db: Executor, asOf?: string) {
  const [duties, rules, check] = await Promise.all([q.listDutyCategories(db), loadRuleDefs(db), checkConflicts(db, { asOf })]);
  const byCell = buildMatrix(rules, check.conflicts);
  const positionRules = rules.filter((r) => r.kind === 'position').length;
  const positionRuleConflicts = check.conflicts.filter((c) => c.ruleKind === 'position');
  return {
    asOf: check.asOf,
    duties: duties.map((d) => ({ code: d.code, nameZh: d.nameZh, nameEn: d.nameEn, builtin: d.builtin })),
    cells: byCell,
    positionRules,
    positionRuleConflicts: {
      open: positionRuleConflicts.filter((c) => c.status === 'open').length,
      mitigated: positionRuleConflicts.filter((c) => c.status === 'mitigated').length,
    },
  };
}
