import { describe, expect, it } from 'vitest';
import type { AuditControl, AuditDetail, AuditTest } from '../../shared/audits.ts';
import { toScoringInput, scoredProcessIds } from '../../shared/audits.ts';
import { computeScores, DEFAULT_SAMPLE_SIZES, type ControlResult } from '../../shared/scoring.ts';
import { LiveScores } from '../../client/pages/audits/live-scores.ts';
import { applyShortcut, draftResult, testDataOf, valuesFromTest } from '../../client/pages/audits/test-draft.ts';

/** The worked example of docs/design.md §3.4 as an audit payload: 采购付款 (P1) C1–C7, 存货 (P2) C4, C8, C9. */
function workedExample(): AuditDetail {
  const control = (id: number, isKey: boolean, processIds: number[], extra: Partial<AuditControl> = {}): AuditControl => ({
    id,
    number: `1.${id}`,
    title: `C${id}`,
    isKey,
    weight: isKey ? 3 : 1,
    element: 'control_activities',
    scoringMethod: 'rate',
    tolerance: 0,
    frequency: 'monthly',
    automation: 'manual',
    evidenceTypes: ['original_voucher'],
    inspections: [],
    processIds,
    stepIds: [],
    unitId: null,
    unitName: null,
    ownerPositionName: null,
    suggestedSampleSize: 2,
    ...extra,
  });
  const controls = [
    control(1, true, [101]),
    control(2, false, [101]),
    control(3, true, [101]),
    control(4, true, [101, 102]),
    control(5, false, [101]),
    control(6, true, [101]),
    control(7, false, [101]),
    control(8, true, [102]),
    control(9, false, [102]),
  ];
  const results: Record<number, ControlResult> = {
    1: { state: 'tested', r: 0.6 },
    2: { state: 'tested', r: 1 },
    3: { state: 'tested', r: 0 },
    4: { state: 'tested', r: 1 },
    5: { state: 'tested', r: 0.8 },
    6: { state: 'tested', r: 1 },
    7: { state: 'not_applicable' },
    8: { state: 'tested', r: 1 },
    9: { state: 'tested', r: 0.4 },
  };
  const tests: AuditTest[] = controls.map((c) => {
    const r = results[c.id]!;
    return {
      id: c.id,
      controlId: c.id,
      applicability: r.state === 'not_applicable' ? 'not_applicable' : 'applicable',
      naReason: '',
      design: null,
      population: null,
      sampleSize: null,
      samplesTested: null,
      exceptions: null,
      grade: null,
      r: r.state === 'tested' ? r.r : null,
      state: r.state,
      notes: '',
      testerUserId: null,
      testerName: null,
      version: 1,
      updatedAt: '2026-06-30T00:00:00Z',
      updatedBy: null,
      evidence: [],
    };
  });
  return {
    audit: { baseDate: '2026-06-30', scopeUnitIds: [] } as unknown as AuditDetail['audit'],
    manual: { id: 1, code: 'M', title: 'M' },
    version: { versionNo: 1, publishedAt: '2026-01-01T00:00:00Z' },
    processes: [
      { id: 101, number: '1', title: '采购付款', status: 'active', inScope: true },
      { id: 102, number: '2', title: '存货', status: 'active', inScope: true },
    ],
    steps: [],
    scopeGaps: [],
    testers: [],
    controls,
    tests,
    findings: [],
    units: [],
    users: [],
  };
}

const fullScore = (detail: AuditDetail, tests: AuditTest[]) =>
  computeScores(toScoringInput({ ...detail, tests, processIds: scoredProcessIds(detail.processes), unitIds: [] }));

describe('live score panel model (shared incremental roll-up)', () => {
  it('starts from the saved results: the worked example', () => {
    const live = new LiveScores(workedExample());
    expect(live.score({ level: 'process', id: 101 })!.value).toBeCloseTo(68.5714, 4);
    expect(live.score({ level: 'process', id: 102 })!.value).toBeCloseTo(91.4286, 4);
    expect(live.score({ level: 'company' })!.value).toBeCloseTo(72.2222, 4);
  });

  it('a draft moves the scores like a full roll-up with that result, and dropping it restores them', () => {
    const detail = workedExample();
    const live = new LiveScores(detail);
    const before = live.score({ level: 'company' })!.value;
    live.setDraft(3, { state: 'tested', r: 1 });
    const changed = detail.tests.map((t) => (t.controlId === 3 ? { ...t, r: 1 } : t));
    expect(live.score({ level: 'company' })!.value).toBe(fullScore(detail, changed).company.value);
    expect(live.score({ level: 'process', id: 101 })!.value).toBe(fullScore(detail, changed).processes[101]!.value);
    live.setDraft(3, null);
    expect(live.score({ level: 'company' })!.value).toBe(before);
  });

  it('a saved result under a draft does not move the score until the draft goes', () => {
    const detail = workedExample();
    const live = new LiveScores(detail);
    live.setDraft(9, { state: 'tested', r: 1 });
    const withDraft = live.score({ level: 'company' })!.value;
    live.syncSaved(detail.tests.map((t) => (t.controlId === 9 ? { ...t, r: 0 } : t)));
    expect(live.score({ level: 'company' })!.value).toBe(withDraft);
    live.retainDrafts(new Set());
    expect(live.score({ level: 'company' })!.value).toBe(
      fullScore(detail, detail.tests.map((t) => (t.controlId === 9 ? { ...t, r: 0 } : t))).company.value,
    );
  });
});

describe('rapid-entry shortcuts', () => {
  const detail = workedExample();
  const rate = detail.controls[0]!;
  const graded = { ...rate, scoringMethod: 'graded' as const };
  const blank = valuesFromTest(rate, undefined);

  it('"e" tests the suggested sample without exception and ticks the evidence seen', () => {
    const v = applyShortcut('e', rate, blank, DEFAULT_SAMPLE_SIZES)!;
    expect(v).toMatchObject({ design: 'effective', sampleSize: 2, samplesTested: 2, exceptions: 0 });
    expect(v.evidence).toEqual([{ evidenceType: 'original_voucher', status: 'seen', reference: '' }]);
    expect(draftResult(rate, v).result).toEqual({ state: 'tested', r: 1 });
    expect(testDataOf(v, undefined).evidence).toEqual([{ evidenceType: 'original_voucher', status: 'seen', reference: '', fileName: '', location: '' }]);
  });

  it('"e" tests the whole population when it is smaller than the table size', () => {
    const v = applyShortcut('e', rate, { ...blank, population: 1 }, DEFAULT_SAMPLE_SIZES)!;
    expect(v).toMatchObject({ sampleSize: 1, samplesTested: 1, exceptions: 0 });
  });

  it('"x" records one exception (rate: 1 of 2 → 0.5), "d" fails the design (0), grades only for graded controls', () => {
    expect(draftResult(rate, applyShortcut('x', rate, blank, DEFAULT_SAMPLE_SIZES)!).result).toEqual({ state: 'tested', r: 0.5 });
    expect(draftResult(rate, applyShortcut('d', rate, blank, DEFAULT_SAMPLE_SIZES)!).result).toEqual({ state: 'tested', r: 0 });
    expect(draftResult(rate, applyShortcut('n', rate, blank, DEFAULT_SAMPLE_SIZES)!).result).toEqual({ state: 'not_applicable' });
    expect(applyShortcut('3', rate, blank, DEFAULT_SAMPLE_SIZES)).toBeNull();
    expect(draftResult(graded, applyShortcut('3', graded, blank, DEFAULT_SAMPLE_SIZES)!).result).toEqual({ state: 'tested', r: 0.6 });
  });

  it('exceptions over the samples tested give the shared contract\'s issue, not a result', () => {
    const res = draftResult(rate, { ...blank, design: 'effective', samplesTested: 2, exceptions: 3 });
    expect(res.result).toBeNull();
    expect(res.issues[0]!.key).toBe('errors.scoring.exceptionsOverSamples');
  });
});
