import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The client side of `api-roundtrip`, run in a child process: a browser is another process, and a
 * client sharing the server's event loop would time its own work as the server's. Keep-alive
 * connections (fetch's default), so the figures are what a signed-in page pays per call.
 */
export interface RoundtripTarget {
  name: string;
  url: string;
  headers?: Record<string, string>;
}

export interface RoundtripPlan {
  targets: RoundtripTarget[];
  iterations: number;
  /** rounds alternate between targets so drift (GC, the other backend's noise) hits each alike */
  rounds: number;
}

/** median ms per target name */
export type RoundtripResult = Record<string, number>;

async function once(t: RoundtripTarget): Promise<void> {
  const res = await fetch(t.url, { headers: t.headers });
  if (!res.ok) throw new Error(`${t.name}: HTTP ${res.status}`);
  await res.arrayBuffer();
}

export async function measureRoundtrips(plan: RoundtripPlan): Promise<RoundtripResult> {
  const times = new Map<string, number[]>(plan.targets.map((t) => [t.name, []]));
  for (const t of plan.targets) for (let i = 0; i < 30; i++) await once(t); // warm-up: JIT, sockets
  const perRound = Math.ceil(plan.iterations / plan.rounds);
  for (let r = 0; r < plan.rounds; r++) {
    for (const t of plan.targets) {
      const list = times.get(t.name)!;
      for (let i = 0; i < perRound; i++) {
        const t0 = performance.now();
        await once(t);
        list.push(performance.now() - t0);
      }
    }
  }
  const result: RoundtripResult = {};
  for (const [name, list] of times) {
    list.sort((a, b) => a - b);
    result[name] = list[list.length >> 1]!;
  }
  return result;
}

export function measureRoundtripsInChild(plan: RoundtripPlan): Promise<RoundtripResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: RoundtripResult | undefined;
    child.on('message', (m) => (result = m as RoundtripResult));
    child.on('error', reject);
    child.on('close', (code) => (result ? resolve(result) : reject(new Error(`round-trip client exited with ${code} before reporting`))));
    child.send(plan);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  process.once('message', (plan) => {
    void measureRoundtrips(plan as RoundtripPlan).then(
      (result) => process.send!(result, () => process.exit(0)),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
