import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { appError } from '../errors.ts';
import { readZip, ZIP_BOUNDS, type ZipBounds } from '../files/bounded-unzip.ts';
import { mapRcmHeaders, RCM_FIELDS, RCM_MAX_ROWS, type RcmField, type RcmIssue, type RcmRow } from '../../shared/rcm.ts';
import { EXCEL_MAX_CELL_CHARS } from '../workbook/cells.ts';

/**
 * Reading an uploaded control matrix safely. The file is held in memory (the upload is size-
 * limited) and checked as a zip before any XML is parsed: entry count, declared and actual unpacked
 * sizes and the unpacking ratio (server/files/bounded-unzip.ts), so a zip bomb, a truncated or corrupt file fails here with a clear message. Then exceljs's streaming
 * reader gives the rows of the first worksheet that has a header row. Cells with formulas are
 * refused (a formula's cached value may be stale), as is text over Excel's own cell limit.
 */

export const ZIP_LIMITS: ZipBounds = ZIP_BOUNDS;
/** the header row must be among the first rows of a sheet */
export const HEADER_SEARCH_ROWS = 20;
/** give up on a workbook that takes longer than this to read */
const READ_TIMEOUT_MS = 120_000;


const startsWith = (buf: Buffer, bytes: number[]) => bytes.every((b, i) => buf[i] === b);
const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** The upload's first bytes: a zip (an .xlsx), else a clear refusal. */
export function sniffXlsx(head: Buffer): { kind: 'xlsx'; encoding: null } {
  // an encrypted .xlsx is an OLE compound file, like an old .xls: both say so
  if (startsWith(head, CFB)) throw appError('BAD_REQUEST', 'errors.rcm.encrypted');
  if (!startsWith(head, [0x50, 0x4b, 0x03, 0x04])) throw appError('BAD_REQUEST', 'errors.rcm.notXlsx');
  return { kind: 'xlsx', encoding: null };
}

/** Every entry listed and inflated (output discarded) within the bounds (server/files/bounded-unzip.ts); throws a clear error otherwise. */
export async function checkZip(buffer: Buffer): Promise<void> {
  sniffXlsx(buffer.subarray(0, 8));
  let sawWorkbook = false;
  await readZip(buffer, {
    bounds: ZIP_LIMITS,
    messages: 'errors.rcm',
    keep: (name) => {
      if (name === 'xl/workbook.xml') sawWorkbook = true;
      return false;
    },
  });
  if (!sawWorkbook) throw appError('BAD_REQUEST', 'errors.rcm.notXlsx');
}

/** A cell as text; formulas and over-long text are problems of that cell. */
function cellText(value: ExcelJS.CellValue): { text: string } | { formula: string } {
  if (value == null) return { text: '' };
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'number') return { text: Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15))) };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) return { text: Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10) };
  if (typeof value === 'object') {
    if ('formula' in value && value.formula) return { formula: String(value.formula) };
    if ('sharedFormula' in value && value.sharedFormula) return { formula: String(value.sharedFormula) };
    if ('richText' in value && Array.isArray(value.richText)) return { text: value.richText.map((r) => r?.text ?? '').join('') };
    if ('text' in value) return { text: String(value.text ?? '') };
    if ('error' in value) return { text: String(value.error) };
  }
  return { text: String(value) };
}

function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

export interface RcmSheet {
  rows: RcmRow[];
  /** problems of single cells (formulas, text too long): reported with the plan's issues */
  cellIssues: RcmIssue[];
  /** the header texts as found */
  headers: string[];
}

/**
 * The matrix rows of an .xlsx file. File-level problems (not a workbook, no header, missing
 * columns …) throw translated app errors; cell-level problems come back in `cellIssues`.
 */
export interface ReadOptions {
  /** a column's name in the user's language (for missing-column messages) */
  fieldName?: (field: RcmField) => string;
  onRows?: (rows: number) => void;
  /** give up (with a clear error) after this long; default READ_TIMEOUT_MS */
  timeoutMs?: number;
}

export async function readRcmWorkbook(buffer: Buffer, options: ReadOptions = {}): Promise<RcmSheet> {
  await checkZip(buffer);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const ms = options.timeoutMs ?? READ_TIMEOUT_MS;
    timer = setTimeout(() => reject(appError('BAD_REQUEST', 'errors.rcm.timeout', { seconds: ms / 1000 })), ms);
  });
  try {
    return await Promise.race([readRows(buffer, options), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function readRows(buffer: Buffer, { fieldName = (f) => f, onRows }: ReadOptions): Promise<RcmSheet> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([buffer]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // tells date cells from numbers
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const rows: RcmRow[] = [];
  const cellIssues: RcmIssue[] = [];
  let headers: string[] = [];
  let best: string[] = []; // the most text-like early row, to show when no header is found
  let columns: [RcmField, number][] | null = null;
  let sheets = 0;
  let done = false;
  try {
    for await (const worksheet of reader) {
      sheets++;
      let seen = 0;
      for await (const row of worksheet) {
        if (done) continue; // read past the rest of the file
        const values = (row.values as ExcelJS.CellValue[]).slice(1);
        if (!columns) {
          if (++seen > HEADER_SEARCH_ROWS) continue;
          const texts = values.map((v) => {
            const c = cellText(v);
            return 'text' in c ? c.text.trim() : '';
          });
          const mapping = mapRcmHeaders(texts);
          if (mapping.recognised > mapRcmHeaders(best).recognised) best = texts;
          if (!mapping.recognised) continue;
          if (mapping.duplicate) {
            const [field, first, second] = mapping.duplicate;
            throw appError('BAD_REQUEST', 'errors.rcm.duplicateColumn', { columnKey: `rcm.columns.${field}`, first, second });
          }
          if (mapping.missing.length && mapping.recognised >= 2) {
            throw appError('BAD_REQUEST', 'errors.rcm.missingColumns', {
              columns: mapping.missing.map(fieldName).join(', '),
              found: texts.filter(Boolean).join(', ').slice(0, 300) || '—',
            });
          }
          if (mapping.missing.length) continue;
          headers = texts;
          columns = RCM_FIELDS.filter((f) => mapping.columns[f] != null).map((f) => [f, mapping.columns[f]!]);
          continue;
        }
        const cells: RcmRow['cells'] = {};
        let any = false;
        for (const [field, index] of columns) {
          const c = cellText(values[index]);
          const address = `${columnLetter(index + 1)}${row.number}`;
          if ('formula' in c) {
            cellIssues.push({ rowNo: row.number, field, key: 'errors.rcm.formula', params: { cell: address, formula: `=${c.formula.slice(0, 60)}` } });
            any = true;
            continue;
          }
          if (c.text.length > EXCEL_MAX_CELL_CHARS) {
            cellIssues.push({ rowNo: row.number, field, key: 'errors.rcm.cellTooLong', params: { cell: address, length: c.text.length, max: EXCEL_MAX_CELL_CHARS } });
            any = true;
            continue;
          }
          const text = c.text.replace(/\r\n?/g, '\n').trim();
          if (text) {
            cells[field] = text;
            any = true;
          }
        }
        if (!any) continue;
        if (rows.length >= RCM_MAX_ROWS) throw appError('BAD_REQUEST', 'errors.rcm.tooManyRows', { max: RCM_MAX_ROWS });
        rows.push({ rowNo: row.number, cells });
        if (onRows && rows.length % 1000 === 0) onRows(rows.length);
      }
      if (columns) done = true;
    }
  } catch (err) {
    if ((err as { cause?: unknown })?.cause && (err as Error).name === 'TRPCError') throw err;
    throw appError('BAD_REQUEST', 'errors.rcm.corrupt', { detail: ((err as Error)?.message ?? String(err)).slice(0, 200) });
  }
  if (sheets === 0) throw appError('BAD_REQUEST', 'errors.rcm.noSheet');
  if (!columns) {
    const mapping = mapRcmHeaders(best);
    if (mapping.recognised >= 1) {
      throw appError('BAD_REQUEST', 'errors.rcm.missingColumns', {
        columns: mapping.missing.map(fieldName).join(', '),
        found: best.filter(Boolean).join(', ').slice(0, 300) || '—',
      });
    }
    throw appError('BAD_REQUEST', 'errors.rcm.noHeader', { rows: HEADER_SEARCH_ROWS, found: best.filter(Boolean).join(', ').slice(0, 300) || '—' });
  }
  if (!rows.length && !cellIssues.length) throw appError('BAD_REQUEST', 'errors.rcm.noRows');
  onRows?.(rows.length);
  return { rows, cellIssues, headers };
}
