import { expect, it } from 'vitest';
import { appRouter } from '../../server/trpc/app-router.ts';
import { createCallerFactory } from '../../server/trpc/trpc.ts';
import { createInnerContext, memoryCookie } from '../../server/trpc/context.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import type { SessionUser } from '../../server/auth/sessions.ts';
import { describeApi, failure } from '../api/harness.ts';

const createCaller = createCallerFactory(appRouter);

describeApi('object-level rules of audits', (env) => {
  /** The demo's fieldwork audit (lead: demo auditor, reviewer: demo admin, no testers), and callers by user. */
  async function world() {
    const { db, users } = env();
    await seedDemo(db);
    const userRow = async (username: string): Promise<SessionUser> => {
      const u = await db.selectFrom('app_user').select(['id', 'username', 'display_name', 'role']).where('username', '=', username).executeTakeFirstOrThrow();
      return { id: u.id, username: u.username, displayName: u.display_name, role: u.role, locale: 'zh-CN' };
    };
    const as = (user: SessionUser) => createCaller(createInnerContext({ db, user, cookie: memoryCookie() }));
    const lead = await userRow('auditor');
    const reviewer = await userRow('admin');
    const audits = await as(lead).audits.list();
    const current = audits.find((a) => a.status === 'fieldwork')!;
    const detail = await as(lead).audits.get({ auditId: current.id });
    return { db, lead: as(lead), leadUser: lead, reviewer: as(reviewer), reviewerUser: reviewer, outsider: as(users.auditor), outsiderUser: users.auditor, otherAdmin: as(users.admin), auditId: current.id, detail };
  }

  it('an auditor who is neither lead, reviewer nor tester cannot change status, assign testers or save tests; an admin is not the lead either', async () => {
    const w = await world();
    const proc = w.detail.controls[0]!.processIds[0]!;
    for (const [caller, who] of [[w.outsider, 'outsider'], [w.otherAdmin, 'admin']] as const) {
      const status = await failure(caller.audits.setStatus({ auditId: w.auditId, status: 'review' }));
      expect([who, status.code, status.messageKey]).toEqual([who, 'FORBIDDEN', 'errors.audits.notLead']);
      expect(status.message).toBe('只有本次评价的负责人（内控评价 李强）可以更改评价状态。');
      const assign = await failure(caller.audits.assignTesters({ auditId: w.auditId, processId: proc, userIds: [w.outsiderUser.id] }));
      expect([assign.code, assign.message]).toEqual(['FORBIDDEN', '只有本次评价的负责人（内控评价 李强）可以分派测试人员。']);
      const t = w.detail.tests[0]!;
      const save = await failure(caller.audits.saveTest({ testId: t.id, expectedVersion: t.version, data: { applicability: 'not_applicable', naReason: 'x' } }));
      expect([save.code, save.messageKey]).toEqual(['FORBIDDEN', 'errors.audits.notTester']);
    }
    expect((await w.lead.audits.get({ auditId: w.auditId })).audit.status).toBe('fieldwork');
    expect(await w.db.selectFrom('audit_tester').selectAll().where('audit_id', '=', w.auditId).execute()).toEqual([]);
  });

  it('a tester saves only tests of the processes assigned to them; the lead saves any', async () => {
    const w = await world();
    const procs = [...new Set(w.detail.controls.flatMap((c) => c.processIds))];
    expect(procs.length).toBeGreaterThan(1);
    await w.lead.audits.assignTesters({ auditId: w.auditId, processId: procs[0]!, userIds: [w.outsiderUser.id] });
    const testOf = (pred: (processIds: number[]) => boolean) => {
      const c = w.detail.controls.find((x) => pred(x.processIds))!;
      return w.detail.tests.find((t) => t.controlId === c.id)!;
    };
    const mine = testOf((p) => p.includes(procs[0]!));
    const other = testOf((p) => !p.includes(procs[0]!));
    const data = { applicability: 'not_applicable' as const, naReason: '本期无此业务' };
    await expect(w.outsider.audits.saveTest({ testId: mine.id, expectedVersion: mine.version, data })).resolves.toMatchObject({ state: 'not_applicable' });
    const refused = await failure(w.outsider.audits.saveTest({ testId: other.id, expectedVersion: other.version, data }));
    expect([refused.code, refused.message]).toEqual(['FORBIDDEN', expect.stringMatching(/^只有负责人（内控评价 李强）或分派到控制点 [\d.]+ 所在流程的测试人员可以录入其测试结果。$/)]);
    await expect(w.lead.audits.saveTest({ testId: other.id, expectedVersion: other.version, data })).resolves.toMatchObject({ state: 'not_applicable' });
  });

  it("a reviewed audit cannot be sent back by an outsider (the reviewer's signature stays); one person never signs twice; the preparer cannot review", async () => {
    const w = await world();
    // the lead completes the remaining tests and submits for review; the reviewer signs
    for (const t of (await w.lead.audits.get({ auditId: w.auditId })).tests.filter((x) => x.state === 'not_tested')) {
      await w.lead.audits.saveTest({ testId: t.id, expectedVersion: t.version, data: { applicability: 'not_applicable', naReason: '本期无此业务' } });
    }
    await w.lead.audits.setStatus({ auditId: w.auditId, status: 'review' });
    // the reviewer is an admin: an admin signs as reviewer, but never also as lead
    const reviewed = await w.reviewer.audits.sign({ auditId: w.auditId, role: 'reviewer' });
    expect(reviewed.reviewerSignedAt).not.toBeNull();
    const back = await failure(w.outsider.audits.setStatus({ auditId: w.auditId, status: 'fieldwork' }));
    expect([back.code, back.messageKey]).toEqual(['FORBIDDEN', 'errors.audits.notLead']);
    expect((await w.lead.audits.get({ auditId: w.auditId })).audit.reviewerSignedAt).toBe(reviewed.reviewerSignedAt);
    const twice = await failure(w.reviewer.audits.sign({ auditId: w.auditId, role: 'lead' }));
    expect([twice.code, twice.message]).toEqual(['FORBIDDEN', '只有本次评价的负责人（内控评价 李强）可以签发评价。']);
    const other = await failure(w.otherAdmin.audits.sign({ auditId: w.auditId, role: 'lead' }));
    expect(other.code).toBe('FORBIDDEN');
    await expect(w.lead.audits.sign({ auditId: w.auditId, role: 'lead' })).resolves.toMatchObject({ status: 'signed_off' });
  });

  it('the user who submitted the audit for review cannot sign it as reviewer, even after being renamed reviewer', async () => {
    const w = await world();
    for (const t of (await w.lead.audits.get({ auditId: w.auditId })).tests.filter((x) => x.state === 'not_tested')) {
      await w.lead.audits.saveTest({ testId: t.id, expectedVersion: t.version, data: { applicability: 'not_applicable', naReason: '本期无此业务' } });
    }
    await w.lead.audits.setStatus({ auditId: w.auditId, status: 'review' });
    // an admin swaps the roles after submission: the preparer becomes the reviewer
    await w.otherAdmin.audits.update({ auditId: w.auditId, data: { leadUserId: w.outsiderUser.id, reviewerUserId: w.leadUser.id } });
    const self = await failure(w.lead.audits.sign({ auditId: w.auditId, role: 'reviewer' }));
    expect([self.code, self.message]).toEqual(['FORBIDDEN', '内控评价 李强 提交了本次评价复核，不能再作为复核人签署。']);
    expect((await w.lead.audits.get({ auditId: w.auditId })).audit.reviewerSignedAt).toBeNull();
  });
});
