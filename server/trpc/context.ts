import type {} from '@fastify/cookie'; // augments request.cookies / reply.setCookie
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/connect.ts';
import { requestSessionUser, SESSION_COOKIE, type SessionUser } from '../auth/sessions.ts';
import { DEVICE_COOKIE } from '../auth/devices.ts';
import { resolveLocale, type Locale } from '../../shared/auth.ts';
import { LOCALE_HEADER } from '../../shared/http.ts';

/** How procedures set or clear the session cookie (and the known-device cookie); tests pass a recorder. */
export interface SessionCookie {
  token: string | null;
  set(token: string, expiresAt: Date): void;
  clear(): void;
  /** the known-device token this browser presented (server/auth/devices.ts) */
  device?: string | null;
  setDevice?(token: string, expiresAt: Date): void;
}

export interface InnerContext {
  db: Db;
  user: SessionUser | null;
  locale: Locale;
  address: string;
  cookie: SessionCookie;
  production: boolean;
}

/** The request-free context: what tests build directly. */
export function createInnerContext(opts: {
  db: Db;
  user?: SessionUser | null;
  locale?: Locale;
  address?: string;
  cookie?: SessionCookie;
  production?: boolean;
}): InnerContext {
  return {
    db: opts.db,
    user: opts.user ?? null,
    locale: opts.locale ?? opts.user?.locale ?? 'zh-CN',
    address: opts.address ?? '127.0.0.1',
    cookie: opts.cookie ?? memoryCookie(),
    production: opts.production ?? false,
  };
}

export function memoryCookie(token: string | null = null, device: string | null = null): SessionCookie {
  const cookie: SessionCookie = {
    token,
    device,
    set(t) {
      cookie.token = t;
    },
    clear() {
      cookie.token = null;
    },
    setDevice(t) {
      cookie.device = t;
    },
  };
  return cookie;
}


/** The adapter-facing context: reads the session cookie and the user's language. */
export async function createRequestContext(
  db: Db,
  req: FastifyRequest,
  res: FastifyReply,
  opts: { secureCookies: boolean; production: boolean },
): Promise<InnerContext> {
  const token = req.cookies[SESSION_COOKIE] ?? null;
  const user = token ? await requestSessionUser(db, token) : null;
  const header = req.headers[LOCALE_HEADER];
  const locale = resolveLocale(
    (typeof header === 'string' && header) || user?.locale || req.headers['accept-language'],
  );
  const cookieOpts = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: opts.secureCookies };
  return createInnerContext({
    db,
    user,
    locale,
    address: req.ip,
    production: opts.production,
    cookie: {
      token,
      device: req.cookies[DEVICE_COOKIE] ?? null,
      set(t, expiresAt) {
        res.setCookie(SESSION_COOKIE, t, { ...cookieOpts, expires: expiresAt });
      },
      setDevice(t, expiresAt) {
        // only the sign-in call needs it: strict, and scoped to the tRPC path
        res.setCookie(DEVICE_COOKIE, t, { ...cookieOpts, sameSite: 'strict', path: '/api/trpc', expires: expiresAt });
      },
      clear() {
        res.clearCookie(SESSION_COOKIE, cookieOpts);
      },
    },
  });
}
