import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

/** A domain error: a message key of the shared catalog plus its parameters, translated per request. */
export class AppErrorCause extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, unknown> = {},
  ) {
    super(key);
    this.name = 'AppErrorCause';
  }
}

export function appError(code: TRPC_ERROR_CODE_KEY, key: string, params?: Record<string, unknown>): TRPCError {
  return new TRPCError({ code, message: key, cause: new AppErrorCause(key, params) });
}

export function notFound(entity: string, id: number | string): TRPCError {
  return appError('NOT_FOUND', 'errors.notFound', { entityKey: `entities.${entity}`, id });
}

interface PgLikeError {
  code?: string;
  detail?: string;
  constraint?: string;
  message?: string;
}

function asPgError(err: unknown): PgLikeError | null {
  const e = err as PgLikeError | null;
  return e && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e : null;
}

/**
 * PostgreSQL errors (pg and PGlite alike) → client errors, by SQLSTATE, in one place.
 * Returns null for anything that is not a constraint violation.
 */
export function mapDbError(err: unknown): TRPCError | null {
  const pgErr = asPgError(err) ?? asPgError((err as { cause?: unknown })?.cause);
  if (!pgErr) return null;
  switch (pgErr.code) {
    case '23505': {
      const m = /Key \((.+?)\)=\((.*)\) already exists/.exec(pgErr.detail ?? '');
      return m
        ? appError('CONFLICT', 'errors.duplicate', { fieldKey: `fields.${m[1]}`, field: m[1], value: m[2] })
        : appError('CONFLICT', 'errors.duplicateGeneric');
    }
    case '23503':
      return appError('BAD_REQUEST', 'errors.referenced');
    case '23514':
    case '23502':
    case '22001':
    case '22007':
    case '22008':
      return appError('BAD_REQUEST', 'errors.constraint', { detail: pgErr.constraint ?? pgErr.message ?? pgErr.code });
    case '40001':
    case '40P01':
      return new TRPCError({ code: 'CONFLICT', message: 'serialization failure', cause: err });
    default:
      return null;
  }
}
