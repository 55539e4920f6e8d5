import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeScores,
  effectiveWeight,
  formatScore,
  resultOf,
  type ControlResult,
  type ScoreReport,
  type ScoringControlInput,
  type ScoringFinding,
  type SetScore,
} from '../../shared/scoring.ts';
import {
  ORACLE_ELEMENTS,
  oracleDisplay,
  oracleOutcome,
  oracleScore,
  oracleSets,
  type OracleAudit,
  type OracleControl,
  type OracleFinding,
  type OracleSet,
  type OracleTest,
} from './scoring-oracle.ts';

/**
 * The real roll-up (shared/scoring) against the naive oracle (scoring-oracle.ts) on random audits:
 * every step, process, unit, element and company score, with findings of every kind and level,
 * open, closed before / on / after the base date. The oracle sums naively and the roll-up exactly,
 * so full-precision values are compared within 1e-7 points; the 2-decimal display must match
 * except within a hair of a rounding boundary.
 */

const BASE = '2026-12-31';
const CLOSED_ON = [null, '2026-06-30', BASE, '2027-01-15'] as const;

const testArb: fc.Arbitrary<OracleTest> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<OracleTest>({ applicability: 'not_applicable', design: null, operating: null }) },
  { weight: 1, arbitrary: fc.constant<OracleTest>({ applicability: 'not_operated', design: null, operating: null }) },
  { weight: 1, arbitrary: fc.constant<OracleTest>({ applicability: 'applicable', design: null, operating: null }) },
  { weight: 2, arbitrary: fc.constant<OracleTest>({ applicability: 'applicable', design: 'deficient', operating: null }) },
  { weight: 1, arbitrary: fc.constant<OracleTest>({ applicability: 'applicable', design: 'effective', operating: null }) },
  {
    weight: 10,
    arbitrary: fc
      .record({ samples: fc.integer({ min: 1, max: 40 }), exceptionShare: fc.double({ min: 0, max: 1, noNaN: true }), grade: fc.constantFrom(1, 0.8, 0.6, 0.4, 0), complete: fc.boolean() })
      .map(({ samples, exceptionShare, grade, complete }): OracleTest => ({
        applicability: 'applicable',
        design: 'effective',
        operating: { samplesTested: samples, exceptions: complete || exceptionShare < 0.5 ? Math.floor(exceptionShare * samples) : null, grade },
      })),
  },
);

const controlArb = fc.record({
  isKey: fc.boolean(),
  weightOverride: fc.option(fc.oneof(fc.constantFrom(1, 2, 3, 0.5, 5), fc.double({ min: 0.01, max: 100, noNaN: true })), { nil: null, freq: 3 }),
  element: fc.constantFrom(...ORACLE_ELEMENTS),
  method: fc.constantFrom('binary', 'graded', 'rate') as fc.Arbitrary<OracleControl['method']>,
  tolerance: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
  // small id ranges so that controls share steps, processes and units
  stepIds: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 3 }),
  processIds: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }),
  unitId: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null, freq: 4 }),
  test: fc.option(testArb, { nil: null, freq: 6 }),
});

const findingArb = fc.record({
  severity: fc.constantFrom('general', 'significant', 'major') as fc.Arbitrary<OracleFinding['severity']>,
  remediatedOn: fc.constantFrom(...CLOSED_ON),
  kind: fc.constantFrom('controls', 'process', 'unit', 'company'),
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
  setId: fc.integer({ min: 1, max: 5 }), // 5: a process/unit no control is in (its score is N/A)
});

const auditArb: fc.Arbitrary<OracleAudit> = fc
  .record({
    weights: fc.oneof(fc.constant([3, 1]), fc.constant([2, 1]), fc.tuple(fc.double({ min: 0.1, max: 10, noNaN: true }), fc.double({ min: 0.1, max: 10, noNaN: true }))),
    controls: fc.array(controlArb, { maxLength: 25 }),
    findings: fc.array(findingArb, { maxLength: 6 }),
  })
  .map(({ weights, controls, findings }): OracleAudit => {
    const list: OracleControl[] = controls.map((c, i) => ({ ...c, id: 10 + i * 3 }));
    const out: OracleFinding[] = [];
    findings.forEach((f, i) => {
      const base = { id: i + 1, severity: f.severity, remediatedOn: f.remediatedOn };
      if (f.kind === 'controls') {
        if (list.length) out.push({ ...base, attachedTo: { kind: 'controls', controlIds: [...new Set(f.picks.map((k) => list[k % list.length]!.id))] } });
      } else if (f.kind === 'company') out.push({ ...base, attachedTo: { kind: 'company' } });
      else out.push({ ...base, attachedTo: { kind: f.kind as 'process' | 'unit', id: f.setId } });
    });
    return { keyWeight: weights[0]!, generalWeight: weights[1]!, baseDate: BASE, controls: list, findings: out };
  });

/** The audit as the app's roll-up takes it: effective weights, results from the test records, findings. */
function toScoringInput(audit: OracleAudit) {
  const controls: ScoringControlInput[] = audit.controls.map((c) => ({
    id: c.id,
    weight: effectiveWeight({ isKey: c.isKey, weight: c.weightOverride }, { keyWeight: audit.keyWeight, generalWeight: audit.generalWeight }),
    isKey: c.isKey,
    element: c.element,
    stepIds: c.stepIds,
    processIds: c.processIds,
    unitId: c.unitId,
  }));
  const results = new Map<number, ControlResult>();
  for (const c of audit.controls) {
    if (c.test) results.set(c.id, resultOf({ scoringMethod: c.method, tolerance: c.tolerance }, c.test));
  }
  const findings: ScoringFinding[] = audit.findings.map((f) => {
    const base = { id: f.id, severity: f.severity, status: f.remediatedOn ? ('closed' as const) : ('open' as const), closedOn: f.remediatedOn, controlIds: [] as number[] };
    const a = f.attachedTo;
    if (a.kind === 'controls') return { ...base, controlIds: a.controlIds };
    if (a.kind === 'process') return { ...base, processId: a.id };
    if (a.kind === 'unit') return { ...base, unitId: a.id };
    return { ...base, companyLevel: true };
  });
  return { controls, results, findings, baseDate: audit.baseDate };
}

function implSet(report: ScoreReport, set: OracleSet): SetScore | undefined {
  if (set.level === 'company') return report.company;
  if (set.level === 'element') return report.elements[set.id];
  return { step: report.steps, process: report.processes, unit: report.units }[set.level][set.id];
}

const label = (set: OracleSet) => (set.level === 'company' ? 'company' : `${set.level} ${set.id}`);

/** Within a hair of x.xx5, where naive and exact sums may round either way. */
const nearRoundingEdge = (v: number) => Math.abs(((v * 100) % 1) - 0.5) < 1e-6;

function expectAgreement(audit: OracleAudit): void {
  const report = computeScores(toScoringInput(audit));
  // every set a control is in, and any other the roll-up reports (a process or unit named only by
  // a finding: N/A, with its deductions and cap) — each checked against the oracle
  const sets: OracleSet[] = oracleSets(audit);
  const known = new Set(sets.map(label));
  for (const level of ['step', 'process', 'unit'] as const) {
    for (const id of Object.keys({ step: report.steps, process: report.processes, unit: report.units }[level]).map(Number)) {
      if (!known.has(label({ level, id }))) sets.push({ level, id });
    }
  }
  for (const set of sets) {
    const got = implSet(report, set);
    const want = oracleScore(audit, set);
    expect(got, `${label(set)} missing`).toBeDefined();
    if (want.value === null) expect(got!.value, `${label(set)} should be N/A`).toBeNull();
    else {
      expect(got!.value, `${label(set)} is N/A but should be ${want.value}`).not.toBeNull();
      expect(Math.abs(got!.value! - want.value), `${label(set)}: ${got!.value} vs oracle ${want.value}`).toBeLessThan(1e-7);
      if (!nearRoundingEdge(want.value)) expect(formatScore(got!.value), label(set)).toBe(oracleDisplay(want.value));
    }
    expect(got!.deductions, `${label(set)} deductions`).toBe(want.deductions);
    expect(got!.cap, `${label(set)} cap`).toBe(want.cap);
  }
  // not tested blocks sign-off; any open major finding makes the conclusion ineffective
  const notTested = audit.controls.filter((c) => oracleOutcome(c).kind === 'not_tested').map((c) => c.id);
  expect(report.signOffBlockers).toEqual(notTested);
  const openMajor = audit.findings.some((f) => f.severity === 'major' && (f.remediatedOn === null || f.remediatedOn > audit.baseDate));
  expect(report.conclusion.effective).toBe(!openMajor);
}

describe('scoring against the naive oracle', () => {
  it('agrees with the oracle on the worked example (68.57, 91.43, 72.22) — the oracle itself is right', () => {
    const PUR = 1;
    const INV = 2;
    const graded = (grade: number): OracleTest => ({ applicability: 'applicable', design: 'effective', operating: { samplesTested: null, exceptions: null, grade } });
    const c = (id: number, isKey: boolean, processIds: number[], test: OracleTest): OracleControl => ({
      id,
      isKey,
      weightOverride: null,
      element: 'control_activities',
      method: 'graded',
      tolerance: null,
      stepIds: [],
      processIds,
      unitId: null,
      test,
    });
    const audit: OracleAudit = {
      keyWeight: 3,
      generalWeight: 1,
      baseDate: BASE,
      controls: [
        c(1, true, [PUR], graded(0.6)),
        c(2, false, [PUR], graded(1)),
        c(3, true, [PUR], { applicability: 'applicable', design: 'deficient', operating: null }),
        c(4, true, [PUR, INV], graded(1)),
        c(5, false, [PUR], graded(0.8)),
        c(6, true, [PUR], graded(1)),
        c(7, false, [PUR], { applicability: 'not_applicable', design: null, operating: null }),
        c(8, true, [INV], graded(1)),
        c(9, false, [INV], graded(0.4)),
      ],
      findings: [{ id: 1, severity: 'significant', remediatedOn: null, attachedTo: { kind: 'controls', controlIds: [3] } }],
    };
    expect(oracleDisplay(oracleScore(audit, { level: 'process', id: PUR }).value)).toBe('68.57');
    expect(oracleDisplay(oracleScore(audit, { level: 'process', id: INV }).value)).toBe('91.43');
    expect(oracleDisplay(oracleScore(audit, { level: 'company' }).value)).toBe('72.22');
    expectAgreement(audit);
  });

  it('gives every step, process, unit, element and company score the oracle gives, on random audits', () => {
    fc.assert(fc.property(auditArb, (audit) => expectAgreement(audit)), { numRuns: 400 });
  });

  it('agrees when the audit arrives as one row per process link (as a join gives it) — shared controls still count once', () => {
    fc.assert(
      fc.property(auditArb, (audit) => {
        const input = toScoringInput(audit);
        const rows = input.controls.flatMap((c) => (c.processIds.length > 1 ? c.processIds.map((p, i) => ({ ...c, processIds: [p], stepIds: i === 0 ? c.stepIds : [] })) : [c]));
        const viaRows = computeScores({ ...input, controls: rows });
        expect(viaRows).toEqual(computeScores(input));
      }),
      { numRuns: 200 },
    );
  });
});
