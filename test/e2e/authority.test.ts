import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserSuite, hasChromium, screenshot, signIn } from './browser.ts';

describe.skipIf(!hasChromium)('Approval authority in Chromium', () => {
  const suite = browserSuite();
  const { withPage } = suite;

  async function ask(page: Page, matter: RegExp, amount: string, date: string) {
    await page.getByTestId('who-matter').click();
    await page.getByRole('option', { name: matter }).click();
    await page.getByTestId('who-amount').fill(amount);
    await page.getByTestId('who-date').fill(date);
    await page.getByTestId('who-submit').click();
  }

  it('viewer: who may approve a leave of 1 day, of 1.5 days, and a payment a delegate may approve', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'viewer');
      await page.getByTestId('nav-authority').click();
      await page.getByTestId('matrix-grid').getByText('LEAVE').waitFor();
      await page.getByTestId('authority-tab-who').click();

      await ask(page, /LEAVE/, '1', '2026-07-15');
      await expect.poll(() => page.getByTestId('who-band-range').textContent()).toBe('(−∞, 1]');
      const holders = page.getByTestId('who-holder');
      await expect.poll(() => holders.count()).toBeGreaterThan(5); // every department head and above
      expect(await page.getByTestId('who-holders').textContent()).toContain('陈刚');

      await ask(page, /LEAVE/, '1.5', '2026-07-15');
      await expect.poll(() => page.getByTestId('who-band-range').textContent()).toBe('(1, ∞)');
      await expect.poll(() => holders.allTextContents()).toEqual([
        expect.stringContaining('赵建国'),
        expect.stringContaining('钱晓梅'),
        expect.stringContaining('郑海'),
      ]);
      await screenshot(page, 'authority-who-leave');

      // 800,000 is the GM's band; the finance head may approve it through his delegation
      await ask(page, /PAYMENT/, '800000', '2026-07-21');
      await expect.poll(() => page.getByTestId('who-band-range').textContent()).toBe('(500000, 5000000]');
      await page.getByTestId('who-delegate').first().waitFor();
      const delegates = await page.getByTestId('who-delegate').allTextContents();
      expect(delegates).toEqual([expect.stringMatching(/钱晓梅.*赵建国/)]);

      // contracts may not be delegated: nobody is listed through a delegation
      await ask(page, /CONTRACT/, '300000', '2026-07-21');
      await page.getByTestId('who-non-delegable').waitFor();
    });
  });

  it('auditor: the violations grid lists the demo violations and filters by kind', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'auditor');
      await page.getByTestId('current-user').waitFor();
      await page.goto(`${suite.server.baseUrl}/authority/violations`);
      await page.getByTestId('violation-count-split_transaction').click();
      await expect.poll(async () => new Set(await page.getByTestId('violation-kind').allTextContents())).toEqual(new Set(['疑似拆分']));
      expect(await page.getByTestId('violations-grid').textContent()).toContain('超过 王芳 的权限上限 5,000 元');
    });
  });

  it('auditor: enters an approval record, sees its violation, and can delete it but not edit it', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'auditor');
      await page.getByTestId('current-user').waitFor();
      await page.goto(`${suite.server.baseUrl}/authority/approvals`);
      const grid = page.getByTestId('approvals-grid');
      await grid.getByTestId('grid-row').first().waitFor();

      await grid.getByTestId('create-button').click();
      const form = page.getByTestId('approval-form');
      const choose = async (field: string, option: RegExp) => {
        await form.getByTestId(field).click();
        await page.getByRole('option', { name: option }).first().click();
      };
      await choose('approval-matter', /LEAVE/);
      await form.getByTestId('approval-reference').fill('E2E-SELF-1');
      await choose('approval-requester', /孙志远/);
      await choose('approval-approver', /孙志远/);
      await form.getByTestId('approval-amount').fill('1');
      await form.getByTestId('form-submit').click();
      // requester = approver: the record is saved and the violation named at once
      await expect.poll(() => page.getByTestId('approval-result').textContent()).toMatch(/该记录有 \d+ 项违规/);
      await page.getByTestId('approval-result').getByRole('button', { name: '确认' }).click();

      await grid.getByTestId('grid-search').fill('E2E-SELF-1');
      const row = grid.getByTestId('grid-row').filter({ hasText: 'E2E-SELF-1' });
      await row.waitFor();
      // a record is evidence: no edit, only delete with confirmation
      expect(await row.getByTestId('row-edit').count()).toBe(0);
      await row.getByTestId('row-delete').click();
      await page.getByTestId('confirm-delete').click();
      await row.waitFor({ state: 'detached' });
    });
  });
});
