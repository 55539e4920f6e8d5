import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { AuditWorkbookData } from '../../shared/audits.ts';
import type { Locale } from '../../shared/auth.ts';
import type { SodConflict } from '../../shared/sod.ts';
import type { ViolationReport } from '../../shared/authority.ts';
import { interceptParts } from './chart.ts';
import { writeConflicts } from './sheets/conflicts.ts';
import { writeControls } from './sheets/controls.ts';
import { writeFindings } from './sheets/findings.ts';
import { CONTROLS_FIRST, arrange, labels } from './sheets/layout.ts';
import { writeLinks } from './sheets/links.ts';
import { writeMethod } from './sheets/method.ts';
import { writeSummary } from './sheets/summary.ts';
import { writeViolations } from './sheets/violations.ts';

/**
 * The evaluation workbook (issue 7): Summary (scores as live formulas with cached results, a
 * native chart), Controls, Findings, Incompatible duties, Authority violations, Method and the
 * Process links sheet the process formulas sum. Streamed with exceljs's WorkbookWriter, one
 * worksheet committed before the next starts, so memory stays flat for large audits.
 *
 * Scores follow docs/design.md §3.4 exactly as shared/scoring computes them (the cached results are the
 * ScoreReport's numbers; LibreOffice recalculation is tested to agree):
 *   Controls:  scored weight = IF(ISNUMBER(r), w, 0); weighted = IF(ISNUMBER(r), w*r, "")
 *   Links:     one row per (process, control) link, pointing at the control's Controls row
 *   Summary:   Σw·r and Σw by SUMIFS over Links (process, by process #) or Controls (unit, by
 *              unit #; company: SUM — each control once); score =
 *              IF(Σw=0, "N/A", MAX(0, MIN(cap, 100*Σw·r/Σw − deductions)))
 */

export interface WorkbookInput {
  data: AuditWorkbookData;
  locale: Locale;
  /** conflicts as of the base date; undefined = the SoD feature is absent (no sheet) */
  conflicts?: SodConflict[];
  /** approval-authority violations in the period, each with its message; undefined = no sheet */
  violations?: (ViolationReport & { message: string })[];
  /** duty code → name in `locale` (for conflicts) */
  dutyNames?: ReadonlyMap<string, string>;
  generatedAt?: Date;
  /** called every few hundred rows with the rows written so far and the total */
  onProgress?: (done: number, total: number) => void;
}

export const WORKBOOK_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// ── writer ──────────────────────────────────────────────────────
const PACE = Number(process.env.WB_PACE ?? 256);

/**
 * Rows are serialised synchronously into the sheet's buffer; the zip (compression, output) runs
 * on the event loop. Yield regularly, and wait while the destination is full, so neither the
 * buffers nor a slow client make memory grow with the audit size.
 */
async function drain(stream: Writable): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  while (stream.writableNeedDrain && !stream.destroyed) await new Promise((resolve) => stream.once('drain', resolve));
}

/** Write the workbook to `stream` (ends it). Resolves when the zip is complete. */
export async function writeAuditWorkbook(input: WorkbookInput, stream: Writable): Promise<void> {
  const { data, locale } = input;
  const lb = labels(locale);
  const a = arrange(data);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false, zip: { zlib: { level: 6 } } });
  const parts = interceptParts(wb);
  const title = lb.t('workbook.properties.title', { audit: data.audit.name });
  Object.assign(wb, {
    creator: 'ControlBook',
    lastModifiedBy: 'ControlBook',
    created: input.generatedAt ?? new Date(),
    modified: input.generatedAt ?? new Date(),
    title,
    subject: lb.t('workbook.properties.subject'),
    keywords: lb.t('workbook.properties.keywords'),
    category: lb.t('workbook.properties.category'),
    description: `${data.manual.code} v${data.version.versionNo} · ${data.audit.periodFrom}–${data.audit.periodTo}`,
    language: locale,
  });
  parts.setCompany(data.organisationName);

  const total = data.controls.length + a.linkCount + data.findings.length + (input.conflicts?.length ?? 0) + (input.violations?.length ?? 0);
  let done = 0;
  /** count one row; true every PACE rows, when the caller should let the zip writer catch up */
  const tick = () => {
    done++;
    if (done % PACE !== 0) return false;
    input.onProgress?.(done, total);
    return true;
  };
  const pace = () => drain(stream);

  const controlsLast = CONTROLS_FIRST + data.controls.length - 1;
  const linksLast = 1 + a.linkCount;
  const findingsLast = 1 + data.findings.length;

  // Sheets are created in tab order, each committed before the next is written: the streaming
  // zip writes one part at a time, so an open sheet behind another would buffer in memory.
  await writeSummary(wb, parts, input, lb, a, { controlsLast, linksLast, findingsLast });
  await writeControls(wb, input, lb, a, tick, pace);
  await writeFindings(wb, input, lb, a, tick, pace);
  if (input.conflicts) await writeConflicts(wb, input, lb, input.conflicts, tick, pace);
  if (input.violations) await writeViolations(wb, lb, input.violations, tick, pace);
  await writeMethod(wb, input, lb);
  await writeLinks(wb, input, lb, a, tick, pace);
  await wb.commit();
  input.onProgress?.(total, total);
}
