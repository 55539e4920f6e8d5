import { AlignmentType, PageBreak, Paragraph, TextRun } from 'docx';
import type { DocumentPlan } from '../../shared/manual-document.ts';

/**
 * The cover page: the manual's name (Title style, never a heading: it is not part of the outline),
 * a draft mark, then one labelled property per paragraph (文号：… / 版本：… / 生效日期：… / 发布：…),
 * so an importer can read them back line by line.
 */
export function coverParagraphs(plan: DocumentPlan): Paragraph[] {
  const centred = (text: string, opts: { size?: number; bold?: boolean; color?: string; before?: number } = {}) =>
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: opts.before ?? 0, after: 200 },
      children: [new TextRun({ text, size: opts.size, bold: opts.bold, color: opts.color })],
    });
  return [
    new Paragraph({ style: 'Title', alignment: AlignmentType.CENTER, spacing: { before: 3600, after: 600 }, children: [new TextRun(plan.title)] }),
    ...(plan.draft ? [centred(plan.draftMark, { size: 48, bold: true, color: 'C00000', before: 200 })] : []),
    ...plan.coverLines.map((line, i) => centred(line, { size: 28, before: i === 0 ? 1200 : 0 })),
    centred(plan.coverStatus, { size: 22, color: '595959', before: 600 }),
    new Paragraph({ children: [new PageBreak()] }),
  ];
}
