import type { AuditControl, AuditTest, EvidenceStatus, TestData } from '../../../shared/audits.ts';
import {
  GRADES,
  safeResultOf,
  sampleSize,
  type Applicability,
  type ControlResult,
  type ControlTest,
  type DesignConclusion,
  type SampleSizeTable,
  type ScoringIssue,
} from '../../../shared/scoring.ts';

/**
 * The test form's values for one control, and the conversions around them: from a saved test,
 * to the API's TestData, to the scoring contract's ControlTest (for the live score). Pure.
 */

/** Number inputs hold '' while empty. */
export type Count = number | '';

export interface EvidenceValue {
  evidenceType: string;
  /** null = not ticked yet (not sent) */
  status: EvidenceStatus | null;
  reference: string;
}

export interface TestFormValues {
  applicability: Applicability;
  naReason: string;
  design: DesignConclusion | null;
  population: Count;
  sampleSize: Count;
  samplesTested: Count;
  exceptions: Count;
  /** graded method: a grade as text ('1', '0.8' …) for the segmented control; null = none */
  grade: string | null;
  notes: string;
  evidence: EvidenceValue[];
}

export type ScoringControl = Pick<AuditControl, 'scoringMethod' | 'tolerance' | 'frequency' | 'automation' | 'evidenceTypes'>;

const count = (v: number | null): Count => (v == null ? '' : v);
const orNull = (v: Count): number | null => (v === '' || !Number.isFinite(v) ? null : v);

/** The checklist: every evidence type the control requires, plus any other already recorded. */
function evidenceOf(control: ScoringControl, test: AuditTest | undefined): EvidenceValue[] {
  const saved = new Map((test?.evidence ?? []).map((e) => [e.evidenceType, e]));
  const types = [...control.evidenceTypes, ...[...saved.keys()].filter((k) => !control.evidenceTypes.includes(k))];
  return types.map((evidenceType) => {
    const e = saved.get(evidenceType);
    return { evidenceType, status: e?.status ?? null, reference: e?.reference ?? '' };
  });
}

export function valuesFromTest(control: ScoringControl, test: AuditTest | undefined): TestFormValues {
  return {
    applicability: test?.applicability ?? 'applicable',
    naReason: test?.naReason ?? '',
    design: test?.design ?? null,
    population: count(test?.population ?? null),
    sampleSize: count(test?.sampleSize ?? null),
    samplesTested: count(test?.samplesTested ?? null),
    exceptions: count(test?.exceptions ?? null),
    grade: test?.grade == null ? null : String(test.grade),
    notes: test?.notes ?? '',
    evidence: evidenceOf(control, test),
  };
}

/** What saveTest sends. File name and location of saved evidence are kept as they were. */
export function testDataOf(values: TestFormValues, test: AuditTest | undefined): TestData {
  const saved = new Map((test?.evidence ?? []).map((e) => [e.evidenceType, e]));
  return {
    applicability: values.applicability,
    naReason: values.naReason,
    design: values.design,
    population: orNull(values.population),
    sampleSize: orNull(values.sampleSize),
    samplesTested: orNull(values.samplesTested),
    exceptions: orNull(values.exceptions),
    grade: values.grade == null ? null : Number(values.grade),
    notes: values.notes,
    evidence: values.evidence
      .filter((e) => e.status != null)
      .map((e) => ({
        evidenceType: e.evidenceType,
        status: e.status!,
        reference: e.reference,
        fileName: saved.get(e.evidenceType)?.fileName ?? '',
        location: saved.get(e.evidenceType)?.location ?? '',
      })),
  };
}

/** The values as the scoring contract sees a test. */
export function controlTestOf(values: TestFormValues): ControlTest {
  return {
    applicability: values.applicability,
    design: values.design,
    operating: {
      population: orNull(values.population),
      sampleSize: orNull(values.sampleSize),
      samplesTested: orNull(values.samplesTested),
      exceptions: orNull(values.exceptions),
      grade: values.grade == null ? null : Number(values.grade),
    },
  };
}

/** The draft's result by the shared resultOf, or the issues that keep it from having one. */
export function draftResult(control: ScoringControl, values: TestFormValues): { result: ControlResult | null; issues: ScoringIssue[] } {
  const res = safeResultOf(control, controlTestOf(values));
  return res.ok ? { result: res.result, issues: [] } : { result: null, issues: res.issues };
}

export function sameValues(a: TestFormValues, b: TestFormValues): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The suggested sample size for the values' population (shared sampleSize with the audit's table). */
export function suggestedSize(control: ScoringControl, values: TestFormValues, table: SampleSizeTable): number | null {
  const population = orNull(values.population);
  if (population != null && (!Number.isSafeInteger(population) || population < 0)) return null;
  return sampleSize(control, population, table);
}

/** Keyboard shortcuts for the common results (the grid and the form's non-text controls). */
export const SHORTCUT_KEYS = ['e', 'd', 'n', 'o', 'x', '1', '2', '3', '4', '5'] as const;
export type ShortcutKey = (typeof SHORTCUT_KEYS)[number];
export const isShortcut = (key: string): key is ShortcutKey => (SHORTCUT_KEYS as readonly string[]).includes(key);

/**
 * Apply a shortcut to the values:
 * e = design effective, all planned samples tested, no exception (grade 1; unticked evidence seen);
 * x = like e but with one exception; d = design deficient; n = not applicable; o = not operated;
 * 1–5 = the grade 1 / 0.8 / 0.6 / 0.4 / 0 (graded controls).
 * Returns null when the shortcut does not apply to the control.
 */
export function applyShortcut(key: ShortcutKey, control: ScoringControl, values: TestFormValues, table: SampleSizeTable): TestFormValues | null {
  const operatingPass = (exceptions: number): TestFormValues => {
    const planned = orNull(values.sampleSize) || suggestedSize(control, values, table) || 1;
    return {
      ...values,
      applicability: 'applicable',
      design: 'effective',
      sampleSize: planned,
      samplesTested: planned,
      exceptions: Math.min(exceptions, planned),
      grade: control.scoringMethod === 'graded' ? (exceptions === 0 ? '1' : values.grade) : values.grade,
      evidence: exceptions === 0 ? values.evidence.map((e) => (e.status == null ? { ...e, status: 'seen' } : e)) : values.evidence,
    };
  };
  switch (key) {
    case 'e':
      return operatingPass(0);
    case 'x':
      return control.scoringMethod === 'graded' ? null : operatingPass(1);
    case 'd':
      return { ...values, applicability: 'applicable', design: 'deficient' };
    case 'n':
      return { ...values, applicability: 'not_applicable' };
    case 'o':
      return { ...values, applicability: 'not_operated' };
    default: {
      if (control.scoringMethod !== 'graded') return null;
      const grade = GRADES[Number(key) - 1];
      return grade == null ? null : { ...values, applicability: 'applicable', design: 'effective', grade: String(grade) };
    }
  }
}

/** Field name of a scoring issue's path (['operating', 'exceptions'] → 'exceptions'). */
export function issueField(issue: ScoringIssue): string {
  return String(issue.path[issue.path.length - 1] ?? '_');
}
