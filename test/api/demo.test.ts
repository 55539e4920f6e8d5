import { expect, it } from 'vitest';
import { describeApi } from './harness.ts';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../../server/demo/seed.ts';

describeApi('demo organisation', (env) => {
  it('seeds units, positions, people and one user per role once, each able to sign in', async () => {
    expect(await seedDemo(env().db)).toEqual({ seeded: true });
    expect(await seedDemo(env().db)).toEqual({ seeded: false });
    for (const u of DEMO_USERS) {
      await expect(env().caller(null).auth.login({ username: u.username, password: DEMO_PASSWORD })).resolves.toMatchObject({ role: u.role });
    }
    const viewer = env().caller('viewer');
    const units = await viewer.org.units.list();
    expect(units.map((u) => u.code)).toEqual(expect.arrayContaining(['HQ', 'FIN-C', 'ACC', 'OPS-C', 'PUR', 'WH', 'IA']));
    const positions = await viewer.org.positions.list({});
    expect(positions.find((p) => p.code === 'ACC-CASH')).toMatchObject({ name: '出纳', duties: ['execute', 'custody'] });
    const acting = await viewer.org.assignments.list({});
    expect(acting.filter((a) => a.kind !== 'primary').map((a) => [a.personName, a.positionName, a.kind])).toEqual([
      ['周静', '总账会计', 'acting'],
      ['王芳', '仓储部经理', 'concurrent'],
    ]);
  });
});
