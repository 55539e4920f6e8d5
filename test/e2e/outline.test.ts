import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { browserSuite, hasChromium, screenshot, signIn } from './browser.ts';

describe.skipIf(!hasChromium)('Manual outline editor in Chromium', () => {
  const suite = browserSuite();
  const { withPage } = suite;

  /** The outline row whose title matches, and its number. */
  const row = (page: Page, title: string | RegExp): Locator =>
    page.getByRole('treeitem').filter({ has: page.locator('[data-testid^="outline-title-"]').getByText(title) });
  const numberOf = (r: Locator) => r.locator('[data-testid^="outline-number-"]');
  async function expectNumber(page: Page, title: string | RegExp, number: string) {
    await numberOf(row(page, title)).getByText(number, { exact: true }).waitFor();
  }

  async function openManual(page: Page, code: string) {
    await page.getByTestId('nav-manuals').click();
    await page.getByTestId(`manual-link-${code}`).click();
    await page.getByTestId('outline-tree').waitFor();
  }

  async function createManual(page: Page, code: string, title: string, style: 'decimal' | 'regulation' = 'decimal') {
    await page.getByTestId('nav-manuals').click();
    await page.getByTestId('create-button').click();
    const form = page.getByTestId('manual-form');
    await form.getByTestId('manual-code').fill(code);
    await form.getByTestId('manual-title').fill(title);
    if (style === 'regulation') {
      await form.getByTestId('manual-numbering').click();
      await page.getByRole('option', { name: /法规体例/ }).click();
    }
    await form.getByTestId('form-submit').click();
    await form.waitFor({ state: 'detached' });
    await page.waitForURL(/\/manuals\/\d+$/);
    await page.getByTestId('outline-tree').waitFor();
  }

  /** Type a title into the inline "new item" row and wait for the row to appear. */
  async function typeNewTitle(page: Page, title: string) {
    const input = page.getByTestId('outline-new-title');
    await input.fill(title);
    await input.press('Enter');
    await page.getByTestId('outline-pending-row').waitFor({ state: 'detached' });
    await row(page, title).waitFor();
  }

  it('designer: opens the demo manual and sees the derived numbers', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'designer');
      await openManual(page, 'ICM-DEMO');
      await expectNumber(page, /^资金活动/, '1');
      await expectNumber(page, /^采购业务/, '2');
      await expectNumber(page, /^岗位责任与授权批准/, '1.1');
      // selecting a row opens the side panel with the node's fields
      await row(page, /^付款 Payment/).click();
      const panel = page.getByTestId('node-panel');
      await panel.getByTestId('node-title').waitFor();
      expect(await panel.getByTestId('node-title').inputValue()).toMatch(/^付款/);
      // the body's [[node:ID]] reference is rendered with the current number
      expect(await panel.getByTestId('node-body-rendered').innerText()).toContain('1.1.2');
      await screenshot(page, 'outline-demo');
    });
  });

  it('designer: builds a manual with add, drag and drop, indent/outdent and delete', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'designer');
      await createManual(page, 'E2E-M', '端到端测试手册');

      await page.getByTestId('outline-add-first').click();
      await typeNewTitle(page, '总则');
      await expectNumber(page, '总则', '1');

      // the new row is selected: add a child (a section under the chapter), then a sibling after it
      await page.getByTestId('outline-add-child').click();
      await typeNewTitle(page, '目的');
      await expectNumber(page, '目的', '1.1');
      await page.getByTestId('outline-add-sibling').click();
      await typeNewTitle(page, '范围');
      await expectNumber(page, '范围', '1.2');

      // drag 范围 onto the upper third of 目的 → before it
      await row(page, '范围').dragTo(row(page, '目的'), { targetPosition: { x: 120, y: 4 } });
      await expectNumber(page, '范围', '1.1');
      await expectNumber(page, '目的', '1.2');

      // Tab indents 目的 under 范围, Shift+Tab brings it back
      await row(page, '目的').click();
      await page.keyboard.press('Tab');
      await expectNumber(page, '目的', '1.1.1');
      await screenshot(page, 'outline-editor');
      await page.keyboard.press('Shift+Tab');
      await expectNumber(page, '目的', '1.2');

      // Enter adds a sibling after the selected row (kind defaults to the selected kind)
      await page.keyboard.press('Enter');
      await typeNewTitle(page, '定义');
      await expectNumber(page, '定义', '1.3');
      // Alt+ArrowUp moves it before the previous sibling
      await page.keyboard.press('Alt+ArrowUp');
      await expectNumber(page, '定义', '1.2');
      await expectNumber(page, '目的', '1.3');

      // inline rename with F2
      await page.keyboard.press('F2');
      const rename = page.getByTestId('outline-title-input');
      await rename.fill('术语定义');
      await rename.press('Enter');
      await expectNumber(page, '术语定义', '1.2');

      // the side panel saves the body
      const panel = page.getByTestId('node-panel');
      await panel.getByTestId('node-body').fill('本手册所称内部控制，适用范围见');
      // insert a reference to 范围 at the cursor: the body keeps [[node:ID]], the preview shows the number
      await panel.getByTestId('node-body').press('End');
      await panel.getByTestId('node-insert-reference').click();
      await panel.getByTestId('node-reference-select').fill('范围');
      await page.getByRole('option', { name: '1.1 范围' }).click();
      expect(await panel.getByTestId('node-body').inputValue()).toMatch(/适用范围见\[\[node:\d+\]\]$/);
      await panel.getByTestId('node-save').click();
      await page.getByText('已保存').first().waitFor();
      await panel.getByTestId('node-body-rendered').getByText('本手册所称内部控制，适用范围见1.1').waitFor();
      // moving 范围 renumbers the reference too: 范围 after 目的 → 1.3
      await row(page, '范围').click();
      await page.keyboard.press('Alt+ArrowDown');
      await expectNumber(page, '范围', '1.2');
      await page.keyboard.press('Alt+ArrowDown');
      await expectNumber(page, '范围', '1.3');
      await row(page, '术语定义').click();
      await page.getByTestId('node-panel').getByTestId('node-body-rendered').getByText('本手册所称内部控制，适用范围见1.3').waitFor();

      // deleting a chapter with children asks first, with the server's message
      await row(page, '总则').click();
      await page.getByTestId('outline-delete').click();
      const message = page.getByTestId('delete-confirm-message');
      await message.waitFor();
      expect(await message.innerText()).toContain('3 个下级条目');
      await page.getByTestId('confirm-delete').click();
      await row(page, '总则').waitFor({ state: 'detached' });
      expect(await page.getByRole('treeitem').count()).toBe(0);
    });
  });

  it('designer: imports a regulation text with a preview', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'designer');
      await createManual(page, 'E2E-IMP', '导入测试制度', 'regulation');
      await page.getByTestId('manual-tab-import').click();
      // text without any structure: said honestly, nothing to save
      await page.getByTestId('import-text').fill('这是一段没有任何章节编号的普通文字。');
      await page.getByTestId('import-preview').click();
      await page.getByTestId('import-no-structure').waitFor();
      expect(await page.getByTestId('import-save').isDisabled()).toBe(true);
      await page
        .getByTestId('import-text')
        .fill('第一章 总则\n第一条 为规范资金管理，制定本办法。\n第二条 本办法适用于集团各单位。\n第二章 资金收付\n第三条 资金支付须经授权审批。\n');
      await page.getByTestId('import-preview').click();
      const grid = page.getByTestId('import-preview-grid');
      await grid.getByText('第三条').first().waitFor();
      expect(await page.getByTestId('import-format').innerText()).toMatch(/法规体例/);
      await screenshot(page, 'outline-import');
      await page.getByTestId('import-save').click();
      await page.waitForURL(/\/manuals\/\d+$/);
      await numberOf(row(page, /资金收付/)).getByText('第二章').waitFor();
      await page.getByRole('treeitem').filter({ hasText: '第三条' }).first().waitFor();
    });
  });

  it('designer: diffs v1 against the draft, publishes, and views the document', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'designer');
      await openManual(page, 'ICM-DEMO');
      await page.getByTestId('manual-tab-versions').click();
      await page.getByTestId('versions-grid').getByTestId('grid-row').first().waitFor();
      // default comparison: the latest version (v1) against the draft
      await page.getByTestId('diff-added').getByTestId('diff-added-item').filter({ hasText: '供应商管理' }).waitFor();
      await page.getByTestId('diff-text-changed-item').filter({ hasText: '请购与预算审批' }).waitFor();
      await page.getByTestId('diff-renumbered-item').first().waitFor();
      await screenshot(page, 'outline-diff');

      // a frozen version's outline
      await page.getByTestId('version-view-1').click();
      await page.getByTestId('version-outline').getByText(/^请购审批/).waitFor();
      await page.keyboard.press('Escape');

      await page.getByTestId('publish-button').click();
      await page.getByTestId('publish-note').fill('端到端发布');
      await page.getByTestId('publish-form').getByTestId('form-submit').click();
      await page.getByTestId('versions-grid').getByRole('cell', { name: '端到端发布' }).waitFor();
      expect(await page.getByTestId('versions-grid').getByTestId('grid-row').count()).toBe(2);

      await page.getByTestId('manual-tab-document').click();
      const doc = page.getByTestId('manual-document');
      await doc.getByRole('heading', { name: /资金活动/ }).waitFor();
      await page.getByTestId('document-print').waitFor();

      await page.getByTestId('manual-tab-processes').click();
      await page.getByTestId('process-groups').getByText(/库存现金/).waitFor();
      await page.getByTestId('pending-grid').getByText(/供应商管理/).waitFor();
      await page.getByTestId('processes-group-by').getByText('按业务类型').click();
      await page.getByTestId('process-groups').getByText(/资金收付/).waitFor();

      await page.getByTestId('manual-tab-references').click();
      await page.getByTestId('regulations-grid').getByText('《资金管理办法》').waitFor();
      await page.getByTestId('placeholders-grid').getByText(/另行制定/).waitFor();
    });
  });

  it('viewer: reads the tree without editing controls', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'viewer');
      await openManual(page, 'ICM-DEMO');
      await expectNumber(page, /^资金活动/, '1');
      await page.getByTestId('outline-readonly').waitFor();
      for (const id of ['outline-toolbar', 'outline-add-child', 'outline-add-sibling', 'outline-indent', 'outline-outdent', 'outline-delete']) {
        expect(await page.getByTestId(id).count()).toBe(0);
      }
      expect(await page.getByTestId('manual-tab-import').count()).toBe(0);
      await row(page, /^资金活动/).click();
      await page.getByTestId('node-panel').waitFor();
      expect(await page.getByTestId('node-title').count()).toBe(0);
      expect(await row(page, /^资金活动/).getAttribute('draggable')).toBe('false');
    });
  });
});
