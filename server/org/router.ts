import { z } from 'zod';
import { router, procedure, writeProcedure } from '../trpc/trpc.ts';
import { assignmentInput, id, personInput, positionInput, unitInput } from '../../shared/org.ts';
import * as q from './queries.ts';
import * as svc from './service.ts';

const byId = z.object({ id });
const withId = <T extends z.ZodType>(schema: T) => z.object({ id, data: schema });

const read = procedure('org.read');
const write = writeProcedure('org.write');

export const orgRouter = router({
  dutyCategories: read.query(({ ctx }) => q.listDutyCategories(ctx.db)),

  units: router({
    list: read.query(({ ctx }) => q.listUnits(ctx.db)),
    create: write.input(unitInput).mutation(({ ctx, input }) => svc.createUnit(ctx.db, ctx.trail, input)),
    update: write.input(withId(unitInput)).mutation(({ ctx, input }) => svc.updateUnit(ctx.db, ctx.trail, input.id, input.data)),
    delete: write.input(byId).mutation(({ ctx, input }) => svc.deleteUnit(ctx.db, ctx.trail, input.id)),
  }),

  positions: router({
    list: read
      .input(z.object({ unitId: id.optional() }).default({}))
      .query(({ ctx, input }) => q.listPositions(ctx.db, input)),
    create: write.input(positionInput).mutation(({ ctx, input }) => svc.createPosition(ctx.db, ctx.trail, input)),
    update: write
      .input(withId(positionInput))
      .mutation(({ ctx, input }) => svc.updatePosition(ctx.db, ctx.trail, input.id, input.data)),
    delete: write.input(byId).mutation(({ ctx, input }) => svc.deletePosition(ctx.db, ctx.trail, input.id)),
  }),

  people: router({
    list: read.query(({ ctx }) => q.listPeople(ctx.db)),
    create: write.input(personInput).mutation(({ ctx, input }) => svc.createPerson(ctx.db, ctx.trail, input)),
    update: write
      .input(withId(personInput))
      .mutation(({ ctx, input }) => svc.updatePerson(ctx.db, ctx.trail, input.id, input.data)),
    delete: write.input(byId).mutation(({ ctx, input }) => svc.deletePerson(ctx.db, ctx.trail, input.id)),
  }),

  assignments: router({
    list: read
      .input(z.object({ personId: id.optional(), positionId: id.optional() }).default({}))
      .query(({ ctx, input }) => q.listAssignments(ctx.db, input)),
    create: write.input(assignmentInput).mutation(({ ctx, input }) => svc.createAssignment(ctx.db, ctx.trail, input)),
    update: write
      .input(withId(assignmentInput))
      .mutation(({ ctx, input }) => svc.updateAssignment(ctx.db, ctx.trail, input.id, input.data)),
    delete: write.input(byId).mutation(({ ctx, input }) => svc.deleteAssignment(ctx.db, ctx.trail, input.id)),
  }),
});
