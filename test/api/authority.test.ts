import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import fastifyCookie from '@fastify/cookie';
import ExcelJS from 'exceljs';
import { describeApi, failure, type TestEnv } from './harness.ts';
import { VIOLATION_KINDS, type ApprovalInput, type BandInput, type DelegationInput } from '../../shared/authority.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { APPROVAL_IMPORT_URL } from '../../shared/approval-import.ts';
import type { Role } from '../../shared/roles.ts';
import { buildApp } from '../../server/app.ts';
import { createSession } from '../../server/auth/sessions.ts';
import { registerUploadRoute } from '../../server/http/upload.ts';
import { readTable } from '../../server/http/tabular.ts';
import type { ImportResult } from '../../server/authority/import.ts';

/**
 * A small organisation for authority tests:
 *   GM 赵总 (rank 95), FIN-HEAD 钱主任 (70), ACC-MGR 孙经理 (60, until 2026-05-31), two clerks (30);
 *   the clerk 周出纳 acts as ACC-MGR in June 2026.
 * Matters: LEAVE (days: ≤ 1 rank 60, > 1 rank 70); PAY (CNY: ≤ 50,000 rank 60,
 * (50,000, 1,000,000] the FIN-HEAD position, (1,000,000, 5,000,000] rank 95, above that the
 * 总经理办公会 collectively; split window 30 days); CONTRACT (CNY, ≤ 100,000 rank 70, above rank 95).
 */
async function authorityWorld(env: TestEnv) {
  const admin = env.caller('admin');
  const hq = await admin.org.units.create({ parentId: null, code: 'HQ', name: '总部' });
  const fin = await admin.org.units.create({ parentId: hq.id, code: 'FIN', name: '财务中心' });
  const acc = await admin.org.units.create({ parentId: fin.id, code: 'ACC', name: '会计部' });
  const pos = async (unitId: number, code: string, name: string, levelRank: number) =>
    (await admin.org.positions.create({ unitId, code, name, levelRank, duties: [] })).id;
  const positions = {
    gm: await pos(hq.id, 'GM', '总经理', 95),
    finHead: await pos(fin.id, 'FIN-HEAD', '财务中心主任', 70),
    accMgr: await pos(acc.id, 'ACC-MGR', '会计部经理', 60),
    clerk: await pos(acc.id, 'ACC-CLERK', '会计', 30),
  };
  const person = async (employeeNo: string, name: string, positionId: number, validTo: string | null = null) => {
    const p = await admin.org.people.create({ employeeNo, name });
    await admin.org.assignments.create({ personId: p.id, positionId, kind: 'primary', validFrom: '2020-01-01', validTo });
    return p.id;
  };
  const people = {
    gm: await person('E1', '赵总', positions.gm),
    finHead: await person('E2', '钱主任', positions.finHead),
    accMgr: await person('E3', '孙经理', positions.accMgr, '2026-05-31'),
    clerk: await person('E4', '李会计', positions.clerk),
    cashier: await person('E5', '周出纳', positions.clerk),
  };
  await admin.org.assignments.create({ personId: people.cashier, positionId: positions.accMgr, kind: 'acting', validFrom: '2026-06-01', validTo: '2026-06-30' });

  const designer = env.caller('designer');
  const matter = (code: string, name: string, unit: 'CNY' | 'days' | 'count' | 'none', extra: { nonDelegable?: boolean; splitWindowDays?: number | null; requiresMinutes?: boolean } = {}) =>
    designer.authority.matters.create({ code, name, unit, ...extra });
  const matters = {
    leave: (await matter('LEAVE', '请假', 'days')).id,
    pay: (await matter('PAY', '资金支付', 'CNY', { splitWindowDays: 30 })).id,
    contract: (await matter('CONTRACT', '合同签订', 'CNY')).id,
  };
  const rank = (lowerBound: number | null, upperBound: number | null, minLevelRank: number): BandInput => ({ lowerBound, upperBound, minLevelRank });
  await designer.authority.saveMatrix({ matterId: matters.leave, effectiveFrom: '2026-01-01', bands: [rank(null, 1, 60), rank(1, null, 70)] });
  await designer.authority.saveMatrix({
    matterId: matters.pay,
    effectiveFrom: '2026-01-01',
    bands: [
      rank(0, 50_000, 60),
      { lowerBound: 50_000, upperBound: 1_000_000, approverPositionId: positions.finHead },
      rank(1_000_000, 5_000_000, 95),
      { lowerBound: 5_000_000, upperBound: null, minLevelRank: 95, mode: 'collective', decidingBody: '总经理办公会', quorum: 5 },
    ],
  });
  await designer.authority.saveMatrix({ matterId: matters.contract, effectiveFrom: '2026-01-01', bands: [rank(null, 100_000, 70), rank(100_000, null, 95)] });

  const auditor = env.caller('auditor');
  let seq = 0;
  const approve = (r: Partial<ApprovalInput> & Pick<ApprovalInput, 'matterId' | 'approverId'>) =>
    auditor.authority.approvals.create({ referenceNo: `R${++seq}`, requesterId: people.clerk, approvedOn: '2026-03-02', amount: 1, ...r });
  const delegate = (d: Partial<DelegationInput> & Pick<DelegationInput, 'delegatorId' | 'delegateId' | 'matterId'>) =>
    designer.authority.delegations.create({ validFrom: '2026-03-01', validTo: '2026-03-31', ...d });
  const kindsOf = async (r: Promise<{ violations: { kind: string }[] }>) => (await r).violations.map((v) => v.kind);
  return { admin, designer, auditor, positions, people, matters, approve, delegate, kindsOf };
}

describeApi('approval authority', (env) => {
  it('puts band boundaries exactly: 1 day is the department head, 1.5 days the centre head', async () => {
    const w = await authorityWorld(env());
    expect(await w.kindsOf(w.approve({ matterId: w.matters.leave, approverId: w.people.accMgr, amount: 1 }))).toEqual([]);
    const over = await w.approve({ matterId: w.matters.leave, approverId: w.people.accMgr, amount: 1.5 });
    expect(over.violations.map((v) => v.kind)).toEqual(['below_band']);
    expect(over.violations[0]!.message).toBe('越权：孙经理 在 2026-03-02 的最高职级为 60，区间 (1, ∞) 要求职级不低于 70。');
    expect(await w.kindsOf(w.approve({ matterId: w.matters.leave, approverId: w.people.finHead, amount: 1.5 }))).toEqual([]);

    const who = (amount: number) => w.auditor.authority.whoMayApprove({ matterId: w.matters.leave, amount, date: '2026-03-02' });
    const one = await who(1);
    expect(one.band).toMatchObject({ bandNo: 1, range: '(−∞, 1]', minLevelRank: 60 });
    expect(one.holders.map((h) => h.personName)).toEqual(['赵总', '钱主任', '孙经理']);
    const half = await who(1.5);
    expect(half.band).toMatchObject({ bandNo: 2, range: '(1, ∞)' });
    expect(half.positions.map((p) => p.code)).toEqual(['GM', 'FIN-HEAD']);
    expect(half.holders.map((h) => h.personName)).toEqual(['赵总', '钱主任']);
  });

  it('reports overlapping and gapped bands with their bounds, in the user language, and saves nothing', async () => {
    const w = await authorityWorld(env());
    const bands: BandInput[] = [
      { lowerBound: null, upperBound: 2, minLevelRank: 60 },
      { lowerBound: 1, upperBound: 5, minLevelRank: 70 },
      { lowerBound: 6, upperBound: null, minLevelRank: 95 },
    ];
    const zh = await failure(w.designer.authority.saveMatrix({ matterId: w.matters.leave, effectiveFrom: '2026-07-01', bands }));
    expect(zh).toMatchObject({ code: 'BAD_REQUEST', message: '“请假”的权限区间有 2 处问题，未保存：第 2 行与第 1 行重叠：(1, 2]；第 3 行之前有缺口：(5, 6] 无人审批' });
    const designerEn = env().caller('designer', { locale: 'en' });
    const en = await failure(designerEn.authority.saveMatrix({ matterId: w.matters.leave, effectiveFrom: '2026-07-01', bands: bands.slice(0, 1) }), 'en');
    expect(en.message).toBe('The bands of "请假" have 1 problem(s); nothing was saved: Gap above the highest band: nobody approves (2, ∞)');
    const missing = await failure(
      w.designer.authority.saveMatrix({ matterId: w.matters.leave, effectiveFrom: '2026-07-01', bands: [{ lowerBound: null, upperBound: null, mode: 'collective' }] }),
    );
    expect(missing.fieldErrors).toMatchObject({
      'bands.0.approverPositionId': ['请指定审批岗位或最低职级（二选一）。'],
      'bands.0.decidingBody': ['集体决策须写明决策机构。'],
      'bands.0.quorum': ['集体决策须写明法定人数（至少 2 人）。'],
    });
    const rules = await w.auditor.authority.rules({ matterId: w.matters.leave });
    expect(rules.map((r) => [r.versionNo, r.bandNo, r.validFrom, r.validTo])).toEqual([
      [1, 1, '2026-01-01', null],
      [1, 2, '2026-01-01', null],
    ]);
  });

  it('versions the matrix: a change from a date closes the old bands, which still judge older records', async () => {
    const w = await authorityWorld(env());
    await w.designer.authority.saveMatrix({
      matterId: w.matters.leave,
      effectiveFrom: '2026-07-01',
      bands: [
        { lowerBound: null, upperBound: 1, minLevelRank: 70 },
        { lowerBound: 1, upperBound: null, minLevelRank: 95 },
      ],
    });
    const rules = await w.auditor.authority.rules({ matterId: w.matters.leave });
    expect(rules.map((r) => [r.versionNo, r.bandNo, r.minLevelRank, r.validFrom, r.validTo])).toEqual([
      [2, 1, 70, '2026-07-01', null],
      [2, 2, 95, '2026-07-01', null],
      [1, 1, 60, '2026-01-01', '2026-06-30'],
      [1, 2, 70, '2026-01-01', '2026-06-30'],
    ]);
    const leave = (approvedOn: string) => w.kindsOf(w.approve({ matterId: w.matters.leave, approverId: w.people.finHead, amount: 1.5, approvedOn }));
    expect(await leave('2026-06-30')).toEqual([]);
    expect(await leave('2026-07-01')).toEqual(['below_band']);
    const again = await failure(
      w.designer.authority.saveMatrix({ matterId: w.matters.leave, effectiveFrom: '2026-07-01', bands: [{ lowerBound: null, upperBound: null, minLevelRank: 99 }] }),
    );
    expect(again.message).toBe('“请假”已有 2026-07-01 起生效的版本；新版本的生效日期须晚于该日期。');
    const trail = await w.admin.trail.list({ entity: 'authority_rule' });
    expect(trail.rows[0]).toMatchObject({ action: 'update', entityId: String(w.matters.leave) });
  });

  it('judges the approver by the assignments in force that day: ended the day before, acting included', async () => {
    const w = await authorityWorld(env());
    const leave = (approverId: number, approvedOn: string) => w.approve({ matterId: w.matters.leave, approverId, amount: 1, approvedOn });
    expect((await leave(w.people.accMgr, '2026-05-31')).violations).toEqual([]);
    const after = await leave(w.people.accMgr, '2026-06-01');
    expect(after.violations.map((v) => v.message)).toEqual(['越权：孙经理 在 2026-06-01 的最高职级为 —，区间 (−∞, 1] 要求职级不低于 60。']);
    expect((await leave(w.people.cashier, '2026-06-15')).violations).toEqual([]);
    const actingOver = await leave(w.people.cashier, '2026-07-01');
    expect(actingOver.violations).toMatchObject([{ kind: 'below_band', holderRank: 30 }]);

    const june = await w.auditor.authority.whoMayApprove({ matterId: w.matters.leave, amount: 1, date: '2026-06-01' });
    expect(june.holders.map((h) => [h.personName, h.kind])).toEqual([
      ['赵总', 'primary'],
      ['钱主任', 'primary'],
      ['周出纳', 'acting'],
    ]);
  });

  it('checks delegations: in force until the day before, revoked, over cap — naming delegator and delegate', async () => {
    const w = await authorityWorld(env());
    const d = await w.delegate({ delegatorId: w.people.finHead, delegateId: w.people.clerk, matterId: w.matters.pay, cap: 200_000, maxDepth: 1 });
    const pay = (amount: number, approvedOn: string) =>
      w.approve({ matterId: w.matters.pay, approverId: w.people.clerk, requesterId: w.people.cashier, amount, approvedOn, viaDelegationId: d.id });
    expect((await pay(100_000, '2026-03-31')).violations).toEqual([]); // the clerk's rank 30 does not matter: the authority is 钱主任's
    const expired = await pay(100_000, '2026-04-01');
    expect(expired.violations.map((v) => v.message)).toEqual([
      `授权委托 #${d.id} 的有效期为 2026-03-01 至 2026-03-31，审批日期 2026-04-01 不在其内。（授权人：钱主任；被授权人：李会计；授权委托 #${d.id}）`,
    ]);
    expect(expired.violations[0]).toMatchObject({ delegatorName: '钱主任', delegateName: '李会计', delegationId: d.id });
    const overCap = await pay(300_000, '2026-03-15');
    expect(overCap.violations.map((v) => [v.kind, v.linkCap])).toEqual([['delegation_over_cap', 200_000]]);

    await w.designer.authority.delegations.revoke({ id: d.id, revokedOn: '2026-03-20' });
    expect(await w.kindsOf(pay(1000, '2026-03-19'))).toEqual([]);
    const revoked = await pay(1000, '2026-03-20');
    expect(revoked.violations.map((v) => v.kind)).toEqual(['delegation_revoked']);
    expect(revoked.violations[0]!.message).toContain('已于 2026-03-20 撤销');
    const again = await failure(w.designer.authority.delegations.revoke({ id: d.id, revokedOn: null }));
    expect(again.message).toBe(`授权委托 #${d.id} 已于 2026-03-20 撤销。`);

    const whoMarch = await w.auditor.authority.whoMayApprove({ matterId: w.matters.pay, amount: 150_000, date: '2026-03-10' });
    expect(whoMarch.delegates.map((x) => [x.personName, x.delegatorName, x.cap])).toEqual([['李会计', '钱主任', 200_000]]);
    const whoLate = await w.auditor.authority.whoMayApprove({ matterId: w.matters.pay, amount: 150_000, date: '2026-03-25' });
    expect(whoLate.delegates).toEqual([]);
  });

  it('limits sub-delegation depth: refused when exhausted, flagged when the allowance is later reduced', async () => {
    const w = await authorityWorld(env());
    const root = await w.delegate({ delegatorId: w.people.finHead, delegateId: w.people.clerk, matterId: w.matters.pay, cap: 200_000, maxDepth: 1 });
    const sub = await w.delegate({ delegatorId: w.people.clerk, delegateId: w.people.cashier, matterId: w.matters.pay, cap: 100_000, parentId: root.id });
    const viaSub = { matterId: w.matters.pay, approverId: w.people.cashier, requesterId: w.people.gm, amount: 50_000, viaDelegationId: sub.id };
    expect(await w.kindsOf(w.approve(viaSub))).toEqual([]);
    const deeper = await failure(w.delegate({ delegatorId: w.people.cashier, delegateId: w.people.accMgr, matterId: w.matters.pay, parentId: sub.id }));
    expect(deeper.message).toBe(`上级授权委托 #${sub.id} 不允许再转授。`);
    const tooMuch = await failure(w.delegate({ delegatorId: w.people.clerk, delegateId: w.people.accMgr, matterId: w.matters.pay, cap: 300_000, parentId: root.id }));
    expect(tooMuch.message).toBe('授权上限 300000 超过授权人 钱主任 自身的权限 200000。');
    const notHis = await failure(w.delegate({ delegatorId: w.people.accMgr, delegateId: w.people.gm, matterId: w.matters.pay, parentId: root.id }));
    expect(notHis.message).toBe(`上级授权委托 #${root.id} 的被授权人不是 孙经理，不能由其转授。`);

    await w.designer.authority.delegations.update({
      id: root.id,
      data: { delegatorId: w.people.finHead, delegateId: w.people.clerk, matterId: w.matters.pay, cap: 200_000, validFrom: '2026-03-01', validTo: '2026-03-31', maxDepth: 0 },
    });
    const check = await w.auditor.authority.check({ kinds: ['delegation_too_deep'] });
    expect(check.rows.map((r) => r.message)).toEqual([
      `授权委托 #${root.id} 只允许再转授 0 级，实际转授了 1 级。（授权人：钱主任；被授权人：周出纳；授权委托 #${sub.id}）`,
    ]);
  });

  it('refuses delegation cycles, and reports a cycle that got into the data another way', async () => {
    const w = await authorityWorld(env());
    await w.delegate({ delegatorId: w.people.finHead, delegateId: w.people.accMgr, matterId: w.matters.pay, cap: 40_000 });
    const loop = await failure(w.delegate({ delegatorId: w.people.accMgr, delegateId: w.people.finHead, matterId: w.matters.pay, cap: 10_000, validFrom: '2026-03-15' }));
    expect(loop.message).toBe('授权委托会形成循环：钱主任 → 孙经理 → 钱主任。');
    // a later, non-overlapping period is no cycle
    await w.delegate({ delegatorId: w.people.accMgr, delegateId: w.people.finHead, matterId: w.matters.pay, cap: 10_000, validFrom: '2026-04-01', validTo: '2026-04-30' });

    // loaded straight into the database: 钱主任 → 李会计 under 李会计 → 钱主任 under the first
    const { db } = env();
    const a = await db.insertInto('delegation').values({ delegator_id: w.people.finHead, delegate_id: w.people.clerk, matter_id: w.matters.pay, valid_from: '2026-05-01', valid_to: '2026-05-31', max_depth: 3 }).returning('id').executeTakeFirstOrThrow();
    const b = await db.insertInto('delegation').values({ delegator_id: w.people.clerk, delegate_id: w.people.finHead, matter_id: w.matters.pay, valid_from: '2026-05-01', valid_to: '2026-05-31', max_depth: 3, parent_id: a.id }).returning('id').executeTakeFirstOrThrow();
    await db.updateTable('delegation').set({ parent_id: b.id }).where('id', '=', a.id).execute();
    const cyc = await w.approve({ matterId: w.matters.pay, approverId: w.people.finHead, requesterId: w.people.gm, amount: 100, approvedOn: '2026-05-05', viaDelegationId: b.id });
    expect(cyc.violations.map((v) => v.kind)).toEqual(['delegation_cycle']);
    expect(cyc.violations[0]!.message).toContain(`授权委托 #${b.id} 的转授链形成循环`);
  });

  it('refuses delegating a non-delegable matter and flags approvals through a delegation made before it became one', async () => {
    const w = await authorityWorld(env());
    const d = await w.delegate({ delegatorId: w.people.gm, delegateId: w.people.finHead, matterId: w.matters.contract, cap: 500_000 });
    await w.designer.authority.matters.update({ id: w.matters.contract, data: { code: 'CONTRACT', name: '合同签订', unit: 'CNY', nonDelegable: true } });
    const refused = await failure(w.delegate({ delegatorId: w.people.gm, delegateId: w.people.accMgr, matterId: w.matters.contract }));
    expect(refused.message).toBe('“合同签订”为不得授权事项，不能设立授权委托。');
    const r = await w.approve({ matterId: w.matters.contract, approverId: w.people.finHead, amount: 300_000, viaDelegationId: d.id });
    expect(r.violations.map((v) => v.message)).toEqual([`“合同签订”不得授权审批，却通过授权委托 #${d.id} 审批。（授权人：赵总；被授权人：钱主任；授权委托 #${d.id}）`]);
  });

  it('flags missing minutes, approval after execution and self-approval', async () => {
    const w = await authorityWorld(env());
    const big = { matterId: w.matters.pay, approverId: w.people.gm, amount: 6_000_000 };
    const noMinutes = await w.approve(big);
    expect(noMinutes.violations.map((v) => v.message)).toEqual(['该金额须由总经理办公会集体决策，但未填写会议纪要编号。']);
    expect(await w.kindsOf(w.approve({ ...big, minutesRef: '总办会纪要〔2026〕7号' }))).toEqual([]);
    const board = await w.designer.authority.matters.create({ code: 'BUDGET', name: '预算调整', unit: 'none', requiresMinutes: true });
    await w.designer.authority.saveMatrix({ matterId: board.id, effectiveFrom: '2026-01-01', bands: [{ lowerBound: null, upperBound: null, minLevelRank: 95 }] });
    const budget = await w.approve({ matterId: board.id, approverId: w.people.gm, amount: null });
    expect(budget.violations.map((v) => v.message)).toEqual(['“预算调整”须附会议纪要，但未填写纪要编号。']);

    const late = await w.approve({ matterId: w.matters.pay, approverId: w.people.accMgr, amount: 100, approvedOn: '2026-03-02', executedOn: '2026-03-01' });
    expect(late.violations.map((v) => v.message)).toEqual(['先执行后审批：2026-03-01 已执行，2026-03-02 才审批。']);
    const self = await w.approve({ matterId: w.matters.pay, approverId: w.people.accMgr, requesterId: w.people.accMgr, amount: 100 });
    expect(self.violations.map((v) => v.kind)).toEqual(['self_approval']);
    const en = await env().caller('auditor', { locale: 'en' }).authority.check({ kinds: ['self_approval'] });
    expect(en.rows.map((r) => r.message)).toEqual(['Self-approval: the requester 孙经理 is also the approver or the delegator.']);
  });

  it('finds split sets with a window query: every record of a run within the window, reported once, over the approvers\' reach', async () => {
    const w = await authorityWorld(env());
    const pay = (amount: number, approvedOn: string, extra: Partial<ApprovalInput> = {}) =>
      w.approve({ matterId: w.matters.pay, approverId: w.people.accMgr, requesterId: w.people.clerk, amount, approvedOn, ...extra });
    const first = await pay(20_000, '2026-03-01');
    expect(first.violations).toEqual([]);
    expect(await w.kindsOf(pay(20_000, '2026-03-10'))).toEqual([]);
    const third = await pay(15_000, '2026-03-31'); // 30 days after the first: still in the window
    const message = '疑似拆分：李会计 在 2026-03-01 至 2026-03-31（30 天窗口）的“资金支付”累计 55,000 元（3 笔：R1、R2、R3），超过 孙经理 的权限上限 50,000 元。';
    expect(third.violations.map((v) => v.message)).toEqual([message]);
    // the first record of the run is part of the violation, not only the one that tipped it
    const ofFirstDay = await w.auditor.authority.check({ from: '2026-03-01', to: '2026-03-01', kinds: ['split_transaction'] });
    expect(ofFirstDay.rows.map((r) => [r.referenceNo, r.message])).toEqual([['R1', message]]);
    expect(await w.kindsOf(pay(15_000, '2026-04-10'))).toEqual([]); // 03-31 + 04-10: 30,000 is within reach
    // a centre head reaches 1,000,000: a run she approves alone is no split
    for (const day of ['2026-07-01', '2026-07-02', '2026-07-03']) await pay(40_000, day, { approverId: w.people.finHead, requesterId: w.people.gm });
    // different requesters, one vendor, same day: one set of two records
    await pay(30_000, '2026-05-05', { requesterId: w.people.cashier, vendor: 'ACME' });
    await pay(30_000, '2026-05-05', { requesterId: w.people.gm, vendor: 'ACME' });
    const check = await w.auditor.authority.check({ kinds: ['split_transaction'] });
    expect(check.rows.map((r) => [r.basis, r.windowSum, r.windowCount, r.limit, r.setReferences, r.windowFrom, r.windowTo])).toEqual([
      ['vendor', 60_000, 2, 50_000, ['R8', 'R9'], '2026-05-05', '2026-05-05'],
      ['requester', 55_000, 3, 50_000, ['R1', 'R2', 'R3'], '2026-03-01', '2026-03-31'],
    ]);
    expect(check.counts.split_transaction).toBe(2);
  });

  it('filters and pages the check, counting every kind', async () => {
    const w = await authorityWorld(env());
    for (let i = 0; i < 5; i++) await w.approve({ matterId: w.matters.leave, approverId: w.people.clerk, requesterId: w.people.cashier, amount: 1, approvedOn: `2026-03-0${i + 1}` });
    await w.approve({ matterId: w.matters.pay, approverId: w.people.accMgr, requesterId: w.people.accMgr, amount: 10 });
    const all = await w.auditor.authority.check({});
    expect(all.total).toBe(6);
    expect(all.counts).toEqual({ below_band: 5, self_approval: 1 });
    const page = await w.auditor.authority.check({ kinds: ['below_band'], limit: 2, offset: 2 });
    expect(page.total).toBe(5);
    expect(page.rows.map((r) => r.approvedOn)).toEqual(['2026-03-03', '2026-03-02']);
    const byPerson = await w.auditor.authority.check({ personId: w.people.accMgr });
    expect(byPerson.rows.map((r) => r.kind)).toEqual(['self_approval']);
    const byDate = await w.auditor.authority.check({ from: '2026-03-04', to: '2026-03-05' });
    expect(byDate.total).toBe(2);
    const byMatter = await w.auditor.authority.check({ matterId: w.matters.pay });
    expect(byMatter.counts).toEqual({ self_approval: 1 });
  });

  it('refuses bad delegations and approval records with the field or reason named, writing nothing', async () => {
    const w = await authorityWorld(env());
    const order = await failure(w.delegate({ delegatorId: w.people.finHead, delegateId: w.people.clerk, matterId: w.matters.pay, validFrom: '2026-05-01', validTo: '2026-04-01' }));
    expect(order.fieldErrors).toEqual({ validTo: ['结束日期不能早于开始日期。'] });
    const self = await failure(w.delegate({ delegatorId: w.people.clerk, delegateId: w.people.clerk, matterId: w.matters.pay }));
    expect(self.fieldErrors).toEqual({ delegateId: ['不能授权给自己。'] });
    const over = await failure(w.delegate({ delegatorId: w.people.accMgr, delegateId: w.people.clerk, matterId: w.matters.pay, cap: 60_000 }));
    expect(over.message).toBe('授权上限 60000 超过授权人 孙经理 自身的权限 50000。');
    const none = await failure(w.delegate({ delegatorId: w.people.clerk, delegateId: w.people.cashier, matterId: w.matters.pay }));
    expect(none.message).toBe('李会计 在 2026-03-01 没有“资金支付”的审批权限，不能授权。');
    expect(await w.auditor.authority.delegations.list({})).toEqual([]);

    const d = await w.delegate({ delegatorId: w.people.finHead, delegateId: w.people.clerk, matterId: w.matters.pay });
    const wrongApprover = await failure(w.approve({ matterId: w.matters.pay, approverId: w.people.cashier, viaDelegationId: d.id }));
    expect(wrongApprover.message).toBe(`授权委托 #${d.id} 的被授权人不是审批人 周出纳。`);
    const wrongMatter = await failure(w.approve({ matterId: w.matters.leave, approverId: w.people.clerk, viaDelegationId: d.id }));
    expect(wrongMatter.message).toBe(`授权委托 #${d.id} 不是“请假”的授权。`);
    const noAmount = await failure(w.approve({ matterId: w.matters.pay, approverId: w.people.accMgr, amount: null }));
    expect(noAmount.message).toBe('“资金支付”须填写金额或数量。');
    await w.approve({ matterId: w.matters.pay, approverId: w.people.accMgr, referenceNo: 'DUP' });
    const dup = await failure(w.approve({ matterId: w.matters.pay, approverId: w.people.accMgr, referenceNo: 'DUP' }));
    expect(dup).toMatchObject({ code: 'CONFLICT', message: '“资金支付”已有单号为“DUP”的审批记录。' });
    const viewer = await failure(env().caller('viewer').authority.approvals.create({ matterId: w.matters.pay, referenceNo: 'V', requesterId: w.people.clerk, approverId: w.people.accMgr, amount: 1, approvedOn: '2026-03-01' }));
    expect(viewer.code).toBe('FORBIDDEN');
    expect((await w.auditor.authority.approvals.list({})).rows.map((r) => r.referenceNo)).toEqual(['DUP']);
  });

  it('agrees with the pure rules (shared/authority.ts) on a few hundred random records', async () => {
    const w = await authorityWorld(env());
    const { db } = env();
    const d1 = await w.delegate({ delegatorId: w.people.finHead, delegateId: w.people.clerk, matterId: w.matters.pay, cap: 200_000, maxDepth: 1 });
    await w.delegate({ delegatorId: w.people.clerk, delegateId: w.people.cashier, matterId: w.matters.pay, cap: 100_000, parentId: d1.id });
    await w.delegate({ delegatorId: w.people.gm, delegateId: w.people.finHead, matterId: w.matters.contract, cap: 500_000, validFrom: '2026-01-01', validTo: '2026-06-30' });
    const d4 = await w.delegate({ delegatorId: w.people.gm, delegateId: w.people.accMgr, matterId: w.matters.pay, cap: 3_000_000, validFrom: '2026-05-01', validTo: '2026-05-31' });
    await w.designer.authority.delegations.revoke({ id: d4.id, revokedOn: '2026-05-15' });
    await w.designer.authority.delegations.update({
      id: d1.id,
      data: { delegatorId: w.people.finHead, delegateId: w.people.clerk, matterId: w.matters.pay, cap: 200_000, validFrom: '2026-03-01', validTo: '2026-03-31', maxDepth: 0 },
    });
    const a = await db.insertInto('delegation').values({ delegator_id: w.people.finHead, delegate_id: w.people.clerk, matter_id: w.matters.pay, valid_from: '2026-06-01', valid_to: '2026-06-30', max_depth: 3 }).returning('id').executeTakeFirstOrThrow();
    const b = await db.insertInto('delegation').values({ delegator_id: w.people.clerk, delegate_id: w.people.finHead, matter_id: w.matters.pay, valid_from: '2026-06-01', valid_to: '2026-06-30', max_depth: 3, parent_id: a.id }).returning('id').executeTakeFirstOrThrow();
    await db.updateTable('delegation').set({ parent_id: b.id }).where('id', '=', a.id).execute();
    await w.designer.authority.matters.update({ id: w.matters.contract, data: { code: 'CONTRACT', name: '合同签订', unit: 'CNY', nonDelegable: true, splitWindowDays: 10 } });

    let seed = 20261123;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const day = (offset: number) => new Date(Date.UTC(2026, 0, 1 + offset)).toISOString().slice(0, 10);
    const amounts: Record<number, number[]> = {
      [w.matters.leave]: [0.5, 1, 1.5, 2, 3],
      [w.matters.pay]: [1000, 20_000, 30_000, 49_999.99, 50_000, 50_000.01, 200_000, 1_000_000, 2_000_000, 6_000_000],
      [w.matters.contract]: [50_000, 100_000, 100_000.01, 300_000],
    };
    const delegations = await db.selectFrom('delegation').select(['id', 'delegate_id', 'matter_id']).execute();
    const everyone = Object.values(w.people);
    const rows = Array.from({ length: 400 }, (_, i) => {
      const matterId = pick(Object.values(w.matters));
      const via = random() < 0.3 ? delegations.filter((d) => d.matter_id === matterId) : [];
      const d = via.length ? pick(via) : null;
      const approvedOn = day(Math.floor(random() * 240));
      return {
        matter_id: matterId,
        reference_no: `RND-${i}`,
        requester_id: pick(everyone),
        approver_id: d ? d.delegate_id : pick(everyone),
        vendor: pick([null, null, 'ACME', 'Globex']),
        amount: pick(amounts[matterId]!),
        approved_on: approvedOn,
        executed_on: random() < 0.5 ? null : day(Math.floor(random() * 240)),
        minutes_ref: random() < 0.5 ? null : 'M-1',
        via_delegation_id: d?.id ?? null,
      };
    });
    await db.insertInto('approval_record').values(rows).execute();

    const sqlRows: { recordId: number; kind: string; linkId: number | null; basis: string | null; windowSum: number | null; delegatorId: number | null }[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await w.auditor.authority.check({ offset, limit: 500 });
      sqlRows.push(...page.rows);
      if (page.rows.length < 500) break;
    }
    const { checkRecords } = await import('../../shared/authority.ts');
    const q = await import('../../server/authority/queries.ts');
    const matters = await db.selectFrom('authority_matter').selectAll().execute();
    const rules = await Promise.all(matters.map((m) => q.ruleBands(db, m.id)));
    const records = await db.selectFrom('approval_record').selectAll().execute();
    const pure = checkRecords(
      records.map((r) => ({ id: r.id, matterId: r.matter_id, requesterId: r.requester_id, approverId: r.approver_id, vendor: r.vendor, amount: r.amount, approvedOn: r.approved_on, executedOn: r.executed_on, minutesRef: r.minutes_ref, viaDelegationId: r.via_delegation_id })),
      {
        matters: new Map(matters.map((m) => [m.id, { id: m.id, unit: m.unit, nonDelegable: m.non_delegable, requiresMinutes: m.requires_minutes, splitWindowDays: m.split_window_days }])),
        rules: rules.flat(),
        positions: new Map((await q.listPositionRanks(db)).map((p) => [p.id, p])),
        holdings: await db.selectFrom('assignment').select(['person_id as personId', 'position_id as positionId', 'kind', 'valid_from as validFrom', 'valid_to as validTo']).execute(),
        delegations: new Map((await q.delegationInfos(db)).map((d) => [d.id, d])),
      },
    );
    const key = (v: { recordId: number; kind: string; linkId: number | null; basis: string | null; windowSum: number | null; delegatorId: number | null; setRecordIds?: number[] | null }) =>
      [v.recordId, v.kind, v.linkId ?? '', v.basis ?? '', v.windowSum ?? '', v.delegatorId ?? '', (v.setRecordIds ?? []).join(',')].join('|');
    expect(sqlRows.map(key).sort()).toEqual(pure.map(key).sort());
    expect(new Set(pure.map((v) => v.kind)).size).toBeGreaterThanOrEqual(11); // every kind but no_rule occurs
  });

  describe('import of approval records over HTTP', () => {
    async function importer() {
      const w = await authorityWorld(env());
      const app = await buildApp({
        database: { db: env().db, backend: env().backend, close: async () => {} },
        production: false,
        secureCookies: false,
        logLevel: 'silent',
        clientDir: path.join(os.tmpdir(), 'cb-no-client'),
      });
      const session = async (role: Role) => (await createSession(env().db, env().users[role].id, null)).token;
      const auditorToken = await session('auditor');
      const post = async (body: string | Buffer, opts: { dryRun?: boolean; token?: string | null; headers?: Record<string, string>; locale?: string } = {}) => {
        const res = await app.inject({
          method: 'POST',
          url: `${APPROVAL_IMPORT_URL}?dryRun=${opts.dryRun === false ? 0 : 1}&name=records.csv`,
          payload: body,
          headers: { 'content-type': 'application/octet-stream', 'x-controlbook-csrf': '1', ...(opts.locale ? { 'x-controlbook-locale': opts.locale } : {}), ...opts.headers },
          cookies: opts.token === null ? {} : { cb_session: opts.token ?? auditorToken },
        });
        const lines = res.headers['content-type']?.toString().startsWith('application/x-ndjson')
          ? res.body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { phase?: string; rows?: number; result?: ImportResult; error?: { message: string } })
          : [];
        return { res, lines, result: lines.at(-1)?.result, error: lines.at(-1)?.error ?? (lines.length ? undefined : (res.json() as { error: { message: string } }).error) };
      };
      return { w, app, post, session };
    }

    const GOOD = ['事项,单号,申请人,审批人,金额,审批日期,执行日期,供应商,会议纪要', 'PAY,IMP-1,E4,E3,"12,000.50",2026/3/5,2026-03-06,ACME,', '资金支付,IMP-2,李会计,孙经理,８０００,2026年3月6日,,ACME,'];
    const BAD = [
      'PAY,IMP-3,E9,E3,100,2026-03-07,,,',
      'NOPE,IMP-4,E4,E3,100,2026-03-07,,,',
      'PAY,IMP-5,E4,E3,12x,2026-03-07,,,',
      'PAY,IMP-6,E4,E3,100,2026-02-30,,,',
      'PAY,IMP-1,E4,E3,100,2026-03-07,,,',
    ];

    it('dry-runs with row errors, commits nothing from a file with errors, then commits a good file in one go', async () => {
      const { app, post, w } = await importer();
      try {
        const dry = await post([...GOOD, ...BAD].join('\n'));
        expect(dry.res.statusCode).toBe(200);
        expect(dry.lines.some((l) => l.phase === 'read')).toBe(true);
        expect(dry.result).toMatchObject({ dryRun: true, rows: 7, valid: 2, errorCount: 5, committed: false });
        expect(dry.result!.errors).toEqual([
          { row: 4, field: 'requester', message: '未知的人员“E9”（请填写工号或姓名）。' },
          { row: 5, field: 'matter', message: '未知的事项“NOPE”（请填写事项编码或名称）。' },
          { row: 6, field: 'amount', message: '金额“12x”格式不正确（非负数，最多两位小数）。' },
          { row: 7, field: 'approvedOn', message: '日期“2026-02-30”格式不正确（例如 2026-03-01）。' },
          { row: 8, field: 'referenceNo', message: '单号“IMP-1”在文件中重复（首次出现在第 2 行）。' },
        ]);
        const failed = await post([...GOOD, ...BAD].join('\n'), { dryRun: false });
        expect(failed.result).toMatchObject({ committed: false, inserted: 0, errorCount: 5, message: '文件有 5 处错误，未导入任何记录。' });
        expect((await w.auditor.authority.approvals.list({})).rows).toEqual([]);

        const ok = await post(GOOD.join('\r\n'), { dryRun: false });
        expect(ok.result).toMatchObject({ committed: true, inserted: 2, errorCount: 0 });
        expect(ok.lines.some((l) => l.phase === 'write' && l.rows === 2)).toBe(true);
        const listed = await w.auditor.authority.approvals.list({ importBatchId: ok.result!.batchId! });
        expect(listed.rows.map((r) => [r.referenceNo, r.requesterName, r.approverName, r.amount, r.approvedOn, r.executedOn, r.vendor])).toEqual([
          ['IMP-2', '李会计', '孙经理', 8000, '2026-03-06', null, 'ACME'],
          ['IMP-1', '李会计', '孙经理', 12000.5, '2026-03-05', '2026-03-06', 'ACME'],
        ]);
        const again = await post(GOOD.join('\n'), { locale: 'en' });
        expect(again.result!.errors.map((e) => e.message)).toEqual([
          'Reference "IMP-1" already exists among this matter\'s approval records.',
          'Reference "IMP-2" already exists among this matter\'s approval records.',
        ]);
        const imports = await w.auditor.authority.approvals.imports();
        expect(imports).toMatchObject([{ fileName: 'records.csv', fileKind: 'csv', rowCount: 2, importedBy: 'auditor1' }]);
        const trail = await w.admin.trail.list({ entity: 'approval_import' });
        expect(trail.rows.map((r) => r.action)).toEqual(['import']);
        await w.auditor.authority.approvals.deleteImport({ id: ok.result!.batchId! });
        expect((await w.auditor.authority.approvals.list({})).rows).toEqual([]);
      } finally {
        await app.close();
      }
    });

    it('reads .xlsx workbooks with English headers and date cells, and GB18030 CSV from Chinese Excel', async () => {
      const { app, post, w } = await importer();
      try {
        const workbook = new ExcelJS.Workbook();
        const sheet = workbook.addWorksheet('Approvals');
        sheet.addRow(['Matter', 'Reference', 'Requester', 'Approver', 'Amount', 'Approved on', 'Executed on', 'Delegation']);
        sheet.addRow(['LEAVE', 'X-1', 'E4', 'E3', 1.5, new Date(Date.UTC(2026, 2, 10)), null, null]);
        sheet.addRow(['PAY', 'X-2', 'E5', 'E4', 30000, '2026-03-11', null, null]);
        const d = await w.delegate({ delegatorId: w.people.finHead, delegateId: w.people.clerk, matterId: w.matters.pay });
        sheet.getRow(3).getCell(8).value = d.id;
        const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
        const res = await post(xlsx, { dryRun: false });
        expect(res.result).toMatchObject({ fileKind: 'xlsx', committed: true, inserted: 2 });
        const check = await w.auditor.authority.check({});
        expect(check.rows.map((r) => [r.referenceNo, r.kind])).toEqual([['X-1', 'below_band']]);
        const listed = await w.auditor.authority.approvals.list({});
        expect(listed.rows.map((r) => [r.referenceNo, r.approvedOn, r.viaDelegationId, r.delegatorName])).toEqual([
          ['X-2', '2026-03-11', d.id, '钱主任'],
          ['X-1', '2026-03-10', null, null],
        ]);

        const gbk = Buffer.from(
          'cac2cfee2cb5a5bac52cc9eac7ebc8cb2cc9f3c5fac8cb2cbdf0b6ee2cc9f3c5fac8d5c6da0a5041592c47424b2d312cc0eebbe1bcc62ccbefbeadc0ed2c3130302c323032362d30332d30350a',
          'hex',
        );
        const gb = await post(gbk);
        expect(gb.result).toMatchObject({ rows: 1, valid: 1, errorCount: 0 });
      } finally {
        await app.close();
      }
    });

    it('refuses files of the wrong kind, malformed files, missing columns, and callers without the right', async () => {
      const { app, post, session } = await importer();
      try {
        const png = await post(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
        expect([png.res.statusCode, png.error?.message]).toEqual([415, '无法识别的文件类型：请上传 CSV 文本文件或 Excel .xlsx 工作簿。']);
        const xls = await post(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), { locale: 'en' });
        expect([xls.res.statusCode, xls.error?.message]).toEqual([415, 'The old Excel .xls format is not supported: save it as .xlsx in Excel and upload again.']);
        const empty = await post('');
        expect([empty.res.statusCode, empty.error?.message]).toEqual([400, '文件为空。']);
        const brokenZip = await post(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('not really a workbook')]));
        expect(brokenZip.res.statusCode).toBe(200);
        expect(brokenZip.error?.message).toMatch(/损坏.*\.xlsx|\.xlsx.*损坏/); // damaged workbook, said so
        const unclosed = await post([GOOD[0], 'PAY,"IMP-9,E4,E3,1,2026-03-01,,,'].join('\n'));
        expect(unclosed.error?.message).toMatch(/^CSV 格式错误（第 \d+ 行）：/);
        const columns = await post('单号,申请人,金额\nR1,E4,100\n');
        expect(columns.error?.message).toBe('缺少必需的列：事项、审批人、审批日期（找到的表头：单号、申请人、金额）。');

        const anonymous = await post(GOOD.join('\n'), { token: null });
        expect([anonymous.res.statusCode, anonymous.error?.message]).toEqual([401, '请先登录。']);
        const designer = await post(GOOD.join('\n'), { token: await session('designer') });
        expect([designer.res.statusCode, designer.error?.message]).toEqual([403, '您的角色（制度设计）无权执行此操作。']);
        const csrf = await post(GOOD.join('\n'), { headers: { 'x-controlbook-csrf': '' } });
        expect(csrf.res.statusCode).toBe(403);
        expect((await env().caller('auditor').authority.approvals.list({})).rows).toEqual([]);
      } finally {
        await app.close();
      }
    });
  });

  it('upload plumbing: refuses a body over the limit, declared or streamed, and reports progress as NDJSON', async () => {
    const app = Fastify({ logger: false });
    await app.register(fastifyCookie); // the app registers it; the upload route reads the session cookie
    const { db, users } = env();
    await registerUploadRoute(app, { db, secureCookies: false, production: false }, {
      url: '/api/test/upload',
      permission: 'approvals.write',
      maxBytes: 10_000,
      kinds: ['csv'],
      async handle(ctx) {
        let rows = 0;
        for await (const _ of readTable(ctx.upload)) {
          rows++;
          ctx.progress({ phase: 'read', rows });
        }
        return { rows, encoding: ctx.upload.encoding };
      },
    });
    const { token } = await createSession(db, users.admin.id, null);
    const send = (payload: string | Readable, headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url: '/api/test/upload', payload, headers: { 'x-controlbook-csrf': '1', 'content-type': 'text/csv', ...headers }, cookies: { cb_session: token } });
    try {
      const ok = await send('a,b\n1,2\n3,4\n');
      expect(ok.body.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
        { phase: 'read', rows: 1 },
        { phase: 'read', rows: 2 },
        { phase: 'read', rows: 3 },
        { result: { rows: 3, encoding: 'utf-8' } },
      ]);
      const declared = await send('x'.repeat(20_000));
      expect([declared.statusCode, declared.json().error.message]).toEqual([413, '文件过大（上限 0 MB）。']);
      const streamed = await send(Readable.from([Buffer.from('a,b\n'), Buffer.from('1,2\n'.repeat(5000))]), { 'transfer-encoding': 'chunked' });
      const last = JSON.parse(streamed.body.trim().split('\n').at(-1)!);
      expect(last).toEqual({ error: { message: '文件过大（上限 0 MB）。', messageKey: 'errors.upload.tooLarge' } });
    } finally {
      await app.close();
    }
  });

  it('ships a demo matrix (leave ≤ 1 day department head, > 1 day centre head) and records showing every kind of violation', async () => {
    await seedDemo(env().db);
    const viewer = env().caller('viewer');
    const matters = await viewer.authority.matters.list();
    expect(matters.map((m) => [m.code, m.unit, m.nonDelegable])).toEqual([
      ['BUDGET', 'none', false],
      ['CONTRACT', 'CNY', true],
      ['EXPENSE', 'CNY', false],
      ['LEAVE', 'days', false],
      ['PAYMENT', 'CNY', false],
    ]);
    const leave = matters.find((m) => m.code === 'LEAVE')!;
    const oneDay = await viewer.authority.whoMayApprove({ matterId: leave.id, amount: 1, date: '2026-07-15' });
    expect(oneDay.band?.minLevelRank).toBe(60);
    const longer = await viewer.authority.whoMayApprove({ matterId: leave.id, amount: 1.5, date: '2026-07-15' });
    expect(longer.holders.map((h) => h.personName)).toEqual(['赵建国', '钱晓梅', '郑海']);
    const check = await viewer.authority.check({ limit: 500 });
    const kinds = VIOLATION_KINDS.filter((k) => k !== 'no_rule');
    for (const kind of kinds) expect(check.counts[kind] ?? 0, kind).toBeGreaterThanOrEqual(2);
    expect(check.total).toBeLessThan(60); // a handful each among some three hundred records
    for (const row of check.rows.filter((r) => r.delegationId != null)) expect(row.message).toContain(`被授权人：${row.delegateName}`);
  });
});
