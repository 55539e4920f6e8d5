import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { browserSuite, hasChromium, screenshot, signIn } from './browser.ts';
import { apiAs, type Api } from './api.ts';

const text = (v: ExcelJS.CellValue) => (v && typeof v === 'object' && 'richText' in v ? v.richText.map((r) => r.text).join('') : v == null ? '' : String(v));

describe.skipIf(!hasChromium)('Excel workbook and control matrix in Chromium', () => {
  const suite = browserSuite({ acceptDownloads: true });
  const { withPage } = suite;
  let viewer: Api;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-e2e-xlsx-'));

  beforeAll(async () => {
    viewer = await apiAs(suite.server.baseUrl, 'viewer');
  });

  it('management downloads the evaluation workbook from the audit page', async () => {
    const [audit] = await viewer.audits.list.query();
    const scores = await viewer.audits.scores.query({ auditId: audit!.id });
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'viewer');
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
    const designer = await apiAs(suite.server.baseUrl, 'designer');
    const source = (await designer.manual.list.query())[0]!;
    const target = await designer.manual.create.mutate({ code: 'E2E-RCM', title: 'Excel 导入的手册', numberingStyle: 'decimal' });
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'designer');
      await page.waitForURL((url) => !url.pathname.startsWith('/login'));
      await page.goto(`${suite.server.baseUrl}/manuals/${source.id}/rcm-import`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('rcm-export').click()]);
      const file = path.join(dir, 'rcm.xlsx');
      await download.saveAs(file);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      expect(text(wb.worksheets[0]!.getCell('A1').value)).toBe('编号');

      await page.goto(`${suite.server.baseUrl}/manuals/${target.id}`);
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
