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
});
