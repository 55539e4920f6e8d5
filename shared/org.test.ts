import { describe, expect, it } from 'vitest';
import { assignmentInput, buildUnitTree, rangesOverlap, wouldCreateCycle } from './org.ts';

describe('assignment date ranges', () => {
  const r = (validFrom: string, validTo: string | null) => ({ validFrom, validTo });
  it('overlap inclusively, with an open end running forever', () => {
    expect(rangesOverlap(r('2026-01-01', '2026-01-31'), r('2026-01-31', '2026-02-10'))).toBe(true);
    expect(rangesOverlap(r('2026-01-01', '2026-01-30'), r('2026-01-31', null))).toBe(false);
    expect(rangesOverlap(r('2020-01-01', null), r('2026-07-01', '2026-08-15'))).toBe(true);
    expect(rangesOverlap(r('2026-07-01', '2026-08-15'), r('2020-01-01', null))).toBe(true);
  });
  it('refuses an end before the start, on the end field', () => {
    const res = assignmentInput.safeParse({ personId: 1, positionId: 2, kind: 'acting', validFrom: '2026-05-02', validTo: '2026-05-01' });
    expect(res.success).toBe(false);
    expect(res.error?.issues[0]).toMatchObject({ path: ['validTo'], message: 'errors.assignment.validToBeforeFrom' });
    expect(assignmentInput.safeParse({ personId: 1, positionId: 2, kind: 'acting', validFrom: '2026-05-02', validTo: '2026-05-02' }).success).toBe(true);
    expect(assignmentInput.safeParse({ personId: 1, positionId: 2, kind: 'primary', validFrom: '2026-02-30' }).success).toBe(false);
  });
});

describe('unit tree', () => {
  const units = [
    { id: 1, parentId: null, name: 'HQ' },
    { id: 2, parentId: 1, name: 'FIN' },
    { id: 3, parentId: 2, name: 'ACC' },
    { id: 4, parentId: 1, name: 'OPS' },
  ];
  it('nests children under parents in the given order', () => {
    const tree = buildUnitTree(units);
    expect(tree.map((n) => n.unit.name)).toEqual(['HQ']);
    expect(tree[0]!.children.map((n) => n.unit.name)).toEqual(['FIN', 'OPS']);
    expect(tree[0]!.children[0]!.children.map((n) => n.unit.name)).toEqual(['ACC']);
  });
  it('detects a move under the unit itself or its descendants', () => {
    const parentOf = new Map(units.map((u) => [u.id, u.parentId]));
    expect(wouldCreateCycle(parentOf, 1, 3)).toBe(true);
    expect(wouldCreateCycle(parentOf, 2, 2)).toBe(true);
    expect(wouldCreateCycle(parentOf, 3, 4)).toBe(false);
    expect(wouldCreateCycle(parentOf, 2, null)).toBe(false);
  });
});
