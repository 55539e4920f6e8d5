import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '../../server/trpc/app-router.ts';
import { CSRF_HEADER } from '../../shared/http.ts';
import { DEMO_PASSWORD } from './browser.ts';

export type Api = ReturnType<typeof createTRPCClient<AppRouter>>;

/** A tRPC client of the running test server signed in as `username` (session cookie kept by hand), to set up data. */
export async function apiAs(baseUrl: string, username: string): Promise<Api> {
  let cookie = '';
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl}/api/trpc`,
        headers: () => ({ [CSRF_HEADER]: '1', ...(cookie ? { cookie } : {}) }),
        fetch: async (url, init) => {
          const res = await fetch(url, init);
          const set = res.headers.getSetCookie();
          if (set.length) cookie = set.map((c) => c.split(';')[0]).join('; ');
          return res;
        },
      }),
    ],
  });
  await client.auth.login.mutate({ username, password: DEMO_PASSWORD });
  return client;
}
