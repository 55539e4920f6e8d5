import ExcelJS from 'exceljs';
import type { ViolationReport } from '../../../shared/authority.ts';
import { ColumnWidths, safeText } from '../cells.ts';
import type { Labels } from './layout.ts';
import { type SharedStyle, TOP, WRAP, addHeader, addStyledRow, colLetter, pageSetup, sheetOptions } from './style.ts';

/** Evaluation workbook: the Authority violations sheet. */

// ── Authority violations ────────────────────────────────────────
export async function writeViolations(wb: ExcelJS.stream.xlsx.WorkbookWriter, lb: Labels, violations: (ViolationReport & { message: string })[], tick: () => boolean, pace: () => Promise<void>) {
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
