import { expect, it } from 'vitest';
import { describeApi } from './harness.ts';

describeApi('version diff', (env) => {
  it('a control weight change since the last version shows against the draft, with the changed text word by word', async () => {
    const d = env().caller('designer');
    const manual = await d.manual.create({ code: 'M1', title: '手册', numberingStyle: 'decimal' });
    const proc = await d.manual.insert({ manualId: manual.id, placement: { relation: 'root_end' }, node: { kind: 'process', title: '付款流程' } });
    const step = await d.manual.insert({ manualId: manual.id, placement: { relation: 'inside_end', targetId: proc.id }, node: { kind: 'step', title: '付款审批' } });
    const ctl = await d.controls.create({
      manualId: manual.id,
      placement: { relation: 'inside_end', targetId: step.id },
      title: '复核账户',
      body: '由出纳复核',
      data: { evidenceTypes: ['original_voucher'] },
    });
    await d.manual.publish({ manualId: manual.id, note: 'v1' });
    expect(await d.manual.diff({ manualId: manual.id, from: 1, to: 'draft' })).toMatchObject({ textChanged: [], controlChanged: [] });

    await d.controls.update({ controlId: ctl.id, data: { weight: 2.5, isKey: true, evidenceTypes: ['original_voucher', 'approval_document'] } });
    await d.manual.updateNode({ nodeId: ctl.id, data: { body: '由会计复核' } });
    const diff = await d.manual.diff({ manualId: manual.id, from: 1, to: 'draft' });
    expect(diff.controlChanged).toEqual([
      {
        id: ctl.id,
        number: '1.1.1',
        title: '复核账户',
        changes: [
          { field: 'isKey', before: false, after: true },
          { field: 'weight', before: 1, after: 2.5 },
          { field: 'evidenceTypes', added: ['approval_document'], removed: [] },
        ],
      },
    ]);
    expect(diff.textChanged[0]?.bodyParts).toEqual([{ value: '由' }, { value: '出纳', removed: true }, { value: '会计', added: true }, { value: '复核' }]);

    // and between two published versions the same
    await d.manual.publish({ manualId: manual.id, note: 'v2' });
    expect((await d.manual.diff({ manualId: manual.id, from: 1, to: 2 })).controlChanged).toEqual(diff.controlChanged);
  });
});
