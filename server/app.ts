import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { Database } from './db/connect.ts';
import { ping } from './db/ping.ts';
import { appRouter, type AppRouter } from './trpc/app-router.ts';
import { createRequestContext } from './trpc/context.ts';
import { CSRF_HEADER } from '../shared/http.ts';
import { registerFileRoutes } from './http/file-routes.ts';

export const MAX_BATCH_SIZE = 50;

/** Fastify's trustProxy: a hop count as the function Fastify itself would build from it. */
function trustProxyOption(value: AppOptions['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof value === 'number') return (_address, hop) => hop < value;
  return value ?? false;
}

export const CLIENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/client');

export interface AppOptions {
  database: Database;
  production: boolean;
  secureCookies: boolean;
  /** proxies allowed to set X-Forwarded-For (config TRUST_PROXY); default: none */
  trustProxy?: false | number | string[];
  logLevel?: string;
  /** Serve the built client from this directory (default dist/client) if it exists. */
  clientDir?: string;
}

/** The HTTP server: tRPC under /api/trpc, health, and the built single-page client. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: opts.logLevel ?? 'info', redact: ['req.headers.cookie', 'req.headers.authorization'] },
    // X-Forwarded-For only from the configured proxies: from anyone else it would let a client choose
    // its own address (past the per-address sign-in throttle, into the audit trail)
    trustProxy: trustProxyOption(opts.trustProxy),
    bodyLimit: 10 * 1024 * 1024,
    // a tRPC batch GET names every procedure in one path segment (`a.list,b.list,…`), far past the
    // default 100 characters; the client caps the whole URL (maxURLLength)
    routerOptions: { maxParamLength: 5000 },
  });
  const { db, backend } = opts.database;

  // Fastify's own 500s (file routes, plugins) would echo the error message, which may name internal
  // paths: outside development only a generic text goes out (the error is logged). 4xx keep theirs.
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status < 500) throw err; // → Fastify's default handler
    req.log.error({ err }, 'request failed');
    return reply.code(status).send({
      statusCode: status,
      error: 'Internal Server Error',
      message: opts.production ? 'Internal server error' : err.message,
      ...(opts.production ? {} : { stack: err.stack }),
    });
  });

  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"], // Mantine injects CSS variables at run time
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: opts.secureCookies,
  });

  // CSRF: a cross-site page can neither send JSON nor a custom header without a CORS preflight,
  // which this server never grants.
  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'POST' || !req.url.startsWith('/api/trpc')) return;
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('application/json') || req.headers[CSRF_HEADER] !== '1') {
      await reply.code(403).send({ error: { message: 'CSRF check failed: JSON body and x-controlbook-csrf header required' } });
    }
  });

  // Sign-in is never batched: one HTTP request, one password attempt (the throttle counts each
  // anyway; this keeps a single request from carrying hundreds of guesses).
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/trpc/')) return;
    const url = new URL(req.url, 'http://x');
    if (url.searchParams.get('batch') !== '1') return;
    const paths = decodeURIComponent(url.pathname.slice('/api/trpc/'.length)).split(',');
    // auth.me and auth.logout check no password; an empty logout body could not travel unbatched anyway
    if (paths.length > 1 && paths.some((p) => p.startsWith('auth.') && p !== 'auth.me' && p !== 'auth.logout')) {
      await reply.code(400).send({
        error: { message: 'auth.* calls may not be batched', code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400 } },
      });
    }
  });

  await app.register(fastifyTRPCPlugin, {
    prefix: '/api/trpc',
    trpcOptions: {
      router: appRouter,
      // the client splits batches at the same size (client/lib/trpc.ts maxItems)
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: ({ req, res }) =>
        createRequestContext(db, req, res, { secureCookies: opts.secureCookies, production: opts.production }),
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') app.log.error({ err: error, path }, 'procedure failed');
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });
  // streamed file downloads and uploads (raw body, NDJSON progress): server/http/file-routes.ts
  await registerFileRoutes(app, { db, secureCookies: opts.secureCookies, production: opts.production });

  app.get('/api/health', async (_req, reply) => {
    try {
      await ping(db);
      return { status: 'ok', database: backend };
    } catch (err) {
      app.log.error({ err }, 'health check: database unreachable');
      return reply.code(503).send({ status: 'unavailable', database: backend });
    }
  });

  const clientDir = opts.clientDir ?? CLIENT_DIR;
  if (fs.existsSync(path.join(clientDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: clientDir, wildcard: false, index: 'index.html' });
    // Client-side routes fall back to the SPA; unknown /api paths stay 404.
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/api/')) return reply.type('text/html').sendFile('index.html');
      return reply.code(404).send({ error: { message: `Not found: ${req.method} ${req.url}` } });
    });
  } else {
    app.log.warn(`client not built (${clientDir} missing): run "npm run build"; API only`);
  }

  return app;
}
