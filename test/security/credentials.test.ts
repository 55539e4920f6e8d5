import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeApi, failure, TEST_PASSWORD } from '../api/harness.ts';
import { createInnerContext, memoryCookie } from '../../server/trpc/context.ts';
import { createCallerFactory } from '../../server/trpc/trpc.ts';
import { appRouter } from '../../server/trpc/app-router.ts';
import { findSessionUser } from '../../server/auth/sessions.ts';
import { DEMO_PASSWORD, seedDemo } from '../../server/demo/seed.ts';
import { httpApp } from './http.ts';

// Issue #19, defect 5: weak passwords accepted, the public demo admin password kept forever,
// sessions extended without end.
const createCaller = createCallerFactory(appRouter);

describeApi('credentials', (env) => {
  it('refuses common and repetitive passwords wherever one is set', async () => {
    const admin = env().caller('admin', { locale: 'en' });
    for (const weak of ['password12', 'aaaaaaaaa1', 'Qwerty123456', '1234567890a']) {
      const created = await failure(admin.users.create({ username: 'li.na', displayName: 'Li Na', role: 'viewer', password: weak }), 'en');
      expect(created.fieldErrors?.password, weak).toEqual(['This password is too common or too easy to guess.']);
    }
    const reset = await failure(admin.users.resetPassword({ id: env().users.viewer.id, password: 'password12' }));
    expect(reset.fieldErrors?.password).toEqual(['密码过于常见或容易猜到。']);
    await expect(admin.users.create({ username: 'li.na', displayName: 'Li Na', role: 'viewer', password: 'Ledger-Ox-2026' })).resolves.toBeTruthy();
  });

  it('makes the demo admin change its password on first sign-in when not in demo mode', async () => {
    await seedDemo(env().db, { forcePasswordChange: true });
    const cookie = memoryCookie();
    const signedIn = await env().caller(null, { cookie }).auth.login({ username: 'admin', password: DEMO_PASSWORD });
    expect(signedIn).toMatchObject({ username: 'admin', mustChangePassword: true });
    const as = async () => createCaller(createInnerContext({ db: env().db, user: await findSessionUser(env().db, cookie.token!), cookie }));
    expect((await (await as()).auth.me())?.mustChangePassword).toBe(true);
    const refused = await failure((await as()).users.list());
    expect(refused).toMatchObject({ code: 'FORBIDDEN', messageKey: 'errors.password.mustChange' });
    // file routes too: no backup download (nor any upload) before the change
    const { app } = await httpApp(env(), []);
    try {
      const backup = await app.inject({ method: 'GET', url: '/api/admin/backup', cookies: { cb_session: cookie.token! } });
      expect([backup.statusCode, backup.json().error.messageKey]).toEqual([403, 'errors.password.mustChange']);
    } finally {
      await app.close();
    }
    await (await as()).auth.changePassword({ currentPassword: DEMO_PASSWORD, newPassword: 'Ledger-Ox-2026' });
    await expect((await as()).users.list()).resolves.toBeTruthy();
    // the other demo users are not forced
    const designer = await env().caller(null).auth.login({ username: 'designer', password: DEMO_PASSWORD });
    expect(designer.mustChangePassword).toBe(false);
  });

  it('ends a session 7 days after sign-in however busy it is', async () => {
    const cookie = memoryCookie();
    await env().caller(null, { cookie }).auth.login({ username: 'viewer1', password: TEST_PASSWORD });
    await env().db.updateTable('session').set({ created_at: sql<string>`now() - interval '6 days 23 hours'` }).execute();
    expect(await findSessionUser(env().db, cookie.token!)).not.toBeNull();
    await env().db.updateTable('session').set({ created_at: sql<string>`now() - interval '7 days 1 minute'` }).execute();
    expect(await findSessionUser(env().db, cookie.token!)).toBeNull();
  });
});
