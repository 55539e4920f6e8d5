import { z } from 'zod';
import { router, procedure, writeProcedure } from '../trpc/trpc.ts';
import { id } from '../../shared/org.ts';
import { placement } from '../../shared/manual.ts';
import {
  controlAttributes,
  evidenceTypeInput,
  linkInput,
  manualWeightsInput,
  mergeInput,
  unlinkInput,
  updateControlInput,
} from '../../shared/controls.ts';
import * as svc from './service.ts';
import { insertNode } from '../manual/service.ts';
import { undoable } from '../manual/undo.ts';
import { citingNodeIds } from './queries.ts';

const read = procedure('manual.read');
const write = writeProcedure('manual.write');
const byManual = z.object({ manualId: id });

export const controlsRouter = router({
  /** The control matrix (RCM): every control of a manual with placements, weights and owner/duty conflicts (the client lints the rest). */
  matrix: read.input(byManual).query(({ ctx, input }) => svc.loadMatrix(ctx.db, input.manualId)),
  lint: read.input(byManual).query(({ ctx, input }) => svc.lint(ctx.db, input.manualId)),
  overlap: read
    .input(z.object({ manualId: id, threshold: z.number().min(0.2).max(1).default(svc.DUPLICATE_THRESHOLD) }))
    .query(({ ctx, input }) => svc.overlapReport(ctx.db, input.manualId, input.threshold)),
  get: read.input(z.object({ controlId: id })).query(({ ctx, input }) => svc.getControl(ctx.db, input.controlId)),

  /** Insert a control node with its attributes in one go. */
  create: write
    .input(z.object({ manualId: id, placement, title: z.string().trim().min(1).max(500), body: z.string().max(100_000).default(''), data: controlAttributes }))
    .mutation(({ ctx, input }) =>
      undoable(ctx.db, ctx.trail, { kind: 'insert', manualId: input.manualId }, async () => {
      const node = await insertNode(ctx.db, ctx.trail, input.manualId, input.placement, {
        kind: 'control',
        title: input.title,
        body: input.body,
        status: null,
        ownerUnitId: null,
        designSubjects: [],
        designBusinessTypes: [],
        designUnitIds: [],
      });
      return svc.updateControl(ctx.db, ctx.trail, node.id, input.data);
      }, (r) => [r.id]),
    ),
  update: write
    .input(updateControlInput)
    .mutation(({ ctx, input }) =>
      undoable(ctx.db, ctx.trail, { kind: 'control', nodeId: input.controlId }, () => svc.updateControl(ctx.db, ctx.trail, input.controlId, input.data)),
    ),
  setWeights: write
    .input(manualWeightsInput)
    .mutation(({ ctx, input }) => svc.setWeights(ctx.db, ctx.trail, input.manualId, input.keyWeight, input.generalWeight)),
  addEvidenceType: write
    .input(evidenceTypeInput)
    .mutation(({ ctx, input }) => svc.addEvidenceType(ctx.db, ctx.trail, input.manualId, input.code, input.name)),
  removeEvidenceType: write
    .input(z.object({ manualId: id, code: z.string().min(1).max(40) }))
    .mutation(({ ctx, input }) => svc.removeEvidenceType(ctx.db, ctx.trail, input.manualId, input.code)),
  link: write
    .input(linkInput)
    .mutation(({ ctx, input }) => undoable(ctx.db, ctx.trail, { kind: 'link', nodeId: input.controlId }, () => svc.linkControl(ctx.db, ctx.trail, input.controlId, input.hostId))),
  unlink: write
    .input(unlinkInput)
    .mutation(({ ctx, input }) =>
      undoable(ctx.db, ctx.trail, { kind: 'unlink', nodeId: input.controlId }, () => svc.unlinkControl(ctx.db, ctx.trail, input.controlId, input.hostId, input.confirm)),
    ),
  merge: write.input(mergeInput).mutation(async ({ ctx, input }) => {
    // the bodies citing the source are rewritten to cite the target: their rows change too
    const citing = await citingNodeIds(ctx.db, input.sourceId);
    const scope = { kind: 'merge' as const, nodeId: input.targetId, nodeIds: [input.sourceId, ...citing] };
    return undoable(ctx.db, ctx.trail, scope, () => svc.mergeControls(ctx.db, ctx.trail, input.sourceId, input.targetId));
  }),
});
