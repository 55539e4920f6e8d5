import { ScoringError, scoringIssue, type ScoringIssue } from './errors.ts';
import { GRADES, type Applicability, type DesignConclusion, type ScoringMethod } from './vocabulary.ts';

/**
 * One control's result in an audit (docs/design.md §3.4). Only `tested` carries r ∈ [0, 1];
 * `not_applicable` and `not_operated` drop out of every score (not_operated is listed separately
 * and never counted as effective); `not_tested` is a gap that blocks sign-off.
 */
export type ControlResult =
  | { state: 'tested'; r: number }
  | { state: 'not_applicable' }
  | { state: 'not_operated' }
  | { state: 'not_tested'; missing?: 'design' | 'operating' };

export const testedResult = (r: number): ControlResult => ({ state: 'tested', r });
export const NOT_APPLICABLE: ControlResult = Object.freeze({ state: 'not_applicable' });
export const NOT_OPERATED: ControlResult = Object.freeze({ state: 'not_operated' });
export const NOT_TESTED: ControlResult = Object.freeze({ state: 'not_tested' });

/** What resultOf needs to know about the control (from the pinned manual version). */
export interface ScoredControl {
  scoringMethod: ScoringMethod;
  /** binary method: exceptions allowed for a pass; default 0 */
  tolerance?: number | null;
}

/** The operating-effectiveness part of a test. Counts are null until entered. */
export interface OperatingTest {
  population?: number | null;
  /** planned sample size (suggested by `sampleSize`) */
  sampleSize?: number | null;
  samplesTested?: number | null;
  exceptions?: number | null;
  /** graded method: the tester's grade, one of GRADES */
  grade?: number | null;
}

/** A test record as far as scoring is concerned. */
export interface ControlTest {
  applicability: Applicability;
  /** test of design; null = not yet assessed */
  design: DesignConclusion | null;
  /** test of operating effectiveness; null = not yet done */
  operating?: OperatingTest | null;
}

const COUNT_FIELDS = ['population', 'sampleSize', 'samplesTested', 'exceptions'] as const;
const isCount = (v: number) => Number.isSafeInteger(v) && v >= 0;
const field = (name: string) => `scoring.fields.${name}`;
const GRADE_LIST = GRADES.join(', ');

/** Is r a result the contract allows (finite, within [0, 1])? */
export function isValidR(r: unknown): r is number {
  return typeof r === 'number' && Number.isFinite(r) && r >= 0 && r <= 1;
}

/** The grade `value` stands for, tolerating float noise (0.6000000001 → 0.6); null if none. */
export function asGrade(value: number): number | null {
  for (const g of GRADES) if (Math.abs(value - g) < 1e-9) return g;
  return null;
}

/**
 * Every problem with a test record, as message keys with the field path (for zod `superRefine`
 * or a form). Empty when the record is acceptable — complete or not.
 */
export function checkTest(control: ScoredControl, test: ControlTest): ScoringIssue[] {
  const issues: ScoringIssue[] = [];
  const tolerance = control.tolerance ?? 0;
  if (!isCount(tolerance)) issues.push(scoringIssue('errors.scoring.invalidTolerance', { value: String(tolerance) }, ['tolerance']));
  const op = test.operating;
  if (!op) return issues;
  const bad = new Set<string>();
  for (const name of COUNT_FIELDS) {
    const v = op[name];
    if (v != null && !isCount(v)) {
      bad.add(name);
      issues.push(scoringIssue('errors.scoring.notACount', { fieldKey: field(name), value: String(v) }, ['operating', name]));
    }
  }
  const ok = (name: (typeof COUNT_FIELDS)[number]) => op[name] != null && !bad.has(name);
  if (ok('exceptions') && ok('samplesTested') && op.exceptions! > op.samplesTested!) {
    issues.push(
      scoringIssue('errors.scoring.exceptionsOverSamples', { exceptions: op.exceptions!, samples: op.samplesTested! }, ['operating', 'exceptions']),
    );
  }
  if (ok('population')) {
    for (const name of ['sampleSize', 'samplesTested'] as const) {
      if (ok(name) && op[name]! > op.population!) {
        issues.push(
          scoringIssue('errors.scoring.overPopulation', { fieldKey: field(name), value: op[name]!, population: op.population! }, ['operating', name]),
        );
      }
    }
  }
  if (test.applicability === 'applicable') {
    for (const name of ['sampleSize', 'samplesTested'] as const) {
      if (ok(name) && op[name] === 0) issues.push(scoringIssue('errors.scoring.zeroSample', { fieldKey: field(name) }, ['operating', name]));
    }
  }
  if (op.grade != null) {
    if (!isValidR(op.grade)) {
      issues.push(scoringIssue('errors.scoring.resultOutOfRange', { value: String(op.grade) }, ['operating', 'grade']));
    } else if (asGrade(op.grade) == null) {
      issues.push(scoringIssue('errors.scoring.notAGrade', { value: op.grade, grades: GRADE_LIST }, ['operating', 'grade']));
    }
  }
  return issues;
}

export type SafeResult = { ok: true; result: ControlResult } | { ok: false; issues: ScoringIssue[] };

/** resultOf without throwing: for live previews that show issues next to the row. */
export function safeResultOf(control: ScoredControl, test: ControlTest | null | undefined): SafeResult {
  if (!test) return { ok: true, result: NOT_TESTED };
  const issues = checkTest(control, test);
  if (issues.length) return { ok: false, issues };
  return { ok: true, result: resultOfValid(control, test) };
}

/**
 * The result of one control's test (docs/design.md §3.4). No test → not_tested.
 * - not applicable / not operated → that state (operating numbers are still validated).
 * - design not yet assessed → not_tested (missing 'design'); design deficient → r = 0.
 * - design effective, operating test incomplete → not_tested (missing 'operating'):
 *   binary and rate need samplesTested and exceptions, graded needs the grade.
 * - binary: exceptions ≤ tolerance → 1, else 0; graded: the grade; rate: (tested − exceptions) / tested.
 * Throws ScoringError (first issue, all in `.issues`) for input checkTest refuses.
 */
export function resultOf(control: ScoredControl, test: ControlTest | null | undefined): ControlResult {
  const res = safeResultOf(control, test);
  if (!res.ok) throw new ScoringError(res.issues[0]!, res.issues);
  return res.result;
}

function resultOfValid(control: ScoredControl, test: ControlTest): ControlResult {
  if (test.applicability === 'not_applicable') return NOT_APPLICABLE;
  if (test.applicability === 'not_operated') return NOT_OPERATED;
  if (test.design == null) return { state: 'not_tested', missing: 'design' };
  if (test.design === 'deficient') return testedResult(0);
  const op = test.operating;
  const incomplete: ControlResult = { state: 'not_tested', missing: 'operating' };
  if (!op) return incomplete;
  switch (control.scoringMethod) {
    case 'graded':
      return op.grade == null ? incomplete : testedResult(asGrade(op.grade)!);
    case 'binary':
      if (op.samplesTested == null || op.exceptions == null) return incomplete;
      return testedResult(op.exceptions <= (control.tolerance ?? 0) ? 1 : 0);
    case 'rate':
      if (op.samplesTested == null || op.exceptions == null) return incomplete;
      return testedResult((op.samplesTested - op.exceptions) / op.samplesTested);
  }
}
