/**
 * A naive scoring oracle written straight from the documented rules (README "Scoring"; design §3.4),
 * sharing no code with shared/scoring: slow, plain, one set at a time, so that a wrong rule in the
 * real roll-up shows up as a disagreement in scoring-oracle.test.ts. Nothing here is clever on purpose.
 */

export const ORACLE_ELEMENTS = ['environment', 'risk_assessment', 'control_activities', 'information_communication', 'monitoring'] as const;
export type OracleElement = (typeof ORACLE_ELEMENTS)[number];
export type OracleSeverity = 'general' | 'significant' | 'major';

/** A test record in the words of the rules (not the app's types). */
export interface OracleTest {
  applicability: 'applicable' | 'not_applicable' | 'not_operated';
  design: 'effective' | 'deficient' | null;
  operating: { samplesTested: number | null; exceptions: number | null; grade: number | null } | null;
}

export interface OracleControl {
  id: number;
  isKey: boolean;
  /** the control's own weight; null = the manual's key/general default */
  weightOverride: number | null;
  element: OracleElement;
  method: 'binary' | 'graded' | 'rate';
  /** binary: exceptions allowed for a pass (default 0) */
  tolerance: number | null;
  stepIds: number[];
  processIds: number[];
  unitId: number | null;
  /** null = never tested */
  test: OracleTest | null;
}

/** Exactly one attachment: some controls, a process, a unit, or the company. */
export type OracleAttachment = { kind: 'controls'; controlIds: number[] } | { kind: 'process'; id: number } | { kind: 'unit'; id: number } | { kind: 'company' };

export interface OracleFinding {
  id: number;
  severity: OracleSeverity;
  /** YYYY-MM-DD the finding was remediated; null = still open */
  remediatedOn: string | null;
  attachedTo: OracleAttachment;
}

export interface OracleAudit {
  keyWeight: number;
  generalWeight: number;
  baseDate: string;
  controls: OracleControl[];
  findings: OracleFinding[];
}

export type OracleSet = { level: 'step' | 'process' | 'unit'; id: number } | { level: 'element'; id: OracleElement } | { level: 'company' };

export interface OracleScore {
  /** null = N/A */
  value: number | null;
  deductions: number;
  cap: number | null;
}

type Outcome = { kind: 'score'; r: number } | { kind: 'not_applicable' } | { kind: 'not_operated' } | { kind: 'not_tested' };

/** r of one control: failed design 0; binary 1/0 by tolerance; graded the grade; rate (tested − exceptions) / tested. */
export function oracleOutcome(c: OracleControl): Outcome {
  const t = c.test;
  if (t === null) return { kind: 'not_tested' };
  if (t.applicability === 'not_applicable') return { kind: 'not_applicable' };
  if (t.applicability === 'not_operated') return { kind: 'not_operated' };
  if (t.design === null) return { kind: 'not_tested' };
  if (t.design === 'deficient') return { kind: 'score', r: 0 };
  const op = t.operating;
  if (op === null) return { kind: 'not_tested' };
  if (c.method === 'graded') {
    if (op.grade === null) return { kind: 'not_tested' };
    return { kind: 'score', r: op.grade };
  }
  if (op.samplesTested === null || op.exceptions === null) return { kind: 'not_tested' };
  if (c.method === 'binary') {
    const tolerance = c.tolerance === null ? 0 : c.tolerance;
    return { kind: 'score', r: op.exceptions <= tolerance ? 1 : 0 };
  }
  return { kind: 'score', r: (op.samplesTested - op.exceptions) / op.samplesTested };
}

export function oracleWeight(audit: OracleAudit, c: OracleControl): number {
  if (c.weightOverride !== null) return c.weightOverride;
  return c.isKey ? audit.keyWeight : audit.generalWeight;
}

/** Does control c belong to the set? (a control listed in a step or process twice is still one control) */
function inSet(c: OracleControl, set: OracleSet): boolean {
  if (set.level === 'company') return true;
  if (set.level === 'element') return c.element === set.id;
  if (set.level === 'step') return c.stepIds.includes(set.id);
  if (set.level === 'process') return c.processIds.includes(set.id);
  return c.unitId === set.id;
}

/** Remediated on or before the base date → closed: neither deducts nor caps. */
function isOpen(f: OracleFinding, baseDate: string): boolean {
  return f.remediatedOn === null || f.remediatedOn > baseDate;
}

/** Does the finding reach the set for capping? Its controls' steps, processes, owner units and the company; or its process/unit and the company. */
function capsSet(audit: OracleAudit, f: OracleFinding, set: OracleSet): boolean {
  if (set.level === 'company') return true;
  if (set.level === 'element') return false;
  const a = f.attachedTo;
  if (a.kind === 'controls') {
    for (const id of a.controlIds) {
      const c = audit.controls.find((x) => x.id === id);
      if (c !== undefined && set.level !== 'unit' && inSet(c, set)) return true;
      if (c !== undefined && set.level === 'unit' && c.unitId === set.id) return true;
    }
    return false;
  }
  return a.kind === set.level && a.id === set.id;
}

/** Deducts from its own process or unit only; company-level from the company; findings on controls never (already in r). */
function deductsFrom(f: OracleFinding, set: OracleSet): boolean {
  const a = f.attachedTo;
  if (a.kind === 'controls') return false;
  if (a.kind === 'company') return set.level === 'company';
  return set.level === a.kind && set.id === a.id;
}

const POINTS: Record<OracleSeverity, number> = { general: 1, significant: 5, major: 20 };
const CAPS: Record<OracleSeverity, number | null> = { general: null, significant: 79, major: 59 };

/**
 * Score(S) = 100 · Σ w·r / Σ w over the distinct controls of S that were tested (N/A, not operated
 * and not tested drop out); empty denominator → N/A. Then minus deductions, min(cap), floor at 0.
 */
export function oracleScore(audit: OracleAudit, set: OracleSet): OracleScore {
  let numerator = 0;
  let denominator = 0;
  for (const c of audit.controls) {
    if (!inSet(c, set)) continue;
    const o = oracleOutcome(c);
    if (o.kind !== 'score') continue;
    numerator += oracleWeight(audit, c) * o.r;
    denominator += oracleWeight(audit, c);
  }
  let deductions = 0;
  let cap: number | null = null;
  for (const f of audit.findings) {
    if (!isOpen(f, audit.baseDate)) continue;
    if (deductsFrom(f, set)) deductions += POINTS[f.severity];
    const fCap = CAPS[f.severity];
    if (fCap !== null && capsSet(audit, f, set)) cap = cap === null ? fCap : Math.min(cap, fCap);
  }
  if (denominator === 0) return { value: null, deductions, cap };
  let value = (100 * numerator) / denominator;
  value = value - deductions;
  if (cap !== null) value = Math.min(value, cap);
  if (value < 0) value = 0;
  return { value, deductions, cap };
}

/** Every set the audit's controls are in (plus the company and all five elements). */
export function oracleSets(audit: OracleAudit): OracleSet[] {
  const steps = new Set<number>();
  const processes = new Set<number>();
  const units = new Set<number>();
  for (const c of audit.controls) {
    c.stepIds.forEach((id) => steps.add(id));
    c.processIds.forEach((id) => processes.add(id));
    if (c.unitId !== null) units.add(c.unitId);
  }
  return [
    { level: 'company' },
    ...ORACLE_ELEMENTS.map((id) => ({ level: 'element' as const, id })),
    ...[...steps].map((id) => ({ level: 'step' as const, id })),
    ...[...processes].map((id) => ({ level: 'process' as const, id })),
    ...[...units].map((id) => ({ level: 'unit' as const, id })),
  ];
}

/** Half away from zero at 2 decimals, for display only. */
export function oracleDisplay(value: number | null): string {
  if (value === null) return 'N/A';
  return (Math.round(value * 100 + 1e-9) / 100).toFixed(2);
}
