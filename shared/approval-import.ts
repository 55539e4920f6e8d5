/**
 * Approval-record import: which column is which (Chinese or English headers), and how one cell
 * becomes an amount or a date. Pure; the server streams the file and resolves people and matters.
 */

export const IMPORT_FIELDS = [
  'matter',
  'referenceNo',
  'requester',
  'approver',
  'amount',
  'approvedOn',
  'executedOn',
  'vendor',
  'minutesRef',
  'delegation',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
export const REQUIRED_FIELDS: ImportField[] = ['matter', 'referenceNo', 'requester', 'approver', 'approvedOn'];

/** Header spellings per field, compared after normalising (lower case, no spaces, no punctuation). */
const ALIASES: Record<ImportField, string[]> = {
  matter: ['事项', '审批事项', '事项编码', 'matter', 'mattercode'],
  referenceNo: ['单号', '编号', '单据号', '单据编号', '审批单号', 'reference', 'referenceno', 'referencenumber', 'ref', 'refno'],
  requester: ['申请人', '经办人', 'requester', 'requestedby', 'applicant'],
  approver: ['审批人', '批准人', 'approver', 'approvedby'],
  amount: ['金额', '数量', '天数', 'amount', 'quantity', 'days'],
  approvedOn: ['审批日期', '批准日期', 'approvedon', 'approvaldate', 'dateapproved'],
  executedOn: ['执行日期', '付款日期', '办理日期', 'executedon', 'executiondate', 'dateexecuted'],
  vendor: ['供应商', '收款方', '对方单位', 'vendor', 'supplier', 'payee'],
  minutesRef: ['会议纪要', '纪要编号', '会议纪要编号', 'minutes', 'minutesref', 'minutesreference'],
  delegation: ['授权委托', '委托编号', '授权委托编号', 'delegation', 'viadelegation', 'delegationid'],
};

export function normaliseHeader(text: string): string {
  return toHalfWidth(text)
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[\s_\-./()（）:：*#]+/g, '');
}

const aliasToField = new Map<string, ImportField>();
for (const field of IMPORT_FIELDS) for (const alias of ALIASES[field]) aliasToField.set(normaliseHeader(alias), field);

export interface HeaderMapping {
  /** field → 0-based column index */
  columns: Partial<Record<ImportField, number>>;
  missing: ImportField[];
  /** header texts that map to no field (ignored) */
  ignored: string[];
  /** a field named by two columns */
  duplicates: ImportField[];
}

export function mapHeaders(headers: string[]): HeaderMapping {
  const columns: Partial<Record<ImportField, number>> = {};
  const ignored: string[] = [];
  const duplicates: ImportField[] = [];
  headers.forEach((h, i) => {
    const text = h.trim();
    if (!text) return;
    const field = aliasToField.get(normaliseHeader(text));
    if (!field) ignored.push(text);
    else if (columns[field] != null) duplicates.push(field);
    else columns[field] = i;
  });
  return { columns, missing: REQUIRED_FIELDS.filter((f) => columns[f] == null), ignored, duplicates };
}

/** Full-width digits, letters and punctuation (as typed with a Chinese IME) → ASCII. */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/** A cell as it comes from CSV (text) or Excel (number, Date, text). */
export type Cell = string | number | boolean | Date | null | undefined;

export function cellText(cell: Cell): string {
  if (cell == null) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell).trim();
}

/**
 * An amount: "1,234.50", "¥1 234.5", "１２３４" or an Excel number. At most two decimals,
 * never negative. Returns null for a blank cell, undefined when malformed.
 */
export function parseAmount(cell: Cell): number | null | undefined {
  if (cell == null || cell === '') return null;
  // at most 1e15, as for text: the column is numeric(18, 2)
  if (typeof cell === 'number') return Number.isFinite(cell) && cell >= 0 && cell <= 1e15 && Math.abs(cell * 100 - Math.round(cell * 100)) < 1e-6 ? cell : undefined;
  if (typeof cell !== 'string') return undefined;
  const text = toHalfWidth(cell)
    .trim()
    .replace(/^(CNY|RMB)\s*/i, '')
    .replace(/^[¥￥]\s*/, '')
    .replace(/\s*(元|天|days?)$/i, '');
  if (!text) return null;
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$/.test(text.replace(/[ \u00A0]/g, ''))) return undefined;
  const value = Number(text.replace(/[, \u00A0]/g, ''));
  return value <= 1e15 ? value : undefined;
}

function isoOf(y: number, m: number, d: number): string | undefined {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  if (y < 1900 || y > 2200) return undefined;
  return date.toISOString().slice(0, 10);
}

/**
 * A date: 2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日 (optionally with a time), an Excel date
 * cell, or an Excel serial number. Returns null for a blank cell, undefined when malformed or
 * not a calendar date (2026-02-30).
 */
export function parseDate(cell: Cell): string | null | undefined {
  if (cell == null || cell === '') return null;
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? undefined : cell.toISOString().slice(0, 10);
  if (typeof cell === 'number') {
    // Excel serial: days since 1899-12-30 (the 1900 leap-year bug is before any plausible date)
    if (!Number.isInteger(cell) || cell < 1 || cell > 200_000) return undefined;
    return new Date(Date.UTC(1899, 11, 30) + cell * 86_400_000).toISOString().slice(0, 10);
  }
  if (typeof cell !== 'string') return undefined;
  const text = toHalfWidth(cell).trim();
  if (!text) return null;
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  return m ? isoOf(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}

/** Where the client posts an approval file (raw body; `?dryRun=1&name=…`); answers NDJSON progress. */
export const APPROVAL_IMPORT_URL = '/api/authority/approvals/import';
/** Upload size limit of the approval import. */
export const APPROVAL_IMPORT_MAX_MB = 50;

/** What an import answers: row errors (the first MAX_REPORTED_ERRORS), and whether it committed. */
export interface ImportRowError {
  row: number;
  field: ImportField | null;
  message: string;
}

export interface ImportResult {
  dryRun: boolean;
  fileName: string;
  fileKind: 'csv' | 'xlsx';
  /** data rows read */
  rows: number;
  valid: number;
  errorCount: number;
  /** the first MAX_REPORTED_ERRORS errors, in file order */
  errors: ImportRowError[];
  committed: boolean;
  batchId: number | null;
  inserted: number;
  /** why nothing was committed */
  message: string | null;
}
