import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from '../../server/db/connect.ts';

/**
 * Crash safety of the embedded database: the real server on a PGlite data directory is killed with
 * SIGKILL while multi-row write transactions are in flight. It must start again on the same
 * directory (taking over the stale lock), and every committed mutation must be complete: each
 * position with all its duty rows and its 'create' audit-trail row, nothing half-written.
 * Runs once (PGlite only), whatever DATABASE_URL says.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DUTIES = ['authorise', 'execute', 'record', 'custody', 'review'];
const children = new Set<ChildProcess>();

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface Server {
  child: ChildProcess;
  base: string;
  output: () => string;
  exited: Promise<number | null>;
}

async function startServer(dataDir: string): Promise<Server> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'test' };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));
  for (;;) {
    if (exitCode !== undefined) throw new Error(`server exited (${exitCode}) during start-up:\n${out}`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) {
        expect(await res.json()).toMatchObject({ status: 'ok', database: 'pglite' });
        break;
      }
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become healthy within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { child, base, output: () => out, exited };
}

async function login(base: string): Promise<string> {
  const res = await fetch(`${base}/api/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-controlbook-csrf': '1' },
    body: JSON.stringify({ username: 'admin', password: 'ControlBook2026' }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('cb_session='));
  expect(cookie).toBeDefined();
  return cookie!.split(';')[0]!;
}

async function createPosition(base: string, cookie: string, unitId: number, code: string): Promise<Response> {
  return fetch(`${base}/api/trpc/org.positions.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-controlbook-csrf': '1', cookie },
    body: JSON.stringify({ unitId, code, name: `崩溃测试 ${code}`, levelRank: 10, duties: DUTIES }),
  });
}

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe('crash safety (PGlite data directory)', () => {
  it('survives kill -9 during write transactions: restarts on the same directory, no half-written mutation', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-crash-'));
    try {
      // 1. first start seeds the demo; write in a loop with a few requests in flight, then kill -9
      const first = await startServer(dataDir);
      const cookie = await login(first.base);
      const units = (await (await fetch(`${first.base}/api/trpc/org.units.list`, { headers: { cookie } })).json()) as {
        result: { data: { id: number }[] };
      };
      const unitId = units.result.data[0]!.id;

      const acknowledged: string[] = [];
      let n = 0;
      let stop = false;
      const worker = async () => {
        while (!stop) {
          const code = `CRASH-${n++}`;
          try {
            const res = await createPosition(first.base, cookie, unitId, code);
            if (res.ok) acknowledged.push(code);
            else if (!stop) throw new Error(`create failed: ${res.status} ${await res.text()}`);
          } catch (err) {
            if (!stop) throw err;
          }
        }
      };
      const workers = Array.from({ length: 4 }, worker);
      const started = Date.now();
      while (acknowledged.length < 40 && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 20));
      expect(acknowledged.length).toBeGreaterThan(0);
      first.child.kill('SIGKILL'); // requests are in flight right now
      stop = true;
      await Promise.all(workers);
      await first.exited;
      expect(fs.existsSync(path.join(dataDir, 'controlbook.lock'))).toBe(true); // left behind by the killed process

      // 2. restart on the same directory: stale lock taken over, healthy, still writable
      const second = await startServer(dataDir);
      const cookie2 = await login(second.base);
      const after = await createPosition(second.base, cookie2, unitId, 'AFTER-CRASH');
      expect(after.status, await after.clone().text()).toBe(200);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);

      // 3. look inside: every committed position is whole
      const database = await openDatabase({ kind: 'pglite', dataDir });
      try {
        const positions = await sql<{ id: number; code: string; duties: number; trail: number }>`
          select p.id, p.code,
                 (select count(*) from position_duty d where d.position_id = p.id) as duties,
                 (select count(*) from audit_trail t
                   where t.entity = 'position' and t.entity_id = p.id::text and t.action = 'create') as trail
            from position p
           where p.code like 'CRASH-%' or p.code = 'AFTER-CRASH'`.execute(database.db);
        const codes = positions.rows.map((r) => r.code);
        // acknowledged writes survived the kill (the commit reached the files before the reply)
        for (const code of acknowledged) expect(codes).toContain(code);
        expect(codes).toContain('AFTER-CRASH');
        for (const p of positions.rows) {
          expect({ code: p.code, duties: p.duties, trail: p.trail }).toEqual({ code: p.code, duties: DUTIES.length, trail: 1 });
        }
        // and no trail row for a position that is not there
        const orphans = await sql<{ n: number }>`
          select count(*) as n from audit_trail t
           where t.entity = 'position' and t.action = 'create'
             and not exists (select 1 from position p where p.id::text = t.entity_id)`.execute(database.db);
        expect(orphans.rows[0]!.n).toBe(0);
      } finally {
        await database.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
