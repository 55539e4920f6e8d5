import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { openDatabase, type Database } from '../../server/db/connect.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { seedDemo, DEMO_PASSWORD } from '../../server/demo/seed.ts';
import { checksumTables } from '../../server/ops/backup.ts';
import { restoreDatabase } from '../../server/ops/restore.ts';

// Admin downloads over HTTP: the backup file (restorable, identical checksums) and the trail as CSV.
describe('admin downloads', () => {
  let database: Database;
  let app: FastifyInstance;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    database = await openDatabase({ kind: 'pglite' });
    await migrateToLatest(database.db);
    await seedDemo(database.db);
    app = await buildApp({ database, production: true, secureCookies: false, logLevel: 'silent' });
    for (const username of ['admin', 'designer']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/trpc/auth.login',
        headers: { 'content-type': 'application/json', 'x-controlbook-csrf': '1' },
        payload: JSON.stringify({ username, password: DEMO_PASSWORD }),
      });
      cookies[username] = res.cookies.find((c) => c.name === 'cb_session')!.value;
    }
  });
  afterAll(async () => {
    await app.close();
    await database.close();
  });

  const get = (url: string, user?: string) => app.inject({ method: 'GET', url, cookies: user ? { cb_session: cookies[user]! } : {} });

  it('lets only an admin download a backup, which restores into an empty database with identical checksums', async () => {
    expect((await get('/api/admin/backup')).statusCode).toBe(401);
    const refused = await get('/api/admin/backup', 'designer');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toBe('您的角色（制度设计）无权执行此操作。');

    const res = await get('/api/admin/backup', 'admin');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/gzip');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="controlbook-\d{14}\.cbk"/);
    const target = await openDatabase({ kind: 'pglite' });
    try {
      await migrateToLatest(target.db);
      await restoreDatabase(target.db, Readable.from([res.rawPayload]));
      // the migration table keeps the target's own timestamps; every data table is identical
      const data = async (db: Database['db']) => (await checksumTables(db)).filter((t) => t.name !== 'kysely_migration');
      expect(await data(target.db)).toEqual(await data(database.db));
    } finally {
      await target.close();
    }
  });

  it('exports the audit trail as CSV for Excel, with formula-like text neutralised', async () => {
    await database.db
      .insertInto('audit_trail')
      .values({ actor_username: '=HYPERLINK("http://evil")', entity: 'manual', entity_id: '1', action: 'update', before: null, after: JSON.stringify({ title: '付款, "审批"' }) })
      .execute();
    expect((await get('/api/admin/trail.csv', 'designer')).statusCode).toBe(403);
    const res = await get('/api/admin/trail.csv?entity=manual', 'admin');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const text = res.body;
    expect(text.startsWith('\uFEFFid,at,actor,entity,entity_id,action,before,after\r\n')).toBe(true);
    const lines = text.trim().split('\r\n');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(1).every((l) => l.split(',')[3] === 'manual')).toBe(true);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(lines[1]).toContain('"{""title"":""付款, \\""审批\\""""}"');
    expect((await get('/api/admin/trail.csv?from=not-a-date', 'admin')).statusCode).toBe(400);
  });

  it('restores a backup over the installation only when confirmed, all or nothing', async () => {
    const backup = (await get('/api/admin/backup', 'admin')).rawPayload;
    const post = (url: string, payload: Buffer, user = 'admin') =>
      app.inject({ method: 'POST', url, payload, cookies: { cb_session: cookies[user]! }, headers: { 'x-controlbook-csrf': '1', 'content-type': 'application/octet-stream' } });
    // eslint-disable-next-line typescript/no-explicit-any -- JSON lines of several record shapes
    const lines = (body: string) => body.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);

    // a change made after the backup, which the restore must undo
    await database.db.insertInto('org_unit').values({ code: 'AFTER-BACKUP', name: '备份之后' }).execute();
    expect((await post('/api/admin/restore?confirm=replace', backup, 'designer')).statusCode).toBe(403);
    expect(lines((await post('/api/admin/restore', backup)).body).at(-1)).toEqual({
      error: { message: '恢复会替换全部现有数据，请先确认。', messageKey: 'errors.ops.restoreConfirm' },
    });
    const notGzip = await post('/api/admin/restore?confirm=replace', Buffer.from('id,name\n1,x\n'));
    expect(notGzip.statusCode).toBe(415);

    // a corrupt backup (cut short) fails and leaves everything as it was
    const truncated = await post('/api/admin/restore?confirm=replace', backup.subarray(0, Math.floor(backup.length * 0.8)));
    expect(lines(truncated.body).at(-1)!.error.messageKey).toBe('errors.ops.restoreFailed');
    const units = async () => (await database.db.selectFrom('org_unit').select('code').execute()).map((u) => u.code);
    expect(await units()).toContain('AFTER-BACKUP');

    const ok = lines((await post('/api/admin/restore?confirm=replace', backup)).body);
    expect(ok.at(-1)!.result.rows).toBeGreaterThan(100);
    expect(await units()).not.toContain('AFTER-BACKUP');
    expect(await units()).toContain('HQ');
    // the trail is append-only again after the restore
    await expect(database.db.deleteFrom('audit_trail').execute()).rejects.toThrow();
  });
});
