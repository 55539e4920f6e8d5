import { Document, HeadingLevel, LevelFormat, Packer, Paragraph, AlignmentType } from 'docx';
import { SaxesParser } from 'saxes';
import { medianMs, type BenchCase } from '../harness.ts';
import { readDocxParts } from '../../server/manual/docx-parts.ts';
import { readDocument } from '../../server/manual/document-read.ts';

/**
 * `BENCH import-docx`: a ≈ 2 MB .docx of ≈ 20,000 paragraphs (heading styles with typed numbers,
 * automatic list items, body text) read into an outline with the full structure rebuild, against
 * the floor — unzipping it and parsing word/document.xml to plain text — in the same run. Goal ≤ 3.
 */
async function bigDocx(): Promise<{ buffer: Buffer; paragraphs: number }> {
  const children: Paragraph[] = [];
  // varied text (a seeded walk over common CJK characters), so the file is ≈ 2 MB as real ones are, not a few KB of repeats
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const text = (n: number) => Array.from({ length: n }, (_, i) => (i % 17 === 16 ? '，' : String.fromCharCode(0x4e00 + Math.floor(rnd() * 3000)))).join('') + '。';
  for (let c = 1; children.length < 20_000; c++) {
    children.push(new Paragraph({ text: `${c} 第${c}部分资金管理`, heading: HeadingLevel.HEADING_1 }));
    for (let s = 1; s <= 8; s++) {
      children.push(new Paragraph({ text: `${c}.${s} 控制要求${s}`, heading: HeadingLevel.HEADING_2 }));
      children.push(new Paragraph(text(100)));
      for (let i = 0; i < 3; i++) children.push(new Paragraph({ text: text(50 + i * 10), numbering: { reference: 'items', level: 0 } }));
    }
  }
  const doc = new Document({
    numbering: { config: [{ reference: 'items', levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '(%1)', alignment: AlignmentType.LEFT }] }] },
    sections: [{ children }],
  });
  return { buffer: Buffer.from(await Packer.toBuffer(doc)), paragraphs: children.length };
}

async function plainText(buffer: Buffer): Promise<number> {
  const xml = (await readDocxParts(buffer)).get('word/document.xml')!;
  const parser = new SaxesParser({ xmlns: false });
  let chars = 0;
  parser.on('text', (t) => (chars += t.length));
  parser.write(xml.toString('utf8')).close();
  return chars;
}

export const importDocx: BenchCase = {
  name: 'import-docx',
  async run() {
    const { buffer, paragraphs } = await bigDocx();
    let nodes = 0;
    const full = await medianMs(async () => {
      const r = await readDocument(buffer);
      nodes = r.stats.chapters + r.stats.sections + r.stats.articles + r.stats.items;
    }, 5, 1);
    const floor = await medianMs(() => plainText(buffer), 5, 1);
    const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    return {
      ratio: full / floor,
      details: `size=${(buffer.length / 1024 / 1024).toFixed(2)}MB paragraphs=${paragraphs} nodes=${nodes} import_ms=${full.toFixed(0)} unzip_text_ms=${floor.toFixed(0)} peak_rss_mb=${rssMb}`,
    };
  },
};
