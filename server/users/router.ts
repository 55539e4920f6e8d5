import { z } from 'zod';
import { router, procedure, writeProcedure } from '../trpc/trpc.ts';
import { password, userInput } from '../../shared/auth.ts';
import { id } from '../../shared/org.ts';
import * as svc from './service.ts';

export const usersRouter = router({
  list: procedure('users.manage').query(({ ctx }) => svc.listUsers(ctx.db)),
  create: writeProcedure('users.manage')
    .input(userInput.extend({ password }))
    .mutation(({ ctx, input }) => svc.createUser(ctx.db, ctx.trail, input)),
  update: writeProcedure('users.manage')
    .input(z.object({ id, data: userInput.omit({ username: true }).extend({ active: z.boolean() }) }))
    .mutation(({ ctx, input }) => svc.updateUser(ctx.db, ctx.trail, ctx.user.id, input.id, input.data)),
  resetPassword: writeProcedure('users.manage')
    .input(z.object({ id, password }))
    .mutation(({ ctx, input }) => svc.resetPassword(ctx.db, ctx.trail, input.id, input.password)),
  /** Lift a user's sign-in backoff (after someone else's guessing locked them out). */
  unlock: writeProcedure('users.manage')
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => svc.unlockUser(ctx.db, ctx.trail, input.id)),
});
