import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeApi, failure } from './harness.ts';
import { roundScore } from '../../shared/scoring.ts';
import type { TestData } from '../../shared/audits.ts';
import { verifyAuditCommand } from '../../server/audits/cli.ts';
import { auditWorkbookData, mapSignedOffError } from '../../server/audits/service.ts';
import { seedDemo } from '../../server/demo/seed.ts';

describeApi('audits', (env) => {
  const auditor = () => env().caller('auditor');

  /**
   * The manual of the docs/design.md §3.4 worked example: 采购付款 with C1–C7, 存货 with C8, C9 and C4
   * shared into it, plus a pending-design process. Published as version 1.
   */
  async function workedExampleManual() {
    const admin = env().caller('admin');
    const d = env().caller('designer');
    const unit = await admin.org.units.create({ parentId: null, code: 'PUR', name: '采购部' });
    const wh = await admin.org.units.create({ parentId: null, code: 'WH', name: '仓储部' });
    const buyer = await admin.org.positions.create({ unitId: unit.id, code: 'BUY', name: '采购员', levelRank: 20 });
    const keeper = await admin.org.positions.create({ unitId: wh.id, code: 'KEEP', name: '仓管员', levelRank: 20 });
    const manual = await d.manual.create({ code: 'ICM', title: '内部控制手册', numberingStyle: 'decimal' });
    const node = (kind: 'chapter' | 'process' | 'step', title: string, targetId: number | null, extra: Record<string, unknown> = {}) =>
      d.manual.insert({ manualId: manual.id, placement: targetId == null ? { relation: 'root_end' } : { relation: 'inside_end', targetId }, node: { kind, title, ...extra } });
    const ch = await node('chapter', '采购与存货', null);
    const pay = await node('process', '采购付款', ch.id, { status: 'active' });
    const payStep = await node('step', '付款', pay.id);
    const inv = await node('process', '存货', ch.id, { status: 'active' });
    const invStep = await node('step', '盘点', inv.id);
    const gap = await node('process', '工程项目', ch.id, { status: 'pending_design' });
    const control = (title: string, stepId: number, data: Record<string, unknown>) =>
      d.controls.create({ manualId: manual.id, placement: { relation: 'inside_end', targetId: stepId }, title, data });
    const key = { isKey: true, ownerPositionId: buyer.id, evidenceTypes: ['approval_document', 'original_voucher'] };
    const general = { isKey: false, ownerPositionId: buyer.id, evidenceTypes: ['work_ledger'] };
    const c = {
      c1: await control('C1 付款审批', payStep.id, { ...key, scoringMethod: 'graded' }),
      c2: await control('C2 登记台账', payStep.id, general),
      c3: await control('C3 供应商准入', payStep.id, key),
      c4: await control('C4 入库验收', payStep.id, { ...key, ownerPositionId: keeper.id }),
      c5: await control('C5 发票核对', payStep.id, { ...general, scoringMethod: 'graded' }),
      c6: await control('C6 付款复核', payStep.id, { ...key, frequency: 'daily', scoringMethod: 'rate' }),
      c7: await control('C7 预付款', payStep.id, general),
      c8: await control('C8 定期盘点', invStep.id, { ...key, ownerPositionId: keeper.id, frequency: 'monthly' }),
      c9: await control('C9 盘点差异', invStep.id, { ...general, ownerPositionId: keeper.id, scoringMethod: 'rate' }),
    };
    await d.controls.link({ controlId: c.c4.id, hostId: invStep.id });
    await d.manual.publish({ manualId: manual.id, note: 'v1' });
    return { admin, d, manual, unit, wh, pay, payStep, inv, invStep, gap, c };
  }

  async function newAudit(m: Awaited<ReturnType<typeof workedExampleManual>>, extra: Record<string, unknown> = {}) {
    const { users } = env();
    const audit = await auditor().audits.create({
      manualId: m.manual.id,
      versionNo: 1,
      name: '2026 年度内部控制评价',
      periodFrom: '2026-01-01',
      periodTo: '2026-12-31',
      baseDate: '2026-12-31',
      scopeProcessIds: [m.pay.id, m.inv.id, m.gap.id],
      scopeUnitIds: [],
      leadUserId: users.auditor.id,
      reviewerUserId: users.admin.id,
      ...extra,
    });
    await auditor().audits.setStatus({ auditId: audit.id, status: 'fieldwork' });
    return audit;
  }

  const effective = (data: Partial<TestData> = {}): TestData => ({ design: 'effective', samplesTested: 5, exceptions: 0, sampleSize: 5, ...data });

  /** Enter the worked example's results; returns the saved tests by control key. */
  async function enterWorkedExample(m: Awaited<ReturnType<typeof workedExampleManual>>, auditId: number) {
    const a = auditor();
    const { tests } = await a.audits.get({ auditId });
    const testOf = (id: number) => tests.find((t) => t.controlId === id)!;
    const save = (key: keyof typeof m.c, data: TestData) => {
      const t = testOf(m.c[key].id);
      return a.audits.saveTest({ testId: t.id, expectedVersion: t.version, data });
    };
    await save('c1', effective({ grade: 0.6 }));
    await save('c2', effective({ evidence: [{ evidenceType: 'work_ledger', status: 'seen', reference: 'TZ-2026-001' }] }));
    await save('c3', { design: 'deficient' });
    await save('c4', effective());
    await save('c5', effective({ grade: 0.8 }));
    await save('c6', effective({ samplesTested: 25, exceptions: 0, sampleSize: 25 }));
    await save('c7', { applicability: 'not_applicable', naReason: '本年度无预付款业务' });
    await save('c8', effective({ samplesTested: 2, sampleSize: 2 }));
    await save('c9', effective({ samplesTested: 5, exceptions: 3 }));
    await a.audits.saveFinding({
      auditId,
      data: { nature: 'design', severity: 'significant', title: '供应商准入缺少资质审核', controlIds: [m.c.c3.id] },
    });
  }

  it('scores the docs/design.md §3.4 worked example through the API: 68.57 / 91.43 / 72.22', async () => {
    const m = await workedExampleManual();
    const audit = await newAudit(m);
    const detail = await auditor().audits.get({ auditId: audit.id });
    expect(detail.controls.map((c) => c.number)).toEqual(['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4', '1.1.1.5', '1.1.1.6', '1.1.1.7', '1.2.1.1', '1.2.1.2']);
    expect(detail.scopeGaps).toEqual([{ id: m.gap.id, number: '1.3', title: '工程项目' }]);
    expect(detail.controls.find((c) => c.id === m.c.c4.id)!.processIds).toEqual([m.pay.id, m.inv.id]);
    expect(detail.controls.find((c) => c.id === m.c.c6.id)!.suggestedSampleSize).toBe(25);
    await enterWorkedExample(m, audit.id);

    const s = await auditor().audits.scores({ auditId: audit.id });
    expect(roundScore(s.processes[m.pay.id]!.value)).toBe(68.57);
    expect(roundScore(s.processes[m.inv.id]!.value)).toBe(91.43);
    expect(roundScore(s.company.value)).toBe(72.22);
    expect(s.company.weighted).toBeCloseTo(13.0, 12);
    expect(s.company.denominator).toBe(18);
    expect(s.processes[m.pay.id]!.notApplicable).toEqual([m.c.c7.id]);
    expect(s.processes[m.pay.id]!.cap).toBe(79); // the open significant finding on C3
    expect(s.processes[m.gap.id]).toBeUndefined(); // a scope gap is listed, never scored
    expect(s.signOffBlockers).toEqual([]);
    // the unit of C4/C8/C9's owner counts C4 once
    expect(s.units[m.wh.id]!.counts.controls).toBe(3);

    const list = await env().caller('viewer').audits.list();
    expect(list).toMatchObject([{ id: audit.id, manualCode: 'ICM', versionNo: 1, status: 'fieldwork', controlCount: 9, notTested: 0 }]);
    expect(roundScore(list[0]!.companyScore)).toBe(72.22);
  });

  it('runs the whole lifecycle: plan, test, review, sign, sign off with a content hash', async () => {
    const m = await workedExampleManual();
    const { users } = env();
    const audit = await newAudit(m);
    const a = auditor();
    expect(audit).toMatchObject({ status: 'planning', revision: 1, leadName: 'Test auditor', reviewerName: 'Test admin', versionNo: 1 });

    const testers = await a.audits.assignTesters({ auditId: audit.id, processId: m.pay.id, userIds: [users.auditor.id] });
    expect(testers).toEqual([{ processId: m.pay.id, userId: users.auditor.id, userName: 'Test auditor' }]);
    const viewerTester = await failure(a.audits.assignTesters({ auditId: audit.id, processId: m.pay.id, userIds: [users.viewer.id] }));
    expect(viewerTester.message).toBe('Test viewer的角色是“管理层（只读）”，不能担任测试人员；只有管理员或内控评价人员可以。');

    // signing with controls still untested is refused, naming them
    await a.audits.setStatus({ auditId: audit.id, status: 'review' });
    const early = await failure(env().caller('admin').audits.sign({ auditId: audit.id, role: 'reviewer' }));
    expect(early.code).toBe('PRECONDITION_FAILED');
    expect(early.message).toMatch(/^还有 9 个控制点未测试，不能签署：1\.1\.1\.1 C1 付款审批、1\.1\.1\.2 C2 登记台账/);
    await a.audits.setStatus({ auditId: audit.id, status: 'fieldwork' });
    await enterWorkedExample(m, audit.id);
    await a.audits.setStatus({ auditId: audit.id, status: 'review' });

    // lead before reviewer, and the wrong person, are refused
    expect((await failure(a.audits.sign({ auditId: audit.id, role: 'lead' }))).message).toBe('须先由复核人签署，负责人才能签发。');
    expect((await failure(a.audits.sign({ auditId: audit.id, role: 'reviewer' }))).message).toBe('只有本次评价的复核人（Test admin）可以复核签署。');
    const reviewed = await env().caller('admin').audits.sign({ auditId: audit.id, role: 'reviewer' });
    expect(reviewed.reviewerSignedAt).not.toBeNull();
    // after the reviewer signed nothing changes until the audit goes back to fieldwork
    const t0 = (await a.audits.get({ auditId: audit.id })).tests[0]!;
    const locked = await failure(a.audits.saveTest({ testId: t0.id, expectedVersion: t0.version, data: effective({ grade: 1 }) }));
    expect(locked.message).toMatch(/^复核人已于 .+ 签署，不能再修改/);

    const signed = await a.audits.sign({ auditId: audit.id, role: 'lead' });
    expect(signed).toMatchObject({ status: 'signed_off', signedOffBy: users.auditor.id });
    expect(signed.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await a.audits.verify({ auditId: audit.id })).ok).toBe(true);

    // a signed-off audit refuses every write with a clear message, nothing changes
    const writes = [
      () => a.audits.saveTest({ testId: t0.id, expectedVersion: t0.version, data: effective({ grade: 1 }) }),
      () => a.audits.saveFinding({ auditId: audit.id, data: { nature: 'operating', severity: 'general', title: 'x', companyLevel: true } }),
      () => a.audits.setStatus({ auditId: audit.id, status: 'fieldwork' }),
      () => a.audits.assignTesters({ auditId: audit.id, processId: m.pay.id, userIds: [] }),
      () => a.audits.sign({ auditId: audit.id, role: 'lead' }),
    ];
    for (const w of writes) {
      const err = await failure(w());
      expect(err.code).toBe('PRECONDITION_FAILED');
      expect(err.message).toBe('评价“2026 年度内部控制评价”已签发，其测试、证据和缺陷不能再修改或删除。如需更正，请由评价负责人重新打开（生成新的修订版）。');
    }
    const en = await failure(env().caller('auditor', { locale: 'en' }).audits.saveTest({ testId: t0.id, expectedVersion: t0.version, data: effective() }), 'en');
    expect(en.message).toMatch(/^Audit “2026 年度内部控制评价” is signed off/);
    expect((await a.audits.verify({ auditId: audit.id })).ok).toBe(true);

    // every step left a trail row
    const trail = await env().db.selectFrom('audit_trail').select(['entity', 'action']).where('entity', 'in', ['audit', 'audit_test', 'finding']).execute();
    expect(trail.filter((r) => r.action === 'sign')).toHaveLength(2);
    expect(trail.filter((r) => r.entity === 'audit_test')).toHaveLength(9);
  });

  it('the lead edits the plan (sample sizes, reviewer); other auditors may not', async () => {
    const m = await workedExampleManual();
    const audit = await newAudit(m);
    const { users } = env();
    const c6 = () => auditor().audits.get({ auditId: audit.id }).then((d) => d.controls.find((c) => c.id === m.c.c6.id)!);
    expect((await c6()).suggestedSampleSize).toBe(25);
    const updated = await auditor().audits.update({ auditId: audit.id, data: { sampleSizes: { ...audit.sampleSizes, daily: 30 }, name: '2026 年度评价（修订计划）' } });
    expect(updated).toMatchObject({ name: '2026 年度评价（修订计划）', sampleSizes: { daily: 30 } });
    expect((await c6()).suggestedSampleSize).toBe(30);
    expect((await failure(auditor().audits.update({ auditId: audit.id, data: { periodTo: '2025-06-30' } }))).message).toBe(
      '评价期间的结束日（2025-06-30）不能早于开始日（2026-01-01）。',
    );
    // the lead hands the audit over; from then on only the new lead (or an admin) changes it
    await auditor().audits.update({ auditId: audit.id, data: { leadUserId: users.admin.id, reviewerUserId: null } });
    const refused = await failure(auditor().audits.update({ auditId: audit.id, data: { name: 'x' } }));
    expect([refused.code, refused.message]).toEqual(['FORBIDDEN', '只有本次评价的负责人（Test admin）可以修改评价。']);
    expect((await auditor().audits.get({ auditId: audit.id })).audit).toMatchObject({ leadName: 'Test admin', reviewerUserId: null, name: '2026 年度评价（修订计划）' });
  });

  it('refuses every kind of bad input with a clear error and saves nothing', async () => {
    const m = await workedExampleManual();
    const audit = await newAudit(m);
    const a = auditor();
    const { users } = env();
    const base = {
      manualId: m.manual.id,
      versionNo: 1,
      name: 'x',
      periodFrom: '2026-01-01',
      periodTo: '2026-12-31',
      baseDate: '2026-12-31',
      scopeProcessIds: [m.pay.id],
      scopeUnitIds: [],
      leadUserId: users.auditor.id,
      reviewerUserId: null,
    };
    // unpublished version, period order, base date, scope
    expect((await failure(a.audits.create({ ...base, versionNo: 2 }))).message).toBe('手册“内部控制手册”没有已发布的第 2 版；评价只能针对已发布的版本（草稿不能评价）。');
    expect((await failure(a.audits.create({ ...base, periodTo: '2025-12-31', baseDate: '2025-12-31' }))).message).toBe(
      '评价期间的结束日（2025-12-31）不能早于开始日（2026-01-01）。',
    );
    expect((await failure(a.audits.create({ ...base, baseDate: '2030-01-01' }))).message).toMatch(/^评价基准日 2030-01-01 不合理/);
    expect((await failure(a.audits.create({ ...base, scopeProcessIds: [] }))).message).toBe('请至少选择一个业务流程或单位作为评价范围。');
    expect((await failure(a.audits.create({ ...base, scopeProcessIds: [m.gap.id] }))).message).toMatch(/^评价范围内没有任何控制点/);
    expect((await failure(a.audits.create({ ...base, scopeProcessIds: [m.payStep.id] }))).message).toBe(`评价范围中的条目（编号 ${m.payStep.id}）不是第 1 版中的业务流程。`);
    expect((await failure(a.audits.create({ ...base, leadUserId: users.viewer.id }))).message).toMatch(/不能担任评价负责人/);
    expect((await failure(a.audits.create({ ...base, reviewerUserId: users.auditor.id }))).message).toBe('复核人不能与评价负责人是同一人。');
    expect(await env().db.selectFrom('audit').select('id').execute()).toHaveLength(1);

    const { tests } = await a.audits.get({ auditId: audit.id });
    const t = (id: number) => tests.find((x) => x.controlId === id)!;
    const save = (id: number, data: TestData) => a.audits.saveTest({ testId: t(id).id, expectedVersion: t(id).version, data });
    const cases: [number, TestData, string][] = [
      [m.c.c2.id, effective({ exceptions: 6, samplesTested: 5 }), '例外数（6）不能超过已测样本数（5）。'],
      [m.c.c2.id, effective({ sampleSize: 0, samplesTested: 0 }), '样本量为 0：适用的控制点做运行有效性测试至少需要 1 个样本。若本期未发生，请标为“本期未运行”或“不适用”。'],
      [m.c.c1.id, effective({ grade: 1.5 }), '结果 r = 1.5 超出 0 到 1 的范围。'],
      [m.c.c1.id, effective({ grade: -0.2 }), '结果 r = -0.2 超出 0 到 1 的范围。'],
      [m.c.c1.id, effective({ grade: 0.7 }), '分级法的结果只能是 1, 0.8, 0.6, 0.4, 0 之一，不能是 0.7。'],
      [m.c.c2.id, effective({ exceptions: -1 }), '例外数必须是不小于 0 的整数，不能是 -1。'],
      [m.c.c2.id, effective({ population: 3, sampleSize: 3, samplesTested: 5 }), '已测样本数（5）不能超过总体数量（3）。'],
      [m.c.c2.id, { applicability: 'not_applicable' }, '标为“不适用”时须写明理由。'],
      [m.c.c2.id, effective({ evidence: [{ evidenceType: 'telepathy', status: 'seen' }] }), '未知的证据类型：telepathy。'],
    ];
    for (const [id, data, message] of cases) {
      const err = await failure(save(id, data));
      expect([err.code, err.message]).toEqual(['BAD_REQUEST', message]);
    }
    // a result for a control outside the scope (another manual's control, or the pending process)
    const outside = await failure(a.audits.saveTest({ auditId: audit.id, controlId: 999_999, expectedVersion: 1, data: effective() }));
    expect(outside.message).toBe('控制点 999999 不在本次评价范围内，不能记录结果或关联缺陷。');
    const outsideFinding = await failure(
      a.audits.saveFinding({ auditId: audit.id, data: { nature: 'design', severity: 'general', title: 'x', controlIds: [m.c.c1.id, 999_999] } }),
    );
    expect(outsideFinding.message).toBe('控制点 999999 不在本次评价范围内，不能记录结果或关联缺陷。');
    expect((await failure(a.audits.saveFinding({ auditId: audit.id, data: { nature: 'design', severity: 'general', title: 'x' } }))).message).toBe(
      '缺陷须关联控制点、业务流程或单位，或标为公司层面缺陷。',
    );
    expect(
      (await failure(a.audits.saveFinding({ auditId: audit.id, data: { nature: 'design', severity: 'general', title: 'x', companyLevel: true, status: 'closed' } }))).message,
    ).toBe('已整改的缺陷须填写整改完成日期。');
    // English too
    const en = await failure(env().caller('auditor', { locale: 'en' }).audits.saveTest({ testId: t(m.c.c2.id).id, expectedVersion: 1, data: effective({ exceptions: 9 }) }), 'en');
    expect(en.message).toBe('Exceptions (9) cannot exceed the samples tested (5).');
    // the viewer may read but not write
    expect((await failure(env().caller('viewer').audits.saveTest({ testId: t(m.c.c2.id).id, expectedVersion: 1, data: effective() }))).code).toBe('FORBIDDEN');

    // nothing was saved: every test is still version 1 and not tested, no evidence, no finding
    const after = await a.audits.get({ auditId: audit.id });
    expect(after.tests.every((x) => x.version === 1 && x.state === 'not_tested' && x.evidence.length === 0)).toBe(true);
    expect(after.findings).toEqual([]);
    // entering results needs fieldwork
    await a.audits.setStatus({ auditId: audit.id, status: 'planning' });
    expect((await failure(save(m.c.c2.id, effective()))).message).toBe('评价处于“计划”阶段，还不能录入测试结果或缺陷；请先开始现场测试。');
    expect((await failure(a.audits.setStatus({ auditId: audit.id, status: 'review' }))).message).toBe('评价不能从“计划”变为“复核”。');
  });

  it('two testers saving the same test: the second gets a conflict naming who saved when, the first keeps its data', async () => {
    const m = await workedExampleManual();
    const audit = await newAudit(m);
    const { tests } = await auditor().audits.get({ auditId: audit.id });
    const t = tests.find((x) => x.controlId === m.c.c2.id)!;
    const first = env().caller('auditor');
    const second = env().caller('admin');
    const saved = await first.audits.saveTest({ testId: t.id, expectedVersion: t.version, data: effective({ notes: 'first', samplesTested: 5, exceptions: 0 }) });
    expect(saved).toMatchObject({ version: 2, state: 'tested', r: 1, testerName: 'Test auditor', updatedBy: 'Test auditor' });
    const err = await failure(second.audits.saveTest({ testId: t.id, expectedVersion: t.version, data: effective({ notes: 'second', exceptions: 5 }) }));
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toMatch(/^该测试已被 Test auditor 于 \d{4}-\d\d-\d\dT.+ 保存（当前版本 2），您的修改没有保存。请重新加载，再合并您的修改。$/);
    const after = (await auditor().audits.get({ auditId: audit.id })).tests.find((x) => x.id === t.id)!;
    expect(after).toMatchObject({ version: 2, notes: 'first', r: 1 });

    // truly concurrent: both read version 2, save at once — exactly one wins
    const results = await Promise.allSettled([
      first.audits.saveTest({ testId: t.id, expectedVersion: 2, data: effective({ notes: 'A' }) }),
      second.audits.saveTest({ testId: t.id, expectedVersion: 2, data: effective({ notes: 'B' }) }),
    ]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    const final = (await auditor().audits.get({ auditId: audit.id })).tests.find((x) => x.id === t.id)!;
    expect(final.version).toBe(3);
    expect(final.notes).toBe((ok[0] as PromiseFulfilledResult<{ notes: string }>).value.notes);
  });

  it('the database itself rejects UPDATE and DELETE on a signed-off audit and its rows', async () => {
    const m = await workedExampleManual();
    const id = await signedOffAudit(m);
    const db = env().db;
    const statements = [
      sql`update audit set name = 'changed' where id = ${id}`,
      sql`delete from audit where id = ${id}`,
      sql`update audit_test set r = 1, state = 'tested' where audit_id = ${id}`,
      sql`delete from audit_test where audit_id = ${id}`,
      sql`update audit_evidence set reference = 'forged' where test_id in (select id from audit_test where audit_id = ${id})`,
      sql`delete from audit_evidence where test_id in (select id from audit_test where audit_id = ${id})`,
      sql`update finding set severity = 'general' where audit_id = ${id}`,
      sql`delete from finding where audit_id = ${id}`,
      sql`update finding_control set control_id = 1 where finding_id in (select id from finding where audit_id = ${id})`,
      sql`delete from finding_control where finding_id in (select id from finding where audit_id = ${id})`,
      sql`update audit_tester set user_id = user_id where audit_id = ${id}`,
      sql`delete from audit_tester where audit_id = ${id}`,
    ];
    for (const s of statements) await expect(s.execute(db)).rejects.toThrow(/is signed off/);
    // the service turns the database's refusal into the translated message
    const refused = await sql`delete from audit_test where audit_id = ${id}`.execute(db).catch((e: unknown) => e);
    expect(mapSignedOffError(refused)?.message).toBe('errors.audits.signedOff');
    expect((await auditor().audits.verify({ auditId: id })).ok).toBe(true);
  });

  async function signedOffAudit(m: Awaited<ReturnType<typeof workedExampleManual>>, extra: Record<string, unknown> = {}) {
    const audit = await newAudit(m, extra);
    await auditor().audits.assignTesters({ auditId: audit.id, processId: m.pay.id, userIds: [env().users.auditor.id] });
    await enterWorkedExample(m, audit.id);
    await auditor().audits.setStatus({ auditId: audit.id, status: 'review' });
    await env().caller('admin').audits.sign({ auditId: audit.id, role: 'reviewer' });
    await auditor().audits.sign({ auditId: audit.id, role: 'lead' });
    return audit.id;
  }

  it('reopening creates revision 2 with copies of every row and leaves revision 1 untouched', async () => {
    const m = await workedExampleManual();
    const id = await signedOffAudit(m);
    const a = auditor();
    const before = await a.audits.get({ auditId: id });
    expect((await failure(env().caller('admin').audits.reopen({ auditId: id, reason: '' }))).code).toBe('BAD_REQUEST');
    const reopened = await a.audits.reopen({ auditId: id, reason: '补充 C9 的样本' });
    expect(reopened.revision).toBe(2);
    const again = await failure(a.audits.reopen({ auditId: id, reason: 'again' }));
    expect(again.message).toBe(`该评价已被重新打开为第 2 修订版（编号 ${reopened.id}），请在最新修订版上操作。`);

    const rev2 = await a.audits.get({ auditId: reopened.id });
    expect(rev2.audit).toMatchObject({ status: 'review', revision: 2, previousRevisionId: id, contentHash: null, reviewerSignedAt: null });
    const strip = <T extends { id: number }>(rows: T[]) => rows.map(({ id: _id, ...rest }) => rest);
    expect(strip(rev2.tests)).toEqual(strip(before.tests));
    expect(strip(rev2.findings)).toEqual(strip(before.findings));
    expect(rev2.testers).toEqual(before.testers);
    expect(roundScore((await a.audits.scores({ auditId: reopened.id })).company.value)).toBe(72.22);

    const listScore = async (auditId: number) => (await a.audits.list()).find((x) => x.id === auditId)!.companyScore;
    expect(roundScore(await listScore(id))).toBe(72.22);

    // change revision 2; revision 1 stays exactly as signed, in the list too
    await a.audits.setStatus({ auditId: reopened.id, status: 'fieldwork' });
    const c9 = rev2.tests.find((t) => t.controlId === m.c.c9.id)!;
    await a.audits.saveTest({ testId: c9.id, expectedVersion: c9.version, data: effective({ samplesTested: 5, exceptions: 0 }) });
    expect(await a.audits.get({ auditId: id })).toEqual(before);
    const rev2Score = (await a.audits.scores({ auditId: reopened.id })).company.value;
    expect(roundScore(rev2Score)).not.toBe(72.22);
    expect(await listScore(reopened.id)).toBe(rev2Score);
    expect(roundScore(await listScore(id))).toBe(72.22);
    expect((await a.audits.verify({ auditId: id })).ok).toBe(true);
    const trail = await env().db.selectFrom('audit_trail').select(['after']).where('entity', '=', 'audit').where('action', '=', 'reopen').execute();
    expect(trail).toHaveLength(1);
    expect(trail[0]!.after).toMatchObject({ reason: '补充 C9 的样本', revision: 2 });
  });

  it('compares an audit with the previous signed-off audit of the same manual', async () => {
    const m = await workedExampleManual();
    const first = await signedOffAudit(m, { name: '2025 年度评价', periodFrom: '2025-01-01', periodTo: '2025-12-31', baseDate: '2025-12-31' });
    const second = await newAudit(m);
    const a = auditor();
    const { tests, findings } = await a.audits.get({ auditId: second.id });
    const t = (id: number) => tests.find((x) => x.controlId === id)!;
    // this year: C3 fixed (effective), C1 now fails, the rest as before; the C3 finding is not raised again
    const results: [number, TestData][] = [
      [m.c.c1.id, { design: 'deficient' }],
      [m.c.c2.id, effective()],
      [m.c.c3.id, effective()],
      [m.c.c4.id, effective()],
      [m.c.c5.id, effective({ grade: 0.8 })],
      [m.c.c6.id, effective()],
      [m.c.c7.id, { applicability: 'not_applicable', naReason: '无预付款' }],
      [m.c.c8.id, effective()],
      [m.c.c9.id, effective({ exceptions: 3 })],
    ];
    for (const [id, data] of results) await a.audits.saveTest({ testId: t(id).id, expectedVersion: 1, data });
    expect(findings).toEqual([]);
    const f = await a.audits.saveFinding({ auditId: second.id, data: { nature: 'design', severity: 'general', title: '付款审批设计缺陷', controlIds: [m.c.c1.id] } });
    expect(f.code).toBe('F-001');

    const cmp = await env().caller('viewer').audits.compare({ auditId: second.id });
    expect(cmp.previous).toEqual({ id: first, name: '2025 年度评价' });
    // only C3 changed state (C1 went 0.6 → 0: deficient both times)
    expect(cmp.controls.map((c) => [c.number, c.before, c.after])).toEqual([['1.1.1.3', 'deficient', 'effective']]);
    expect(cmp.controls.find((c) => c.controlId === m.c.c3.id)).toMatchObject({ before: 'deficient', after: 'effective' });
    expect(cmp.controls.find((c) => c.controlId === m.c.c1.id)).toBeUndefined(); // 0.6 → 0: deficient both times
    expect(cmp.controls.find((c) => c.controlId === m.c.c2.id)).toBeUndefined();
    const pay = cmp.processes.find((p) => p.id === m.pay.id)!;
    expect(roundScore(pay.before)).toBe(68.57);
    // 采购付款 now: C1 0, C2 1, C3 3, C4 3, C5 0.8, C6 3 → 10.8 / 14
    expect(pay.after).toBeCloseTo((10.8 / 14) * 100, 10);
    expect(pay.delta).toBeCloseTo(pay.after! - pay.before!, 10);
    expect(roundScore(cmp.company.before)).toBe(72.22);
    expect(cmp.findingsNew.map((x) => x.title)).toEqual(['付款审批设计缺陷']);
    expect(cmp.findingsClosed.map((x) => x.title)).toEqual(['供应商准入缺少资质审核']);
  });

  it('shows revision proposals of open findings to the designer', async () => {
    const m = await workedExampleManual();
    const audit = await newAudit(m);
    const a = auditor();
    const bad = await failure(
      a.audits.saveFinding({ auditId: audit.id, data: { nature: 'design', severity: 'significant', title: 'x', controlIds: [m.c.c3.id], proposalNodeId: m.c.c3.id } }),
    );
    expect(bad.message).toBe('修订建议须同时选择手册条目并填写建议内容。');
    const f = await a.audits.saveFinding({
      auditId: audit.id,
      data: { nature: 'design', severity: 'significant', title: '准入无资质审核', controlIds: [m.c.c3.id], proposalNodeId: m.c.c3.id, proposalText: '增加资质审核步骤' },
    });
    expect(await env().caller('designer').audits.proposals({ manualId: m.manual.id })).toEqual([
      { findingId: f.id, findingCode: 'F-001', auditId: audit.id, auditName: audit.name, nodeId: m.c.c3.id, proposalText: '增加资质审核步骤', severity: 'significant' },
    ]);
    // a stale edit of the finding conflicts; closing it removes the proposal
    await a.audits.saveFinding({ auditId: audit.id, findingId: f.id, expectedVersion: 1, data: { ...f, status: 'closed', closedOn: '2026-10-01' } });
    const stale = await failure(a.audits.saveFinding({ auditId: audit.id, findingId: f.id, expectedVersion: 1, data: { ...f } }));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toMatch(/^缺陷 F-001 已被 Test auditor 于 .+ 修改（当前版本 2）/);
    expect(await a.audits.proposals({ manualId: m.manual.id })).toEqual([]);
    await a.audits.deleteFinding({ findingId: f.id });
    expect((await a.audits.get({ auditId: audit.id })).findings).toEqual([]);
  });

  it('verify-audit prints OK for an intact audit and MISMATCH after the rows were tampered with', async () => {
    const m = await workedExampleManual();
    const id = await signedOffAudit(m);
    const db = env().db;
    const lines: string[] = [];
    expect(await verifyAuditCommand(db, id, (l) => lines.push(l))).toBe(0);
    expect(lines[0]).toMatch(new RegExp(`^audit ${id}: OK sha256 [0-9a-f]{64} \\(9 tests, 1 evidence rows, 1 findings, 1 finding links\\)$`));

    // someone with table-owner rights switches the guard off and edits a result
    await sql`alter table audit_test disable trigger audit_test_signed_off_guard`.execute(db);
    await sql`update audit_test set r = 1, exceptions = 0 where audit_id = ${id} and control_id = ${m.c.c9.id}`.execute(db);
    await sql`alter table audit_test enable trigger audit_test_signed_off_guard`.execute(db);
    lines.length = 0;
    expect(await verifyAuditCommand(db, id, (l) => lines.push(l))).toBe(1);
    expect(lines[0]).toBe(`audit ${id}: MISMATCH — the rows were changed after sign-off`);
    expect((await auditor().audits.verify({ auditId: id })).ok).toBe(false);
    // an audit that is not signed off has nothing to verify
    const open = await newAudit(m, { name: 'open' });
    expect(await verifyAuditCommand(db, open.id, () => {})).toBe(1);
  });

  it('the demo holds a signed-off audit that verifies and a fieldwork audit to compare with it', async () => {
    await seedDemo(env().db);
    const v = env().caller('viewer');
    const list = await v.audits.list();
    expect(list.map((a) => [a.status, a.revision])).toEqual([
      ['fieldwork', 1],
      ['signed_off', 1],
    ]);
    const [current, last] = list as [(typeof list)[number], (typeof list)[number]];
    expect(last.notTested).toBe(0);
    expect(current.notTested).toBeGreaterThan(0);
    expect(current.notTested).toBeLessThan(current.controlCount);
    expect(last.companyScore).toBeGreaterThan(0);
    expect((await v.audits.verify({ auditId: last.id })).ok).toBe(true);

    const detail = await v.audits.get({ auditId: last.id });
    expect(detail.scopeGaps.length).toBeGreaterThan(0);
    expect(detail.findings.map((f) => [f.code, f.severity, f.status])).toEqual([
      ['F-001', 'significant', 'open'],
      ['F-002', 'general', 'closed'],
    ]);
    expect(detail.tests.some((t) => t.evidence.some((e) => e.status === 'seen' && e.reference))).toBe(true);
    const proposals = await env().caller('designer').audits.proposals({ manualId: detail.manual.id });
    expect(proposals).toHaveLength(1);
    expect(await env().db.selectFrom('manual_node').select('id').where('id', '=', proposals[0]!.nodeId).executeTakeFirst()).toBeDefined();

    const cmp = await v.audits.compare({ auditId: current.id });
    expect(cmp.previous?.id).toBe(last.id);
    expect(cmp.controls.some((c) => c.before === 'deficient' && c.after === 'effective')).toBe(true);

    const workbook = await auditWorkbookData(env().db, last.id);
    expect(workbook.organisationName).toBe('示范集团总部');
    expect(workbook.scores.company.value).toBe(last.companyScore);
    expect(workbook.controls).toHaveLength(last.controlCount);
  });
});
