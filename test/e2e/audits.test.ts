import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { controlResultOf, scoredProcessIds, toScoringInput, type AuditDetail, type AuditTest } from '../../shared/audits.ts';
import { computeScores, formatScore, type ControlResult } from '../../shared/scoring.ts';
import { browserSuite, hasChromium, screenshot, signIn } from './browser.ts';
import { apiAs, type Api } from './api.ts';

/** The company score the live panel must show: the shared roll-up over the audit with `changes` applied. */
function expectedCompany(detail: AuditDetail, changes: Record<number, ControlResult>): string {
  const tests = detail.tests.map((t) => {
    const r = changes[t.controlId];
    if (!r) return t;
    return { ...t, state: r.state, r: r.state === 'tested' ? r.r : null };
  });
  const report = computeScores(toScoringInput({ ...detail, tests, processIds: scoredProcessIds(detail.processes), unitIds: detail.audit.scopeUnitIds }));
  return formatScore(report.company.value);
}

describe.skipIf(!hasChromium)('Audit workspace in Chromium', () => {
  const suite = browserSuite();
  const { withPage } = suite;
  let auditor: Api;
  let auditId: number;

  beforeAll(async () => {
    auditor = await apiAs(suite.server.baseUrl, 'auditor');
    // an audit in fieldwork: the demo's if it has one, else a small one on the published demo manual
    const existing = (await auditor.audits.list.query()).find((a) => a.status === 'fieldwork');
    if (existing) {
      auditId = existing.id;
      return;
    }
    const me = (await auditor.auth.me.query())!;
    const manual = (await auditor.manual.list.query()).find((m) => m.code === 'ICM-DEMO')!;
    const versionNo = (await auditor.manual.versions.query({ manualId: manual.id }))[0]!.versionNo;
    const nodes = await auditor.manual.version.query({ manualId: manual.id, version: versionNo });
    const processes = nodes.filter((n) => n.kind === 'process' && n.status !== 'pending_design').slice(0, 2);
    const audit = await auditor.audits.create.mutate({
      manualId: manual.id,
      versionNo,
      name: '端到端评价 E2E audit',
      periodFrom: '2026-01-01',
      periodTo: '2026-06-30',
      baseDate: '2026-06-30',
      scopeProcessIds: processes.map((p) => p.id),
      scopeUnitIds: [],
      leadUserId: me.id,
      reviewerUserId: null,
    });
    auditId = audit.id;
    await auditor.audits.setStatus.mutate({ auditId, status: 'fieldwork' });
  });

  const companyScore = (page: Page) => page.getByTestId('live-company-score');
  async function expectCompany(page: Page, value: string) {
    await companyScore(page).getByText(value, { exact: true }).waitFor();
  }

  /** Two untested controls, with different weights when there are (so the weighting shows in the number). */
  function pickControls(detail: AuditDetail) {
    const untested = detail.controls.filter((c) => detail.tests.find((t) => t.controlId === c.id)?.state === 'not_tested');
    const a = untested.find((c) => c.isKey) ?? untested[0]!;
    const b = untested.find((c) => c.id !== a.id && c.weight !== a.weight) ?? untested.find((c) => c.id !== a.id)!;
    return { a, b };
  }

  it('auditor: enters results with shortcuts and the form, watches the live company score, and finds them saved after a reload', async () => {
    const detail = await auditor.audits.get.query({ auditId });
    const { a, b } = pickControls(detail);
    const afterA = expectedCompany(detail, { [a.id]: { state: 'tested', r: 1 } });
    const afterB = expectedCompany(detail, { [a.id]: { state: 'tested', r: 1 }, [b.id]: { state: 'tested', r: 0 } });
    expect(afterB).not.toBe(afterA);

    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'auditor');
      await page.getByTestId('nav-audits').click();
      await page.getByTestId(`audit-link-${auditId}`).click();
      await page.getByTestId('controls-grid').waitFor();
      await expectCompany(page, expectedCompany(detail, {}));

      // A: select the row, "e" = design effective and every planned sample without exception
      await page.getByTestId(`control-row-${a.number}`).click();
      await page.getByTestId('test-control-number').getByText(a.number, { exact: true }).waitFor();
      await page.keyboard.press('e');
      // the live panel moves before anything is saved
      await expectCompany(page, afterA);
      await page.getByTestId('live-drafts').waitFor();
      await page.getByTestId('test-result').getByText('1.00').waitFor();
      // Enter saves and moves to the next row
      await page.keyboard.press('Enter');
      await page.getByTestId('live-drafts').waitFor({ state: 'detached' });
      await page.getByTestId('test-control-number').getByText(a.number, { exact: true }).waitFor({ state: 'detached' });
      // arrow keys move the selection: up returns to A (saved, nothing to draft), down leaves it again
      await page.keyboard.press('ArrowUp');
      await page.getByTestId('test-control-number').getByText(a.number, { exact: true }).waitFor();
      await page.getByTestId(`control-row-${a.number}`).getByText('已测试').waitFor();
      await page.keyboard.press('ArrowDown');
      await page.getByTestId('test-control-number').getByText(a.number, { exact: true }).waitFor({ state: 'detached' });

      // B: through the form — design deficient (r = 0), then save
      await page.getByTestId(`control-row-${b.number}`).click();
      await page.getByTestId('test-design').getByText('设计缺陷').click();
      await expectCompany(page, afterB);
      await page.getByTestId('test-result').getByText('0.00').waitFor();
      await screenshot(page, 'audit-workspace');
      await page.getByTestId('test-save').click();
      await page.getByTestId('live-drafts').waitFor({ state: 'detached' });

      // reload: the saved results give the same score
      await page.reload();
      await page.getByTestId('controls-grid').waitFor();
      await expectCompany(page, afterB);
      await page.getByTestId(`control-row-${a.number}`).getByText('已测试').waitFor();
    });

    const saved = await auditor.audits.get.query({ auditId });
    const stateOf = (id: number) => controlResultOf(saved.tests.find((t) => t.controlId === id)!);
    expect(stateOf(a.id)).toEqual({ state: 'tested', r: 1 });
    expect(stateOf(b.id)).toEqual({ state: 'tested', r: 0 });
    const scores = await auditor.audits.scores.query({ auditId });
    expect(formatScore(scores.company.value)).toBe(afterB);
  });

  it('auditor: a save over someone else\'s newer save shows who saved it and "keep mine" resubmits', async () => {
    const detail = await auditor.audits.get.query({ auditId });
    // any control whose test "d" (design deficient) changes
    const test = detail.tests.find((t) => !(t.applicability === 'applicable' && t.design === 'deficient'))! as AuditTest;
    const c = detail.controls.find((x) => x.id === test.controlId)!;

    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'auditor');
      await page.getByTestId('nav-audits').waitFor();
      await page.goto(`${suite.server.baseUrl}/audits/${auditId}`);
      await page.getByTestId(`control-row-${c.number}`).click();
      // meanwhile the admin, whom the lead has just put on the control's process as a second tester, saves it (not applicable)
      const admin = await apiAs(suite.server.baseUrl, 'admin');
      const adminId = (await admin.auth.me.query())!.id;
      const processId = c.processIds[0]!;
      const testers = detail.testers.filter((t) => t.processId === processId).map((t) => t.userId);
      await auditor.audits.assignTesters.mutate({ auditId, processId, userIds: [...testers, adminId] });
      await admin.audits.saveTest.mutate({
        testId: test.id,
        expectedVersion: test.version,
        data: { applicability: 'not_applicable', naReason: '本期无此业务' },
      });
      await page.getByTestId(`control-row-${c.number}`).click();
      await page.keyboard.press('d');
      await page.keyboard.press('Enter');
      const modal = page.getByTestId('conflict-modal');
      await modal.waitFor();
      expect(await modal.getByTestId('conflict-message').innerText()).toContain('已被');
      await screenshot(page, 'audit-conflict');
      await modal.getByTestId('conflict-keep-mine').click();
      await modal.waitFor({ state: 'detached' });
      // saved: the row's unsaved marker goes, the result stays
      const row = page.getByTestId(`control-row-${c.number}`);
      await row.getByTestId('row-dirty').waitFor({ state: 'detached' });
      await row.getByText('已测试').waitFor();
    });

    const saved = (await auditor.audits.get.query({ auditId })).tests.find((t) => t.controlId === c.id)!;
    expect(saved).toMatchObject({ state: 'tested', r: 0, design: 'deficient' });
    expect(saved.version).toBe(test.version + 2);
  });

  it('auditor: sign-off lists the untested controls, findings and the dashboard render', async () => {
    const scores = await auditor.audits.scores.query({ auditId });
    const detail = await auditor.audits.get.query({ auditId });
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'auditor');
      await page.getByTestId('nav-audits').waitFor();
      await page.goto(`${suite.server.baseUrl}/audits/${auditId}/signoff`);
      await page.getByTestId('signoff-lead').waitFor();
      if (scores.signOffBlockers.length) {
        // controls still not tested block the lead's sign-off, listed by number
        const blocked = detail.controls.find((c) => c.id === scores.signOffBlockers[0])!;
        await page.getByTestId('signoff-blockers').getByText(blocked.number, { exact: false }).first().waitFor();
        expect(await page.getByTestId('sign-lead').isDisabled()).toBe(true);
      }
      await screenshot(page, 'audit-signoff');
      await page.getByTestId('audit-tab-findings').click();
      await page.getByTestId('findings-grid').waitFor();
      await page.getByTestId('audit-tab-dashboard').click();
      await page.getByTestId('chart-by-process').waitFor();
      await page.getByTestId('dashboard-company-score').getByText(formatScore(scores.company.value), { exact: true }).waitFor();
      await screenshot(page, 'audit-dashboard');
      await page.getByTestId('audit-tab-compare').click();
      await page.locator('[data-testid="compare-view"], [data-testid="compare-none"]').first().waitFor();
      await screenshot(page, 'audit-compare');
      // management's dashboard from the navbar
      await page.getByTestId('nav-auditDashboard').click();
      await page.getByTestId('audit-dashboard').waitFor();
    });
  });

  it('auditor: plans a new audit with the form and starts fieldwork', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'auditor');
      await page.getByTestId('nav-audits').click();
      await page.getByTestId('create-button').click();
      const form = page.getByTestId('audit-form');
      await form.getByTestId('audit-manual').click();
      await page.getByRole('option', { name: /ICM-DEMO/ }).click();
      await form.getByTestId('audit-version').click();
      await page.getByRole('option').first().click();
      await form.getByTestId('audit-name').fill('端到端新建评价');
      await form.getByTestId('audit-scope-processes').click();
      await page.getByRole('option').first().click();
      await form.getByTestId('audit-name').click(); // close the dropdown
      await form.getByTestId('form-submit').click();
      await form.waitFor({ state: 'detached' });
      await page.waitForURL(/\/audits\/\d+$/);
      await page.getByTestId('audit-title').getByText('端到端新建评价').waitFor();
      await page.getByTestId('audit-status').getByText('计划').waitFor();
      await page.getByTestId('workspace-readonly').waitFor();
      await page.getByTestId('audit-tab-signoff').click();
      await page.getByTestId('status-fieldwork').click();
      await page.getByTestId('audit-status').getByText('现场测试').waitFor();
      await page.getByTestId('audit-tab-workspace').click();
      await page.getByTestId('controls-grid').waitFor();
      expect(await page.getByTestId('workspace-readonly').count()).toBe(0);
    });
  });

  it('designer: sees a finding\'s revision proposal on the node in the outline editor', async () => {
    const detail = await auditor.audits.get.query({ auditId });
    const tree = await auditor.manual.tree.query({ manualId: detail.audit.manualId });
    const node = tree.nodes.find((n) => n.kind === 'process')!;
    await auditor.audits.saveFinding.mutate({
      auditId,
      data: {
        nature: 'design',
        severity: 'significant',
        title: '流程缺少复核',
        companyLevel: true,
        proposalNodeId: node.id,
        proposalText: '建议增加付款前的独立复核步骤',
      },
    });
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'designer');
      await page.getByTestId('nav-manuals').waitFor();
      await page.goto(`${suite.server.baseUrl}/manuals/${detail.audit.manualId}?node=${node.id}`);
      const proposals = page.getByTestId('node-proposals');
      await proposals.getByText('建议增加付款前的独立复核步骤').waitFor();
      await proposals.getByText(/重要缺陷/).waitFor();
    });
  });
});
