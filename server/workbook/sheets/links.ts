import ExcelJS from 'exceljs';
import { formula, safeText } from '../cells.ts';
import type { WorkbookInput } from '../audit-workbook.ts';
import { type Arranged, C, CONTROLS_FIRST, type Labels } from './layout.ts';
import { FORMULA_FONT, PLAIN, SCORE_FMT, type SharedStyle, addHeader, addStyledRow, colLetter, pageSetup, quote, sheetOptions } from './style.ts';

/** Evaluation workbook: the Process links sheet the process formulas sum. */

// ── Process links ───────────────────────────────────────────────
export async function writeLinks(wb: ExcelJS.stream.xlsx.WorkbookWriter, input: WorkbookInput, lb: Labels, a: Arranged, tick: () => boolean, pace: () => Promise<void>) {
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
