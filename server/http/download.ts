import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionUser } from '../auth/sessions.ts';
import type { Db } from '../db/connect.ts';
import { createRequestContext } from '../trpc/context.ts';
import { can, type Permission } from '../../shared/roles.ts';
import { LOCALES, type Locale } from '../../shared/auth.ts';
import { errorMessage, type UploadOptions } from './upload.ts';
import { translate } from '../i18n.ts';

/**
 * File downloads outside tRPC (workbooks, backups, exports): a GET checked like every procedure —
 * session cookie, permission from shared/roles.ts — whose handler streams the file. A GET never
 * changes anything, so it needs no CSRF header; the cookie is SameSite=Lax.
 */

export interface DownloadContext {
  db: Db;
  user: SessionUser;
  locale: Locale;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  req: FastifyRequest;
}

export interface DownloadFile {
  fileName: string;
  contentType: string;
  body: Readable | Buffer | string;
  /** further response headers (e.g. a row count the client shows while the body streams) */
  headers?: Record<string, string>;
}

export interface DownloadRoute {
  url: string;
  permission: Permission;
  handle(ctx: DownloadContext): Promise<DownloadFile>;
}

/** RFC 6266 filename for non-ASCII (Chinese) names, with an ASCII fallback. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export async function registerDownloadRoute(app: FastifyInstance, opts: UploadOptions, route: DownloadRoute): Promise<void> {
  app.get(route.url, { config: { permission: route.permission } }, async (req, reply: FastifyReply) => {
    const ctx = await createRequestContext(opts.db, req, reply, { secureCookies: opts.secureCookies, production: opts.production });
    const fail = (status: number, key: string, params: Record<string, unknown> = {}) =>
      reply.code(status).type('application/json; charset=utf-8').send({ error: { message: translate(ctx.locale, key, params), messageKey: key } });
    if (!ctx.user) return fail(401, 'errors.unauthenticated');
    // as for procedures (server/trpc/trpc.ts): a password that must change opens nothing else
    if (ctx.user.mustChangePassword) return fail(403, 'errors.password.mustChange');
    if (!can(ctx.user.role, route.permission)) return fail(403, 'errors.forbidden', { role: translate(ctx.locale, `roles.${ctx.user.role}`) });
    try {
      const file = await route.handle({
        db: opts.db,
        user: ctx.user,
        locale: ctx.locale,
        params: req.params as Record<string, string>,
        query: req.query as Record<string, string | undefined>,
        req,
      });
      for (const [name, value] of Object.entries(file.headers ?? {})) reply.header(name, value);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', contentDisposition(file.fileName))
        .header('cache-control', 'no-store')
        .send(file.body);
    } catch (err) {
      const { message, messageKey } = errorMessage(err, ctx.locale, req.log);
      const status = messageKey === 'errors.internal' ? 500 : messageKey === 'errors.notFound' ? 404 : 400;
      return reply.code(status).type('application/json; charset=utf-8').send({ error: { message, messageKey } });
    }
  });
}

// eslint-disable-next-line no-control-regex -- control characters are not allowed in a file name
export const safeFileName = (name: string) => name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').slice(0, 120);

/** ?lang=zh-CN|en, else the user's language. */
export function langOf(ctx: DownloadContext): Locale {
  const lang = ctx.query.lang;
  return (LOCALES as readonly string[]).includes(lang ?? '') ? (lang as Locale) : ctx.locale;
}
