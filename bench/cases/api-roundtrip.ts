import Fastify from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../../server/app.ts';
import { seedDemo, DEMO_PASSWORD } from '../../server/demo/seed.ts';
import { CSRF_HEADER } from '../../shared/http.ts';
import { medianMs, sessionCookie, type BenchCase } from '../harness.ts';
import { measureRoundtripsInChild } from './roundtrip-client.ts';

const ITERATIONS = 1000;

/**
 * The fixed cost of one API call as a browser pays it: a signed-in tRPC query over keep-alive HTTP
 * from another process (cookie → session lookup → role check → query → JSON), against what no
 * server can avoid — one `SELECT 1` on the same database plus one keep-alive round trip to a bare
 * Fastify route from the same client. The ratio is our overhead, not the network's.
 */
export const apiRoundtrip: BenchCase = {
  name: 'api-roundtrip',
  async run({ database }) {
    await seedDemo(database.db);
    const app = await buildApp({ database, production: true, secureCookies: false, logLevel: 'silent', clientDir: '/nonexistent' });
    const bare = Fastify({ logger: false });
    bare.get('/ping', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    await bare.listen({ port: 0, host: '127.0.0.1' });
    try {
      const port = (s: typeof app.server) => {
        const a = s.address();
        return typeof a === 'object' && a ? a.port : 0;
      };
      const base = `http://127.0.0.1:${port(app.server)}/api/trpc`;
      const login = await fetch(`${base}/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [CSRF_HEADER]: '1' },
        body: JSON.stringify({ username: 'viewer', password: DEMO_PASSWORD }),
      });
      const cookie = sessionCookie(login);
      const select1 = await medianMs(() => sql`select 1`.execute(database.db), ITERATIONS);
      const http = await measureRoundtripsInChild({
        iterations: ITERATIONS,
        rounds: 5,
        targets: [
          { name: 'bare', url: `http://127.0.0.1:${port(bare.server)}/ping` },
          { name: 'trpc', url: `${base}/org.dutyCategories`, headers: { cookie } },
        ],
      });
      const baseline = select1 + http.bare!;
      return {
        ratio: http.trpc! / baseline,
        details:
          `trpc_median_ms=${http.trpc!.toFixed(3)} baseline_ms=${baseline.toFixed(3)} ` +
          `(select1_ms=${select1.toFixed(3)} + bare_http_ms=${http.bare!.toFixed(3)}) iterations=${ITERATIONS} ` +
          `query=org.dutyCategories client=child-process keep-alive`,
      };
    } finally {
      await bare.close();
      await app.close();
    }
  },
};
