import type { StructuredTextItem } from 'unpdf';
import { appError } from '../errors.ts';
import type { DroppedText } from '../../shared/import-meta.ts';

/**
 * The text layer of a PDF (unpdf: the serverless pdf.js build, no native dependencies). Lines are
 * rebuilt from item positions (a new line where y changes), a line repeated at the top or bottom
 * of most pages is a running header/footer and a page-number line is page furniture: both are
 * set aside as dropped. A PDF without text (scanned images) is refused: there is no OCR.
 */

export const PDF_MAX_PAGES = 2_000;

function pageLines(items: StructuredTextItem[]): string[] {
  const lines: { y: number; h: number; parts: StructuredTextItem[] }[] = [];
  for (const it of items) {
    if (!it.str) continue;
    const h = Math.max(it.height || it.fontSize || 10, 1);
    const line = lines.find((l) => Math.abs(l.y - it.y) < Math.min(l.h, h) * 0.5);
    if (line) line.parts.push(it);
    else lines.push({ y: it.y, h, parts: [it] });
  }
  lines.sort((a, b) => b.y - a.y); // top of the page first (PDF y grows upwards)
  return lines.map((l) => {
    l.parts.sort((a, b) => a.x - b.x);
    let out = '';
    let end = -Infinity;
    for (const it of l.parts) {
      // a visible gap between items is a space (dot leaders, tab stops, 'page 12')
      if (out && it.x - end > l.h * 1.5 && !out.endsWith(' ') && !it.str.startsWith(' ')) out += ' ';
      out += it.str;
      end = it.x + it.width;
    }
    return out.trimEnd();
  });
}

const PAGE_NUMBER_RE = /^(第\s*[0-9]{1,5}\s*页(\s*[,，/、]?\s*共\s*[0-9]{1,5}\s*页)?|共\s*[0-9]{1,5}\s*页\s*[,，/、]?\s*第\s*[0-9]{1,5}\s*页|[-–—]\s*[0-9]{1,5}\s*[-–—]|page\s*[0-9]{1,5}(\s*(of|\/)\s*[0-9]{1,5})?|[0-9]{1,5}\s*\/\s*[0-9]{1,5}|[0-9]{1,5})$/i;

/** The PDF's text, line by line, with running headers/footers and page numbers set aside. */
export async function readPdf(buffer: Buffer): Promise<{ text: string; dropped: DroppedText[]; pages: number }> {
  let pages: StructuredTextItem[][];
  try {
    // loaded on first use: pdf.js is large, and most imports (and every CLI start) need no PDF
    const { extractTextItems, getDocumentProxy } = await import('unpdf');
    const doc = await getDocumentProxy(new Uint8Array(buffer));
    if (doc.numPages > PDF_MAX_PAGES) throw appError('BAD_REQUEST', 'errors.docImport.tooManyPages', { pages: doc.numPages, max: PDF_MAX_PAGES });
    pages = (await extractTextItems(doc)).items;
  } catch (err) {
    const name = (err as Error)?.name;
    if (name === 'PasswordException') throw appError('BAD_REQUEST', 'errors.docImport.encrypted');
    if ((err as { cause?: unknown }).cause) throw err;
    throw appError('BAD_REQUEST', 'errors.docImport.damaged', { detail: String((err as Error)?.message ?? err).slice(0, 200) });
  }
  const perPage = pages.map(pageLines);
  const chars = perPage.reduce((n, lines) => n + lines.join('').replace(/\s/g, '').length, 0);
  if (chars === 0) throw appError('BAD_REQUEST', 'errors.docImport.noTextLayer', { pages: perPage.length });
  // a line at the top or bottom (2 lines each) that recurs on at least half of the pages, digits ignored
  const key = (l: string) => l.replace(/[0-9]+/g, '#').replace(/\s+/g, '');
  const edges = (lines: string[]) => new Set([...lines.slice(0, 2), ...lines.slice(-2)].map(key));
  const seen = new Map<string, number>();
  for (const lines of perPage) for (const k of edges(lines)) seen.set(k, (seen.get(k) ?? 0) + 1);
  const repeated = (l: string) => perPage.length >= 2 && (seen.get(key(l)) ?? 0) >= Math.max(2, perPage.length / 2);
  const dropped: DroppedText[] = [];
  const kept: string[] = [];
  for (const lines of perPage) {
    lines.forEach((line, i) => {
      const t = line.trim();
      if (!t) return;
      const edge = i < 2 || i >= lines.length - 2;
      if (edge && PAGE_NUMBER_RE.test(t)) dropped.push({ text: t, reason: 'pageNumber' });
      else if (edge && repeated(t)) dropped.push({ text: t, reason: 'header' });
      else kept.push(line);
    });
  }
  return { text: kept.join('\n'), dropped, pages: perPage.length };
}
