import { z } from 'zod';
import { router, publicProcedure, writeProcedure } from '../trpc/trpc.ts';
import { changePasswordInput, loginInput, LOCALES } from '../../shared/auth.ts';
import { appError } from '../errors.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password.ts';
import { createSession, deleteSession, deleteUserSessions } from './sessions.ts';
import { admitLogin, loginSucceeded } from './login-attempts.ts';
import { rememberDevice } from './devices.ts';
import { Trail } from '../audit/trail.ts';
import * as q from './queries.ts';

export const authRouter = router({
  /** The signed-in user, or null. */
  me: publicProcedure.query(({ ctx }) => ctx.user),

  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    const username = input.username.toLowerCase();
    // Count the attempt first (atomically), check the password only if it may go on.
    const attempt = await admitLogin(ctx.db, username, ctx.address, ctx.cookie.device ?? null);
    const user = await q.userForLogin(ctx.db, username);
    // Always verify a hash so that unknown users and wrong passwords take the same time.
    const ok = await verifyPassword(input.password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !user.active || !ok) {
      throw appError('UNAUTHORIZED', 'errors.login.failed');
    }
    const session = await ctx.db.transaction().execute(async (trx) => {
      // Rotation: a new token on every sign-in; the token presented before (if any) dies.
      if (ctx.cookie.token) await deleteSession(trx, ctx.cookie.token);
      const s = await createSession(trx, user.id, ctx.address);
      await loginSucceeded(trx, attempt);
      const device = await rememberDevice(trx, user.id, ctx.cookie.device ?? null);
      if (device) ctx.cookie.setDevice?.(device.token, device.expiresAt);
      await new Trail(trx, { userId: user.id, username: user.username }).record({
        entity: 'session',
        entityId: user.id,
        action: 'login',
        after: { address: ctx.address },
      });
      return s;
    });
    ctx.cookie.set(session.token, session.expiresAt);
    return {
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      role: user.role,
      locale: user.locale === 'en' ? ('en' as const) : ('zh-CN' as const),
      mustChangePassword: user.must_change_password,
    };
  }),

  logout: writeProcedure('self').mutation(async ({ ctx }) => {
    if (ctx.cookie.token) await deleteSession(ctx.db, ctx.cookie.token);
    await ctx.trail.record({ entity: 'session', entityId: ctx.user.id, action: 'logout' });
    ctx.cookie.clear();
    return { ok: true };
  }),

  changePassword: writeProcedure('self')
    .input(changePasswordInput)
    .mutation(async ({ ctx, input }) => {
      if (!(await verifyPassword(input.currentPassword, await q.passwordHashOf(ctx.db, ctx.user.id)))) {
        throw appError('BAD_REQUEST', 'errors.password.wrongCurrent');
      }
      if (input.newPassword.toLowerCase().includes(ctx.user.username.toLowerCase())) {
        throw appError('BAD_REQUEST', 'errors.password.containsUsername');
      }
      await q.setPassword(ctx.db, ctx.user.id, await hashPassword(input.newPassword), new Date().toISOString());
      // Other sessions of this user end; this one stays.
      await deleteUserSessions(ctx.db, ctx.user.id, ctx.cookie.token ?? undefined);
      await ctx.trail.record({ entity: 'app_user', entityId: ctx.user.id, action: 'change_password' });
      return { ok: true };
    }),

  setLocale: writeProcedure('self')
    .input(z.object({ locale: z.enum(LOCALES) }))
    .mutation(async ({ ctx, input }) => {
      await q.setLocale(ctx.db, ctx.user.id, input.locale);
      await ctx.trail.record({
        entity: 'app_user',
        entityId: ctx.user.id,
        action: 'update',
        before: { locale: ctx.user.locale },
        after: { locale: input.locale },
      });
      return { locale: input.locale };
    }),
});
