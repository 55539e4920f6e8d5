import { z } from 'zod';
import { INT4_MAX } from '../../shared/text.ts';
import { router, procedure, writeProcedure } from '../trpc/trpc.ts';
import { id, isoDate } from '../../shared/org.ts';
import {
  amount,
  approvalInput,
  delegationInput,
  matrixInput,
  matterInput,
  VIOLATION_KINDS,
} from '../../shared/authority.ts';
import * as q from './queries.ts';
import * as svc from './service.ts';

const byId = z.object({ id });
const withId = <T extends z.ZodType>(schema: T) => z.object({ id, data: schema });

const read = procedure('authority.read');
const write = writeProcedure('authority.write');
const approvalsWrite = writeProcedure('approvals.write');

export const checkFilter = z.object({
  matterId: id.optional(),
  kinds: z.array(z.enum(VIOLATION_KINDS)).max(VIOLATION_KINDS.length).optional(),
  personId: id.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  offset: z.number().int().min(0).max(INT4_MAX).default(0),
  limit: z.number().int().min(1).max(500).default(100),
});

export const authorityRouter = router({
  matters: router({
    list: read.query(({ ctx }) => q.listMatters(ctx.db)),
    create: write.input(matterInput).mutation(({ ctx, input }) => svc.createMatter(ctx.db, ctx.trail, input)),
    update: write.input(withId(matterInput)).mutation(({ ctx, input }) => svc.updateMatter(ctx.db, ctx.trail, input.id, input.data)),
    delete: write.input(byId).mutation(({ ctx, input }) => svc.deleteMatter(ctx.db, ctx.trail, input.id)),
  }),

  /** Bands of every version (or those in force on `asOf`), newest version first. */
  rules: read
    .input(z.object({ matterId: id.optional(), asOf: isoDate.optional() }).default({}))
    .query(({ ctx, input }) => q.listRules(ctx.db, input)),
  /** A new version of one matter's bands from `effectiveFrom`; overlaps and gaps are refused with their bounds. */
  saveMatrix: write.input(matrixInput).mutation(({ ctx, input }) => svc.saveMatrix(ctx.db, ctx.trail, ctx.locale, input)),

  whoMayApprove: read
    .input(z.object({ matterId: id, amount: amount.nullable().default(null), date: isoDate }))
    .query(({ ctx, input }) => svc.whoMayApprove(ctx.db, input)),

  delegations: router({
    list: read
      .input(z.object({ matterId: id.optional(), personId: id.optional() }).default({}))
      .query(({ ctx, input }) => q.listDelegations(ctx.db, input)),
    create: write.input(delegationInput).mutation(({ ctx, input }) => svc.createDelegation(ctx.db, ctx.trail, input)),
    update: write
      .input(withId(delegationInput))
      .mutation(({ ctx, input }) => svc.updateDelegation(ctx.db, ctx.trail, input.id, input.data)),
    revoke: write
      .input(z.object({ id, revokedOn: isoDate.nullable().default(null) }))
      .mutation(({ ctx, input }) => svc.revokeDelegation(ctx.db, ctx.trail, input.id, input.revokedOn)),
    delete: write.input(byId).mutation(({ ctx, input }) => svc.deleteDelegation(ctx.db, ctx.trail, input.id)),
  }),

  approvals: router({
    list: read
      .input(
        z
          .object({
            matterId: id.optional(),
            personId: id.optional(),
            from: isoDate.optional(),
            to: isoDate.optional(),
            importBatchId: id.optional(),
            search: z.string().trim().max(100).optional(),
            beforeId: id.optional(),
            limit: z.number().int().min(1).max(500).default(100),
          })
          .default({ limit: 100 }),
      )
      .query(({ ctx, input }) => q.listApprovals(ctx.db, input)),
    /** Enter one record; the answer carries the violations it has right away. */
    create: approvalsWrite.input(approvalInput).mutation(async ({ ctx, input }) => {
      const record = await svc.createApproval(ctx.db, ctx.trail, input);
      const check = await svc.checkWithMessages(ctx.db, ctx.locale, { matterId: record.matterId, recordIds: [record.id], offset: 0, limit: 100 });
      return { record, violations: check.rows };
    }),
    delete: approvalsWrite.input(byId).mutation(({ ctx, input }) => svc.deleteApproval(ctx.db, ctx.trail, input.id)),
    imports: read.query(({ ctx }) => q.listImports(ctx.db)),
    deleteImport: approvalsWrite.input(byId).mutation(({ ctx, input }) => svc.deleteImport(ctx.db, ctx.trail, input.id)),
  }),

  /** Every violation of the approval records against the rules, assignments and delegations of their dates. */
  check: read.input(checkFilter.default({ offset: 0, limit: 100 })).query(({ ctx, input }) => svc.checkWithMessages(ctx.db, ctx.locale, input)),
});
