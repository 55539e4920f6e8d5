import { AsyncLocalStorage } from 'node:async_hooks';
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { InnerContext } from './context.ts';
import { can, type Permission } from '../../shared/roles.ts';
import type { Locale } from '../../shared/auth.ts';
import { AppErrorCause, appError, mapDbError } from '../errors.ts';
import { isMessageKey, translate } from '../i18n.ts';
import { Trail } from '../audit/trail.ts';
import { cleanInput } from '../../shared/text.ts';

/** Every procedure declares who may call it; a procedure without this meta is refused (fail closed). */
export interface ProcedureMeta {
  permission?: Permission;
  public?: boolean;
}

// zod messages in the caller's language: the locale middleware runs before input parsing.
const localeStore = new AsyncLocalStorage<Locale>();
const zodLocales = { 'zh-CN': z.locales.zhCN(), en: z.locales.en() };
z.config({ localeError: (issue) => zodLocales[localeStore.getStore() ?? 'zh-CN'].localeError!(issue) });

function translateParams(locale: Locale, params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  for (const [k, v] of Object.entries(params)) {
    if (k.endsWith('Key') && typeof v === 'string') out[k.slice(0, -3)] = translate(locale, v);
  }
  return out;
}

const t = initTRPC
  .context<InnerContext>()
  .meta<ProcedureMeta>()
  .create({
    errorFormatter({ shape, error, ctx }) {
      const locale = ctx?.locale ?? 'zh-CN';
      let message = shape.message;
      let fieldErrors: Record<string, string[]> | undefined;
      let messageKey: string | undefined;
      let current: unknown;
      let retryAt: unknown;
      if (error.cause instanceof z.ZodError) {
        messageKey = 'errors.invalidInput';
        message = translate(locale, messageKey);
        fieldErrors = {};
        for (const issue of error.cause.issues) {
          const path = issue.path.join('.') || '_';
          const text = isMessageKey(issue.message) ? translate(locale, issue.message) : issue.message;
          (fieldErrors[path] ??= []).push(text);
        }
      } else if (error.cause instanceof AppErrorCause) {
        messageKey = error.cause.key;
        message = translate(locale, messageKey, translateParams(locale, error.cause.params));
        // the row as it is now, for errors that offer reload/merge (e.g. an optimistic-lock conflict)
        if (error.cause.params.current !== undefined) current = error.cause.params.current;
        // when a throttled sign-in may be tried again (ISO time), for the login page
        if (error.cause.params.retryAt !== undefined) retryAt = error.cause.params.retryAt;
      } else if (error.code === 'INTERNAL_SERVER_ERROR' && ctx?.production !== false) {
        messageKey = 'errors.internal';
        message = translate(locale, messageKey);
      }
      const { stack, ...data } = shape.data;
      return {
        ...shape,
        message,
        data: { ...data, messageKey, fieldErrors, ...(current !== undefined ? { current } : {}), ...(retryAt !== undefined ? { retryAt } : {}), ...(ctx?.production === false ? { stack } : {}) },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

const base = t.procedure.use(async ({ ctx, next, getRawInput }) => {
  // Every input, before its schema: no NUL or lone surrogates anywhere, every string NFC (the
  // Error-derived ZodRealError, as a schema's parse throws, so the formatter lists the fields).
  const { value, problems } = cleanInput(await getRawInput());
  if (problems.length) {
    const issues = problems.map((p) => ({ code: 'custom' as const, path: p.path, message: p.message, input: undefined }));
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'invalid text', cause: new z.ZodRealError(issues) });
  }
  const result = await localeStore.run(ctx.locale, () => next({ getRawInput: async () => value }));
  if (!result.ok) {
    const mapped = mapDbError(result.error.cause);
    if (mapped) throw mapped;
  }
  return result;
});

/** Anyone, signed in or not (sign-in itself, health). */
export const publicProcedure = base.meta({ public: true });

/** Signed-in users whose role has `permission` (shared/roles.ts). */
export function procedure(permission: Permission) {
  return base.meta({ permission }).use(({ ctx, meta, next }) => {
    if (!ctx.user) throw appError('UNAUTHORIZED', 'errors.unauthenticated');
    const needed = meta?.permission;
    if (!needed) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'procedure declares no permission' });
    if (!can(ctx.user.role, needed)) {
      throw appError('FORBIDDEN', 'errors.forbidden', { roleKey: `roles.${ctx.user.role}` });
    }
    // a forced password change: only the caller's own account (change password, sign out) until done
    if (ctx.user.mustChangePassword && needed !== 'self') throw appError('FORBIDDEN', 'errors.password.mustChange');
    return next({ ctx: { user: ctx.user } });
  });
}

/**
 * A mutation: the permission check, then one transaction around the whole handler with an
 * audit trail bound to it. `ctx.db` inside is the transaction (PGlite has one connection:
 * using the outer db there would wait forever). No trail row → rolled back.
 */
export function writeProcedure(permission: Permission) {
  return procedure(permission).use(async ({ ctx, next, path }) =>
    ctx.db.transaction().execute(async (trx) => {
      const trail = new Trail(trx, { userId: ctx.user.id, username: ctx.user.username });
      const result = await next({ ctx: { db: trx, trail } });
      if (!result.ok) throw result.error;
      if (trail.count === 0) {
        throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `${path} wrote no audit trail` });
      }
      return result;
    }),
  );
}
