import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeApi, TEST_PASSWORD } from '../api/harness.ts';
import { buildApp, type AppOptions } from '../../server/app.ts';
import { readConfig } from '../../server/config.ts';

// Issue #19 over real HTTP (Fastify inject): batching of sign-ins, X-Forwarded-For, stack traces.
describeApi('HTTP boundary', (env) => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  const start = async (extra: Partial<AppOptions> = {}) => {
    const config = readConfig({});
    app = await buildApp({
      database: { db: env().db, backend: env().backend, close: async () => {} },
      production: config.production,
      secureCookies: false,
      logLevel: 'silent',
      clientDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cb-none-')),
      ...extra,
    });
    return app;
  };
  const headers = { 'content-type': 'application/json', 'x-controlbook-csrf': '1' };

  it('refuses a batched request of many auth.login calls: nobody signs in, few passwords are checked', async () => {
    const a = await start();
    const n = 60;
    const paths = Array.from({ length: n }, () => 'auth.login').join(',');
    const body = Object.fromEntries(
      Array.from({ length: n }, (_, i) => [i, { username: 'admin1', password: i === n - 1 ? TEST_PASSWORD : `wrong-${i}-pass` }]),
    );
    const res = await a.inject({ method: 'POST', url: `/api/trpc/${paths}?batch=1`, headers, payload: JSON.stringify(body) });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.cookies.find((c) => c.name === 'cb_session')).toBeUndefined();
    const sessions = await env().db.selectFrom('session').select('user_id').execute();
    expect(sessions).toEqual([]);
  });

  it('refuses any batch that carries a sign-in next to another call', async () => {
    const a = await start();
    const body = { 0: { username: 'admin1', password: TEST_PASSWORD }, 1: { username: 'admin1', password: TEST_PASSWORD } };
    const res = await a.inject({ method: 'POST', url: `/api/trpc/auth.login,auth.login?batch=1`, headers, payload: JSON.stringify(body) });
    expect(res.statusCode).toBe(400);
    expect(await env().db.selectFrom('session').select('user_id').execute()).toEqual([]);
  });

  it('with the default configuration ignores X-Forwarded-For for the throttle and the trail', async () => {
    const a = await start();
    const codes: number[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await a.inject({
        method: 'POST',
        url: '/api/trpc/auth.login',
        headers: { ...headers, 'x-forwarded-for': `203.0.113.${i + 1}` },
        payload: JSON.stringify({ username: `guess${i}`, password: 'wrong-pass-1' }),
      });
      codes.push(res.statusCode);
    }
    // 20 failures per address: the rotating header does not make each attempt a new address
    expect(codes.slice(20)).toEqual([429, 429]);
    const ok = await a.inject({
      method: 'POST',
      url: '/api/trpc/auth.login',
      headers: { ...headers, 'x-forwarded-for': '198.51.100.7' },
      payload: JSON.stringify({ username: 'viewer1', password: TEST_PASSWORD }),
      remoteAddress: '127.0.0.2',
    });
    expect(ok.statusCode).toBe(200);
    const trail = await env().db.selectFrom('audit_trail').select('after').where('action', '=', 'login').execute();
    expect(trail.map((r) => (r.after as { address: string }).address)).toEqual(['127.0.0.2']);
  });

  it('trusts X-Forwarded-For only from configured proxies (TRUST_PROXY)', async () => {
    const a = await start({ trustProxy: readConfig({ TRUST_PROXY: '127.0.0.1,10.0.0.0/8' }).trustProxy });
    const res = await a.inject({
      method: 'POST',
      url: '/api/trpc/auth.login',
      headers: { ...headers, 'x-forwarded-for': '198.51.100.8' },
      payload: JSON.stringify({ username: 'viewer1', password: TEST_PASSWORD }),
    });
    expect(res.statusCode).toBe(200);
    const trail = await env().db.selectFrom('audit_trail').select('after').where('action', '=', 'login').execute();
    expect(trail.map((r) => (r.after as { address: string }).address)).toEqual(['198.51.100.8']);
  });

  it('sends no stack trace under the default configuration (NODE_ENV unset), only in development', async () => {
    const a = await start();
    const res = await a.inject({ url: '/api/trpc/org.units.list' });
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain('stack');
    expect(res.body).not.toContain(process.cwd());
    const bad = await a.inject({ method: 'POST', url: '/api/trpc/auth.login', headers, payload: '{"username":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toContain(process.cwd());
    expect(readConfig({ NODE_ENV: 'development' }).production).toBe(false);
    expect(readConfig({ NODE_ENV: 'test' }).production).toBe(true);
  });
});
