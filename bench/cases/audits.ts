import { sql } from 'kysely';
import type { Db } from '../../server/db/connect.ts';
import { buildApp } from '../../server/app.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { scores } from '../../server/audits/service.ts';
import { clearScoringCaches } from '../../server/audits/scoring-digest.ts';
import { DEFAULT_SAMPLE_SIZES, ELEMENTS } from '../../shared/scoring.ts';
import type { SnapshotControl } from '../../shared/controls.ts';
import { CSRF_HEADER } from '../../shared/http.ts';
import { sessionCookie, type BenchCase } from '../harness.ts';
import { runTestersInChild, type Ack } from './save-load.ts';

const PROCESS_BASE = 1_000_000;
const STEP_BASE = 2_000_000;
const CONTROL_BASE = 3_000_000;

interface Fixture {
  auditId: number;
  testIds: number[];
  leadUserId: number;
}

/**
 * An audit bulk-inserted with SQL: units, a manual with one published version (snapshot of
 * `processes` processes, a step each and `controls` controls, every 20th shared into the next
 * process), the audit in fieldwork and one test row per control with a mix of results.
 */
export async function auditFixture(db: Db, opts: { controls: number; processes: number; units: number; results: boolean }): Promise<Fixture> {
  const units = await sql<{ id: number }>`
    insert into org_unit (code, name) select 'AU' || g, '单位 ' || g from generate_series(1, ${opts.units}) g returning id`.execute(db);
  const unitIds = units.rows.map((r) => r.id);
  const manual = await db.insertInto('manual').values({ code: 'BENCH', title: 'Bench manual', numbering_style: 'decimal', created_at: undefined, updated_at: undefined }).returning('id').executeTakeFirstOrThrow();
  const lead = await db
    .insertInto('app_user')
    .values({ username: 'bench-lead', display_name: 'Bench lead', role: 'auditor', password_hash: 'x' })
    .returning('id')
    .executeTakeFirstOrThrow();

  const nodes: unknown[] = [];
  for (let p = 0; p < opts.processes; p++) {
    nodes.push({ id: PROCESS_BASE + p, parentId: null, orderKey: `a${p}`, kind: 'process', title: `流程 ${p + 1}`, body: '', number: `${p + 1}`, depth: 0, status: 'active' });
    nodes.push({ id: STEP_BASE + p, parentId: PROCESS_BASE + p, orderKey: 'a0', kind: 'step', title: `步骤 ${p + 1}.1`, body: '', number: `${p + 1}.1`, depth: 1, status: null });
  }
  const perProcess = Math.ceil(opts.controls / opts.processes);
  for (let i = 0; i < opts.controls; i++) {
    const p = Math.floor(i / perProcess);
    const isKey = i % 4 === 0;
    const control: SnapshotControl = {
      isKey,
      weight: isKey ? 3 : 1,
      weightOverride: null,
      objective: '',
      risk: '',
      nature: 'preventive',
      automation: 'manual',
      frequency: 'monthly',
      ownerPositionId: null,
      ownerPositionName: null,
      ownerUnitId: unitIds[i % unitIds.length]!,
      ownerUnitName: null,
      evidenceTypes: ['work_record'],
      inspections: [],
      scoringMethod: 'binary',
      tolerance: 0,
      element: ELEMENTS[i % ELEMENTS.length]!,
      checkedDuty: null,
      linkedHostIds: i % 20 === 0 ? [STEP_BASE + ((p + 1) % opts.processes)] : [],
    };
    nodes.push({ id: CONTROL_BASE + i, parentId: STEP_BASE + p, orderKey: `a${i}`, kind: 'control', title: `控制点 ${i + 1}`, body: '', number: `${p + 1}.1.${(i % perProcess) + 1}`, depth: 2, status: null, control });
  }
  const version = await db
    .insertInto('manual_version')
    .values({ manual_id: manual.id, version_no: 1, published_by: 'bench', numbering_style: 'decimal', node_count: nodes.length, snapshot: JSON.stringify(nodes) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const processIds = Array.from({ length: opts.processes }, (_, p) => PROCESS_BASE + p);
  const audit = await db
    .insertInto('audit')
    .values({
      manual_id: manual.id,
      manual_version_id: version.id,
      name: 'Bench audit',
      period_from: '2026-01-01',
      period_to: '2026-12-31',
      base_date: '2026-12-31',
      scope_process_ids: processIds,
      lead_user_id: lead.id,
      status: 'fieldwork',
      sample_sizes: JSON.stringify(DEFAULT_SAMPLE_SIZES),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (opts.results) {
    // 5% not applicable, 3% not operated, 2% not tested, the rest tested with r ∈ {1, 0.8, 0.6, 0}
    await sql`
      insert into audit_test (audit_id, control_id, applicability, na_reason, design, samples_tested, exceptions, r, state)
      select ${audit.id}, ${CONTROL_BASE} + g,
             case when g % 100 < 5 then 'not_applicable' when g % 100 < 8 then 'not_operated' else 'applicable' end,
             case when g % 100 < 5 then 'no such business' else '' end,
             case when g % 100 >= 10 then 'effective' end,
             case when g % 100 >= 10 then 5 end,
             case when g % 100 >= 10 then 0 end,
             case when g % 100 < 10 then null when g % 7 = 0 then 0.6 when g % 5 = 0 then 0.8 when g % 11 = 0 then 0 else 1 end,
             case when g % 100 < 5 then 'not_applicable' when g % 100 < 8 then 'not_operated' when g % 100 < 10 then 'not_tested' else 'tested' end
      from generate_series(0, ${opts.controls - 1}) g`.execute(db);
    // a few findings: on controls (capping) and on processes (deducting)
    await sql`
      insert into finding (audit_id, code, nature, severity, title, process_id)
      select ${audit.id}, 'F-' || g, 'operating', case when g % 10 = 0 then 'significant' else 'general' end, 'finding ' || g,
             case when g % 2 = 0 then ${PROCESS_BASE} + g * 7 end
      from generate_series(1, 60) g`.execute(db);
    await sql`
      insert into finding_control (finding_id, control_id)
      select f.id, ${CONTROL_BASE} + (f.id * 331) % ${opts.controls} from finding f where f.audit_id = ${audit.id} and f.process_id is null`.execute(db);
  } else {
    await sql`insert into audit_test (audit_id, control_id) select ${audit.id}, ${CONTROL_BASE} + g from generate_series(0, ${opts.controls - 1}) g`.execute(db);
  }
  await sql`analyze`.execute(db);
  const tests = await db.selectFrom('audit_test').select('id').where('audit_id', '=', audit.id).orderBy('id').execute();
  return { auditId: audit.id, testIds: tests.map((t) => t.id), leadUserId: lead.id };
}

/** Median wall times (ms) of each fn, run alternately: one round = each fn once. */
async function interleavedMedians(fns: (() => Promise<unknown>)[], rounds: number, warmup: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) for (const fn of fns) await fn();
  const times = fns.map(() => [] as number[]);
  for (let i = 0; i < rounds; i++) {
    for (const [k, fn] of fns.entries()) {
      const t0 = performance.now();
      await fn();
      times[k]!.push(performance.now() - t0);
    }
  }
  return times.map((t) => {
    t.sort((a, b) => a - b);
    const mid = t.length >> 1;
    return t.length % 2 ? t[mid]! : (t[mid - 1]! + t[mid]!) / 2;
  });
}

const ROLLUP = { controls: 20_000, processes: 500, units: 50 };
const ROLLUP_ITERATIONS = 21;
const COLD_ITERATIONS = 5;

/**
 * The full roll-up (`scores`: load results and findings, every level, deductions, caps) of a
 * 20,000-control audit, against a bare SQL `SUM(w·r)/SUM(w) … GROUP BY process` over the same
 * rows (weights and process links in a plain table).
 */
export const scoreRollup: BenchCase = {
  name: 'score-rollup',
  async run({ database }) {
    const db = database.db;
    const { auditId } = await auditFixture(db, { ...ROLLUP, results: true });
    // the same control → process links and weights the snapshot holds, as a table for the baseline
    await sql`create table bench_control_process (control_id integer not null, process_id integer not null, w numeric not null)`.execute(db);
    const perProcess = Math.ceil(ROLLUP.controls / ROLLUP.processes);
    await sql`
      insert into bench_control_process
      select ${CONTROL_BASE} + g, ${PROCESS_BASE} + g / ${perProcess}, case when g % 4 = 0 then 3 else 1 end from generate_series(0, ${ROLLUP.controls - 1}) g
      union all
      select ${CONTROL_BASE} + g, ${PROCESS_BASE} + (g / ${perProcess} + 1) % ${ROLLUP.processes}, case when g % 4 = 0 then 3 else 1 end
      from generate_series(0, ${ROLLUP.controls - 1}) g where g % 20 = 0`.execute(db);
    await sql`create index on bench_control_process (control_id)`.execute(db);
    await sql`analyze bench_control_process`.execute(db);

    let processCount = 0;
    const bare = async () => {
      const { rows } = await sql<{ process_id: number; score: number }>`
        select c.process_id, 100 * sum(c.w * t.r) / sum(c.w) as score
        from audit_test t join bench_control_process c on c.control_id = t.control_id
        where t.audit_id = ${auditId} and t.state = 'tested'
        group by c.process_id`.execute(db);
      processCount = rows.length;
    };
    let report: Awaited<ReturnType<typeof scores>> | undefined;
    const full = async () => {
      report = await scores(db, auditId);
    };
    // interleaved, so both see the same machine load (the box is shared)
    const [baseline, feature] = (await interleavedMedians([bare, full], ROLLUP_ITERATIONS, 3)) as [number, number];
    // cold: what the first auditor after a restart (or after a new version) waits for — every
    // in-process cache of the version and its scoring list dropped before each call
    const cold = async () => {
      clearScoringCaches();
      await full();
    };
    // the version was written by SQL, not published: its first roll-up ever builds and stores the
    // scoring digest (publishing does that in the app) — timed alone, then the cold calls after a restart
    const t0 = performance.now();
    await cold();
    const firstEver = performance.now() - t0;
    const [coldBaseline, coldFeature] = (await interleavedMedians([bare, cold], COLD_ITERATIONS, 0)) as [number, number];
    const company = report!.company.value!.toFixed(2);
    return {
      ratio: feature / baseline,
      details:
        `cold_ratio=${(coldFeature / coldBaseline).toFixed(2)} cold_scores_median_ms=${coldFeature.toFixed(1)} cold_sql_group_by_median_ms=${coldBaseline.toFixed(1)} cold_iterations=${COLD_ITERATIONS} first_ever_ms=${firstEver.toFixed(0)} ` +
        `scores_median_ms=${feature.toFixed(1)} sql_group_by_median_ms=${baseline.toFixed(1)} controls=${ROLLUP.controls} processes=${ROLLUP.processes} ` +
        `units=${ROLLUP.units} sql_processes=${processCount} company=${company} levels=step,process,unit,element,company findings=60 iterations=${ROLLUP_ITERATIONS}`,
    };
  },
};

const TESTERS = 50;
const SAVE_CONTROLS = 1_000;
const SAVE_PROCESSES = 50;
/** tests every tester also works on: the contention */
const HOT = 10;
/** open loop: each tester saves once per second for 30 s */
const OPEN_SAVES = 30;
const OPEN_INTERVAL_MS = 1_000;
/** the lone tester on an idle server */
const LONE_SAVES = 40;
/** closed loop (saturation) and its raw SQL twin */
const SATURATION_MS = 8_000;

/** Acknowledged saves not in the database, and saves in it nobody was told about. */
export async function verifySaves(db: Db, auditId: number, acks: Ack[]) {
  const rows = await db.selectFrom('audit_test').select(['id', 'version', 'notes']).where('audit_id', '=', auditId).execute();
  const trail = await db
    .selectFrom('audit_trail')
    .select([sql<number>`(after->>'version')::int`.as('version'), 'entity_id'])
    .where('entity', '=', 'audit_test')
    .where('action', '=', 'update')
    .execute();
  const trailKeys = new Set(trail.map((t) => `${t.entity_id}:${t.version}`));
  // lost = acknowledged saves whose result is not there: a version acknowledged twice (one
  // overwrote the other), beyond the row's version, without its trail row, or the row not
  // holding the last acknowledged save
  let lost = 0;
  let unacknowledged = 0;
  const byTest = new Map<number, Ack[]>();
  for (const a of acks) byTest.set(a.testId, [...(byTest.get(a.testId) ?? []), a]);
  for (const row of rows) {
    const list = (byTest.get(row.id) ?? []).sort((a, b) => a.version - b.version);
    const versions = new Set(list.map((a) => a.version));
    lost += list.length - versions.size;
    lost += list.filter((a) => a.version > row.version || !trailKeys.has(`${a.testId}:${a.version}`)).length;
    if (list.length && list[list.length - 1]!.notes !== row.notes) lost++;
    unacknowledged += Math.max(0, row.version - 1 - versions.size);
  }
  return { lost, unacknowledged };
}

/**
 * The writes of one save as raw SQL in one transaction — version-checked update of the test row,
 * its evidence replaced, one trail row (under another entity name, so the check above ignores
 * it) — by `workers` concurrent loops for `ms`: the database's own rate for the same work.
 */
async function rawSaveRate(db: Db, testIds: number[], workers: number, ms: number): Promise<number> {
  const deadline = performance.now() + ms;
  const t0 = performance.now();
  let done = 0;
  const worker = async (w: number) => {
    for (let seq = 0; performance.now() < deadline; seq++) {
      const id = testIds[(w * 97 + seq) % testIds.length]!;
      await db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ version: number }>`select version from audit_test where id = ${id}`.execute(trx);
        const version = rows[0]!.version;
        const updated = await sql`
          update audit_test set applicability = 'applicable', design = 'effective', sample_size = 5, samples_tested = 5, exceptions = ${seq % 3 === 0 ? 1 : 0},
                 r = ${seq % 3 === 0 ? 0 : 1}, state = 'tested', notes = ${`raw ${w} ${seq}`}, version = version + 1, updated_at = now(), updated_by = 'raw'
          where id = ${id} and version = ${version} returning version`.execute(trx);
        if (!updated.rows.length) return;
        await sql`delete from audit_evidence where test_id = ${id}`.execute(trx);
        await sql`insert into audit_evidence (test_id, evidence_type, status, reference) values (${id}, 'work_record', 'seen', ${`R-${w}-${seq}`})`.execute(trx);
        await sql`insert into audit_trail (actor_username, entity, entity_id, action, before, after)
                  values ('raw', 'bench_raw_save', ${String(id)}, 'update', ${JSON.stringify({ version })}, ${JSON.stringify({ version: version + 1 })})`.execute(trx);
        done++;
      });
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return (done / (performance.now() - t0)) * 1000;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

/**
 * What 50 testers feel: each saves once per second for 30 s over real HTTP (open loop, from a
 * child process, see save-load.ts); ratio = p99 of due → acknowledged / the median save of one
 * tester alone on the idle server. saturation_ratio = the same writes as raw SQL transactions
 * per second at the same concurrency / the saves per second 50 testers get saving back-to-back.
 * Every acknowledged save must be in the database afterwards (verifySaves); the bench fails when
 * any was lost or any request failed.
 */
export const concurrentSave: BenchCase = {
  name: 'concurrent-save',
  async run({ database }) {
    const db = database.db;
    const { auditId, testIds } = await auditFixture(db, { controls: SAVE_CONTROLS, processes: SAVE_PROCESSES, units: 10, results: false });
    const password = 'BenchPassword2026';
    const hash = await hashPassword(password);
    const testers = await db
      .insertInto('app_user')
      .values(Array.from({ length: TESTERS }, (_, i) => ({ username: `tester${i}`, display_name: `测试员 ${i}`, role: 'auditor' as const, password_hash: hash })))
      .returning('id')
      .execute();
    // testers save only the processes they are assigned (audits/access.ts): each tester is on every process, as a team sharing an audit is
    await db
      .insertInto('audit_tester')
      .values(testers.flatMap((t) => Array.from({ length: SAVE_PROCESSES }, (_, p) => ({ audit_id: auditId, process_id: PROCESS_BASE + p, user_id: t.id }))))
      .execute();

    const app = await buildApp({ database, production: true, secureCookies: false, logLevel: 'silent', clientDir: '/nonexistent' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = app.server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/trpc`;
      const headers = { 'content-type': 'application/json', [CSRF_HEADER]: '1' };
      const cookies: string[] = [];
      for (let i = 0; i < TESTERS; i++) {
        const login = await fetch(`${base}/auth.login`, { method: 'POST', headers, body: JSON.stringify({ username: `tester${i}`, password }) });
        if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
        cookies.push(sessionCookie(login));
      }

      // one tester alone on the idle server, on the last 20 controls: no tester's own share reaches them
      const lone = await runTestersInChild({ base, cookies: [cookies[0]!], testIds: testIds.slice(-20), hot: 0, mode: 'closed', savesPerTester: LONE_SAVES, timeLimitMs: 60_000 });
      const loneSorted = [...lone.latencies].sort((a, b) => a - b);
      const loneMedian = percentile(loneSorted, 50);

      const open = await runTestersInChild({ base, cookies, testIds, hot: HOT, mode: 'open', savesPerTester: OPEN_SAVES, timeLimitMs: 0, intervalMs: OPEN_INTERVAL_MS });
      const closed = await runTestersInChild({ base, cookies, testIds, hot: HOT, mode: 'closed', savesPerTester: 1_000_000, timeLimitMs: SATURATION_MS });

      // every acknowledged save of all three phases is in the database
      const { lost, unacknowledged } = await verifySaves(db, auditId, [...lone.acks, ...open.acks, ...closed.acks]);
      const errors = lone.errors + open.errors + closed.errors;
      const kinds: Record<string, number> = {};
      for (const r of [lone, open, closed]) for (const [k, n] of Object.entries(r.errorKinds)) kinds[k] = (kinds[k] ?? 0) + n;
      const errorKinds = Object.entries(kinds).map(([k, n]) => `${k}:${n}`).join(',') || 'none';
      const savesPerS = (closed.acks.length / closed.elapsedMs) * 1000;
      const rawPerS = await rawSaveRate(db, testIds, TESTERS, SATURATION_MS);

      const latencies = [...open.latencies].sort((a, b) => a - b);
      const p99 = percentile(latencies, 99);
      const expected = TESTERS * OPEN_SAVES;
      return {
        ratio: p99 / loneMedian,
        details:
          `p99_ms=${p99.toFixed(1)} p50_ms=${percentile(latencies, 50).toFixed(1)} p90_ms=${percentile(latencies, 90).toFixed(1)} max_ms=${(latencies.at(-1) ?? NaN).toFixed(1)} ` +
          `lone_save_median_ms=${loneMedian.toFixed(1)} testers=${TESTERS} open_loop=${OPEN_SAVES}x${OPEN_INTERVAL_MS}ms saves=${open.acks.length}/${expected} conflicts=${open.conflicts} ` +
          `saturation_ratio=${(rawPerS / savesPerS).toFixed(2)} saturation_saves_per_s=${savesPerS.toFixed(0)} raw_sql_saves_per_s=${rawPerS.toFixed(0)} ` +
          `errors=${errors} error_kinds=${errorKinds} unacknowledged=${unacknowledged} lost=${lost}`,
        failure:
          lost || errors || open.acks.length !== expected
            ? `lost=${lost} errors=${errors} open-loop saves acknowledged ${open.acks.length} of ${expected}`
            : undefined,
      };
    } finally {
      await app.close();
    }
  },
};
