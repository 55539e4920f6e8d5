import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { browserSuite, hasChromium, screenshot, signIn } from './browser.ts';

describe.skipIf(!hasChromium)('Outline undo / redo in Chromium', () => {
  const suite = browserSuite();
  const { withPage } = suite;

  const row = (page: Page, title: string): Locator =>
    page.getByRole('treeitem').filter({ has: page.locator('[data-testid^="outline-title-"]').getByText(title, { exact: true }) });
  async function expectNumber(page: Page, title: string, number: string) {
    await row(page, title).locator('[data-testid^="outline-number-"]').getByText(number, { exact: true }).waitFor();
  }
  async function typeNewTitle(page: Page, title: string) {
    const input = page.getByTestId('outline-new-title');
    await input.fill(title);
    await input.press('Enter');
    await page.getByTestId('outline-pending-row').waitFor({ state: 'detached' });
    await row(page, title).waitFor();
  }

  async function createManual(page: Page, code: string) {
    await page.getByTestId('nav-manuals').click();
    await page.getByTestId('create-button').click();
    const form = page.getByTestId('manual-form');
    await form.getByTestId('manual-code').fill(code);
    await form.getByTestId('manual-title').fill('撤销测试手册');
    await form.getByTestId('form-submit').click();
    await page.waitForURL(/\/manuals\/\d+$/);
    await page.getByTestId('outline-tree').waitFor();
  }

  it('designer: Ctrl+Z undoes an indent and a move, Ctrl+Shift+Z redoes, shortcuts work after toolbar clicks, Shift+Enter inserts before; the versions page shows a rename word by word', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'designer');
      await createManual(page, 'E2E-UNDO');

      await page.getByTestId('outline-add-first').click();
      await typeNewTitle(page, '总则');
      await page.getByTestId('outline-add-child').click();
      await typeNewTitle(page, '目的');
      await page.getByTestId('outline-add-sibling').click();
      await typeNewTitle(page, '范围');
      await expectNumber(page, '范围', '1.2');

      // a toolbar click (indent), then a shortcut on the keyboard: Ctrl+Z undoes it
      await row(page, '范围').click();
      await page.getByTestId('outline-indent').click();
      await expectNumber(page, '范围', '1.1.1');
      await expect.poll(() => page.getByTestId('outline-undo').isEnabled()).toBe(true);
      await page.keyboard.press('Control+z');
      await expectNumber(page, '范围', '1.2');
      await page.keyboard.press('Control+Shift+z');
      await expectNumber(page, '范围', '1.1.1');
      await page.keyboard.press('Control+z');
      await expectNumber(page, '范围', '1.2');

      // a move by keyboard (Alt+↑), undone with the toolbar button, redone with Ctrl+Y — then Alt+↓ still works
      await row(page, '范围').click();
      await page.keyboard.press('Alt+ArrowUp');
      await expectNumber(page, '范围', '1.1');
      await expectNumber(page, '目的', '1.2');
      await page.getByTestId('outline-undo').click();
      await expectNumber(page, '范围', '1.2');
      await page.keyboard.press('Control+y');
      await expectNumber(page, '范围', '1.1');
      await page.getByTestId('outline-move-down').click();
      await expectNumber(page, '范围', '1.2');
      await page.keyboard.press('Alt+ArrowUp');
      await expectNumber(page, '范围', '1.1');

      // Shift+Enter inserts a sibling before the selected item
      await row(page, '目的').click();
      await page.keyboard.press('Shift+Enter');
      await typeNewTitle(page, '依据');
      await expectNumber(page, '依据', '1.2');
      await expectNumber(page, '目的', '1.3');
      await page.keyboard.press('Control+z');
      await row(page, '依据').waitFor({ state: 'detached' });
      await expectNumber(page, '目的', '1.2');
      await screenshot(page, 'outline-undo');

      // publish, rename by F2, and the versions page shows the change word by word
      await page.getByTestId('manual-tab-versions').click();
      await page.getByTestId('publish-button').click();
      await page.getByTestId('publish-form').getByTestId('form-submit').click();
      await page.getByTestId('version-view-1').waitFor();
      await page.getByTestId('manual-tab-outline').click();
      await row(page, '目的').click();
      await page.keyboard.press('F2');
      await page.keyboard.press('End');
      await page.keyboard.type('与依据');
      await page.keyboard.press('Enter');
      await row(page, '目的与依据').waitFor();
      await page.getByTestId('manual-tab-versions').click();
      const changed = page.getByTestId('diff-text-changed-item');
      await changed.getByTestId('diff-ins').getByText('与依据', { exact: true }).waitFor();
      expect(await changed.getByTestId('diff-title-parts').innerText()).toBe('目的与依据');
      await screenshot(page, 'versions-word-diff');
    });
  });

  it('designer: Delete on an item with text asks first; Ctrl+Z brings it back with its text', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'designer');
      await createManual(page, 'E2E-DEL');
      await page.getByTestId('outline-add-first').click();
      await typeNewTitle(page, '总则');
      await page.getByTestId('outline-add-child').click();
      await typeNewTitle(page, '范围');
      await row(page, '范围').click();
      const panel = page.getByTestId('node-panel');
      await panel.getByTestId('node-body').fill('适用于集团各单位。');
      await panel.getByTestId('node-save').click();
      await page.getByText('已保存').first().waitFor();
      await row(page, '范围').click();
      await page.keyboard.press('Delete');
      const message = page.getByTestId('delete-confirm-message');
      await message.waitFor();
      expect(await message.innerText()).toContain('“范围”有正文内容');
      await page.getByTestId('confirm-delete').click();
      await row(page, '范围').waitFor({ state: 'detached' });
      await page.keyboard.press('Control+z');
      await expectNumber(page, '范围', '1.1');
      await row(page, '范围').click();
      await expect.poll(() => panel.getByTestId('node-body').inputValue()).toBe('适用于集团各单位。');
    });
  });
});
