import ExcelJS from 'exceljs';


/** Evaluation workbook: shared presentation (fills, fonts, conditional formats, page setup) and row writers. */

// ── presentation ────────────────────────────────────────────────
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE4EE' } };
export const SECTION_FONT: Partial<ExcelJS.Font> = { bold: true, size: 12, color: { argb: 'FF1F3864' } };
export const HEADER_STYLE: Partial<ExcelJS.Style> = {
  font: { bold: true },
  fill: HEADER_FILL,
  alignment: { vertical: 'middle', wrapText: true },
  border: { bottom: { style: 'thin', color: { argb: 'FF8EA9DB' } } },
};
/** formulas are blue (the Summary note says so) */
export const FORMULA_FONT: Partial<ExcelJS.Font> = { color: { argb: 'FF1F4E9E' } };
export const SCORE_FMT = '0.00';
export const WRAP: Partial<ExcelJS.Alignment> = { vertical: 'top', wrapText: true };
export const TOP: Partial<ExcelJS.Alignment> = { vertical: 'top' };
const RED = 'FFF4CCCC';
const AMBER = 'FFFFE699';
const GREEN = 'FFC6EFCE';

export function pageSetup(titleRows: string): Partial<ExcelJS.PageSetup> {
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

export const quote = (sheet: string) => `'${sheet.replace(/'/g, "''")}'`;
export const colLetter = (n: number) => {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
};

/** Red below 60, amber below 80, green from 80 — numbers only (N/A stays plain). */
export function ragRules(ref: string, topLeft: string): ExcelJS.ConditionalFormattingOptions {
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

export function dataBar(ref: string, max: number): ExcelJS.ConditionalFormattingOptions {
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

/** A style object shared by many cells: exceljs caches the style id per object, never mutate it. */
export type SharedStyle = Readonly<Partial<ExcelJS.Style>>;
export const PLAIN: SharedStyle = Object.freeze({});

/**
 * Add and commit a row whose cells take the shared style of their column. Giving every cell the
 * same style object lets exceljs reuse the style id (a WeakMap) instead of serialising each cell's
 * own copy — the difference between a styled and an unstyled write of 20,000 rows.
 */
export function addStyledRow(ws: ExcelJS.Worksheet, values: ExcelJS.CellValue[], styles: readonly SharedStyle[]) {
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

export function addHeader(ws: ExcelJS.Worksheet, headers: string[]) {
  const row = ws.addRow(headers);
  row.height = 30;
  row.eachCell((cell) => (cell.style = HEADER_STYLE));
  row.commit();
}

export function sheetOptions(frozenRows: number, frozenCols = 0): Partial<ExcelJS.AddWorksheetOptions> {
  return { views: [{ state: 'frozen', xSplit: frozenCols, ySplit: frozenRows, activeCell: colLetter(frozenCols + 1) + String(frozenRows + 1) }] };
}
