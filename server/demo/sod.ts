import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import * as sod from '../sod/service.ts';
import { conflictKey, todayIso } from '../../shared/sod.ts';
import { addDays } from '../../shared/dates.ts';

/**
 * Demo segregation of duties: the default rule set, so the organisation's real conflicts show —
 * the cashier acting as general-ledger accountant (custody + execute with record), the purchasing
 * manager sitting on the warehouse, managers who authorise and supervise — plus one conflict
 * accepted until next year and one whose acceptance has lapsed (open again).
 */
export async function seedDemoSod(trx: Executor, trail: Trail): Promise<void> {
  await sod.adoptDefaults(trx, trail, 'zh-CN');
  const rule = async (code: string) => (await trx.selectFrom('sod_rule').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
  const position = async (code: string) => (await trx.selectFrom('position').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
  const person = async (employeeNo: string) =>
    (await trx.selectFrom('person').select('id').where('employee_no', '=', employeeNo).executeTakeFirstOrThrow()).id;
  const today = todayIso();
  const authoriseSupervise = await rule('SOD-05');

  // 王芳 (purchasing manager) also runs the warehouse: she authorises purchases and supervises stock.
  await sod.createMitigation(trx, trail, {
    conflictKey: conflictKey.people(authoriseSupervise, await person('E008'), await position('PUR-MGR'), await position('WH-MGR')),
    mitigatingControl: '兼任期间，仓库月度盘点由内部审计部监盘，采购订单由运营中心主任复核后方可付款。',
    controlNodeId: null,
    expiresOn: addDays(today, 365),
  });

  // The finance-centre head both authorises and supervises; accepted last year, never renewed.
  await sod.createMitigation(
    trx,
    trail,
    {
      conflictKey: conflictKey.position(authoriseSupervise, await position('FIN-HEAD')),
      mitigatingControl: '财务中心主任审批的事项由总经理每季度抽查。',
      controlNodeId: null,
      expiresOn: addDays(today, -35),
    },
    { recordedOn: addDays(today, -400) },
  );
}
