import ExcelJS from 'exceljs';
import { FREQUENCIES } from '../../../shared/controls.ts';
import type { WorkbookInput } from '../audit-workbook.ts';
import type { Labels } from './layout.ts';
import { HEADER_STYLE, SECTION_FONT, WRAP, pageSetup } from './style.ts';

/** Evaluation workbook: the Method sheet. */

// ── Method ──────────────────────────────────────────────────────
export async function writeMethod(wb: ExcelJS.stream.xlsx.WorkbookWriter, input: WorkbookInput, lb: Labels) {
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
