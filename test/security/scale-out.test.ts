import { afterEach, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { describeApi, TEST_PASSWORD } from '../api/harness.ts';
import { buildApp } from '../../server/app.ts';
import { openDatabase, type Database } from '../../server/db/connect.ts';

// Issue #19, item 6: two app instances on one PostgreSQL database share sessions and the sign-in
// throttle (PGlite is single-process, so this runs only when DATABASE_URL is set).
describeApi('two instances on one PostgreSQL', (env) => {
  const opened: { app: FastifyInstance; database: Database }[] = [];
  afterEach(async () => {
    for (const { app, database } of opened.splice(0)) {
      await app.close();
      await database.close();
    }
  });

  async function instance(): Promise<string> {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(env().db);
    const database = await openDatabase({ kind: 'postgres', url: process.env.DATABASE_URL!, poolSize: 4, searchPath: rows[0]!.schema });
    const app = await buildApp({ database, production: true, secureCookies: false, logLevel: 'silent', clientDir: '/nonexistent' });
    opened.push({ app, database });
    return app.listen({ port: 0, host: '127.0.0.1' });
  }
  const login = (base: string, username: string, password: string) =>
    fetch(`${base}/api/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-controlbook-csrf': '1' },
      body: JSON.stringify({ username, password }),
    });

  it('a session made by one instance works on the other; the throttle holds across both', async (ctx) => {
    if (env().backend !== 'postgres') ctx.skip();
    const [a, b] = [await instance(), await instance()];
    const signedIn = await login(a, 'auditor1', TEST_PASSWORD);
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith('cb_session='))!.split(';')[0]!;
    const me = await fetch(`${b}/api/trpc/auth.me`, { headers: { cookie } });
    expect((await me.json()).result.data).toMatchObject({ username: 'auditor1' });

    // 20 parallel guesses at one account, split across the instances: at most 5 are checked
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(i % 2 ? a : b, 'viewer1', `wrong-${i}-pass`).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(15);
    expect((await login(a, 'viewer1', TEST_PASSWORD)).status).toBe(429);
    expect((await login(b, 'viewer1', TEST_PASSWORD)).status).toBe(429);
  });
});
