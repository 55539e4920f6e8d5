import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The monitoring CLI contract (schedulers rely on it): `check-sod`, `check-authority` and
 * `import-approvals` print a JSON array of { kind, severity|risk, people|records, from, to, detail }
 * with --json, and exit 0 when nothing open is found, 3 when violations are open, 1 on error.
 * On the embedded database, and on a fresh PostgreSQL database when DATABASE_URL is set.
 */
const run = (args: string[], env: NodeJS.ProcessEnv) => {
  const r = spawnSync(process.execPath, ['bin/controlbook.mjs', ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const json = <T = Record<string, unknown>[]>(r: { out: string }) => JSON.parse(r.out) as T;

const dropLater: string[] = [];
const backends: [string, () => Promise<NodeJS.ProcessEnv>][] = [
  ['pglite', async () => ({ DATA_DIR: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cb-mon-')), 'data'), DATABASE_URL: '' })],
];
if (process.env.DATABASE_URL) {
  backends.push([
    'postgres',
    async () => {
      const name = `cb_mon_${randomBytes(5).toString('hex')}`;
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      await client.query(`create database ${name}`);
      await client.end();
      dropLater.push(name);
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${name}`;
      return { DATABASE_URL: url.toString() };
    },
  ]);
}
afterAll(async () => {
  if (!dropLater.length) return;
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  for (const name of dropLater) await client.query(`drop database if exists ${name} with (force)`);
  await client.end();
});

describe.each(backends)('monitoring commands on %s', (_backend, makeEnv) => {
  it('exits 0 with an empty list on a database with nothing to report, 1 on bad input', async () => {
    const env = await makeEnv();
    const sod = run(['check-sod', '--json'], env);
    expect([sod.code, json(sod)]).toEqual([0, []]);
    const auth = run(['check-authority', '--json'], env);
    expect([auth.code, json(auth)]).toEqual([0, []]);
    expect(run(['check-authority', '--matter', 'NOPE', '--from', '2026-13-01'], env)).toMatchObject({ code: 1, err: expect.stringMatching(/--from: not a date/) });
  }, 300_000);

  it('reports the demo conflicts and violations (exit 3), imports records with a dry run first, and names a split set once', async () => {
    const env = await makeEnv();
    expect(run(['seed-demo'], env).code).toBe(0);

    const sod = run(['check-sod', '--as-of', '2026-06-30', '--json', '--lang', 'en'], env);
    const conflicts = json<{ kind: string; risk: string; status: string; people: unknown[]; from: string | null; to: string | null; detail: string }[]>(sod);
    expect(conflicts.length).toBeGreaterThan(0);
    for (const c of conflicts) expect(Object.keys(c).sort()).toEqual(['detail', 'from', 'kind', 'people', 'risk', 'status', 'to']);
    expect(sod.code).toBe(conflicts.some((c) => c.status === 'open') ? 3 : 0);
    expect(conflicts.filter((c) => c.kind === 'people').every((c) => c.people.length === 1)).toBe(true);

    const before = run(['check-authority', '--matter', 'EXPENSE', '--from', '2026-09-01', '--to', '2026-09-30', '--json'], env);
    expect(before.code).toBe(3);
    // the claims BX-CF-1…3 by one requester to one vendor within a week: one set per basis, the first claim included
    const septemberSplits = json<{ kind: string; records: { referenceNo: string }[] }[]>(before).filter((v) => v.kind === 'split_transaction');
    expect(septemberSplits).toHaveLength(2);
    for (const set of septemberSplits) expect(set.records.map((r) => r.referenceNo)).toEqual(expect.arrayContaining(['BX-CF-1', 'BX-CF-2', 'BX-CF-3']));

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-mon-csv-'));
    const csv = path.join(dir, 'approvals.csv');
    fs.writeFileSync(
      csv,
      '事项,单号,申请人,审批人,金额,审批日期\n' +
        'EXPENSE,MON-1,E012,E010,4800,2026-11-16\nEXPENSE,MON-2,E012,E010,4900,2026-11-18\nEXPENSE,MON-3,E012,E010,4700,2026-11-20\n',
    );
    const dry = run(['import-approvals', csv, '--dry-run', '--json'], env);
    expect(dry.code).toBe(0);
    expect(json<{ rows: number; valid: number; committed: boolean; violations: unknown[] }>(dry)).toMatchObject({ rows: 3, valid: 3, committed: false, violations: [] });

    const committed = run(['import-approvals', csv, '--json'], env);
    expect(committed.code).toBe(3);
    const result = json<{ inserted: number; violations: { kind: string; severity: string; records: { referenceNo: string }[]; from: string; to: string; detail: string }[] }>(committed);
    expect(result.inserted).toBe(3);
    expect(result.violations.map((v) => [v.kind, v.severity, v.records.map((r) => r.referenceNo), v.from, v.to])).toEqual([
      ['split_transaction', 'high', ['MON-1', 'MON-2', 'MON-3'], '2026-11-16', '2026-11-20'],
    ]);
    expect(result.violations[0]!.detail).toContain('14,400');

    const again = run(['import-approvals', csv], env); // every reference is taken now: nothing written
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/3 with errors/);
  }, 600_000);
});
