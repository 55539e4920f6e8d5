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
    expiresOn: m.expiresOn,
    createdBy: m.createdBy,
    createdAt: m.createdAt,
  };

interface Extras {
  controls: Map<number, { title: string; manualId: number }>;
  unitNames: Map<number, string>;
  people: Map<number, { name: string; employeeNo: string }>;
}

function shape(ctx: CheckContext, c: RawConflict, extras: Extras): SodConflict {
  const rule = c.ruleId == null ? null : (ctx.rules.get(c.ruleId) ?? null);
  const { active, lapsed } = mitigationState(ctx.mitigations.get(c.key) ?? [], ctx.asOf);
  const position = (id: number) => ctx.positions.get(id)!;
  const row: SodConflict = {
    key: c.key,
    kind: c.kind,
    ruleId: rule?.id ?? null,
    ruleCode: rule?.code ?? null,
    ruleKind: rule?.kind ?? null,
    scope: rule?.scope ?? null,
    risk: rule?.risk ?? 'high', // an owner checking the very duty it holds: no rule needed to see it
    dutyA: rule?.dutyA ?? null,
    dutyB: rule?.dutyB ?? null,
    positions: [],
    unitId: null,
    unitName: null,
    personId: null,
    personName: null,
    employeeNo: null,
    assignments: [],
    from: null,
    to: null,
    controlId: null,
    controlTitle: null,
    manualId: null,
    status: active ? 'mitigated' : 'open',
    mitigation: mitigationInfo(active),
    lapsedMitigation: mitigationInfo(lapsed),
  };
  switch (c.kind) {
    case 'design_position':
      row.positions = [position(c.positionId)];
      break;
    case 'design_unit':
      row.unitId = c.unitId;
      row.unitName = extras.unitNames.get(c.unitId) ?? null;
      row.positions = [...new Set([...c.sideA, ...c.sideB])].map(position);
      break;
    case 'people': {
      const [a, b] = c.assignments;
      const person = extras.people.get(c.personId);
      row.personId = c.personId;
      row.personName = person?.name ?? null;
      row.employeeNo = person?.employeeNo ?? null;
      row.positions = [position(a.positionId), position(b.positionId)];
      row.assignments = [a, b];
      row.from = c.from;
      row.to = c.to;
      break;
    }
    case 'control': {
      const control = extras.controls.get(c.controlId);
      row.positions = [position(c.positionId)];
      row.dutyA = c.duty;
      row.dutyB = c.checkedDuty;
      row.controlId = c.controlId;
      row.controlTitle = control?.title ?? null;
      row.manualId = control?.manualId ?? null;
      break;
    }
  }
  return row;
}

const RISK_RANK = Object.fromEntries(RISK_LEVELS.map((r, i) => [r, i])) as Record<RiskLevel, number>;
const KIND_RANK: Record<ConflictKind, number> = { design_position: 0, design_unit: 1, people: 2, control: 3 };
const rank = (c: SodConflict) => (RISK_LEVELS.length - RISK_RANK[c.risk]) * 4 + KIND_RANK[c.kind];
/** Highest risk first, then by kind; a stable sort keeps each kind's own order (people by person, then time). */
const byRiskThenKind = (a: SodConflict, b: SodConflict) => rank(a) - rank(b);

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
  return { asOf, conflicts: filterConflicts(shaped, filter, scope).sort(byRiskThenKind) };
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
