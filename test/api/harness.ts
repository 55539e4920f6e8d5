import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe } from 'vitest';
import { sql } from 'kysely';
import { getErrorShape, getTRPCErrorFromUnknown } from '@trpc/server';
import { openDatabase, type Database, type Db } from '../../server/db/connect.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { appRouter } from '../../server/trpc/app-router.ts';
import { createCallerFactory } from '../../server/trpc/trpc.ts';
import { createInnerContext, memoryCookie, type SessionCookie } from '../../server/trpc/context.ts';
import { hashPassword } from '../../server/auth/password.ts';
import type { SessionUser } from '../../server/auth/sessions.ts';
import type { Locale } from '../../shared/auth.ts';
import { ROLES, type Role } from '../../shared/roles.ts';

/**
 * API tests run every test on each backend: embedded PGlite always, and the PostgreSQL server
 * when DATABASE_URL is set. Each test gets its own freshly migrated schema, dropped afterwards.
 */
export type Backend = 'pglite' | 'postgres';
export const BACKENDS: Backend[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export const TEST_PASSWORD = 'Password123';
const createCaller = createCallerFactory(appRouter);

export interface TestEnv {
  backend: Backend;
  db: Db;
  /** one user per role, created in this test's schema */
  users: Record<Role, SessionUser>;
  /** a tRPC caller acting as `role` (or anonymous), with a recorded cookie */
  caller(role: Role | null, opts?: { locale?: Locale; cookie?: SessionCookie; address?: string; production?: boolean }): ReturnType<typeof createCaller>;
}

let hashCache: Promise<string> | undefined;

async function seedRoleUsers(db: Db): Promise<Record<Role, SessionUser>> {
  const password_hash = await (hashCache ??= hashPassword(TEST_PASSWORD));
  const rows = await db
    .insertInto('app_user')
    .values(ROLES.map((role) => ({ username: `${role}1`, display_name: `Test ${role}`, role, password_hash })))
    .returning(['id', 'username', 'display_name', 'role'])
    .execute();
  return Object.fromEntries(
    rows.map((r) => [r.role, { id: r.id, username: r.username, displayName: r.display_name, role: r.role, locale: 'zh-CN' }]),
  ) as Record<Role, SessionUser>;
}

/** Opens the backend once per file; hands each test a fresh schema. */
function backendPool(backend: Backend) {
  let pglite: Promise<Database> | undefined;
  let current: { database: Database; schema: string; shared: boolean } | undefined;
  return {
    async fresh(): Promise<Db> {
      const schema = `t_${randomBytes(6).toString('hex')}`;
      if (backend === 'pglite') {
        const database = await (pglite ??= openDatabase({ kind: 'pglite' }));
        await sql`create schema ${sql.id(schema)}`.execute(database.db);
        await sql`set search_path to ${sql.id(schema)}`.execute(database.db);
        current = { database, schema, shared: true };
      } else {
        const url = process.env.DATABASE_URL!;
        const admin = await openDatabase({ kind: 'postgres', url, poolSize: 1 });
        await sql`create schema ${sql.id(schema)}`.execute(admin.db);
        await admin.close();
        const database = await openDatabase({ kind: 'postgres', url, poolSize: 4, searchPath: schema });
        current = { database, schema, shared: false };
      }
      await migrateToLatest(current.database.db);
      return current.database.db;
    },
    async release() {
      if (!current) return;
      const { database, schema, shared } = current;
      current = undefined;
      if (!shared) await database.close();
      const admin = shared ? database : await openDatabase({ kind: 'postgres', url: process.env.DATABASE_URL!, poolSize: 1 });
      await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
      if (!shared) await admin.close();
    },
    async close() {
      if (pglite) await (await pglite).close();
    },
  };
}

/** describe(), once per backend, with a fresh schema and role users for every test. */
export function describeApi(name: string, body: (env: () => TestEnv) => void): void {
  describe.each(BACKENDS)(`${name} [%s]`, (backend) => {
    const pool = backendPool(backend);
    let env: TestEnv | undefined;
    beforeEach(async () => {
      const db = await pool.fresh();
      const users = await seedRoleUsers(db);
      env = {
        backend,
        db,
        users,
        caller: (role, opts = {}) =>
          createCaller(
            createInnerContext({
              db,
              user: role ? users[role] : null,
              locale: opts.locale,
              cookie: opts.cookie ?? memoryCookie(),
              address: opts.address,
              production: opts.production,
            }),
          ),
      };
    });
    afterEach(() => pool.release());
    afterAll(() => pool.close());
    body(() => {
      if (!env) throw new Error('test env used outside a test');
      return env;
    });
  });
}

export interface ApiFailure {
  code: string;
  httpStatus: number;
  /** translated into `locale`, as a client would see it */
  message: string;
  messageKey?: string;
  fieldErrors?: Record<string, string[]>;
  /** a throttled sign-in: when it may be tried again (ISO time) */
  retryAt?: string;
}

/** The error a call rejects with, formatted exactly as the HTTP layer would (fails if it resolves). */
export async function failure(promise: Promise<unknown>, locale: Locale = 'zh-CN'): Promise<ApiFailure> {
  try {
    await promise;
  } catch (err) {
    const error = getTRPCErrorFromUnknown(err);
    const ctx = createInnerContext({ db: undefined as never, locale, production: false });
    const shape = getErrorShape({ config: appRouter._def._config, error, type: 'unknown', path: undefined, input: undefined, ctx });
    return {
      code: shape.data.code,
      httpStatus: shape.data.httpStatus,
      message: shape.message,
      messageKey: shape.data.messageKey,
      fieldErrors: shape.data.fieldErrors,
      retryAt: (shape.data as { retryAt?: string }).retryAt,
    };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
