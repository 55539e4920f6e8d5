import { BorderStyle, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { Block } from '../../shared/manual-document.ts';

/**
 * A control point's attributes as a two-column table: label | value (one paragraph per value line).
 * Widths and borders are set once on the table, the label's look by its paragraph style: per-cell
 * properties would be written (and built, and compressed) 14 times per control, 20,000 times over.
 */

// A4 (11906 twips) less two 1440-twip margins
const TEXT_WIDTH = 9026;
const LABEL_WIDTH = 2000;
const border = { style: BorderStyle.SINGLE, size: 4, color: '999999' };
const borders = { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border };

export function controlTable(block: Extract<Block, { type: 'control' }>): Table {
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH],
    borders,
    rows: block.rows.map(
      (row) =>
        new TableRow({
          children: [
            new TableCell({ children: [new Paragraph({ style: 'ControlLabel', children: [new TextRun(row.label)] })] }),
            new TableCell({ children: row.lines.map((line) => new Paragraph({ style: 'ControlValue', children: [new TextRun(line)] })) }),
          ],
        }),
    ),
  });
}
