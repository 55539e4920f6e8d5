import { expect, it } from 'vitest';
import { describeApi, failure } from './harness.ts';
import type { NodeKind } from '../../shared/outline.ts';

describeApi('outline undo / redo', (env) => {
  const designer = () => env().caller('designer');

  async function manualWith() {
    const d = designer();
    const manual = await d.manual.create({ code: 'M1', title: '内部控制手册', numberingStyle: 'decimal' });
    const add = async (title: string, kind: NodeKind, placement: { relation: 'before' | 'after' | 'inside_start' | 'inside_end' | 'root_start' | 'root_end'; targetId?: number }, body = '') =>
      d.manual.insert({ manualId: manual.id, placement, node: { kind, title, body } });
    const numbers = async () => (await d.manual.tree({ manualId: manual.id })).nodes.map((n) => `${n.number} ${n.title}`);
    const undo = () => d.manual.undo({ manualId: manual.id });
    const redo = () => d.manual.redo({ manualId: manual.id });
    return { d, manual, add, numbers, undo, redo };
  }

  const trailActions = async (action: string) => (await env().caller('admin').trail.list({ entity: 'manual_node', action })).rows;

  it('undoes and redoes insert, move, indent, outdent, rename and body edit, each with a trail row', async () => {
    const { d, manual, add, numbers, undo, redo } = await manualWith();
    const c1 = await add('一', 'chapter', { relation: 'root_end' });
    const a = await add('甲', 'section', { relation: 'inside_end', targetId: c1.id });
    const b = await add('乙', 'section', { relation: 'inside_end', targetId: c1.id });
    const c2 = await add('二', 'chapter', { relation: 'root_end' });
    const start = ['1 一', '1.1 甲', '1.2 乙', '2 二'];
    expect(await numbers()).toEqual(start);

    // insert
    await add('丙', 'section', { relation: 'before', targetId: a.id });
    expect(await numbers()).toEqual(['1 一', '1.1 丙', '1.2 甲', '1.3 乙', '2 二']);
    expect(await undo()).toMatchObject({ kind: 'insert', nodeId: null, label: '丙' });
    expect(await numbers()).toEqual(start);
    await redo();
    expect(await numbers()).toEqual(['1 一', '1.1 丙', '1.2 甲', '1.3 乙', '2 二']);
    await undo();

    // move
    await d.manual.move({ nodeId: b.id, placement: { relation: 'inside_end', targetId: c2.id } });
    expect(await numbers()).toEqual(['1 一', '1.1 甲', '2 二', '2.1 乙']);
    expect(await undo()).toMatchObject({ kind: 'move', nodeId: b.id });
    expect(await numbers()).toEqual(start);
    await redo();
    expect(await numbers()).toEqual(['1 一', '1.1 甲', '2 二', '2.1 乙']);
    await undo();

    // indent, outdent
    await d.manual.indent({ nodeId: b.id });
    expect(await numbers()).toEqual(['1 一', '1.1 甲', '1.1.1 乙', '2 二']);
    await undo();
    expect(await numbers()).toEqual(start);
    await d.manual.outdent({ nodeId: b.id });
    expect(await numbers()).toEqual(['1 一', '1.1 甲', '2 乙', '3 二']);
    await undo();
    expect(await numbers()).toEqual(start);
    await redo();
    expect(await numbers()).toEqual(['1 一', '1.1 甲', '2 乙', '3 二']);
    await undo();

    // rename and body edit (with a reference)
    await d.manual.updateNode({ nodeId: a.id, data: { title: '甲（修订）' } });
    await d.manual.updateNode({ nodeId: b.id, data: { body: `见 [[node:${a.id}]]` } });
    await undo();
    let tree = await d.manual.tree({ manualId: manual.id });
    expect(tree.nodes.find((n) => n.id === b.id)?.body).toBe('');
    expect((await d.manual.references({ manualId: manual.id })).dangling).toEqual([]);
    await undo();
    expect(await numbers()).toEqual(start);
    await redo();
    await redo();
    tree = await d.manual.tree({ manualId: manual.id });
    expect(tree.nodes.find((n) => n.id === a.id)?.title).toBe('甲（修订）');
    expect(tree.nodes.find((n) => n.id === b.id)?.renderedBody).toBe('见 1.1');
    await failure(redo()).then((f) => expect(f).toMatchObject({ code: 'PRECONDITION_FAILED', message: '本手册中没有可重做的操作。' }));

    // every undo and redo is a saved operation with its own trail row
    expect((await trailActions('undo')).length).toBe(9);
    expect((await trailActions('redo')).length).toBe(5);
    expect(await d.manual.undoState({ manualId: manual.id })).toMatchObject({ undo: { kind: 'update', label: '乙' }, redo: null });
  });

  it('a deleted subtree comes back with the same ids, control data, links, inspections, evidence and references', async () => {
    const admin = env().caller('admin');
    const unit = await admin.org.units.create({ parentId: null, code: 'FIN', name: '财务部' });
    const reviewer = await admin.org.positions.create({ unitId: unit.id, code: 'REV', name: '稽核员', levelRank: 35, duties: ['review'] });
    const { d, manual, add, numbers, undo, redo } = await manualWith();
    await d.controls.addEvidenceType({ manualId: manual.id, code: 'bank_slip', name: '银行回单' });
    const ch = await add('资金活动', 'chapter', { relation: 'root_end' });
    const proc = await add('银行付款', 'process', { relation: 'inside_end', targetId: ch.id });
    const step = await add('付款复核', 'step', { relation: 'inside_end', targetId: proc.id });
    const other = await add('采购付款', 'process', { relation: 'inside_end', targetId: ch.id });
    const otherStep = await add('付款审批', 'step', { relation: 'inside_end', targetId: other.id });
    const ctl = await d.controls.create({
      manualId: manual.id,
      placement: { relation: 'inside_end', targetId: step.id },
      title: '复核收款账户',
      body: `依据 [[node:${otherStep.id}]] 复核`,
      data: {
        isKey: true,
        weight: 4,
        frequency: 'daily',
        ownerPositionId: reviewer.id,
        evidenceTypes: ['original_voucher', 'bank_slip'],
        inspections: [
          { method: 'sampling', procedure: '抽取 25 笔付款' },
          { method: 'walkthrough', procedure: '穿行测试一笔' },
        ],
      },
    });
    await d.controls.link({ controlId: ctl.id, hostId: otherStep.id }); // a link out of the subtree
    const visitor = await d.controls.create({ manualId: manual.id, placement: { relation: 'inside_end', targetId: otherStep.id }, title: '核对发票', data: {} });
    await d.controls.link({ controlId: visitor.id, hostId: step.id }); // a link into the subtree
    const citing = await add('附则', 'chapter', { relation: 'root_end' }, `付款按 [[node:${ctl.id}]] 执行`);
    await d.controls.unlink({ controlId: ctl.id, hostId: otherStep.id }); // keep the deleted control unshared…
    await undo(); // …then undo that unlink: the link is back
    expect((await d.controls.get({ controlId: ctl.id })).hosts.map((h) => h.id)).toEqual([step.id, otherStep.id]);
    // unshare it for good, so the delete removes it (a shared control would be rehomed, tested below)
    await d.controls.unlink({ controlId: ctl.id, hostId: otherStep.id });

    const before = {
      numbers: await numbers(),
      control: await d.controls.get({ controlId: ctl.id }),
      inspectionIds: (await env().db.selectFrom('control_inspection').select('id').where('control_id', '=', ctl.id).orderBy('id').execute()).map((r) => r.id),
      visitorHosts: (await d.controls.get({ controlId: visitor.id })).hosts.map((h) => h.id),
      rendered: (await d.manual.tree({ manualId: manual.id })).nodes.find((n) => n.id === citing.id)?.renderedBody,
      ids: (await d.manual.tree({ manualId: manual.id })).nodes.map((n) => n.id),
    };
    expect(before.rendered).toBe('付款按 1.1.1.1 执行');
    expect(before.visitorHosts).toEqual([otherStep.id, step.id]);

    await d.manual.deleteNode({ nodeId: proc.id, confirm: true });
    expect(await numbers()).toEqual(['1 资金活动', '1.1 采购付款', '1.1.1 付款审批', '1.1.1.1 核对发票', '2 附则']);
    expect((await d.manual.references({ manualId: manual.id })).dangling).toHaveLength(1);

    expect(await undo()).toMatchObject({ kind: 'delete', nodeId: proc.id });
    const tree = await d.manual.tree({ manualId: manual.id });
    expect(await numbers()).toEqual(before.numbers);
    expect(tree.nodes.map((n) => n.id)).toEqual(before.ids);
    expect(tree.nodes.find((n) => n.id === citing.id)?.renderedBody).toBe(before.rendered);
    expect(tree.nodes.find((n) => n.id === ctl.id)?.renderedBody).toBe('依据 1.2.1 复核');
    expect(await d.controls.get({ controlId: ctl.id })).toEqual(before.control);
    const inspectionIds = (await env().db.selectFrom('control_inspection').select('id').where('control_id', '=', ctl.id).orderBy('id').execute()).map((r) => r.id);
    expect(inspectionIds).toEqual(before.inspectionIds);
    expect((await d.controls.get({ controlId: visitor.id })).hosts.map((h) => h.id)).toEqual(before.visitorHosts);
    expect((await d.manual.references({ manualId: manual.id })).dangling).toEqual([]);
    const matrix = await d.controls.matrix({ manualId: manual.id });
    expect(matrix.controls.find((c) => c.id === ctl.id)).toMatchObject({ number: '1.1.1.1', weight: 4, isKey: true, evidenceTypes: ['original_voucher', 'bank_slip'], inspectionCount: 2 });

    // redo deletes it again; undo brings it back again
    await redo();
    expect(await numbers()).toEqual(['1 资金活动', '1.1 采购付款', '1.1.1 付款审批', '1.1.1.1 核对发票', '2 附则']);
    await undo();
    expect((await d.manual.tree({ manualId: manual.id })).nodes.map((n) => n.id)).toEqual(before.ids);
    expect(await d.controls.get({ controlId: ctl.id })).toEqual(before.control);

    const undos = await trailActions('undo');
    expect(undos.length).toBe(3);
    expect(undos[0]).toMatchObject({ actor: 'designer1', entityId: String(proc.id) });
  });

  it('a shared control that a delete rehomed goes back into the restored subtree', async () => {
    const { d, manual, add, numbers, undo } = await manualWith();
    const p1 = await add('流程一', 'process', { relation: 'root_end' });
    const s1 = await add('步骤一', 'step', { relation: 'inside_end', targetId: p1.id });
    const p2 = await add('流程二', 'process', { relation: 'root_end' });
    const ctl = await d.controls.create({ manualId: manual.id, placement: { relation: 'inside_end', targetId: s1.id }, title: '共享控制', data: {} });
    await d.controls.link({ controlId: ctl.id, hostId: p2.id });
    const start = await numbers();
    const r = await d.manual.deleteNode({ nodeId: p1.id, confirm: true });
    expect(r.rehomedShared).toBe(1);
    expect(await numbers()).toEqual(['1 流程二', '1.1 共享控制']);
    await undo();
    expect(await numbers()).toEqual(start);
    expect((await d.controls.get({ controlId: ctl.id })).hosts.map((h) => [h.id, h.home])).toEqual([
      [s1.id, true],
      [p2.id, false],
    ]);
  });

  it('refuses to undo over someone else\'s later change, names them, and changes nothing', async () => {
    const { d, manual, add, numbers, undo } = await manualWith();
    const c1 = await add('一', 'chapter', { relation: 'root_end' });
    const a = await add('甲', 'section', { relation: 'inside_end', targetId: c1.id });
    await d.manual.updateNode({ nodeId: a.id, data: { title: '甲一' } });
    await env().caller('admin').manual.updateNode({ nodeId: a.id, data: { title: '甲二' } });
    const refused = await failure(undo());
    expect(refused).toMatchObject({ code: 'CONFLICT', message: '无法撤销：“甲二”在此之后已被修改（最后修改人：admin1），请手工调整。' });
    const en = await failure(undo(), 'en');
    expect(en.message).toBe('Cannot undo: "甲二" was changed afterwards (last change by admin1). Edit it by hand instead.');
    expect(await numbers()).toEqual(['1 一', '1.1 甲二']);

    // a change to another column does not block: a move is undone under a later rename
    await d.manual.move({ nodeId: a.id, placement: { relation: 'root_start' } });
    await env().caller('admin').manual.updateNode({ nodeId: a.id, data: { title: '甲三' } });
    await undo();
    expect(await numbers()).toEqual(['1 一', '1.1 甲三']);

    // undoing an insert whose node got a sub-item since is refused
    const b = await add('乙', 'section', { relation: 'inside_end', targetId: c1.id });
    await env().caller('admin').manual.insert({ manualId: manual.id, placement: { relation: 'inside_end', targetId: b.id }, node: { kind: 'clause', title: '新条' } });
    expect(await failure(undo())).toMatchObject({ code: 'CONFLICT', message: '无法撤销：“乙”之后新增了下级条目（“新条”）。' });
  });

  it('a new edit ends the redo branch; undo is per user; viewers cannot undo', async () => {
    const { d, manual, add, numbers, undo, redo } = await manualWith();
    await add('一', 'chapter', { relation: 'root_end' });
    await add('二', 'chapter', { relation: 'root_end' });
    await undo();
    await add('三', 'chapter', { relation: 'root_end' });
    expect(await failure(redo())).toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect(await numbers()).toEqual(['1 一', '2 三']);
    expect(await failure(env().caller('admin').manual.undo({ manualId: manual.id }))).toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: '本手册中没有可撤销的操作。',
    });
    expect(await failure(env().caller('viewer').manual.undo({ manualId: manual.id }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await d.manual.undoState({ manualId: manual.id })).toMatchObject({ undo: { kind: 'insert', label: '三' }, redo: null });
  });
});
