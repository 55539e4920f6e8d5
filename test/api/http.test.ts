import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { openDatabase, type Database } from '../../server/db/connect.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { seedDemo, DEMO_PASSWORD } from '../../server/demo/seed.ts';
import { updateUser } from '../../server/users/service.ts';
import { Trail } from '../../server/audit/trail.ts';

// The HTTP layer itself: CSRF, cookies, headers, health, SPA fallback, error shapes.
describe('HTTP server', () => {
  let database: Database;
  let app: FastifyInstance;
  let prodApp: FastifyInstance;
  const clientDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-client-'));

  beforeAll(async () => {
    fs.writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>ControlBook</title>');
    database = await openDatabase({ kind: 'pglite' });
    await migrateToLatest(database.db);
    await seedDemo(database.db);
    app = await buildApp({ database, production: false, secureCookies: false, logLevel: 'silent', clientDir });
    prodApp = await buildApp({ database, production: true, secureCookies: true, logLevel: 'silent', clientDir });
  });
  afterAll(async () => {
    await app.close();
    await prodApp.close();
    await database.close();
  });

  const login = (headers: Record<string, string>, target = app) =>
    target.inject({
      method: 'POST',
      url: '/api/trpc/auth.login',
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }),
    });

  it('answers the health check with the backend in use', async () => {
    const res = await app.inject('/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: 'pglite' });
  });

  it('refuses mutations without the CSRF header or a JSON body', async () => {
    expect((await login({})).statusCode).toBe(403);
    const form = await app.inject({
      method: 'POST',
      url: '/api/trpc/auth.login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-controlbook-csrf': '1' },
      payload: 'username=admin',
    });
    expect(form.statusCode).toBe(403);
  });

  it('answers a batch of many queries in one GET, however long the joined procedure names', async () => {
    const cookie = (await login({ 'x-controlbook-csrf': '1' })).cookies.find((c) => c.name === 'cb_session')!;
    const paths = ['authority.matters.list', 'org.people.list', 'org.positions.list', 'authority.approvals.imports', 'authority.delegations.list', 'org.units.list'];
    const input = encodeURIComponent(JSON.stringify({ 4: {} }));
    const res = await app.inject({ method: 'GET', url: `/api/trpc/${paths.join(',')}?batch=1&input=${input}`, cookies: { cb_session: cookie.value } });
    expect(paths.join(',').length).toBeGreaterThan(100); // Fastify's default limit of a path parameter
    expect(res.statusCode).toBe(200);
    expect((res.json() as unknown[]).length).toBe(paths.length);
  });

  it('signs in with an httpOnly SameSite cookie and serves the session user', async () => {
    const res = await login({ 'x-controlbook-csrf': '1' });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'cb_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy();
    const me = await app.inject({ url: '/api/trpc/auth.me', cookies: { cb_session: cookie.value } });
    expect(me.json().result.data).toMatchObject({ username: 'admin', role: 'admin' });
    const anon = await app.inject({ url: '/api/trpc/auth.me' });
    expect(anon.json().result.data).toBeNull();
    const secure = await login({ 'x-controlbook-csrf': '1' }, prodApp);
    expect(secure.cookies.find((c) => c.name === 'cb_session')?.secure).toBe(true);
  });

  it('ends a session at once on sign-out or deactivation, though the last second\'s lookups are cached', async () => {
    const signIn = async (username: string) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/trpc/auth.login',
        headers: { 'content-type': 'application/json', 'x-controlbook-csrf': '1' },
        payload: JSON.stringify({ username, password: DEMO_PASSWORD }),
      });
      return res.cookies.find((c) => c.name === 'cb_session')!.value;
    };
    const me = async (token: string) => (await app.inject({ url: '/api/trpc/auth.me', cookies: { cb_session: token } })).json().result.data;

    const viewer = await signIn('viewer');
    expect(await me(viewer)).toMatchObject({ username: 'viewer' });
    const out = await app.inject({
      method: 'POST',
      url: '/api/trpc/auth.logout?batch=1',
      headers: { 'content-type': 'application/json', 'x-controlbook-csrf': '1' },
      cookies: { cb_session: viewer },
      payload: JSON.stringify({ 0: {} }),
    });
    expect(out.statusCode).toBe(200);
    expect(await me(viewer)).toBeNull();

    const designer = await signIn('designer');
    expect(await me(designer)).toMatchObject({ username: 'designer' });
    const id = (await database.db.selectFrom('app_user').select('id').where('username', '=', 'designer').executeTakeFirstOrThrow()).id;
    await database.db.transaction().execute((trx) =>
      updateUser(trx, new Trail(trx, { userId: null, username: 'system' }), -1, id, { displayName: 'D', role: 'designer', personId: null, locale: 'zh-CN', active: false }),
    );
    expect(await me(designer)).toBeNull();
  });

  it('translates errors by the locale header or Accept-Language, with stack traces only in development', async () => {
    const zh = await app.inject({ url: '/api/trpc/org.units.list' });
    expect(zh.statusCode).toBe(401);
    expect(zh.json().error.message).toBe('请先登录。');
    const en = await app.inject({ url: '/api/trpc/org.units.list', headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(en.json().error.message).toBe('Please sign in first.');
    const header = await app.inject({ url: '/api/trpc/org.units.list', headers: { 'x-controlbook-locale': 'en' } });
    expect(header.json().error.message).toBe('Please sign in first.');
    expect(zh.json().error.data.stack).toBeTruthy();
    const prod = await prodApp.inject({ url: '/api/trpc/org.units.list' });
    expect(prod.json().error.data.stack).toBeUndefined();
  });

  it('sends security headers: CSP with frame-ancestors none, nosniff', async () => {
    const res = await app.inject('/');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the client for app routes and 404s unknown API paths', async () => {
    const page = await app.inject('/org/units');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>ControlBook</title>');
    const api = await app.inject('/api/nope');
    expect(api.statusCode).toBe(404);
    expect(api.json().error.message).toContain('/api/nope');
  });
});
