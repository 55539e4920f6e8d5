import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { browserSuite, hasChromium, screenshot, signIn } from './browser.ts';

/** The demo's key control of 不相容岗位分离 and the general one beside it (same process). */
const KEY_CONTROL = '出纳不得兼任稽核';
const SHARED_CONTROL = '资金支付须经授权人审批';

describe.skipIf(!hasChromium)('Control points in Chromium', () => {
  const suite = browserSuite({ viewport: { width: 1600, height: 1000 } });
  const { withPage } = suite;

  async function openDemoTab(page: Page, tab: 'controls' | 'overlap' | 'lint' | 'outline') {
    await page.getByTestId('nav-manuals').click();
    await page.getByTestId('manual-link-ICM-DEMO').click();
    await page.getByTestId('outline-tree').waitFor();
    if (tab !== 'outline') await page.getByTestId(`manual-tab-${tab}`).click();
  }

  /** A tRPC call from the signed-in page (its session cookie, the CSRF header). */
  async function api(page: Page, path: string, input: unknown): Promise<unknown> {
    const query = path === 'controls.matrix';
    const res = query
      ? await page.request.get(`${suite.server.baseUrl}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { 'x-controlbook-csrf': '1' } })
      : await page.request.post(`${suite.server.baseUrl}/api/trpc/${path}`, { headers: { 'x-controlbook-csrf': '1' }, data: input });
    expect(res.status(), await res.text()).toBe(200);
    return ((await res.json()) as { result: { data: unknown } }).result.data;
  }

  const matrixRow = (page: Page, title: string): Locator =>
    page.getByTestId('control-matrix').locator('[data-testid^="matrix-row-"]').filter({ hasText: title });
  const share = (row: Locator) => row.locator('[data-testid^="matrix-share-"]');
  const weight = (row: Locator) => row.locator('[data-testid^="matrix-weight-"]');
  const lintFlag = (row: Locator, code: string) => row.locator(`[data-lint-code="${code}"]`);

  it('designer: edits a weight in the control matrix and sees the share and the lint follow, persisted', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'designer');
      await openDemoTab(page, 'controls');
      const row = matrixRow(page, KEY_CONTROL);
      await row.waitFor();
      // a key control at the default weight 3, above the general controls of its process: no such flag
      expect(await weight(row).innerText()).toMatch(/^3/);
      expect(await lintFlag(row, 'key_not_above_general').count()).toBe(0);
      const shareBefore = await share(row).innerText();

      // type 1: the preview shows the share before → after; Enter saves optimistically
      await weight(row).click();
      const input = page.getByTestId('matrix-weight-input');
      await input.fill('0');
      await page.getByTestId('matrix-weight-error').getByText('权重必须是大于 0、不超过 1000 的数字。').waitFor();
      await input.fill('1');
      const preview = page.getByTestId('weight-preview');
      await preview.locator('[data-testid^="weight-preview-"]').first().waitFor();
      // the home process's line: key-control share before → after, this control's share before → after
      const [, shareAfter] = (await preview.locator('[data-testid^="weight-preview-"]').first().locator('td').nth(2).innerText()).split(' → ');
      expect(shareAfter).toMatch(/^\d+\.\d%$/);
      expect(shareAfter).not.toBe(shareBefore);
      // while typing, the grid already shows the share and the lint the new weight would give
      await share(row).getByText(shareAfter!, { exact: true }).waitFor();
      await lintFlag(row, 'key_not_above_general').waitFor();
      await screenshot(page, 'controls-weight-preview');
      await input.press('Enter');
      await page.getByTestId('matrix-weight-input').waitFor({ state: 'detached' });
      expect(await weight(row).innerText()).toBe('1');
      expect(await share(row).innerText()).toBe(shareAfter);
      expect(await lintFlag(row, 'key_not_above_general').getAttribute('aria-label')).toMatch(/关键控制点权重 1 不高于同流程一般控制点的权重 1/);
      await screenshot(page, 'controls-matrix');

      // saved on the server: still there after a reload
      await page.reload();
      await row.waitFor();
      await lintFlag(row, 'key_not_above_general').waitFor();
      expect(await weight(row).innerText()).toBe('1');
      expect(await share(row).innerText()).toBe(shareAfter);

      // back to the manual default (empty input): the flag goes and the share returns
      await weight(row).click();
      await page.getByTestId('matrix-weight-input').fill('');
      await page.getByTestId('matrix-weight-input').press('Enter');
      await lintFlag(row, 'key_not_above_general').waitFor({ state: 'detached' });
      await share(row).getByText(shareBefore, { exact: true }).waitFor();
      await page.reload();
      await row.waitFor();
      await share(row).getByText(shareBefore, { exact: true }).waitFor();
      expect(await lintFlag(row, 'key_not_above_general').count()).toBe(0);
    });
  });

  it('designer: flips key/general inline, filters, groups by process and marks shared controls', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'designer');
      await openDemoTab(page, 'controls');
      const row = matrixRow(page, KEY_CONTROL);
      await row.waitFor();
      // a shared control is marked and shows its share in its home process
      await matrixRow(page, SHARED_CONTROL).locator('[data-testid^="matrix-shared-"]').waitFor();

      // key → general: the process keeps a key control, the row leaves the key-only filter
      await row.locator('[data-testid^="matrix-key-"]').click();
      await expect.poll(() => row.locator('input[type="checkbox"]').isChecked()).toBe(false);
      await page.getByTestId('matrix-key-only').click();
      await row.waitFor({ state: 'detached' });
      await page.getByTestId('matrix-key-only').click();
      await row.locator('[data-testid^="matrix-key-"]').click();
      await expect.poll(() => row.locator('input[type="checkbox"]').isChecked()).toBe(true);

      await page.getByTestId('matrix-group-by').getByText('按流程').click();
      await page.getByTestId('grid-group-row').filter({ hasText: '岗位责任与授权批准' }).waitFor();
      await screenshot(page, 'controls-matrix-grouped');

      // manual default weights: key 1 = general 1 is a lint error at manual level
      await page.getByTestId('manual-key-weight').fill('1');
      await page.getByTestId('manual-weights-save').click();
      await page.getByText('已保存').first().waitFor();
      await page.getByTestId('manual-tab-lint').click();
      await page.getByTestId('lint-grid').getByText(/手册默认权重：关键控制点（1）不高于一般控制点（1）/).waitFor();
      await page.getByTestId('manual-tab-controls').click();
      await page.getByTestId('manual-key-weight').fill('3');
      await page.getByTestId('manual-weights-save').click();
      await expect.poll(async () => page.getByTestId('manual-weights-save').isDisabled()).toBe(true);
    });
  });

  it('designer: an inline change the server refuses is rolled back with a message', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'designer');
      await openDemoTab(page, 'controls');
      const row = matrixRow(page, 'Pre-numbered purchase requests');
      await row.waitFor();
      const controlId = Number((await row.getAttribute('data-testid'))!.replace('matrix-row-', ''));
      // someone else deletes the control meanwhile
      await api(page, 'manual.deleteNode', { nodeId: controlId, confirm: true });
      // flipping it to key shows at once, then the refusal puts it back and says why
      await row.locator('[data-testid^="matrix-key-"]').click();
      await page.getByText('操作失败').first().waitFor();
      await row.waitFor({ state: 'detached' });
    });
  });

  it('designer: a shared control shows under each host in the outline; the panel edits and links it; lint opens nodes', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'designer');
      await openDemoTab(page, 'outline');
      // the greyed "shared" row under the purchase payment step selects the real control
      const shared = page.locator('[data-testid^="outline-shared-"]').filter({ hasText: SHARED_CONTROL });
      await shared.first().waitFor();
      await shared.first().click();
      const panel = page.getByTestId('node-panel');
      await panel.waitFor();
      expect(await panel.getByTestId('node-title').inputValue()).toMatch(new RegExp(`^${SHARED_CONTROL}`));
      const links = page.getByTestId('links-section');
      await links.getByText('所在位置', { exact: true }).waitFor();
      await links.locator('[data-testid^="control-host-"]').nth(1).waitFor();

      // the control section saves an attribute through the API
      const section = page.getByTestId('control-section');
      await section.getByTestId('control-risk').fill('越权审批或未经审批支付资金（端到端）');
      await section.getByTestId('control-save').click();
      await page.getByText('已保存').first().waitFor();
      await screenshot(page, 'controls-panel');

      // lint badges on outline rows; the lint page links to the node
      await page.locator('[data-testid^="outline-lint-"]').first().waitFor();
      await page.getByTestId('manual-tab-lint').click();
      const noInspection = page.getByTestId('lint-grid').locator('[data-testid="lint-row-no_inspection"]').first();
      await noInspection.waitFor();
      await noInspection.locator('a').click();
      await page.waitForURL(/\/manuals\/\d+\?node=\d+$/);
      await page.getByTestId('node-lint').getByText('未设置检查点。').waitFor();
    });
  });

  it('designer: the overlap report lists the shared control and merges a probable duplicate keeping its places', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'designer');
      await openDemoTab(page, 'overlap');
      await page.getByTestId('overlap-shared').getByText(SHARED_CONTROL).first().waitFor();

      // a near copy of a demo control in another step: same owner, same evidence, similar text
      const manualId = Number(new URL(page.url()).pathname.split('/')[2]);
      const matrix = (await api(page, 'controls.matrix', { manualId })) as {
        controls: { id: number; title: string; ownerPositionId: number | null; evidenceTypes: string[]; stepIds: number[] }[];
        steps: { id: number; title: string }[];
      };
      const original = matrix.controls.find((c) => c.title.startsWith('现金收入当日送存银行'))!;
      const otherStep = matrix.steps.find((s) => s.title.startsWith('银行对账'))!;
      const copy = (await api(page, 'controls.create', {
        manualId,
        placement: { relation: 'inside_end', targetId: otherStep.id },
        title: '现金收入当日送存银行 Cash banked on the same day',
        data: { ownerPositionId: original.ownerPositionId, evidenceTypes: original.evidenceTypes },
      })) as { id: number };

      await page.reload();
      const pair = page.locator(`[data-testid="duplicate-${original.id}-${copy.id}"], [data-testid="duplicate-${copy.id}-${original.id}"]`);
      await pair.waitFor();
      await pair.locator('[data-testid^="duplicate-merge-"]').click();
      // keep the original: the dialog says what happens to the other one's places and references
      const keepOriginal = page.getByRole('radio', { name: new RegExp(`现金收入当日送存银行 Cash banked the same day$`) });
      await keepOriginal.check();
      await page.getByTestId('merge-explanation').getByText(/Cash banked on the same day.*将并入/).waitFor();
      await screenshot(page, 'controls-merge');
      await page.getByTestId('merge-confirm').click();
      await page.getByText(/已合并：新增 1 个链接/).first().waitFor();
      await pair.waitFor({ state: 'detached' });

      // the original now also sits in the copy's step: shared, one control
      await page.getByTestId('manual-tab-controls').click();
      const row = matrixRow(page, 'Cash banked the same day');
      await row.locator('[data-testid^="matrix-shared-"]').waitFor();
      expect(await matrixRow(page, 'Cash banked on the same day').count()).toBe(0);
    });
  });

});
