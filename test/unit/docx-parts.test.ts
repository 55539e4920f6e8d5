import { describe, expect, it } from 'vitest';
import { readDocxParts } from '../../server/manual/docx-parts.ts';
import { buildZip, deflatedZeros, stored } from '../fixtures/zip.ts';

const MiB = 1024 * 1024;

describe('reading the parts of an uploaded .docx', () => {
  it('refuses a part that unpacks far beyond the ratio of real documents (a zip bomb), though under the absolute cap', async () => {
    const size = 30 * MiB; // under the 64 MB part cap; ~1000× the file
    const bomb = buildZip([{ name: 'word/document.xml', data: await deflatedZeros(size), method: 8, uncompressedSize: size }]);
    expect(bomb.length).toBeLessThan(100 * 1024);
    await expect(readDocxParts(bomb)).rejects.toMatchObject({ message: 'errors.docImport.zipBomb' });
  });

  it('reads the parts of an ordinary document', async () => {
    const parts = await readDocxParts(buildZip([stored('word/document.xml', '<w:document>第一条 总则</w:document>'), stored('word/other.xml', 'x')]));
    expect([...parts.keys()]).toEqual(['word/document.xml']);
    expect(parts.get('word/document.xml')!.toString('utf8')).toContain('第一条 总则');
  });
});
