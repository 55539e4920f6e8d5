/**
 * The one place where PostgreSQL text values become JavaScript values, shared by the
 * pg pool and PGlite so that both backends return identical rows.
 *   int8 / count(*) → number (ids and counts stay far below 2^53)
 *   numeric         → number (weights and scores; precision is bounded by the schema)
 *   date            → 'YYYY-MM-DD' string (no timezone shift on either backend)
 *   timestamptz     → ISO-8601 string in UTC (JSON-safe, same on both)
 */
export const OID = {
  int8: 20,
  numeric: 1700,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
} as const;

function toNumber(value: string): number {
  return Number(value);
}

function toIsoTimestamp(value: string): string {
  // Server sends e.g. "2026-11-23 09:13:29.123456+00" (session TimeZone is UTC).
  let iso = value.replace(' ', 'T');
  if (/[+-]\d\d$/.test(iso)) iso += ':00';
  else if (!/(Z|[+-]\d\d:\d\d)$/.test(iso)) iso += 'Z';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

export const typeParsers: Record<number, (value: string) => unknown> = {
  [OID.int8]: toNumber,
  [OID.numeric]: toNumber,
  [OID.date]: (value) => value,
  [OID.timestamp]: toIsoTimestamp,
  [OID.timestamptz]: toIsoTimestamp,
};
