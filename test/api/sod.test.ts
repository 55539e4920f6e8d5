import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeApi, failure } from './harness.ts';
import { todayIso } from '../../shared/sod.ts';
import { addDays } from '../../shared/dates.ts';
import { controlOwnerConflicts } from '../../server/sod/service.ts';
import { seedDemo } from '../../server/demo/seed.ts';

describeApi('segregation of duties', (env) => {
  /** A finance unit under HQ with a cashier, a ledger clerk and a manager; a warehouse beside it. */
  async function org() {
    const admin = env().caller('admin');
    const hq = await admin.org.units.create({ parentId: null, code: 'HQ', name: '总部' });
    const fin = await admin.org.units.create({ parentId: hq.id, code: 'FIN', name: '财务部' });
    const wh = await admin.org.units.create({ parentId: hq.id, code: 'WH', name: '仓储部' });
    const position = (unitId: number, code: string, name: string, duties: string[]) =>
      admin.org.positions.create({ unitId, code, name, levelRank: 30, duties });
    const cashier = await position(fin.id, 'CASH', '出纳', ['custody', 'execute']);
    const ledger = await position(fin.id, 'GL', '总账会计', ['record']);
    const manager = await position(fin.id, 'FIN-MGR', '财务经理', ['authorise', 'supervise']);
    const keeper = await position(wh.id, 'KEEP', '仓库保管员', ['custody']);
    const person = async (employeeNo: string, name: string) => admin.org.people.create({ employeeNo, name });
    const zhou = await person('E005', '周静');
    const li = await person('E004', '李娜');
    return { admin, hq, fin, wh, cashier, ledger, manager, keeper, zhou, li };
  }

  const assign = (personId: number, positionId: number, kind: 'primary' | 'acting' | 'concurrent', validFrom: string, validTo: string | null = null) =>
    env().caller('admin').org.assignments.create({ personId, positionId, kind, validFrom, validTo });

  async function trailCount() {
    const { rows } = await sql<{ n: number }>`select count(*) as n from audit_trail`.execute(env().db);
    return rows[0]!.n;
  }

  it('adopts the default rule set once, in the caller’s language, and shows it in the matrix', async () => {
    const designer = env().caller('designer');
    const first = await designer.sod.rules.adoptDefaults();
    expect(first).toEqual({
      added: ['SOD-01', 'SOD-02', 'SOD-03', 'SOD-04', 'SOD-05', 'CASH-01', 'CASH-02'],
      skipped: [],
      addedDuties: ['archive'],
    });
    const again = await env().caller('admin').sod.rules.adoptDefaults();
    expect(again).toEqual({ added: [], skipped: first.added, addedDuties: [] });
    const rules = await env().caller('viewer').sod.rules.list();
    expect(rules).toHaveLength(7);
    expect(rules.find((r) => r.code === 'CASH-01')).toMatchObject({
      kind: 'duty',
      dutyA: 'custody',
      dutyB: 'review',
      scope: 'same_person',
      risk: 'critical',
      rationale: expect.stringContaining('出纳人员不得兼任稽核'),
      basis: expect.stringContaining('《会计法》第三十七条'),
    });
    const duties = await env().caller('viewer').sod.duties.list();
    expect(duties.find((d) => d.code === 'archive')).toMatchObject({ nameZh: '会计档案保管', builtin: false, ruleCount: 1 });
    const matrix = await env().caller('auditor').sod.matrix();
    expect(matrix.cells.find((c) => c.pair === 'custody|record')).toMatchObject({ rules: [{ code: 'SOD-03', risk: 'critical' }], open: 0 });
    expect(matrix.duties.map((d) => d.code)).toContain('archive');
  });

  it('adopts English rationale for an English-speaking organisation, and skips a pair already covered', async () => {
    const admin = env().caller('admin', { locale: 'en' });
    await admin.sod.rules.create({ code: 'MY-1', kind: 'duty', dutyA: 'execute', dutyB: 'authorise', risk: 'low', rationale: 'ours' });
    const result = await admin.sod.rules.adoptDefaults();
    expect(result.skipped).toEqual(['SOD-01']);
    const rules = await admin.sod.rules.list();
    expect(rules.find((r) => r.code === 'SOD-02')?.rationale).toMatch(/^Executing and recording must be separate/);
  });

  it("shows the default rules' own texts in the reader's language, and a rewritten rationale as written", async () => {
    await env().caller('admin').sod.rules.adoptDefaults(); // adopted in Chinese
    const english = await env().caller('viewer', { locale: 'en' }).sod.rules.list();
    expect(english.find((r) => r.code === 'SOD-02')).toMatchObject({
      rationale: expect.stringMatching(/^Executing and recording must be separate/),
      basis: expect.stringContaining('Basic Standard for Enterprise Internal Control'),
    });
    const sod02 = (await env().caller('admin').sod.rules.list()).find((r) => r.code === 'SOD-02')!;
    const { id, liveMitigations, positionAName, positionBName, updatedAt, ...data } = sod02;
    await env().caller('admin').sod.rules.update({ id, data: { ...data, rationale: '本公司的理由' } });
    const after = await env().caller('viewer', { locale: 'en' }).sod.rules.list();
    expect(after.find((r) => r.code === 'SOD-02')?.rationale).toBe('本公司的理由');
  });

  it('adopts a business cycle\'s rules (application guidelines) on their own, once, and finds 采购与验收 held by one person', async () => {
    const { admin, wh, zhou } = await org();
    const designer = env().caller('designer');
    const purchasing = await designer.sod.rules.adoptCycle({ cycle: 'purchasing' });
    expect(purchasing).toEqual({
      added: ['PUR-01', 'PUR-02', 'PUR-03', 'PUR-04', 'PUR-05'],
      skipped: [],
      addedDuties: ['requisition', 'select_supplier', 'contract', 'purchase', 'receive'],
    });
    const rules = await designer.sod.rules.list();
    expect(rules.map((r) => r.code).sort()).toEqual(purchasing.added); // the classic set is not adopted with it
    expect(rules.find((r) => r.code === 'PUR-04')).toMatchObject({ dutyA: 'purchase', dutyB: 'receive', risk: 'critical', basis: expect.stringContaining('《企业内部控制应用指引第7号——采购业务》') });
    // fixed assets reuse 验收 (receive): the duty is not added twice, its rules are
    const assets = await designer.sod.rules.adoptCycle({ cycle: 'fixed_assets' });
    expect(assets).toMatchObject({ added: ['FA-01', 'FA-02', 'FA-03'], addedDuties: ['asset_acquire', 'asset_custody', 'asset_dispose'] });
    expect(await designer.sod.rules.adoptCycle({ cycle: 'purchasing' })).toEqual({ added: [], skipped: purchasing.added, addedDuties: [] });

    const buyer = await admin.org.positions.create({ unitId: wh.id, code: 'BUY', name: '采购员', levelRank: 30, duties: ['purchase'] });
    const inspector = await admin.org.positions.create({ unitId: wh.id, code: 'QC', name: '验收员', levelRank: 30, duties: ['receive'] });
    await assign(zhou.id, buyer.id, 'primary', '2026-01-01');
    await assign(zhou.id, inspector.id, 'concurrent', '2026-03-01', '2026-03-31');
    const { conflicts } = await env().caller('auditor').sod.check({ kind: 'people', asOf: '2026-03-15' });
    expect(conflicts.map((c) => [c.ruleCode, c.personName, c.from, c.to])).toEqual([['PUR-04', '周静', '2026-03-01', '2026-03-31']]);
    await expect(env().caller('viewer').sod.rules.adoptCycle({ cycle: 'sales' })).rejects.toThrow();
  });

  it('finds a design conflict in a position holding both sides of a rule', async () => {
    const { manager } = await org();
    await env().caller('admin').sod.rules.adoptDefaults();
    const { conflicts } = await env().caller('viewer').sod.check({ kind: 'design' });
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({
      kind: 'design_position',
      key: expect.stringMatching(new RegExp(`^position:\\d+:${manager.id}$`)),
      ruleCode: 'SOD-05',
      risk: 'medium',
      dutyA: 'authorise',
      dutyB: 'supervise',
      positions: [{ id: manager.id, name: '财务经理', unitName: '财务部' }],
      status: 'open',
    });
  });

  it('finds a design conflict in a unit whose positions hold both sides of a same-unit rule, filtered by unit with sub-units', async () => {
    const { admin, hq, fin, wh, cashier, ledger } = await org();
    await admin.sod.rules.create({
      code: 'U-1',
      kind: 'duty',
      dutyA: 'record',
      dutyB: 'custody',
      scope: 'same_unit',
      risk: 'high',
      rationale: '记账与保管不在同一部门',
    });
    const { conflicts } = await admin.sod.check({ kind: 'design_unit' });
    expect(conflicts).toEqual([
      expect.objectContaining({ kind: 'design_unit', unitId: fin.id, unitName: '财务部', ruleCode: 'U-1', scope: 'same_unit' }),
    ]);
    expect(conflicts[0]!.positions.map((p) => p.id).sort()).toEqual([cashier.id, ledger.id].sort());
    // the warehouse keeper holds custody alone in its unit: no conflict there
    expect((await admin.sod.check({ unitId: wh.id })).conflicts).toEqual([]);
    expect((await admin.sod.check({ unitId: hq.id })).conflicts).toHaveLength(1);
    // position ↔ position rules with same-unit scope too
    await admin.sod.rules.create({ code: 'U-2', kind: 'position', positionA: cashier.id, positionB: ledger.id, scope: 'same_unit', risk: 'low', rationale: 'x' });
    expect((await admin.sod.check({ kind: 'design_unit' })).conflicts.map((c) => c.ruleCode).sort()).toEqual(['U-1', 'U-2']);
  });

  it('finds people whose acting and concurrent assignments overlap, with the exact overlap', async () => {
    const { admin, cashier, ledger, keeper, zhou, li } = await org();
    await admin.sod.rules.adoptDefaults();
    await assign(zhou.id, cashier.id, 'primary', '2022-04-01');
    await assign(zhou.id, ledger.id, 'acting', '2026-07-01', '2026-08-15');
    await assign(li.id, ledger.id, 'primary', '2022-01-10');
    await assign(li.id, keeper.id, 'concurrent', '2026-03-01');
    const { conflicts } = await env().caller('viewer').sod.check({ kind: 'people' });
    const summary = conflicts.map((c) => [c.personName, c.ruleCode, c.from, c.to, c.assignments.map((a) => a.kind).join('+')]);
    expect(summary).toEqual([
      ['周静', 'SOD-03', '2026-07-01', '2026-08-15', 'acting+primary'], // record (acting GL) ↔ custody (cashier)
      ['李娜', 'SOD-03', '2026-03-01', null, 'primary+concurrent'], // open-ended on both sides
      ['周静', 'SOD-02', '2026-07-01', '2026-08-15', 'primary+acting'], // execute (cashier) ↔ record
    ]);
    expect(conflicts[0]).toMatchObject({
      kind: 'people',
      risk: 'critical',
      employeeNo: 'E005',
      positions: [{ name: '总账会计' }, { name: '出纳' }],
      key: `people:${conflicts[0]!.ruleId}:${zhou.id}:${Math.min(cashier.id, ledger.id)}-${Math.max(cashier.id, ledger.id)}`,
    });
    expect((await admin.sod.check({ personId: li.id })).conflicts.map((c) => c.personName)).toEqual(['李娜']);
    // a period before the acting cover leaves out Zhou's overlaps
    expect((await admin.sod.check({ kind: 'people', from: '2026-01-01', to: '2026-06-30' })).conflicts.map((c) => c.personName)).toEqual(['李娜']);
  });

  it('does not count an assignment ending the day before another starts; ending the same day does', async () => {
    const { admin, cashier, ledger, zhou, li } = await org();
    await admin.sod.rules.create({ code: 'R', kind: 'duty', dutyA: 'execute', dutyB: 'record', risk: 'high', rationale: 'x' });
    await assign(zhou.id, cashier.id, 'primary', '2026-01-01', '2026-06-30');
    await assign(zhou.id, ledger.id, 'primary', '2026-07-01');
    await assign(li.id, cashier.id, 'primary', '2026-01-01', '2026-07-01');
    await assign(li.id, ledger.id, 'concurrent', '2026-07-01');
    const { conflicts } = await admin.sod.check({});
    expect(conflicts.map((c) => [c.personName, c.from, c.to])).toEqual([['李娜', '2026-07-01', '2026-07-01']]);
  });

  it('shows a person’s assignments and conflicts for the timeline', async () => {
    const { admin, cashier, ledger, zhou } = await org();
    await admin.sod.rules.adoptDefaults();
    await assign(zhou.id, cashier.id, 'primary', '2022-04-01');
    await assign(zhou.id, ledger.id, 'acting', '2026-07-01', '2026-08-15');
    const view = await env().caller('viewer').sod.person({ personId: zhou.id });
    expect(view.person).toMatchObject({ name: '周静', employeeNo: 'E005' });
    expect(view.assignments.map((a) => [a.positionName, a.kind, a.validFrom, a.validTo, a.duties])).toEqual([
      ['出纳', 'primary', '2022-04-01', null, ['execute', 'custody']],
      ['总账会计', 'acting', '2026-07-01', '2026-08-15', ['record']],
    ]);
    expect(view.conflicts.map((c) => c.ruleCode).sort()).toEqual(['SOD-02', 'SOD-03']);
    const missing = await failure(env().caller('viewer').sod.person({ personId: 9999 }));
    expect(missing).toMatchObject({ code: 'NOT_FOUND', message: '人员不存在（编号 9999），可能已被删除。' });
  });

  it('records a mitigation for a period that has already ended, and a check as of any date uses the period in force then', async () => {
    const { admin, cashier, ledger, zhou } = await org();
    await admin.sod.rules.adoptDefaults();
    const day = (n: number) => addDays(todayIso(), n);
    await assign(zhou.id, cashier.id, 'primary', '2022-04-01');
    await assign(zhou.id, ledger.id, 'acting', day(-280), day(-180)); // over now: today there is no conflict
    const auditor = env().caller('auditor');
    const designer = env().caller('designer');
    const [target] = (await auditor.sod.check({ kind: 'people', asOf: day(-250) })).conflicts;
    expect(target).toMatchObject({ status: 'open', from: day(-280), to: day(-180) });
    // "in force from March to 15 May", entered afterwards
    const m = await designer.sod.mitigations.create({ conflictKey: target!.key, mitigatingControl: '经理逐日复核', validFrom: day(-260), expiresOn: day(-200) });
    expect(m).toMatchObject({ validFrom: day(-260), expiresOn: day(-200) });
    const statusOn = async (n: number) => {
      const c = (await auditor.sod.check({ kind: 'people', asOf: day(n) })).conflicts.find((x) => x.key === target!.key);
      return [c?.status, c?.mitigation?.id ?? null, c?.lapsedMitigation?.id ?? null];
    };
    expect(await statusOn(-270)).toEqual(['open', null, null]); // before the period: not mitigated yet, nothing lapsed
    expect(await statusOn(-260)).toEqual(['mitigated', m.id, null]); // both ends count
    expect(await statusOn(-200)).toEqual(['mitigated', m.id, null]);
    expect(await statusOn(-199)).toEqual(['open', null, m.id]); // lapsed: open again, and says why
    const trail = await env().db.selectFrom('audit_trail').select('after').where('entity', '=', 'sod_mitigation').where('action', '=', 'create').execute();
    expect(trail.map((t) => (t.after as { historical?: boolean }).historical)).toEqual([true]);
    // an overlapping period for the same conflict is refused; a later, separate one is fine
    const overlap = await failure(designer.sod.mitigations.create({ conflictKey: target!.key, mitigatingControl: 'x', validFrom: day(-210), expiresOn: day(-190) }));
    expect(overlap.code).toBe('CONFLICT');
    await designer.sod.mitigations.create({ conflictKey: target!.key, mitigatingControl: '补充复核', validFrom: day(-199), expiresOn: day(-180) });
    expect(await statusOn(-185)).toEqual(['mitigated', expect.any(Number), null]);
  });

  it('accepts a conflict with a mitigating control until it expires, then it is open again', async () => {
    const { admin, cashier, ledger, zhou } = await org();
    await admin.sod.rules.adoptDefaults();
    await assign(zhou.id, cashier.id, 'primary', '2022-04-01');
    await assign(zhou.id, ledger.id, 'acting', '2026-07-01', '2026-08-15');
    const designer = env().caller('designer');
    const [target] = (await designer.sod.check({ kind: 'people' })).conflicts;
    const expiresOn = addDays(todayIso(), 30);
    const m = await designer.sod.mitigations.create({ conflictKey: target!.key, mitigatingControl: '会计部经理逐日复核代理期间的记账凭证', expiresOn });
    expect(m).toMatchObject({ createdBy: 'designer1', ruleId: target!.ruleId, conflictKind: 'people', subject: expect.stringContaining('周静') });

    const now = await designer.sod.check({ kind: 'people' });
    expect(now.conflicts.find((c) => c.key === target!.key)).toMatchObject({ status: 'mitigated', mitigation: { id: m.id, expiresOn }, lapsedMitigation: null });
    expect((await designer.sod.check({ status: 'open', kind: 'people' })).conflicts.map((c) => c.key)).not.toContain(target!.key);
    const matrix = await designer.sod.matrix();
    expect(matrix.cells.find((c) => c.pair === 'custody|record')).toMatchObject({ open: 0, mitigated: 1 });

    // the expiry day still counts; the day after, the conflict is open again and says why
    const onExpiry = await designer.sod.check({ asOf: expiresOn, kind: 'people' });
    expect(onExpiry.conflicts.find((c) => c.key === target!.key)?.status).toBe('mitigated');
    const after = await designer.sod.check({ asOf: addDays(expiresOn, 1), kind: 'people' });
    expect(after.conflicts.find((c) => c.key === target!.key)).toMatchObject({ status: 'open', mitigation: null, lapsedMitigation: { id: m.id } });

    // a second mitigation while one is in force is refused
    const twice = await failure(designer.sod.mitigations.create({ conflictKey: target!.key, mitigatingControl: 'x', expiresOn }));
    expect(twice).toMatchObject({ code: 'CONFLICT', message: `该冲突在重叠的期间内已有缓解措施（#${m.id}，至 ${expiresOn}）；如需更换，请先撤销它。` });

    // revoked: open again today, and the history keeps it
    await designer.sod.mitigations.revoke({ id: m.id, reason: '代理结束' });
    expect((await designer.sod.check({ kind: 'people' })).conflicts.find((c) => c.key === target!.key)?.status).toBe('open');
    expect(await designer.sod.mitigations.list()).toMatchObject([{ id: m.id, revokedBy: 'designer1', revokeReason: '代理结束' }]);
    const again = await failure(designer.sod.mitigations.revoke({ id: m.id }), 'en');
    expect(again.message).toBe(`Mitigation #${m.id} was already revoked by designer1.`);
  });

  it('reopens a conflict whose mitigation lapsed in the database, and drops mitigations when the rule changes', async () => {
    const { admin, manager } = await org();
    await admin.sod.rules.adoptDefaults();
    const [design] = (await admin.sod.check({ kind: 'design' })).conflicts;
    const m = await admin.sod.mitigations.create({ conflictKey: design!.key, mitigatingControl: '内审季度检查', expiresOn: addDays(todayIso(), 90) });
    await env().db.updateTable('sod_mitigation').set({ valid_from: addDays(todayIso(), -30), expires_on: addDays(todayIso(), -1) }).where('id', '=', m.id).execute();
    expect((await admin.sod.check({ kind: 'design' })).conflicts[0]).toMatchObject({ status: 'open', lapsedMitigation: { id: m.id } });
    // a fresh mitigation for the reopened conflict is allowed
    const m2 = await admin.sod.mitigations.create({ conflictKey: design!.key, mitigatingControl: '内审季度检查', expiresOn: todayIso() });
    expect((await admin.sod.check({ kind: 'design' })).conflicts[0]?.status).toBe('mitigated');

    const rule = (await admin.sod.rules.list()).find((r) => r.code === 'SOD-05')!;
    expect(rule.liveMitigations).toBe(1);
    const { id, liveMitigations, positionAName, positionBName, updatedAt, ...data } = rule;
    await admin.sod.rules.update({ id, data: { ...data, rationale: '改写理由' } }); // same sides: mitigation stays
    expect((await admin.sod.check({ kind: 'design' })).conflicts[0]?.status).toBe('mitigated');
    await admin.sod.rules.update({ id, data: { ...data, dutyB: 'review' } });
    expect((await admin.sod.mitigations.list()).find((x) => x.id === m2.id)).toMatchObject({ revokedBy: 'admin1', revokeReason: 'rule_changed' });
    expect(manager.duties).toEqual(['authorise', 'supervise']);
    expect((await admin.sod.check({ kind: 'design' })).conflicts).toEqual([]);
  });

  it('refuses bad rules, duty categories and mitigations with the field named, changing nothing', async () => {
    const { admin, cashier } = await org();
    await admin.sod.rules.adoptDefaults();
    const rulesBefore = (await admin.sod.rules.list()).length;
    const trailBefore = await trailCount();

    const same = await failure(admin.sod.rules.create({ code: 'X', kind: 'duty', dutyA: 'record', dutyB: 'record', risk: 'high', rationale: 'x' }));
    expect(same).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { dutyB: ['规则的两方不能相同：职责或岗位不会与自己不相容。'] } });
    const missingSide = await failure(admin.sod.rules.create({ code: 'X', kind: 'position', positionA: cashier.id, risk: 'high', rationale: 'x' }), 'en');
    expect(missingSide.fieldErrors).toEqual({ positionB: ['Choose this side of the rule.'] });
    const unknownDuty = await failure(admin.sod.rules.create({ code: 'X', kind: 'duty', dutyA: 'record', dutyB: 'bogus', risk: 'high', rationale: 'x' }));
    expect(unknownDuty).toMatchObject({ code: 'BAD_REQUEST', message: '职责 B：职责类别“bogus”不存在。' });
    const unknownPosition = await failure(
      env().caller('admin', { locale: 'en' }).sod.rules.create({ code: 'X', kind: 'position', positionA: 9999, positionB: cashier.id, risk: 'high', rationale: 'x' }),
      'en',
    );
    expect(unknownPosition.message).toBe('Position A: position 9999 does not exist.');
    const duplicate = await failure(admin.sod.rules.create({ code: 'X', kind: 'duty', dutyA: 'custody', dutyB: 'record', risk: 'low', rationale: 'x' }));
    expect(duplicate).toMatchObject({ code: 'CONFLICT', message: '规则 SOD-03 已经规定这两方在“同一人”范围内不相容。' });
    const duplicateCode = await failure(admin.sod.rules.create({ code: 'SOD-01', kind: 'duty', dutyA: 'custody', dutyB: 'supervise', risk: 'low', rationale: 'x' }));
    expect(duplicateCode).toMatchObject({ code: 'CONFLICT', message: '编码“SOD-01”已存在。' });
    const badRisk = await failure(admin.sod.rules.create({ code: 'X', kind: 'duty', dutyA: 'custody', dutyB: 'supervise', risk: 'extreme' as 'low', rationale: '' }));
    expect(Object.keys(badRisk.fieldErrors ?? {}).sort()).toEqual(['rationale', 'risk']);

    const [conflict] = (await admin.sod.check({ kind: 'design' })).conflicts;
    const backwards = await failure(
      admin.sod.mitigations.create({ conflictKey: conflict!.key, mitigatingControl: '复核', validFrom: todayIso(), expiresOn: addDays(todayIso(), -1) }),
    );
    expect(backwards.fieldErrors?.expiresOn).toEqual(['期间的结束日不能早于开始日。']);
    const noControl = await failure(admin.sod.mitigations.create({ conflictKey: conflict!.key, mitigatingControl: ' ', expiresOn: todayIso() }));
    expect(noControl.fieldErrors?.mitigatingControl).toEqual(['缓解控制：必须写明用什么控制弥补这一冲突，不能无条件豁免。']);
    const noConflict = await failure(admin.sod.mitigations.create({ conflictKey: 'people:1:2:3-4', mitigatingControl: '复核', expiresOn: todayIso() }));
    expect(noConflict.message).toBe('冲突“people:1:2:3-4”当前不存在（可能已经消除或规则已停用），不能为它登记缓解措施。');
    const period = await failure(admin.sod.check({ from: '2026-05-01', to: '2026-04-01' }));
    expect(period.fieldErrors?.to).toEqual(['期间的结束日不能早于开始日。']);

    const builtin = await failure(admin.sod.duties.delete({ code: 'custody' }));
    expect(builtin).toMatchObject({ code: 'PRECONDITION_FAILED', message: '“财产保管”（custody）是内置职责类别，不能修改或删除。' });
    const inRules = await failure(admin.sod.duties.delete({ code: 'archive' }));
    expect(inRules.message).toBe('无法删除职责类别“会计档案保管”：不相容规则 CASH-02 仍在使用它。');
    const badCode = await failure(admin.sod.duties.create({ code: 'Archive', nameZh: '档案', nameEn: 'Archive' }));
    expect(badCode.fieldErrors?.code).toEqual(['职责类别编码只能用小写字母、数字和下划线，并以字母开头。']);

    expect((await admin.sod.rules.list()).length).toBe(rulesBefore);
    expect(await admin.sod.mitigations.list()).toEqual([]);
    expect(await trailCount()).toBe(trailBefore);
    // the database refuses deleting a builtin duty category too, not only the service
    await expect(env().db.deleteFrom('duty_category').where('code', '=', 'review').execute()).rejects.toThrow(/builtin duty category/);
  });

  it('lets administrators add, rename and delete custom duty categories, refusing one that positions hold', async () => {
    const { admin, fin } = await org();
    const added = await admin.sod.duties.create({ code: 'post_revenue', nameZh: '收入记账', nameEn: 'Post revenue' });
    expect(added).toMatchObject({ code: 'post_revenue', builtin: false });
    const renamed = await admin.sod.duties.rename({ code: 'post_revenue', nameZh: '收入类账目登记', nameEn: 'Post revenue records' });
    expect(renamed.nameZh).toBe('收入类账目登记');
    const clerk = await admin.org.positions.create({ unitId: fin.id, code: 'REV', name: '收入会计', levelRank: 30, duties: ['post_revenue'] });
    const held = await failure(admin.sod.duties.delete({ code: 'post_revenue' }));
    expect(held.message).toBe('无法删除职责类别“收入类账目登记”：还有 1 个岗位承担它（收入会计）。');
    await admin.org.positions.update({ id: clerk.id, data: { unitId: fin.id, code: 'REV', name: '收入会计', levelRank: 30, duties: [] } });
    await admin.sod.duties.delete({ code: 'post_revenue' });
    expect((await admin.sod.duties.list()).map((d) => d.code)).not.toContain('post_revenue');
    const renameBuiltin = await failure(admin.sod.duties.rename({ code: 'record', nameZh: '记', nameEn: 'R' }));
    expect(renameBuiltin.code).toBe('PRECONDITION_FAILED');
    const trail = await admin.trail.list({ entity: 'duty_category', entityId: 'post_revenue' });
    expect(trail.rows.map((r) => r.action)).toEqual(['delete', 'update', 'create']);
  });

  it('keeps duty categories to administrators and rules to designers and administrators', async () => {
    await org();
    const forbidden = await failure(env().caller('designer').sod.duties.create({ code: 'x', nameZh: 'x', nameEn: 'x' }));
    expect(forbidden.code).toBe('FORBIDDEN');
    const auditor = await failure(
      env().caller('auditor').sod.rules.create({ code: 'X', kind: 'duty', dutyA: 'record', dutyB: 'custody', risk: 'high', rationale: 'x' }),
    );
    expect(auditor.code).toBe('FORBIDDEN');
    const viewerMitigation = await failure(env().caller('viewer').sod.mitigations.create({ conflictKey: 'position:1:1', mitigatingControl: 'x', expiresOn: todayIso() }));
    expect(viewerMitigation.code).toBe('FORBIDDEN');
    await expect(env().caller('designer').sod.rules.create({ code: 'X', kind: 'duty', dutyA: 'record', dutyB: 'custody', risk: 'high', rationale: 'x' })).resolves.toMatchObject({ code: 'X' });
  });

  it('flags control owners who would check their own work, in the check and for the design lint', async () => {
    const { admin, cashier, ledger, manager } = await org();
    await admin.sod.rules.adoptDefaults();
    const db = env().db;
    const manual = await db.insertInto('manual').values({ code: 'M', title: '手册', numbering_style: 'decimal' }).returning('id').executeTakeFirstOrThrow();
    const control = async (title: string, orderKey: string, ownerPositionId: number, checkedDuty: string) => {
      const node = await db
        .insertInto('manual_node')
        .values({ manual_id: manual.id, parent_id: null, order_key: orderKey, kind: 'control', title })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('control').values({ node_id: node.id, manual_id: manual.id, owner_position_id: ownerPositionId, checked_duty: checkedDuty }).execute();
      return node.id;
    };
    const selfCheck = await control('出纳核对付款', 'a0', cashier.id, 'execute'); // holds execute itself
    const approverChecks = await control('财务经理检查付款执行', 'a1', manager.id, 'execute'); // authorises, checks execution: fine
    const ledgerChecks = await control('总账会计核对付款', 'a2', ledger.id, 'custody'); // records, checks custody: fine
    const fine = await control('财务经理监督记账', 'a3', manager.id, 'record'); // supervise is a checking duty; no rule pairs authorise with record
    const lint = await controlOwnerConflicts(db, manual.id);
    const rules = new Map((await admin.sod.rules.list()).map((r) => [r.id, r.code]));
    expect(lint.map((c) => [c.controlId, c.positionId, c.duty, c.ruleId == null ? null : rules.get(c.ruleId)])).toEqual([
      [selfCheck, cashier.id, 'execute', null],
    ]);
    // checking someone else's side of a rule is the separation working
    for (const ok of [approverChecks, ledgerChecks, fine]) expect(lint.map((c) => c.controlId)).not.toContain(ok);
    const { conflicts } = await env().caller('viewer').sod.check({ kind: 'control' });
    expect(conflicts.find((c) => c.controlId === selfCheck)).toMatchObject({
      kind: 'control',
      controlTitle: '出纳核对付款',
      manualId: manual.id,
      dutyA: 'execute',
      dutyB: 'execute',
      ruleId: null,
      risk: 'high',
      key: `control:${selfCheck}:${cashier.id}:execute`,
    });
    // mitigated control conflicts are marked for the lint too
    await admin.sod.mitigations.create({ conflictKey: `control:${selfCheck}:${cashier.id}:execute`, mitigatingControl: '会计经理抽查', expiresOn: todayIso() });
    expect((await controlOwnerConflicts(db, manual.id)).find((c) => c.controlId === selfCheck)?.mitigated).toBe(true);
    const matrix = await admin.sod.matrix();
    expect(matrix.cells.find((c) => c.pair === 'execute|execute')).toMatchObject({ rules: [], open: 0, mitigated: 1 });
    // a mitigation can name the control point that compensates; other nodes are refused
    const notControl = await failure(
      admin.sod.mitigations.create({ conflictKey: (await admin.sod.check({ kind: 'design' })).conflicts[0]!.key, mitigatingControl: 'x', controlNodeId: 999999, expiresOn: todayIso() }),
    );
    expect(notControl.message).toBe('缓解控制点：条目（编号 999999）不存在。');
  });

  it('deletes a rule with its mitigations kept in the trail', async () => {
    const { admin } = await org();
    await admin.sod.rules.adoptDefaults();
    const [design] = (await admin.sod.check({ kind: 'design' })).conflicts;
    const m = await admin.sod.mitigations.create({ conflictKey: design!.key, mitigatingControl: '复核', expiresOn: todayIso() });
    await admin.sod.rules.delete({ id: design!.ruleId! });
    expect(await admin.sod.mitigations.list()).toEqual([]);
    const trail = await admin.trail.list({ entity: 'sod_rule', entityId: String(design!.ruleId) });
    expect(trail.rows[0]).toMatchObject({ action: 'delete', before: { code: 'SOD-05', mitigations: [{ id: m.id }] } });
    expect((await admin.sod.check({})).conflicts).toEqual([]);
  });

  it('seeds the demo with the default rules, the cashier’s acting conflict and both mitigation states', async () => {
    await seedDemo(env().db);
    const viewer = env().caller('viewer');
    expect((await viewer.sod.rules.list()).map((r) => r.code)).toEqual(['CASH-01', 'CASH-02', 'SOD-01', 'SOD-02', 'SOD-03', 'SOD-04', 'SOD-05']);
    const { conflicts } = await viewer.sod.check({});
    const cashier = conflicts.filter((c) => c.employeeNo === 'E005');
    expect(cashier.map((c) => [c.ruleCode, c.from, c.to, c.status]).sort()).toEqual([
      ['SOD-02', '2026-07-01', '2026-08-15', 'open'],
      ['SOD-03', '2026-07-01', '2026-08-15', 'open'],
    ]);
    expect(conflicts.filter((c) => c.status === 'mitigated')).toHaveLength(1);
    expect(conflicts.filter((c) => c.lapsedMitigation != null)).toHaveLength(1);
  });
});
