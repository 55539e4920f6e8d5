import { Readable, Transform } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import ExcelJS from 'exceljs';
import { appError } from '../errors.ts';
import type { Cell } from '../../shared/approval-import.ts';
import { UploadError, type Upload } from './upload.ts';
import { checkZip } from '../rcm/read.ts';

/**
 * The rows of an uploaded table, one at a time: CSV through csv-parse, .xlsx through exceljs's
 * streaming reader (first worksheet). Row numbers are the file's own (line or sheet row), so
 * errors point where the user looks.
 */

export interface TableRow {
  rowNo: number;
  cells: Cell[];
}

export function readTable(upload: Upload): AsyncGenerator<TableRow> {
  return upload.kind === 'xlsx' ? readXlsx(upload) : readCsv(upload);
}

/** The delimiter the header line uses most: comma, semicolon or tab. */
function guessDelimiter(firstLine: string): string {
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length - 1] as const);
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}

async function* readCsv(upload: Upload): AsyncGenerator<TableRow> {
  const decoder = new TextDecoder(upload.encoding ?? 'utf-8', { fatal: true });
  let line = 1;
  // Decoded in whole lines: "\n" is never part of a multi-byte character (UTF-8, GB18030), so a
  // bad byte is reported on its own line, however far ahead of the parser the decoding runs.
  let linesDecoded = 0;
  let rest: Buffer = Buffer.alloc(0);
  const decodeLines = (bytes: Buffer): string => {
    try {
      return decoder.decode(bytes);
    } catch {
      let at = linesDecoded + 1;
      for (let start = 0; start < bytes.length; at++) {
        const nl = bytes.indexOf(10, start);
        const end = nl < 0 ? bytes.length : nl + 1;
        try {
          decoder.decode(bytes.subarray(start, end));
        } catch {
          break;
        }
        start = end;
      }
      throw appError('BAD_REQUEST', 'errors.upload.badCsv', { line: at, detail: `not ${upload.encoding} text` });
    }
  };
  const decode = new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _enc, done) {
      try {
        const bytes = rest.length ? Buffer.concat([rest, chunk]) : chunk;
        const last = bytes.lastIndexOf(10);
        if (last < 0) {
          rest = bytes;
          return done();
        }
        rest = bytes.subarray(last + 1);
        const complete = bytes.subarray(0, last + 1);
        const text = decodeLines(complete);
        for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) linesDecoded++;
        done(null, text);
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done) {
      try {
        if (rest.length) done(null, decodeLines(rest));
        else done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
  const text = upload.body.pipe(decode);
  upload.body.on('error', (err) => decode.destroy(err));
  // peek at the first chunk to choose the delimiter, then parse everything
  const it = text[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const first = await it.next();
  if (first.done) return;
  const head = String(first.value);
  const parser = parse({
    bom: true,
    delimiter: guessDelimiter(head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? ''),
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
  });
  void (async () => {
    try {
      parser.write(head);
      for (let next = await it.next(); !next.done; next = await it.next()) {
        if (!parser.write(String(next.value))) await new Promise((r) => parser.once('drain', r));
      }
      parser.end();
    } catch (err) {
      parser.destroy(err as Error);
    }
  })();
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      line = info.lines;
      yield { rowNo: info.lines, cells: record };
    }
  } catch (err) {
    if (err instanceof CsvError) {
      const at = (err as CsvError & { lines?: number }).lines ?? line;
      throw appError('BAD_REQUEST', 'errors.upload.badCsv', { line: at, detail: err.message });
    }
    throw err;
  }
}

/** An exceljs cell value as a plain value: rich text joined, formulas by their result. */
function plainCell(value: ExcelJS.CellValue): Cell {
  if (value == null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return plainCell((value.result ?? null) as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    if ('error' in value) return String(value.error);
  }
  return String(value);
}

async function* readXlsx(upload: Upload): AsyncGenerator<TableRow> {
  // the zip is checked whole (entries, sizes, a full inflate) before exceljs's streaming reader
  // sees it: on some damaged files that reader never settles (found by test/unit/rcm-fuzz.test.ts)
  const chunks: Buffer[] = [];
  for await (const chunk of upload.body) chunks.push(chunk as Buffer);
  const file = Buffer.concat(chunks);
  await checkZip(file);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([file]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // needed to tell date cells from numbers
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let sheets = 0;
  try {
    for await (const worksheet of reader) {
      sheets++;
      for await (const row of worksheet) {
        if (sheets > 1) continue; // only the first worksheet counts; the rest is read past
        const values = (row.values as ExcelJS.CellValue[]).slice(1);
        const cells = Array.from({ length: values.length }, (_, i) => plainCell(values[i]));
        if (cells.some((c) => c != null && String(c).trim() !== '')) yield { rowNo: row.number, cells };
      }
    }
  } catch (err) {
    if (err instanceof UploadError) throw err;
    throw appError('BAD_REQUEST', 'errors.upload.badXlsx', { detail: (err as Error)?.message ?? String(err) });
  }
  if (sheets === 0) throw appError('BAD_REQUEST', 'errors.upload.noSheet');
}
