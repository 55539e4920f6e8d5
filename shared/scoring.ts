/**
 * Scoring (docs/design.md §3.4) — the only implementation; server, client preview and workbook import
 * from here. Pure: no I/O.
 *
 * - result.ts       resultOf / safeResultOf / checkTest: a test record → r ∈ [0,1] or a state
 * - sample-size.ts  sampleSize + the editable DEFAULT_SAMPLE_SIZES table (zod schema)
 * - weights.ts      effectiveWeight: override or the manual's key/general default
 * - rollup.ts       computeScores: step, process, unit, element and company scores, findings'
 *                   deductions and caps, conclusion, sign-off blockers; incremental
 *                   createScoreState + applyResultChange + readScore for the live panel
 *                   (input/output types in rollup-types.ts)
 * - format.ts       roundScore / formatScore: the only rounding, for display
 * - errors.ts       ScoringError: message keys under errors.scoring (shared/i18n)
 */
export * from './scoring/vocabulary.ts';
export { ScoringError, type ScoringErrorKey, type ScoringIssue } from './scoring/errors.ts';
export * from './scoring/result.ts';
export * from './scoring/sample-size.ts';
export * from './scoring/weights.ts';
export * from './scoring/rollup-types.ts';
export * from './scoring/rollup.ts';
export * from './scoring/format.ts';
export { ExactSum } from './scoring/exact-sum.ts';
export { SortedResults } from './scoring/sorted-results.ts';
