import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import type { Role } from '../../shared/roles.ts';
import { TEST_PASSWORD, type TestEnv } from '../api/harness.ts';

/** The real HTTP app around a test's database (either backend), with a login per role asked for. */
export async function httpApp(env: TestEnv, roles: Role[] = ['admin']) {
  const app: FastifyInstance = await buildApp({
    database: { db: env.db, backend: env.backend, close: async () => {} },
    production: true,
    secureCookies: false,
    logLevel: 'silent',
  });
  const cookies: Partial<Record<Role, string>> = {};
  for (const role of roles) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/trpc/auth.login',
      headers: { 'content-type': 'application/json', 'x-controlbook-csrf': '1' },
      payload: JSON.stringify({ username: env.users[role].username, password: TEST_PASSWORD }),
    });
    cookies[role] = res.cookies.find((c) => c.name === 'cb_session')!.value;
  }
  return {
    app,
    get: (url: string, role: Role = 'admin') => app.inject({ method: 'GET', url, cookies: { cb_session: cookies[role]! } }),
    post: (url: string, payload: Buffer, role: Role = 'admin') =>
      app.inject({
        method: 'POST',
        url,
        payload,
        cookies: { cb_session: cookies[role]! },
        headers: { 'x-controlbook-csrf': '1', 'content-type': 'application/octet-stream' },
      }),
    /** the NDJSON answer of an upload route */
    // eslint-disable-next-line typescript/no-explicit-any -- NDJSON lines of any route, read loosely by tests
    lines: (body: string) => body.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>),
  };
}
