import { PassThrough, Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/connect.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { createRequestContext } from '../trpc/context.ts';
import { AppErrorCause, mapDbError } from '../errors.ts';
import { translate } from '../i18n.ts';
import { can, type Permission } from '../../shared/roles.ts';
import { CSRF_HEADER } from '../../shared/http.ts';
import type { Locale } from '../../shared/auth.ts';

/**
 * File uploads outside tRPC, for files too big to hold in one JSON body: a POST whose body is the
 * raw file, streamed. Checks the session cookie, the CSRF header and the permission; refuses a
 * body over the size limit and anything that is neither CSV text nor an .xlsx (zip) workbook,
 * judged by its bytes rather than its name. The answer is NDJSON: progress lines as the handler
 * reports them, then one `{"result": …}` or `{"error": {"message": …}}` line.
 */

export type FileKind = 'csv' | 'xlsx' | 'gzip';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the permission a file route checks (registerUploadRoute / registerDownloadRoute); docs/permissions.md lists it */
    permission?: Permission;
  }
}

export interface Upload {
  kind: FileKind;
  /** text encoding of a CSV file: UTF-8 (with or without BOM) or GB18030 (Excel's "CSV" on Chinese Windows) */
  encoding: 'utf-8' | 'gb18030' | null;
  fileName: string;
  /** Content-Length, when the client sent it */
  size: number | null;
  /** the whole file, size-limited (errors with an upload error past the limit) */
  body: Readable;
  bytesRead(): number;
}

export interface UploadContext {
  db: Db;
  user: SessionUser;
  locale: Locale;
  upload: Upload;
  query: Record<string, string | undefined>;
  /** route parameters (e.g. `:id`) */
  params?: Record<string, string | undefined>;
  /** write one NDJSON progress line (e.g. {phase: 'read', rows: 2000}) */
  progress(line: Record<string, unknown>): void;
}

export interface UploadRoute {
  url: string;
  permission: Permission;
  maxBytes: number;
  kinds: FileKind[];
  /** replaces the default sniff (e.g. to name encrypted workbooks); throw an UploadError to refuse */
  sniff?: (head: Buffer) => ReturnType<typeof sniff>;
  handle(ctx: UploadContext): Promise<unknown>;
}

export interface UploadOptions {
  db: Db;
  secureCookies: boolean;
  production: boolean;
}

/** A refusal with an HTTP status and a message key of the shared catalog. */
export class UploadError extends Error {
  constructor(
    readonly status: number,
    readonly key: string,
    readonly params: Record<string, unknown> = {},
  ) {
    super(key);
    this.name = 'UploadError';
  }
}

export const MB = 1024 * 1024;
const SNIFF_BYTES = 4096;

function translateError(locale: Locale, key: string, params: Record<string, unknown>): string {
  const out: Record<string, unknown> = { ...params };
  for (const [k, v] of Object.entries(params)) if (k.endsWith('Key') && typeof v === 'string') out[k.slice(0, -3)] = translate(locale, v);
  return translate(locale, key, out);
}

/** The translated message (and key) of whatever a handler threw; unknown errors are logged, not shown. */
export function errorMessage(err: unknown, locale: Locale, log: FastifyRequest['log']): { message: string; messageKey: string } {
  const mapped = mapDbError(err);
  const cause = mapped?.cause ?? (err as { cause?: unknown })?.cause;
  if (err instanceof UploadError) return { message: translateError(locale, err.key, err.params), messageKey: err.key };
  if (cause instanceof AppErrorCause) return { message: translateError(locale, cause.key, cause.params), messageKey: cause.key };
  log.error({ err }, 'upload failed');
  return { message: translate(locale, 'errors.internal'), messageKey: 'errors.internal' };
}

const startsWith = (buf: Buffer, bytes: number[]) => bytes.every((b, i) => buf[i] === b);

/** What the first bytes say the file is. */
export function sniff(head: Buffer): { kind: FileKind; encoding: Upload['encoding'] } {
  if (head.length === 0) throw new UploadError(400, 'errors.upload.empty');
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return { kind: 'xlsx', encoding: null };
  if (startsWith(head, [0x1f, 0x8b])) return { kind: 'gzip', encoding: null };
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) throw new UploadError(415, 'errors.upload.oldXls');
  if (head.includes(0)) throw new UploadError(415, 'errors.upload.wrongKind');
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { kind: 'csv', encoding: 'utf-8' };
  for (const encoding of ['utf-8', 'gb18030'] as const) {
    try {
      // stream: true tolerates a character cut at the end of the sniffed bytes
      new TextDecoder(encoding, { fatal: true }).decode(head, { stream: true });
      if (/^(%PDF|GIF8|\x89PNG|\{\\rtf)/.test(head.subarray(0, 8).toString('latin1'))) break;
      return { kind: 'csv', encoding };
    } catch {
      // not this encoding
    }
  }
  throw new UploadError(415, 'errors.upload.wrongKind');
}

/** Read the first bytes, then hand back a stream of the whole body with the size limit enforced. */
export async function openBody(raw: Readable, maxBytes: number) {
  const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let headBytes = 0;
  let done = false;
  while (headBytes < SNIFF_BYTES) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.length;
  }
  let total = headBytes;
  const tooLarge = () => new UploadError(413, 'errors.upload.tooLarge', { max: Math.round(maxBytes / MB) });
  if (total > maxBytes) throw tooLarge();
  async function* chunks() {
    yield* head;
    if (done) return;
    for (let next = await it.next(); !next.done; next = await it.next()) {
      total += next.value.length;
      if (total > maxBytes) throw tooLarge();
      yield next.value;
    }
  }
  return { head: Buffer.concat(head), body: Readable.from(chunks(), { objectMode: false }), bytesRead: () => total };
}

async function refuse(reply: FastifyReply, status: number, message: string, messageKey: string) {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: { message, messageKey } });
}

/** Register one upload route (its own scope: the raw body is not parsed by Fastify). */
export async function registerUploadRoute(app: FastifyInstance, opts: UploadOptions, route: UploadRoute): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.post(route.url, { config: { permission: route.permission } }, async (req, reply) => {
      const ctx = await createRequestContext(opts.db, req, reply, { secureCookies: opts.secureCookies, production: opts.production });
      const { locale } = ctx;
      const fail = (status: number, key: string, params: Record<string, unknown> = {}) =>
        refuse(reply, status, translateError(locale, key, params), key);
      if (req.headers[CSRF_HEADER] !== '1') return fail(403, 'errors.csrf');
      if (!ctx.user) return fail(401, 'errors.unauthenticated');
      // as for procedures (server/trpc/trpc.ts): a password that must change opens nothing else
      if (ctx.user.mustChangePassword) return fail(403, 'errors.password.mustChange');
      if (!can(ctx.user.role, route.permission)) return fail(403, 'errors.forbidden', { roleKey: `roles.${ctx.user.role}` });
      const declared = Number(req.headers['content-length']);
      const size = Number.isFinite(declared) && declared > 0 ? declared : null;
      if (size != null && size > route.maxBytes) return fail(413, 'errors.upload.tooLarge', { max: Math.round(route.maxBytes / MB) });
      const raw = (req.body as Readable | undefined) ?? req.raw;

      let opened: Awaited<ReturnType<typeof openBody>>;
      let sniffed: ReturnType<typeof sniff>;
      try {
        opened = await openBody(raw, route.maxBytes);
        // the first bytes only, however large the first chunk came in (then tests see what a socket gives)
        sniffed = (route.sniff ?? sniff)(opened.head.subarray(0, SNIFF_BYTES));
        if (!route.kinds.includes(sniffed.kind)) throw new UploadError(415, 'errors.upload.wrongKind');
      } catch (err) {
        if (err instanceof UploadError) return fail(err.status, err.key, err.params);
        throw err;
      }

      const query = req.query as Record<string, string | undefined>;
      const out = new PassThrough();
      const write = (line: unknown) => {
        if (!out.writableEnded) out.write(`${JSON.stringify(line)}\n`);
      };
      reply
        .header('content-type', 'application/x-ndjson; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('x-accel-buffering', 'no'); // proxies: pass progress lines through as they come
      void reply.send(out);
      const upload: Upload = {
        ...sniffed,
        fileName: (query.name ?? '').slice(0, 260) || `upload.${sniffed.kind}`,
        size,
        body: opened.body,
        bytesRead: opened.bytesRead,
      };
      void (async () => {
        try {
          const params = req.params as Record<string, string | undefined>;
          const result = await route.handle({ db: opts.db, user: ctx.user!, locale, upload, query, params, progress: write });
          write({ result });
        } catch (err) {
          write({ error: errorMessage(err, locale, req.log) });
        } finally {
          out.end();
          // read and drop what the handler left unread: destroying the request would cut the answer off
          opened.body.on('error', () => {});
          opened.body.resume();
        }
      })();
      return reply;
    });
  });
}

/** A progress reporter that writes at most every `everyMs` (and always when forced). */
export function throttled(progress: UploadContext['progress'], everyMs = 200) {
  let last = 0;
  return (line: Record<string, unknown>, force = false) => {
    const now = Date.now();
    if (force || now - last >= everyMs) {
      last = now;
      progress(line);
    }
  };
}
