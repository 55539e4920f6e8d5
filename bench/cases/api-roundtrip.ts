import { sql } from 'kysely';
import { buildApp } from '../../server/app.ts';
import { seedDemo, DEMO_PASSWORD } from '../../server/demo/seed.ts';
import { CSRF_HEADER } from '../../shared/http.ts';
import { medianMs, sessionCookie, type BenchCase } from '../harness.ts';

const ITERATIONS = 300;

/**
 * The fixed cost of one API call: a signed-in tRPC query over real HTTP (cookie → session lookup →
 * role check → query → JSON) against a bare `SELECT 1` on the same database.
 */
export const apiRoundtrip: BenchCase = {
  name: 'api-roundtrip',
  async run({ database }) {
    await seedDemo(database.db);
    const app = await buildApp({ database, production: true, secureCookies: false, logLevel: 'silent', clientDir: '/nonexistent' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = app.server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/trpc`;
      const login = await fetch(`${base}/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [CSRF_HEADER]: '1' },
        body: JSON.stringify({ username: 'viewer', password: DEMO_PASSWORD }),
      });
      const cookie = sessionCookie(login);
      const query = async () => {
        const res = await fetch(`${base}/org.dutyCategories`, { headers: { cookie } });
        if (!res.ok) throw new Error(`tRPC query failed: ${res.status}`);
        await res.json();
      };
      const select1 = () => sql`select 1`.execute(database.db);
      const baseline = await medianMs(select1, ITERATIONS);
      const trpc = await medianMs(query, ITERATIONS);
      return {
        ratio: trpc / baseline,
        details: `trpc_http_median_ms=${trpc.toFixed(3)} select1_median_ms=${baseline.toFixed(3)} iterations=${ITERATIONS} query=org.dutyCategories`,
      };
    } finally {
      await app.close();
    }
  },
};
