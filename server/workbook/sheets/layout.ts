import type { AuditFinding, AuditWorkbookData } from '../../../shared/audits.ts';
import { FINDING_SEVERITIES, type SetScore } from '../../../shared/scoring.ts';
import type { Locale } from '../../../shared/auth.ts';
import { translate } from '../../i18n.ts';
import { colLetter, quote } from './style.ts';

/** Evaluation workbook: labels, the data arranged for the sheets, and the column layouts the formulas refer to. */

// ── labels ──────────────────────────────────────────────────────
export function labels(locale: Locale) {
  const t = (key: string, params?: Record<string, unknown>) => translate(locale, key, params);
  const group = <K extends string>(prefix: string, keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, t(`${prefix}.${k}`)])) as Record<K, string>;
  return {
    t,
    col: (k: string) => t(`workbook.columns.${k}`),
    sheet: group('workbook.sheets', ['summary', 'controls', 'findings', 'sod', 'authority', 'method', 'links'] as const),
    states: group('scoring.states', ['tested', 'not_applicable', 'not_operated', 'not_tested'] as const),
    levels: group('controlLevels', ['key', 'general'] as const),
    severities: group('workbook.severities', FINDING_SEVERITIES),
    natures: group('workbook.natures', ['design', 'operating'] as const),
    findingStatuses: group('workbook.findingStatuses', ['open', 'closed'] as const),
    yes: t('workbook.yes'),
    no: t('workbook.no'),
    na: t('scoring.na'),
  };
}
export type Labels = ReturnType<typeof labels>;

// ── the data, arranged ──────────────────────────────────────────
export interface ScoreRow {
  /** the set's id (process or unit); null for the company */
  id: number | null;
  key: number | null;
  number: string;
  name: string;
  score: SetScore;
}

/** Everything the sheets need, computed once from the data object (no I/O). */
export function arrange(data: AuditWorkbookData) {
  const { scores } = data;
  const processById = new Map(data.processes.map((p) => [p.id, p]));
  const stepById = new Map(data.steps.map((s) => [s.id, s]));
  const testByControl = new Map(data.tests.map((t) => [t.controlId, t]));
  const findingsByControl = new Map<number, AuditFinding[]>();
  for (const f of data.findings) {
    for (const c of f.controlIds) {
      const list = findingsByControl.get(c) ?? [];
      list.push(f);
      findingsByControl.set(c, list);
    }
  }
  // processes with a score, in document order (processes outside the version list last, by id)
  const order = new Map(data.processes.map((p, i) => [p.id, i]));
  const processRows: ScoreRow[] = Object.keys(scores.processes)
    .map(Number)
    .sort((a, b) => (order.get(a) ?? 1e9 + a) - (order.get(b) ?? 1e9 + b))
    .map((id, i) => ({ id, key: i + 1, number: processById.get(id)?.number ?? '', name: processById.get(id)?.title ?? `#${id}`, score: scores.processes[id]! }));
  const processKey = new Map(processRows.map((r) => [r.id!, r.key!]));
  const unitName = new Map(data.units.map((u) => [u.id, u.name]));
  const unitOrder = new Map(data.units.map((u, i) => [u.id, i]));
  const unitRows: ScoreRow[] = Object.keys(scores.units)
    .map(Number)
    .sort((a, b) => (unitOrder.get(a) ?? 1e9 + a) - (unitOrder.get(b) ?? 1e9 + b))
    .map((id, i) => ({ id, key: i + 1, number: '', name: unitName.get(id) ?? data.controls.find((c) => c.unitId === id)?.unitName ?? `#${id}`, score: scores.units[id]! }));
  const unitKey = new Map(unitRows.map((r) => [r.id!, r.key!]));
  const linkCount = data.controls.reduce((n, c) => n + c.processIds.filter((p) => processKey.has(p)).length, 0);
  return { processById, stepById, testByControl, findingsByControl, processRows, processKey, unitRows, unitKey, linkCount };
}
export type Arranged = ReturnType<typeof arrange>;

// ── sheet layouts (row numbers the formulas need) ───────────────
export const CONTROLS_FIRST = 2; // header on row 1
export const C = { number: 1, process: 2, step: 3, title: 4, level: 5, weight: 6, state: 7, r: 8, weighted: 9, tester: 10, evidence: 11, findings: 12, unit: 13, scoredWeight: 14, unitKey: 15 } as const;
export const L = { key: 1, processNumber: 2, processTitle: 3, controlNumber: 4, controlTitle: 5, scoredWeight: 6, weighted: 7 } as const;
export const F = { code: 1, nature: 2, severity: 3, title: 4, description: 5, rootCause: 6, controls: 7, process: 8, unit: 9, company: 10, owner: 11, due: 12, status: 13, closedOn: 14, open: 15, effect: 16 } as const;
/** Summary score tables: # | No. | name | controls | Σw·r | Σw | raw | deductions | cap | score | chart value (hidden) */
export const S = { key: 1, number: 2, name: 3, controls: 4, sumWeighted: 5, sumWeight: 6, raw: 7, deductions: 8, cap: 9, score: 10, chart: 11 } as const;

export const R_COL = colLetter(C.r);
export const W_COL = colLetter(C.weight);

export function range(sheet: string, col: number, first: number, last: number) {
  const c = colLetter(col);
  return `${quote(sheet)}!$${c}$${first}:$${c}$${Math.max(first, last)}`;
}
