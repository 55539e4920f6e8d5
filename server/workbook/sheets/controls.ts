import ExcelJS from 'exceljs';
import { ColumnWidths, formula, safeText } from '../cells.ts';
import type { WorkbookInput } from '../audit-workbook.ts';
import { type Arranged, C, CONTROLS_FIRST, type Labels, R_COL, W_COL } from './layout.ts';
import { FORMULA_FONT, PLAIN, SCORE_FMT, type SharedStyle, WRAP, addHeader, addStyledRow, colLetter, dataBar, pageSetup, sheetOptions } from './style.ts';

/** Evaluation workbook: the Controls sheet. */

// ── Controls ────────────────────────────────────────────────────
export async function writeControls(wb: ExcelJS.stream.xlsx.WorkbookWriter, input: WorkbookInput, lb: Labels, a: Arranged, tick: () => boolean, pace: () => Promise<void>) {
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
