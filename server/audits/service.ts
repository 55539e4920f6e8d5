/**
 * Audits (docs/design.md §3.4, §3.7). Writes run in the caller's transaction (writeProcedure) and record
 * one trail row each. Scoring is shared/scoring.ts only; this module loads its inputs.
 * Every write first takes a lock on the audit row (share for test/finding entry, update for
 * lifecycle changes), so a sign-off never races a save.
 */
export * from './guards.ts';
export * from './scope.ts';
export * from './lifecycle.ts';
export * from './tests.ts';
export * from './findings.ts';
export * from './detail.ts';
export * from './scores.ts';
export * from './signoff.ts';
export * from './compare.ts';
export * from './workbook-data.ts';
