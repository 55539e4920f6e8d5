import { z } from 'zod';
import { router, procedure, writeProcedure } from '../trpc/trpc.ts';
import { id, isoDate } from '../../shared/org.ts';
import { dutyCategoryInput, dutyCategoryRename, mitigationInput, sodCheckInput, sodRuleInput } from '../../shared/sod.ts';
import { localizedDefaultText } from '../../shared/sod-defaults.ts';
import { SOD_CYCLES } from '../../shared/sod-cycle-defaults.ts';
import * as q from './queries.ts';
import * as svc from './service.ts';

const read = procedure('sod.read');
const write = writeProcedure('sod.write');
/** Duty categories are part of the organisation: administrators maintain them. */
const orgWrite = writeProcedure('org.write');
const byId = z.object({ id });
const asOf = z.object({ asOf: isoDate.optional() }).default({});

export const sodRouter = router({
  duties: router({
    list: read.query(({ ctx }) => q.listDutyCategories(ctx.db)),
    create: orgWrite.input(dutyCategoryInput).mutation(({ ctx, input }) => svc.createDutyCategory(ctx.db, ctx.trail, input)),
    rename: orgWrite.input(dutyCategoryRename).mutation(({ ctx, input }) => svc.renameDutyCategory(ctx.db, ctx.trail, input)),
    delete: orgWrite
      .input(z.object({ code: z.string().min(1).max(40) }))
      .mutation(({ ctx, input }) => svc.deleteDutyCategory(ctx.db, ctx.trail, input.code)),
  }),

  rules: router({
    // default rules' own texts in the reader's language (see localizedDefaultText)
    list: read.query(async ({ ctx }) =>
      (await q.listRules(ctx.db)).map((r) => ({
        ...r,
        rationale: localizedDefaultText(r.code, 'rationale', r.rationale, ctx.locale),
        basis: localizedDefaultText(r.code, 'basis', r.basis, ctx.locale),
      })),
    ),
    create: write.input(sodRuleInput).mutation(({ ctx, input }) => svc.createRule(ctx.db, ctx.trail, input)),
    update: write
      .input(z.object({ id, data: sodRuleInput }))
      .mutation(({ ctx, input }) => svc.updateRule(ctx.db, ctx.trail, input.id, input.data)),
    delete: write.input(byId).mutation(({ ctx, input }) => svc.deleteRule(ctx.db, ctx.trail, input.id)),
    /** Add the default rule set (idempotent); rationale and basis in the caller's language. */
    adoptDefaults: write.mutation(({ ctx }) => svc.adoptDefaults(ctx.db, ctx.trail, ctx.locale)),
    /** Add one business cycle's rules of the application guidelines (idempotent). */
    adoptCycle: write
      .input(z.object({ cycle: z.enum(SOD_CYCLES) }))
      .mutation(({ ctx, input }) => svc.adoptCycle(ctx.db, ctx.trail, ctx.locale, input.cycle)),
  }),

  /** Design, people and control conflicts with their mitigation status, filtered. */
  check: read.input(sodCheckInput).query(({ ctx, input }) => svc.checkConflicts(ctx.db, input)),
  person: read
    .input(z.object({ personId: id, asOf: isoDate.optional() }))
    .query(({ ctx, input }) => svc.personDrillDown(ctx.db, input.personId, input.asOf)),
  matrix: read.input(asOf).query(({ ctx, input }) => svc.dutyMatrix(ctx.db, input.asOf)),

  mitigations: router({
    list: read.query(({ ctx }) => q.listMitigations(ctx.db)),
    create: write.input(mitigationInput).mutation(({ ctx, input }) => svc.createMitigation(ctx.db, ctx.trail, input)),
    revoke: write
      .input(z.object({ id, reason: z.string().trim().max(500).default('') }))
      .mutation(({ ctx, input }) => svc.revokeMitigation(ctx.db, ctx.trail, input.id, input.reason)),
  }),
});
