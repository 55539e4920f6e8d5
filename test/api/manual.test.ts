import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeApi, failure } from './harness.ts';
import type { NodeKind } from '../../shared/outline.ts';

describeApi('manual outline', (env) => {
  const designer = () => env().caller('designer');

  async function manualWith(style: 'decimal' | 'regulation' = 'decimal') {
    const d = designer();
    const manual = await d.manual.create({ code: 'M1', title: '内部控制手册', numberingStyle: style });
    const add = async (title: string, kind: NodeKind, placement: { relation: 'before' | 'after' | 'inside_start' | 'inside_end' | 'root_start' | 'root_end'; targetId?: number }, body = '') =>
      d.manual.insert({ manualId: manual.id, placement, node: { kind, title, body } });
    return { d, manual, add };
  }
  const numbers = async (manualId: number) =>
    (await designer().manual.tree({ manualId })).nodes.map((n) => `${n.number} ${n.title}`);

  it('derives numbers from tree order: inserting before 1.2 renumbers the old 1.2 to 1.3', async () => {
    const { manual, add } = await manualWith();
    const ch = await add('资金活动', 'chapter', { relation: 'root_end' });
    await add('岗位责任', 'section', { relation: 'inside_end', targetId: ch.id });
    const cash = await add('现金管控', 'section', { relation: 'inside_end', targetId: ch.id });
    await add('采购业务', 'chapter', { relation: 'root_end' });
    expect(await numbers(manual.id)).toEqual(['1 资金活动', '1.1 岗位责任', '1.2 现金管控', '2 采购业务']);
    await add('授权批准', 'section', { relation: 'before', targetId: cash.id });
    expect(await numbers(manual.id)).toEqual(['1 资金活动', '1.1 岗位责任', '1.2 授权批准', '1.3 现金管控', '2 采购业务']);
    // only the new row was written: the siblings kept their keys
    const trail = await env().caller('admin').trail.list({ entity: 'manual_node', action: 'create' });
    expect(trail.rows).toHaveLength(5);
  });

  it('follows renumbering in references and names referrers before deleting', async () => {
    const { d, manual, add } = await manualWith();
    const ch = await add('资金活动', 'chapter', { relation: 'root_end' });
    const a = await add('授权', 'section', { relation: 'inside_end', targetId: ch.id });
    const b = await add('付款', 'section', { relation: 'inside_end', targetId: ch.id }, `按 [[node:${a.id}]] 审批后付款，执行《资金管理办法》。细则另行制定。`);
    let tree = await d.manual.tree({ manualId: manual.id });
    expect(tree.nodes.find((n) => n.id === b.id)?.renderedBody).toBe('按 1.1 审批后付款，执行《资金管理办法》。细则另行制定。');
    await add('总则', 'section', { relation: 'inside_start', targetId: ch.id });
    tree = await d.manual.tree({ manualId: manual.id });
    expect(tree.nodes.find((n) => n.id === b.id)?.renderedBody).toContain('按 1.2 审批后付款');

    const refused = await failure(d.manual.deleteNode({ nodeId: a.id }));
    expect(refused).toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect(refused.message).toContain('1.3 付款');
    const report = await d.manual.references({ manualId: manual.id });
    expect(report.dangling).toEqual([]);
    expect(report.regulations).toEqual([{ name: '资金管理办法', citedBy: [{ nodeId: b.id, number: '1.3' }] }]);
    expect(report.placeholders).toMatchObject([{ nodeId: b.id, number: '1.3', excerpt: '细则另行制定' }]);

    await d.manual.deleteNode({ nodeId: a.id, confirm: true });
    const after = await d.manual.references({ manualId: manual.id });
    expect(after.dangling).toEqual([{ sourceId: b.id, sourceNumber: '1.2', sourceTitle: '付款', targetId: a.id }]);
    tree = await d.manual.tree({ manualId: manual.id });
    expect(tree.nodes.find((n) => n.id === b.id)?.renderedBody).toContain('按 ⟨?⟩ 审批后付款');
  });

  it('refuses a reference to a node that does not exist', async () => {
    const { add } = await manualWith();
    const err = await failure(add('x', 'chapter', { relation: 'root_end' }, '见 [[node:99999]]'));
    expect(err).toMatchObject({ code: 'BAD_REQUEST', message: '正文引用了本手册中不存在的条目（编号 99999）。' });
  });

  it('moves subtrees, indents and outdents, and refuses cycles and misplaced kinds', async () => {
    const { d, manual, add } = await manualWith();
    const c1 = await add('一', 'chapter', { relation: 'root_end' });
    const p = await add('采购流程', 'process', { relation: 'inside_end', targetId: c1.id });
    const s1 = await add('请购', 'step', { relation: 'inside_end', targetId: p.id });
    const s2 = await add('审批', 'step', { relation: 'inside_end', targetId: p.id });
    const ctl = await add('核对预算', 'control', { relation: 'inside_end', targetId: s2.id });
    const c2 = await add('二', 'chapter', { relation: 'root_end' });

    await d.manual.move({ nodeId: p.id, placement: { relation: 'inside_end', targetId: c2.id } });
    expect(await numbers(manual.id)).toEqual(['1 一', '2 二', '2.1 采购流程', '2.1.1 请购', '2.1.2 审批', '2.1.2.1 核对预算']);

    await d.manual.indent({ nodeId: s2.id }); // under 请购
    expect(await numbers(manual.id)).toContain('2.1.1.1 审批');
    await d.manual.outdent({ nodeId: s2.id });
    expect(await numbers(manual.id)).toEqual(['1 一', '2 二', '2.1 采购流程', '2.1.1 请购', '2.1.2 审批', '2.1.2.1 核对预算']);

    const cycle = await failure(d.manual.move({ nodeId: p.id, placement: { relation: 'inside_end', targetId: ctl.id } }));
    expect(cycle).toMatchObject({ code: 'BAD_REQUEST', message: '不能把条目移到它自己或它的下级条目之下。' });
    const cycle2 = await failure(d.manual.move({ nodeId: p.id, placement: { relation: 'after', targetId: s1.id } }), 'en');
    expect(cycle2.message).toBe('An item cannot be moved under itself or one of its sub-items.');
    const kind = await failure(d.manual.move({ nodeId: c1.id, placement: { relation: 'inside_end', targetId: ctl.id } }));
    expect(kind.message).toBe('“章”不能放在“控制点”之下。');
    const first = await failure(d.manual.indent({ nodeId: c1.id }));
    expect(first.message).toBe('第一个条目没有可以缩进到的上一个同级条目。');
    const kindInsert = await failure(add('步骤', 'step', { relation: 'root_end' }));
    expect(kindInsert.message).toBe('“控制步骤”不能放在“手册顶层”之下。');
    expect(await numbers(manual.id)).toHaveLength(6); // nothing half-done
  });

  it('numbers a regulation-style manual with articles continuous across chapters', async () => {
    const { manual, add } = await manualWith('regulation');
    const c1 = await add('总则', 'chapter', { relation: 'root_end' });
    await add('为规范资金活动，制定本制度。', 'clause', { relation: 'inside_end', targetId: c1.id });
    const c2 = await add('现金管理', 'chapter', { relation: 'root_end' });
    const art = await add('现金收支', 'clause', { relation: 'inside_end', targetId: c2.id });
    await add('库存现金限额', 'clause', { relation: 'inside_end', targetId: art.id });
    await add('日清月结', 'clause', { relation: 'inside_end', targetId: art.id });
    expect(await numbers(manual.id)).toEqual([
      '第一章 总则',
      '第一条 为规范资金活动，制定本制度。',
      '第二章 现金管理',
      '第二条 现金收支',
      '（一） 库存现金限额',
      '（二） 日清月结',
    ]);
  });

  it('publishes frozen versions and diffs them against the moving draft', async () => {
    const { d, manual, add } = await manualWith();
    const c1 = await add('总则', 'chapter', { relation: 'root_end' });
    const purpose = await add('目的', 'section', { relation: 'inside_end', targetId: c1.id });
    const scope = await add('范围', 'section', { relation: 'inside_end', targetId: c1.id });
    const v1 = await d.manual.publish({ manualId: manual.id, note: '首次发布' });
    expect(v1).toMatchObject({ versionNo: 1, nodeCount: 3 });

    const def = await add('定义', 'section', { relation: 'inside_start', targetId: c1.id });
    await d.manual.updateNode({ nodeId: purpose.id, data: { body: '新增正文' } });
    await d.manual.deleteNode({ nodeId: scope.id });
    const frozen = await d.manual.version({ manualId: manual.id, version: 1 });
    expect(frozen.map((n) => `${n.number} ${n.title}`)).toEqual(['1 总则', '1.1 目的', '1.2 范围']);

    const diff = await d.manual.diff({ manualId: manual.id, from: 1, to: 'draft' });
    expect(diff.added.map((a) => [a.id, a.number])).toEqual([[def.id, '1.1']]);
    expect(diff.removed.map((r) => [r.id, r.number])).toEqual([[scope.id, '1.2']]);
    expect(diff.renumbered).toEqual([{ id: purpose.id, title: '目的', oldNumber: '1.1', newNumber: '1.2', parentChanged: false }]);
    expect(diff.textChanged).toMatchObject([{ id: purpose.id, bodyChanged: true, titleChanged: false }]);

    const v2 = await d.manual.publish({ manualId: manual.id, note: '' });
    expect(v2.versionNo).toBe(2);
    expect((await d.manual.versions({ manualId: manual.id })).map((v) => [v.versionNo, v.publishedBy])).toEqual([
      [2, 'designer1'],
      [1, 'designer1'],
    ]);
    const between = await d.manual.diff({ manualId: manual.id, from: 1, to: 2 });
    expect(between.added).toHaveLength(1);
    expect((await failure(d.manual.version({ manualId: manual.id, version: 9 }))).message).toBe('版本 9 不存在。');
  });

  it('lists processes with design bases and status for the classification views', async () => {
    const { d, manual, add } = await manualWith();
    const ch = await add('采购业务', 'chapter', { relation: 'root_end' });
    const p = await d.manual.insert({
      manualId: manual.id,
      placement: { relation: 'inside_end', targetId: ch.id },
      node: { kind: 'process', title: '付款', status: 'pending_design', designSubjects: ['应付账款'], designBusinessTypes: ['采购付款'] },
    });
    expect(p.status).toBe('pending_design');
    const list = await d.manual.processes({ manualId: manual.id });
    expect(list).toEqual([
      expect.objectContaining({ number: '1.1', title: '付款', status: 'pending_design', designSubjects: ['应付账款'], designBusinessTypes: ['采购付款'] }),
    ]);
    const chapter = await d.manual.updateNode({ nodeId: ch.id, data: { status: 'active' } });
    expect(chapter.status).toBeNull(); // status belongs to processes only
  });

  it('refuses blank titles per field and lets viewers read but not write', async () => {
    const { manual } = await manualWith();
    const blank = await failure(
      designer().manual.insert({ manualId: manual.id, placement: { relation: 'root_end' }, node: { kind: 'chapter', title: '   ' } }),
    );
    expect(blank.fieldErrors?.['node.title']?.length).toBe(1);
    const noTarget = await failure(
      designer().manual.insert({ manualId: manual.id, placement: { relation: 'before' }, node: { kind: 'chapter', title: 'x' } }),
    );
    expect(noTarget.fieldErrors?.['placement.targetId']).toEqual(['请指定插入位置的参照条目。']);
    await expect(env().caller('viewer').manual.tree({ manualId: manual.id })).resolves.toBeTruthy();
    expect((await failure(env().caller('auditor').manual.publish({ manualId: manual.id }))).code).toBe('FORBIDDEN');
  });

  it('writes one node row per insert and move, whatever the number of siblings', async () => {
    const { d, manual, add } = await manualWith();
    const ch = await add('章', 'chapter', { relation: 'root_end' });
    for (let i = 0; i < 30; i++) await add(`节${i}`, 'section', { relation: 'inside_end', targetId: ch.id });
    const keysBefore = await env().db.selectFrom('manual_node').select(['id', 'order_key']).where('manual_id', '=', manual.id).execute();
    const last = keysBefore[keysBefore.length - 1]!;
    await d.manual.move({ nodeId: last.id, placement: { relation: 'inside_start', targetId: ch.id } });
    const keysAfter = await env().db.selectFrom('manual_node').select(['id', 'order_key']).where('manual_id', '=', manual.id).execute();
    const changed = keysAfter.filter((k) => keysBefore.find((b) => b.id === k.id)?.order_key !== k.order_key);
    expect(changed.map((c) => c.id)).toEqual([last.id]);
    const n = await sql<{ c: number }>`select count(*) as c from manual_node where manual_id = ${manual.id}`.execute(env().db);
    expect(n.rows[0]!.c).toBe(31);
  });

  it('imports a regulation: preview first, then saved with derived numbers; empty or structureless text refused', async () => {
    const { d, manual } = await manualWith('regulation');
    const text = '示范制度\n第一章 总则 第一条 为规范资金活动，制定本办法。 第二条 本办法适用于集团。 第二章 现金 第三条 库存现金实行限额管理。（一）限额由银行核定；（二）超限额当日送存。';
    const preview = await d.manual.importText({ manualId: manual.id, text, dryRun: true });
    expect(preview.format).toBe('regulation');
    expect(preview.nodes.map((p) => p.number)).toEqual(['第一章', '第一条', '第二条', '第二章', '第三条', '（一）', '（二）']);
    expect(await numbers(manual.id)).toEqual([]); // a preview writes nothing
    const saved = await d.manual.importText({ manualId: manual.id, text, dryRun: false });
    expect(saved.inserted).toBe(7);
    expect(await numbers(manual.id)).toEqual([
      '第一章 总则',
      '第一条 为规范资金活动，制定本办法。',
      '第二条 本办法适用于集团。',
      '第二章 现金',
      '第三条 库存现金实行限额管理。',
      '（一） 限额由银行核定；',
      '（二） 超限额当日送存。',
    ]);
    const empty = await failure(d.manual.importText({ manualId: manual.id, text: '   ', dryRun: true }));
    expect(empty.message).toBe('文本为空，没有可导入的内容。');
    const none = await d.manual.importText({ manualId: manual.id, text: '这是一段没有任何编号结构的普通文字。', dryRun: true });
    expect(none).toMatchObject({ format: 'none', nodes: [] });
    const refused = await failure(d.manual.importText({ manualId: manual.id, text: '这是一段没有任何编号结构的普通文字。', dryRun: false }));
    expect(refused.message).toBe('未识别出章、节、条或编号结构，没有导入任何条目。');
    expect(await numbers(manual.id)).toHaveLength(7);
  });
});
