import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeApi, failure, TEST_PASSWORD } from './harness.ts';
import { memoryCookie } from '../../server/trpc/context.ts';
import { findSessionUser, hashToken } from '../../server/auth/sessions.ts';
import { THROTTLE } from '../../server/auth/throttle.ts';

describeApi('sign-in and sessions', (env) => {
  it('signs in, sets a session cookie whose row is stored hashed, and knows the user', async () => {
    const cookie = memoryCookie();
    const user = await env().caller(null, { cookie }).auth.login({ username: 'Auditor1', password: TEST_PASSWORD });
    expect(user).toMatchObject({ username: 'auditor1', role: 'auditor' });
    expect(cookie.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const stored = await env().db.selectFrom('session').select('token_hash').execute();
    expect(stored).toEqual([{ token_hash: hashToken(cookie.token!) }]);
    expect(await findSessionUser(env().db, cookie.token!)).toMatchObject({ username: 'auditor1' });
    const trail = await env().caller('admin').trail.list({ entity: 'session' });
    expect(trail.rows[0]).toMatchObject({ actor: 'auditor1', action: 'login' });
  });

  it('gives one generic message for a wrong password and an unknown user', async () => {
    const anon = env().caller(null);
    const wrong = await failure(anon.auth.login({ username: 'auditor1', password: 'nope-nope-1' }));
    const unknown = await failure(anon.auth.login({ username: 'nobody', password: 'nope-nope-1' }));
    expect(wrong).toMatchObject({ code: 'UNAUTHORIZED', message: '用户名或密码错误。' });
    expect(unknown.message).toBe(wrong.message);
    const en = await failure(env().caller(null, { locale: 'en' }).auth.login({ username: 'x', password: 'y' }), 'en');
    expect(en.message).toBe('Wrong username or password.');
  });

  it('throttles a username after repeated failures, even with the right password then', async () => {
    const anon = env().caller(null, { address: '10.0.0.5' });
    for (let i = 0; i < THROTTLE.perUser; i++) {
      await failure(anon.auth.login({ username: 'viewer1', password: `wrong-${i}-pass` }));
    }
    const throttled = await failure(anon.auth.login({ username: 'viewer1', password: TEST_PASSWORD }));
    expect(throttled).toMatchObject({ code: 'TOO_MANY_REQUESTS', httpStatus: 429, message: '尝试次数过多，请 1 分钟后再试。' });
    // another user from another address is not affected
    await expect(env().caller(null, { address: '10.0.0.6' }).auth.login({ username: 'auditor1', password: TEST_PASSWORD })).resolves.toBeTruthy();
  });

  it('throttles an address that tries many usernames', async () => {
    const anon = env().caller(null, { address: '10.9.9.9' });
    for (let i = 0; i < THROTTLE.perAddress; i++) await failure(anon.auth.login({ username: `guess${i}`, password: 'wrong-pass-1' }));
    expect((await failure(anon.auth.login({ username: 'admin1', password: TEST_PASSWORD }))).code).toBe('TOO_MANY_REQUESTS');
  });

  it('rotates the session on sign-in and ends it on sign-out', async () => {
    const cookie = memoryCookie();
    await env().caller(null, { cookie }).auth.login({ username: 'designer1', password: TEST_PASSWORD });
    const first = cookie.token!;
    await env().caller(null, { cookie }).auth.login({ username: 'designer1', password: TEST_PASSWORD });
    expect(cookie.token).not.toBe(first);
    expect(await findSessionUser(env().db, first)).toBeNull();
    const second = cookie.token!;
    await env().caller('designer', { cookie }).auth.logout();
    expect(cookie.token).toBeNull();
    expect(await findSessionUser(env().db, second)).toBeNull();
  });

  it('does not accept an expired session or an inactive user', async () => {
    const cookie = memoryCookie();
    await env().caller(null, { cookie }).auth.login({ username: 'viewer1', password: TEST_PASSWORD });
    await env().db.updateTable('session').set({ expires_at: sql<string>`now() - interval '1 minute'` }).execute();
    expect(await findSessionUser(env().db, cookie.token!)).toBeNull();
    await env().db.updateTable('app_user').set({ active: false }).where('username', '=', 'viewer1').execute();
    const err = await failure(env().caller(null).auth.login({ username: 'viewer1', password: TEST_PASSWORD }));
    expect(err.code).toBe('UNAUTHORIZED');
  });

  it('changes the password under the policy and ends the other sessions', async () => {
    const mine = memoryCookie();
    const other = memoryCookie();
    await env().caller(null, { cookie: mine }).auth.login({ username: 'auditor1', password: TEST_PASSWORD });
    await env().caller(null, { cookie: other }).auth.login({ username: 'auditor1', password: TEST_PASSWORD });
    const me = env().caller('auditor', { cookie: mine });

    const wrong = await failure(me.auth.changePassword({ currentPassword: 'not-it-123', newPassword: 'NewSecret2026' }));
    expect(wrong.message).toBe('当前密码不正确。');
    const weak = await failure(me.auth.changePassword({ currentPassword: TEST_PASSWORD, newPassword: 'abcdefghijk' }));
    expect(weak.fieldErrors?.newPassword).toEqual(['密码至少 10 位，且须同时包含字母和数字。']);
    const withName = await failure(me.auth.changePassword({ currentPassword: TEST_PASSWORD, newPassword: 'auditor1-2026x' }));
    expect(withName.message).toBe('密码不能包含用户名。');

    await me.auth.changePassword({ currentPassword: TEST_PASSWORD, newPassword: 'NewSecret2026' });
    expect(await findSessionUser(env().db, mine.token!)).not.toBeNull();
    expect(await findSessionUser(env().db, other.token!)).toBeNull();
    await expect(env().caller(null).auth.login({ username: 'auditor1', password: 'NewSecret2026' })).resolves.toBeTruthy();
    expect((await failure(env().caller(null).auth.login({ username: 'auditor1', password: TEST_PASSWORD }))).code).toBe('UNAUTHORIZED');
  });

  it('remembers the user language', async () => {
    await env().caller('viewer').auth.setLocale({ locale: 'en' });
    const row = await env().db.selectFrom('app_user').select('locale').where('username', '=', 'viewer1').executeTakeFirstOrThrow();
    expect(row.locale).toBe('en');
  });
});
