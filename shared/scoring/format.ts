/**
 * Display rounding — the only place a score is rounded (docs/design.md §3.4: full precision until shown).
 * Half away from zero at 2 decimals like Excel's ROUND, after trimming float noise to 15
 * significant digits so 1.005 shows as 1.01, as Excel shows it.
 */
export function roundScore(value: number | null): number | null {
  if (value == null) return null;
  const scaled = Number((Math.abs(value) * 100).toPrecision(15));
  return (Math.sign(value) * Math.round(scaled)) / 100 || 0;
}

/** "68.57"; N/A (empty denominator) as `na` — pass the translated `scoring.na`. */
export function formatScore(value: number | null, na = 'N/A'): string {
  const rounded = roundScore(value);
  return rounded == null ? na : rounded.toFixed(2);
}
