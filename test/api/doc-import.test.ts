import fs from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeApi, TEST_PASSWORD } from './harness.ts';
import { buildApp } from '../../server/app.ts';
import { autoNumberedDocx, headingStyledDocx } from '../fixtures/docx-documents.ts';
import { convertWithSoffice, hasSoffice } from '../fixtures/libreoffice.ts';
import { buildZip, deflatedZeros, stored } from '../fixtures/zip.ts';
import type { ImportPreview } from '../../shared/import-preview.ts';

/**
 * Manual import from documents over HTTP (issue 14): .docx (automatic numbering and heading
 * styles), PDF (converted by LibreOffice), text (UTF-8 with BOM, GB18030). The preview's numbers
 * are the saved outline's; properties, numbering style and script are saved; bad files are
 * refused with what to do, and nothing is written.
 */

type Result = ImportPreview & { inserted: number; deleted: number; existing: number; source: string };
const fixture = (name: string) => fs.readFileSync(new URL(`../fixtures/import/${name}`, import.meta.url));

let pdfCache: Buffer | undefined;
async function pdfOf(): Promise<Buffer> {
  pdfCache ??= convertWithSoffice(await headingStyledDocx(), 'manual.docx', 'pdf');
  return pdfCache;
}

/** A PDF whose one page has no text (what a scan looks like to a text reader). */
const IMAGE_ONLY_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);

describeApi('manual import from documents', (env) => {
  let server: FastifyInstance | undefined;
  // each test has its own database: the app built on the previous one must go
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  async function http() {
    server ??= await buildApp({ database: { db: env().db, backend: env().backend, close: async () => {} }, production: false, secureCookies: false, logLevel: 'silent', clientDir: '/nonexistent' });
    return server;
  }
  async function cookieOf(role: 'designer' | 'viewer') {
    const res = await (await http()).inject({
      method: 'POST',
      url: '/api/trpc/auth.login',
      headers: { 'content-type': 'application/json', 'x-controlbook-csrf': '1' },
      payload: JSON.stringify({ username: `${role}1`, password: TEST_PASSWORD }),
    });
    const c = res.cookies.find((x) => x.name === 'cb_session')!;
    return `${c.name}=${c.value}`;
  }
  async function upload(manualId: number, file: Buffer, query = 'dryRun=1', role: 'designer' | 'viewer' = 'designer') {
    const res = await (await http()).inject({
      method: 'POST',
      url: `/api/manuals/${manualId}/import?${query}`,
      headers: { cookie: await cookieOf(role), 'content-type': 'application/octet-stream', 'x-controlbook-csrf': '1' },
      payload: file,
    });
    const lines = res.body.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { result?: Result; error?: { message: string; messageKey: string } });
    return { status: res.statusCode, last: lines.at(-1)! };
  }
  const newManual = (code: string) => env().caller('designer').manual.create({ code, title: `手册 ${code}`, numberingStyle: 'decimal' });
  const saved = async (manualId: number) => (await env().caller('viewer').manual.tree({ manualId })).nodes.map((n) => `${n.number} ${n.title}`);
  const manualRow = (id: number) =>
    env().db.selectFrom('manual').select(['title', 'numbering_style', 'numbering_script', 'document_number', 'version_label', 'effective_date', 'publisher']).where('id', '=', id).executeTakeFirstOrThrow();

  /** preview, then save: the saved outline shows exactly the preview's numbers and titles */
  async function previewThenSave(manualId: number, file: Buffer, mode = 'append') {
    const preview = (await upload(manualId, file, `dryRun=1&mode=${mode}`)).last.result!;
    expect(preview, 'preview').toBeTruthy();
    const before = await saved(manualId);
    const done = (await upload(manualId, file, `dryRun=0&mode=${mode}`)).last;
    expect(done.error).toBeUndefined();
    const after = await saved(manualId);
    const added = mode === 'replace' ? after : after.slice(before.length);
    expect(added).toEqual(preview.nodes.map((n) => `${n.number} ${n.title}`));
    return { preview, result: done.result! };
  }

  it('imports a .docx numbered by Word automatic lists: 第一章 / 1.1 / （一） computed from numbering.xml', async () => {
    const manual = await newManual('AUTO');
    const { preview } = await previewThenSave(manual.id, await autoNumberedDocx());
    expect(preview.source).toBe('docx');
    expect(preview.nodes.map((n) => `${n.sourceNumber} ${n.title}`)).toEqual([
      '第一章 总则', '1.1 目的', '1.2 范围', '第二章 资金收付', '2.1 现金管理', '（一） 库存现金不得超过限额', '（二） 不得坐支现金', '2.2 银行存款',
    ]);
    expect(preview.nodes.find((n) => n.title === '不得坐支现金')!.body).toBe('| 控制点 | 频率 | 责任岗位 |\n| 付款审批 | 每笔 | 财务经理 |\n| 银行对账 | 每月 | 会计主管 |');
    expect(preview.numberingStyle).toBe('regulation');
    const row = await manualRow(manual.id);
    expect(row).toMatchObject({ title: '资金管理办法', numbering_style: 'regulation', document_number: '集团财〔2024〕3号' });
  });

  it('imports a .docx with heading styles: cover → properties; TOC, header and footer are not nodes', async () => {
    const manual = await newManual('HEAD');
    const { preview, result } = await previewThenSave(manual.id, await headingStyledDocx());
    expect(preview.nodes.map((n) => `${n.number} ${n.title}`)).toEqual(['1 总则', '1.1 目的', '1.2 适用范围', '2 付款审批', '2.1 审批权限', '2.1.1 超限额付款']);
    expect(preview.nodes.every((n) => !/某某集团有限公司|第 .* 页/.test(n.title + n.body))).toBe(true);
    expect(preview.dropped.filter((d) => d.reason === 'toc').map((d) => d.text)).toContain('2.1.1 超限额付款');
    expect(result.inserted).toBe(6);
    const row = await manualRow(manual.id);
    expect(row).toMatchObject({ title: '采购付款管理制度', document_number: '集团采〔2025〕8号', version_label: 'V2.0', publisher: '集团财务部' });
    expect(String(row.effective_date)).toMatch(/^2025-01-01|Jan 01 2025/);
  });

  it('round trip of our own export shape: 第一条 headings, Traditional numbering saved as hant', async () => {
    const manual = await newManual('REG');
    const { preview } = await previewThenSave(manual.id, await headingStyledDocx({ regulation: true }));
    expect(preview.nodes.map((n) => n.number)).toEqual(['第一章', '第一条', '第二条', '第二章', '第三条']);
    expect(preview.nodes.at(-1)!.body).toContain('| 付款审批 | 每笔 | 财务经理 |');
    const trad = await newManual('TRAD');
    const res = (await upload(trad.id, fixture('traditional.txt'), 'dryRun=0')).last.result!;
    expect(res.script).toBe('hant');
    expect(res.nodes.map((n) => n.number).slice(0, 3)).toEqual(['第一章', '第一條', '第二條']);
    expect((await manualRow(trad.id)).numbering_script).toBe('hant');
  });

  it.skipIf(!hasSoffice && !process.env.CI)('imports a PDF with a text layer; running headers, footers and page numbers dropped', { timeout: 300_000 }, async () => {
    const manual = await newManual('PDF');
    const { preview } = await previewThenSave(manual.id, await pdfOf());
    expect(preview.source).toBe('pdf');
    expect(preview.nodes.map((n) => `${n.number} ${n.title}`)).toEqual(['1 总则', '1.1 目的', '1.2 适用范围', '2 付款审批', '2.1 审批权限', '2.1.1 超限额付款']);
    expect(preview.dropped.filter((d) => d.reason === 'header').length).toBeGreaterThanOrEqual(2);
    expect(preview.dropped.some((d) => d.reason === 'pageNumber' && /第 1 页 共 3 页/.test(d.text))).toBe(true);
    expect(preview.properties.title).toBe('采购付款管理制度');
  });

  it('reads .txt as UTF-8 with BOM and as GB18030', async () => {
    for (const [code, name] of [['U8', 'utf8-bom.txt'], ['GB', 'gb18030.txt']] as const) {
      const manual = await newManual(code);
      const { preview } = await previewThenSave(manual.id, fixture(name));
      expect(preview.source).toBe('text');
      expect(preview.nodes.map((n) => `${n.number} ${n.title}`)).toEqual(['第一章 总则', '第一条 为规范资金管理，制定本办法。', '第二条 本办法适用于集团各单位。', '第二章 附则', '第三条 本办法自发布之日起施行。']);
      expect((await manualRow(manual.id)).title).toBe('资金管理办法');
    }
  });

  it('into a manual with items: append numbers after them, replace swaps the draft outline in one go', async () => {
    const manual = await newManual('MIX');
    await upload(manual.id, fixture('restart-lists.txt'), 'dryRun=0');
    const first = await saved(manual.id);
    const appended = (await upload(manual.id, fixture('restart-lists.txt'), 'dryRun=1&mode=append')).last.result!;
    expect(appended.existing).toBe(first.length);
    expect(appended.nodes[0]!.number).toBe('3'); // after the two chapters already there
    await previewThenSave(manual.id, fixture('restart-lists.txt'), 'append');
    expect(await saved(manual.id)).toHaveLength(first.length * 2);
    const { result } = await previewThenSave(manual.id, await headingStyledDocx(), 'replace');
    expect(result.deleted).toBe(first.length * 2);
    expect(await saved(manual.id)).toHaveLength(6);
  });

  it('keeps a flagged furniture item when the designer says so', async () => {
    const manual = await newManual('KEEP');
    const preview = (await upload(manual.id, fixture('web-regulation.txt'))).last.result!;
    const footer = preview.dropped.find((d) => d.reason === 'boilerplate')!;
    const kept = (await upload(manual.id, fixture('web-regulation.txt'), `dryRun=0&keep=${footer.index}`)).last.result!;
    expect(kept.nodes[0]!.title).toBe(footer.text);
    expect((await saved(manual.id))[0]).toBe(`${kept.nodes[0]!.number} ${footer.text}`);
  });

  it('refuses bad files with what to do, and writes nothing', async () => {
    const manual = await newManual('BAD');
    const docx = await autoNumberedDocx();
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]);
    const oleRes = await upload(manual.id, ole, 'dryRun=0');
    expect(oleRes.status).toBe(415);
    expect((await upload(manual.id, ole)).last.error!.message).toContain('另存为 .docx');
    const cases: Array<[Buffer, string, RegExp]> = [
      [docx.subarray(0, Math.floor(docx.length / 2)), 'errors.docImport.damaged', /已损坏/],
      [buildZip([stored('xl/workbook.xml', '<workbook/>')]), 'errors.docImport.notDocx', /不是 Word .docx/],
      [buildZip([stored('[Content_Types].xml', '<Types/>'), { name: 'word/document.xml', data: await deflatedZeros(80 * 1024 * 1024), method: 8, uncompressedSize: 80 * 1024 * 1024 }]), 'errors.docImport.zipBomb', /解压后过大/],
      [buildZip([stored('[Content_Types].xml', '<Types/>'), { name: 'word/document.xml', data: await deflatedZeros(80 * 1024 * 1024), method: 8, uncompressedSize: 100 }]), 'errors.docImport.zipBomb', /解压后过大/],
      [IMAGE_ONLY_PDF, 'errors.docImport.noTextLayer', /没有文字层.*不支持 OCR/],
      [Buffer.from('%PDF-1.7\nthis is not really a pdf', 'latin1'), 'errors.docImport.damaged', /已损坏/],
    ];
    for (const [file, key, message] of cases) {
      const { last } = await upload(manual.id, file, 'dryRun=0');
      expect(last.error, key).toMatchObject({ messageKey: key, message: expect.stringMatching(message) });
    }
    expect(await saved(manual.id)).toEqual([]);
    expect((await upload(manual.id, fixture('nesting.txt'), 'dryRun=0', 'viewer')).status).toBe(403);
    expect((await upload(manual.id, fixture('nesting.txt'), 'dryRun=0&mode=merge')).last.error!.messageKey).toBe('errors.docImport.badMode');
  });
});
