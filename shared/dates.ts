/** Calendar-date arithmetic on ISO dates (YYYY-MM-DD), in UTC so no time zone shifts a day. */

/** ISO date `days` after `iso` (negative: before). */
export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
