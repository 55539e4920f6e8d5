import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import * as svc from '../authority/service.ts';
import type { BandInput } from '../../shared/authority.ts';
import { addDays } from '../../shared/dates.ts';

/**
 * Demo approval authority on the demo organisation: five matters with their bands (leave by days,
 * expense / contract / payment in CNY, a budget change without amount), delegations (one expired,
 * one revoked, a sub-delegation), and about three hundred approval records generated
 * deterministically — mostly in order, with a handful of every kind of violation.
 */

const EFFECTIVE = '2026-01-01';
const COMMITTEE = '总经理办公会';

// requester → [unit manager (rank 60), centre head (rank 70 — or the GM where there is no centre)]
const STAFF: [string, string, string][] = [
  ['E004', 'E003', 'E002'],
  ['E005', 'E003', 'E002'],
  ['E006', 'E003', 'E002'],
  ['E009', 'E008', 'E007'],
  ['E011', 'E010', 'E007'],
  ['E013', 'E012', 'E001'],
  ['E003', 'E002', 'E002'],
  ['E008', 'E007', 'E007'],
  ['E010', 'E007', 'E007'],
];
const VENDORS = ['华东建材', '蓝海物流', '启明软件', '恒信办公', '金桥印务', '远航旅行社', '同创设备', '天宇咨询', '新城物业'];

type RecordSeed = {
  matter: string;
  ref: string;
  requester: string;
  approver: string;
  amount: number | null;
  approvedOn: string;
  executedOn?: string | null;
  vendor?: string | null;
  minutes?: string | null;
  via?: number | null;
};

export async function seedDemoAuthority(trx: Executor, trail: Trail): Promise<void> {
  const people = new Map((await trx.selectFrom('person').select(['id', 'employee_no']).execute()).map((p) => [p.employee_no, p.id]));
  const positions = new Map((await trx.selectFrom('position').select(['id', 'code']).execute()).map((p) => [p.code, p.id]));
  const person = (no: string) => people.get(no)!;
  const position = (code: string) => positions.get(code)!;

  // ── matters and their bands ─────────────────────────────────
  const matter = (code: string, name: string, unit: 'CNY' | 'days' | 'count' | 'none', extra: { splitWindowDays?: number; requiresMinutes?: boolean } = {}) =>
    svc.createMatter(trx, trail, { code, name, unit, nonDelegable: false, requiresMinutes: extra.requiresMinutes ?? false, splitWindowDays: extra.splitWindowDays ?? null });
  const ids = {
    LEAVE: (await matter('LEAVE', '请假', 'days')).id,
    EXPENSE: (await matter('EXPENSE', '费用报销', 'CNY', { splitWindowDays: 7 })).id,
    CONTRACT: (await matter('CONTRACT', '合同签订', 'CNY')).id,
    PAYMENT: (await matter('PAYMENT', '资金支付', 'CNY', { splitWindowDays: 30 })).id,
    BUDGET: (await matter('BUDGET', '预算调整', 'none', { requiresMinutes: true })).id,
  };
  const rank = (lowerBound: number | null, upperBound: number | null, minLevelRank: number): BandInput => ({ lowerBound, upperBound, minLevelRank });
  const post = (lowerBound: number | null, upperBound: number | null, code: string): BandInput => ({ lowerBound, upperBound, approverPositionId: position(code) });
  const collective: BandInput = { lowerBound: null, upperBound: null, minLevelRank: 95, mode: 'collective', decidingBody: COMMITTEE, quorum: 5 };
  const matrices: [number, BandInput[]][] = [
    // leave: up to one day the department head, longer the centre head
    [ids.LEAVE, [rank(null, 1, 60), rank(1, null, 70)]],
    [ids.EXPENSE, [rank(0, 5_000, 60), rank(5_000, 50_000, 70), post(50_000, null, 'GM')]],
    [ids.CONTRACT, [rank(0, 100_000, 70), post(100_000, 1_000_000, 'GM'), { ...collective, lowerBound: 1_000_000 }]],
    [ids.PAYMENT, [rank(0, 50_000, 60), post(50_000, 500_000, 'FIN-HEAD'), post(500_000, 5_000_000, 'GM'), { ...collective, lowerBound: 5_000_000 }]],
    [ids.BUDGET, [collective]],
  ];
  for (const [matterId, bands] of matrices) {
    await svc.saveMatrix(trx, trail, 'zh-CN', { matterId, effectiveFrom: EFFECTIVE, bands: bands.map((b) => ({ approverPositionId: null, minLevelRank: null, mode: 'individual', decidingBody: null, quorum: null, ...b })) });
  }

  // ── delegations ─────────────────────────────────────────────
  const delegate = (d: { from: string; to: string; matter: number; cap: number | null; validFrom: string; validTo: string; maxDepth?: number; parentId?: number; note: string }) =>
    svc.createDelegation(trx, trail, {
      delegatorId: person(d.from),
      delegateId: person(d.to),
      matterId: d.matter,
      cap: d.cap,
      validFrom: d.validFrom,
      validTo: d.validTo,
      maxDepth: d.maxDepth ?? 0,
      parentId: d.parentId ?? null,
      note: d.note,
    });
  const gmPay = await delegate({ from: 'E001', to: 'E002', matter: ids.PAYMENT, cap: 5_000_000, validFrom: '2026-03-01', validTo: '2026-12-31', maxDepth: 1, note: '总经理授权财务中心主任审批 500 万元以下资金支付' });
  const finSub = await delegate({ from: 'E002', to: 'E003', matter: ids.PAYMENT, cap: 200_000, validFrom: '2026-06-01', validTo: '2026-06-30', parentId: gmPay.id, note: '财务中心主任休假期间转授会计部经理' });
  const opsExpense = await delegate({ from: 'E007', to: 'E008', matter: ids.EXPENSE, cap: 30_000, validFrom: '2026-02-01', validTo: '2026-02-28', note: '运营中心主任出差期间（已到期）' });
  const finExpense = await delegate({ from: 'E002', to: 'E004', matter: ids.EXPENSE, cap: 20_000, validFrom: '2026-04-01', validTo: '2026-09-30', note: '总账会计代批小额报销' });
  await svc.revokeDelegation(trx, trail, finExpense.id, '2026-05-15');
  const contract = await delegate({ from: 'E001', to: 'E002', matter: ids.CONTRACT, cap: 1_000_000, validFrom: '2026-01-01', validTo: '2026-12-31', note: '合同签订授权（制度修订前设立）' });
  const opsPay = await delegate({ from: 'E007', to: 'E008', matter: ids.PAYMENT, cap: 50_000, validFrom: '2026-01-01', validTo: '2026-12-31', maxDepth: 1, note: '运营中心小额付款' });
  const purSub = await delegate({ from: 'E008', to: 'E009', matter: ids.PAYMENT, cap: 20_000, validFrom: '2026-01-01', validTo: '2026-12-31', parentId: opsPay.id, note: '采购部经理转授采购专员' });
  // later policy changes: contracts may no longer be delegated; purchasing may not pass payments on
  await svc.updateMatter(trx, trail, ids.CONTRACT, { code: 'CONTRACT', name: '合同签订', unit: 'CNY', nonDelegable: true, requiresMinutes: false, splitWindowDays: null });
  await svc.updateDelegation(trx, trail, opsPay.id, {
    delegatorId: person('E007'),
    delegateId: person('E008'),
    matterId: ids.PAYMENT,
    cap: 50_000,
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
    maxDepth: 0,
    parentId: null,
    note: '运营中心小额付款（不再允许转授）',
  });
  // a pair carried over from the old OA system, never checked there: each is the other's parent
  const legacy = async (from: string, to: string, parentId: number | null) => {
    const row = await trx
      .insertInto('delegation')
      .values({ delegator_id: person(from), delegate_id: person(to), matter_id: ids.EXPENSE, cap: 10_000, valid_from: '2026-08-01', valid_to: '2026-08-31', max_depth: 2, parent_id: parentId, note: '旧 OA 系统迁移' })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trail.record({ entity: 'delegation', entityId: row.id, action: 'import', after: row });
    return row.id;
  };
  const legacyA = await legacy('E010', 'E011', null);
  const legacyB = await legacy('E011', 'E010', legacyA);
  await trx.updateTable('delegation').set({ parent_id: legacyB }).where('id', '=', legacyA).execute();

  // ── approval records: in order … ────────────────────────────
  const records: RecordSeed[] = [];
  let minutesNo = 0;
  const minutes = () => `总办会纪要〔2026〕${++minutesNo}号`;
  for (let i = 0; i < 270; i++) {
    const [requester, manager, centre] = STAFF[i % STAFF.length]!;
    // each requester's approvals are nine days apart: no accidental split within a window
    const approvedOn = addDays('2026-01-05', Math.floor(i / STAFF.length) * 9 + (i % STAFF.length));
    const h = (i * 7919) % 100;
    const executedOn = addDays(approvedOn, 1 + (h % 5));
    const vendor = VENDORS[i % STAFF.length]!;
    const ref = (prefix: string) => `${prefix}-2026-${String(i + 1).padStart(4, '0')}`;
    if (i % 45 === 44) {
      records.push({ matter: 'BUDGET', ref: ref('YS'), requester, approver: 'E001', amount: null, approvedOn, minutes: minutes() });
      continue;
    }
    switch ((Math.floor(i / STAFF.length) + i) % 4) {
      case 0: {
        const days = [0.5, 1, 1, 2, 3, 1.5][h % 6]!;
        records.push({ matter: 'LEAVE', ref: ref('QJ'), requester, approver: days <= 1 ? manager : centre, amount: days, approvedOn });
        break;
      }
      case 1: {
        const amount = h < 70 ? 200 + ((h * 53) % 4_700) : h < 95 ? 6_000 + h * 300 : 60_000 + h * 100;
        records.push({ matter: 'EXPENSE', ref: ref('BX'), requester, approver: amount <= 5_000 ? manager : amount <= 50_000 ? centre : 'E001', amount, approvedOn, executedOn, vendor });
        break;
      }
      case 2: {
        const amount = h < 60 ? 1_000 + h * 300 : h < 90 ? 60_000 + h * 1_500 : h < 98 ? 600_000 + h * 10_000 : 6_000_000;
        const approver = amount <= 50_000 ? manager : amount <= 500_000 ? 'E002' : 'E001';
        records.push({ matter: 'PAYMENT', ref: ref('FK'), requester, approver: approver === requester ? 'E001' : approver, amount, approvedOn, executedOn, vendor, minutes: amount > 5_000_000 ? minutes() : null });
        break;
      }
      default: {
        const amount = h < 60 ? 10_000 + h * 1_000 : h < 95 ? 150_000 + h * 5_000 : 2_000_000;
        records.push({ matter: 'CONTRACT', ref: ref('HT'), requester, approver: amount <= 100_000 ? (centre === requester ? 'E001' : centre) : 'E001', amount, approvedOn, executedOn, vendor, minutes: amount > 1_000_000 ? minutes() : null });
      }
    }
  }
  // payments the finance head approved above her own band, through the GM's delegation
  for (const [n, day] of [[1, '2026-03-16'], [2, '2026-07-21'], [3, '2026-09-08']] as const) {
    records.push({ matter: 'PAYMENT', ref: `FK-SQ-${n}`, requester: 'E009', approver: 'E002', amount: 800_000 * n, approvedOn: day, executedOn: addDays(day, 2), vendor: '同创设备', via: gmPay.id });
  }
  records.push({ matter: 'PAYMENT', ref: 'FK-ZS-1', requester: 'E005', approver: 'E003', amount: 150_000, approvedOn: '2026-06-10', executedOn: '2026-06-11', vendor: '蓝海物流', via: finSub.id });

  // … and a handful of each violation
  const bad = (r: RecordSeed) => records.push({ executedOn: addDays(r.approvedOn, 2), ...r });
  // approver below the band
  for (const [n, day] of [[1, '2026-02-10'], [2, '2026-04-14'], [3, '2026-08-19']] as const) bad({ matter: 'EXPENSE', ref: `BX-YQ-${n}`, requester: 'E004', approver: 'E003', amount: 8_000 + n * 1_000, approvedOn: day });
  for (const [n, day] of [[1, '2026-03-23'], [2, '2026-06-29']] as const) bad({ matter: 'LEAVE', ref: `QJ-YQ-${n}`, requester: 'E011', approver: 'E010', amount: 2, approvedOn: day, executedOn: null });
  // a non-delegable matter approved through the old contract delegation
  for (const [n, day] of [[1, '2026-04-08'], [2, '2026-05-20'], [3, '2026-07-02']] as const) bad({ matter: 'CONTRACT', ref: `HT-SQ-${n}`, requester: 'E009', approver: 'E002', amount: 200_000 * n, approvedOn: day, vendor: '同创设备', via: contract.id });
  // the expired operations delegation still used in March
  for (const [n, day] of [[1, '2026-03-03'], [2, '2026-03-12'], [3, '2026-03-24']] as const) bad({ matter: 'EXPENSE', ref: `BX-GQ-${n}`, requester: 'E009', approver: 'E008', amount: 7_000 + n * 500, approvedOn: day, via: opsExpense.id });
  // the revoked finance delegation (revoked 2026-05-15): one before, three after
  for (const [n, day] of [[1, '2026-05-08'], [2, '2026-05-15'], [3, '2026-06-02'], [4, '2026-07-07']] as const) bad({ matter: 'EXPENSE', ref: `BX-CX-${n}`, requester: n % 2 ? 'E005' : 'E006', approver: 'E004', amount: 1_500 * n, approvedOn: day, via: finExpense.id });
  // over the sub-delegation's 200,000 cap
  for (const [n, day] of [[1, '2026-06-05'], [2, '2026-06-18']] as const) bad({ matter: 'PAYMENT', ref: `FK-CE-${n}`, requester: 'E006', approver: 'E003', amount: 250_000 * n, approvedOn: day, vendor: '北辰软件', via: finSub.id });
  // passed on one level further than now allowed
  for (const [n, day] of [[1, '2026-02-17'], [2, '2026-05-26'], [3, '2026-09-15']] as const) bad({ matter: 'PAYMENT', ref: `FK-ZZ-${n}`, requester: 'E011', approver: 'E009', amount: 3_000 * n, approvedOn: day, vendor: '青禾文具', via: purSub.id });
  // through the circular legacy pair
  for (const [n, day] of [[1, '2026-08-06'], [2, '2026-08-20']] as const) bad({ matter: 'EXPENSE', ref: `BX-XH-${n}`, requester: 'E013', approver: 'E010', amount: 900 * n, approvedOn: day, via: legacyB });
  // collective decisions without minutes
  for (const [n, day] of [[1, '2026-04-27'], [2, '2026-09-29']] as const) bad({ matter: 'PAYMENT', ref: `FK-JY-${n}`, requester: 'E003', approver: 'E001', amount: 6_500_000 * n, approvedOn: day, vendor: '同创设备' });
  bad({ matter: 'CONTRACT', ref: 'HT-JY-1', requester: 'E008', approver: 'E001', amount: 3_200_000, approvedOn: '2026-06-16', vendor: '天宇咨询' });
  bad({ matter: 'BUDGET', ref: 'YS-JY-1', requester: 'E002', approver: 'E001', amount: null, approvedOn: '2026-07-30', executedOn: null });
  // paid first, approved afterwards
  for (const [n, day] of [[1, '2026-02-25'], [2, '2026-05-12'], [3, '2026-07-16'], [4, '2026-10-09']] as const) bad({ matter: 'PAYMENT', ref: `FK-HP-${n}`, requester: 'E004', approver: 'E003', amount: 5_000 * n, approvedOn: day, executedOn: addDays(day, -3), vendor: '长江纸业' });
  // approving one's own request
  for (const [n, day] of [[1, '2026-03-09'], [2, '2026-06-23'], [3, '2026-09-01']] as const) bad({ matter: 'EXPENSE', ref: `BX-ZP-${n}`, requester: 'E003', approver: 'E003', amount: 800 * n, approvedOn: day });
  // split: three expense claims within a week, each under the 5,000 band; two payments to one vendor on one day
  for (const [n, day] of [[1, '2026-09-21'], [2, '2026-09-23'], [3, '2026-09-25']] as const) bad({ matter: 'EXPENSE', ref: `BX-CF-${n}`, requester: 'E009', approver: 'E008', amount: 2_400, approvedOn: day, vendor: '云途差旅' });
  for (const [n, requester] of [[1, 'E005'], [2, 'E006']] as const) bad({ matter: 'PAYMENT', ref: `FK-CF-${n}`, requester, approver: 'E003', amount: 30_000, approvedOn: '2026-10-13', vendor: '华南钢构' });

  const batch = await trx
    .insertInto('approval_import')
    .values({ file_name: '示范审批记录.xlsx', file_kind: 'xlsx', row_count: records.length, imported_by: trail.actor.username })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('approval_record')
    .values(
      records.map((r) => ({
        matter_id: ids[r.matter as keyof typeof ids],
        reference_no: r.ref,
        requester_id: person(r.requester),
        approver_id: person(r.approver),
        vendor: r.vendor ?? null,
        amount: r.amount,
        approved_on: r.approvedOn,
        executed_on: r.executedOn ?? null,
        minutes_ref: r.minutes ?? null,
        via_delegation_id: r.via ?? null,
        import_batch_id: batch.id,
      })),
    )
    .execute();
  await trail.record({ entity: 'approval_import', entityId: batch.id, action: 'import', after: { fileName: '示范审批记录.xlsx', rows: records.length } });
}
