import type { Db } from '../db/connect.ts';
import { Trail } from '../audit/trail.ts';
import * as org from '../org/service.ts';
import { createUser } from '../users/service.ts';
import type { Role } from '../../shared/roles.ts';
import { seedDemoManual } from './manual.ts';
import { seedDemoAuthority } from './authority.ts';
import { seedDemoSod } from './sod.ts';
import { seedDemoAudits } from './audits.ts';

/** Public demo credentials, printed on the console and in the README. Change them in real use. */
export const DEMO_PASSWORD = 'ControlBook2026';
export const DEMO_USERS: { username: string; displayName: string; role: Role }[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin' },
  { username: 'designer', displayName: '制度设计 王芳', role: 'designer' },
  { username: 'auditor', displayName: '内控评价 李强', role: 'auditor' },
  { username: 'viewer', displayName: '管理层 张总', role: 'viewer' },
];

interface UnitSeed {
  code: string;
  name: string;
  positions: { code: string; name: string; rank: number; duties: string[] }[];
  children?: UnitSeed[];
}

const ORG: UnitSeed = {
  code: 'HQ',
  name: '示范集团总部',
  positions: [{ code: 'GM', name: '总经理', rank: 95, duties: ['authorise'] }],
  children: [
    {
      code: 'FIN-C',
      name: '财务中心',
      positions: [{ code: 'FIN-HEAD', name: '财务中心主任', rank: 70, duties: ['authorise', 'supervise'] }],
      children: [
        {
          code: 'ACC',
          name: '会计部',
          positions: [
            { code: 'ACC-MGR', name: '会计部经理', rank: 60, duties: ['authorise', 'review'] },
            { code: 'ACC-GL', name: '总账会计', rank: 30, duties: ['record'] },
            { code: 'ACC-CASH', name: '出纳', rank: 30, duties: ['custody', 'execute'] },
            { code: 'ACC-REV', name: '稽核员', rank: 35, duties: ['review'] },
          ],
        },
      ],
    },
    {
      code: 'OPS-C',
      name: '运营中心',
      positions: [{ code: 'OPS-HEAD', name: '运营中心主任', rank: 70, duties: ['authorise'] }],
      children: [
        {
          code: 'PUR',
          name: '采购部',
          positions: [
            { code: 'PUR-MGR', name: '采购部经理', rank: 60, duties: ['authorise'] },
            { code: 'PUR-BUYER', name: '采购专员', rank: 30, duties: ['execute'] },
          ],
        },
        {
          code: 'WH',
          name: '仓储部',
          positions: [
            { code: 'WH-MGR', name: '仓储部经理', rank: 60, duties: ['authorise', 'supervise'] },
            { code: 'WH-KEEPER', name: '仓库保管员', rank: 25, duties: ['custody'] },
          ],
        },
      ],
    },
    {
      code: 'IA',
      name: '内部审计部',
      positions: [
        { code: 'IA-MGR', name: '内审部经理', rank: 60, duties: ['supervise', 'review'] },
        { code: 'IA-STAFF', name: '内审专员', rank: 35, duties: ['review'] },
      ],
    },
  ],
};

// employee no, name, primary position, since
const PEOPLE: [string, string, string, string][] = [
  ['E001', '赵建国', 'GM', '2019-01-01'],
  ['E002', '钱晓梅', 'FIN-HEAD', '2020-03-01'],
  ['E003', '孙志远', 'ACC-MGR', '2021-06-01'],
  ['E004', '李娜', 'ACC-GL', '2022-01-10'],
  ['E005', '周静', 'ACC-CASH', '2022-04-01'],
  ['E006', '吴磊', 'ACC-REV', '2023-02-15'],
  ['E007', '郑海', 'OPS-HEAD', '2020-09-01'],
  ['E008', '王芳', 'PUR-MGR', '2021-01-01'],
  ['E009', '冯涛', 'PUR-BUYER', '2023-07-01'],
  ['E010', '陈刚', 'WH-MGR', '2021-05-01'],
  ['E011', '褚丽', 'WH-KEEPER', '2024-03-01'],
  ['E012', '卫东', 'IA-MGR', '2020-11-01'],
  ['E013', '蒋敏', 'IA-STAFF', '2024-08-01'],
];

/** Has the demo organisation been seeded already? */
export async function hasDemo(db: Db): Promise<boolean> {
  return !!(await db.selectFrom('org_unit').select('id').where('code', '=', ORG.code).executeTakeFirst());
}

export async function isEmptyDatabase(db: Db): Promise<boolean> {
  return !(await db.selectFrom('app_user').select('id').limit(1).executeTakeFirst());
}

/** Seed the demo organisation and one user per role, in one transaction. Idempotent. */
export async function seedDemo(db: Db, opts: { forcePasswordChange?: boolean } = {}): Promise<{ seeded: boolean }> {
  if (await hasDemo(db)) return { seeded: false };
  await db.transaction().execute(async (trx) => {
    const trail = new Trail(trx, { userId: null, username: 'system' });
    const positionIds = new Map<string, number>();
    const unitIds = new Map<string, number>();
    const addUnit = async (u: UnitSeed, parentId: number | null, sortOrder: number) => {
      const unit = await org.createUnit(trx, trail, { parentId, code: u.code, name: u.name, sortOrder });
      unitIds.set(u.code, unit.id);
      for (const p of u.positions) {
        const pos = await org.createPosition(trx, trail, {
          unitId: unit.id,
          code: p.code,
          name: p.name,
          levelRank: p.rank,
          duties: p.duties,
        });
        positionIds.set(p.code, pos.id);
      }
      for (const [i, child] of (u.children ?? []).entries()) await addUnit(child, unit.id, (i + 1) * 10);
    };
    await addUnit(ORG, null, 0);

    const personIds = new Map<string, number>();
    for (const [employeeNo, name, positionCode, since] of PEOPLE) {
      const person = await org.createPerson(trx, trail, { employeeNo, name, email: null, active: true });
      personIds.set(employeeNo, person.id);
      await org.createAssignment(trx, trail, {
        personId: person.id,
        positionId: positionIds.get(positionCode)!,
        kind: 'primary',
        validFrom: since,
        validTo: null,
      });
    }
    // The cashier covered the general-ledger post during leave (custody + record: a classic conflict),
    // and the purchasing manager also sits on the warehouse as a concurrent post.
    await org.createAssignment(trx, trail, {
      personId: personIds.get('E005')!,
      positionId: positionIds.get('ACC-GL')!,
      kind: 'acting',
      validFrom: '2026-07-01',
      validTo: '2026-08-15',
    });
    await org.createAssignment(trx, trail, {
      personId: personIds.get('E008')!,
      positionId: positionIds.get('WH-MGR')!,
      kind: 'concurrent',
      validFrom: '2026-01-01',
      validTo: null,
    });
    await seedDemoSod(trx, trail);

    const personByUser: Record<string, string> = { designer: 'E008', auditor: 'E012', viewer: 'E001' };
    for (const u of DEMO_USERS) {
      const employeeNo = personByUser[u.username];
      await createUser(trx, trail, {
        ...u,
        personId: employeeNo ? personIds.get(employeeNo)! : null,
        locale: 'zh-CN',
        password: DEMO_PASSWORD,
      });
    }
    // outside demo mode (DEMO=1) the admin's public password must be changed at first sign-in
    if (opts.forcePasswordChange) {
      await trx.updateTable('app_user').set({ must_change_password: true }).where('username', '=', 'admin').execute();
    }
    await seedDemoManual(trx, trail, unitIds, positionIds);
    await seedDemoAudits(trx, trail);
    await seedDemoAuthority(trx, trail);
  });
  return { seeded: true };
}

export function demoLoginsText(): string {
  return DEMO_USERS.map((u) => `  ${u.role.padEnd(9)} ${u.username} / ${DEMO_PASSWORD}`).join('\n');
}
