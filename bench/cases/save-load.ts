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
  hot: number;
  savesPerTester: number;
  timeLimitMs: number;
}

export interface Ack {
  testId: number;
  version: number;
  notes: string;
}

export interface SaveLoadResult {
  acks: Ack[];
  /** round trip of every request (saves and conflicts), ms */
  latencies: number[];
  conflicts: number;
  errors: number;
  elapsedMs: number;
}

interface SaveResponse {
  result?: { data: { version: number } };
  error?: { data?: { code?: string; current?: { version: number } } };
}

/**
 * Each tester saves up to `savesPerTester` results or until the time limit: mostly its own
 * controls, one in five on a shared "hot" control, where the optimistic lock makes the slower one
 * reload (data.current) and save again.
 */
export async function runTesters(plan: SaveLoadPlan): Promise<SaveLoadResult> {
  const headers = { 'content-type': 'application/json', [CSRF_HEADER]: '1' };
  const acks: Ack[] = [];
  const latencies: number[] = [];
  let conflicts = 0;
  let errors = 0;
  const testers = plan.cookies.length;
  const ownShare = Math.floor((plan.testIds.length - plan.hot) / testers);
  const deadline = performance.now() + plan.timeLimitMs;

  const tester = async (i: number) => {
    const seen = new Map<number, number>();
    let seq = 0;
    while (seq < plan.savesPerTester && performance.now() < deadline) {
      const hot = seq % 5 === 4;
      const testId = hot ? plan.testIds[(i + seq) % plan.hot]! : plan.testIds[plan.hot + i * ownShare + (seq % ownShare)]!;
      const notes = `tester ${i} save ${seq}`;
      const body = {
        testId,
        expectedVersion: seen.get(testId) ?? 1,
        data: {
          design: 'effective',
          sampleSize: 5,
          samplesTested: 5,
          exceptions: seq % 3 === 0 ? 1 : 0,
          notes,
          evidence: [{ evidenceType: 'work_record', status: 'seen', reference: `R-${i}-${seq}` }],
        },
      };
      const t0 = performance.now();
      const res = await fetch(`${plan.base}/audits.saveTest`, { method: 'POST', headers: { ...headers, cookie: plan.cookies[i]! }, body: JSON.stringify(body) });
      const json = (await res.json()) as SaveResponse;
      latencies.push(performance.now() - t0);
      if (res.ok && json.result) {
        acks.push({ testId, version: json.result.data.version, notes });
        seen.set(testId, json.result.data.version);
        seq++;
      } else if (json.error?.data?.code === 'CONFLICT' && json.error.data.current) {
        conflicts++;
        seen.set(testId, json.error.data.current.version);
      } else {
        errors++;
        seq++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: testers }, (_, i) => tester(i)));
  return { acks, latencies, conflicts, errors, elapsedMs: performance.now() - t0 };
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
