import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readZip, readZipEntries } from '../../server/files/bounded-unzip.ts';
import { checkZip } from '../../server/rcm/read.ts';
import { APPROVAL_IMPORT_URL } from '../../shared/approval-import.ts';
import { buildZip, deflatedZeros, readZip as readAll, stored, type RawEntry } from '../fixtures/zip.ts';
import { describeApi } from '../api/harness.ts';
import { httpApp } from './http.ts';

const MiB = 1024 * 1024;
const deflated = (name: string, content: Buffer): RawEntry => ({ name, data: zlib.deflateRawSync(content), method: 8, uncompressedSize: content.length, crc: zlib.crc32(content) });
/** the error key a promise rejects with */
const keyOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { cause?: { key?: string } }) => e.cause?.key ?? String(e));

/** A real workbook plus one extra part of `padMiB` MiB of zeros: every size honest, only the ratio is extreme. */
async function paddedWorkbook(padMiB: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Approvals').addRow(['事项', '单号', '申请人', '审批人', '金额', '审批日期']);
  const parts = await readAll(Buffer.from(await wb.xlsx.writeBuffer()));
  const zeros = await deflatedZeros(padMiB * MiB);
  return buildZip([
    ...[...parts].map(([name, content]) => deflated(name, content)),
    { name: 'xl/media/pad.bin', data: zeros, method: 8, uncompressedSize: padMiB * MiB, crc: zlib.crc32(Buffer.alloc(padMiB * MiB)) },
  ]);
}

describe('bounded unzip (the helper uploads and the .docx importer use)', () => {
  const doc = buildZip([deflated('word/document.xml', Buffer.from('<w:document>你好</w:document>')), stored('[Content_Types].xml', '<Types/>')]);

  it('reads named entries and refuses a missing one', async () => {
    const entries = await readZipEntries(doc, ['word/document.xml']);
    expect(entries.get('word/document.xml')!.toString('utf8')).toBe('<w:document>你好</w:document>');
    expect(await keyOf(readZipEntries(doc, ['word/styles.xml']))).toBe('errors.zip.missingEntry');
  });

  it('refuses over the per-entry, total and ratio caps, while inflating', async () => {
    const big = buildZip([deflated('a.xml', Buffer.alloc(3 * MiB, 'a')), deflated('b.xml', Buffer.alloc(3 * MiB, 'b'))]);
    const bounds = { entryBytes: 4 * MiB, totalBytes: 5 * MiB, maxRatio: 10_000, ratioFreeBytes: 1 * MiB };
    expect(await keyOf(readZip(big, { bounds: { ...bounds, entryBytes: 2 * MiB } }))).toBe('errors.zip.entryTooLarge');
    expect(await keyOf(readZip(big, { bounds }))).toBe('errors.zip.tooLargeUnpacked');
    expect(await keyOf(readZip(big, { bounds: { ...bounds, totalBytes: 10 * MiB, maxRatio: 100 } }))).toBe('errors.zip.ratio');
    expect(await keyOf(readZip(big, { bounds: { ...bounds, totalBytes: 10 * MiB } }))).toBe('resolved');
    // a part lying about its size is caught by the actual count too (yauzl: corrupt)
    const liar = buildZip([{ ...deflated('a.xml', Buffer.alloc(3 * MiB, 'a')), uncompressedSize: 100 }]);
    expect(await keyOf(readZip(liar))).toBe('errors.zip.corrupt');
  });

  it('refuses encrypted and damaged files with clear errors', async () => {
    const encrypted = Buffer.from(doc);
    // set "encrypted" (bit 0) in the general-purpose flags of every local and central header
    for (let i = 0; i < encrypted.length - 4; i++) {
      const sig = encrypted.readUInt32LE(i);
      if (sig === 0x04034b50) encrypted[i + 6]! |= 1;
      if (sig === 0x02014b50) encrypted[i + 8]! |= 1;
    }
    expect(await keyOf(readZipEntries(encrypted, ['word/document.xml']))).toBe('errors.zip.encrypted');
    expect(await keyOf(readZipEntries(doc.subarray(0, doc.length - 10), ['word/document.xml']))).toBe('errors.zip.corrupt');
    expect(await keyOf(readZipEntries(Buffer.from('not a zip at all'), ['word/document.xml']))).toBe('errors.zip.corrupt');
  });

  it('an .xlsx whose sizes are honest but which unpacks 1000x is refused by the workbook check (RCM import and approvals import)', async () => {
    const file = await paddedWorkbook(60);
    expect(file.length).toBeLessThan(MiB);
    expect(await keyOf(checkZip(file))).toBe('errors.rcm.ratio');
    expect(await keyOf(checkZip(await paddedWorkbook(1)))).toBe('resolved');
  });
});

describeApi('approvals import refuses an inflating bomb', (env) => {
  it('over HTTP, with a translated message and nothing imported', async () => {
    const { app, post, lines } = await httpApp(env());
    try {
      const res = await post(`${APPROVAL_IMPORT_URL}?dryRun=1&name=bomb.xlsx`, await paddedWorkbook(60));
      const last = lines(res.body).at(-1)!;
      expect(last.error).toEqual({ messageKey: 'errors.rcm.ratio', message: '工作簿解压后超过文件大小的 200 倍，疑似压缩炸弹，未读取。' });
    } finally {
      await app.close();
    }
  });
});
