import {
  AlignmentType,
  Document,
  Footer,
  Header,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  TableOfContents,
  TextRun,
  type IParagraphStyleOptions,
  type Table,
} from 'docx';
import { MAX_HEADING_LEVEL, type DocumentPlan } from '../../shared/manual-document.ts';
import { coverParagraphs } from './cover.ts';
import { controlTable } from './control-table.ts';

/**
 * The planned manual (shared/manual-document.ts) as a .docx: cover, a TOC field, Heading1..9 per
 * outline level (Word's navigation pane shows the tree), bodies, control tables, a header with the
 * manual's name (and the draft mark) and a "page X of Y" footer from PAGE / NUMPAGES fields.
 */

export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const BODY_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: 'SimSun' };
const HEADING_FONT = { ascii: 'Arial', hAnsi: 'Arial', eastAsia: 'SimHei' };
/** half-points: 三号 16pt, 四号 14pt, 小四 12pt, then 五号 10.5pt */
const HEADING_SIZES = [32, 28, 24, 24, 22, 22, 21, 21, 21];
/** the TOC lists the top three levels: a 20,000-item manual's full tree would be a book of its own */
const TOC_LEVELS = 3;
const INDENT_STEP = 420; // twips: two Chinese characters at 10.5pt

function headingStyle(level: number) {
  return {
    run: { font: HEADING_FONT, size: HEADING_SIZES[level - 1], bold: level <= 3, color: '000000' },
    // outlineLevel makes the style an outline level for Word's navigation pane and the TOC field
    paragraph: { outlineLevel: level - 1, keepNext: true, spacing: { before: level <= 2 ? 240 : 120, after: 120 } },
  };
}

/** Heading7..9 are not among docx's default styles: declared like Word's own (name "heading N"). */
const extraHeadings: IParagraphStyleOptions[] = [7, 8, 9].map((level) => ({
  id: `Heading${level}`,
  name: `heading ${level}`,
  basedOn: 'Normal',
  next: 'Normal',
  quickFormat: true,
  ...headingStyle(level),
}));

const paragraphStyles: IParagraphStyleOptions[] = [
  ...extraHeadings,
  { id: 'ControlLabel', name: 'Control Label', basedOn: 'Normal', run: { bold: true, size: 18 }, paragraph: { spacing: { before: 0, after: 0 } } },
  { id: 'ControlValue', name: 'Control Value', basedOn: 'Normal', run: { size: 18 }, paragraph: { spacing: { before: 0, after: 0 } } },
];

function body(plan: DocumentPlan): (Paragraph | Table | TableOfContents)[] {
  const out: (Paragraph | Table | TableOfContents)[] = [];
  for (const block of plan.blocks) {
    if (block.type === 'heading') {
      out.push(new Paragraph({ style: `Heading${Math.min(block.level, MAX_HEADING_LEVEL)}`, children: [new TextRun(block.text)] }));
    } else if (block.type === 'paragraph') {
      out.push(
        new Paragraph({
          children: [new TextRun({ text: block.text, bold: block.bold })],
          indent: block.indent ? { left: block.indent * INDENT_STEP } : undefined,
          spacing: { after: 80 },
        }),
      );
    } else {
      out.push(controlTable(block), new Paragraph({ spacing: { after: 120 }, children: [] }));
    }
  }
  return out;
}

export function manualDocument(plan: DocumentPlan): Document {
  const [beforePage, betweenPages, afterTotal] = plan.footer;
  return new Document({
    title: plan.title,
    creator: 'ControlBook',
    description: plan.coverLines.join('\n'),
    // fields (the TOC's page numbers, PAGE / NUMPAGES) are updated when the file is opened
    features: { updateFields: true },
    styles: {
      default: {
        document: { run: { font: BODY_FONT, size: 21 }, paragraph: { spacing: { line: 360 } } },
        title: { run: { font: HEADING_FONT, size: 44, bold: true, color: '000000' } },
        heading1: headingStyle(1),
        heading2: headingStyle(2),
        heading3: headingStyle(3),
        heading4: headingStyle(4),
        heading5: headingStyle(5),
        heading6: headingStyle(6),
      },
      paragraphStyles,
    },
    sections: [
      {
        properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1440, bottom: 1440, left: 1440, right: 1440 } } },
        headers: {
          default: new Header({
            children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: plan.header, size: 18, color: plan.draft ? 'C00000' : '595959' })] })],
          }),
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  new TextRun({ text: beforePage, size: 18 }),
                  new TextRun({ children: [PageNumber.CURRENT], size: 18 }),
                  new TextRun({ text: betweenPages, size: 18 }),
                  new TextRun({ children: [PageNumber.TOTAL_PAGES], size: 18 }),
                  ...(afterTotal ? [new TextRun({ text: afterTotal, size: 18 })] : []),
                ],
              }),
            ],
          }),
        },
        children: [
          ...coverParagraphs(plan),
          // not a heading: the contents title is no part of the outline
          new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [new TextRun({ text: plan.contentsTitle, bold: true, size: 32, font: HEADING_FONT })] }),
          new TableOfContents(plan.contentsTitle, {
            hyperlink: true,
            headingStyleRange: `1-${TOC_LEVELS}`,
            // the entries written from the plan (no page numbers yet: Word fills them when it updates
            // the field on opening); letting docx find them means a second walk over the whole body
            cachedEntries: plan.blocks.flatMap((b) => (b.type === 'heading' && b.level <= TOC_LEVELS ? [{ title: b.text, level: b.level }] : [])),
          }),
          new Paragraph({ children: [new PageBreak()] }),
          ...body(plan),
        ],
      },
    ],
  });
}

export function manualDocxBuffer(plan: DocumentPlan): Promise<Buffer> {
  return Packer.toBuffer(manualDocument(plan));
}
