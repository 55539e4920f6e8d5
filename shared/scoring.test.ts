import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SAMPLE_SIZES,
  NOT_APPLICABLE,
  NOT_OPERATED,
  NOT_TESTED,
  ScoringError,
  SortedResults,
  applyResultChange,
  checkTest,
  computeScores,
  createScoreState,
  effectiveWeight,
  formatScore,
  readScore,
  reportScores,
  resultOf,
  roundScore,
  safeResultOf,
  sampleSize,
  sampleSizeTableSchema,
  testedResult as tested,
  type ControlElement,
  type ControlResult,
  type ControlTest,
  type ScoringControlInput,
  type ScoringFinding,
  type ScoringInput,
} from './scoring.ts';
import { zhCN } from './i18n/zh-CN.ts';
import { en } from './i18n/en.ts';

const BASE = '2026-12-31';

function control(id: number, over: Partial<ScoringControlInput> = {}): ScoringControlInput {
  const isKey = over.isKey ?? false;
  return { id, weight: isKey ? 3 : 1, isKey, element: 'control_activities', stepIds: [], processIds: [], unitId: null, ...over };
}

function finding(id: number, over: Partial<ScoringFinding>): ScoringFinding {
  return { id, severity: 'general', status: 'open', controlIds: [], ...over };
}

function scores(controls: ScoringControlInput[], results: Record<number, ControlResult>, findings: ScoringFinding[] = [], extra: Partial<ScoringInput> = {}) {
  return computeScores({ controls, results, findings, baseDate: BASE, ...extra });
}

/** The ScoringError `fn` throws (fails the test when it throws nothing or something else). */
function scoringError(fn: () => unknown): ScoringError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScoringError) return err;
    throw err;
  }
  throw new Error('expected a ScoringError');
}

describe('docs/design.md §3.4 worked example', () => {
  const PURCHASE = 101; // 采购付款
  const INVENTORY = 102; // 存货
  const PUR = 10; // purchasing unit owns C1–C7
  const WH = 20; // warehouse owns C8, C9
  const inPurchase = { processIds: [PURCHASE], unitId: PUR };
  const controls = [
    control(1, { isKey: true, ...inPurchase }),
    control(2, inPurchase),
    control(3, { isKey: true, ...inPurchase }),
    control(4, { isKey: true, processIds: [PURCHASE, INVENTORY], unitId: PUR }),
    control(5, inPurchase),
    control(6, { isKey: true, ...inPurchase }),
    control(7, inPurchase),
    control(8, { isKey: true, processIds: [INVENTORY], unitId: WH }),
    control(9, { processIds: [INVENTORY], unitId: WH }),
  ];
  const results = {
    1: tested(0.6),
    2: tested(1),
    3: tested(0),
    4: tested(1),
    5: tested(0.8),
    6: tested(1),
    7: NOT_APPLICABLE,
    8: tested(1),
    9: tested(0.4),
  };
  // C3's 0 comes from its design deficiency (significant); the finding is tied to C3.
  const c3Design = finding(1, { severity: 'significant', nature: 'design', controlIds: [3] });
  const report = scores(controls, results, [c3Design]);

  it('scores 采购付款 9.6 / 14 = 68.57 over every linked control, C7 (N/A) out of both sums', () => {
    const p = report.processes[PURCHASE]!;
    expect(p.weighted).toBeCloseTo(9.6, 12);
    expect(p.denominator).toBe(14);
    expect(p.value).toBeCloseTo((100 * 9.6) / 14, 10);
    expect(formatScore(p.value)).toBe('68.57');
    expect(p.notApplicable).toEqual([7]);
    expect(p.counts).toMatchObject({ controls: 7, key: 4, tested: 6, effective: 3, deficient: 3, notApplicable: 1 });
  });

  it('scores 存货 6.4 / 7 = 91.43, counting the shared C4 in this process too', () => {
    const p = report.processes[INVENTORY]!;
    expect(p.weighted).toBeCloseTo(6.4, 12);
    expect(p.denominator).toBe(7);
    expect(formatScore(p.value)).toBe('91.43');
  });

  it('scores the company over distinct C1–C6, C8, C9: 13.0 / 18 = 72.22 — not 76.19 (C4 twice), not 80.00 (average)', () => {
    const c = report.company;
    expect(c.weighted).toBeCloseTo(13, 12);
    expect(c.denominator).toBe(18);
    expect(c.value).toBeCloseTo((100 * 13) / 18, 10);
    expect(formatScore(c.value)).toBe('72.22');
    const c4Twice = (100 * (13 + 3)) / (18 + 3);
    const averageOfProcesses = (report.processes[PURCHASE]!.value! + report.processes[INVENTORY]!.value!) / 2;
    expect(formatScore(c4Twice)).toBe('76.19');
    expect(formatScore(averageOfProcesses)).toBe('80.00');
    expect(formatScore(c.value)).not.toBe('76.19');
    expect(formatScore(c.value)).not.toBe('80.00');
    expect(c.counts.controls).toBe(9);
  });

  it("lets C3's open significant finding cap every set holding C3 at 79 — invisible here, since all are below it", () => {
    expect(report.processes[PURCHASE]).toMatchObject({ cap: 79, deductions: 0, findings: { capping: [1], deducting: [] } });
    expect(report.company).toMatchObject({ cap: 79, deductions: 0 });
    expect(report.units[PUR]).toMatchObject({ cap: 79 });
    expect(report.processes[INVENTORY]!.cap).toBeNull();
    expect(report.units[WH]!.cap).toBeNull();
    expect(formatScore(report.processes[PURCHASE]!.value)).toBe('68.57');
    expect(formatScore(report.company.value)).toBe('72.22');
    expect(report.conclusion).toEqual({ effective: true, reasons: [] });
    expect(report.signOffBlockers).toEqual([]);
  });

  it('counts the shared C4 once in its owner unit', () => {
    expect(formatScore(report.units[PUR]!.value)).toBe('68.57');
    expect(report.units[PUR]!.denominator).toBe(14);
    expect(formatScore(report.units[WH]!.value)).toBe('85.00'); // (3 + 0.4) / 4
  });

  it('gives the same numbers when the results come from test records through resultOf', () => {
    const effective = { applicability: 'applicable', design: 'effective' } as const;
    const pass = { ...effective, operating: { sampleSize: 25, samplesTested: 25, exceptions: 0 } };
    const graded = (grade: number): ControlTest => ({ ...effective, operating: { grade } });
    const tests: Record<number, [ControlTest, 'binary' | 'graded']> = {
      1: [graded(0.6), 'graded'],
      2: [pass, 'binary'],
      3: [{ ...pass, design: 'deficient' }, 'binary'],
      4: [pass, 'binary'],
      5: [graded(0.8), 'graded'],
      6: [pass, 'binary'],
      7: [{ applicability: 'not_applicable', design: null }, 'binary'],
      8: [pass, 'binary'],
      9: [graded(0.4), 'graded'],
    };
    const derived = Object.fromEntries(Object.entries(tests).map(([id, [test, scoringMethod]]) => [id, resultOf({ scoringMethod }, test)]));
    expect(derived).toEqual(results);
  });
});

describe('resultOf: a test record → r or a state', () => {
  const applicable = { applicability: 'applicable', design: 'effective' } as const;
  const op = (samplesTested: number | null, exceptions: number | null, more = {}): ControlTest => ({
    ...applicable,
    operating: { samplesTested, exceptions, ...more },
  });

  it('scores a failed design 0 whatever the operating test found', () => {
    expect(resultOf({ scoringMethod: 'binary' }, { ...op(25, 0), design: 'deficient' })).toEqual(tested(0));
    expect(resultOf({ scoringMethod: 'rate' }, { applicability: 'applicable', design: 'deficient' })).toEqual(tested(0));
  });

  it('binary: 1 when exceptions are within the tolerance (default 0), else 0', () => {
    expect(resultOf({ scoringMethod: 'binary' }, op(25, 0))).toEqual(tested(1));
    expect(resultOf({ scoringMethod: 'binary' }, op(25, 1))).toEqual(tested(0));
    expect(resultOf({ scoringMethod: 'binary', tolerance: 1 }, op(25, 1))).toEqual(tested(1));
    expect(resultOf({ scoringMethod: 'binary', tolerance: 1 }, op(25, 2))).toEqual(tested(0));
  });

  it('graded: the grade the tester chose, only one of 1, 0.8, 0.6, 0.4, 0', () => {
    const g = (grade: number) => resultOf({ scoringMethod: 'graded' }, { ...applicable, operating: { grade } });
    expect([1, 0.8, 0.6, 0.4, 0].map(g)).toEqual([1, 0.8, 0.6, 0.4, 0].map(tested));
    expect(scoringError(() => g(0.7))).toMatchObject({ key: 'errors.scoring.notAGrade', params: { value: 0.7, grades: '1, 0.8, 0.6, 0.4, 0' }, path: ['operating', 'grade'] });
    expect(scoringError(() => g(1.2)).key).toBe('errors.scoring.resultOutOfRange');
    expect(scoringError(() => g(-0.2)).key).toBe('errors.scoring.resultOutOfRange');
    expect(scoringError(() => g(Number.NaN)).key).toBe('errors.scoring.resultOutOfRange');
  });

  it('rate: (tested − exceptions) / tested at full precision', () => {
    expect(resultOf({ scoringMethod: 'rate' }, op(25, 2))).toEqual(tested(23 / 25));
    expect(resultOf({ scoringMethod: 'rate' }, op(3, 1))).toEqual(tested(2 / 3));
    expect(resultOf({ scoringMethod: 'rate' }, op(40, 40))).toEqual(tested(0));
  });

  it('keeps not applicable and not operated as states, and reports what is missing when not tested', () => {
    expect(resultOf({ scoringMethod: 'binary' }, { applicability: 'not_applicable', design: null })).toEqual(NOT_APPLICABLE);
    expect(resultOf({ scoringMethod: 'binary' }, { applicability: 'not_operated', design: 'effective', operating: { population: 0 } })).toEqual(NOT_OPERATED);
    expect(resultOf({ scoringMethod: 'binary' }, null)).toEqual(NOT_TESTED);
    expect(resultOf({ scoringMethod: 'binary' }, { applicability: 'applicable', design: null, operating: { samplesTested: 5, exceptions: 0 } })).toEqual({ state: 'not_tested', missing: 'design' });
    expect(resultOf({ scoringMethod: 'binary' }, { ...applicable })).toEqual({ state: 'not_tested', missing: 'operating' });
    expect(resultOf({ scoringMethod: 'rate' }, op(25, null))).toEqual({ state: 'not_tested', missing: 'operating' });
    expect(resultOf({ scoringMethod: 'graded' }, op(25, 0))).toEqual({ state: 'not_tested', missing: 'operating' });
  });

  it('refuses exceptions above the samples tested, naming both numbers and the field', () => {
    const err = scoringError(() => resultOf({ scoringMethod: 'rate' }, op(5, 6)));
    expect(err).toMatchObject({ key: 'errors.scoring.exceptionsOverSamples', params: { exceptions: 6, samples: 5 }, path: ['operating', 'exceptions'] });
  });

  it('refuses a sample size of 0 for an applicable operating test, but not for a control that did not operate', () => {
    const zero = { ...applicable, operating: { sampleSize: 0 } };
    expect(scoringError(() => resultOf({ scoringMethod: 'binary' }, zero))).toMatchObject({
      key: 'errors.scoring.zeroSample',
      params: { fieldKey: 'scoring.fields.sampleSize' },
      path: ['operating', 'sampleSize'],
    });
    expect(scoringError(() => resultOf({ scoringMethod: 'rate' }, op(0, 0))).params).toEqual({ fieldKey: 'scoring.fields.samplesTested' });
    expect(resultOf({ scoringMethod: 'binary' }, { ...zero, applicability: 'not_operated' })).toEqual(NOT_OPERATED);
  });

  it('refuses counts that are not whole numbers ≥ 0, samples above the population, and a bad tolerance', () => {
    expect(checkTest({ scoringMethod: 'rate' }, op(-1, 0.5))).toEqual([
      { key: 'errors.scoring.notACount', params: { fieldKey: 'scoring.fields.samplesTested', value: '-1' }, path: ['operating', 'samplesTested'] },
      { key: 'errors.scoring.notACount', params: { fieldKey: 'scoring.fields.exceptions', value: '0.5' }, path: ['operating', 'exceptions'] },
    ]);
    expect(checkTest({ scoringMethod: 'rate' }, op(12, 0, { population: 10, sampleSize: 11 })).map((i) => [i.key, i.path.at(-1)])).toEqual([
      ['errors.scoring.overPopulation', 'sampleSize'],
      ['errors.scoring.overPopulation', 'samplesTested'],
    ]);
    expect(checkTest({ scoringMethod: 'binary', tolerance: -1 }, op(5, 0))[0]!.key).toBe('errors.scoring.invalidTolerance');
    expect(checkTest({ scoringMethod: 'rate' }, op(10, 0, { population: 10, sampleSize: 10 }))).toEqual([]);
  });

  it('safeResultOf returns every issue instead of throwing; resultOf throws the first and carries all', () => {
    const bad = op(5, 6, { sampleSize: 0 });
    const safe = safeResultOf({ scoringMethod: 'rate' }, bad);
    expect(safe.ok).toBe(false);
    expect(!safe.ok && safe.issues.map((i) => i.key)).toEqual(['errors.scoring.exceptionsOverSamples', 'errors.scoring.zeroSample']);
    const err = scoringError(() => resultOf({ scoringMethod: 'rate' }, bad));
    expect(err.key).toBe('errors.scoring.exceptionsOverSamples');
    expect(err.issues).toHaveLength(2);
    expect(safeResultOf({ scoringMethod: 'rate' }, op(4, 1))).toEqual({ ok: true, result: tested(0.75) });
  });

  it('has every message key and field name in both languages', () => {
    const keys = ['resultOutOfRange', 'notAGrade', 'notACount', 'exceptionsOverSamples', 'overPopulation', 'zeroSample', 'invalidTolerance'] as const;
    for (const k of keys) expect([zhCN.errors.scoring[k], en.errors.scoring[k]].every(Boolean), k).toBe(true);
    expect(Object.keys(en.scoring.fields)).toEqual(Object.keys(zhCN.scoring.fields));
  });
});

describe('sampleSize: suggested from frequency, never above the population', () => {
  it('follows the default table, with per-event like daily (25)', () => {
    const sizes = (['annual', 'quarterly', 'monthly', 'weekly', 'daily', 'multiple_daily', 'per_event'] as const).map((f) => sampleSize(f, null));
    expect(sizes).toEqual([1, 2, 2, 5, 25, 40, 25]);
  });

  it('samples automated controls once whatever their frequency; IT-dependent ones go by frequency', () => {
    expect(sampleSize({ frequency: 'multiple_daily', automation: 'automated' }, 5000)).toBe(1);
    expect(sampleSize({ frequency: 'daily', automation: 'it_dependent' }, 250)).toBe(25);
    expect(sampleSize({ frequency: 'daily', automation: 'manual' }, 250)).toBe(25);
  });

  it('tests the whole population when it is smaller than the size', () => {
    expect(sampleSize('daily', 12)).toBe(12);
    expect(sampleSize('per_event', 7)).toBe(7);
    expect(sampleSize('weekly', 52)).toBe(5);
    expect(sampleSize('annual', 0)).toBe(0);
  });

  it('uses an edited table, validated by its schema', () => {
    const table = sampleSizeTableSchema.parse({ ...DEFAULT_SAMPLE_SIZES, daily: 30, automated: 2 });
    expect(sampleSize('daily', 100, table)).toBe(30);
    expect(sampleSize({ frequency: 'annual', automation: 'automated' }, null, table)).toBe(2);
    expect(sampleSizeTableSchema.safeParse({ ...DEFAULT_SAMPLE_SIZES, weekly: 0 }).success).toBe(false);
    expect(sampleSizeTableSchema.safeParse({ ...DEFAULT_SAMPLE_SIZES, weekly: 2.5 }).success).toBe(false);
    const { per_event: _dropped, ...missing } = DEFAULT_SAMPLE_SIZES;
    expect(sampleSizeTableSchema.safeParse(missing).success).toBe(false);
  });

  it('refuses a population that is not a whole number ≥ 0', () => {
    expect(scoringError(() => sampleSize('daily', -3))).toMatchObject({ key: 'errors.scoring.notACount', params: { value: '-3' } });
    expect(scoringError(() => sampleSize('daily', 2.5)).key).toBe('errors.scoring.notACount');
  });
});

describe('effectiveWeight', () => {
  it("takes the control's override, else the manual default (key 3, general 1 unless the manual says otherwise)", () => {
    expect(effectiveWeight({ isKey: true })).toBe(3);
    expect(effectiveWeight({ isKey: false, weight: null })).toBe(1);
    expect(effectiveWeight({ isKey: false, weight: 2.5 })).toBe(2.5);
    expect(effectiveWeight({ isKey: true }, { keyWeight: 5, generalWeight: 2 })).toBe(5);
  });
  it('refuses a weight that is not above 0', () => {
    expect(scoringError(() => effectiveWeight({ isKey: true, weight: 0 }))).toMatchObject({ key: 'errors.scoring.invalidWeight', params: { value: '0' } });
    expect(scoringError(() => effectiveWeight({ isKey: false }, { keyWeight: 3, generalWeight: Number.NaN })).key).toBe('errors.scoring.invalidWeight');
  });
});

describe('roll-up rules', () => {
  const P1 = 1;
  const P2 = 2;
  const U1 = 11;
  const U2 = 12;

  it('shows N/A, never 100, when nothing applicable was tested', () => {
    const r = scores([control(1, { processIds: [P1], unitId: U1 }), control(2, { processIds: [P1], unitId: U1 })], { 1: NOT_APPLICABLE, 2: NOT_OPERATED });
    for (const s of [r.processes[P1]!, r.units[U1]!, r.company, r.elements.control_activities]) {
      expect(s.value).toBeNull();
      expect(s.raw).toBeNull();
      expect(s.denominator).toBe(0);
    }
    expect(formatScore(r.company.value)).toBe('N/A');
    expect(scores([], {}).company.value).toBeNull();
    expect(r.elements.monitoring).toMatchObject({ value: null, counts: { controls: 0 } });
  });

  it('drops a not-operated control out of the score but lists it, and never counts it effective', () => {
    const controls = [control(1, { processIds: [P1] }), control(2, { processIds: [P1], isKey: true })];
    const withIt = scores(controls, { 1: tested(0.4), 2: NOT_OPERATED });
    const without = scores([controls[0]!], { 1: tested(0.4) });
    expect(withIt.processes[P1]!.value).toBe(without.processes[P1]!.value);
    expect(withIt.processes[P1]).toMatchObject({ notOperated: [2], notApplicable: [], counts: { notOperated: 1, effective: 0, tested: 1 } });
    expect(withIt.company.notOperated).toEqual([2]);
    expect(withIt.signOffBlockers).toEqual([]);
  });

  it('lists not-tested controls (including ones with no result at all) and makes them sign-off blockers', () => {
    const r = scores([control(3, { processIds: [P1] }), control(1, { processIds: [P1] }), control(2, { processIds: [P2] })], { 1: tested(1), 2: NOT_TESTED });
    expect(r.signOffBlockers).toEqual([2, 3]);
    expect(r.processes[P1]).toMatchObject({ value: 100, notTested: [3], counts: { notTested: 1, controls: 2 } });
    expect(r.processes[P2]).toMatchObject({ value: null, notTested: [2] });
    expect(r.company.counts.notTested).toBe(2);
  });

  it('deducts before capping: 82 − 5 = 77 under a cap of 79 (capping first would give 74)', () => {
    const r = scores([control(1, { processIds: [P1], weight: 100 }), control(2, { processIds: [P1], weight: 100 })], { 1: tested(1), 2: tested(0.64) }, [
      finding(7, { severity: 'significant', processId: P1 }),
    ]);
    expect(r.processes[P1]).toMatchObject({ raw: 82, deductions: 5, cap: 79, value: 77 });
  });

  it('caps after deducting: 100 − 5 = 95 shows 79; an open major caps at 59', () => {
    const controls = [control(1, { processIds: [P1] }), control(2, { processIds: [P2] })];
    const r = scores(controls, { 1: tested(1), 2: tested(1) }, [finding(1, { severity: 'significant', processId: P1 }), finding(2, { severity: 'major', processId: P2 })]);
    expect(r.processes[P1]).toMatchObject({ raw: 100, deductions: 5, cap: 79, value: 79 });
    expect(r.processes[P2]).toMatchObject({ raw: 100, deductions: 20, cap: 59, value: 59 });
  });

  it('floors at 0: a score of 10 minus a major finding (20) is 0, not negative', () => {
    const r = scores([control(1, { processIds: [P1] })], { 1: tested(0.1) }, [finding(1, { severity: 'major', processId: P1 })]);
    expect(r.processes[P1]).toMatchObject({ deductions: 20, cap: 59, value: 0 });
    expect(r.processes[P1]!.raw).toBeCloseTo(10, 12);
  });

  it('deducts a process or unit finding from that set only; it caps that set and the company but deducts nothing there', () => {
    const controls = [control(1, { processIds: [P1], unitId: U1 }), control(2, { processIds: [P2], unitId: U2 })];
    const r = scores(controls, { 1: tested(1), 2: tested(1) }, [finding(1, { severity: 'general', processId: P1 }), finding(2, { severity: 'significant', unitId: U2 })]);
    expect(r.processes[P1]).toMatchObject({ value: 99, deductions: 1, cap: null, findings: { deducting: [1], capping: [] } });
    expect(r.units[U1]).toMatchObject({ value: 100, deductions: 0 });
    expect(r.units[U2]).toMatchObject({ value: 79, deductions: 5, cap: 79 });
    expect(r.processes[P2]).toMatchObject({ value: 100, deductions: 0, cap: null });
    expect(r.company).toMatchObject({ value: 79, deductions: 0, cap: 79, findings: { deducting: [], capping: [2] } });
  });

  it('deducts company-level findings from the company score only', () => {
    const r = scores([control(1, { processIds: [P1], unitId: U1 })], { 1: tested(0.9) }, [finding(1, { companyLevel: true }), finding(2, { companyLevel: true, severity: 'significant' })]);
    expect(r.company).toMatchObject({ deductions: 6, cap: 79, value: 79 }); // 90 − 6 = 84, capped
    const general = scores([control(1, { processIds: [P1] })], { 1: tested(0.9) }, [finding(1, { companyLevel: true })]);
    expect(general.company.value).toBeCloseTo(89, 10);
    expect(r.processes[P1]!.value).toBeCloseTo(90, 10);
    expect(r.units[U1]!.value).toBeCloseTo(90, 10);
  });

  it("caps every step, process and owner unit of a finding's controls and the company — no deduction, elements untouched", () => {
    const controls = [
      control(1, { stepIds: [1001, 1002], processIds: [P1, P2], unitId: U1, element: 'monitoring' }),
      control(2, { stepIds: [1003], processIds: [P2], unitId: U2 }),
    ];
    const r = scores(controls, { 1: tested(1), 2: tested(1) }, [finding(9, { severity: 'significant', nature: 'operating', controlIds: [1] })]);
    for (const s of [r.steps[1001]!, r.steps[1002]!, r.processes[P1]!, r.processes[P2]!, r.units[U1]!, r.company]) {
      expect(s).toMatchObject({ value: 79, cap: 79, deductions: 0, findings: { capping: [9] } });
    }
    expect(r.steps[1003]).toMatchObject({ value: 100, cap: null });
    expect(r.units[U2]).toMatchObject({ value: 100, cap: null });
    expect(r.elements.monitoring).toMatchObject({ value: 100, cap: null });
  });

  it('ignores a general finding on a control (it is in r) and findings closed on or before the base date', () => {
    const controls = [control(1, { processIds: [P1] })];
    const r = scores(controls, { 1: tested(1) }, [
      finding(1, { severity: 'general', controlIds: [1] }),
      finding(2, { severity: 'major', processId: P1, status: 'closed', closedOn: '2026-11-30' }),
      finding(3, { severity: 'significant', controlIds: [1], status: 'closed', closedOn: BASE }),
    ]);
    expect(r.processes[P1]).toMatchObject({ value: 100, deductions: 0, cap: null });
    expect(r.company).toMatchObject({ value: 100, cap: null });
    expect(r.conclusion.effective).toBe(true);
  });

  it('treats a finding closed after the base date as open at it: major → cap 59, deduction, conclusion ineffective', () => {
    const r = scores([control(1, { processIds: [P1] })], { 1: tested(1) }, [finding(5, { severity: 'major', processId: P1, status: 'closed', closedOn: '2027-01-15' })]);
    expect(r.processes[P1]).toMatchObject({ value: 59, deductions: 20, cap: 59 });
    expect(r.company).toMatchObject({ value: 59, cap: 59, deductions: 0 });
    expect(r.conclusion).toEqual({
      effective: false,
      reasons: [{ kind: 'open_major_finding', findingId: 5, key: 'scoring.conclusion.openMajor', params: { finding: 5 } }],
    });
  });

  it('concludes ineffective on any open major deficiency, even where the numbers look fine', () => {
    const r = scores([control(1, { processIds: [P1] }), control(2, { processIds: [P2] })], { 1: tested(1), 2: tested(1) }, [
      finding(4, { severity: 'major', nature: 'design', controlIds: [2] }),
      finding(3, { severity: 'major', companyLevel: true }),
      finding(1, { severity: 'significant', controlIds: [1] }),
    ]);
    expect(r.conclusion.effective).toBe(false);
    expect(r.conclusion.reasons.map((x) => x.findingId)).toEqual([3, 4]);
    expect(r.company).toMatchObject({ value: 59, cap: 59, deductions: 20 });
    expect(r.processes[P1]).toMatchObject({ value: 79, cap: 79 });
    expect(r.processes[P2]).toMatchObject({ value: 59, cap: 59 });
    expect(zhCN.scoring.conclusion.openMajor).toContain('{{finding}}');
  });

  it('keeps a set N/A when only deductions remain', () => {
    const r = scores([control(1, { processIds: [P1] })], { 1: NOT_APPLICABLE }, [finding(1, { severity: 'significant', processId: P1 })]);
    expect(r.processes[P1]).toMatchObject({ value: null, deductions: 5, cap: 79 });
  });

  it('counts a control shared by two processes of one unit once in the unit and the company', () => {
    const controls = [
      control(1, { isKey: true, processIds: [P1, P2], stepIds: [1001, 2001], unitId: U1 }),
      control(2, { processIds: [P1], stepIds: [1001], unitId: U1 }),
    ];
    const r = scores(controls, { 1: tested(0), 2: tested(1) });
    expect(r.units[U1]).toMatchObject({ weighted: 1, denominator: 4, value: 25, counts: { controls: 2 } });
    expect(r.company).toMatchObject({ denominator: 4, value: 25 });
    expect(r.processes[P2]).toMatchObject({ value: 0, denominator: 3 });
    expect(r.steps[1001]).toMatchObject({ value: 25 });
  });

  it('scores the five elements over distinct controls, each element always present', () => {
    const el = (id: number, element: ControlElement, processIds: number[]) => control(id, { element, processIds });
    const r = scores([el(1, 'environment', [P1, P2]), el(2, 'environment', [P1]), el(3, 'monitoring', [P2])], { 1: tested(1), 2: tested(0), 3: NOT_APPLICABLE });
    expect(Object.keys(r.elements).sort()).toEqual(['control_activities', 'environment', 'information_communication', 'monitoring', 'risk_assessment']);
    expect(r.elements.environment).toMatchObject({ value: 50, denominator: 2, counts: { controls: 2 } });
    expect(r.elements.monitoring).toMatchObject({ value: null, notApplicable: [3] });
    expect(r.elements.risk_assessment.value).toBeNull();
  });

  it('reports sets of the scope that hold no control as N/A', () => {
    const r = scores([control(1, { processIds: [P1] })], { 1: tested(1) }, [], { scope: { processIds: [P1, P2], unitIds: [U1] } });
    expect(r.processes[P2]).toMatchObject({ value: null, counts: { controls: 0 } });
    expect(r.units[U1]!.value).toBeNull();
  });

  it('rounds only for display: 2/3 stays full precision and shows 66.67', () => {
    const r = scores([control(1, { processIds: [P1] })], { 1: resultOf({ scoringMethod: 'rate' }, { applicability: 'applicable', design: 'effective', operating: { samplesTested: 3, exceptions: 1 } }) });
    expect(r.company.value).toBe((2 / 3) * 100);
    expect(r.company.value).not.toBe(66.67);
    expect(formatScore(r.company.value)).toBe('66.67');
    expect(roundScore(r.company.value)).toBe(66.67);
    expect(formatScore(1.005)).toBe('1.01');
    expect(formatScore(100)).toBe('100.00');
    expect(formatScore(null, zhCN.scoring.na)).toBe('N/A');
    expect(roundScore(null)).toBeNull();
  });

  it('merges the same control listed once per link, and refuses one listed with different attributes', () => {
    const rows = [control(1, { processIds: [P1], unitId: U1 }), control(1, { processIds: [P2], unitId: U1 })];
    const r = scores(rows, { 1: tested(0.5) });
    expect(Object.keys(r.processes)).toEqual([String(P1), String(P2)]);
    expect(r.units[U1]).toMatchObject({ denominator: 1, value: 50 });
    expect(scoringError(() => scores([rows[0]!, { ...rows[1]!, weight: 3 }], {}))).toMatchObject({ key: 'errors.scoring.duplicateControl', params: { control: 1 } });
  });

  it('refuses bad input with a specific message key naming the control or finding', () => {
    const one = [control(1, { processIds: [P1] })];
    const cases: [() => unknown, string, Record<string, unknown>][] = [
      [() => scores(one, { 2: tested(1) }), 'errors.scoring.resultOutsideScope', { control: 2 }],
      [() => scores(one, { 1: tested(1.5) }), 'errors.scoring.controlResultOutOfRange', { control: 1, value: '1.5' }],
      [() => scores(one, { 1: tested(Number.NaN) }), 'errors.scoring.controlResultOutOfRange', { control: 1 }],
      [() => scores(one, { 1: { state: 'done' } as unknown as ControlResult }), 'errors.scoring.unknownState', { control: 1, value: 'done' }],
      [() => scores([control(1, { weight: 0 })], {}), 'errors.scoring.controlWeight', { control: 1, value: '0' }],
      [() => scores([control(1, { element: 'finance' as ControlElement })], {}), 'errors.scoring.unknownElement', { control: 1 }],
      [() => scores(one, {}, [finding(3, { controlIds: [1, 9] })]), 'errors.scoring.findingControlOutsideScope', { finding: 3, control: 9 }],
      [() => scores(one, {}, [finding(3, {})]), 'errors.scoring.findingUnattached', { finding: 3 }],
      [() => scores(one, {}, [finding(3, { processId: P1, status: 'closed' })]), 'errors.scoring.findingClosedWithoutDate', { finding: 3 }],
      [() => scores(one, {}, [finding(3, { processId: P1, status: 'closed', closedOn: '2026-02-30' })]), 'errors.scoring.invalidDate', { value: '2026-02-30' }],
      [() => scores(one, {}, [], { baseDate: '31.12.2026' }), 'errors.scoring.invalidDate', { fieldKey: 'scoring.fields.baseDate' }],
    ];
    for (const [fn, key, params] of cases) expect(scoringError(fn), key).toMatchObject({ key, params });
  });
});

describe('incremental updates', () => {
  it('moves only the sets of the changed control and lands on the numbers of a full roll-up', () => {
    const controls = [
      control(1, { isKey: true, processIds: [1], stepIds: [10], unitId: 5 }),
      control(2, { processIds: [1, 2], stepIds: [10, 20], unitId: 5, element: 'monitoring' }),
      control(3, { processIds: [2], stepIds: [20], unitId: 6 }),
    ];
    const findings = [finding(1, { severity: 'significant', processId: 2 })];
    const input: ScoringInput = { controls, results: { 1: tested(1), 3: tested(0.4) }, findings, baseDate: BASE };
    const state = createScoreState(input);
    expect(readScore(state, { level: 'company' })!.notTested).toEqual([2]);

    const touched = applyResultChange(state, 2, tested(0.6));
    expect(touched).toEqual([
      { level: 'step', id: 10 },
      { level: 'step', id: 20 },
      { level: 'process', id: 1 },
      { level: 'process', id: 2 },
      { level: 'unit', id: 5 },
      { level: 'element', id: 'monitoring' },
      { level: 'company' },
    ]);
    applyResultChange(state, 1, NOT_APPLICABLE);
    applyResultChange(state, 1, tested(0.8));
    const full = computeScores({ ...input, results: { 1: tested(0.8), 2: tested(0.6), 3: tested(0.4) } });
    expect(reportScores(state)).toEqual(full);
    expect(readScore(state, { level: 'unit', id: 6 })).toEqual(full.units[6]);
    expect(readScore(state, { level: 'unit', id: 99 })).toBeNull();
    expect(scoringError(() => applyResultChange(state, 42, tested(1))).key).toBe('errors.scoring.resultOutsideScope');
    expect(scoringError(() => applyResultChange(state, 1, tested(2))).key).toBe('errors.scoring.controlResultOutOfRange');
  });
});

describe('SortedResults', () => {
  const ok = tested(1);
  const half = tested(0.5);
  it('merges per-result groups into one ascending list and reads like a Map', () => {
    const r = SortedResults.fromGroups([
      { result: ok, ids: [2, 7, 9] },
      { result: NOT_TESTED, ids: [1, 8] },
      { result: half, ids: [3] },
    ]);
    expect([...r.keys()]).toEqual([1, 2, 3, 7, 8, 9]);
    expect(r.size).toBe(6);
    expect(r.get(3)).toBe(half);
    expect(r.get(8)).toBe(NOT_TESTED);
    expect(r.get(4)).toBeUndefined();
    expect(r.has(9)).toBe(true);
    expect([...r].slice(0, 2)).toEqual([
      [1, NOT_TESTED],
      [2, ok],
    ]);
  });

  it('sorts sparse ids too (the path for ids far apart)', () => {
    const r = SortedResults.fromGroups([
      { result: ok, ids: [4_000_000_000, 7] },
      { result: half, ids: [900_000, 3] },
    ]);
    expect([...r.keys()]).toEqual([3, 7, 900_000, 4_000_000_000]);
    expect(r.get(900_000)).toBe(half);
    expect(r.get(4_000_000_000)).toBe(ok);
  });

  it('refuses a control listed in two groups, dense or sparse', () => {
    expect(() => SortedResults.fromGroups([{ result: ok, ids: [1, 2] }, { result: half, ids: [2] }])).toThrow(/control 2 is listed twice/);
    expect(() => SortedResults.fromGroups([{ result: ok, ids: [1, 5e9] }, { result: half, ids: [5e9] }])).toThrow(/control 5000000000 is listed twice/);
  });

  it('refuses a result for a control outside the scope, naming it', () => {
    const controls: ScoringControlInput[] = [{ id: 1, weight: 1, isKey: false, element: 'control_activities', stepIds: [], processIds: [10], unitId: null }];
    expect(() => computeScores({ controls, results: SortedResults.fromGroups([{ result: ok, ids: [1, 5] }]), baseDate: BASE })).toThrow(ScoringError);
  });
});
