import { appError } from '../errors.ts';
import { ImportTextError, parseOutlineText, type ImportResult } from '../../shared/outline-import.ts';
import { outlineFromDocx } from '../../shared/docx-outline.ts';
import { MAX_IMPORT_CHARS } from '../../shared/manual.ts';
import { readDocx } from './docx-read.ts';
import { readPdf } from './pdf-read.ts';

/**
 * Any document the manual import accepts → an outline preview. The kind is judged by the bytes,
 * never the name: a zip with word/document.xml is Word (.docx), '%PDF-' a PDF, an OLE compound
 * file an old .doc or a password-protected .docx (both refused with what to do), and anything
 * else must be text: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030.
 */

export type DocumentKind = 'text' | 'docx' | 'pdf';
export type DocumentImport = ImportResult & { source: DocumentKind; encoding?: string };

const startsWith = (buf: Buffer, bytes: number[]) => bytes.every((b, i) => buf[i] === b);
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

export function sniffDocument(buf: Buffer): DocumentKind {
  if (buf.length === 0) throw appError('BAD_REQUEST', 'errors.docImport.empty');
  if (startsWith(buf, OLE)) throw appError('BAD_REQUEST', 'errors.docImport.oleFile');
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04])) return 'docx';
  if (buf.subarray(0, 1024).toString('latin1').includes('%PDF-')) return 'pdf';
  if (startsWith(buf, [0x7b, 0x5c, 0x72, 0x74, 0x66])) throw appError('BAD_REQUEST', 'errors.docImport.wrongKind'); // {\rtf
  return 'text';
}

/** UTF-8 (BOM or not), UTF-16 (BOM) or GB18030: the first that decodes without error. */
export function decodeText(buf: Buffer): { text: string; encoding: string } {
  if (startsWith(buf, [0xef, 0xbb, 0xbf])) return { text: new TextDecoder('utf-8').decode(buf.subarray(3)), encoding: 'utf-8' };
  if (startsWith(buf, [0xff, 0xfe])) return { text: new TextDecoder('utf-16le').decode(buf.subarray(2)), encoding: 'utf-16le' };
  if (startsWith(buf, [0xfe, 0xff])) return { text: new TextDecoder('utf-16be').decode(buf.subarray(2)), encoding: 'utf-16be' };
  if (buf.subarray(0, 4096).includes(0)) throw appError('BAD_REQUEST', 'errors.docImport.wrongKind');
  for (const encoding of ['utf-8', 'gb18030']) {
    try {
      return { text: new TextDecoder(encoding, { fatal: true }).decode(buf), encoding };
    } catch {
      // not this one
    }
  }
  throw appError('BAD_REQUEST', 'errors.docImport.wrongKind');
}

/** The import's text parser with its errors as the catalog's messages. */
export function parseTextOrFail(text: string): ImportResult {
  try {
    return parseOutlineText(text, { maxLength: MAX_IMPORT_CHARS });
  } catch (err) {
    if (err instanceof ImportTextError) {
      throw err.code === 'empty'
        ? appError('BAD_REQUEST', 'errors.outline.importEmpty')
        : appError('BAD_REQUEST', 'errors.outline.importTooLarge', { size: text.length, max: MAX_IMPORT_CHARS });
    }
    throw err;
  }
}

export async function readDocument(buf: Buffer): Promise<DocumentImport> {
  const kind = sniffDocument(buf);
  if (kind === 'docx') {
    const doc = await readDocx(buf);
    const chars = doc.paragraphs.reduce((n, p) => n + p.text.length + (p.table ? 50 : 0), 0);
    if (chars > MAX_IMPORT_CHARS) throw appError('BAD_REQUEST', 'errors.outline.importTooLarge', { size: chars, max: MAX_IMPORT_CHARS });
    if (!doc.paragraphs.some((p) => p.text.trim() || p.table)) throw appError('BAD_REQUEST', 'errors.outline.importEmpty');
    try {
      return { ...outlineFromDocx(doc, { maxLength: MAX_IMPORT_CHARS }), source: 'docx' };
    } catch (err) {
      if (err instanceof ImportTextError) throw appError('BAD_REQUEST', 'errors.outline.importEmpty');
      throw err;
    }
  }
  if (kind === 'pdf') {
    const pdf = await readPdf(buf);
    const result = parseTextOrFail(pdf.text);
    result.dropped.unshift(...pdf.dropped);
    return { ...result, source: 'pdf' };
  }
  const { text, encoding } = decodeText(buf);
  return { ...parseTextOrFail(text), source: 'text', encoding };
}
