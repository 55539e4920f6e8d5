import { describe, expect, it } from 'vitest';
import { lintManual, weightPreview, type LintControl } from './control-lint.ts';
import { controlPlacements } from './control-placement.ts';

const full = { evidenceCount: 1, inspectionCount: 1, ownerPositionId: 7 };
const c = (id: number, isKey: boolean, weight: number, processIds: number[], extra: Partial<LintControl> = {}): LintControl => ({
  id,
  isKey,
  weight,
  processIds,
  ...full,
  ...extra,
});
const weights = { keyWeight: 3, generalWeight: 1 };

describe('design lint', () => {
  it('is quiet for a sound process', () => {
    const items = lintManual({ weights, processes: [{ id: 1, status: 'active' }], controls: [c(10, true, 3, [1]), c(11, false, 1, [1])] });
    expect(items).toEqual([]);
  });

  it('flags each design problem against the node to open', () => {
    const items = lintManual({
      weights: { keyWeight: 1, generalWeight: 1 },
      processes: [
        { id: 1, status: 'active' },
        { id: 2, status: 'draft' },
        { id: 3, status: 'pending_design' },
        { id: 4, status: 'retired' },
      ],
      controls: [
        c(10, true, 1, [1]),
        c(11, false, 1, [1], { evidenceCount: 0, inspectionCount: 0, ownerPositionId: null }),
        c(12, false, 2, [2]),
        ...Array.from({ length: 60 }, (_, i) => c(100 + i, false, 1, [2])),
      ],
      ownerConflicts: [{ controlId: 10, duty: 'execute' }],
    });
    const codes = items.map((i) => `${i.code}@${i.nodeId}`);
    expect(codes).toContain('key_not_above_general_default@null');
    expect(codes).toContain('key_not_above_general@10');
    expect(codes).toContain('owner_conflict@10');
    expect(codes).toEqual(expect.arrayContaining(['no_evidence@11', 'no_inspection@11', 'no_owner@11']));
    expect(codes).toContain('process_no_key@2');
    expect(codes).toContain('pending_design@3');
    expect(codes).not.toContain('process_no_key@3');
    expect(codes).not.toContain('process_no_key@4');
    // 1 of 62 weight units = 1.61% < 2%; the control weighing 2 holds 3.2%
    expect(items.find((i) => i.code === 'share_too_small' && i.nodeId === 100)?.params).toMatchObject({ share: 1.61, controls: 61 });
    expect(codes).not.toContain('share_too_small@12');
  });

  it('counts a shared control in every process and previews a weight change per process', () => {
    const controls = [c(10, true, 3, [1, 2]), c(11, false, 1, [1]), c(12, true, 3, [2]), c(13, false, 2, [2])];
    const preview = weightPreview(controls, 10, { weight: 6 });
    expect(preview).toEqual([
      { processId: 1, before: 0.75, after: 6 / 7, beforeShare: 0.75, afterShare: 6 / 7 },
      { processId: 2, before: 0.75, after: 9 / 11, beforeShare: 3 / 8, afterShare: 6 / 11 },
    ]);
    expect(weightPreview(controls, 11, { isKey: true })[0]).toMatchObject({ before: 0.75, after: 1 });
  });
});

describe('control placements', () => {
  it('finds the step and process of the home and of every link', () => {
    const nodes = [
      { id: 1, parentId: null, kind: 'chapter' as const },
      { id: 2, parentId: 1, kind: 'process' as const },
      { id: 3, parentId: 2, kind: 'step' as const },
      { id: 4, parentId: 3, kind: 'step' as const },
      { id: 5, parentId: 4, kind: 'control' as const },
      { id: 6, parentId: 1, kind: 'process' as const },
      { id: 7, parentId: 6, kind: 'control' as const },
    ];
    const p = controlPlacements(nodes, [{ controlId: 5, hostId: 6 }]);
    expect(p.get(5)).toEqual({ controlId: 5, hostIds: [4, 6], stepIds: [4], processIds: [2, 6], homeProcessId: 2, homeStepId: 4 });
    expect(p.get(7)).toMatchObject({ stepIds: [], processIds: [6], homeStepId: null });
  });
});
