import { expect, it } from 'vitest';
import { placeholderExcerpts, referencedNodeIds, regulationNames, renderBody } from './references.ts';
import { diffOutlines } from './outline-diff.ts';

const body = '审批后付款，见 [[node:12]] 与 [[node:7]]；再见 [[node:12]]。执行《资金管理办法》，并按照《印章管理规定》。细则另行制定。';

it('finds node references, regulations and open placeholders in body text', () => {
  expect(referencedNodeIds(body)).toEqual([12, 7]);
  expect(regulationNames(body)).toEqual(['资金管理办法', '印章管理规定']);
  expect(placeholderExcerpts(body)).toEqual(['细则另行制定']);
});

it('renders node references with the current number and marks dangling ones', () => {
  const numbers = new Map([[12, '3.2']]);
  expect(renderBody('见 [[node:12]]，另见 [[node:7]]', (id) => numbers.get(id))).toBe('见 3.2，另见 ⟨?⟩');
});

it('diffs outlines by stable id: added, removed, renumbered or moved, text changed', () => {
  const n = (id: number, parentId: number | null, number: string, title: string, body = '') => ({ id, parentId, number, title, body, kind: 'clause' as const });
  const before = [n(1, null, '1', '总则'), n(2, 1, '1.1', '目的'), n(3, 1, '1.2', '范围'), n(4, null, '2', '附则')];
  const after = [n(1, null, '1', '总则'), n(5, 1, '1.1', '定义'), n(2, 1, '1.2', '目的', '新正文'), n(4, null, '2', '附则（修订）'), n(3, 4, '2.1', '范围')];
  const d = diffOutlines(before, after);
  expect(d.added.map((a) => a.id)).toEqual([5]);
  expect(d.removed).toEqual([]);
  expect(d.renumbered).toEqual([
    { id: 2, title: '目的', oldNumber: '1.1', newNumber: '1.2', parentChanged: false },
    { id: 3, title: '范围', oldNumber: '1.2', newNumber: '2.1', parentChanged: true },
  ]);
  expect(d.textChanged.map((t) => [t.id, t.titleChanged, t.bodyChanged])).toEqual([
    [2, false, true],
    [4, true, false],
  ]);
  expect(diffOutlines(after, before).removed.map((r) => r.id)).toEqual([5]);
});
