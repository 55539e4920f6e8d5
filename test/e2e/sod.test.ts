import { describe, expect, it } from 'vitest';
import { browserSuite, hasChromium, screenshot, signIn } from './browser.ts';

describe.skipIf(!hasChromium)('Segregation of duties in Chromium', () => {
  const suite = browserSuite();
  const { withPage } = suite;

  it('filters conflicts from the matrix, shows the cashier’s acting overlap on the timeline and accepts it with a mitigation', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'designer');
      await page.getByTestId('nav-sod').click();
      const grid = page.getByTestId('sod-conflicts-grid');
      await grid.getByTestId('grid-row').first().waitFor();

      // record ↔ custody: the cashier's acting cover as general-ledger accountant
      await page.getByTestId('sod-cell-record-custody').getByRole('button').click();
      await page.getByTestId('sod-cell-filter').waitFor();
      // only the cashier's acting cover: the ledger accountant reconciling the bank is the separation working
      await expect.poll(() => grid.getByTestId('grid-row').count()).toBe(1);
      const personLink = grid.getByTestId('conflict-person-link').filter({ hasText: 'E005' });
      await expect(personLink.textContent()).resolves.toContain('周静');
      await expect(grid.getByTestId('grid-row').filter({ hasText: 'E005' }).textContent()).resolves.toContain('2026-07-01 – 2026-08-15');
      await screenshot(page, 'sod-matrix-filtered');

      await personLink.click();
      await page.getByTestId('sod-timeline').waitFor();
      expect(await page.getByTestId('timeline-row').count()).toBe(2);
      expect(await page.getByTestId('timeline-overlap').count()).toBeGreaterThanOrEqual(2);
      await screenshot(page, 'sod-person-timeline');

      // the record ↔ custody conflict, accepted with a mitigating control and an expiry
      const conflicts = page.getByTestId('sod-person-conflicts');
      await conflicts.getByRole('row').filter({ hasText: 'SOD-03' }).getByRole('button').click();
      const form = page.getByTestId('mitigation-form');
      await form.getByTestId('form-submit').click();
      await form.getByText('必须写明用什么控制弥补这一冲突').waitFor(); // no silent waiver
      await form.getByTestId('mitigation-control').fill('会计部经理逐日复核代理期间的全部记账凭证');
      await form.getByTestId('form-submit').click();
      await form.waitFor({ state: 'detached' });
      await conflicts.getByRole('row').filter({ hasText: 'SOD-03' }).getByTestId('conflict-status').getByText(/已缓解/).waitFor();
      await expect(conflicts.getByRole('row').filter({ hasText: 'SOD-02' }).getByTestId('conflict-status').textContent()).resolves.toBe('未解决');
    });
  });
});
