import type { DefaultDuty, DefaultSodRule } from './sod-defaults.ts';

/**
 * The second, optional default set (docs/design.md §3.5): the incompatible pairs that the
 * 《企业内部控制应用指引》 name per business cycle, adoptable cycle by cycle. Approvals use the
 * builtin `authorise` duty and postings the builtin `record`, so a cycle's rules meet the positions
 * that already carry them; the business duties (请购, 验收, …) are added as custom categories.
 */
export const SOD_CYCLES = ['purchasing', 'sales', 'inventory', 'cash', 'fixed_assets'] as const;
export type SodCycle = (typeof SOD_CYCLES)[number];

export interface CycleRuleSet {
  cycle: SodCycle;
  duties: DefaultDuty[];
  rules: DefaultSodRule[];
}

const guideline = (no: number, zh: string, en: string, clause: { zh: string; en: string }) => ({
  'zh-CN': `《企业内部控制应用指引第${no}号——${zh}》：${clause.zh}`,
  en: `Application Guideline for Enterprise Internal Control No. ${no} — ${en}: ${clause.en}`,
});

const duty = (code: string, nameZh: string, nameEn: string): DefaultDuty => ({ code, nameZh, nameEn });
const DUTIES = {
  requisition: duty('requisition', '请购', 'Purchase requisition'),
  selectSupplier: duty('select_supplier', '供应商选择', 'Supplier selection'),
  contract: duty('contract', '合同订立', 'Contracting'),
  purchase: duty('purchase', '采购执行', 'Purchasing'),
  receive: duty('receive', '验收', 'Receiving and inspection'),
  sell: duty('sell', '销售谈判与发货', 'Selling and shipping'),
  creditApprove: duty('credit_approve', '客户信用审批', 'Customer credit approval'),
  collect: duty('collect', '收款', 'Collection'),
  inventoryCustody: duty('inventory_custody', '存货保管', 'Inventory custody'),
  inventoryIssue: duty('inventory_issue', '存货发出申请', 'Inventory issue request'),
  pay: duty('pay', '付款办理', 'Payment execution'),
  financeSeal: duty('finance_seal', '财务专用章保管', 'Finance seal custody'),
  signatureSeal: duty('signature_seal', '个人名章保管', 'Personal signature seal custody'),
  assetCustody: duty('asset_custody', '固定资产保管', 'Fixed-asset custody'),
  assetDispose: duty('asset_dispose', '资产处置申请', 'Asset disposal request'),
  assetAcquire: duty('asset_acquire', '资产购置', 'Asset acquisition'),
};

const rule = (code: string, a: DefaultDuty | string, b: DefaultDuty | string, risk: DefaultSodRule['risk'], rationale: DefaultSodRule['rationale'], basis: DefaultSodRule['basis']): DefaultSodRule => ({
  code,
  dutyA: typeof a === 'string' ? a : a.code,
  dutyB: typeof b === 'string' ? b : b.code,
  scope: 'same_person',
  risk,
  rationale,
  basis,
});

const PURCHASING = (clause: { zh: string; en: string }) => guideline(7, '采购业务', 'Purchasing', clause);
const SALES = (clause: { zh: string; en: string }) => guideline(9, '销售业务', 'Sales', clause);
const ASSETS = (clause: { zh: string; en: string }) => guideline(8, '资产管理', 'Asset management', clause);
const FUNDS = (clause: { zh: string; en: string }) => guideline(6, '资金活动', 'Funding activities', clause);

export const CYCLE_RULE_SETS: readonly CycleRuleSet[] = [
  {
    cycle: 'purchasing',
    duties: [DUTIES.requisition, DUTIES.selectSupplier, DUTIES.contract, DUTIES.purchase, DUTIES.receive],
    rules: [
      rule('PUR-01', DUTIES.requisition, 'authorise', 'high',
        { 'zh-CN': '请购与审批分离：提出采购需求的人不得批准自己的请购。', en: 'Requisition and approval apart: whoever asks for a purchase must not approve the request.' },
        PURCHASING({ zh: '请购与审批', en: 'requisition and approval' })),
      rule('PUR-02', DUTIES.selectSupplier, 'authorise', 'high',
        { 'zh-CN': '供应商选择与审批分离：推荐或评价供应商的人不得批准供应商的准入。', en: 'Supplier selection and approval apart: whoever proposes a supplier must not approve it.' },
        PURCHASING({ zh: '询价与确定供应商', en: 'inquiry and choice of supplier' })),
      rule('PUR-03', DUTIES.contract, 'authorise', 'high',
        { 'zh-CN': '采购合同的订立与审批分离：谈判、起草合同的人不得审批该合同。', en: 'Contracting and contract approval apart: whoever negotiates a contract must not approve it.' },
        PURCHASING({ zh: '采购合同的谈判与审批', en: 'negotiation and approval of purchase contracts' })),
      rule('PUR-04', DUTIES.purchase, DUTIES.receive, 'critical',
        { 'zh-CN': '采购与验收分离：办理采购的人不得验收自己采购的货物，否则可以接收短缺或不合格货物。', en: 'Purchasing and receiving apart: whoever buys must not receive the goods, or short or faulty deliveries could pass.' },
        PURCHASING({ zh: '采购与验收', en: 'purchasing and receiving' })),
      rule('PUR-05', DUTIES.purchase, 'record', 'high',
        { 'zh-CN': '采购、验收与会计记录分离：办理采购的人不得登记采购与应付账款。', en: 'Purchasing and recording apart: whoever buys must not post purchases and payables.' },
        PURCHASING({ zh: '采购、验收与相关会计记录', en: 'purchasing, receiving and the related accounting records' })),
    ],
  },
  {
    cycle: 'sales',
    duties: [DUTIES.sell, DUTIES.creditApprove, DUTIES.collect],
    rules: [
      rule('SAL-01', DUTIES.sell, DUTIES.creditApprove, 'high',
        { 'zh-CN': '销售与客户信用审批分离：谈判销售的人不得批准客户的信用额度。', en: 'Selling and credit approval apart: whoever negotiates a sale must not approve the customer\'s credit.' },
        SALES({ zh: '客户信用管理与销售合同协商', en: 'customer credit management and sales negotiation' })),
      rule('SAL-02', DUTIES.sell, DUTIES.collect, 'critical',
        { 'zh-CN': '销售与收款分离：办理销售的人不得经手货款，否则可以截留或挪用货款。', en: 'Selling and collecting apart: whoever sells must not handle the customer\'s payment, or receipts could be diverted.' },
        SALES({ zh: '销售货款的确认、回收与销售经办', en: 'confirming and collecting receivables apart from selling' })),
      rule('SAL-03', DUTIES.collect, 'record', 'high',
        { 'zh-CN': '收款与会计记录分离：经手货款的人不得登记应收账款。', en: 'Collecting and recording apart: whoever handles receipts must not post receivables.' },
        SALES({ zh: '销售货款的回收与相关会计记录', en: 'collection of receivables and the related accounting records' })),
    ],
  },
  {
    cycle: 'inventory',
    duties: [DUTIES.inventoryCustody, DUTIES.inventoryIssue],
    rules: [
      rule('INV-01', DUTIES.inventoryCustody, 'record', 'critical',
        { 'zh-CN': '存货保管与记录分离（账实分离）：仓库保管人员不得登记存货账目。', en: 'Inventory custody and recording apart: storekeepers must not keep the inventory accounts.' },
        ASSETS({ zh: '存货的保管与相关会计记录', en: 'custody of inventory and the related accounting records' })),
      rule('INV-02', DUTIES.inventoryIssue, 'authorise', 'medium',
        { 'zh-CN': '存货发出的申请与审批分离：领用存货的人不得批准自己的领用。', en: 'Issue request and approval apart: whoever requests stock must not approve the issue.' },
        ASSETS({ zh: '存货发出的申请与审批', en: 'request and approval of inventory issues' })),
    ],
  },
  {
    cycle: 'cash',
    duties: [DUTIES.pay, DUTIES.financeSeal, DUTIES.signatureSeal],
    rules: [
      rule('FUND-01', 'authorise', DUTIES.pay, 'critical',
        { 'zh-CN': '付款审批与付款办理分离：批准付款的人不得亲自办理支付。', en: 'Payment approval and payment execution apart: whoever approves a payment must not make it.' },
        FUNDS({ zh: '资金支付的审批与办理', en: 'approval and execution of payments' })),
      rule('FUND-02', DUTIES.financeSeal, DUTIES.signatureSeal, 'critical',
        { 'zh-CN': '支付印章分管：严禁一人保管支付款项所需的全部印章（财务专用章与个人名章）。', en: 'Seals kept apart: no one person may hold every seal a payment needs (the finance seal and the personal signature seal).' },
        FUNDS({ zh: '严禁一人保管支付款项所需的全部印章', en: 'no one person may keep all seals needed for a payment' })),
    ],
  },
  {
    cycle: 'fixed_assets',
    duties: [DUTIES.assetAcquire, DUTIES.receive, DUTIES.assetCustody, DUTIES.assetDispose],
    rules: [
      rule('FA-01', DUTIES.assetAcquire, DUTIES.receive, 'high',
        { 'zh-CN': '资产购置与验收分离：办理购置的人不得验收该项资产。', en: 'Acquisition and receiving apart: whoever buys an asset must not accept it.' },
        ASSETS({ zh: '固定资产的取得与验收', en: 'acquisition and acceptance of fixed assets' })),
      rule('FA-02', DUTIES.assetCustody, 'record', 'high',
        { 'zh-CN': '固定资产保管与记录分离：使用、保管资产的人不得登记资产卡片和账目。', en: 'Custody and recording apart: whoever holds an asset must not keep its register.' },
        ASSETS({ zh: '固定资产的保管与相关会计记录', en: 'custody of fixed assets and the related accounting records' })),
      rule('FA-03', DUTIES.assetDispose, 'authorise', 'high',
        { 'zh-CN': '资产处置的申请与审批分离：提出处置的人不得批准处置。', en: 'Disposal request and approval apart: whoever proposes a disposal must not approve it.' },
        ASSETS({ zh: '固定资产处置的申请与审批', en: 'request and approval of fixed-asset disposals' })),
    ],
  },
];

export function cycleRuleSet(cycle: SodCycle): CycleRuleSet {
  return CYCLE_RULE_SETS.find((s) => s.cycle === cycle)!;
}
