import { afterEach, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { describeApi, TEST_PASSWORD } from '../api/harness.ts';
import { buildApp } from '../../server/app.ts';
import { openDatabase, type Database } from '../../server/db/connect.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { auditFixture, verifySaves } from '../../bench/cases/audits.ts';
import { runTestersInChild } from '../../bench/cases/save-load.ts';
import { sessionCookie } from '../../bench/harness.ts';

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

  it('50 testers split across both instances save results concurrently: 0 lost, 0 errors', async (ctx) => {
    if (env().backend !== 'postgres') ctx.skip();
    const db = env().db;
    const processes = 10;
    const { auditId, testIds } = await auditFixture(db, { controls: 210, processes, units: 4, results: false });
    const testers = await db
      .insertInto('app_user')
      .values(Array.from({ length: 50 }, (_, i) => ({ username: `tester${i}`, display_name: `测试员 ${i}`, role: 'auditor' as const, password_hash: 'x' })))
      .returning('id')
      .execute();
    const hash = await hashPassword(TEST_PASSWORD);
    await db.updateTable('app_user').set({ password_hash: hash }).where('username', 'like', 'tester%').execute();
    await db
      .insertInto('audit_tester')
      .values(testers.flatMap((t) => Array.from({ length: processes }, (_, p) => ({ audit_id: auditId, process_id: 1_000_000 + p, user_id: t.id }))))
      .execute();
    const [a, b] = [await instance(), await instance()];
    // each tester signs in through one instance and saves through the other: sessions are shared
    const cookies: string[] = [];
    for (let i = 0; i < 50; i++) cookies.push(sessionCookie(await login(i % 2 ? a : b, `tester${i}`, TEST_PASSWORD)));
    const hot = 10; // controls every tester also saves: optimistic-lock conflicts across instances
    const own = testIds.slice(hot);
    const half = own.length / 2;
    const plan = (base: string, from: number, ids: number[]) => ({
      base: `${base}/api/trpc`,
      cookies: cookies.filter((_, i) => i % 2 === from),
      testIds: [...testIds.slice(0, hot), ...ids],
      hot,
      mode: 'open' as const,
      savesPerTester: 8,
      timeLimitMs: 0,
      intervalMs: 500,
    });
    const [onA, onB] = await Promise.all([runTestersInChild(plan(a, 0, own.slice(0, half))), runTestersInChild(plan(b, 1, own.slice(half)))]);
    const { lost } = await verifySaves(db, auditId, [...onA.acks, ...onB.acks]);
    expect({ errors: onA.errors + onB.errors, kinds: { ...onA.errorKinds, ...onB.errorKinds }, lost }).toEqual({ errors: 0, kinds: {}, lost: 0 });
    expect(onA.acks.length + onB.acks.length).toBe(50 * 8);
    expect(onA.conflicts + onB.conflicts).toBeGreaterThan(0); // they did meet on the shared controls
  }, 300_000);
});
