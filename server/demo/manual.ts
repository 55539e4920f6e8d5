import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import * as svc from '../manual/service.ts';
import { nodeRefToken } from '../../shared/references.ts';
import type { NodeFields, Placement } from '../../shared/manual.ts';
import type { NodeKind } from '../../shared/outline.ts';

export const DEMO_MANUAL_CODE = 'ICM-DEMO';

/**
 * The demo manual (bilingual titles): 资金活动 and 采购业务 with processes, steps, control points and
 * references; version 1 published, then a draft with changes so the diff has something to show.
 */
export async function seedDemoManual(trx: Executor, trail: Trail, unitIds: Map<string, number>) {
  const manual = await svc.createManual(trx, trail, { code: DEMO_MANUAL_CODE, title: '示范集团内部控制手册 Demo internal-control manual', numberingStyle: 'decimal' });
  const add = (kind: NodeKind, title: string, placement: Placement, extra: Partial<NodeFields> = {}) =>
    svc.insertNode(trx, trail, manual.id, placement, {
      kind,
      title,
      body: '',
      status: kind === 'process' ? 'active' : null,
      ownerUnitId: null,
      designSubjects: [],
      designBusinessTypes: [],
      designUnitIds: [],
      ...extra,
    });
  const inside = (targetId: number): Placement => ({ relation: 'inside_end', targetId });
  const fin = unitIds.get('ACC') ?? null;
  const pur = unitIds.get('PUR') ?? null;

  const cash = await add('chapter', '资金活动 Cash and bank', { relation: 'root_end' });
  const duties = await add('process', '岗位责任与授权批准 Responsibilities and authorisation', inside(cash.id), {
    ownerUnitId: fin,
    designSubjects: ['库存现金', '银行存款'],
    designBusinessTypes: ['资金收付'],
    body: '明确资金业务各岗位的职责权限，确保办理资金业务的不相容岗位相互分离、制约和监督。',
  });
  const sod = await add('step', '不相容岗位分离 Segregation of incompatible duties', inside(duties.id));
  await add('control', '出纳不得兼任稽核、会计档案保管和收入、支出、费用、债权债务账目的登记工作 Cashier holds no review or posting duties', inside(sod.id), {
    body: '检查点：查阅岗位设置与任职记录，核对出纳是否兼任稽核、档案保管或账目登记。',
  });
  const approve = await add('step', '授权审批 Authorisation and approval', inside(duties.id));
  await add('control', '资金支付须经授权人审批 Payments approved by an authorised person', inside(approve.id), {
    body: '执行《资金授权审批管理办法》，超过审批权限的支付须报上级审批。',
  });
  const bank = await add('process', '现金和银行存款管控 Cash and bank deposits', inside(cash.id), {
    ownerUnitId: fin,
    designSubjects: ['库存现金', '银行存款'],
    designBusinessTypes: ['资金收付'],
  });
  await add('step', '现金收支 Cash receipts and payments', inside(bank.id), {
    body: '执行《现金管理暂行条例》，库存现金不得超过核定限额，做到日清月结。',
  });
  await add('step', '银行对账 Bank reconciliation', inside(bank.id), {
    body: `每月末由非出纳人员编制银行存款余额调节表，岗位分离要求见 ${nodeRefToken(sod.id)}。`,
  });
  const seals = await add('process', '票据及印章管理 Bills and seals', inside(cash.id), {
    status: 'pending_design',
    ownerUnitId: fin,
    designBusinessTypes: ['票据管理'],
    body: '财务专用章与个人名章分开保管。具体管理细则另行制定。',
  });

  const buy = await add('chapter', '采购业务 Procurement', { relation: 'root_end' });
  const request = await add('process', '请购与审批 Purchase requests and approval', inside(buy.id), {
    ownerUnitId: pur,
    designSubjects: ['原材料', '应付账款'],
    designBusinessTypes: ['采购'],
  });
  const reqStep = await add('step', '请购审批 Approve requests', inside(request.id));
  await add('control', '请购须在预算内并经部门负责人审批 Requests within budget, approved by the department head', inside(reqStep.id));
  const receive = await add('process', '采购与验收 Purchasing and receiving', inside(buy.id), {
    ownerUnitId: pur,
    designSubjects: ['原材料'],
    designBusinessTypes: ['采购'],
  });
  const recStep = await add('step', '验收入库 Receiving', inside(receive.id));
  await add('control', '验收人员与采购人员分离 Receiver is not the buyer', inside(recStep.id));
  const pay = await add('process', '付款 Payment', inside(buy.id), {
    ownerUnitId: fin,
    designSubjects: ['应付账款', '银行存款'],
    designBusinessTypes: ['采购', '资金收付'],
    body: `付款审批按 ${nodeRefToken(approve.id)} 执行，并按照《资金管理办法》办理。`,
  });
  const payStep = await add('step', '付款审核 Payment review', inside(pay.id));
  await add('control', '三单匹配 Three-way match of order, receipt and invoice', inside(payStep.id));

  await svc.publish(trx, trail, manual.id, '首次发布 First release');

  // The draft moves on: a new process, a renamed step, the seals process now designed.
  await add('process', '供应商管理 Supplier management', { relation: 'before', targetId: receive.id }, {
    status: 'pending_design',
    ownerUnitId: pur,
    designBusinessTypes: ['采购'],
  });
  await svc.updateNode(trx, trail, reqStep.id, { title: '请购与预算审批 Approve requests against budget' });
  await svc.updateNode(trx, trail, seals.id, { status: 'draft' });
  return manual;
}
