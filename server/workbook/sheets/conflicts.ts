import ExcelJS from 'exceljs';
import type { SodConflict } from '../../../shared/sod.ts';
import { ColumnWidths, safeText } from '../cells.ts';
import type { WorkbookInput } from '../audit-workbook.ts';
import type { Labels } from './layout.ts';
import { type SharedStyle, WRAP, addHeader, addStyledRow, colLetter, pageSetup, sheetOptions } from './style.ts';

/** Evaluation workbook: the Incompatible duties sheet. */

// ── Incompatible duties ─────────────────────────────────────────
export async function writeConflicts(wb: ExcelJS.stream.xlsx.WorkbookWriter, input: WorkbookInput, lb: Labels, conflicts: SodConflict[], tick: () => boolean, pace: () => Promise<void>) {
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
