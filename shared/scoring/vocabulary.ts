import type { Automation, Element, Frequency, ScoringMethod } from '../controls.ts';

/**
 * Words of the scoring contract (docs/design.md §3.4). Control vocabularies (frequency, automation,
 * scoring method, element) belong to shared/controls.ts and are only re-used here.
 */
export type { Automation, Frequency, ScoringMethod };
export type ControlElement = Element;
export { AUTOMATIONS, ELEMENTS, FREQUENCIES, SCORING_METHODS } from '../controls.ts';

/** The only results a graded control may get, chosen by the tester. */
export const GRADES = [1, 0.8, 0.6, 0.4, 0] as const;
export type Grade = (typeof GRADES)[number];

/** What the tester decided about a control before any testing. */
export const APPLICABILITIES = ['applicable', 'not_applicable', 'not_operated'] as const;
export type Applicability = (typeof APPLICABILITIES)[number];

export const DESIGN_CONCLUSIONS = ['effective', 'deficient'] as const;
export type DesignConclusion = (typeof DESIGN_CONCLUSIONS)[number];

/** A control's state in an audit; only `tested` carries a result r. */
export const RESULT_STATES = ['tested', 'not_applicable', 'not_operated', 'not_tested'] as const;
export type ResultState = (typeof RESULT_STATES)[number];

export const FINDING_SEVERITIES = ['general', 'significant', 'major'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];
export const FINDING_NATURES = ['design', 'operating'] as const;
export type FindingNature = (typeof FINDING_NATURES)[number];
export const FINDING_STATUSES = ['open', 'closed'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** Points a finding tied to a process, unit or the company (not to a control) deducts. */
export const FINDING_DEDUCTIONS: Readonly<Record<FindingSeverity, number>> = { general: 1, significant: 5, major: 20 };
/** The highest score a set may show while it holds an open finding of this severity. */
export const FINDING_CAPS: Readonly<Record<FindingSeverity, number | null>> = { general: null, significant: 79, major: 59 };

/** The sets a score is computed for. */
export const SCORE_LEVELS = ['step', 'process', 'unit', 'element', 'company'] as const;
export type ScoreLevel = (typeof SCORE_LEVELS)[number];
