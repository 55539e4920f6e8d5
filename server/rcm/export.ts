import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Executor } from '../db/connect.ts';
import { getTree } from '../manual/service.ts';
import { snapshotControls } from '../controls/service.ts';
import * as controlQ from '../controls/queries.ts';
import { translate } from '../i18n.ts';
import { EVIDENCE_TYPES } from '../../shared/controls.ts';
import { RCM_FIELDS, type RcmField } from '../../shared/rcm.ts';
import type { Locale } from '../../shared/auth.ts';
import { ColumnWidths, safeText } from '../workbook/cells.ts';

/**
 * A manual's control matrix as .xlsx, in the columns the import reads (export → import
 * round-trips): one row per process, step and control in document order. Decimal manuals keep
 * their own numbers; regulation-style numbers (第一条, （一）) say nothing about nesting, so those
 * matrices are numbered 1, 1.1, 1.1.1 within the sheet.
 */

type Exported = { id: number; kind: 'process' | 'step' | 'control'; title: string; status: string | null; parentId: number | null; number: string };

export async function writeRcmWorkbook(db: Executor, manualId: number, locale: Locale, stream: Writable): Promise<void> {
  const t = (key: string, params?: Record<string, unknown>) => translate(locale, key, params);
  const { manual, nodes } = await getTree(db, manualId);
  const controls = await snapshotControls(db, manualId);
  const [positions, duties, custom] = await Promise.all([
    db.selectFrom('position').select(['id', 'code', 'name']).execute(),
    db.selectFrom('duty_category').select(['code', 'name_zh as nameZh', 'name_en as nameEn']).execute(),
    controlQ.customEvidenceTypes(db, manualId),
  ]);
  const nameCount = new Map<string, number>();
  for (const p of positions) nameCount.set(p.name, (nameCount.get(p.name) ?? 0) + 1);
  // the position's name when it is unambiguous, else its code (the import takes either)
  const positionText = new Map(positions.map((p) => [p.id, nameCount.get(p.name) === 1 ? p.name : p.code]));
  const dutyName = new Map(duties.map((d) => [d.code, locale === 'en' ? d.nameEn : d.nameZh]));
  const customName = new Map(custom.map((c) => [c.code, c.name]));
  const evidenceName = (code: string) => ((EVIDENCE_TYPES as readonly string[]).includes(code) ? t(`evidenceTypes.${code}`) : (customName.get(code) ?? code));
  const sep = locale === 'en' ? ', ' : '、';

  const kept = nodes.filter((n) => n.kind === 'process' || n.kind === 'step' || n.kind === 'control');
  const keptIds = new Set(kept.map((n) => n.id));
  const exported: Exported[] = [];
  if (manual.numberingStyle === 'decimal') {
    for (const n of kept) exported.push({ id: n.id, kind: n.kind as Exported['kind'], title: n.title, status: n.status, parentId: n.parentId, number: n.number });
  } else {
    const counters = new Map<number | null, number>();
    const numberOf = new Map<number, string>();
    for (const n of kept) {
      const parent = n.parentId != null && keptIds.has(n.parentId) ? n.parentId : null;
      const i = (counters.get(parent) ?? 0) + 1;
      counters.set(parent, i);
      const number = parent == null ? String(i) : `${numberOf.get(parent)}.${i}`;
      numberOf.set(n.id, number);
      exported.push({ id: n.id, kind: n.kind as Exported['kind'], title: n.title, status: n.status, parentId: n.parentId, number });
    }
  }
  const numberById = new Map(exported.map((e) => [e.id, e.number]));

  const rows = exported.map((e): (string | number | null)[] => {
    const cells: Partial<Record<RcmField, string | number | null>> = { number: e.number, [e.kind]: e.title };
    if (e.kind === 'process' && e.status) cells.status = t(`processStatuses.${e.status}`);
    const c = e.kind === 'control' ? controls.get(e.id) : undefined;
    if (c) {
      Object.assign(cells, {
        key: t(c.isKey ? 'rcm.keyWord' : 'rcm.generalWord'),
        weight: c.weight,
        frequency: t(`frequencies.${c.frequency}`),
        owner: c.ownerPositionId == null ? null : (positionText.get(c.ownerPositionId) ?? null),
        evidence: c.evidenceTypes.map(evidenceName).join(sep),
        objective: c.objective,
        risk: c.risk,
        inspection: c.inspections.map((i) => `${t(`inspectionMethods.${i.method}`)}：${i.procedure}`.replace(/：$/, '')).join('\n'),
        nature: t(`controlNatures.${c.nature}`),
        automation: t(`automations.${c.automation}`),
        scoringMethod: t(`scoringMethods.${c.scoringMethod}`),
        tolerance: c.tolerance,
        element: t(`elements.${c.element}`),
        checkedDuty: c.checkedDuty ? (dutyName.get(c.checkedDuty) ?? c.checkedDuty) : null,
        alsoIn: c.linkedHostIds.map((h) => numberById.get(h)).filter(Boolean).join(', '),
      });
    }
    return RCM_FIELDS.map((f) => cells[f] ?? null);
  });

  const headers = RCM_FIELDS.map((f) => t(`rcm.columns.${f}`));
  const widths = new ColumnWidths(headers, 50);
  for (const r of rows) r.forEach((v, i) => widths.see(i, typeof v === 'string' ? v : v == null ? '' : String(v)));
  const w = widths.get();

  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  Object.assign(wb, { creator: 'ControlBook', title: `${manual.code} ${manual.title}`, subject: t('rcm.sheet'), created: new Date() });
  const ws = wb.addWorksheet(t('rcm.sheet'), {
    views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }],
    autoFilter: `A1:${String.fromCharCode(64 + RCM_FIELDS.length)}${Math.max(1, rows.length + 1)}`,
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1', paperSize: 9 },
  } as Partial<ExcelJS.AddWorksheetOptions>);
  ws.columns = RCM_FIELDS.map((f, i) => ({ width: f === 'objective' || f === 'risk' || f === 'inspection' ? Math.min(w[i]!, 40) : w[i] }));
  const header = ws.addRow(headers);
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE4EE' } };
    cell.alignment = { vertical: 'middle', wrapText: true };
  });
  header.commit();
  const wrap: Partial<ExcelJS.Style> = { alignment: { vertical: 'top', wrapText: true } };
  const bold: Partial<ExcelJS.Style> = { font: { bold: true }, alignment: { vertical: 'top' } };
  let n = 0;
  for (const r of rows) {
    const row = ws.addRow(r.map((v) => (typeof v === 'string' ? safeText(v) : v)));
    const isControl = r[RCM_FIELDS.indexOf('control')] != null;
    row.eachCell((cell) => (cell.style = (isControl ? wrap : bold) as ExcelJS.Style));
    row.commit();
    if (++n % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  ws.commit();
  await wb.commit();
}
