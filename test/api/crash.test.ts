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
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'test', DEMO: '1' };
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

async function login(base: string, username = 'admin'): Promise<string> {
  const res = await fetch(`${base}/api/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-controlbook-csrf': '1' },
    body: JSON.stringify({ username, password: 'ControlBook2026' }),
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

async function trpc(base: string, cookie: string, proc: string, input: unknown): Promise<Response> {
  return fetch(`${base}/api/trpc/${proc}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-controlbook-csrf': '1', cookie },
    body: JSON.stringify(input),
  });
}

/** A regulation of `articles` articles in 10 chapters: a big import that takes a while to write. */
function regulation(articles: number): string {
  const lines: string[] = [];
  let n = 0;
  for (let ch = 1; ch <= 10; ch++) {
    lines.push(`第${ch}章 第 ${ch} 部分`);
    for (let a = 0; a < articles / 10; a++) lines.push(`第${++n}条 付款申请经部门负责人审核、财务负责人审批后由出纳办理。`);
  }
  return lines.join('\n');
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

  it('survives kill -9 in the middle of a large import and of renumbering moves: all or nothing', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-crash-import-'));
    try {
      const first = await startServer(dataDir);
      const cookie = await login(first.base);
      const text = regulation(4000);
      const create = async (code: string) =>
        ((await (await trpc(first.base, cookie, 'manual.create', { code, title: code, numberingStyle: 'regulation' })).json()) as { result: { data: { id: number } } }).result.data.id;
      // measure one complete import, then kill the server halfway through a second one
      const timed = await create('CRASH-TIMED');
      const t0 = Date.now();
      const done = await trpc(first.base, cookie, 'manual.importText', { manualId: timed, text, dryRun: false });
      expect(done.status, await done.clone().text()).toBe(200);
      const fullMs = Date.now() - t0;
      const victim = await create('CRASH-IMPORT');
      // renumbering moves on the timed manual: the first chapter goes to the end, over and over
      const chapters = await (await fetch(`${first.base}/api/trpc/manual.tree?input=${encodeURIComponent(JSON.stringify({ manualId: timed }))}`, { headers: { cookie } })).json() as {
        result: { data: { nodes: { id: number; kind: string; parentId: number | null }[] } };
      };
      const chapterIds = chapters.result.data.nodes.filter((n) => n.parentId == null).map((n) => n.id);
      let stop = false;
      const mover = (async () => {
        for (let i = 0; !stop; i++) {
          await trpc(first.base, cookie, 'manual.move', { nodeId: chapterIds[i % chapterIds.length], placement: { relation: 'root_end' } }).catch(() => undefined);
        }
      })();
      const pending = trpc(first.base, cookie, 'manual.importText', { manualId: victim, text, dryRun: false }).catch(() => null);
      await new Promise((r) => setTimeout(r, Math.max(50, fullMs / 2)));
      first.child.kill('SIGKILL');
      stop = true;
      const reply = await pending;
      await mover;
      await first.exited;

      const second = await startServer(dataDir);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);

      const database = await openDatabase({ kind: 'pglite', dataDir });
      try {
        const counts = await sql<{ code: string; nodes: number; trail: number }>`
          select m.code,
                 (select count(*) from manual_node n where n.manual_id = m.id) as nodes,
                 (select count(*) from audit_trail t where t.entity = 'manual' and t.entity_id = m.id::text and t.action = 'import') as trail
            from manual m where m.code like 'CRASH-%' order by m.code`.execute(database.db);
        const full = counts.rows.find((r) => r.code === 'CRASH-TIMED')!;
        expect(full.nodes).toBe(4010);
        const victimRow = counts.rows.find((r) => r.code === 'CRASH-IMPORT')!;
        // all or nothing, and the trail agrees with what is there
        expect([0, 4010]).toContain(victimRow.nodes);
        expect(victimRow.trail).toBe(victimRow.nodes ? 1 : 0);
        if (reply?.ok) expect(victimRow.nodes).toBe(4010); // an acknowledged import is never lost
        // the moves left one consistent order: 10 chapters, distinct keys, every article under one
        const roots = await sql<{ n: number; keys: number }>`
          select count(*) as n, count(distinct order_key) as keys from manual_node n join manual m on m.id = n.manual_id
           where m.code = 'CRASH-TIMED' and n.parent_id is null`.execute(database.db);
        expect(roots.rows[0]).toEqual({ n: 10, keys: 10 });
      } finally {
        await database.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('survives kill -9 during test-result saves: each save is whole, acknowledged ones are kept', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-crash-results-'));
    try {
      const first = await startServer(dataDir);
      // the demo audit's lead: only the lead and assigned testers enter results
      const cookie = await login(first.base, 'auditor');
      const query = async <T>(proc: string, input: unknown) =>
        ((await (await fetch(`${first.base}/api/trpc/${proc}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, { headers: { cookie } })).json()) as { result: { data: T } }).result.data;
      const audits = await query<{ id: number; status: string }[]>('audits.list', undefined);
      const audit = audits.find((a) => a.status === 'fieldwork')!;
      const detail = await query<{ controls: { id: number; evidenceTypes: string[] }[]; tests: { id: number; controlId: number; version: number }[] }>('audits.get', { auditId: audit.id });
      const evidenceOf = new Map(detail.controls.map((c) => [c.id, c.evidenceTypes]));
      const acknowledged = new Map<number, { version: number; n: number }>();
      let n = 0;
      let stop = false;
      // two testers, each on their own rows: result + the whole evidence checklist in one save
      const worker = async (rows: typeof detail.tests) => {
        const versions = new Map(rows.map((t) => [t.id, t.version]));
        for (let i = 0; !stop; i++) {
          const test = rows[i % rows.length]!;
          const k = ++n;
          const evidence = (evidenceOf.get(test.controlId) ?? []).map((evidenceType) => ({ evidenceType, status: 'seen', reference: `DOC-${k}` }));
          const res = await trpc(first.base, cookie, 'audits.saveTest', {
            testId: test.id,
            expectedVersion: versions.get(test.id),
            data: { applicability: 'applicable', design: 'effective', population: 100, sampleSize: 25, samplesTested: 25, exceptions: k % 2, notes: `crash-${k}`, evidence },
          }).catch(() => null);
          if (!res) return;
          if (!res.ok) {
            if (stop) return;
            throw new Error(`save failed: ${res.status} ${await res.text()}`);
          }
          const saved = ((await res.json()) as { result: { data: { version: number } } }).result.data;
          versions.set(test.id, saved.version);
          acknowledged.set(test.id, { version: saved.version, n: k });
        }
      };
      const half = Math.ceil(detail.tests.length / 2);
      const workers = [worker(detail.tests.slice(0, half)), worker(detail.tests.slice(half))];
      const started = Date.now();
      while (n < 30 && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 20));
      first.child.kill('SIGKILL');
      stop = true;
      await Promise.all(workers);
      await first.exited;
      expect(acknowledged.size).toBeGreaterThan(0);

      const second = await startServer(dataDir);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);

      const database = await openDatabase({ kind: 'pglite', dataDir });
      try {
        const rows = await sql<{ id: number; version: number; notes: string; refs: string[] }>`
          select t.id, t.version, t.notes,
                 coalesce((select array_agg(distinct e.reference) from audit_evidence e where e.test_id = t.id), '{}') as refs
            from audit_test t where t.audit_id = ${audit.id}`.execute(database.db);
        const byId = new Map(rows.rows.map((r) => [r.id, r]));
        for (const [testId, ack] of acknowledged) {
          const row = byId.get(testId)!;
          expect(row.version).toBeGreaterThanOrEqual(ack.version); // an acknowledged save is never lost
        }
        for (const row of rows.rows) {
          const m = /^crash-(\d+)$/.exec(row.notes);
          if (!m) continue;
          // result and checklist come from the same save: never a new result with old evidence
          expect(row.refs.every((r) => r === `DOC-${m[1]}`), `test ${row.id}: notes ${row.notes}, evidence ${row.refs.join(',')}`).toBe(true);
        }
      } finally {
        await database.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
