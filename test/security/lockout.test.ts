import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeApi, failure, TEST_PASSWORD } from '../api/harness.ts';
import { memoryCookie } from '../../server/trpc/context.ts';

// Issue #19, defect 3: five wrong passwords (anyone's) locked the real user out for 15 minutes.
describeApi('account backoff that does not lock the owner out', (env) => {
  const wrongFive = async (username: string, address = '198.51.100.66') => {
    const attacker = env().caller(null, { address });
    for (let i = 0; i < 5; i++) await failure(attacker.auth.login({ username, password: `guess-${i}-pass` }));
  };

  it('lets the right password through from a browser that has signed in as this user before', async () => {
    const device = memoryCookie();
    await env().caller(null, { cookie: device, address: '10.2.0.1' }).auth.login({ username: 'auditor1', password: TEST_PASSWORD });
    expect(device.device).toBeTruthy();
    await wrongFive('auditor1');
    // a new browser is refused with the time it may try again …
    const stranger = await failure(env().caller(null, { address: '10.2.0.1' }).auth.login({ username: 'auditor1', password: TEST_PASSWORD }));
    expect(stranger.code).toBe('TOO_MANY_REQUESTS');
    expect(Date.parse(stranger.retryAt!)).toBeGreaterThan(Date.now());
    // … the owner's own browser is not
    const owner = memoryCookie(null, device.device);
    await expect(env().caller(null, { cookie: owner, address: '10.2.0.1' }).auth.login({ username: 'auditor1', password: TEST_PASSWORD })).resolves.toMatchObject({ username: 'auditor1' });
    expect(owner.token).toBeTruthy();
  });

  it('a known device of one user is no pass for another, and five wrong passwords use it up', async () => {
    const device = memoryCookie();
    await env().caller(null, { cookie: device }).auth.login({ username: 'viewer1', password: TEST_PASSWORD });
    await wrongFive('designer1');
    const other = await failure(env().caller(null, { cookie: memoryCookie(null, device.device) }).auth.login({ username: 'designer1', password: TEST_PASSWORD }));
    expect(other.code).toBe('TOO_MANY_REQUESTS');
    // a stolen device cookie gives five guesses, then it is a stranger again
    await wrongFive('viewer1');
    for (let i = 0; i < 5; i++) {
      const err = await failure(env().caller(null, { cookie: memoryCookie(null, device.device) }).auth.login({ username: 'viewer1', password: `steal-${i}-pass` }));
      expect(err.code).toBe('UNAUTHORIZED');
    }
    const spent = await failure(env().caller(null, { cookie: memoryCookie(null, device.device) }).auth.login({ username: 'viewer1', password: TEST_PASSWORD }));
    expect(spent.code).toBe('TOO_MANY_REQUESTS');
  });

  it('backs off exponentially: after the wait one more attempt, then a longer wait', async () => {
    await wrongFive('designer1');
    const first = await failure(env().caller(null).auth.login({ username: 'designer1', password: 'guess-x-pass' }));
    const wait1 = Date.parse(first.retryAt!) - Date.now();
    expect(wait1).toBeGreaterThan(30_000);
    expect(wait1).toBeLessThanOrEqual(60_000);
    // the wait passes
    await env().db.updateTable('login_throttle').set({ blocked_until: sql<string>`now() - interval '1 second'` }).where('key', '=', 'u:designer1').execute();
    expect((await failure(env().caller(null).auth.login({ username: 'designer1', password: 'guess-y-pass' }))).code).toBe('UNAUTHORIZED');
    const second = await failure(env().caller(null).auth.login({ username: 'designer1', password: TEST_PASSWORD }));
    expect(second.code).toBe('TOO_MANY_REQUESTS');
    expect(Date.parse(second.retryAt!) - Date.now()).toBeGreaterThan(90_000);
    const en = await failure(env().caller(null, { locale: 'en' }).auth.login({ username: 'designer1', password: TEST_PASSWORD }), 'en');
    expect(en.message).toMatch(/^Too many attempts; try again in [0-9]+ minutes?\.$/);
  });

  it('an administrator unlocks an account, with a trail row; nobody else may', async () => {
    await wrongFive('viewer1');
    expect((await failure(env().caller('designer').users.unlock({ id: env().users.viewer.id }))).code).toBe('FORBIDDEN');
    await env().caller('admin').users.unlock({ id: env().users.viewer.id });
    await expect(env().caller(null).auth.login({ username: 'viewer1', password: TEST_PASSWORD })).resolves.toMatchObject({ username: 'viewer1' });
    const trail = await env().caller('admin').trail.list({ entity: 'app_user' });
    expect(trail.rows.find((r) => r.action === 'unlock')).toMatchObject({ actor: 'admin1', entityId: String(env().users.viewer.id) });
    expect((await failure(env().caller('admin').users.unlock({ id: 2147483647 }))).code).toBe('NOT_FOUND');
  });
});
