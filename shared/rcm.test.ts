import { describe, expect, it } from 'vitest';
import { mapRcmHeaders, parseOutlineNumber, planRcmImport, type RcmLookups, type RcmRow } from './rcm.ts';

const lookups: RcmLookups = {
  positions: [
    { id: 1, code: 'BUY', name: '采购员' },
    { id: 2, code: 'ACC-1', name: '会计' },
    { id: 3, code: 'ACC-2', name: '会计' },
  ],
  duties: [{ code: 'execute', nameZh: '执行', nameEn: 'Execute' }],
  customEvidence: [{ code: 'x-bank', name: '银行回单' }],
  weights: { keyWeight: 3, generalWeight: 1 },
};
let n = 1;
const row = (cells: RcmRow['cells']): RcmRow => ({ rowNo: ++n, cells });
const keys = (rows: RcmRow[]) => planRcmImport(rows, lookups).issues.map((i) => [i.rowNo, i.field, i.key.replace('errors.rcm.', '')]);

describe('control matrix headers and numbers', () => {
  it('finds columns by Chinese or English header, synonyms and spacing included', () => {
    const m = mapRcmHeaders(['序号', 'Business process', '控制步骤', 'Control point', '关键/一般', 'WEIGHT', '', '管理控制要件', '说明']);
    expect(m.columns).toEqual({ number: 0, process: 1, step: 2, control: 3, key: 4, weight: 5, evidence: 7 });
    expect(m.missing).toEqual([]);
    expect(mapRcmHeaders(['编号', '控制点', 'No.']).duplicate).toEqual(['number', 1, 3]);
    expect(mapRcmHeaders(['编号', '控制点']).missing).toEqual(['process']);
  });

  it('reads decimal outline numbers, full-width and with trailing dots', () => {
    expect(parseOutlineNumber('１.２.３')).toBe('1.2.3');
    expect(parseOutlineNumber(' 1.2. ')).toBe('1.2');
    expect(parseOutlineNumber('01.02')).toBe('1.2');
    expect(parseOutlineNumber('第一条')).toBeNull();
    expect(parseOutlineNumber('1..2')).toBeNull();
  });
});

describe('planning an import', () => {
  it('resolves owners, evidence, inspections and defaults', () => {
    const plan = planRcmImport(
      [
        row({ number: '1', process: '采购' }),
        row({ number: '1.1', control: '审批', key: '√', weight: '3', owner: 'buy', evidence: '相关批件；银行回单\nOther', inspection: '抽样：抽 25 笔\n复核签字\nWalkthrough', element: '内部监督' }),
      ],
      lookups,
    );
    expect(plan.issues).toEqual([]);
    const a = plan.nodes[1]!.attributes!;
    expect(a).toMatchObject({ isKey: true, weight: null, ownerPositionId: 1, evidenceTypes: ['approval_document', 'x-bank', 'other'], element: 'monitoring', frequency: 'per_event' });
    expect(a.inspections).toEqual([
      { method: 'sampling', procedure: '抽 25 笔\n复核签字' },
      { method: 'walkthrough', procedure: '' },
    ]);
  });

  it('names every row problem', () => {
    n = 1;
    expect(
      keys([
        row({ number: '1.1.1', process: '资金', step: '账户', control: '开户' }),
        row({ number: '1.1.2', process: '资金', step: '银行账户', control: '销户' }), // the implied step is named differently
        row({ number: '1.1.1.1', step: '控制点下的步骤' }),
        row({ number: '1.2', control: 'X', alsoIn: '1.1.1, 1, 9' }),
        row({ number: '1.3', control: 'Y', owner: '会计' }),
        row({ number: '1.4', control: 'Z', checkedDuty: '审批' }),
      ]),
    ).toEqual([
      [3, 'step', 'parentConflict'],
      [4, 'step', 'kindNotAllowed'],
      [5, 'alsoIn', 'alsoInKind'],
      [5, 'alsoIn', 'alsoInSelf'],
      [5, 'alsoIn', 'unknownAlsoIn'],
      [6, 'owner', 'ambiguousOwner'],
      [7, 'checkedDuty', 'unknownDuty'],
    ]);
  });

  it('puts implied parents before their first child and keeps sheet order', () => {
    const plan = planRcmImport([row({ number: '2.1', process: '费用', control: '报销' }), row({ number: '1', process: '采购' }), row({ number: '1.1', control: '审批' })], lookups);
    expect(plan.nodes.map((x) => [x.number, x.kind, x.implied])).toEqual([
      ['2', 'process', true],
      ['2.1', 'control', false],
      ['1', 'process', false],
      ['1.1', 'control', false],
    ]);
  });
});
