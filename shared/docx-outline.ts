import type { NodeKind } from './outline.ts';
import { chineseNumeralToNumber, parseOutlineText, type ImportedNode, type ImportResult } from './outline-import.ts';
import { readPreamble, readPropertyLine, type DroppedText, type ImportProperties } from './import-meta.ts';
import { detectScript } from './import-text.ts';
import { toChineseNumeral } from './chinese-numerals.ts';

/**
 * A Word document's paragraphs (as read from word/document.xml, numbers of automatic lists
 * already rendered) → an outline (docs/design.md §3.1). When the document marks its headings
 * (Heading 1..9 / 标题 1 styles or outline levels) they are the outline, whatever their numbers;
 * otherwise the text, with automatic numbers written in front, goes through the text parser.
 * Pure and linear.
 */

export interface DocParagraph {
  text: string;
  /** 0-based outline level of a heading (Heading 1 → 0); undefined for body text */
  level?: number;
  /** the number Word shows in front of it (automatic list numbering), '' if none */
  auto?: string;
  /** the Title style: the document's name */
  title?: boolean;
  /** a table, as rows of cell texts */
  table?: string[][];
}

export interface DocxRead {
  paragraphs: DocParagraph[];
  /** text read but not content: the TOC field's entries, TOC-styled paragraphs */
  dropped: DroppedText[];
  /** docProps/core.xml title, when set */
  coreTitle?: string;
}

/** A table as simple pipe rows: '| 控制点 | 频率 |' (not flattened into prose). */
export function tableText(rows: string[][]): string {
  return rows.map((r) => `| ${r.map((c) => c.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '｜')).join(' | ')} |`).join('\n');
}

const paragraphText = (p: DocParagraph) => (p.table ? tableText(p.table) : p.text);

// a number typed at the start of a heading: 第一章 / 第1节 / 第一条(條) / 1 / 1.1 / 1.1. / （一） / 一、 / 1、 / (1)
const TYPED_RE = /^(第\s*[0-9零〇一二两三四五六七八九十百千]{1,10}\s*[章节節条條]|[0-9]{1,3}(?:\.[0-9]{1,3}){0,5}\.?(?=[\s\p{L}（(])|[（(]\s*(?:[一二三四五六七八九十]{1,3}|[0-9]{1,3})\s*[)）]|[一二三四五六七八九十]{1,3}、|[0-9]{1,3}、)\s*/u;

function typedNumber(text: string): { marker: string; number: string; unit?: 'chapter' | 'section' | 'article' } | null {
  const m = TYPED_RE.exec(text);
  if (!m) return null;
  const marker = m[1]!;
  const reg = /^第\s*([0-9零〇一二两三四五六七八九十百千]{1,10})\s*([章节節条條])$/.exec(marker);
  if (reg) {
    const v = chineseNumeralToNumber(reg[1]!);
    if (v === null) return null;
    const unit = reg[2] === '章' ? 'chapter' : reg[2] === '节' || reg[2] === '節' ? 'section' : 'article';
    const n = /^[0-9]+$/.test(reg[1]!) ? String(v) : toChineseNumeral(v);
    return { marker, number: `第${n}${unit === 'chapter' ? '章' : unit === 'section' ? '节' : '条'}`, unit };
  }
  return { marker, number: marker.replace(/\.$/, '') };
}

/** Heading-based outline; null when the document marks no headings. */
function fromHeadings(doc: DocxRead): ImportResult | null {
  const { paragraphs } = doc;
  const first = paragraphs.findIndex((p) => p.level !== undefined);
  if (first < 0) return null;
  const dropped: DroppedText[] = [...doc.dropped];
  const properties: ImportProperties = {};
  for (const p of paragraphs.slice(0, first)) {
    if (p.table) {
      // a cover table of '文号 | 集团财〔2024〕3号' rows: each two-cell row is a label and its value
      for (const row of p.table) {
        const line = row.length === 2 ? `${row[0]!.trim()}：${row[1]!.trim()}` : '';
        if (!line || !readPropertyLine(line, properties, dropped)) dropped.push({ text: tableText([row]), reason: 'preamble' });
      }
      continue;
    }
    const t = paragraphText(p).trim();
    if (!t) continue;
    if (p.title && properties.title === undefined) properties.title = t;
    else readPreamble(t, { properties, dropped });
  }
  if (properties.title === undefined && doc.coreTitle) properties.title = doc.coreTitle;
  const minLevel = Math.min(...paragraphs.filter((p) => p.level !== undefined).map((p) => p.level!));
  const roots: ImportedNode[] = [];
  const stack: { level: number; node: ImportedNode }[] = [];
  const bodies = new Map<ImportedNode, string[]>();
  let regulation = false;
  let current: ImportedNode | null = null;
  const stats = { chapters: 0, sections: 0, articles: 0, items: 0, skippedLines: 0 };
  for (const p of paragraphs.slice(first)) {
    if (p.level === undefined) {
      const t = paragraphText(p);
      if (t.trim() && current) bodies.get(current)!.push(p.auto ? `${p.auto} ${t}` : t);
      continue;
    }
    const level = p.level - minLevel;
    while (stack.length && stack[stack.length - 1]!.level >= level) stack.pop();
    const parent = stack[stack.length - 1]?.node ?? null;
    const text = p.text.trim();
    const typed = typedNumber(text);
    const marker = typed ? typed.marker : (p.auto ?? '');
    const title = typed ? text.slice(TYPED_RE.exec(text)![0].length).trim() : text;
    const unit = typed?.unit ?? (p.auto ? typedNumber(`${p.auto} x`)?.unit : undefined);
    if (unit) regulation = true;
    const depth = parent ? parent.depth + 1 : 0;
    let kind: NodeKind = depth === 0 ? 'chapter' : depth === 1 ? 'section' : 'clause';
    if (unit === 'article') kind = 'clause';
    if (unit === 'section' && depth > 0) kind = 'section';
    if (kind === 'chapter') stats.chapters++;
    else if (kind === 'section') stats.sections++;
    else if (unit === 'article') stats.articles++;
    else stats.items++;
    const node: ImportedNode = { kind, number: typed?.number ?? (p.auto || ''), marker, title, body: '', depth, children: [] };
    (parent ? parent.children : roots).push(node);
    bodies.set(node, []);
    stack.push({ level, node });
    current = node;
  }
  for (const [node, lines] of bodies) node.body = lines.join('\n').trim();
  const script = detectScript(paragraphs.map((p) => p.text).join('\n').slice(0, 50_000));
  return { format: regulation ? 'regulation' : 'decimal', nodes: roots, warnings: [], stats, properties, dropped, script };
}

/** Outline of a Word document: from its headings if it marks them, else from its text. */
export function outlineFromDocx(doc: DocxRead, opts: { maxLength?: number } = {}): ImportResult {
  const byHeadings = fromHeadings(doc);
  if (byHeadings) return byHeadings;
  // a Title-styled paragraph is the name even when the text parser would not guess it
  const titleIndex = doc.paragraphs.findIndex((p) => p.title && p.text.trim());
  const lines = doc.paragraphs.filter((_, i) => i !== titleIndex).map((p) => (p.auto ? `${p.auto}${/^[（(]|、$/.test(p.auto) ? '' : ' '}${paragraphText(p)}` : paragraphText(p)));
  const result = parseOutlineText(lines.join('\n'), opts);
  if (titleIndex >= 0) {
    const title = doc.paragraphs[titleIndex]!.text.trim();
    if (result.properties.title !== undefined) {
      // the parser's guess was a subtitle or a meta line: keep its text
      if (!readPropertyLine(result.properties.title, result.properties, result.dropped)) result.dropped.unshift({ text: result.properties.title, reason: 'preamble' });
    }
    result.properties.title = title;
  } else if (result.properties.title === undefined && doc.coreTitle) {
    result.properties.title = doc.coreTitle;
  }
  result.dropped.unshift(...doc.dropped);
  return result;
}
