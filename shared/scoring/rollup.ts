import { ExactSum } from './exact-sum.ts';
import { fail } from './errors.ts';
import { isValidR, type ControlResult } from './result.ts';
import { SortedResults } from './sorted-results.ts';
import type { ConclusionReason, ScoreRef, ScoreReport, ScoringControlInput, ScoringFinding, ScoringInput, SetScore } from './rollup-types.ts';
import { ELEMENTS, FINDING_CAPS, FINDING_DEDUCTIONS, FINDING_SEVERITIES, RESULT_STATES, type ControlElement } from './vocabulary.ts';

/**
 * The weighted roll-up of docs/design.md §3.4 — the one implementation every screen, API and workbook
 * uses. Cost is O(controls + links + findings' links) with Maps, no nested scans; sums are exact
 * (ExactSum), so input order never changes a digit. Types: rollup-types.ts.
 */

class Accumulator {
  readonly weighted = new ExactSum();
  readonly denominator = new ExactSum();
  controls = 0;
  key = 0;
  tested = 0;
  effective = 0;
  /**
   * Control ids per untested state, made on first use: most sets have none, and three empty Sets
   * for each of thousands of steps were most of a roll-up's allocation.
   */
  notTested: Set<number> | null = null;
  notOperated: Set<number> | null = null;
  notApplicable: Set<number> | null = null;
  deductions = 0;
  cap: number | null = null;
  readonly deducting: number[] = [];
  readonly capping: number[] = [];
}

/** A validated control as the roll-up sees it; shared by every state built from the same input (never mutated after building). */
interface ControlEntry {
  id: number;
  weight: number;
  isKey: boolean;
  element: ControlElement;
  unitId: number | null;
  stepIds: readonly number[];
  processIds: readonly number[];
  /** every set it counts in (steps, processes, unit, element, company), as slots of ControlList */
  slots: readonly number[];
}

/** Roll-up state for incremental updates (applyResultChange). Treat as opaque. */
export interface ScoreState {
  readonly baseDate: string;
  readonly list: ControlList;
  /** each control's result, in list order */
  readonly results: ControlResult[];
  /** the accumulator of each slot of the list */
  readonly slots: readonly Accumulator[];
  readonly steps: ReadonlyMap<number, Accumulator>;
  readonly processes: ReadonlyMap<number, Accumulator>;
  readonly units: ReadonlyMap<number, Accumulator>;
  readonly elements: ReadonlyMap<ControlElement, Accumulator>;
  readonly company: Accumulator;
  readonly conclusion: ScoreReport['conclusion'];
}

const ELEMENT_SET: ReadonlySet<string> = new Set(ELEMENTS);
const STATE_SET: ReadonlySet<string> = new Set(RESULT_STATES);
const SEVERITY_SET: ReadonlySet<string> = new Set(FINDING_SEVERITIES);
const NOT_TESTED: ControlResult = { state: 'not_tested' };

/** Is `s` a real calendar date written YYYY-MM-DD? */
export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/** Was the finding still open at the base date? (closed on or before it → no effect) */
export function isOpenAt(finding: Pick<ScoringFinding, 'status' | 'closedOn'>, baseDate: string): boolean {
  return finding.status !== 'closed' || finding.closedOn == null || finding.closedOn > baseDate;
}

/** The ids without repeats; the input itself when it has none (it is never mutated). */
function uniq(ids: readonly number[]): readonly number[] {
  if (ids.length < 2 || (ids.length === 2 && ids[0] !== ids[1])) return ids;
  const set = new Set(ids);
  return set.size === ids.length ? ids : [...set];
}

function getOrCreate<K>(map: Map<K, Accumulator>, key: K): Accumulator {
  let acc = map.get(key);
  if (!acc) map.set(key, (acc = new Accumulator()));
  return acc;
}

function checkResult(controlId: number, result: ControlResult): void {
  const state = (result as { state?: unknown } | null)?.state;
  if (typeof state !== 'string' || !STATE_SET.has(state)) fail('errors.scoring.unknownState', { control: controlId, value: String(state) });
  if (result.state === 'tested' && !isValidR(result.r)) fail('errors.scoring.controlResultOutOfRange', { control: controlId, value: String(result.r) });
}

function mark(ids: Set<number> | null, id: number, sign: 1 | -1): Set<number> | null {
  if (sign > 0) (ids ??= new Set()).add(id);
  else ids?.delete(id);
  return ids;
}

/** Add (sign 1) or remove (sign −1) one control's result from a set. */
function contribute(acc: Accumulator, c: ControlEntry, result: ControlResult, sign: 1 | -1): void {
  switch (result.state) {
    case 'tested': {
      const wr = c.weight * result.r;
      acc.weighted.add(sign > 0 ? wr : -wr);
      acc.denominator.add(sign > 0 ? c.weight : -c.weight);
      acc.tested += sign;
      if (result.r === 1) acc.effective += sign;
      return;
    }
    case 'not_applicable':
      return void (acc.notApplicable = mark(acc.notApplicable, c.id, sign));
    case 'not_operated':
      return void (acc.notOperated = mark(acc.notOperated, c.id, sign));
    case 'not_tested':
      return void (acc.notTested = mark(acc.notTested, c.id, sign));
  }
}

type BaseEntry = Omit<ControlEntry, 'slots'>;

function addControl(entries: Map<number, BaseEntry>, c: ScoringControlInput): void {
  if (!ELEMENT_SET.has(c.element)) fail('errors.scoring.unknownElement', { control: c.id, value: String(c.element) });
  if (!(Number.isFinite(c.weight) && c.weight > 0)) fail('errors.scoring.controlWeight', { control: c.id, value: String(c.weight) });
  const seen = entries.get(c.id);
  if (!seen) {
    entries.set(c.id, {
      id: c.id,
      weight: c.weight,
      isKey: c.isKey,
      element: c.element,
      unitId: c.unitId,
      stepIds: uniq(c.stepIds),
      processIds: uniq(c.processIds),
    });
    return;
  }
  // The same control twice (e.g. one row per link from a join): merge its links, refuse conflicts.
  if (seen.weight !== c.weight || seen.isKey !== c.isKey || seen.element !== c.element || seen.unitId !== c.unitId) {
    fail('errors.scoring.duplicateControl', { control: c.id });
  }
  seen.stepIds = uniq([...seen.stepIds, ...c.stepIds]);
  seen.processIds = uniq([...seen.processIds, ...c.processIds]);
}

/**
 * The validated, merged controls of an input, ascending by id (ids alongside, for binary search),
 * and the sets they count in numbered as slots: 0–4 the elements, 5 the company, then steps,
 * processes and units. A state is then flat arrays — results and accumulators by position —
 * instead of an object and a list per control: on a 20,000-control audit the garbage collector,
 * not the arithmetic, was most of the roll-up's time.
 */
interface ControlList {
  ids: readonly number[];
  controls: readonly ControlEntry[];
  /** slot → [level, id] for steps, processes and units (slot = index + FIRST_SET_SLOT) */
  sets: readonly (readonly ['step' | 'process' | 'unit', number])[];
}

const COMPANY_SLOT = ELEMENTS.length;
const FIRST_SET_SLOT = COMPANY_SLOT + 1;

/**
 * Keyed by the input's controls array: a server scoring the same version and scope again passes
 * the same (cached, never mutated) array and skips validating and merging 20,000 controls.
 */
const controlLists = new WeakMap<readonly ScoringControlInput[], ControlList>();

function controlListOf(input: readonly ScoringControlInput[]): ControlList {
  const cached = controlLists.get(input);
  if (cached) return cached;
  const merged = new Map<number, BaseEntry>();
  for (const c of input) addControl(merged, c);
  const base = [...merged.values()].sort((a, b) => a.id - b.id);
  const sets: ['step' | 'process' | 'unit', number][] = [];
  const slotOf = { step: new Map<number, number>(), process: new Map<number, number>(), unit: new Map<number, number>() };
  const slot = (level: 'step' | 'process' | 'unit', id: number) => {
    let n = slotOf[level].get(id);
    if (n === undefined) {
      n = FIRST_SET_SLOT + sets.length;
      sets.push([level, id]);
      slotOf[level].set(id, n);
    }
    return n;
  };
  const controls = base.map((c): ControlEntry => {
    const slots: number[] = [];
    for (const id of c.stepIds) slots.push(slot('step', id));
    for (const id of c.processIds) slots.push(slot('process', id));
    if (c.unitId != null) slots.push(slot('unit', c.unitId));
    slots.push(ELEMENTS.indexOf(c.element), COMPANY_SLOT);
    return { ...c, slots };
  });
  const list = { ids: base.map((c) => c.id), controls, sets };
  controlLists.set(input, list);
  return list;
}

/** Position of `id` in ascending `ids`, or -1. */
function indexOf(ids: readonly number[], id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = ids[mid]!;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function capSet(acc: Accumulator, cap: number | null, findingId: number): void {
  if (cap == null) return;
  acc.cap = acc.cap == null ? cap : Math.min(acc.cap, cap);
  if (acc.capping[acc.capping.length - 1] !== findingId) acc.capping.push(findingId);
}

function deductSet(acc: Accumulator, points: number, findingId: number): void {
  acc.deductions += points;
  acc.deducting.push(findingId);
}

/**
 * Build the roll-up state: validates the input (ScoringError on the first problem), then one pass
 * over controls and findings. The state keeps the controls' link arrays; do not mutate them.
 */
export function createScoreState(input: ScoringInput): ScoreState {
  const { baseDate } = input;
  if (!isIsoDate(baseDate)) fail('errors.scoring.invalidDate', { fieldKey: 'scoring.fields.baseDate', value: String(baseDate) }, ['baseDate']);

  const list = controlListOf(input.controls);
  const { ids, controls } = list;
  const find = (id: number) => {
    const i = indexOf(ids, id);
    return i < 0 ? undefined : controls[i];
  };

  const results: ControlResult[] = new Array(controls.length).fill(NOT_TESTED);
  const setResult = (id: number, result: ControlResult) => {
    const i = indexOf(ids, id);
    if (i < 0) fail('errors.scoring.resultOutsideScope', { control: id });
    checkResult(id, result);
    results[i] = result;
  };
  if (input.results instanceof SortedResults) {
    // both ascending by id: walk them side by side
    const { ids: resultIds, results: byPosition } = input.results;
    for (let j = 0, i = 0; j < resultIds.length; j++) {
      const id = resultIds[j]!;
      while (i < ids.length && ids[i]! < id) i++;
      if (ids[i] !== id) fail('errors.scoring.resultOutsideScope', { control: id });
      checkResult(id, byPosition[j]!);
      results[i] = byPosition[j]!;
    }
  } else if (input.results instanceof Map) input.results.forEach((r, id) => setResult(id, r)); // no [id, r] array per entry
  else for (const key of Object.keys(input.results)) setResult(Number(key), (input.results as Record<number, ControlResult>)[Number(key)]!);

  const steps = new Map<number, Accumulator>();
  const processes = new Map<number, Accumulator>();
  const units = new Map<number, Accumulator>();
  for (const id of input.scope?.stepIds ?? []) getOrCreate(steps, id);
  for (const id of input.scope?.processIds ?? []) getOrCreate(processes, id);
  for (const id of input.scope?.unitIds ?? []) getOrCreate(units, id);
  const slots: Accumulator[] = ELEMENTS.map(() => new Accumulator());
  const elements = new Map<ControlElement, Accumulator>(ELEMENTS.map((e, i) => [e, slots[i]!]));
  const company = new Accumulator();
  slots.push(company);
  const maps = { step: steps, process: processes, unit: units };
  for (const [level, id] of list.sets) slots.push(getOrCreate(maps[level], id));

  for (let i = 0; i < controls.length; i++) {
    const c = controls[i]!;
    const result = results[i]!;
    const key = c.isKey ? 1 : 0;
    if (result.state === 'tested') {
      // contribute() for a tested result, its products computed once rather than once per set
      const { weight } = c;
      const wr = weight * result.r;
      const effective = result.r === 1 ? 1 : 0;
      for (const s of c.slots) {
        const acc = slots[s]!;
        acc.controls++;
        acc.key += key;
        acc.weighted.add(wr);
        acc.denominator.add(weight);
        acc.tested++;
        acc.effective += effective;
      }
    } else {
      for (const s of c.slots) {
        const acc = slots[s]!;
        acc.controls++;
        acc.key += key;
        contribute(acc, c, result, 1);
      }
    }
  }

  const reasons: ConclusionReason[] = [];
  for (const f of input.findings ?? []) {
    if (!SEVERITY_SET.has(f.severity)) fail('errors.scoring.unknownSeverity', { finding: f.id, value: String(f.severity) });
    if (f.status === 'closed') {
      if (f.closedOn == null) fail('errors.scoring.findingClosedWithoutDate', { finding: f.id });
      if (!isIsoDate(f.closedOn)) fail('errors.scoring.invalidDate', { fieldKey: 'scoring.fields.closedOn', value: String(f.closedOn) });
    }
    const linked = f.controlIds.map((id) => find(id) ?? fail('errors.scoring.findingControlOutsideScope', { finding: f.id, control: id }));
    const onSet = !linked.length && !f.companyLevel && (f.processId != null || f.unitId != null);
    if (!linked.length && !f.companyLevel && !onSet) fail('errors.scoring.findingUnattached', { finding: f.id });
    if (!isOpenAt(f, baseDate)) continue;

    if (f.severity === 'major') reasons.push({ kind: 'open_major_finding', findingId: f.id, key: 'scoring.conclusion.openMajor', params: { finding: f.id } });
    const cap = FINDING_CAPS[f.severity];
    const points = FINDING_DEDUCTIONS[f.severity];
    if (linked.length) {
      if (cap == null) continue;
      for (const c of linked) {
        for (const id of c.stepIds) capSet(steps.get(id)!, cap, f.id);
        for (const id of c.processIds) capSet(processes.get(id)!, cap, f.id);
        if (c.unitId != null) capSet(units.get(c.unitId)!, cap, f.id);
      }
      capSet(company, cap, f.id);
    } else if (f.companyLevel) {
      deductSet(company, points, f.id);
      capSet(company, cap, f.id);
    } else {
      for (const acc of [f.processId != null && getOrCreate(processes, f.processId), f.unitId != null && getOrCreate(units, f.unitId)]) {
        if (!acc) continue;
        deductSet(acc, points, f.id);
        capSet(acc, cap, f.id);
      }
      capSet(company, cap, f.id);
    }
  }
  reasons.sort((a, b) => a.findingId - b.findingId);
  for (const acc of [...steps.values(), ...processes.values(), ...units.values(), company]) {
    acc.deducting.sort((a, b) => a - b);
    acc.capping.sort((a, b) => a - b);
  }

  return { baseDate, list, results, slots, steps, processes, units, elements, company, conclusion: { effective: reasons.length === 0, reasons } };
}

const ascending = (ids: Set<number> | null) => (ids ? [...ids].sort((a, b) => a - b) : []);

/**
 * 100 · Σw·r / Σw (full precision) → minus deductions → min(cap) → floor at 0.
 * Empty denominator → N/A (null), whatever the deductions.
 */
function scoreOf(acc: Accumulator): SetScore {
  const weighted = acc.weighted.value();
  const denominator = acc.denominator.value();
  const raw = denominator === 0 ? null : (weighted / denominator) * 100;
  let value = raw;
  if (value != null) {
    value -= acc.deductions;
    if (acc.cap != null) value = Math.min(value, acc.cap);
    value = Math.max(0, value);
  }
  return {
    value,
    raw,
    weighted,
    denominator,
    deductions: acc.deductions,
    cap: acc.cap,
    notTested: ascending(acc.notTested),
    notOperated: ascending(acc.notOperated),
    notApplicable: ascending(acc.notApplicable),
    counts: {
      controls: acc.controls,
      key: acc.key,
      tested: acc.tested,
      effective: acc.effective,
      deficient: acc.tested - acc.effective,
      notApplicable: acc.notApplicable?.size ?? 0,
      notOperated: acc.notOperated?.size ?? 0,
      notTested: acc.notTested?.size ?? 0,
    },
    findings: { deducting: [...acc.deducting], capping: [...acc.capping] },
  };
}

function accOf(state: ScoreState, ref: ScoreRef): Accumulator | undefined {
  switch (ref.level) {
    case 'company':
      return state.company;
    case 'step':
      return state.steps.get(ref.id);
    case 'process':
      return state.processes.get(ref.id);
    case 'unit':
      return state.units.get(ref.id);
    case 'element':
      return state.elements.get(ref.id);
  }
}

/** One set's score from the state; null when the set is not in it. O(listed ids). */
export function readScore(state: ScoreState, ref: ScoreRef): SetScore | null {
  const acc = accOf(state, ref);
  return acc ? scoreOf(acc) : null;
}

function record(map: ReadonlyMap<number, Accumulator>): Record<number, SetScore> {
  const out: Record<number, SetScore> = {};
  for (const id of [...map.keys()].sort((a, b) => a - b)) out[id] = scoreOf(map.get(id)!);
  return out;
}

/** Every score of the state. */
export function reportScores(state: ScoreState): ScoreReport {
  const company = scoreOf(state.company);
  return {
    baseDate: state.baseDate,
    company,
    steps: record(state.steps),
    processes: record(state.processes),
    units: record(state.units),
    elements: Object.fromEntries(ELEMENTS.map((e) => [e, scoreOf(state.elements.get(e)!)])) as Record<ControlElement, SetScore>,
    conclusion: { effective: state.conclusion.effective, reasons: [...state.conclusion.reasons] },
    signOffBlockers: company.notTested ? [...company.notTested] : [],
  };
}

/** The whole roll-up of docs/design.md §3.4 in one call: O(controls + links + findings' links). */
export function computeScores(input: ScoringInput): ScoreReport {
  return reportScores(createScoreState(input));
}

/**
 * Change one control's result in place and return the sets it touched (its steps, processes,
 * unit, element and the company) — O(its links), for the live score panel. Findings are fixed
 * in the state; when they change, build a new state.
 */
export function applyResultChange(state: ScoreState, controlId: number, result: ControlResult): ScoreRef[] {
  const i = indexOf(state.list.ids, controlId);
  if (i < 0) fail('errors.scoring.resultOutsideScope', { control: controlId });
  const c = state.list.controls[i]!;
  checkResult(controlId, result);
  for (const s of c.slots) {
    contribute(state.slots[s]!, c, state.results[i]!, -1);
    contribute(state.slots[s]!, c, result, 1);
  }
  state.results[i] = result;
  return [
    ...c.stepIds.map((id) => ({ level: 'step' as const, id })),
    ...c.processIds.map((id) => ({ level: 'process' as const, id })),
    ...(c.unitId != null ? [{ level: 'unit' as const, id: c.unitId }] : []),
    { level: 'element', id: c.element },
    { level: 'company' },
  ];
}
