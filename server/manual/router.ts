import { z } from 'zod';
import { router, procedure, writeProcedure } from '../trpc/trpc.ts';
import { id } from '../../shared/org.ts';
import {
  deleteNodeInput,
  importTextInput,
  insertNodeInput,
  manualInput,
  moveNodeInput,
  updateNodeInput,
  versionRef,
} from '../../shared/manual.ts';
import * as q from './queries.ts';
import * as svc from './service.ts';
import { importText } from './import.ts';
import { redo, undo, undoable, undoState } from './undo.ts';

const read = procedure('manual.read');
const write = writeProcedure('manual.write');
const byManual = z.object({ manualId: id });
const byNode = z.object({ nodeId: id });

export const manualRouter = router({
  list: read.query(({ ctx }) => q.listManuals(ctx.db)),
  create: write.input(manualInput).mutation(({ ctx, input }) => svc.createManual(ctx.db, ctx.trail, input)),
  update: write
    .input(z.object({ id, data: manualInput }))
    .mutation(({ ctx, input }) => svc.updateManual(ctx.db, ctx.trail, input.id, input.data)),

  /** The whole numbered outline. */
  tree: read.input(byManual).query(({ ctx, input }) => svc.getTree(ctx.db, input.manualId)),
  processes: read.input(byManual).query(({ ctx, input }) => svc.listProcesses(ctx.db, input.manualId)),
  references: read.input(byManual).query(({ ctx, input }) => svc.referenceReport(ctx.db, input.manualId)),
  referrers: read.input(byNode).query(({ ctx, input }) => svc.referrersOf(ctx.db, input.nodeId)),

  // every outline edit goes on the caller's undo stack (server/manual/undo.ts)
  insert: write.input(insertNodeInput).mutation(({ ctx, input }) =>
    undoable(ctx.db, ctx.trail, { kind: 'insert', manualId: input.manualId }, () => svc.insertNode(ctx.db, ctx.trail, input.manualId, input.placement, input.node), (r) => [r.id]),
  ),
  move: write
    .input(moveNodeInput)
    .mutation(({ ctx, input }) => undoable(ctx.db, ctx.trail, { kind: 'move', nodeId: input.nodeId }, () => svc.moveNode(ctx.db, ctx.trail, input.nodeId, input.placement))),
  indent: write
    .input(byNode)
    .mutation(({ ctx, input }) => undoable(ctx.db, ctx.trail, { kind: 'indent', nodeId: input.nodeId }, () => svc.indentNode(ctx.db, ctx.trail, input.nodeId))),
  outdent: write
    .input(byNode)
    .mutation(({ ctx, input }) => undoable(ctx.db, ctx.trail, { kind: 'outdent', nodeId: input.nodeId }, () => svc.outdentNode(ctx.db, ctx.trail, input.nodeId))),
  updateNode: write
    .input(updateNodeInput)
    .mutation(({ ctx, input }) => undoable(ctx.db, ctx.trail, { kind: 'update', nodeId: input.nodeId }, () => svc.updateNode(ctx.db, ctx.trail, input.nodeId, input.data))),
  deleteNode: write
    .input(deleteNodeInput)
    .mutation(({ ctx, input }) =>
      undoable(ctx.db, ctx.trail, { kind: 'delete', nodeId: input.nodeId, subtree: true }, () => svc.deleteNode(ctx.db, ctx.trail, input.nodeId, input.confirm)),
    ),
  /** Take back the caller's latest outline edit in this manual / do the latest taken-back one again. */
  undo: write.input(byManual).mutation(({ ctx, input }) => undo(ctx.db, ctx.trail, input.manualId)),
  redo: write.input(byManual).mutation(({ ctx, input }) => redo(ctx.db, ctx.trail, input.manualId)),
  undoState: read.input(byManual).query(({ ctx, input }) => undoState(ctx.db, input.manualId, ctx.user.id)),

  /** Parse pasted text into an outline; with dryRun=false append it to the manual. */
  importText: write.input(importTextInput).mutation(({ ctx, input }) => importText(ctx.db, ctx.trail, input)),

  publish: write
    .input(z.object({ manualId: id, note: z.string().trim().max(500).default('') }))
    .mutation(({ ctx, input }) => svc.publish(ctx.db, ctx.trail, input.manualId, input.note)),
  versions: read.input(byManual).query(({ ctx, input }) => q.listVersions(ctx.db, input.manualId)),
  version: read
    .input(z.object({ manualId: id, version: versionRef }))
    .query(({ ctx, input }) => svc.versionNodes(ctx.db, input.manualId, input.version)),
  diff: read
    .input(z.object({ manualId: id, from: versionRef, to: versionRef }))
    .query(({ ctx, input }) => svc.diffVersions(ctx.db, input.manualId, input.from, input.to)),
});
