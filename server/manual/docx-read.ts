import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { appError } from '../errors.ts';
import { NumberingCounter, type NumberingDefs, type NumberingLevel } from '../../shared/docx-numbering.ts';
import { tableText, type DocParagraph, type DocxRead } from '../../shared/docx-outline.ts';
import type { DroppedText } from '../../shared/import-meta.ts';
import { readDocxParts } from './docx-parts.ts';

/**
 * A .docx read directly as OOXML (word/document.xml with saxes, a streaming parser: linear, and
 * it sees what converters hide — w:numPr list numbering, style outline levels, fields). Headers,
 * footers and footnotes live in other parts and are never read; footnote marks carry no text;
 * field instructions (w:instrText) are skipped and a TOC field's result is set aside as dropped.
 */

type Attrs = Record<string, string>;

function parseXml(xml: Buffer, on: { open(name: string, a: Attrs): void; close(name: string): void; text(t: string): void }): void {
  const parser = new SaxesParser({ xmlns: false });
  parser.on('opentag', (tag: SaxesTagPlain) => on.open(tag.name, tag.attributes as Attrs));
  parser.on('closetag', (tag: SaxesTagPlain) => on.close(tag.name));
  parser.on('text', (t: string) => on.text(t));
  try {
    parser.write(xml.toString('utf8')).close();
  } catch (err) {
    throw appError('BAD_REQUEST', 'errors.docImport.damaged', { detail: (err as Error).message.slice(0, 200) });
  }
}

interface StyleDef {
  name: string;
  basedOn?: string;
  outlineLvl?: number;
  numId?: string;
  ilvl?: number;
}

function readStyles(xml: Buffer | undefined): Map<string, StyleDef> {
  const styles = new Map<string, StyleDef>();
  if (!xml) return styles;
  let cur: StyleDef | null = null;
  let inPPr = false;
  parseXml(xml, {
    open(name, a) {
      if (name === 'w:style' && (a['w:type'] ?? 'paragraph') === 'paragraph') {
        cur = { name: '' };
        styles.set(a['w:styleId'] ?? '', cur);
      } else if (!cur) return;
      else if (name === 'w:name') cur.name = a['w:val'] ?? '';
      else if (name === 'w:basedOn') cur.basedOn = a['w:val'];
      else if (name === 'w:pPr') inPPr = true;
      else if (inPPr && name === 'w:outlineLvl') cur.outlineLvl = Number(a['w:val']);
      else if (inPPr && name === 'w:numId') cur.numId = a['w:val'];
      else if (inPPr && name === 'w:ilvl') cur.ilvl = Number(a['w:val']);
    },
    close(name) {
      if (name === 'w:style') cur = null;
      if (name === 'w:pPr') inPPr = false;
    },
    text() {},
  });
  return styles;
}

function readNumbering(xml: Buffer | undefined): NumberingDefs {
  const abstracts = new Map<string, NumberingLevel[]>();
  const nums = new Map<string, { abstractId: string; overrides: Map<number, number> }>();
  if (xml) {
    let levels: NumberingLevel[] | null = null;
    let lvl: NumberingLevel | null = null;
    let num: { abstractId: string; overrides: Map<number, number> } | null = null;
    let overrideLvl = -1;
    parseXml(xml, {
      open(name, a) {
        if (name === 'w:abstractNum') abstracts.set(a['w:abstractNumId'] ?? '', (levels = []));
        else if (name === 'w:num') nums.set(a['w:numId'] ?? '', (num = { abstractId: '', overrides: new Map() }));
        else if (num && name === 'w:abstractNumId') num.abstractId = a['w:val'] ?? '';
        else if (num && name === 'w:lvlOverride') overrideLvl = Number(a['w:ilvl']);
        else if (num && name === 'w:startOverride') num.overrides.set(overrideLvl, Number(a['w:val']));
        else if (levels && name === 'w:lvl') levels[Number(a['w:ilvl'])] = lvl = { start: 1, numFmt: 'decimal', lvlText: '' };
        else if (lvl && name === 'w:start') lvl.start = Number(a['w:val']);
        else if (lvl && name === 'w:numFmt') lvl.numFmt = a['w:val'] ?? 'decimal';
        else if (lvl && name === 'w:lvlText') lvl.lvlText = a['w:val'] ?? '';
        else if (lvl && name === 'w:lvlRestart') lvl.restart = Number(a['w:val']);
        else if (lvl && name === 'w:isLgl') lvl.legal = a['w:val'] !== '0' && a['w:val'] !== 'false';
      },
      close(name) {
        if (name === 'w:abstractNum') levels = null;
        if (name === 'w:lvl') lvl = null;
        if (name === 'w:num') num = null;
      },
      text() {},
    });
  }
  const lists: NumberingDefs['lists'] = new Map();
  for (const [id, n] of nums) lists.set(id, { abstractId: n.abstractId, levels: abstracts.get(n.abstractId) ?? [], overrides: n.overrides });
  return { lists };
}

function readCoreTitle(xml: Buffer | undefined): string | undefined {
  if (!xml) return undefined;
  let inTitle = false;
  let title = '';
  parseXml(xml, {
    open: (name) => void (inTitle = name === 'dc:title'),
    close: () => void (inTitle = false),
    text: (t) => void (inTitle && (title += t)),
  });
  return title.trim() || undefined;
}

const HEADING_NAME_RE = /^(heading|标题|標題)\s*([1-9])$/i;
const TOC_STYLE_RE = /^(toc\s*[1-9]|toc heading|目录\s*[1-9]?|目錄\s*[1-9]?)$/i;
const TITLE_NAMES = new Set(['title', '标题', '標題']);

/** A .docx buffer → its paragraphs with heading levels and rendered list numbers. */
export async function readDocx(buffer: Buffer): Promise<DocxRead> {
  const parts = await readDocxParts(buffer);
  const styles = readStyles(parts.get('word/styles.xml'));
  const counter = new NumberingCounter(readNumbering(parts.get('word/numbering.xml')));
  const style = (id: string | undefined) => {
    // resolve basedOn for outline level and numbering (bounded: cycles stop after 10 steps)
    let s = id ? styles.get(id) : undefined;
    const out: { name: string; id: string; outlineLvl?: number; numId?: string; ilvl?: number } = { name: s?.name ?? '', id: id ?? '' };
    for (let i = 0; s && i < 10; i++, s = s.basedOn ? styles.get(s.basedOn) : undefined) {
      out.outlineLvl ??= s.outlineLvl;
      out.numId ??= s.numId;
      out.ilvl ??= s.ilvl;
    }
    return out;
  };

  const paragraphs: DocParagraph[] = [];
  const dropped: DroppedText[] = [];
  const tables: { rows: string[][]; row: string[] | null; cell: string[] | null }[] = [];
  const fields: { instr: string; result: boolean }[] = [];
  const sdts: boolean[] = [];
  let p: { text: string; toc?: boolean; styleId?: string; numId?: string; ilvl?: number; outlineLvl?: number } | null = null;
  let inPPr = false;
  let inRun = false;
  let inT = false;
  let inInstr = false;
  let inDel = 0;
  let simpleToc = 0;
  const inToc = () => sdts.some(Boolean) || simpleToc > 0 || fields.some((f) => f.result && /^\s*TOC\b/i.test(f.instr));

  parseXml(parts.get('word/document.xml')!, {
    open(name, a) {
      switch (name) {
        case 'w:p':
          p = { text: '' };
          break;
        case 'w:pPr':
          inPPr = true;
          break;
        case 'w:pStyle':
          if (p && inPPr) p.styleId = a['w:val'];
          break;
        case 'w:numId':
          if (p && inPPr) p.numId = a['w:val'];
          break;
        case 'w:ilvl':
          if (p && inPPr) p.ilvl = Number(a['w:val']);
          break;
        case 'w:outlineLvl':
          if (p && inPPr) p.outlineLvl = Number(a['w:val']);
          break;
        case 'w:r':
          inRun = true;
          break;
        case 'w:t':
          inT = true;
          break;
        case 'w:del':
          inDel++;
          break;
        case 'w:instrText':
          inInstr = true;
          break;
        case 'w:tab':
          if (p && inRun && !inInstr && !inDel) p.text += '\t';
          break;
        case 'w:br':
        case 'w:cr':
          if (p && inRun && !inDel) p.text += '\n';
          break;
        case 'w:fldChar': {
          const type = a['w:fldCharType'];
          if (type === 'begin') fields.push({ instr: '', result: false });
          else if (type === 'separate' && fields.length) fields[fields.length - 1]!.result = true;
          else if (type === 'end') fields.pop();
          break;
        }
        case 'w:fldSimple':
          if (/^\s*TOC\b/i.test(a['w:instr'] ?? '')) simpleToc++;
          break;
        case 'w:sdt':
          sdts.push(false);
          break;
        case 'w:docPartGallery':
          if (sdts.length && /table of contents/i.test(a['w:val'] ?? '')) sdts[sdts.length - 1] = true;
          break;
        case 'w:tbl':
          tables.push({ rows: [], row: null, cell: null });
          break;
        case 'w:tr':
          if (tables.length) tables[tables.length - 1]!.row = [];
          break;
        case 'w:tc':
          if (tables.length) tables[tables.length - 1]!.cell = [];
          break;
      }
    },
    text(t) {
      if (inInstr && fields.length) fields[fields.length - 1]!.instr += t;
      else if (p && inT && !inDel && !fields.some((f) => !f.result)) {
        p.text += t;
        if (inToc()) p.toc = true;
      }
    },
    close(name) {
      switch (name) {
        case 'w:pPr':
          inPPr = false;
          break;
        case 'w:r':
          inRun = false;
          break;
        case 'w:t':
          inT = false;
          break;
        case 'w:del':
          inDel--;
          break;
        case 'w:instrText':
          inInstr = false;
          break;
        case 'w:fldSimple':
          if (simpleToc > 0) simpleToc--;
          break;
        case 'w:sdt':
          sdts.pop();
          break;
        case 'w:p': {
          if (!p) break;
          const para = p;
          p = null;
          const st = style(para.styleId);
          const numId = para.numId ?? st.numId;
          const auto = numId ? counter.next(numId, para.ilvl ?? st.ilvl ?? 0)?.text ?? '' : '';
          const table = tables[tables.length - 1];
          if (table?.cell) {
            table.cell.push(auto ? `${auto} ${para.text}` : para.text);
            break;
          }
          if (!para.text.trim()) break;
          if (para.toc || inToc() || TOC_STYLE_RE.test(st.name) || /^TOC[1-9]?$/i.test(st.id)) {
            dropped.push({ text: para.text.trim(), reason: 'toc' });
            break;
          }
          const lvl = para.outlineLvl ?? st.outlineLvl;
          const named = HEADING_NAME_RE.exec(st.name) ?? /^(Heading)([1-9])$/.exec(st.id);
          const level = lvl !== undefined && lvl < 9 ? lvl : named ? Number(named[2]) - 1 : undefined;
          const isTitle = TITLE_NAMES.has(st.name.toLowerCase()) || st.id === 'Title';
          paragraphs.push({ text: para.text, level: isTitle ? undefined : level, auto: auto || undefined, title: isTitle || undefined });
          break;
        }
        case 'w:tc': {
          const t = tables[tables.length - 1];
          if (t?.cell && t.row) t.row.push(t.cell.join('\n'));
          if (t) t.cell = null;
          break;
        }
        case 'w:tr': {
          const t = tables[tables.length - 1];
          if (t?.row) t.rows.push(t.row);
          if (t) t.row = null;
          break;
        }
        case 'w:tbl': {
          const t = tables.pop()!;
          const outer = tables[tables.length - 1];
          if (outer?.cell) outer.cell.push(tableText(t.rows));
          else if (t.rows.length) paragraphs.push({ text: '', table: t.rows });
          break;
        }
      }
    },
  });
  return { paragraphs, dropped, coreTitle: readCoreTitle(parts.get('docProps/core.xml')) };
}
