import ExcelJS from 'exceljs';
import { isOpenAt, FINDING_CAPS, FINDING_DEDUCTIONS } from '../../../shared/scoring.ts';
import { ColumnWidths, safeText } from '../cells.ts';
import type { WorkbookInput } from '../audit-workbook.ts';
import { type Arranged, F, type Labels } from './layout.ts';
import { type SharedStyle, TOP, WRAP, addHeader, addStyledRow, colLetter, pageSetup, sheetOptions } from './style.ts';

/** Evaluation workbook: the Findings sheet. */

// ── Findings ────────────────────────────────────────────────────
export async function writeFindings(wb: ExcelJS.stream.xlsx.WorkbookWriter, input: WorkbookInput, lb: Labels, a: Arranged, tick: () => boolean, pace: () => Promise<void>) {
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
