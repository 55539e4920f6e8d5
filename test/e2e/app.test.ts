import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserSuite, hasChromium, screenshot, signIn } from './browser.ts';

describe.skipIf(!hasChromium)('ControlBook in Chromium', () => {
  const suite = browserSuite({ viewport: { width: 1360, height: 860 }, failOnCspErrors: true });
  const { withPage } = suite;

  const navVisible = (page: Page, id: string) => page.getByTestId(`nav-${id}`).isVisible();

  it('redirects a visitor to /login', async () => {
    await withPage(async (page) => {
      await page.goto(`${suite.server.baseUrl}/org/units`);
      await page.waitForURL('**/login');
      await page.getByTestId('login-form').waitFor();
    });
  });

  for (const role of ['admin', 'designer', 'auditor', 'viewer'] as const) {
    it(`${role}: signs in and sees the navigation of the role`, async () => {
      await withPage(async (page) => {
        await signIn(page, suite.server.baseUrl, role);
        await page.getByTestId('nav-units').waitFor();
        expect(new URL(page.url()).pathname).toBe('/');
        await page.getByTestId('count-units').getByText(/^\d+$/).waitFor();
        expect(await navVisible(page, 'home')).toBe(true);
        expect(await navVisible(page, 'positions')).toBe(true);
        expect(await navVisible(page, 'users')).toBe(role === 'admin');
        expect(await navVisible(page, 'trail')).toBe(role === 'admin');
        await screenshot(page, role);
      });
    });
  }

  it('switches the language to English and back', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'designer');
      const units = page.getByTestId('nav-units');
      await units.waitFor();
      expect(await units.innerText()).toContain('组织单位');
      await page.getByTestId('language-switch').getByText('English').click();
      await page.getByTestId('nav-units').getByText('Units', { exact: true }).waitFor();
      await page.getByText('Your role: Process designer').waitFor();
      await screenshot(page, 'designer-en');
      // the choice is saved on the user: a reload keeps English
      await page.reload();
      await page.getByTestId('nav-units').getByText('Units', { exact: true }).waitFor();
      await page.getByTestId('language-switch').getByText('中文').click();
      await page.getByTestId('nav-units').getByText('组织单位').waitFor();
    });
  });

  it('refuses a wrong password with the translated message', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'viewer', 'wrong-password-1');
      const error = page.getByTestId('login-error');
      await error.waitFor();
      expect(await error.innerText()).toContain('用户名或密码错误');
      expect(new URL(page.url()).pathname).toBe('/login');
      // same in English: the server translates into the UI language
      await page.getByTestId('language-switch').getByText('English').click();
      await page.getByTestId('login-submit').click();
      await page.getByTestId('login-error').getByText('Wrong username or password.').waitFor();
      expect(await page.getByTestId('nav-units').count()).toBe(0);
    });
  });

  it('admin: creates a unit, is refused deleting a unit with positions, signs out', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'admin');
      await page.getByTestId('nav-units').click();
      const grid = page.getByTestId('units-grid');
      await grid.getByRole('cell', { name: 'ACC', exact: true }).waitFor();

      await page.getByTestId('create-button').click();
      const form = page.getByTestId('unit-form');
      await form.getByTestId('unit-code').fill('E2E-QA');
      await form.getByTestId('unit-name').fill('质量保证部');
      await form.getByTestId('form-submit').click();
      await form.waitFor({ state: 'detached' });
      await grid.getByRole('cell', { name: 'E2E-QA', exact: true }).waitFor();
      await grid.getByRole('cell', { name: '质量保证部', exact: true }).waitFor();

      // 会计部 (ACC) still has positions: the server refuses and names them
      const accRow = grid.getByTestId('grid-row').filter({ has: page.getByRole('cell', { name: 'ACC', exact: true }) });
      await accRow.getByTestId('row-delete').click();
      await page.getByTestId('confirm-delete').click();
      const refusal = page.getByText(/无法删除“会计部”/);
      await refusal.waitFor();
      expect(await refusal.innerText()).toContain('会计部经理');
      await grid.getByRole('cell', { name: 'ACC', exact: true }).waitFor();
      await screenshot(page, 'admin-units');

      await page.getByTestId('sign-out').click();
      await page.waitForURL('**/login');
      await page.goto(`${suite.server.baseUrl}/`);
      await page.waitForURL('**/login');
    });
  });

  it('admin: every organisation and administration grid loads rows', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'admin');
      for (const area of ['positions', 'people', 'assignments', 'users'] as const) {
        await page.getByTestId(`nav-${area}`).click();
        await page.getByTestId(`${area}-grid`).getByTestId('grid-row').first().waitFor();
        await screenshot(page, `admin-${area}`);
      }
      // the global filter narrows the grid
      const grid = page.getByTestId('users-grid');
      await grid.getByTestId('grid-search').fill('auditor');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="users-grid"] [data-testid="grid-row"]').length === 1);
    });
  });

  it('admin: the audit trail lists the sign-ins', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'admin');
      await page.getByTestId('nav-trail').click();
      const grid = page.getByTestId('trail-grid');
      await grid.getByRole('cell', { name: '登录', exact: true }).first().waitFor();
      await grid.getByTestId('trail-detail').first().click();
      await page.getByTestId('trail-after').waitFor();
      await screenshot(page, 'admin-trail');
    });
  });

  it('viewer: reads units without create or edit controls', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'viewer');
      await page.getByTestId('nav-units').click();
      await page.getByTestId('units-grid').getByRole('cell', { name: 'ACC', exact: true }).waitFor();
      expect(await page.getByTestId('create-button').count()).toBe(0);
      expect(await page.getByTestId('row-edit').count()).toBe(0);
      expect(await page.getByTestId('row-delete').count()).toBe(0);
      await page.goto(`${suite.server.baseUrl}/admin/users`);
      await page.waitForURL(`${suite.server.baseUrl}/`);
    });
  });
});
