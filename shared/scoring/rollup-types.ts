import type { ControlResult } from './result.ts';
import type { ControlElement, FindingNature, FindingSeverity, FindingStatus } from './vocabulary.ts';

/** What the roll-up (rollup.ts) takes and gives: plain, JSON-safe shapes. */

/** A control in the audit scope, as the roll-up sees it. */
export interface ScoringControlInput {
  id: number;
  /** effective weight (> 0): the control's override or the manual default, see effectiveWeight */
  weight: number;
  isKey: boolean;
  element: ControlElement;
  /** every step it is linked into (a shared control lists all of them) */
  stepIds: readonly number[];
  /** every process it is linked into */
  processIds: readonly number[];
  /** unit of its owner position; null when it has none */
  unitId: number | null;
}

/**
 * A finding. What it is tied to decides its effect, first match wins:
 * 1. controlIds non-empty → already in those controls' r: no deduction, but an open significant/major
 *    one caps every step, process and owner unit of those controls, and the company
 *    (not the element: DESIGN lists steps, processes, units and the company);
 * 2. companyLevel → deducts from and caps the company;
 * 3. processId and/or unitId → deducts from and caps that process/unit only, and caps the company.
 */
export interface ScoringFinding {
  id: number;
  severity: FindingSeverity;
  nature?: FindingNature;
  status: FindingStatus;
  /** YYYY-MM-DD the finding was remediated; required when closed */
  closedOn?: string | null;
  controlIds: readonly number[];
  processId?: number | null;
  unitId?: number | null;
  companyLevel?: boolean;
}

export type ResultsByControl = ReadonlyMap<number, ControlResult> | Readonly<Record<number, ControlResult>>;

export interface ScoringInput {
  controls: readonly ScoringControlInput[];
  /** by control id; a control in scope without a result is not tested */
  results: ResultsByControl;
  findings?: readonly ScoringFinding[];
  /** YYYY-MM-DD; a finding closed on or before it neither deducts nor caps */
  baseDate: string;
  /** sets to report even when no control is in them (they show N/A) */
  scope?: { processIds?: readonly number[]; unitIds?: readonly number[]; stepIds?: readonly number[] };
}

export interface SetCounts {
  /** distinct controls in the set, whatever their state */
  controls: number;
  key: number;
  tested: number;
  /** tested with r = 1 */
  effective: number;
  /** tested with r < 1 */
  deficient: number;
  notApplicable: number;
  notOperated: number;
  notTested: number;
}

/** The score of one set (step, process, unit, element or the company). */
export interface SetScore {
  /** final score, full precision; null = N/A (no applicable tested control) — never 100 */
  value: number | null;
  /** 100 · weighted / denominator, before deductions and cap; null = N/A */
  raw: number | null;
  /** Σ w·r over tested controls */
  weighted: number;
  /** Σ w over tested controls */
  denominator: number;
  /** points deducted by findings tied to this set (not to a control) */
  deductions: number;
  /** lowest cap of the open findings reaching this set; null = none */
  cap: number | null;
  /** control ids, ascending */
  notTested: number[];
  notOperated: number[];
  notApplicable: number[];
  counts: SetCounts;
  /** finding ids, ascending */
  findings: { deducting: number[]; capping: number[] };
}

export interface ConclusionReason {
  kind: 'open_major_finding';
  findingId: number;
  /** message key with its params, e.g. t(reason.key, reason.params) */
  key: 'scoring.conclusion.openMajor';
  params: { finding: number };
}

export interface ScoreReport {
  baseDate: string;
  company: SetScore;
  /** keyed by node / unit id */
  steps: Record<number, SetScore>;
  processes: Record<number, SetScore>;
  units: Record<number, SetScore>;
  /** all five elements, N/A when empty */
  elements: Record<ControlElement, SetScore>;
  /** separate from the number: ineffective on any major finding open at the base date */
  conclusion: { effective: boolean; reasons: ConclusionReason[] };
  /** controls not tested (ascending ids): sign-off is refused while any remain */
  signOffBlockers: number[];
}

export type ScoreRef =
  | { level: 'company' }
  | { level: 'step' | 'process' | 'unit'; id: number }
  | { level: 'element'; id: ControlElement };
