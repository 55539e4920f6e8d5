import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import * as svc from '../manual/service.ts';
import { nodeRefToken } from '../../shared/references.ts';
import type { NodeFields, Placement } from '../../shared/manual.ts';
import type { NodeKind } from '../../shared/outline.ts';
import * as controls from '../controls/service.ts';
import type { ControlAttributes } from '../../shared/controls.ts';

export const DEMO_MANUAL_CODE = 'ICM-DEMO';

/**
 * The demo manual (bilingual titles): 资金活动 and 采购业务 with processes, steps, control points and
 * references; version 1 published, then a draft with changes so the diff has something to show.
 */
export async function seedDemoManual(trx: Executor, trail: Trail, unitIds: Map<string, number>, positionIds: Map<string, number> = new Map()) {
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
  /** A control point with its attributes (owner by position code). */
  const control = async (title: string, stepId: number, attrs: Partial<ControlAttributes> & { owner?: string; body?: string } = {}) => {
    const { owner, body, ...rest } = attrs;
    const node = await add('control', title, inside(stepId), { body: body ?? '' });
    await controls.updateControl(trx, trail, node.id, { ...rest, ownerPositionId: owner ? (positionIds.get(owner) ?? null) : null });
    return node;
  };
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
  await control('出纳不得兼任稽核、会计档案保管和收入、支出、费用、债权债务账目的登记工作 Cashier holds no review or posting duties', sod.id, {
    isKey: true,
    objective: '资金业务不相容岗位相互分离',
    risk: '出纳一人办理资金收付与记账，舞弊难以发现',
    nature: 'preventive',
    frequency: 'annual',
    owner: 'FIN-HEAD',
    evidenceTypes: ['regulation', 'work_record'],
    inspections: [{ method: 'onsite_check', procedure: '查阅岗位设置与任职记录，核对出纳是否兼任稽核、档案保管或账目登记。' }],
    element: 'environment',
    checkedDuty: 'custody',
  });
  await control('关键岗位定期轮岗 Rotation of key finance posts', sod.id, {
    objective: '防止长期由一人把持资金岗位',
    frequency: 'annual',
    owner: 'FIN-HEAD',
    evidenceTypes: ['execution_document'],
    // no inspection point yet: shows up in the design lint
  });
  const approve = await add('step', '授权审批 Authorisation and approval', inside(duties.id));
  const payApproval = await control('资金支付须经授权人审批 Payments approved by an authorised person', approve.id, {
    body: '执行《资金授权审批管理办法》，超过审批权限的支付须报上级审批。',
    isKey: true,
    objective: '每笔资金支付均经有权人审批',
    risk: '越权审批或未经审批支付资金',
    frequency: 'per_event',
    owner: 'ACC-MGR',
    evidenceTypes: ['original_voucher', 'approval_document'],
    inspections: [
      { method: 'sampling', procedure: '抽取付款凭证，核对审批人是否在授权范围内、审批是否先于付款。' },
      { method: 'walkthrough', procedure: '选取一笔付款穿行测试审批流程。' },
    ],
    scoringMethod: 'rate',
    checkedDuty: 'execute',
  });
  await control('大额资金支付集体决策 Large payments decided collectively', approve.id, {
    isKey: true,
    weight: 4,
    objective: '超过限额的支付经总经理办公会集体决策',
    frequency: 'monthly',
    owner: 'GM',
    evidenceTypes: ['meeting_minutes', 'approval_document'],
    inspections: [{ method: 'comparison', procedure: '核对大额支付清单与会议纪要。' }],
    scoringMethod: 'graded',
  });
  const bank = await add('process', '现金和银行存款管控 Cash and bank deposits', inside(cash.id), {
    ownerUnitId: fin,
    designSubjects: ['库存现金', '银行存款'],
    designBusinessTypes: ['资金收付'],
  });
  const cashStep = await add('step', '现金收支 Cash receipts and payments', inside(bank.id), {
    body: '执行《现金管理暂行条例》，库存现金不得超过核定限额，做到日清月结。',
  });
  await control('库存现金日清月结并定期盘点 Daily cash count and surprise counts', cashStep.id, {
    isKey: true,
    objective: '账实相符',
    risk: '现金短缺或挪用',
    frequency: 'daily',
    owner: 'ACC-REV',
    evidenceTypes: ['work_ledger', 'work_record'],
    inspections: [{ method: 'onsite_check', procedure: '突击盘点库存现金，与现金日记账核对。' }],
    nature: 'detective',
  });
  await control('现金收入当日送存银行 Cash banked the same day', cashStep.id, {
    objective: '防止坐支现金',
    frequency: 'daily',
    owner: 'ACC-CASH',
    evidenceTypes: ['original_voucher'],
    inspections: [{ method: 'sampling', procedure: '抽查现金收入与送存回单日期。' }],
    // the cashier checks its own custody of cash: the design lint flags the owner conflict
    checkedDuty: 'custody',
  });
  const reconStep = await add('step', '银行对账 Bank reconciliation', inside(bank.id), {
    body: `每月末由非出纳人员编制银行存款余额调节表，岗位分离要求见 ${nodeRefToken(sod.id)}。`,
  });
  await control('非出纳人员每月编制银行存款余额调节表 Monthly bank reconciliation by a non-cashier', reconStep.id, {
    isKey: true,
    objective: '及时发现未达账项和差错',
    risk: '银行存款账实不符未被发现',
    frequency: 'monthly',
    owner: 'ACC-GL',
    evidenceTypes: ['accounting_record', 'work_record'],
    inspections: [{ method: 'reperformance', procedure: '抽取两个月的调节表，重新执行调节并核对未达账项。' }],
    nature: 'detective',
    checkedDuty: 'custody',
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
  // no key control in this process, and one point without an owner: both show in the design lint
  await control('请购须在预算内并经部门负责人审批 Requests within budget, approved by the department head', reqStep.id, {
    objective: '采购需求真实且在预算内',
    frequency: 'per_event',
    owner: 'PUR-MGR',
    evidenceTypes: ['approval_document'],
    inspections: [{ method: 'sampling', procedure: '抽取请购单核对预算与审批。' }],
  });
  await control('请购单连续编号 Pre-numbered purchase requests', reqStep.id, {
    frequency: 'monthly',
    evidenceTypes: ['work_ledger'],
    inspections: [{ method: 'comparison', procedure: '检查请购单编号连续性。' }],
  });
  const receive = await add('process', '采购与验收 Purchasing and receiving', inside(buy.id), {
    ownerUnitId: pur,
    designSubjects: ['原材料'],
    designBusinessTypes: ['采购'],
  });
  const recStep = await add('step', '验收入库 Receiving', inside(receive.id));
  await control('验收人员与采购人员分离 Receiver is not the buyer', recStep.id, {
    isKey: true,
    objective: '验收独立于采购',
    risk: '虚假验收、以次充好',
    frequency: 'per_event',
    owner: 'WH-KEEPER',
    evidenceTypes: ['original_voucher', 'work_record'],
    inspections: [{ method: 'sampling', procedure: '抽取入库单，核对验收人与采购经办人不是同一人。' }],
    checkedDuty: 'execute',
  });
  const pay = await add('process', '付款 Payment', inside(buy.id), {
    ownerUnitId: fin,
    designSubjects: ['应付账款', '银行存款'],
    designBusinessTypes: ['采购', '资金收付'],
    body: `付款审批按 ${nodeRefToken(approve.id)} 执行，并按照《资金管理办法》办理。`,
  });
  const payStep = await add('step', '付款审核 Payment review', inside(pay.id));
  await control('三单匹配 Three-way match of order, receipt and invoice', payStep.id, {
    isKey: true,
    objective: '只为已收到且已订购的货物付款',
    risk: '重复付款或为未收货物付款',
    frequency: 'per_event',
    automation: 'it_dependent',
    owner: 'ACC-GL',
    evidenceTypes: ['original_voucher', 'contract', 'accounting_record'],
    inspections: [{ method: 'sampling', procedure: '抽取付款，核对订单、入库单和发票三单一致。' }],
    scoringMethod: 'rate',
  });
  // the payment-approval control of 资金活动 also serves the purchase payment process: a shared control
  await controls.linkControl(trx, trail, payApproval.id, payStep.id);

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
