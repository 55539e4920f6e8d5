import type { NodeKind } from './outline.ts';
import { toChineseNumeral } from './chinese-numerals.ts';
import { isSiteFurniture, readPreamble, trailingBoilerplateStart, type DroppedReason, type DroppedText, type ImportProperties } from './import-meta.ts';
import { detectScript, plausibleNext, splitHeading, splitInlineDecimals } from './import-text.ts';

export type { DroppedText, ImportProperties } from './import-meta.ts';

/**
 * Text import (docs/design.md §3.1): turn a pasted regulation (法规/制度) or table of contents into an
 * outline preview. Pure: no I/O, no globals, linear-ish time on any input.
 *
 * Pipeline: normalise → drop page furniture → find marker candidates → accept or reject each
 * (position + numbering plausibility) → build the tree → cut titles and bodies.
 *
 * Two structures are recognised:
 * - `regulation`: 第X章 (chapter) / 第X节 (section) / 第X条 (article, kind 'clause', numbered
 *   continuously across chapters), with sub-items 一、 / （一） / 1. 1、 / (1) （1） nested under
 *   the current article (kind 'clause'). Markers may be inline in one long line.
 * - `decimal`: lines starting '1', '1.1', '1.1.1' … (TOCs, numbered procedures). Kind by tree
 *   depth: depth 0 → 'chapter', depth 1 → 'section', deeper → 'clause'.
 */

export interface ImportedNode {
  kind: NodeKind;
  /** the marker as normalised text: '第一章', '第三条', '（一）', '一、', '1.', '(1)', '1.2.3' */
  number: string;
  /** the marker exactly as it stood in the (normalised) text: '第 1 章', '1、', '1.1' ('' when the number was not in the text) */
  marker?: string;
  /** heading text after the marker (for articles and items: the first sentence, ≤ 60 chars) */
  title: string;
  /** the rest of the item's own text up to the next marker ('' if none) */
  body: string;
  /** 0 = top level; always parent depth + 1 */
  depth: number;
  children: ImportedNode[];
}

/** A note about the parse, as a message key of the shared catalog (importWarnings.*) and its parameters. */
export interface ImportWarning {
  key: `importWarnings.${string}`;
  params: Record<string, string | number>;
}
const warn = (name: string, params: Record<string, string | number> = {}): ImportWarning => ({ key: `importWarnings.${name}`, params });

export interface ImportResult {
  format: 'regulation' | 'decimal' | 'none';
  nodes: ImportedNode[];
  warnings: ImportWarning[];
  /**
   * regulation: chapters/sections/articles count 第X章/节/条, items counts sub-items.
   * decimal: chapters = depth-0 headings, sections = depth 1, items = deeper; articles = 0.
   */
  stats: { chapters: number; sections: number; articles: number; items: number; skippedLines: number };
  /** title and meta lines before the outline: the manual's name, 文号, 版本, 生效日期, 发布 */
  properties: ImportProperties;
  /** text that is in no node: page furniture, a table of contents, site boilerplate (the preview shows it) */
  dropped: DroppedText[];
  /** the script regulation numbers are written in: 第一条 (hans) or 第一條 (hant) */
  script: 'hans' | 'hant';
}

export class ImportTextError extends Error {
  constructor(
    readonly code: 'too_large' | 'empty',
    message: string,
  ) {
    super(message);
    this.name = 'ImportTextError';
  }
}

export const DEFAULT_MAX_IMPORT_LENGTH = 2_000_000;
const TITLE_MAX = 60;
const MAX_LISTED_WARNINGS = 20;

// ---------------------------------------------------------------------------------------------
// Chinese numerals

const CN_DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const CN_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/**
 * '十一' → 11, '一百零五' → 105, '一百二十三' → 123, '两百' → 200, '一〇五' → 105 (positional),
 * '3' / '３' → 3. Null for anything else (including 万 and malformed '十十', '百').
 */
export function chineseNumeralToNumber(s: string): number | null {
  const t = toHalfWidthDigits(s.trim());
  if (t.length === 0 || t.length > 12) return null;
  if (/^[0-9]+$/.test(t)) return Number(t);
  let hasUnit = false;
  for (const ch of t) {
    if (ch in CN_UNITS) hasUnit = true;
    else if (!(ch in CN_DIGITS)) return null;
  }
  if (!hasUnit) {
    // positional form: 一〇五, 二〇, 三
    if (t.length > 4) return null;
    let n = 0;
    for (const ch of t) n = n * 10 + CN_DIGITS[ch]!;
    return n;
  }
  let total = 0;
  let digit: number | null = null;
  let lastUnit = Infinity;
  let zeroSeen = false;
  for (const ch of t) {
    const d = CN_DIGITS[ch];
    if (d !== undefined) {
      if (digit !== null) return null; // two digits in a row: 一二十
      if (d === 0) {
        if (total === 0) return null; // leading 零 with units
        zeroSeen = true;
        continue;
      }
      digit = d;
      continue;
    }
    const unit = CN_UNITS[ch]!;
    if (unit >= lastUnit) return null; // 十十, 百千
    let mult: number;
    if (digit !== null) mult = digit;
    else if (unit === 10 && !zeroSeen) mult = 1; // 十一 = 11, 一百十 = 110
    else if (unit === 10 && zeroSeen) mult = 1; // 一百零十 (sloppy) = 110
    else return null; // bare 百 / 千
    total += mult * unit;
    lastUnit = unit;
    digit = null;
    zeroSeen = false;
  }
  if (digit !== null) {
    // 一百五 is colloquially 150; 一百零五 / 二十五 add the digit as units
    total += !zeroSeen && lastUnit >= 100 ? (digit * lastUnit) / 10 : digit;
  }
  return total;
}

function toHalfWidthDigits(s: string): string {
  return s.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

// ---------------------------------------------------------------------------------------------
// Normalisation

/**
 * CRLF/CR → LF; full-width digits, Latin letters and '．' → ASCII; ideographic and other exotic
 * spaces → ' '; zero-width characters and BOM dropped; other control characters → ' '.
 * Chinese punctuation (（）、。；：) is kept as is, so （一） stays recognisable.
 */
export function normalise(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF0E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
    // eslint-disable-next-line no-control-regex -- control characters are what this replaces
    .replace(/[\u3000\u00A0\u1680\u2000-\u200A\u202F\u205F\v\f\u0000-\u0008\u000E-\u001F\u007F\u2028\u2029]/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// Page furniture

type FurnitureKind = 'page number' | 'download notice' | 'URL' | 'table-of-contents heading' | 'repeated header';

// Each pattern is anchored and applied only to lines ≤ 120 chars, so no regex sees long input.
const PAGE_RES: RegExp[] = [
  /^第\s*[0-9零〇一二两三四五六七八九十百]{1,6}\s*页(\s*[,，/、]?\s*共\s*[0-9零〇一二两三四五六七八九十百]{1,6}\s*页)?$/,
  /^共\s*[0-9]{1,6}\s*页\s*[,，/、]?\s*第\s*[0-9]{1,6}\s*页$/,
  /^[-–—]\s*[0-9]{1,5}\s*[-–—]$/,
  /^page\s*[0-9]{1,5}(\s*(of|\/)\s*[0-9]{1,5})?$/i,
  /^[0-9]{1,5}\s*\/\s*[0-9]{1,5}$/,
  /^[0-9]{1,4}$/,
];
const DOWNLOAD_RES: RegExp[] = [
  /^本文档?由.{0,80}(下载|提供|整理|上传)/,
  /^(文档|资料)?下载自/,
  /^更多.{0,40}(请访问|请登录|请关注|请搜索|访问)/,
  /(请访问|请登录|欢迎访问|下载地址|免费下载|文库下载)/,
];
const URL_RE = /^(https?:\/\/|www\.)[^\s]+$/i;
const TOC_RE = /^(目\s*录|contents|table of contents)$/i;

function furnitureKind(line: string): FurnitureKind | null {
  if (line.length === 0 || line.length > 120) return null;
  if (TOC_RE.test(line)) return 'table-of-contents heading';
  if (URL_RE.test(line)) return 'URL';
  if (PAGE_RES.some((re) => re.test(line))) return 'page number';
  if (DOWNLOAD_RES.some((re) => re.test(line))) return 'download notice';
  return null;
}

// A line that starts with a marker is content even when it repeats (e.g. '1.1 目的' in every procedure).
const STARTS_WITH_MARKER_RE = /^(第\s{0,2}[0-9零〇一二两三四五六七八九十百千]{1,10}\s{0,2}[章节節条條]|[（(]|[一二三四五六七八九十]{1,3}、|[0-9]{1,3}[.、\s])/;

/** Blank out furniture lines (line structure is kept so line-start positions stay valid). */
const INLINE_PAGE_RE = /第[ \t]{0,3}[0-9]{1,5}[ \t]{0,3}页[ \t]{0,3}[,，/、]?[ \t]{0,3}共[ \t]{0,3}[0-9]{1,5}[ \t]{0,3}页|共[ \t]{0,3}[0-9]{1,5}[ \t]{0,3}页[ \t]{0,3}[,，/、]?[ \t]{0,3}第[ \t]{0,3}[0-9]{1,5}[ \t]{0,3}页/g;

const FURNITURE_REASON: Record<FurnitureKind, DroppedReason> = {
  'page number': 'pageNumber',
  'download notice': 'furniture',
  URL: 'furniture',
  'table-of-contents heading': 'toc',
  'repeated header': 'header',
};

function removeFurniture(text: string, dropped: DroppedText[]): { clean: string; skipped: number; warnings: ImportWarning[] } {
  const lines = text.split('\n');
  const counts = new Map<string, number>();
  const nonEmpty = lines.reduce((n, l) => (l.trim() ? n + 1 : n), 0);
  if (nonEmpty >= 20) {
    for (const l of lines) {
      const t = l.trim();
      if (t.length >= 4 && t.length <= 120) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
  }
  const byKind = new Map<FurnitureKind, number>();
  let skipped = 0;
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    let kind = furnitureKind(t);
    // repeated lines are headers/footers unless they look like content: a marker line or a full sentence
    if (!kind && (counts.get(t) ?? 0) >= 3 && !STARTS_WITH_MARKER_RE.test(t) && !SENTENCE_END.has(t[t.length - 1]!)) kind = 'repeated header';
    const site = kind ? null : isSiteFurniture(t);
    if (site) {
      dropped.push({ text: t, reason: site });
      lines[i] = '';
      skipped++;
      continue;
    }
    if (kind) {
      dropped.push({ text: t, reason: FURNITURE_REASON[kind] });
      lines[i] = '';
      skipped++;
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    }
  }
  // '第 3 页 共 20 页' inside a line (text flattened from a PDF) is unambiguous: cut it out
  let inline = 0;
  let clean = lines.join('\n').replace(INLINE_PAGE_RE, (m) => {
    inline++;
    dropped.push({ text: m, reason: 'pageNumber' });
    return ' ';
  });
  // a one-line web page: the site footer runs on after the last article
  const footer = trailingBoilerplateStart(clean);
  if (footer >= 0) {
    dropped.push({ text: clean.slice(footer).trim(), reason: 'boilerplate' });
    clean = clean.slice(0, footer);
  }
  const warnings: ImportWarning[] = [];
  const of = (k: FurnitureKind) => byKind.get(k) ?? 0;
  if (skipped) {
    warnings.push(
      warn('furniture', {
        count: skipped,
        pages: of('page number'),
        repeated: of('repeated header'),
        toc: of('table-of-contents heading'),
        urls: of('URL'),
        downloads: of('download notice'),
      }),
    );
  }
  if (inline) warnings.push(warn('inlineFooter', { count: inline }));
  return { clean, skipped, warnings };
}

// ---------------------------------------------------------------------------------------------
// Marker candidates

type ItemStyle = 'cnComma' | 'cnParen' | 'arParen' | 'arDot';
type TokenType = 'chapter' | 'section' | 'article' | 'decimal' | ItemStyle;
/** what precedes the marker: line start, a sentence end (+ spaces), only spaces, or text */
type Boundary = 'line' | 'strong' | 'weak' | 'none';

interface Token {
  type: TokenType;
  start: number;
  end: number;
  value: number;
  number: string;
  boundary: Boundary;
  spaceAfter: boolean;
  /** followed directly by a character that makes it a reference: 第十条的规定, 第三章、第四章 */
  referenceLike: boolean;
  /** 'decimal' only: the components of '1.2.3' */
  parts?: number[];
}

// Groups: 1 numeral + 2 unit (第X章/节/条) | 3 (一)/(1) | 4 一、 | 5 1.2 / 1.2.3 | 6 1. / 1、
// Every quantifier is bounded and there is no nesting, so matching is linear.
const MARKER_RE =
  /第[ \t]{0,2}([0-9零〇一二两三四五六七八九十百千]{1,10})[ \t]{0,2}([章节節条條])|[（(][ \t]{0,2}([一二三四五六七八九十]{1,3}|[0-9]{1,3})[ \t]{0,2}[)）]|([一二三四五六七八九十]{1,3})、|([0-9]{1,3}(?:\.[0-9]{1,3}){1,5})(?![0-9]|\.[0-9])|([0-9]{1,3})[.、](?![0-9])/g;

const SENTENCE_END = new Set(['。', '；', ';', '！', '!', '？', '?']);
const ITEM_BOUNDARY = new Set([...SENTENCE_END, '：', ':']);
const REFERENCE_FOLLOWERS = new Set([...'的之所中至、，,和或及与第款项）)》”"。；;：:规']);
const UNIT_NAME: Record<string, 'chapter' | 'section' | 'article'> = { 章: 'chapter', 节: 'section', 節: 'section', 条: 'article', 條: 'article' };
const UNIT_SIMPLIFIED = { chapter: '章', section: '节', article: '条' } as const;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  MARKER_RE.lastIndex = 0;
  for (let m = MARKER_RE.exec(text); m; m = MARKER_RE.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    const boundary = boundaryBefore(text, start, m[2] ? SENTENCE_END : ITEM_BOUNDARY);
    if (boundary === 'none' && !m[2]) continue; // items need a boundary; 第X条 may follow a heading directly
    const next = text[end] ?? '';
    const spaceAfter = next === ' ' || next === '\t' || next === '\n';
    let type: TokenType;
    let value: number | null;
    let number: string;
    if (m[2]) {
      type = UNIT_NAME[m[2]]!;
      const raw = m[1]!;
      value = chineseNumeralToNumber(raw);
      if (value === null || value < 1 || value > 9999) continue;
      // canonical: Chinese numerals re-spelt (一〇五 → 一百零五), Arabic kept, 條/節 → 条/节
      number = `第${/^[0-9]+$/.test(raw) ? String(value) : toChineseNumeral(value)}${UNIT_SIMPLIFIED[type]}`;
    } else if (m[3]) {
      const arabic = /^[0-9]+$/.test(m[3]);
      type = arabic ? 'arParen' : 'cnParen';
      value = chineseNumeralToNumber(m[3]);
      if (value === null || value < 1) continue;
      number = arabic ? `(${value})` : `（${toChineseNumeral(value)}）`;
    } else if (m[4]) {
      type = 'cnComma';
      value = chineseNumeralToNumber(m[4]);
      if (value === null || value < 1) continue;
      number = `${toChineseNumeral(value)}、`;
    } else if (m[5]) {
      // '1.2' under 第1章: only at a line start or after a sentence end, followed by a space or a letter
      if (boundary !== 'line' && boundary !== 'strong') continue;
      if (next !== ' ' && next !== '\t' && !/\p{L}/u.test(next)) continue;
      type = 'decimal';
      const parts = m[5].split('.').map(Number);
      if (parts.some((v) => v < 1)) continue;
      tokens.push({ type, start, end, value: parts[parts.length - 1]!, number: m[5], boundary, spaceAfter, referenceLike: false, parts });
      continue;
    } else {
      type = 'arDot';
      value = Number(m[6]);
      if (!(value >= 1)) continue;
      number = `${value}.`;
    }
    tokens.push({ type, start, end, value, number, boundary, spaceAfter, referenceLike: !spaceAfter && REFERENCE_FOLLOWERS.has(next) });
  }
  return tokens;
}

function boundaryBefore(text: string, start: number, ends: ReadonlySet<string>): Boundary {
  let j = start - 1;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
  if (j < 0 || text[j] === '\n') return 'line';
  if (ends.has(text[j]!)) return 'strong';
  return j < start - 1 ? 'weak' : 'none';
}

// ---------------------------------------------------------------------------------------------
// Regulation structure

interface Entry {
  node: ImportedNode;
  token: Token;
}

interface PassResult {
  nodes: ImportedNode[];
  entries: Entry[];
  warnings: ImportWarning[];
  chapters: number;
  sections: number;
  articles: number;
  items: number;
  /** where a table of contents listed before the text began (-1: none); it ends where the first entry starts */
  tocStart: number;
}

const isStructural = (t: TokenType): t is 'chapter' | 'section' | 'article' => t === 'chapter' || t === 'section' || t === 'article';

/**
 * Accept or reject each candidate in document order. Rules for 第X章/节/条 (n = its number,
 * last = the previous accepted number of that kind; sections count within a chapter):
 * - followed directly by 的/之/所/、/第/款/规… (第十条的规定, 第十条第二款) → a reference, never a marker;
 * - at a line start: accepted when n > last (a gap is warned about), or n = 1 (numbering
 *   restarts, warned); any other n at a line start is out of sequence: kept as text, warned;
 * - inline after 。；！？: accepted when last < n ≤ last + 5 (articles) / last + 2 (chapters,
 *   sections); lower, equal or far-jumping numbers are references (依照本办法。第三条… rarely);
 * - inline after spaces only: accepted only for exactly the next number, and for articles only
 *   when followed by a space or right after a chapter/section heading ('第一章 总则 第一条…');
 * - inline right after other text: only a section/article with exactly the next number directly
 *   after a short chapter/section heading ('第一章总则第一条…'); anything else is a reference.
 * Sub-items: the same style already open (stack) must continue with exactly the next number
 * inline (any number at a line start); a new, deeper list must start at 1 (any at a line start).
 */
function regulationPass(text: string): PassResult {
  const tokens = tokenize(text);
  const lineOf = lineIndexer(text);
  const hasStructure = tokens.some((t) => isStructural(t.type) && !t.referenceLike && (t.boundary === 'line' || t.boundary === 'strong'));
  const warnings: ImportWarning[] = [];
  let nodes: ImportedNode[] = [];
  let entries: Entry[] = [];
  let chapter: ImportedNode | null = null;
  let section: ImportedNode | null = null;
  let article: ImportedNode | null = null;
  let items: { style: ItemStyle; value: number; node: ImportedNode }[] = [];
  const last = { chapter: 0, section: 0, article: 0 };
  const lastNumber = { chapter: '', section: '', article: '' };
  let counts = { chapters: 0, sections: 0, articles: 0, items: 0 };
  let tocStart = -1;
  // '1.1 / 1.1.1' headings inside a 第1章 (documents that number chapters 第N章 and the rest decimally)
  let decimals: { parts: number[]; node: ImportedNode }[] = [];

  const add = (parent: ImportedNode | null, kind: NodeKind, token: Token): ImportedNode => {
    const node: ImportedNode = {
      kind,
      number: token.number,
      marker: text.slice(token.start, token.end),
      title: '',
      body: '',
      depth: parent ? parent.depth + 1 : 0,
      children: [],
    };
    (parent ? parent.children : nodes).push(node);
    entries.push({ node, token });
    return node;
  };

  for (const tok of tokens) {
    if (isStructural(tok.type)) {
      const type = tok.type;
      if (tok.referenceLike) continue;
      const prev = last[type];
      const n = tok.value;
      let accept = false;
      if (tok.boundary === 'line') {
        if (n > prev) {
          accept = true;
          if (prev > 0 && n > prev + 1) warnings.push(warn('gap', { from: lastNumber[type], to: tok.number, line: lineOf(tok.start) }));
        } else if (n === 1) {
          accept = true;
          if (type === 'chapter' && counts.articles === 0 && counts.items === 0 && entries.length > 0) {
            // chapters listed once without content and then again from 第一章: a table of contents
            warnings.push(warn('tocDropped', { count: entries.length }));
            if (tocStart < 0) tocStart = entries[0]!.token.start;
            nodes = [];
            entries = [];
            counts = { chapters: 0, sections: 0, articles: 0, items: 0 };
            last.article = 0;
          } else {
            warnings.push(warn('restart', { from: lastNumber[type], to: tok.number, line: lineOf(tok.start) }));
          }
        } else {
          warnings.push(warn('outOfSequence', { number: tok.number, after: lastNumber[type], line: lineOf(tok.start) }));
        }
      } else if (tok.boundary === 'strong') {
        accept = n > prev && n <= prev + (type === 'article' ? 5 : 2);
        if (accept && prev > 0 && n > prev + 1) warnings.push(warn('gap', { from: lastNumber[type], to: tok.number, line: lineOf(tok.start) }));
      } else {
        // '第一章 总则 第一条…' / '第一章总则第一条…': right after a short chapter/section heading on the same line
        const le = entries[entries.length - 1];
        const afterHeading =
          le !== undefined && (le.token.type === 'chapter' || le.token.type === 'section') &&
          tok.start - le.token.end <= 40 && !/[\n。；，,：:]/.test(text.slice(le.token.end, tok.start));
        // '企业内部控制基本规范第一章总则…': the first chapter right after a short title line
        const lineStart = text.lastIndexOf('\n', tok.start) + 1;
        const afterTitle =
          type === 'chapter' && n === 1 && entries.length === 0 && tok.start - lineStart <= 60 && !/[。；;！？!?]/.test(text.slice(lineStart, tok.start));
        if (tok.boundary === 'weak') accept = n === prev + 1 && (type !== 'article' || tok.spaceAfter || afterHeading);
        else accept = n === prev + 1 && ((type !== 'chapter' && afterHeading) || afterTitle);
      }
      if (!accept) continue;
      last[type] = n;
      lastNumber[type] = tok.number;
      items = [];
      decimals = [];
      if (type === 'chapter') {
        chapter = add(null, 'chapter', tok);
        section = null;
        article = null;
        last.section = 0;
        lastNumber.section = '';
        counts.chapters++;
      } else if (type === 'section') {
        section = add(chapter, 'section', tok);
        article = null;
        counts.sections++;
      } else {
        article = add(section ?? chapter, 'clause', tok);
        counts.articles++;
      }
      continue;
    }
    if (tok.type === 'decimal') {
      const parts = tok.parts!;
      if (!chapter || article || parts[0] !== last.chapter) continue;
      const current = decimals.length ? decimals[decimals.length - 1]!.parts : [last.chapter];
      if (!plausibleNext(current, parts)) continue;
      decimals = decimals.filter((e) => isPrefix(e.parts, parts));
      const parent = decimals.length ? decimals[decimals.length - 1]!.node : (section ?? chapter);
      const node = add(parent, decimals.length ? 'clause' : 'section', tok);
      decimals.push({ parts, node });
      items = [];
      if (decimals.length === 1) counts.sections++;
      else counts.items++;
      continue;
    }
    // sub-item
    if (hasStructure && entries.length === 0) continue; // items in a preamble are not structure
    const style = tok.type as ItemStyle;
    const level = items.findIndex((e) => e.style === style);
    const n = tok.value;
    let accept: boolean;
    if (level >= 0) {
      const expected = items[level]!.value + 1;
      accept = n === expected || tok.boundary === 'line';
      if (accept && n !== expected && n !== 1) warnings.push(warn('itemNumbering', { from: items[level]!.node.number, to: tok.number, line: lineOf(tok.start) }));
    } else {
      accept = tok.boundary === 'line' || (tok.boundary === 'strong' && n === 1);
    }
    if (!accept) continue;
    if (level >= 0) items = items.slice(0, level);
    const parent = items.length ? items[items.length - 1]!.node : (article ?? decimals[decimals.length - 1]?.node ?? section ?? chapter);
    const node = add(parent, 'clause', tok);
    items.push({ style, value: n, node });
    counts.items++;
  }
  return { nodes, entries, warnings, ...counts, tocStart };
}

function lineIndexer(text: string): (pos: number) => number {
  let starts: number[] | null = null;
  return (pos) => {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** Fill titles and bodies from the text between one accepted marker and the next. */
function fillRegulationText(text: string, entries: Entry[], dropped: DroppedText[]): void {
  const segments = entries.map(({ token }, i) => text.slice(token.end, i + 1 < entries.length ? entries[i + 1]!.token.start : text.length));
  const isHeading = (t: TokenType) => t === 'chapter' || t === 'section' || t === 'decimal';
  // a table of contents: most headings end in a page number, so '总则 3' (one space) is one too
  let headings = 0;
  let paged = 0;
  entries.forEach(({ token }, i) => {
    if (!isHeading(token.type)) return;
    headings++;
    const first = firstLine(segments[i]!);
    if (pageNumberCut(first, false) < first.length) paged++;
  });
  const toc = headings >= 3 && paged * 2 >= headings;
  entries.forEach(({ node, token }, i) => {
    const { title, body } = isHeading(token.type) ? headingText(segments[i]!, toc, dropped) : sentenceText(segments[i]!, token.type !== 'article');
    node.title = title;
    node.body = body;
  });
}

function firstLine(s: string): string {
  const t = s.replace(/^[ \t]+/, '');
  const nl = t.indexOf('\n');
  return (nl < 0 ? t : t.slice(0, nl)).trimEnd();
}

/** '第一章 总则' → '总则': the rest of the heading line (or the next short line if the marker stands alone). */
function headingText(segment: string, toc: boolean, dropped: DroppedText[]): { title: string; body: string } {
  const s = segment.replace(/^[ \t]+/, '');
  const nl = s.indexOf('\n');
  let first = (nl < 0 ? s : s.slice(0, nl)).trim();
  let rest = nl < 0 ? '' : s.slice(nl + 1);
  if (!first) {
    const r = rest.trimStart();
    const nl2 = r.indexOf('\n');
    const candidate = (nl2 < 0 ? r : r.slice(0, nl2)).trim();
    if (candidate && candidate.length <= 30 && !/[。；]/.test(candidate)) {
      first = candidate;
      rest = nl2 < 0 ? '' : r.slice(nl2 + 1);
    }
  }
  const cut = pageNumberCut(first, toc);
  if (cut < first.length) {
    dropped.push({ text: first.slice(cut).trim(), reason: 'pageNumber' });
    first = first.slice(0, cut).trimEnd();
  }
  // A long heading line is a short heading run into its text (a web page flattened to one line).
  if (first.length > 40) {
    const split = splitHeading(first);
    if (split.body) {
      rest = `${split.body}\n${rest}`;
      first = split.title;
    }
  }
  return { title: first, body: rest.trim() };
}

/**
 * Articles and items have no heading: the title is the text up to and including the first 。
 * (items: also ；) or the line end, at most 60 chars, cut after a comma-like mark when longer;
 * the rest is the body. No character is dropped: the closing mark stays with the title.
 */
function sentenceText(segment: string, isItem: boolean): { title: string; body: string } {
  const s = segment.trim();
  let end = s.length;
  const limit = Math.min(s.length, 400);
  for (let i = 0; i < limit; i++) {
    const c = s[i];
    // a line break ends the title unless the line looks wrapped (PDF paste): ≥ 20 chars, no closing punctuation
    if (c === '\n' && i >= 20 && !TITLE_END_PUNCT.has(s[i - 1]!)) continue;
    if (c === '\n') {
      end = i;
      break;
    }
    if (c === '。' || (isItem && (c === '；' || c === ';'))) {
      end = i + 1;
      break;
    }
  }
  if (end > TITLE_MAX) end = cleanCut(s, TITLE_MAX);
  const title = s.slice(0, end).replace(/\n/g, '').trim();
  return { title, body: s.slice(end).trim() };
}

/** Cut position ≤ max: after the last ，；：、 or space past position 15, else at max (never inside a surrogate pair). */
const TITLE_END_PUNCT = new Set([...'。；;：:！!？?）)】」』”"']);

function cleanCut(s: string, max: number): number {
  for (let i = max - 1; i >= 15; i--) {
    if ('，,；;：:、 '.includes(s[i]!)) return i + 1;
  }
  const code = s.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

const LEADERS = new Set([...'.·…．。‧•-_─⋯・']);

/**
 * '1.1.1 范围 ........ 3' → 11 (where ' ........ 3' starts). Trailing 1–4 digits are a page number
 * when preceded by dot leaders (≥ 2), a tab or ≥ 2 spaces; after a single space only when
 * `singleSpace` (the text is a TOC: most headings had page numbers). Returns the title's length
 * when there is none. Scans backwards by hand: no regex on long lines.
 */
function pageNumberCut(title: string, singleSpace: boolean): number {
  const t = title.trimEnd();
  let j = t.length;
  while (j > 0 && t.charCodeAt(j - 1) >= 48 && t.charCodeAt(j - 1) <= 57) j--;
  if (j === t.length) {
    // dot leaders with the page number missing (a TOC field never updated)
    let k = j;
    while (k > 0 && LEADERS.has(t[k - 1]!) && t[k - 1] !== '。') k--;
    return j - k >= 3 && k > 0 ? k : title.length;
  }
  if (t.length - j > 4) return title.length;
  let k = j;
  let leaders = 0;
  let spaces = 0;
  let tab = false;
  while (k > 0) {
    const c = t[k - 1]!;
    if (c === ' ') spaces++;
    else if (c === '\t') tab = true;
    else if (LEADERS.has(c)) leaders++;
    else break;
    k--;
  }
  if (k === 0) return title.length; // nothing but the number
  const isPage = leaders >= 2 || tab || (leaders === 0 && spaces >= 2) || (singleSpace && leaders === 0 && spaces === 1);
  return isPage ? k : title.length;
}

// ---------------------------------------------------------------------------------------------
// Decimal outlines

const DECIMAL_RE = /^([0-9]{1,3}(?:\.[0-9]{1,3}){0,5})([.、])?/;

interface DecimalHead {
  parts: number[];
  rest: string;
}

/** '1.2 付款审批' / '1 总则' / '1.体例设计' → parts and title text; null for '100元', '1.5%', '2014年'. */
function decimalHead(line: string): DecimalHead | null {
  const t = line.trim();
  const m = DECIMAL_RE.exec(t);
  if (!m) return null;
  const rest = t.slice(m[0].length);
  const next = rest[0];
  if (next === undefined) return null;
  const parts = m[1]!.split('.').map(Number);
  if (next === ' ' || next === '\t') return { parts, rest };
  // without a space: only after a separator ('1.体例', '1、总则') or a multi-part number ('1.1目的'), and only before a letter
  if (!m[2] && parts.length === 1) return null;
  if (!/\p{L}/u.test(next)) return null;
  return { parts, rest };
}

interface DecimalEntry {
  node: ImportedNode;
  parts: number[];
  rawTitle: string;
  line: number;
  bodyLines: string[];
  /** a list item inside a heading ('1.' / '(1)' / '一、' lines) rather than a decimal heading */
  item?: boolean;
}

// list items inside a decimal outline: '1.' '1、' '1)' | '(1)' '（一）' | '一、'
const LIST_RE = /^(?:([0-9]{1,3})([.、)）])(?![0-9])|[（(]([0-9]{1,3}|[一二三四五六七八九十]{1,3})[)）]|([一二三四五六七八九十]{1,3})、)/;

interface ListMark {
  style: string;
  value: number;
  number: string;
  marker: string;
  rest: string;
}

function listMark(line: string): ListMark | null {
  const t = line.trimStart();
  const m = LIST_RE.exec(t);
  if (!m) return null;
  const rest = t.slice(m[0].length);
  if (m[1]) return { style: `ar${m[2] === '、' ? '.' : m[2] === '）' ? ')' : m[2]}`, value: Number(m[1]), number: `${Number(m[1])}.`, marker: m[0], rest };
  if (m[3]) {
    const v = chineseNumeralToNumber(m[3]);
    if (!v) return null;
    return /[0-9]/.test(m[3])
      ? { style: 'arParen', value: v, number: `(${v})`, marker: m[0], rest }
      : { style: 'cnParen', value: v, number: `（${toChineseNumeral(v)}）`, marker: m[0], rest };
  }
  const v = chineseNumeralToNumber(m[4]!);
  return v ? { style: 'cnComma', value: v, number: `${toChineseNumeral(v)}、`, marker: m[0], rest } : null;
}

interface DecimalPass {
  nodes: ImportedNode[];
  entries: DecimalEntry[];
  warnings: ImportWarning[];
  preamble: string;
  dropped: DroppedText[];
}

/**
 * Line-based. A heading is accepted when its number comes after the current one in outline order
 * with a small step (the differing component grows by ≤ 3, new components start ≤ 3); the first
 * heading may be anything with components ≤ 20. Parent = the nearest open heading whose number is
 * a prefix of this one; a missing level ('2.1' with no '2') is warned about and the node sits
 * one level up, so depth always equals tree position.
 * Lists inside a heading ('如下：\n1. 甲\n2. 乙') are its sub-items, not new top-level headings: a
 * one-part number written differently from the top-level headings ('1.' where they are '1 '), or a
 * '1.' restarting inside a deeper heading, opens a list; the list goes on while it counts on and
 * ends at the next multi-part heading.
 */
function decimalPass(text: string): DecimalPass {
  const lines = text.split('\n');
  const nodes: ImportedNode[] = [];
  const entries: DecimalEntry[] = [];
  const warnings: ImportWarning[] = [];
  const dropped: DroppedText[] = [];
  const preambleLines: string[] = [];
  let stack: DecimalEntry[] = [];
  let current: number[] = [];
  let topForm: string | undefined;
  let items: { style: string; value: number; entry: DecimalEntry }[] = [];
  let headingsSeen = 0;
  let headCount = 0;
  let firstHead: number[] | null = null;
  // any text besides headings so far: then a restart of the numbering is not a table of contents
  let anyText = false;
  let firstHeadingLine = -1;
  const target = () => entries[entries.length - 1];
  lines.forEach((line, i) => {
    const head = line.length <= 2000 ? decimalHead(line) : null;
    const form = head ? (head.parts.length > 1 ? 'multi' : (/^\s*[0-9]{1,3}([.、])/.exec(line)?.[1] ?? ' ')) : '';
    const depthNow = stack.length ? stack[stack.length - 1]!.node.depth : -1;
    const mark = entries.length ? listMark(line) : null;
    let asList = false;
    if (mark && !head) asList = true; // '(1)', '一、', '1)' lines
    else if (mark && head && head.parts.length === 1) {
      const open = items.some((it) => it.style === mark.style);
      if (topForm !== undefined && form !== topForm) asList = true;
      else if (depthNow >= 1 && (open || mark.value === 1)) asList = true;
      else if (topForm === undefined && mark.value === 1) asList = true;
    }
    // (counted as lines come, so the pass stays linear)
    if (!asList && head && headCount >= 2 && !anyText && sameParts(head.parts, firstHead!)) {
      // the numbering starts over after headings without any text: those were a table of contents
      warnings.push(warn('decimalTocDropped', { count: entries.length, number: head.parts.join('.'), line: i + 1 }));
      dropped.push({ text: lines.slice(firstHeadingLine, i).join('\n').trim(), reason: 'toc' });
      nodes.length = 0;
      entries.length = 0;
      stack = [];
      current = [];
      items = [];
      headCount = 0;
      firstHead = null;
    }
    if (asList && mark) {
      const level = items.findIndex((it) => it.style === mark.style);
      const ok = level >= 0 ? true : mark.value === 1;
      if (ok) {
        if (level >= 0) items = items.slice(0, level);
        const parentEntry = items.length ? items[items.length - 1]!.entry : stack[stack.length - 1];
        if (parentEntry) {
          const node: ImportedNode = { kind: 'clause', number: mark.number, marker: mark.marker, title: '', body: '', depth: parentEntry.node.depth + 1, children: [] };
          parentEntry.node.children.push(node);
          const entry: DecimalEntry = { node, parts: parentEntry.parts, rawTitle: mark.rest, line: i + 1, bodyLines: [], item: true };
          entries.push(entry);
          items.push({ style: mark.style, value: mark.value, entry });
          anyText = true;
          return;
        }
      }
    }
    if (head && plausibleNext(current, head.parts)) {
      if (head.parts.length === 1 && topForm === undefined) topForm = form;
      if (headingsSeen === 0 || entries.length === 0) firstHeadingLine = i;
      headingsSeen++;
      current = head.parts;
      items = [];
      stack = stack.filter((e) => isPrefix(e.parts, head.parts));
      const parent = stack[stack.length - 1] ?? null;
      const depth = parent ? parent.node.depth + 1 : 0;
      if (head.parts.length - 1 > depth) warnings.push(warn('noParent', { number: head.parts.join('.'), line: i + 1, parent: head.parts.slice(0, -1).join('.') }));
      const trimmed = line.trim();
      const marker = trimmed.slice(0, trimmed.length - head.rest.length);
      const node: ImportedNode = { kind: depth === 0 ? 'chapter' : depth === 1 ? 'section' : 'clause', number: head.parts.join('.'), marker, title: '', body: '', depth, children: [] };
      (parent ? parent.node.children : nodes).push(node);
      const entry: DecimalEntry = { node, parts: head.parts, rawTitle: head.rest, line: i + 1, bodyLines: [] };
      entries.push(entry);
      stack.push(entry);
      headCount++;
      firstHead ??= head.parts;
      if (/[。；;]/.test(head.rest)) anyText = true;
    } else if (entries.length) {
      target()!.bodyLines.push(line);
      if (line.trim()) anyText = true;
    } else {
      preambleLines.push(line);
    }
  });
  // TOC detection: if most headings carry a page number after leaders/tabs/spaces, also strip one after a single space.
  const heads = entries.filter((e) => !e.item);
  const strict = heads.filter((e) => pageNumberCut(e.rawTitle.trim(), false) < e.rawTitle.trim().length).length;
  const toc = heads.length >= 3 && strict * 2 >= heads.length;
  for (const e of entries) {
    if (e.item) {
      const { title, body } = sentenceText([e.rawTitle, ...e.bodyLines].join('\n'), true);
      e.node.title = title;
      e.node.body = body;
      continue;
    }
    let title = e.rawTitle.trim();
    const cut = pageNumberCut(title, toc);
    if (cut < title.length) {
      dropped.push({ text: title.slice(cut).trim(), reason: 'pageNumber' });
      title = title.slice(0, cut).trimEnd();
    }
    let body = e.bodyLines.join('\n').trim();
    if (title.length > 40 || /[。，,；;]/.test(title)) {
      // '1.2适用范围本制度适用于…': a heading run straight into its text
      const split = splitHeading(title);
      title = split.title;
      body = [split.body, body].filter(Boolean).join('\n');
    }
    e.node.title = title;
    e.node.body = body;
  }
  return { nodes, entries, warnings, preamble: preambleLines.join('\n'), dropped };
}

function sameParts(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function isPrefix(a: number[], b: number[]): boolean {
  return a.length < b.length && a.every((v, i) => v === b[i]);
}

// ---------------------------------------------------------------------------------------------
// Entry point

export function parseOutlineText(text: string, opts: { maxLength?: number } = {}): ImportResult {
  const maxLength = opts.maxLength ?? DEFAULT_MAX_IMPORT_LENGTH;
  if (typeof text !== 'string' || text.trim().length === 0) throw new ImportTextError('empty', 'the text to import is empty');
  if (text.length > maxLength) {
    throw new ImportTextError('too_large', `the text is ${text.length} characters long; the import limit is ${maxLength}`);
  }
  const dropped: DroppedText[] = [];
  const { clean, skipped, warnings } = removeFurniture(normalise(text), dropped);
  const stats = { chapters: 0, sections: 0, articles: 0, items: 0, skippedLines: skipped };
  const script = detectScript(clean);

  const reg = regulationPass(clean);
  const structural = reg.chapters + reg.sections + reg.articles;
  const dec = structural > 0 ? null : decimalPass(splitInlineDecimals(clean));

  if (structural > 0 || (reg.items >= 2 && (!dec || dec.entries.length < reg.items))) {
    const first = reg.entries[0];
    const start = first ? first.token.start : clean.length;
    const preambleEnd = reg.tocStart >= 0 ? reg.tocStart : start;
    const meta = readPreamble(clean.slice(0, preambleEnd), { properties: {}, dropped });
    if (reg.tocStart >= 0) dropped.push({ text: clean.slice(reg.tocStart, start).trim(), reason: 'toc' });
    fillRegulationText(clean, reg.entries, dropped);
    const preamble = clean.slice(0, start).trim().length;
    if (preamble) warnings.push(warn('preamble', { chars: preamble }));
    warnings.push(...capWarnings(reg.warnings));
    return {
      format: 'regulation',
      nodes: reg.nodes,
      warnings,
      stats: { ...stats, chapters: reg.chapters, sections: reg.sections, articles: reg.articles, items: reg.items },
      properties: meta.properties,
      dropped: nonEmpty(dropped),
      script,
    };
  }
  if (dec && dec.entries.length >= 2) {
    const meta = readPreamble(dec.preamble, { properties: {}, dropped });
    dropped.push(...dec.dropped);
    if (dec.preamble.trim()) warnings.push(warn('preamble', { chars: dec.preamble.trim().length }));
    warnings.push(...capWarnings(dec.warnings));
    const byDepth = (d: (n: number) => boolean) => dec.entries.filter((e) => d(e.node.depth)).length;
    return {
      format: 'decimal',
      nodes: dec.nodes,
      warnings,
      stats: { ...stats, chapters: byDepth((d) => d === 0), sections: byDepth((d) => d === 1), items: byDepth((d) => d >= 2) },
      properties: meta.properties,
      dropped: nonEmpty(dropped),
      script,
    };
  }
  warnings.push(warn('noStructure'));
  if (clean.trim()) dropped.push({ text: clean.trim(), reason: 'unstructured' });
  return { format: 'none', nodes: [], warnings, stats, properties: {}, dropped: nonEmpty(dropped), script };
}

const nonEmpty = (list: DroppedText[]) => list.filter((d) => d.text.trim().length > 0);

function capWarnings(list: ImportWarning[]): ImportWarning[] {
  if (list.length <= MAX_LISTED_WARNINGS) return list;
  return [...list.slice(0, MAX_LISTED_WARNINGS), warn('more', { count: list.length - MAX_LISTED_WARNINGS })];
}

/** Pre-order list without children (for --json output and previews). */
export function flattenImported(nodes: ImportedNode[]): Array<Omit<ImportedNode, 'children'>> {
  const out: Array<Omit<ImportedNode, 'children'>> = [];
  const stack: ImportedNode[] = [...nodes].reverse();
  while (stack.length) {
    const { children, ...rest } = stack.pop()!;
    out.push(rest);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return out;
}
