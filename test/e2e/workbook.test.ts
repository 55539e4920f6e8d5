import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '../../server/trpc/app-router.ts';
import { CSRF_HEADER } from '../../shared/http.ts';
import { startServer, type TestServer } from './server.ts';
import { DEMO_PASSWORD, hasChromium, launchBrowser, screenshot, signIn } from './browser.ts';

type Api = ReturnType<typeof createTRPCClient<AppRouter>>;

async function apiAs(baseUrl: string, username: string): Promise<Api> {
  let cookie = '';
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl}/api/trpc`,
        headers: () => ({ [CSRF_HEADER]: '1', ...(cookie ? { cookie } : {}) }),
        fetch: async (url, init) => {
          const res = await fetch(url, init);
          const set = res.headers.getSetCookie();
          if (set.length) cookie = set.map((c) => c.split(';')[0]).join('; ');
          return res;
        },
      }),
    ],
  });
  await client.auth.login.mutate({ username, password: DEMO_PASSWORD });
  return client;
}

const text = (v: ExcelJS.CellValue) => (v && typeof v === 'object' && 'richText' in v ? v.richText.map((r) => r.text).join('') : v == null ? '' : String(v));

describe.skipIf(!hasChromium)('Excel workbook and control matrix in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let viewer: Api;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-e2e-xlsx-'));

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    viewer = await apiAs(server.baseUrl, 'viewer');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function withPage(fn: (page: Page) => Promise<void>) {
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    try {
      await fn(page);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }

  it('management downloads the evaluation workbook from the audit page', async () => {
    const [audit] = await viewer.audits.list.query();
    const scores = await viewer.audits.scores.query({ auditId: audit!.id });
    await withPage(async (page) => {
      await signIn(page, server.baseUrl, 'viewer');
      await page.getByTestId('nav-audits').click();
      await page.getByTestId(`audit-link-${audit!.id}`).click();
      await page.getByTestId('workbook-download').click();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('workbook-download-zh').click()]);
      expect(download.suggestedFilename()).toBe(`${audit!.name}-${audit!.baseDate}.xlsx`);
      const file = path.join(dir, 'audit.xlsx');
      await download.saveAs(file);
      await screenshot(page, 'workbook-download');

      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '控制点', '缺陷', '不相容职务冲突', '越权审批', '评分方法', '流程-控制点']);
      const summary = wb.getWorksheet('汇总')!;
      let company: ExcelJS.CellFormulaValue | undefined;
      summary.eachRow((row) => {
        if (text(row.getCell(2).value) === '公司得分' && row.getCell(3).formula) company = row.getCell(3).value as ExcelJS.CellFormulaValue;
      });
      expect(company!.result).toBeCloseTo(scores.company.value!, 9);
    });
  });

  it('a designer exports a manual’s control matrix and imports it into a new manual', async () => {
    const designer = await apiAs(server.baseUrl, 'designer');
    const source = (await designer.manual.list.query())[0]!;
    const target = await designer.manual.create.mutate({ code: 'E2E-RCM', title: 'Excel 导入的手册', numberingStyle: 'decimal' });
    await withPage(async (page) => {
      await signIn(page, server.baseUrl, 'designer');
      await page.waitForURL((url) => !url.pathname.startsWith('/login'));
      await page.goto(`${server.baseUrl}/manuals/${source.id}/rcm-import`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('rcm-export').click()]);
      const file = path.join(dir, 'rcm.xlsx');
      await download.saveAs(file);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      expect(text(wb.worksheets[0]!.getCell('A1').value)).toBe('编号');

      await page.goto(`${server.baseUrl}/manuals/${target.id}`);
      await page.getByTestId('manual-tab-rcm-import').click();
      await page.locator('input[type=file]').setInputFiles(file);
      await page.getByTestId('rcm-file-name').getByText('rcm.xlsx', { exact: false }).waitFor();
      await page.getByTestId('rcm-check').click();
      await page.getByTestId('rcm-preview').waitFor();
      await screenshot(page, 'rcm-import-preview');
      await page.getByTestId('rcm-commit').click();
      await page.getByTestId('rcm-result').getByText('已导入', { exact: false }).waitFor();
    });
    const before = await designer.controls.matrix.query({ manualId: source.id });
    const after = await designer.controls.matrix.query({ manualId: target.id });
    expect(after.controls.map((c) => [c.title, c.isKey, c.weight, c.frequency])).toEqual(before.controls.map((c) => [c.title, c.isKey, c.weight, c.frequency]));
  });
});
