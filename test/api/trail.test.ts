import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeApi } from './harness.ts';

describeApi('audit trail', (env) => {
  async function someChanges() {
    const admin = env().caller('admin');
    const a = await admin.org.units.create({ parentId: null, code: 'A', name: '甲' });
    await admin.org.units.create({ parentId: null, code: 'B', name: '乙' });
    await admin.org.people.create({ employeeNo: 'E1', name: '张三' });
    await admin.org.units.update({ id: a.id, data: { parentId: null, code: 'A', name: '甲部' } });
    return admin;
  }

  it('filters by entity, action and actor, newest first, with keyset paging', async () => {
    const admin = await someChanges();
    const units = await admin.trail.list({ entity: 'org_unit' });
    expect(units.rows.map((r) => r.action)).toEqual(['update', 'create', 'create']);
    expect((await admin.trail.list({ action: 'create', entity: 'person' })).rows).toHaveLength(1);
    expect((await admin.trail.list({ actor: 'nobody' })).rows).toHaveLength(0);
    const page1 = await admin.trail.list({ limit: 2 });
    expect(page1.rows).toHaveLength(2);
    const page2 = await admin.trail.list({ limit: 2, beforeId: page1.nextBeforeId! });
    expect(page2.rows[0]!.id).toBeLessThan(page1.rows[1]!.id);
    const today = new Date().toISOString().slice(0, 10);
    expect((await admin.trail.list({ from: today, to: today })).rows).toHaveLength(4);
    expect((await admin.trail.list({ to: '2000-01-01' })).rows).toHaveLength(0);
    expect(await admin.trail.entities()).toEqual(['org_unit', 'person']);
  });

  it('is append-only in the database itself', async () => {
    await someChanges();
    const db = env().db;
    await expect(sql`update audit_trail set action = 'x'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_trail`.execute(db)).rejects.toThrow(/append-only/);
    const count = await db.selectFrom('audit_trail').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(4);
  });
});
