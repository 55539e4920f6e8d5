import { describe, expect, it } from 'vitest';
import { diffOutlines } from './outline-diff.ts';
import { textDiff } from './text-diff.ts';
import type { SnapshotControl } from './controls.ts';

const control = (over: Partial<SnapshotControl> = {}): SnapshotControl => ({
  isKey: false,
  weight: 1,
  weightOverride: null,
  objective: '确保付款准确',
  risk: '',
  nature: 'preventive',
  automation: 'manual',
  frequency: 'per_event',
  ownerPositionId: 1,
  ownerPositionName: '出纳',
  ownerUnitId: 1,
  ownerUnitName: '财务部',
  evidenceTypes: ['original_voucher'],
  inspections: [{ method: 'sampling', procedure: '抽取 25 笔' }],
  scoringMethod: 'binary',
  tolerance: 0,
  element: 'control_activities',
  checkedDuty: null,
  linkedHostIds: [],
  ...over,
});

const outline = (c: SnapshotControl, body = '付款前复核。') => [
  { id: 1, parentId: null, number: '1', title: '付款流程', body: '', kind: 'process' as const },
  { id: 2, parentId: 1, number: '1.1', title: '付款审批', body: '', kind: 'step' as const },
  { id: 3, parentId: 1, number: '1.2', title: '付款复核', body: '', kind: 'step' as const },
  { id: 4, parentId: 2, number: '1.1.1', title: '复核账户', body, kind: 'control' as const, control: c },
];

describe('outline diff', () => {
  it('shows a control whose weight changed (the text is the same)', () => {
    const d = diffOutlines(outline(control()), outline(control({ weight: 3, weightOverride: 3 })));
    expect(d.textChanged).toEqual([]);
    expect(d.controlChanged).toEqual([{ id: 4, number: '1.1.1', title: '复核账户', changes: [{ field: 'weight', before: 1, after: 3 }] }]);
  });

  it('shows key/general, owner, frequency, evidence, inspection points and links added or removed', () => {
    const before = control({ linkedHostIds: [3] });
    const after = control({
      isKey: true,
      ownerPositionName: '稽核员',
      frequency: 'daily',
      evidenceTypes: ['bank_slip'],
      inspections: [{ method: 'walkthrough', procedure: '穿行一笔' }],
      linkedHostIds: [],
      objective: '确保付款及时准确',
    });
    const [changed] = diffOutlines(outline(before), outline(after)).controlChanged;
    expect(changed!.changes).toEqual([
      { field: 'isKey', before: false, after: true },
      { field: 'ownerPositionName', before: '出纳', after: '稽核员' },
      { field: 'frequency', before: 'per_event', after: 'daily' },
      { field: 'objective', parts: [{ value: '确保付款' }, { value: '及时', added: true }, { value: '准确' }] },
      { field: 'evidenceTypes', added: ['bank_slip'], removed: ['original_voucher'] },
      { field: 'inspections', added: [{ method: 'walkthrough', procedure: '穿行一笔' }], removed: [{ method: 'sampling', procedure: '抽取 25 笔' }] },
      { field: 'links', added: [], removed: ['1.2 付款复核'] },
    ]);
  });

  it('gives a word-level diff of a changed body and title', () => {
    const a = outline(control(), 'Pay after approval by the CFO.');
    const b = outline(control(), 'Pay after approval by the CEO and CFO.');
    b[0] = { ...b[0]!, title: '付款审核流程' };
    const d = diffOutlines(a, b);
    expect(d.textChanged.find((t) => t.id === 4)?.bodyParts).toEqual([
      { value: 'Pay after approval by the ' },
      { value: 'CEO and ', added: true },
      { value: 'CFO.' },
    ]);
    expect(d.textChanged.find((t) => t.id === 1)).toMatchObject({
      titleChanged: true,
      bodyChanged: false,
      titleParts: [{ value: '付款' }, { value: '审核', added: true }, { value: '流程' }],
    });
  });
});

describe('text diff', () => {
  it('compares English word by word, not letter by letter', () => {
    expect(textDiff('the cashier signs', 'the reviewer signs')).toEqual([
      { value: 'the ' },
      { value: 'cashier', removed: true },
      { value: 'reviewer', added: true },
      { value: ' signs' },
    ]);
  });

  it('compares Chinese (no spaces) character by character', () => {
    expect(textDiff('由出纳复核', '由会计复核')).toEqual([{ value: '由' }, { value: '出纳', removed: true }, { value: '会计', added: true }, { value: '复核' }]);
  });

  it('an unchanged text is one kept part; an empty one nothing', () => {
    expect(textDiff('同', '同')).toEqual([{ value: '同' }]);
    expect(textDiff('', '')).toEqual([]);
  });
});
