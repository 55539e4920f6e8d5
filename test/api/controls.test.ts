import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeApi, failure } from './harness.ts';

describeApi('control points', (env) => {
  const designer = () => env().caller('designer');

  /** Two processes (an account-subject one and a business-type one), each with a step. */
  async function setup() {
    const admin = env().caller('admin');
    const unit = await admin.org.units.create({ parentId: null, code: 'FIN', name: '财务部' });
    const cashier = await admin.org.positions.create({ unitId: unit.id, code: 'CASH', name: '出纳', levelRank: 30, duties: ['custody', 'execute'] });
    const reviewer = await admin.org.positions.create({ unitId: unit.id, code: 'REV', name: '稽核员', levelRank: 35, duties: ['review'] });
    const d = designer();
    const manual = await d.manual.create({ code: 'M1', title: '手册', numberingStyle: 'decimal' });
    const node = (kind: 'chapter' | 'process' | 'step', title: string, targetId: number | null, extra: Record<string, unknown> = {}) =>
      d.manual.insert({
        manualId: manual.id,
        placement: targetId == null ? { relation: 'root_end' } : { relation: 'inside_end', targetId },
        node: { kind, title, ...extra },
      });
    const ch = await node('chapter', '资金活动', null);
    const bank = await node('process', '银行存款', ch.id, { status: 'active', designSubjects: ['银行存款'] });
    const bankStep = await node('step', '付款复核', bank.id);
    const pay = await node('process', '采购付款', ch.id, { status: 'active', designBusinessTypes: ['采购'] });
    const payStep = await node('step', '付款审批', pay.id);
    const control = (title: string, stepId: number, data: Record<string, unknown> = {}) =>
      d.controls.create({ manualId: manual.id, placement: { relation: 'inside_end', targetId: stepId }, title, data });
    return { admin, d, manual, unit, cashier, reviewer, bank, bankStep, pay, payStep, control };
  }

  it('stores every attribute, applies the manual default weights and lets a control override them', async () => {
    const { d, manual, bankStep, reviewer, control } = await setup();
    const key = await control('付款前复核银行账户信息', bankStep.id, {
      objective: '确保付款准确',
      risk: '付款至错误账户',
      isKey: true,
      nature: 'preventive',
      automation: 'it_dependent',
      frequency: 'daily',
      ownerPositionId: reviewer.id,
      evidenceTypes: ['original_voucher', 'approval_document'],
      inspections: [{ method: 'sampling', procedure: '抽取 25 笔付款，核对审批单与回单' }],
      scoringMethod: 'rate',
    });
    expect(key).toMatchObject({ isKey: true, weight: null, effectiveWeight: 3, frequency: 'daily', scoringMethod: 'rate' });
    expect(key.inspections).toEqual([{ method: 'sampling', procedure: '抽取 25 笔付款，核对审批单与回单' }]);
    const general = await control('登记付款台账', bankStep.id, { evidenceTypes: ['work_ledger'] });
    expect(general.effectiveWeight).toBe(1);

    await d.controls.setWeights({ manualId: manual.id, keyWeight: 5, generalWeight: 2 });
    const overridden = await d.controls.update({ controlId: general.id, data: { weight: 1.5 } });
    expect(overridden.effectiveWeight).toBe(1.5);
    const m = await d.controls.matrix({ manualId: manual.id });
    expect(m.controls.map((c) => [c.number, c.weight, c.isKey])).toEqual([
      ['1.1.1.1', 5, true],
      ['1.1.1.2', 1.5, false],
    ]);
    expect(m.controls[0]).toMatchObject({ ownerPositionName: '稽核员', ownerUnitName: '财务部', inspectionCount: 1 });
  });

  it('refuses bad weights, unknown evidence and missing owners with clear errors, changing nothing', async () => {
    const { d, manual, bankStep, control } = await setup();
    const c = await control('复核', bankStep.id, { weight: 2 });
    for (const bad of [-1, 0, Number.NaN, 1e9]) {
      const err = await failure(d.controls.update({ controlId: c.id, data: { weight: bad } }));
      expect(err.code).toBe('BAD_REQUEST');
      expect(err.fieldErrors?.['data.weight'] ?? err.fieldErrors?.weight).toEqual(['权重必须是大于 0、不超过 1000 的数字。']);
    }
    const unknown = await failure(d.controls.update({ controlId: c.id, data: { evidenceTypes: ['original_voucher', 'telepathy'] } }));
    expect(unknown.message).toBe('未知的证据类型：telepathy。');
    const gone = await failure(d.controls.update({ controlId: c.id, data: { ownerPositionId: 99999 } }));
    expect(gone.message).toBe('责任岗位不存在（编号 99999），可能已被删除。');
    const en = await failure(env().caller('designer', { locale: 'en' }).controls.setWeights({ manualId: manual.id, keyWeight: 0, generalWeight: 1 }), 'en');
    expect(en.fieldErrors?.keyWeight).toEqual(['Weight must be a number above 0 and at most 1000.']);
    expect((await d.controls.get({ controlId: c.id })).weight).toBe(2);

    // a custom evidence type of the manual becomes valid; it cannot be removed while in use
    await d.controls.addEvidenceType({ manualId: manual.id, code: 'bank-slip', name: '银行回单' });
    await d.controls.update({ controlId: c.id, data: { evidenceTypes: ['bank-slip'] } });
    const inUse = await failure(d.controls.removeEvidenceType({ manualId: manual.id, code: 'bank-slip' }));
    expect(inUse.message).toBe('证据类型“银行回单”仍被 1 个控制点使用，无法删除。');
  });

  it('links one control into two processes, counts it in both and unlinks with a question for the last place', async () => {
    const { d, manual, bankStep, payStep, bank, pay, control } = await setup();
    const shared = await control('付款复核', bankStep.id, { isKey: true });
    await d.controls.link({ controlId: shared.id, hostId: payStep.id });
    const dup = await failure(d.controls.link({ controlId: shared.id, hostId: payStep.id }));
    expect(dup).toMatchObject({ code: 'CONFLICT', message: '控制点已在“付款审批”中。' });

    let m = await d.controls.matrix({ manualId: manual.id });
    expect(m.controls).toHaveLength(1); // a link, not a copy
    expect(m.controls[0]).toMatchObject({ shared: true, processIds: [bank.id, pay.id], stepIds: [bankStep.id, payStep.id], number: '1.1.1.1' });
    const tree = await d.manual.tree({ manualId: manual.id });
    expect(tree.links).toEqual([{ controlId: shared.id, hostId: payStep.id }]);

    // unlinking the home moves the control to its other place; unlinking the last place asks first
    await d.controls.unlink({ controlId: shared.id, hostId: bankStep.id });
    m = await d.controls.matrix({ manualId: manual.id });
    expect(m.controls[0]).toMatchObject({ shared: false, processIds: [pay.id], number: '1.2.1.1' });
    const ask = await failure(d.controls.unlink({ controlId: shared.id, hostId: payStep.id }));
    expect(ask).toMatchObject({ code: 'PRECONDITION_FAILED', message: '“付款复核”只在这一处，移除后将删除该控制点。请确认。' });
    expect((await d.controls.matrix({ manualId: manual.id })).controls).toHaveLength(1);
    await d.controls.unlink({ controlId: shared.id, hostId: payStep.id, confirm: true });
    expect((await d.controls.matrix({ manualId: manual.id })).controls).toHaveLength(0);
  });

  it('keeps a shared control alive when the process that homes it is deleted', async () => {
    const { d, manual, bankStep, payStep, bank, pay, control } = await setup();
    const shared = await control('付款复核', bankStep.id);
    await d.controls.link({ controlId: shared.id, hostId: payStep.id });
    const res = await d.manual.deleteNode({ nodeId: bank.id, confirm: true });
    expect(res.rehomedShared).toBe(1);
    const m = await d.controls.matrix({ manualId: manual.id });
    expect(m.controls).toMatchObject([{ id: shared.id, processIds: [pay.id], shared: false }]);
  });

  it('refuses links into another manual or onto a non-step node', async () => {
    const { d, bankStep, control } = await setup();
    const c = await control('复核', bankStep.id);
    const other = await d.manual.create({ code: 'M2', title: '另一本', numberingStyle: 'decimal' });
    const p = await d.manual.insert({ manualId: other.id, placement: { relation: 'root_end' }, node: { kind: 'process', title: '别处流程' } });
    expect((await failure(d.controls.link({ controlId: c.id, hostId: p.id }))).message).toBe('只能链接到同一本手册中的步骤或流程。');
    const c2 = await control('另一个', bankStep.id);
    expect((await failure(d.controls.link({ controlId: c.id, hostId: c2.id }))).message).toBe('控制点只能链接到控制步骤或业务流程，“另一个”不是。');
  });

  it('lints the design and reports the share of each control', async () => {
    const { d, manual, bankStep, payStep, pay, reviewer, control } = await setup();
    const full = { evidenceTypes: ['approval_document'], inspections: [{ method: 'walkthrough' as const, procedure: '穿行测试' }], ownerPositionId: reviewer.id };
    const key = await control('关键复核', bankStep.id, { ...full, isKey: true });
    for (let i = 0; i < 3; i++) await control(`一般 ${i}`, bankStep.id, full);
    const bare = await control('空白控制点', payStep.id);
    let lint = await d.controls.lint({ manualId: manual.id });
    const codes = (nodeId: number | null) => lint.filter((l) => l.nodeId === nodeId).map((l) => l.code).sort();
    expect(codes(key.id)).toEqual([]);
    expect(codes(bare.id)).toEqual(['no_evidence', 'no_inspection', 'no_owner']);
    expect(codes(pay.id)).toEqual(['process_no_key']);

    // a key control weighing no more than a general one, and a control below 2% of its process
    await d.controls.update({ controlId: key.id, data: { weight: 1 } });
    const tiny = await control('微小控制点', bankStep.id, { ...full, weight: 0.05 }); // 0.05 of 4.05 = 1.23%
    lint = await d.controls.lint({ manualId: manual.id });
    expect(lint.find((l) => l.nodeId === key.id)).toMatchObject({ code: 'key_not_above_general', params: { weight: 1, general: 1 } });
    expect(lint.find((l) => l.nodeId === tiny.id)).toMatchObject({ code: 'share_too_small', params: { share: 1.23, min: 2 } });
    await d.controls.setWeights({ manualId: manual.id, keyWeight: 1, generalWeight: 1 });
    expect((await d.controls.lint({ manualId: manual.id })).some((l) => l.code === 'key_not_above_general_default')).toBe(true);
  });

  it('finds controls shared across design bases and probable duplicates, and merges one click keeping links and references', async () => {
    const { d, manual, bankStep, payStep, bank, pay, reviewer, control } = await setup();
    const shared = await control('付款复核', bankStep.id);
    await d.controls.link({ controlId: shared.id, hostId: payStep.id });
    const a = await control('出纳付款前核对审批单据是否齐全', bankStep.id, { ownerPositionId: reviewer.id, evidenceTypes: ['approval_document'] });
    const b = await control('出纳付款前核对审批单据齐全', payStep.id, {
      ownerPositionId: reviewer.id,
      evidenceTypes: ['approval_document'],
      inspections: [{ method: 'sampling', procedure: '抽样' }],
    });
    await control('出纳付款前核对审批单据是否齐全', payStep.id, { ownerPositionId: reviewer.id, evidenceTypes: ['original_voucher'] }); // other evidence: not a duplicate
    const citing = await d.manual.insert({
      manualId: manual.id,
      placement: { relation: 'inside_end', targetId: pay.id },
      node: { kind: 'clause', title: '说明', body: `见 [[node:${b.id}]]。` },
    });

    const report = await d.controls.overlap({ manualId: manual.id });
    expect(report.shared).toHaveLength(1);
    expect(report.shared[0]).toMatchObject({ bases: ['business_type', 'subject'], controls: [{ id: shared.id }] });
    expect(report.duplicates.map((p) => [p.a.id, p.b.id])).toEqual([[a.id, b.id]]);
    expect(report.duplicates[0]!.score).toBeGreaterThan(0.7);

    const merged = await d.controls.merge({ sourceId: b.id, targetId: a.id });
    expect(merged.hosts.map((h) => h.id)).toEqual([bankStep.id, payStep.id]);
    expect(merged.inspections).toEqual([{ method: 'sampling', procedure: '抽样' }]);
    expect(merged.referencesMoved).toBe(1);
    const tree = await d.manual.tree({ manualId: manual.id });
    expect(tree.nodes.find((n) => n.id === citing.id)?.body).toBe(`见 [[node:${a.id}]]。`);
    expect(tree.nodes.some((n) => n.id === b.id)).toBe(false);
    const m = await d.controls.matrix({ manualId: manual.id });
    expect(m.controls.find((c) => c.id === a.id)).toMatchObject({ processIds: [bank.id, pay.id], shared: true });
    const trail = await env().caller('admin').trail.list({ entity: 'control', entityId: String(a.id) });
    expect(trail.rows[0]).toMatchObject({ action: 'merge' });

    expect((await failure(d.controls.merge({ sourceId: a.id, targetId: a.id }))).message).toBe('不能把控制点合并到它自己。');
    const other = await d.manual.create({ code: 'M2', title: '另一本', numberingStyle: 'decimal' });
    const op = await d.manual.insert({ manualId: other.id, placement: { relation: 'root_end' }, node: { kind: 'process', title: 'P' } });
    const oc = await d.controls.create({ manualId: other.id, placement: { relation: 'inside_end', targetId: op.id }, title: 'X', data: {} });
    expect((await failure(d.controls.merge({ sourceId: oc.id, targetId: a.id }))).message).toBe('只能合并同一本手册中的控制点。');
  });

  it('freezes control attributes and links into a published version', async () => {
    const { d, manual, bankStep, payStep, control } = await setup();
    const c = await control('付款复核', bankStep.id, { isKey: true, evidenceTypes: ['approval_document'] });
    await d.controls.link({ controlId: c.id, hostId: payStep.id });
    await d.manual.publish({ manualId: manual.id });
    await d.controls.update({ controlId: c.id, data: { isKey: false } });
    const v1 = await d.manual.version({ manualId: manual.id, version: 1 });
    const frozen = v1.find((n) => n.id === c.id) as unknown as { control: { isKey: boolean; weight: number; linkedHostIds: number[] } };
    expect(frozen.control).toMatchObject({ isKey: true, weight: 3, linkedHostIds: [payStep.id] });
  });

  it('lets viewers read the matrix but not change it', async () => {
    const { manual, bankStep, control } = await setup();
    const c = await control('复核', bankStep.id);
    const viewer = env().caller('viewer');
    expect((await viewer.controls.matrix({ manualId: manual.id })).controls).toHaveLength(1);
    expect((await failure(viewer.controls.update({ controlId: c.id, data: { weight: 2 } }))).code).toBe('FORBIDDEN');
    const count = await sql<{ n: number }>`select count(*)::int as n from control where weight = 2`.execute(env().db);
    expect(count.rows[0]!.n).toBe(0);
  });
});

describeApi('demo control points', (env) => {
  it('gives the demo manual key and general controls, a shared control and a few lint findings', async () => {
    const { seedDemo } = await import('../../server/demo/seed.ts');
    await seedDemo(env().db);
    const d = env().caller('designer');
    const manual = (await d.manual.list()).find((m) => m.code === 'ICM-DEMO')!;
    const m = await d.controls.matrix({ manualId: manual.id });
    expect(m.controls.filter((c) => c.isKey).length).toBeGreaterThanOrEqual(5);
    expect(m.controls.filter((c) => !c.isKey).length).toBeGreaterThanOrEqual(3);
    const shared = m.controls.filter((c) => c.shared);
    expect(shared).toHaveLength(1);
    expect(shared[0]!.processIds).toHaveLength(2);
    expect(m.controls.every((c) => c.evidenceTypes.length > 0)).toBe(true);
    const lint = await d.controls.lint({ manualId: manual.id });
    const codes = new Set(lint.map((l) => l.code));
    expect(codes).toEqual(new Set(['no_inspection', 'no_owner', 'process_no_key', 'pending_design', 'owner_conflict']));
    expect(lint.find((l) => l.code === 'owner_conflict')).toMatchObject({ params: { duty: 'custody' } });
    // the matrix carries the owner conflicts (the rest of the lint the client computes itself)
    expect(m.ownerConflicts).toEqual([{ controlId: lint.find((l) => l.code === 'owner_conflict')!.nodeId, duty: 'custody' }]);
    // the published version carries the attributes audits score against
    const v1 = await d.manual.version({ manualId: manual.id, version: 1 });
    expect(v1.filter((n) => n.kind === 'control').every((n) => (n as { control?: unknown }).control)).toBe(true);
  });
});
