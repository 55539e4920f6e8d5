import type ExcelJS from 'exceljs';

/**
 * How values go into workbook cells. `safeText` is the one way a user-supplied string enters a
 * cell: text that a spreadsheet could take for a formula (leading =, +, -, @, tab or CR — the
 * CSV/Excel injection characters) is written as an inline rich-text string, which no reader
 * evaluates and which stays a literal string when the user edits the cell. Other strings are
 * plain (shared) strings: also never formulas, and cheaper.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** Excel refuses cell text over this many characters. */
export const EXCEL_MAX_CELL_CHARS = 32_767;

export function looksLikeFormula(text: string): boolean {
  return FORMULA_START.test(text);
}

/** A user string as a cell value that can never be a formula (null/empty → empty cell). */
export function safeText(text: string | null | undefined): ExcelJS.CellValue {
  if (text == null || text === '') return null;
  const clipped = text.length > EXCEL_MAX_CELL_CHARS ? `${text.slice(0, EXCEL_MAX_CELL_CHARS - 1)}…` : text;
  return looksLikeFormula(clipped) ? { richText: [{ text: clipped }] } : clipped;
}

/** A formula cell with its cached result, so readers show numbers before recalculating. */
export function formula(expression: string, result: number | string | null | ExcelJS.CellErrorValue): ExcelJS.CellFormulaValue {
  return { formula: expression, result: (result ?? undefined) as ExcelJS.CellFormulaValue['result'] };
}

const WIDE = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/;

/** Display width in Excel character units: CJK and full-width characters count as 2. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += WIDE.test(ch) ? 2 : 1;
  return width;
}

/** Tracks the widest text per column (longest line of multi-line text) to size the columns. */
export class ColumnWidths {
  private readonly widths: number[];
  /** the last text seen per column: neighbouring rows often repeat it (same process, same unit) */
  private readonly last: (string | undefined)[] = [];
  constructor(
    initial: readonly (string | number)[],
    private readonly max = 60,
    private readonly min = 6,
  ) {
    this.widths = initial.map((h) => (typeof h === 'number' ? h : displayWidth(h)));
  }

  see(column: number, text: string | null | undefined): void {
    if (!text) return;
    const current = this.widths[column] ?? 0;
    // a string is at most twice its length wide: most cells can be skipped without measuring
    if (current >= this.max || text.length * 2 <= current || this.last[column] === text) return;
    this.last[column] = text;
    // long cells wrap: sampling the first 200 characters is enough to hit the cap
    const sample = text.length > 200 ? text.slice(0, 200) : text;
    let w = 0;
    for (const line of sample.split('\n')) w = Math.max(w, displayWidth(line));
    if (w > (this.widths[column] ?? 0)) this.widths[column] = w;
  }

  /** Column widths with a little padding, between min and max. */
  get(): number[] {
    return this.widths.map((w) => Math.min(this.max, Math.max(this.min, w + 2)));
  }
}
