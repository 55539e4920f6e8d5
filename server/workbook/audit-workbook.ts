import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { AuditFinding, AuditWorkbookData } from '../../shared/audits.ts';
import { isOpenAt, FINDING_CAPS, FINDING_DEDUCTIONS, FINDING_SEVERITIES, type SetScore } from '../../shared/scoring.ts';
import { FREQUENCIES } from '../../shared/controls.ts';
import type { Locale } from '../../shared/auth.ts';
import type { SodConflict } from '../../shared/sod.ts';
import type { ViolationReport } from '../../shared/authority.ts';
import { translate } from '../i18n.ts';
import { ColumnWidths, formula, safeText } from './cells.ts';
import { addColumnChart, interceptParts } from './chart.ts';

/**
 * The evaluation workbook (issue 7): Summary (scores as live formulas with cached results, a
 * native chart), Controls, Findings, Incompatible duties, Authority violations, Method and the
 * Process links sheet the process formulas sum. Streamed with exceljs's WorkbookWriter, one
 * worksheet committed before the next starts, so memory stays flat for large audits.
 *
 * Scores follow docs/design.md §3.4 exactly as shared/scoring computes them (the cached results are the
 * ScoreReport's numbers; LibreOffice recalculation is tested to agree):
 *   Controls:  scored weight = IF(ISNUMBER(r), w, 0); weighted = IF(ISNUMBER(r), w*r, "")
 *   Links:     one row per (process, control) link, pointing at the control's Controls row
 *   Summary:   Σw·r and Σw by SUMIFS over Links (process, by process #) or Controls (unit, by
 *              unit #; company: SUM — each control once); score =
 *              IF(Σw=0, "N/A", MAX(0, MIN(cap, 100*Σw·r/Σw − deductions)))
 */

export interface WorkbookInput {
  data: AuditWorkbookData;
  locale: Locale;
  /** conflicts as of the base date; undefined = the SoD feature is absent (no sheet) */
  conflicts?: SodConflict[];
  /** approval-authority violations in the period, each with its message; undefined = no sheet */
  violations?: (ViolationReport & { message: string })[];
  /** duty code → name in `locale` (for conflicts) */
  dutyNames?: ReadonlyMap<string, string>;
  generatedAt?: Date;
  /** called every few hundred rows with the rows written so far and the total */
  onProgress?: (done: number, total: number) => void;
}

export const WORKBOOK_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// ── presentation ────────────────────────────────────────────────
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE4EE' } };
const SECTION_FONT: Partial<ExcelJS.Font> = { bold: true, size: 12, color: { argb: 'FF1F3864' } };
const HEADER_STYLE: Partial<ExcelJS.Style> = {
  font: { bold: true },
  fill: HEADER_FILL,
  alignment: { vertical: 'middle', wrapText: true },
  border: { bottom: { style: 'thin', color: { argb: 'FF8EA9DB' } } },
};
/** formulas are blue (the Summary note says so) */
const FORMULA_FONT: Partial<ExcelJS.Font> = { color: { argb: 'FF1F4E9E' } };
const SCORE_FMT = '0.00';
const WRAP: Partial<ExcelJS.Alignment> = { vertical: 'top', wrapText: true };
const TOP: Partial<ExcelJS.Alignment> = { vertical: 'top' };
const RED = 'FFF4CCCC';
const AMBER = 'FFFFE699';
const GREEN = 'FFC6EFCE';

function pageSetup(titleRows: string): Partial<ExcelJS.PageSetup> {
  return {
    orientation: 'landscape',
    paperSize: 9, // A4
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    printTitlesRow: titleRows,
    margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
  };
}

const quote = (sheet: string) => `'${sheet.replace(/'/g, "''")}'`;
const colLetter = (n: number) => {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
};

/** Red below 60, amber below 80, green from 80 — numbers only (N/A stays plain). */
function ragRules(ref: string, topLeft: string): ExcelJS.ConditionalFormattingOptions {
  const fill = (argb: string): ExcelJS.Style['fill'] => ({ type: 'pattern', pattern: 'solid', bgColor: { argb } });
  return {
    ref,
    rules: [
      { type: 'expression', priority: 1, formulae: [`AND(ISNUMBER(${topLeft}),${topLeft}<60)`], style: { fill: fill(RED) } },
      { type: 'expression', priority: 2, formulae: [`AND(ISNUMBER(${topLeft}),${topLeft}>=60,${topLeft}<80)`], style: { fill: fill(AMBER) } },
      { type: 'expression', priority: 3, formulae: [`AND(ISNUMBER(${topLeft}),${topLeft}>=80)`], style: { fill: fill(GREEN) } },
    ],
  } as ExcelJS.ConditionalFormattingOptions;
}

function dataBar(ref: string, max: number): ExcelJS.ConditionalFormattingOptions {
  return {
    ref,
    rules: [
      {
        type: 'dataBar',
        priority: 10,
        minLength: 0,
        maxLength: 100,
        cfvo: [
          { type: 'num', value: 0 },
          { type: 'num', value: max },
        ],
        color: { argb: 'FF5B9BD5' },
      },
    ],
  } as unknown as ExcelJS.ConditionalFormattingOptions;
}

// ── labels ──────────────────────────────────────────────────────
function labels(locale: Locale) {
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
type Labels = ReturnType<typeof labels>;

// ── the data, arranged ──────────────────────────────────────────
interface ScoreRow {
  /** the set's id (process or unit); null for the company */
  id: number | null;
  key: number | null;
  number: string;
  name: string;
  score: SetScore;
}

/** Everything the sheets need, computed once from the data object (no I/O). */
function arrange(data: AuditWorkbookData) {
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
type Arranged = ReturnType<typeof arrange>;

// ── sheet layouts (row numbers the formulas need) ───────────────
const CONTROLS_FIRST = 2; // header on row 1
const C = { number: 1, process: 2, step: 3, title: 4, level: 5, weight: 6, state: 7, r: 8, weighted: 9, tester: 10, evidence: 11, findings: 12, unit: 13, scoredWeight: 14, unitKey: 15 } as const;
const L = { key: 1, processNumber: 2, processTitle: 3, controlNumber: 4, controlTitle: 5, scoredWeight: 6, weighted: 7 } as const;
const F = { code: 1, nature: 2, severity: 3, title: 4, description: 5, rootCause: 6, controls: 7, process: 8, unit: 9, company: 10, owner: 11, due: 12, status: 13, closedOn: 14, open: 15, effect: 16 } as const;
/** Summary score tables: # | No. | name | controls | Σw·r | Σw | raw | deductions | cap | score | chart value (hidden) */
const S = { key: 1, number: 2, name: 3, controls: 4, sumWeighted: 5, sumWeight: 6, raw: 7, deductions: 8, cap: 9, score: 10, chart: 11 } as const;

const R_COL = colLetter(C.r);
const W_COL = colLetter(C.weight);

function range(sheet: string, col: number, first: number, last: number) {
  const c = colLetter(col);
  return `${quote(sheet)}!$${c}$${first}:$${c}$${Math.max(first, last)}`;
}

// ── writer ──────────────────────────────────────────────────────
const PACE = Number(process.env.WB_PACE ?? 256);

/**
 * Rows are serialised synchronously into the sheet's buffer; the zip (compression, output) runs
 * on the event loop. Yield regularly, and wait while the destination is full, so neither the
 * buffers nor a slow client make memory grow with the audit size.
 */
async function drain(stream: Writable): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  while (stream.writableNeedDrain && !stream.destroyed) await new Promise((resolve) => stream.once('drain', resolve));
}

/** Write the workbook to `stream` (ends it). Resolves when the zip is complete. */
export async function writeAuditWorkbook(input: WorkbookInput, stream: Writable): Promise<void> {
  const { data, locale } = input;
  const lb = labels(locale);
  const a = arrange(data);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false, zip: { zlib: { level: 6 } } });
  const parts = interceptParts(wb);
  const title = lb.t('workbook.properties.title', { audit: data.audit.name });
  Object.assign(wb, {
    creator: 'ControlBook',
    lastModifiedBy: 'ControlBook',
    created: input.generatedAt ?? new Date(),
    modified: input.generatedAt ?? new Date(),
    title,
    subject: lb.t('workbook.properties.subject'),
    keywords: lb.t('workbook.properties.keywords'),
    category: lb.t('workbook.properties.category'),
    description: `${data.manual.code} v${data.version.versionNo} · ${data.audit.periodFrom}–${data.audit.periodTo}`,
    language: locale,
  });
  parts.setCompany(data.organisationName);

  const total = data.controls.length + a.linkCount + data.findings.length + (input.conflicts?.length ?? 0) + (input.violations?.length ?? 0);
  let done = 0;
  /** count one row; true every PACE rows, when the caller should let the zip writer catch up */
  const tick = () => {
    done++;
    if (done % PACE !== 0) return false;
    input.onProgress?.(done, total);
    return true;
  };
  const pace = () => drain(stream);

  const controlsLast = CONTROLS_FIRST + data.controls.length - 1;
  const linksLast = 1 + a.linkCount;
  const findingsLast = 1 + data.findings.length;

  // Sheets are created in tab order, each committed before the next is written: the streaming
  // zip writes one part at a time, so an open sheet behind another would buffer in memory.
  await writeSummary(wb, parts, input, lb, a, { controlsLast, linksLast, findingsLast });
  await writeControls(wb, input, lb, a, tick, pace);
  await writeFindings(wb, input, lb, a, tick, pace);
  if (input.conflicts) await writeConflicts(wb, input, lb, input.conflicts, tick, pace);
  if (input.violations) await writeViolations(wb, lb, input.violations, tick, pace);
  await writeMethod(wb, input, lb);
  await writeLinks(wb, input, lb, a, tick, pace);
  await wb.commit();
  input.onProgress?.(total, total);
}

/** A style object shared by many cells: exceljs caches the style id per object, never mutate it. */
type SharedStyle = Readonly<Partial<ExcelJS.Style>>;
const PLAIN: SharedStyle = Object.freeze({});

/**
 * Add and commit a row whose cells take the shared style of their column. Giving every cell the
 * same style object lets exceljs reuse the style id (a WeakMap) instead of serialising each cell's
 * own copy — the difference between a styled and an unstyled write of 20,000 rows.
 */
function addStyledRow(ws: ExcelJS.Worksheet, values: ExcelJS.CellValue[], styles: readonly SharedStyle[]) {
  const row = ws.addRow(values);
  // the row's own style object too (exceljs gives each row a fresh {} and serialises it)
  (row as unknown as { style: SharedStyle }).style = PLAIN;
  const cells = (row as unknown as { _cells: (ExcelJS.Cell | undefined)[] })._cells;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell) cell.style = (styles[i] ?? PLAIN) as ExcelJS.Style;
  }
  row.commit();
}

function addHeader(ws: ExcelJS.Worksheet, headers: string[]) {
  const row = ws.addRow(headers);
  row.height = 30;
  row.eachCell((cell) => (cell.style = HEADER_STYLE));
  row.commit();
}

function sheetOptions(frozenRows: number, frozenCols = 0): Partial<ExcelJS.AddWorksheetOptions> {
  return { views: [{ state: 'frozen', xSplit: frozenCols, ySplit: frozenRows, activeCell: colLetter(frozenCols + 1) + String(frozenRows + 1) }] };
}

// ── Summary ─────────────────────────────────────────────────────
async function writeSummary(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  parts: ReturnType<typeof interceptParts>,
  input: WorkbookInput,
  lb: Labels,
  a: Arranged,
  last: { controlsLast: number; linksLast: number; findingsLast: number },
) {
  const { data } = input;
  const { audit, scores } = data;
  const name = lb.sheet.summary;
  const ws = wb.addWorksheet(name, {
    ...sheetOptions(1),
    pageSetup: pageSetup('1:1'),
    properties: { tabColor: { argb: 'FF1F4E9E' } },
  } as Partial<ExcelJS.AddWorksheetOptions>);
  ws.columns = [
    { width: 6 },
    { width: 16 },
    { width: 34 },
    { width: 10 },
    { width: 12 },
    { width: 10 },
    { width: 14 },
    { width: 10 },
    { width: 10 },
    { width: 12 },
    { width: 10, hidden: true },
  ];
  let r = 0;
  /** add a row; `merge` = [first, last] columns to merge (before the row is committed) */
  const put = (values: ExcelJS.CellValue[], style?: (row: ExcelJS.Row) => void, merge?: [number, number]) => {
    const row = ws.addRow(values);
    r = row.number;
    style?.(row);
    if (merge) ws.mergeCells(r, merge[0], r, merge[1]);
    row.commit();
    return row.number;
  };
  const blank = () => put([]);

  put(
    [safeText(lb.t('workbook.summary.heading'))],
    (row) => {
      row.getCell(1).font = { bold: true, size: 16 };
      row.height = 26;
    },
    [1, 10],
  );
  blank();

  // the facts block: label in B (merged A:B), value in C (merged C:J)
  const companyScoreRow = { current: 0 };
  const fact = (label: string, value: ExcelJS.CellValue, style?: (cell: ExcelJS.Cell) => void) => {
    return put(
      ['', safeText(label), value],
      (row) => {
        row.getCell(2).font = { bold: true };
        row.getCell(3).alignment = WRAP;
        style?.(row.getCell(3));
      },
      [3, 10],
    );
  };
  const conclusionWhy = scores.conclusion.reasons.length
    ? scores.conclusion.reasons
        .map((reason) => {
          const f = data.findings.find((x) => x.id === reason.findingId);
          return lb.t(reason.key, { finding: f ? `${f.code} ${f.title}` : String(reason.findingId) });
        })
        .join('\n')
    : lb.t('workbook.summary.noMajor');
  const processCount = a.processRows.length;
  const unitCount = a.unitRows.length;

  fact(lb.t('workbook.summary.organisation'), safeText(data.organisationName));
  fact(lb.t('workbook.summary.audit'), safeText(audit.name));
  fact(lb.t('workbook.summary.manual'), safeText(`${data.manual.code} ${data.manual.title}`));
  fact(
    lb.t('workbook.summary.version'),
    safeText(lb.t('workbook.summary.versionValue', { version: data.version.versionNo, date: data.version.publishedAt.slice(0, 10) })),
  );
  fact(lb.t('workbook.summary.period'), safeText(lb.t('workbook.summary.periodValue', { from: audit.periodFrom, to: audit.periodTo })));
  fact(lb.t('workbook.summary.baseDate'), audit.baseDate);
  fact(lb.t('workbook.summary.status'), safeText(`${lb.t(`workbook.statuses.${audit.status}`)} · ${lb.t('workbook.summary.revision')} ${audit.revision}`));
  fact(lb.t('workbook.summary.conclusion'), lb.t(scores.conclusion.effective ? 'scoring.conclusion.effective' : 'scoring.conclusion.ineffective'), (cell) => {
    cell.font = { bold: true, color: { argb: scores.conclusion.effective ? 'FF006100' : 'FF9C0006' } };
  });
  fact(lb.t('workbook.summary.conclusionWhy'), safeText(conclusionWhy));
  // filled in once the company row's number is known (it is: the layout below is fixed)
  const companyFactRow = r + 1;
  const tableHeader = [
    '#',
    lb.col('number'),
    lb.col('name'),
    lb.col('controls'),
    lb.col('sumWeighted'),
    lb.col('sumWeight'),
    lb.col('raw'),
    lb.col('deductions'),
    lb.col('cap'),
    lb.col('score'),
    lb.col('chartValue'),
  ];
  // company fact row, then: blank, section, header, company row
  const companyRow = companyFactRow + 4;
  companyScoreRow.current = companyRow;
  const scoreCol = colLetter(S.score);
  fact(lb.t('workbook.summary.companyScore'), formula(`${scoreCol}${companyRow}`, scores.company.value ?? lb.na), (cell) => {
    cell.font = { ...FORMULA_FONT, bold: true, size: 14 };
    cell.numFmt = SCORE_FMT;
    cell.alignment = { horizontal: 'left' };
  });
  blank();

  const section = (text: string) =>
    put(['', safeText(text)], (row) => {
      row.getCell(2).font = SECTION_FONT;
    });
  const header = () =>
    put(tableHeader, (row) => {
      row.height = 30;
      row.eachCell((cell) => (cell.style = HEADER_STYLE));
    });

  /** One score row: Σ formulas are passed in; the rest is the same for every set. */
  const scoreRow = (row: ScoreRow, sums: { weighted: string; weight: string }, chart: boolean) => {
    const n = r + 1;
    const ref = (c: number) => `${colLetter(c)}${n}`;
    const s = row.score;
    const values: ExcelJS.CellValue[] = [];
    values[S.key - 1] = row.key;
    values[S.number - 1] = safeText(row.number);
    values[S.name - 1] = safeText(row.name);
    values[S.controls - 1] = s.counts.controls;
    values[S.sumWeighted - 1] = formula(sums.weighted, s.weighted);
    values[S.sumWeight - 1] = formula(sums.weight, s.denominator);
    values[S.raw - 1] = formula(`IF(${ref(S.sumWeight)}=0,"${lb.na}",100*${ref(S.sumWeighted)}/${ref(S.sumWeight)})`, s.raw ?? lb.na);
    values[S.deductions - 1] = s.deductions;
    values[S.cap - 1] = s.cap;
    values[S.score - 1] = formula(
      `IF(${ref(S.sumWeight)}=0,"${lb.na}",MAX(0,MIN(IF(${ref(S.cap)}="",100,${ref(S.cap)}),100*${ref(S.sumWeighted)}/${ref(S.sumWeight)}-${ref(S.deductions)})))`,
      s.value ?? lb.na,
    );
    if (chart) values[S.chart - 1] = formula(`IF(ISNUMBER(${ref(S.score)}),${ref(S.score)},NA())`, s.value ?? { error: '#N/A' });
    return put(values, (xr) => {
      for (const c of [S.sumWeighted, S.sumWeight, S.raw, S.score, S.chart]) xr.getCell(c).font = FORMULA_FONT;
      for (const c of [S.raw, S.score, S.chart]) xr.getCell(c).numFmt = SCORE_FMT;
      xr.getCell(S.score).font = { ...FORMULA_FONT, bold: true };
      xr.getCell(S.name).alignment = WRAP;
    });
  };

  // company: every control once (the Controls sheet has one row per control)
  section(lb.t('workbook.summary.companyScore'));
  header();
  const cw = range(lb.sheet.controls, C.weighted, CONTROLS_FIRST, last.controlsLast);
  const cs = range(lb.sheet.controls, C.scoredWeight, CONTROLS_FIRST, last.controlsLast);
  const written = scoreRow({ id: null, key: null, number: '', name: data.organisationName, score: scores.company }, { weighted: `SUM(${cw})`, weight: `SUM(${cs})` }, false);
  if (written !== companyRow) throw new Error(`summary layout: company row ${written}, expected ${companyRow}`);
  const scoreRanges = [`${scoreCol}${companyRow}`];
  blank();

  // processes: over the links sheet (a shared control counts in each of its processes)
  section(lb.t('workbook.summary.processScores'));
  header();
  const firstProcessRow = r + 1;
  const lk = range(lb.sheet.links, L.key, 2, last.linksLast);
  const lw = range(lb.sheet.links, L.weighted, 2, last.linksLast);
  const ls = range(lb.sheet.links, L.scoredWeight, 2, last.linksLast);
  for (const p of a.processRows) {
    const key = `$${colLetter(S.key)}${r + 1}`;
    scoreRow(p, { weighted: `SUMIFS(${lw},${lk},${key})`, weight: `SUMIFS(${ls},${lk},${key})` }, true);
  }
  const lastProcessRow = r;
  if (processCount) scoreRanges.push(`${scoreCol}${firstProcessRow}:${scoreCol}${lastProcessRow}`);
  blank();

  // units: over the Controls sheet by unit # (each control once)
  section(lb.t('workbook.summary.unitScores'));
  header();
  const firstUnitRow = r + 1;
  const ck = range(lb.sheet.controls, C.unitKey, CONTROLS_FIRST, last.controlsLast);
  for (const u of a.unitRows) {
    const key = `$${colLetter(S.key)}${r + 1}`;
    scoreRow(u, { weighted: `SUMIFS(${cw},${ck},${key})`, weight: `SUMIFS(${cs},${ck},${key})` }, false);
  }
  if (unitCount) scoreRanges.push(`${scoreCol}${firstUnitRow}:${scoreCol}${r}`);
  blank();

  // deficiencies by severity: COUNTIFS over the Findings sheet
  section(lb.t('workbook.summary.deficiencies'));
  put(['', '', lb.col('severity'), lb.col('total'), lb.col('open')], (row) => {
    for (const c of [3, 4, 5]) row.getCell(c).style = HEADER_STYLE;
  });
  const fs = range(lb.sheet.findings, F.severity, 2, last.findingsLast);
  const fo = range(lb.sheet.findings, F.open, 2, last.findingsLast);
  for (const sev of FINDING_SEVERITIES) {
    const all = data.findings.filter((f) => f.severity === sev);
    const open = all.filter((f) => isOpenAt(f, audit.baseDate));
    const n = r + 1;
    put(
      ['', '', lb.severities[sev], formula(`COUNTIFS(${fs},$C${n})`, all.length), formula(`COUNTIFS(${fs},$C${n},${fo},"${lb.yes}")`, open.length)],
      (row) => {
        row.getCell(4).font = FORMULA_FONT;
        row.getCell(5).font = FORMULA_FONT;
        if (sev === 'major' && open.length) row.getCell(5).font = { ...FORMULA_FONT, bold: true, color: { argb: 'FF9C0006' } };
      },
    );
  }
  blank();

  if (data.scopeGaps.length) {
    section(lb.t('workbook.summary.scopeGaps'));
    for (const g of data.scopeGaps) put(['', safeText(g.number), safeText(g.title)]);
    blank();
  }
  put(
    ['', safeText(lb.t('workbook.summary.formulaNote'))],
    (row) => {
      row.getCell(2).font = { italic: true, color: { argb: 'FF595959' } };
    },
    [2, 10],
  );
  put(['', lb.t('workbook.summary.generatedAt'), (input.generatedAt ?? new Date()).toISOString().replace('T', ' ').slice(0, 19) + ' UTC']);

  for (const ref of scoreRanges) ws.addConditionalFormatting(ragRules(ref, ref.split(':')[0]!));

  if (processCount) {
    const chartRows = Math.max(16, Math.min(40, processCount + 8));
    addColumnChart(parts, ws, {
      title: lb.t('workbook.summary.chartTitle'),
      seriesName: lb.col('score'),
      categoriesRef: `${quote(name)}!$${colLetter(S.name)}$${firstProcessRow}:$${colLetter(S.name)}$${lastProcessRow}`,
      valuesRef: `${quote(name)}!$${colLetter(S.chart)}$${firstProcessRow}:$${colLetter(S.chart)}$${lastProcessRow}`,
      categories: a.processRows.map((p) => p.name),
      values: a.processRows.map((p) => p.score.value),
      from: { col: S.chart + 1, row: 2 },
      to: { col: S.chart + 1 + Math.max(8, Math.min(24, processCount * 1.2 + 4)), row: 2 + chartRows },
      valueMax: 100,
    });
  }
  ws.commit();
}

// ── Controls ────────────────────────────────────────────────────
async function writeControls(wb: ExcelJS.stream.xlsx.WorkbookWriter, input: WorkbookInput, lb: Labels, a: Arranged, tick: () => boolean, pace: () => Promise<void>) {
  const { data } = input;
  const headers = [
    lb.col('number'),
    lb.col('processes'),
    lb.col('step'),
    lb.col('title'),
    lb.col('level'),
    lb.col('weight'),
    lb.col('applicability'),
    lb.col('r'),
    lb.col('weighted'),
    lb.col('tester'),
    lb.col('evidence'),
    lb.col('findings'),
    lb.col('unit'),
    lb.col('scoredWeight'),
    '#',
  ];
  const lastCol = headers.length;
  const lastRow = CONTROLS_FIRST + data.controls.length - 1;
  const ws = wb.addWorksheet(lb.sheet.controls, {
    ...sheetOptions(1, 1),
    pageSetup: pageSetup('1:1'),
    autoFilter: `A1:${colLetter(lastCol)}${Math.max(1, lastRow)}`,
  } as Partial<ExcelJS.AddWorksheetOptions>);

  // one translation, filled in per row (i18next per row would cost more than the row itself)
  const evidenceTemplate = lb.t('workbook.evidenceStatus', { seen: '\u0001', total: '\u0002', missing: '\u0003' });
  const evidenceStatus = (seen: number, total: number, missing: number) =>
    evidenceTemplate.replace('\u0001', String(seen)).replace('\u0002', String(total)).replace('\u0003', String(missing));
  const noEvidence = lb.t('workbook.noEvidence');
  const processLabel = new Map([...a.processById.values()].map((p) => [p.id, `${p.number} ${p.title}`]));
  const stepLabel = new Map([...a.stepById.values()].map((s) => [s.id, `${s.number} ${s.title}`]));
  const labelsOf = (ids: readonly number[], labels: Map<number, string>) =>
    ids.length === 1 ? (labels.get(ids[0]!) ?? '') : ids.map((id) => labels.get(id)).filter(Boolean).join('\n');
  // texts first (one pass) so the column widths fit before the first row is written
  const rows = data.controls.map((c) => {
    const test = a.testByControl.get(c.id);
    const ev = test?.evidence ?? [];
    const evidence = ev.length
      ? evidenceStatus(ev.filter((e) => e.status === 'seen').length, ev.length, ev.filter((e) => e.status === 'missing').length)
      : noEvidence;
    return {
      c,
      test,
      processes: labelsOf(c.processIds, processLabel),
      steps: labelsOf(c.stepIds, stepLabel),
      evidence,
      findings: (a.findingsByControl.get(c.id) ?? []).map((f) => f.code).join(', '),
    };
  });
  const widths = new ColumnWidths(headers.map((h) => Math.min(12, h.length * 2)), 48);
  for (const x of rows) {
    widths.see(C.number - 1, x.c.number);
    widths.see(C.process - 1, x.processes);
    widths.see(C.step - 1, x.steps);
    widths.see(C.title - 1, x.c.title);
    widths.see(C.tester - 1, x.test?.testerName);
    widths.see(C.evidence - 1, x.evidence);
    widths.see(C.findings - 1, x.findings);
    widths.see(C.unit - 1, x.c.unitName);
  }
  const w = widths.get();
  ws.columns = headers.map((_, i) => ({ width: i + 1 === C.unitKey ? 5 : Math.max(w[i]!, i + 1 === C.title ? 24 : 0) }));
  // only the cells that need it carry a style (every `s` attribute is bytes to write and zip):
  // wrapped multi-line texts and formatted numbers
  const wrapTop: SharedStyle = Object.freeze({ alignment: WRAP });
  const styles = headers.map((_, i): SharedStyle => {
    const col = i + 1;
    if (col === C.r) return Object.freeze({ numFmt: SCORE_FMT });
    if (col === C.weighted) return Object.freeze({ numFmt: SCORE_FMT, font: FORMULA_FONT });
    if (col === C.scoredWeight) return Object.freeze({ numFmt: '0.####', font: FORMULA_FONT });
    if (col === C.weight) return Object.freeze({ numFmt: '0.####' });
    return col === C.process || col === C.step || col === C.title ? wrapTop : PLAIN;
  });
  addHeader(ws, headers);

  let n = CONTROLS_FIRST;
  for (const x of rows) {
    const { c, test } = x;
    const state = test?.state ?? 'not_tested';
    const r = state === 'tested' ? (test!.r ?? 0) : null;
    const rc = R_COL + n;
    const wc = W_COL + n;
    const values: ExcelJS.CellValue[] = [
      safeText(c.number),
      safeText(x.processes),
      safeText(x.steps),
      safeText(c.title),
      c.isKey ? lb.levels.key : lb.levels.general,
      c.weight,
      lb.states[state],
      r,
      formula(`IF(ISNUMBER(${rc}),${wc}*${rc},"")`, r == null ? '' : c.weight * r),
      safeText(test?.testerName),
      x.evidence,
      safeText(x.findings),
      safeText(c.unitName),
      formula(`IF(ISNUMBER(${rc}),${wc},0)`, r == null ? 0 : c.weight),
      c.unitId == null ? null : (a.unitKey.get(c.unitId) ?? null),
    ];
    addStyledRow(ws, values, styles);
    n++;
    if (tick()) await pace();
  }
  if (data.controls.length) {
    ws.addConditionalFormatting(dataBar(`${colLetter(C.r)}${CONTROLS_FIRST}:${colLetter(C.r)}${lastRow}`, 1));
  }
  ws.commit();
}

// ── Findings ────────────────────────────────────────────────────
async function writeFindings(wb: ExcelJS.stream.xlsx.WorkbookWriter, input: WorkbookInput, lb: Labels, a: Arranged, tick: () => boolean, pace: () => Promise<void>) {
  const { data } = input;
  const headers = [
    lb.col('code'),
    lb.col('nature'),
    lb.col('severity'),
    lb.col('title'),
    lb.col('description'),
    lb.col('rootCause'),
    lb.col('controlNumbers'),
    lb.col('process'),
    lb.col('unit'),
    lb.col('companyLevel'),
    lb.col('owner'),
    lb.col('dueDate'),
    lb.col('findingStatus'),
    lb.col('closedOn'),
    lb.col('openAtBase'),
    lb.col('effect'),
  ];
  headers[F.title - 1] = lb.col('name');
  const ws = wb.addWorksheet(lb.sheet.findings, {
    ...sheetOptions(1, 1),
    pageSetup: pageSetup('1:1'),
    autoFilter: `A1:${colLetter(headers.length)}${Math.max(1, data.findings.length + 1)}`,
  } as Partial<ExcelJS.AddWorksheetOptions>);
  const controlNumber = new Map(data.controls.map((c) => [c.id, c.number]));
  const unitName = new Map(data.units.map((u) => [u.id, u.name]));
  const rows = data.findings.map((f) => {
    const open = isOpenAt(f, data.audit.baseDate);
    const cap = FINDING_CAPS[f.severity];
    const effect = !open
      ? lb.t('workbook.effects.none')
      : [
          f.controlIds.length ? lb.t('workbook.effects.inR') : lb.t('workbook.effects.deduct', { points: FINDING_DEDUCTIONS[f.severity] }),
          cap == null ? null : lb.t('workbook.effects.cap', { cap }),
        ]
          .filter(Boolean)
          .join('; ');
    const process = f.processId == null ? '' : (() => {
      const p = a.processById.get(f.processId!);
      return p ? `${p.number} ${p.title}` : `#${f.processId}`;
    })();
    return {
      values: [
        safeText(f.code),
        lb.natures[f.nature],
        lb.severities[f.severity],
        safeText(f.title),
        safeText(f.description),
        safeText(f.rootCause),
        safeText(f.controlIds.map((id) => controlNumber.get(id) ?? `#${id}`).join(', ')),
        safeText(process),
        safeText(f.unitId == null ? '' : (unitName.get(f.unitId) ?? `#${f.unitId}`)),
        f.companyLevel ? lb.yes : lb.no,
        safeText(f.owner),
        f.dueDate,
        lb.findingStatuses[f.status],
        f.closedOn,
        open ? lb.yes : lb.no,
        effect,
      ] as ExcelJS.CellValue[],
      texts: [f.code, '', '', f.title, f.description, f.rootCause, '', process] as string[],
    };
  });
  const widths = new ColumnWidths(headers, 50);
  for (const x of rows) x.values.forEach((v, i) => widths.see(i, typeof v === 'string' ? v : (x.texts[i] ?? '')));
  const w = widths.get();
  ws.columns = headers.map((_, i) => ({ width: w[i] }));
  const wrapTop: SharedStyle = Object.freeze({ alignment: WRAP });
  const top: SharedStyle = Object.freeze({ alignment: TOP });
  const styles = headers.map((_, i) => ([F.title, F.description, F.rootCause, F.effect] as number[]).includes(i + 1) ? wrapTop : top);
  addHeader(ws, headers);
  for (const x of rows) {
    addStyledRow(ws, x.values, styles);
    if (tick()) await pace();
  }
  ws.commit();
}

// ── Incompatible duties ─────────────────────────────────────────
async function writeConflicts(wb: ExcelJS.stream.xlsx.WorkbookWriter, input: WorkbookInput, lb: Labels, conflicts: SodConflict[], tick: () => boolean, pace: () => Promise<void>) {
  const headers = ['risk', 'kind', 'rule', 'pair', 'positions', 'unit', 'person', 'conflictPeriod', 'title', 'conflictStatus', 'mitigation'].map(lb.col);
  const ws = wb.addWorksheet(lb.sheet.sod, {
    ...sheetOptions(1),
    pageSetup: pageSetup('1:1'),
    autoFilter: `A1:${colLetter(headers.length)}${Math.max(1, conflicts.length + 1)}`,
  } as Partial<ExcelJS.AddWorksheetOptions>);
  const duty = (code: string | null) => (code ? (input.dutyNames?.get(code) ?? code) : '');
  const rows = conflicts.map((c) => [
    lb.t(`sod.risks.${c.risk}`),
    lb.t(`sod.conflictKinds.${c.kind}`),
    safeText(c.ruleCode),
    safeText(c.dutyA && c.dutyB ? `${duty(c.dutyA)} ↔ ${duty(c.dutyB)}` : c.positions.map((p) => p.name).join(' ↔ ')),
    safeText(c.positions.map((p) => `${p.code} ${p.name}（${p.unitName}）`).join('\n')),
    safeText(c.unitName ?? ''),
    safeText([c.employeeNo, c.personName].filter(Boolean).join(' ')),
    c.from ? `${c.from} – ${c.to ?? '…'}` : '',
    safeText(c.controlTitle ?? ''),
    lb.t(`sod.statuses.${c.status}`),
    safeText(c.mitigation ? `${c.mitigation.mitigatingControl}（→ ${c.mitigation.expiresOn}）` : ''),
  ] as ExcelJS.CellValue[]);
  const widths = new ColumnWidths(headers, 50);
  for (const row of rows) row.forEach((v, i) => widths.see(i, typeof v === 'string' ? v : ((v as { richText?: { text: string }[] })?.richText?.[0]?.text ?? '')));
  const w = widths.get();
  ws.columns = headers.map((_, i) => ({ width: w[i] }));
  const styles = headers.map(() => Object.freeze({ alignment: WRAP }) as SharedStyle);
  addHeader(ws, headers);
  for (const row of rows) {
    addStyledRow(ws, row, styles);
    if (tick()) await pace();
  }
  ws.commit();
}

// ── Authority violations ────────────────────────────────────────
async function writeViolations(wb: ExcelJS.stream.xlsx.WorkbookWriter, lb: Labels, violations: (ViolationReport & { message: string })[], tick: () => boolean, pace: () => Promise<void>) {
  const headers = ['referenceNo', 'violation', 'matter', 'approvedOn', 'amount', 'requester', 'approver', 'delegator', 'delegate', 'message'].map(lb.col);
  const ws = wb.addWorksheet(lb.sheet.authority, {
    ...sheetOptions(1, 1),
    pageSetup: pageSetup('1:1'),
    autoFilter: `A1:${colLetter(headers.length)}${Math.max(1, violations.length + 1)}`,
  } as Partial<ExcelJS.AddWorksheetOptions>);
  const rows = violations.map((v) => [
    safeText(v.referenceNo),
    lb.t(`authority.violationKinds.${v.kind}`),
    safeText(`${v.matterCode} ${v.matterName}`),
    v.approvedOn,
    v.amount,
    safeText(v.requesterName),
    safeText(v.approverName),
    safeText(v.delegatorName ?? ''),
    safeText(v.delegateName ?? ''),
    safeText(v.message),
  ] as ExcelJS.CellValue[]);
  const widths = new ColumnWidths(headers, 60);
  for (const row of rows) row.forEach((v, i) => widths.see(i, typeof v === 'string' ? v : ''));
  const w = widths.get();
  ws.columns = headers.map((_, i) => ({ width: i === 9 ? 60 : w[i] }));
  const top: SharedStyle = Object.freeze({ alignment: TOP });
  const styles = headers.map((_, i): SharedStyle => (i === 4 ? Object.freeze({ numFmt: '#,##0.00', alignment: TOP }) : i === 9 ? Object.freeze({ alignment: WRAP }) : top));
  addHeader(ws, headers);
  for (const row of rows) {
    addStyledRow(ws, row, styles);
    if (tick()) await pace();
  }
  ws.commit();
}

// ── Method ──────────────────────────────────────────────────────
async function writeMethod(wb: ExcelJS.stream.xlsx.WorkbookWriter, input: WorkbookInput, lb: Labels) {
  const { data } = input;
  const ws = wb.addWorksheet(lb.sheet.method, { pageSetup: { ...pageSetup('1:1'), orientation: 'portrait' } } as Partial<ExcelJS.AddWorksheetOptions>);
  ws.columns = [{ width: 4 }, { width: 28 }, { width: 110, style: { alignment: WRAP } }];
  const put = (values: ExcelJS.CellValue[], style?: (row: ExcelJS.Row) => void) => {
    const row = ws.addRow(values);
    style?.(row);
    row.commit();
  };
  const heading = (text: string) => put(['', text], (row) => (row.getCell(2).font = SECTION_FONT));
  put([lb.t('workbook.method.heading')], (row) => (row.getCell(1).font = { bold: true, size: 16 }));
  put([]);
  for (let i = 1; i <= 8; i++) put([i, '', lb.t(`workbook.method.rules.r${i}`)]);
  put([]);

  heading(lb.t('workbook.method.weightsHeading'));
  put(['', '', lb.t('workbook.method.weightsDefault')]);
  for (const level of ['key', 'general'] as const) {
    const cs = data.controls.filter((c) => c.isKey === (level === 'key'));
    const values = [...new Set(cs.map((c) => c.weight))].sort((x, y) => x - y);
    put(['', lb.levels[level], lb.t('workbook.method.weightsLine', { level: lb.levels[level], count: cs.length, sum: cs.reduce((s, c) => s + c.weight, 0), values: values.join(', ') || '—' })]);
  }
  put([]);

  heading(lb.t('workbook.method.sampleHeading'));
  put(['', lb.col('frequency'), lb.col('sampleSize')], (row) => {
    row.getCell(2).style = HEADER_STYLE;
    row.getCell(3).style = HEADER_STYLE;
  });
  const sizes = data.audit.sampleSizes;
  for (const f of FREQUENCIES) put(['', lb.t(`frequencies.${f}`), sizes[f]], (row) => (row.getCell(3).alignment = { horizontal: 'left' }));
  put(['', lb.t('workbook.method.automated'), sizes.automated], (row) => (row.getCell(3).alignment = { horizontal: 'left' }));
  put([]);

  heading(lb.t('workbook.method.formulasHeading'));
  for (let i = 1; i <= 4; i++) put([i, '', lb.t(`workbook.method.formulas.f${i}`)]);
  ws.commit();
}

// ── Process links ───────────────────────────────────────────────
async function writeLinks(wb: ExcelJS.stream.xlsx.WorkbookWriter, input: WorkbookInput, lb: Labels, a: Arranged, tick: () => boolean, pace: () => Promise<void>) {
  const { data } = input;
  const headers = ['#', lb.col('number'), lb.col('process'), lb.col('number'), lb.col('title'), lb.col('scoredWeight'), lb.col('weighted')];
  const ws = wb.addWorksheet(lb.sheet.links, {
    ...sheetOptions(1),
    pageSetup: pageSetup('1:1'),
    autoFilter: `A1:G${Math.max(1, a.linkCount + 1)}`,
  } as Partial<ExcelJS.AddWorksheetOptions>);
  const processNameWidth = Math.min(40, Math.max(12, ...a.processRows.map((p) => p.name.length * 2)));
  ws.columns = [{ width: 6 }, { width: 10 }, { width: processNameWidth }, { width: 12 }, { width: 40 }, { width: 12 }, { width: 12 }];
  const styles: SharedStyle[] = [PLAIN, PLAIN, PLAIN, PLAIN, PLAIN, Object.freeze({ numFmt: '0.####', font: FORMULA_FONT }), Object.freeze({ numFmt: SCORE_FMT, font: FORMULA_FONT })];
  addHeader(ws, headers);
  const controls = quote(lb.sheet.controls);
  const scoredRef = `${controls}!${colLetter(C.scoredWeight)}`;
  const weightedRef = `${controls}!${colLetter(C.weighted)}`;
  const processRowById = new Map(a.processRows.map((p) => [p.id!, p]));
  const pNumber = new Map(a.processRows.map((p) => [p, safeText(p.number)]));
  const pName = new Map(a.processRows.map((p) => [p, safeText(p.name)]));
  let controlRow = CONTROLS_FIRST;
  for (const c of data.controls) {
    const cNumber = safeText(c.number);
    const cTitle = safeText(c.title);
    const test = a.testByControl.get(c.id);
    const r = test?.state === 'tested' ? (test.r ?? 0) : null;
    for (const pid of c.processIds) {
      const p = processRowById.get(pid);
      if (!p) continue;
      addStyledRow(
        ws,
        [
          p.key,
          pNumber.get(p)!,
          pName.get(p)!,
          cNumber,
          cTitle,
          formula(scoredRef + controlRow, r == null ? 0 : c.weight),
          formula(weightedRef + controlRow, r == null ? '' : c.weight * r),
        ],
        styles,
      );
      if (tick()) await pace();
    }
    controlRow++;
  }
  ws.commit();
}
