import { expect, it } from 'vitest';
import { describeApi, failure } from './harness.ts';
import { memoryCookie } from '../../server/trpc/context.ts';
import { findSessionUser } from '../../server/auth/sessions.ts';

describeApi('user administration', (env) => {
  const newUser = { username: 'chen.gang', displayName: '陈刚', role: 'designer' as const, password: 'Welcome2026x' };

  it('creates a user who can sign in, and refuses a duplicate username', async () => {
    const admin = env().caller('admin');
    const created = await admin.users.create(newUser);
    expect(created).toMatchObject({ username: 'chen.gang', role: 'designer', active: true });
    expect(created).not.toHaveProperty('passwordHash');
    await expect(env().caller(null).auth.login({ username: 'chen.gang', password: 'Welcome2026x' })).resolves.toMatchObject({ role: 'designer' });
    const dup = await failure(admin.users.create(newUser));
    expect(dup).toMatchObject({ code: 'CONFLICT', message: '用户名“chen.gang”已存在。' });
    const list = await admin.users.list();
    expect(list.map((u) => u.username)).toContain('chen.gang');
  });

  it('ends sessions when the role changes, and never leaves the system without an admin', async () => {
    const admin = env().caller('admin');
    const u = await admin.users.create(newUser);
    const cookie = memoryCookie();
    await env().caller(null, { cookie }).auth.login({ username: 'chen.gang', password: 'Welcome2026x' });
    await admin.users.update({ id: u.id, data: { displayName: '陈刚', role: 'viewer', personId: null, locale: 'zh-CN', active: true } });
    expect(await findSessionUser(env().db, cookie.token!)).toBeNull();

    const me = env().users.admin;
    const self = await failure(admin.users.update({ id: me.id, data: { displayName: 'x', role: 'admin', personId: null, locale: 'zh-CN', active: false } }));
    expect(self.message).toBe('不能停用自己的账号。');
    const demote = await failure(admin.users.update({ id: me.id, data: { displayName: 'x', role: 'viewer', personId: null, locale: 'en', active: true } }), 'en');
    expect(demote).toMatchObject({ code: 'PRECONDITION_FAILED', message: 'The last active administrator cannot be deactivated or given another role.' });
  });

  it('resets a password under the policy and signs the user out everywhere', async () => {
    const admin = env().caller('admin');
    const u = await admin.users.create(newUser);
    const cookie = memoryCookie();
    await env().caller(null, { cookie }).auth.login({ username: 'chen.gang', password: 'Welcome2026x' });
    const weak = await failure(admin.users.resetPassword({ id: u.id, password: 'short1' }));
    expect(weak.fieldErrors?.password?.length).toBeGreaterThan(0);
    await admin.users.resetPassword({ id: u.id, password: 'Another2026y' });
    expect(await findSessionUser(env().db, cookie.token!)).toBeNull();
    await expect(env().caller(null).auth.login({ username: 'chen.gang', password: 'Another2026y' })).resolves.toBeTruthy();
    const trail = await admin.trail.list({ entity: 'app_user', entityId: String(u.id) });
    expect(trail.rows.map((r) => r.action)).toEqual(['reset_password', 'create']);
    expect(JSON.stringify(trail.rows)).not.toMatch(/scrypt/); // no password hashes in the trail
  });
});
