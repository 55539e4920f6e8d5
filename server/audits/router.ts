import { router, procedure, writeProcedure, middleware } from '../trpc/trpc.ts';
import {
  assignTestersInput,
  auditIdInput,
  compareInput,
  createAuditInput,
  deleteFindingInput,
  proposalsInput,
  reopenInput,
  saveFindingInput,
  saveTestInput,
  setStatusInput,
  signInput,
  updateAuditInput,
} from '../../shared/audits.ts';
import * as svc from './service.ts';
import { assertAuditLead, assertMaySign } from './access.ts';

/** The immutability trigger's refusal (a write slipping past the service's own check) as a translated error. */
const signedOffGuard = middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = svc.mapSignedOffError(result.error);
    if (mapped) throw mapped;
  }
  return result;
});

const read = procedure('audit.read');
const write = writeProcedure('audit.write').use(signedOffGuard);
const signoff = writeProcedure('audit.signoff').use(signedOffGuard);

const actorOf = (user: { id: number; username: string; displayName: string; role: svc.Actor['role'] }): svc.Actor => ({
  id: user.id,
  username: user.username,
  displayName: user.displayName,
  role: user.role,
});

export const auditsRouter = router({
  list: read.query(({ ctx }) => svc.listAudits(ctx.db)),
  get: read.input(auditIdInput).query(({ ctx, input }) => svc.getAuditDetail(ctx.db, input.auditId)),
  scores: read.input(auditIdInput).query(({ ctx, input }) => svc.scores(ctx.db, input.auditId)),
  compare: read.input(compareInput).query(({ ctx, input }) => svc.compare(ctx.db, input.auditId, input.previousAuditId)),
  /** open revision proposals of findings, for the outline editor */
  proposals: read.input(proposalsInput).query(({ ctx, input }) => svc.proposals(ctx.db, input.manualId)),
  /** recompute a signed-off audit's content hash (what `controlbook verify-audit` does) */
  verify: read.input(auditIdInput).query(({ ctx, input }) => svc.verifyAudit(ctx.db, input.auditId)),

  create: write.input(createAuditInput).mutation(({ ctx, input }) => svc.createAudit(ctx.db, ctx.trail, input)),
  update: write
    .input(updateAuditInput)
    .mutation(({ ctx, input }) => svc.updateAudit(ctx.db, ctx.trail, actorOf(ctx.user), input.auditId, input.data)),
  setStatus: write.input(setStatusInput).mutation(async ({ ctx, input }) => {
    await assertAuditLead(ctx.db, input.auditId, ctx.user, 'audits.actions.setStatus');
    return svc.setStatus(ctx.db, ctx.trail, input.auditId, input.status);
  }),
  assignTesters: write
    .input(assignTestersInput)
    .mutation(async ({ ctx, input }) => {
      await assertAuditLead(ctx.db, input.auditId, ctx.user, 'audits.actions.assignTesters');
      return svc.assignTesters(ctx.db, ctx.trail, input.auditId, input.processId, input.userIds);
    }),
  saveTest: write.input(saveTestInput).mutation(({ ctx, input }) => svc.saveTest(ctx.db, ctx.trail, actorOf(ctx.user), input)),
  saveFinding: write.input(saveFindingInput).mutation(({ ctx, input }) => svc.saveFinding(ctx.db, ctx.trail, actorOf(ctx.user), input)),
  deleteFinding: write
    .input(deleteFindingInput)
    .mutation(({ ctx, input }) => svc.deleteFinding(ctx.db, ctx.trail, input.findingId, input.expectedVersion)),

  sign: signoff.input(signInput).mutation(async ({ ctx, input }) => {
    await assertMaySign(ctx.db, input.auditId, ctx.user, input.role);
    return svc.sign(ctx.db, ctx.trail, actorOf(ctx.user), input.auditId, input.role);
  }),
  reopen: signoff.input(reopenInput).mutation(({ ctx, input }) => svc.reopen(ctx.db, ctx.trail, actorOf(ctx.user), input.auditId, input.reason)),
});
