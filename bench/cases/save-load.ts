import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CSRF_HEADER } from '../../shared/http.ts';

/**
 * The load script of `concurrent-save`: testers saving audit results over HTTP, run in a child
 * process. Real testers are browsers on other machines; a load generator sharing the server's
 * event loop delays the server's socket reads behind its own work and made new connections wait
 * seconds, which is a property of the bench, not of the server.
 */
export interface SaveLoadPlan {
  /** `http://host:port/api/trpc` */
  base: string;
  /** one session cookie (`name=value`) per tester */
  cookies: string[];
  /** the audit's test ids: the first `hot` are shared by every tester, the rest split between them */
  testIds: number[];
  /** 0 = no shared controls */
  hot: number;
  /**
   * closed: each tester saves again as soon as its last save answered (throughput at saturation);
   * open: each tester starts a save every `intervalMs` whatever the server does, and the latency is
   * counted from the moment it was due, so a slow server cannot hide its queue (what users feel)
   */
  mode: 'closed' | 'open';
  savesPerTester: number;
  /** closed: stop after this long */
  timeLimitMs: number;
  /** open: time between one tester's saves */
  intervalMs?: number;
}

export interface Ack {
  testId: number;
  version: number;
  notes: string;
}

export interface SaveLoadResult {
  acks: Ack[];
  /** closed: round trip of every request (saves and conflicts); open: due time → acknowledged, per save; ms */
  latencies: number[];
  conflicts: number;
  errors: number;
  /** what the errors were: HTTP status or tRPC code, or the network error's name → count */
  errorKinds: Record<string, number>;
  elapsedMs: number;
}

interface SaveResponse {
  result?: { data: { version: number } };
  error?: { data?: { code?: string; current?: { version: number } } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Testers saving results: mostly their own controls, one in five on a shared "hot" control,
 * where the optimistic lock makes the slower one reload (data.current) and save again.
 */
export async function runTesters(plan: SaveLoadPlan): Promise<SaveLoadResult> {
  const headers = { 'content-type': 'application/json', [CSRF_HEADER]: '1' };
  const acks: Ack[] = [];
  const latencies: number[] = [];
  let conflicts = 0;
  let errors = 0;
  const errorKinds: Record<string, number> = {};
  const testers = plan.cookies.length;
  const ownShare = Math.floor((plan.testIds.length - plan.hot) / testers);
  const t0 = performance.now();
  const deadline = t0 + plan.timeLimitMs;
  const seen = plan.cookies.map(() => new Map<number, number>());

  const pick = (i: number, seq: number) =>
    plan.hot && seq % 5 === 4 ? plan.testIds[(i + seq) % plan.hot]! : plan.testIds[plan.hot + i * ownShare + (seq % ownShare)]!;

  /** one request; 'conflict' leaves the current version in `seen` for the retry */
  const request = async (i: number, seq: number, testId: number): Promise<'ok' | 'conflict' | 'error'> => {
    const notes = `tester ${i} save ${seq}`;
    const body = {
      testId,
      expectedVersion: seen[i]!.get(testId) ?? 1,
      data: {
        design: 'effective',
        sampleSize: 5,
        samplesTested: 5,
        exceptions: seq % 3 === 0 ? 1 : 0,
        notes,
        evidence: [{ evidenceType: 'work_record', status: 'seen', reference: `R-${i}-${seq}` }],
      },
    };
    let kind: string;
    try {
      const res = await fetch(`${plan.base}/audits.saveTest`, { method: 'POST', headers: { ...headers, cookie: plan.cookies[i]! }, body: JSON.stringify(body) });
      const json = (await res.json().catch(() => ({}))) as SaveResponse;
      if (res.ok && json.result) {
        acks.push({ testId, version: json.result.data.version, notes });
        seen[i]!.set(testId, json.result.data.version);
        return 'ok';
      }
      if (json.error?.data?.code === 'CONFLICT' && json.error.data.current) {
        conflicts++;
        seen[i]!.set(testId, json.error.data.current.version);
        return 'conflict';
      }
      kind = `${res.status}${json.error?.data?.code ? `:${json.error.data.code}` : ''}`;
    } catch (err) {
      // a refused, cut or timed-out connection is an error like a 5xx
      const cause = (err as { cause?: { code?: string; name?: string } }).cause;
      kind = cause?.code ?? cause?.name ?? (err as Error).name;
    }
    errors++;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    return 'error';
  };

  const closedTester = async (i: number) => {
    let seq = 0;
    while (seq < plan.savesPerTester && performance.now() < deadline) {
      const start = performance.now();
      const outcome = await request(i, seq, pick(i, seq));
      latencies.push(performance.now() - start);
      if (outcome !== 'conflict') seq++;
    }
  };

  const interval = plan.intervalMs ?? 1000;
  const openTester = async (i: number) => {
    // testers do not click in step: each starts at its own offset within the interval
    const offset = (i * interval) / testers;
    const saves: Promise<void>[] = [];
    for (let seq = 0; seq < plan.savesPerTester; seq++) {
      const due = t0 + offset + seq * interval;
      await sleep(due - performance.now());
      // not awaited: the next save is due on time even when this one is slow
      saves.push(
        (async () => {
          const testId = pick(i, seq);
          for (let attempt = 0; attempt < 20; attempt++) {
            const outcome = await request(i, seq, testId);
            if (outcome === 'ok') latencies.push(performance.now() - due);
            if (outcome !== 'conflict') return;
          }
        })(),
      );
    }
    await Promise.all(saves);
  };

  await Promise.all(Array.from({ length: testers }, (_, i) => (plan.mode === 'open' ? openTester(i) : closedTester(i))));
  return { acks, latencies, conflicts, errors, errorKinds, elapsedMs: performance.now() - t0 };
}

/** runTesters in a child process (this file, run through tsx). */
export function runTestersInChild(plan: SaveLoadPlan): Promise<SaveLoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: SaveLoadResult | undefined;
    child.on('message', (m) => (result = m as SaveLoadResult));
    child.on('error', reject);
    // 'close', not 'exit': it comes after the IPC channel has delivered every message
    child.on('close', (code) => (result ? resolve(result) : reject(new Error(`save load script exited with ${code} before reporting`))));
    child.send(plan);
  });
}

// as the child: one plan in, one result out
if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  process.once('message', (plan) => {
    void runTesters(plan as SaveLoadPlan).then(
      (result) => process.send!(result, () => process.exit(0)),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
