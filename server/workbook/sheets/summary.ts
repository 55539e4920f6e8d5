import ExcelJS from 'exceljs';
import { isOpenAt, FINDING_SEVERITIES } from '../../../shared/scoring.ts';
import { formula, safeText } from '../cells.ts';
import { addColumnChart, interceptParts } from '../chart.ts';
import type { WorkbookInput } from '../audit-workbook.ts';
import { type Arranged, C, CONTROLS_FIRST, F, L, type Labels, S, type ScoreRow, range } from './layout.ts';
import { FORMULA_FONT, HEADER_STYLE, SCORE_FMT, SECTION_FONT, WRAP, colLetter, pageSetup, quote, ragRules, sheetOptions } from './style.ts';

/** Evaluation workbook: the Summary sheet (score tables as live formulas, the chart). */

// ── Summary ─────────────────────────────────────────────────────
export async function writeSummary(
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
