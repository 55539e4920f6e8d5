import { expect, it } from 'vitest';
import { describeApi, failure } from './harness.ts';

describeApi('organisation', (env) => {
  async function unitWithPosition() {
    const admin = env().caller('admin');
    const hq = await admin.org.units.create({ parentId: null, code: 'HQ', name: '总部' });
    const fin = await admin.org.units.create({ parentId: hq.id, code: 'FIN', name: '财务部' });
    const cashier = await admin.org.positions.create({
      unitId: fin.id,
      code: 'CASH',
      name: '出纳',
      levelRank: 30,
      duties: ['custody', 'execute'],
    });
    return { admin, hq, fin, cashier };
  }

  it('builds a unit tree with positions and duties, and lists them for every role', async () => {
    const { hq, fin, cashier } = await unitWithPosition();
    expect(cashier.duties).toEqual(['execute', 'custody']); // duty-category order
    const units = await env().caller('viewer').org.units.list();
    expect(units.map((u) => [u.code, u.parentId, u.positionCount])).toEqual([
      ['FIN', hq.id, 1],
      ['HQ', null, 0],
    ]);
    const positions = await env().caller('auditor').org.positions.list({ unitId: fin.id });
    expect(positions).toMatchObject([{ code: 'CASH', unitName: '财务部', levelRank: 30, duties: ['execute', 'custody'] }]);
  });

  it('writes the audit trail with before and after in the same transaction', async () => {
    const { admin, fin } = await unitWithPosition();
    await admin.org.units.update({ id: fin.id, data: { parentId: fin.parentId, code: 'FIN', name: '财务中心' } });
    const trail = await admin.trail.list({ entity: 'org_unit', entityId: String(fin.id) });
    expect(trail.rows.map((r) => r.action)).toEqual(['update', 'create']);
    expect(trail.rows[0]).toMatchObject({
      actor: 'admin1',
      before: { name: '财务部' },
      after: { name: '财务中心' },
    });
  });

  it('refuses a duplicate code with the field and value named, in the user language', async () => {
    const { admin } = await unitWithPosition();
    const zh = await failure(admin.org.units.create({ parentId: null, code: 'HQ', name: '另一个' }));
    expect(zh).toMatchObject({ code: 'CONFLICT', message: '编码“HQ”已存在。' });
    const enAdmin = env().caller('admin', { locale: 'en' });
    const en = await failure(enAdmin.org.units.create({ parentId: null, code: 'HQ', name: 'x' }), 'en');
    expect(en.message).toBe('Code "HQ" already exists.');
  });

  it('maps invalid fields to translated field errors', async () => {
    const admin = env().caller('admin');
    const err = await failure(admin.org.units.create({ parentId: null, code: '不合法 code', name: '' }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toBe('输入有误，请检查标出的字段。');
    expect(err.fieldErrors?.code).toEqual(['只能包含字母、数字、点、下划线和连字符，且以字母或数字开头。']);
    expect(err.fieldErrors?.name?.[0]).toMatch(/字符/);
    const en = await failure(
      env().caller('admin', { locale: 'en' }).org.assignments.create({
        personId: 1,
        positionId: 1,
        kind: 'primary',
        validFrom: '2026-05-01',
        validTo: '2026-04-01',
      }),
      'en',
    );
    expect(en.fieldErrors?.validTo).toEqual(['The end date cannot be before the start date.']);
  });

  it('refuses to delete a unit that still has positions or sub-units, naming them, and keeps everything', async () => {
    const { admin, hq, fin } = await unitWithPosition();
    const withPositions = await failure(admin.org.units.delete({ id: fin.id }));
    expect(withPositions).toMatchObject({ code: 'PRECONDITION_FAILED', message: '无法删除“财务部”：它还有 1 个岗位（出纳）。' });
    const withChildren = await failure(admin.org.units.delete({ id: hq.id }), 'en');
    expect(withChildren.message).toBe('Cannot delete "总部": it still has 1 sub-units (财务部).');
    expect(await admin.org.units.list()).toHaveLength(2);
  });

  it('refuses to move a unit under its own descendant', async () => {
    const { admin, hq, fin } = await unitWithPosition();
    const err = await failure(admin.org.units.update({ id: hq.id, data: { parentId: fin.id, code: 'HQ', name: '总部' } }));
    expect(err).toMatchObject({ code: 'BAD_REQUEST', message: '不能把单位移到它自己或它的下级单位之下。' });
  });

  it('refuses an unknown duty without leaving a half-written position or trail row', async () => {
    const { admin, fin } = await unitWithPosition();
    const trailBefore = (await admin.trail.list({})).rows.length;
    const err = await failure(
      admin.org.positions.create({ unitId: fin.id, code: 'X1', name: '新岗位', levelRank: 10, duties: ['review', 'bogus'] }),
    );
    expect(err).toMatchObject({ code: 'BAD_REQUEST', message: '未知的职责类别：bogus。' });
    expect((await admin.org.positions.list({})).map((p) => p.code)).toEqual(['CASH']);
    expect((await admin.trail.list({})).rows.length).toBe(trailBefore);
  });

  it('keeps one primary position per person at a time, and refuses deleting a held position', async () => {
    const { admin, fin, cashier } = await unitWithPosition();
    const clerk = await admin.org.positions.create({ unitId: fin.id, code: 'GL', name: '总账会计', levelRank: 30, duties: ['record'] });
    const zhou = await admin.org.people.create({ employeeNo: 'E005', name: '周静', email: 'zhou@example.com' });
    await admin.org.assignments.create({ personId: zhou.id, positionId: cashier.id, kind: 'primary', validFrom: '2024-01-01', validTo: null });
    const overlap = await failure(
      admin.org.assignments.create({ personId: zhou.id, positionId: clerk.id, kind: 'primary', validFrom: '2026-07-01', validTo: '2026-08-15' }),
    );
    expect(overlap).toMatchObject({
      code: 'CONFLICT',
      message: '周静 在 2024-01-01 至 … 期间已有主岗（出纳），同一时间只能有一个主岗。',
    });
    // acting cover over the same dates is allowed
    const acting = await admin.org.assignments.create({
      personId: zhou.id,
      positionId: clerk.id,
      kind: 'acting',
      validFrom: '2026-07-01',
      validTo: '2026-08-15',
    });
    expect(acting).toMatchObject({ kind: 'acting', validFrom: '2026-07-01', validTo: '2026-08-15' });
    const list = await admin.org.assignments.list({ personId: zhou.id });
    expect(list.map((a) => [a.positionName, a.kind])).toEqual([
      ['出纳', 'primary'],
      ['总账会计', 'acting'],
    ]);
    const people = await admin.org.people.list();
    expect(people[0]).toMatchObject({ name: '周静', primaryPosition: '出纳' });

    const held = await failure(admin.org.positions.delete({ id: clerk.id }));
    expect(held).toMatchObject({ code: 'PRECONDITION_FAILED', message: '无法删除岗位“总账会计”：还有 1 条任职记录（周静）。' });
    const personHeld = await failure(admin.org.people.delete({ id: zhou.id }));
    expect(personHeld.code).toBe('PRECONDITION_FAILED');

    await admin.org.assignments.delete({ id: acting.id });
    await admin.org.positions.delete({ id: clerk.id });
    expect((await admin.org.positions.list({})).map((p) => p.code)).toEqual(['CASH']);
  });

  it('reports a missing record as NOT_FOUND with the entity named', async () => {
    const admin = env().caller('admin');
    const err = await failure(admin.org.people.update({ id: 999, data: { employeeNo: 'E9', name: '某人' } }));
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: '人员不存在（编号 999），可能已被删除。' });
  });
});
