import { describe, expect, it } from 'vitest';
import {
  authorityLimit,
  bandFor,
  bandInput,
  bandProblemMessage,
  checkRecords,
  delegationChain,
  findDelegationCycle,
  inBand,
  splitSets,
  validateBands,
  whoMayApprove,
  type ApprovalRecordInfo,
  type CheckContext,
  type DelegationInfo,
  type Holding,
  type MatterInfo,
  type RuleBand,
} from './authority.ts';

const band = (b: Partial<RuleBand> & { bandNo: number }): RuleBand => ({
  id: b.bandNo,
  matterId: 1,
  lowerBound: null,
  upperBound: null,
  approverPositionId: null,
  approverPositionRank: null,
  minLevelRank: null,
  mode: 'individual',
  decidingBody: null,
  quorum: null,
  validFrom: '2026-01-01',
  validTo: null,
  ...b,
});

// leave: ≤ 1 day the department head (rank 60), > 1 day the centre head (rank 70)
const LEAVE = [band({ bandNo: 1, upperBound: 1, minLevelRank: 60 }), band({ bandNo: 2, lowerBound: 1, minLevelRank: 70 })];

describe('bands', () => {
  it('puts a boundary value in the lower band: lower exclusive, upper inclusive', () => {
    expect(bandFor(LEAVE, 0.5)?.bandNo).toBe(1);
    expect(bandFor(LEAVE, 1)?.bandNo).toBe(1);
    expect(bandFor(LEAVE, 1.5)?.bandNo).toBe(2);
    expect(bandFor(LEAVE, 30)?.bandNo).toBe(2);
    expect(inBand({ lowerBound: 1, upperBound: 5 }, 1)).toBe(false);
    expect(inBand({ lowerBound: 1, upperBound: 5 }, 5)).toBe(true);
  });

  it('accepts a matrix covering every positive amount exactly once', () => {
    expect(validateBands(LEAVE, 'days')).toEqual([]);
    expect(validateBands([{ lowerBound: 0, upperBound: 5000 }, { lowerBound: 5000, upperBound: null }], 'CNY')).toEqual([]);
    expect(validateBands([{ lowerBound: null, upperBound: null }], 'none')).toEqual([]);
  });

  it('reports overlaps and gaps with the exact bounds and rows, in any input order', () => {
    const problems = validateBands(
      [
        { lowerBound: 5000, upperBound: 50000 },
        { lowerBound: null, upperBound: 8000 },
        { lowerBound: 60000, upperBound: 100000 },
      ],
      'CNY',
    );
    expect(problems).toEqual([
      { kind: 'overlap', row: 1, otherRow: 2, lower: 5000, upper: 8000 },
      { kind: 'gap', row: 3, lower: 50000, upper: 60000 },
      { kind: 'gap', row: null, lower: 100000, upper: null },
    ]);
    expect(problems.map((p) => bandProblemMessage(p).params.range)).toEqual(['(5000, 8000]', '(50000, 60000]', '(100000, ∞)']);
  });

  it('reports a gap at the bottom, an empty band and bounds on a matter without a unit', () => {
    expect(validateBands([{ lowerBound: 1, upperBound: null }], 'days')).toEqual([{ kind: 'gap', row: 1, lower: 0, upper: 1 }]);
    expect(validateBands([{ lowerBound: 5, upperBound: 5 }, { lowerBound: null, upperBound: null }], 'CNY')).toEqual([
      { kind: 'empty', row: 1, lower: 5, upper: 5 },
    ]);
    expect(validateBands([{ lowerBound: null, upperBound: 3 }], 'none')).toEqual([{ kind: 'boundsForNone', row: 1 }]);
    expect(validateBands([{ lowerBound: null, upperBound: null }, { lowerBound: null, upperBound: null }], 'none')).toEqual([
      { kind: 'overlap', row: 2, otherRow: 1, lower: null, upper: null },
    ]);
  });

  it('requires exactly one approver and a body with quorum for collective decisions', () => {
    const both = bandInput.safeParse({ lowerBound: null, upperBound: null, approverPositionId: 1, minLevelRank: 60 });
    expect(both.success).toBe(false);
    const collective = bandInput.safeParse({ lowerBound: null, upperBound: null, minLevelRank: 95, mode: 'collective', decidingBody: ' ' });
    expect(collective.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['decidingBody', 'errors.authority.bodyRequired'],
      ['quorum', 'errors.authority.quorumRequired'],
    ]);
  });

  it("measures a person's reach: the highest band they satisfy, by rank or by named (or more senior) position", () => {
    const bands = [
      band({ bandNo: 1, upperBound: 5000, minLevelRank: 60 }),
      band({ bandNo: 2, lowerBound: 5000, upperBound: 50000, approverPositionId: 7, approverPositionRank: 70 }),
      band({ bandNo: 3, lowerBound: 50000, minLevelRank: 95 }),
    ];
    expect(authorityLimit(bands, [{ positionId: 1, levelRank: 60 }])).toBe(5000);
    expect(authorityLimit(bands, [{ positionId: 7, levelRank: 70 }])).toBe(50000);
    expect(authorityLimit(bands, [{ positionId: 8, levelRank: 80 }])).toBe(50000); // more senior than the named position
    expect(authorityLimit(bands, [{ positionId: 6, levelRank: 70 }])).toBe(5000); // a peer of the same rank is not
    expect(authorityLimit(bands, [{ positionId: 9, levelRank: 95 }])).toBe(Infinity);
    expect(authorityLimit(bands, [{ positionId: 9, levelRank: 30 }])).toBeNull();
  });
});

const deleg = (d: Partial<DelegationInfo> & { id: number; delegatorId: number; delegateId: number }): DelegationInfo => ({
  matterId: 1,
  cap: null,
  validFrom: '2026-01-01',
  validTo: '2026-12-31',
  revokedOn: null,
  maxDepth: 0,
  parentId: null,
  ...d,
});

describe('delegations', () => {
  it('follows a chain to the delegator whose authority is used and finds a link that allowed too little depth', () => {
    const byId = new Map(
      [deleg({ id: 1, delegatorId: 10, delegateId: 11, maxDepth: 1 }), deleg({ id: 2, delegatorId: 11, delegateId: 12, parentId: 1 }), deleg({ id: 3, delegatorId: 12, delegateId: 13, parentId: 2 })].map((d) => [d.id, d]),
    );
    const two = delegationChain(2, byId)!;
    expect([two.rootDelegatorId, two.cycle, two.tooDeep]).toEqual([10, false, null]);
    const three = delegationChain(3, byId)!;
    expect(three.rootDelegatorId).toBe(10);
    expect(three.tooDeep?.id).toBe(1); // allowed one further level, two were used
  });

  it('detects a person appearing twice in a chain', () => {
    const byId = new Map([deleg({ id: 1, delegatorId: 12, delegateId: 10, maxDepth: 2 }), deleg({ id: 2, delegatorId: 10, delegateId: 11, parentId: 1 }), deleg({ id: 3, delegatorId: 11, delegateId: 12, parentId: 2 })].map((d) => [d.id, d]));
    expect(delegationChain(3, byId)!.cycle).toBe(true);
  });

  it('refuses a new delegation that would let authority flow back to its delegator in an overlapping period', () => {
    const existing = [deleg({ id: 1, delegatorId: 1, delegateId: 2 }), deleg({ id: 2, delegatorId: 2, delegateId: 3 })];
    expect(findDelegationCycle(existing, { delegatorId: 3, delegateId: 1, validFrom: '2026-06-01', validTo: '2026-06-30' })).toEqual([1, 2, 3]);
    expect(findDelegationCycle(existing, { delegatorId: 3, delegateId: 1, validFrom: '2027-01-01', validTo: '2027-01-31' })).toBeNull();
    expect(findDelegationCycle(existing, { delegatorId: 1, delegateId: 3, validFrom: '2026-06-01', validTo: '2026-06-30' })).toBeNull();
  });
});

describe('who may approve', () => {
  const positions = [
    { id: 1, levelRank: 60 }, // department head
    { id: 2, levelRank: 70 }, // centre head
    { id: 3, levelRank: 30 },
  ];
  const holdings: Holding[] = [
    { personId: 100, positionId: 1, kind: 'primary', validFrom: '2020-01-01', validTo: null },
    { personId: 200, positionId: 2, kind: 'primary', validFrom: '2020-01-01', validTo: '2026-05-31' },
    { personId: 300, positionId: 3, kind: 'primary', validFrom: '2020-01-01', validTo: null },
    { personId: 300, positionId: 2, kind: 'acting', validFrom: '2026-06-01', validTo: '2026-06-30' },
  ];
  const delegations = [deleg({ id: 1, delegatorId: 100, delegateId: 300, cap: 1, validFrom: '2026-06-01', validTo: '2026-06-10' })];
  const ask = (value: number, date: string, nonDelegable = false) =>
    whoMayApprove({ bands: LEAVE, value, date, nonDelegable, positions, holdings, delegations });

  it('lists the positions of the band, their holders that day (acting included) and delegates within cap', () => {
    const small = ask(1, '2026-06-05');
    expect(small.band?.bandNo).toBe(1);
    expect(small.positionIds).toEqual([1, 2]);
    expect(small.holders.map((h) => [h.personId, h.kind])).toEqual([
      [300, 'acting'], // the acting centre head, most senior first
      [100, 'primary'],
    ]);
    expect(small.delegates).toMatchObject([{ personId: 300, delegatorId: 100, cap: 1 }]);
    const long = ask(1.5, '2026-06-05');
    expect(long.band?.bandNo).toBe(2);
    expect(long.holders.map((h) => h.personId)).toEqual([300]);
    expect(long.delegates).toEqual([]);
    expect(ask(1, '2026-06-11').delegates).toEqual([]); // the delegation has ended
    expect(ask(1, '2026-06-05', true).delegates).toEqual([]);
  });
});

describe('checking approval records', () => {
  const matters = new Map<number, MatterInfo>([
    [1, { id: 1, unit: 'days', nonDelegable: false, requiresMinutes: false, splitWindowDays: null }],
    [2, { id: 2, unit: 'CNY', nonDelegable: true, requiresMinutes: false, splitWindowDays: 7 }],
  ]);
  const rules = [
    ...LEAVE,
    band({ id: 11, matterId: 2, bandNo: 1, upperBound: 5000, minLevelRank: 60 }),
    band({ id: 12, matterId: 2, bandNo: 2, lowerBound: 5000, upperBound: 1_000_000, minLevelRank: 70 }),
    band({ id: 13, matterId: 2, bandNo: 3, lowerBound: 1_000_000, minLevelRank: 95, mode: 'collective', decidingBody: '总经理办公会', quorum: 5 }),
  ];
  const ctx: CheckContext = {
    matters,
    rules,
    positions: new Map([
      [1, { id: 1, levelRank: 60 }],
      [2, { id: 2, levelRank: 70 }],
      [3, { id: 3, levelRank: 95 }],
      [4, { id: 4, levelRank: 30 }],
    ]),
    holdings: [
      { personId: 1, positionId: 1, kind: 'primary', validFrom: '2020-01-01', validTo: '2026-03-31' },
      { personId: 2, positionId: 2, kind: 'primary', validFrom: '2020-01-01', validTo: null },
      { personId: 3, positionId: 3, kind: 'primary', validFrom: '2020-01-01', validTo: null },
      { personId: 4, positionId: 4, kind: 'primary', validFrom: '2020-01-01', validTo: null },
    ],
    delegations: new Map([[1, deleg({ id: 1, matterId: 2, delegatorId: 2, delegateId: 4, cap: 3000, validTo: '2026-04-30' })]]),
  };
  let nextId = 1;
  const rec = (r: Partial<ApprovalRecordInfo>): ApprovalRecordInfo => ({
    id: nextId++,
    matterId: 1,
    requesterId: 4,
    approverId: 1,
    vendor: null,
    amount: 1,
    approvedOn: '2026-03-01',
    executedOn: null,
    minutesRef: null,
    viaDelegationId: null,
    ...r,
  });
  const kinds = (records: ApprovalRecordInfo[]) => checkRecords(records, ctx).map((v) => v.kind);

  it('uses the assignments in force on the record date: the day after an assignment ends is below the band', () => {
    expect(kinds([rec({ approvedOn: '2026-03-31' })])).toEqual([]);
    expect(kinds([rec({ approvedOn: '2026-04-01' })])).toEqual(['below_band']);
    expect(kinds([rec({ amount: 1.5 })])).toEqual(['below_band']);
    expect(kinds([rec({ amount: 1.5, approverId: 2 })])).toEqual([]);
  });

  it('flags minutes, execution before approval and self-approval', () => {
    expect(kinds([rec({ matterId: 2, amount: 2_000_000, approverId: 3 })])).toEqual(['missing_minutes']);
    expect(kinds([rec({ matterId: 2, amount: 2_000_000, approverId: 3, minutesRef: '总办会〔2026〕3号' })])).toEqual([]);
    expect(kinds([rec({ executedOn: '2026-02-28' })])).toEqual(['approved_after_execution']);
    expect(kinds([rec({ requesterId: 1 })])).toEqual(['self_approval']);
  });

  it('judges a delegated approval by the delegator, naming both', () => {
    const [v, ...rest] = checkRecords([rec({ matterId: 2, amount: 4000, approverId: 4, requesterId: 1, viaDelegationId: 1, approvedOn: '2026-05-02' })], ctx);
    expect([v!.kind, ...rest.map((r) => r.kind)]).toEqual(['non_delegable', 'delegation_expired', 'delegation_over_cap']);
    expect(v).toMatchObject({ holderId: 2, delegatorId: 2, delegateId: 4, delegationId: 1 });
    // the delegate holds only rank 30, but the delegator's rank 70 covers the band
    expect(kinds([rec({ matterId: 2, amount: 4000, approverId: 4, requesterId: 1, viaDelegationId: 1 })])).not.toContain('below_band');
    expect(kinds([rec({ matterId: 2, amount: 100, approverId: 4, requesterId: 2, viaDelegationId: 1 })])).toContain('self_approval');
  });

  describe('split transactions: every record of a run, reported once per set', () => {
    const exp = (amount: number, approvedOn: string, extra: Partial<ApprovalRecordInfo> = {}) => rec({ matterId: 2, amount, approvedOn, ...extra });
    const splits = (records: ApprovalRecordInfo[]) =>
      checkRecords(records, ctx)
        .filter((v) => v.kind === 'split_transaction')
        .map((v) => ({ ids: v.setRecordIds, sum: v.windowSum, count: v.windowCount, limit: v.limit, basis: v.basis, from: v.windowFrom, to: v.windowTo, recordId: v.recordId }));

    it('flags the first record of a run too: 4,800 / 4,900 / 4,700 within five days against a 5,000 band', () => {
      const run = [exp(4800, '2026-03-02'), exp(4900, '2026-03-04'), exp(4700, '2026-03-06')];
      expect(splits(run)).toEqual([
        { ids: run.map((r) => r.id), sum: 14_400, count: 3, limit: 5000, basis: 'requester', from: '2026-03-02', to: '2026-03-06', recordId: run[0]!.id },
      ]);
    });

    it('counts records exactly N days apart as one window, one day more as two', () => {
      const inside = [exp(3000, '2026-03-01'), exp(3000, '2026-03-08')]; // the window is 7 days
      expect(splits(inside).map((s) => s.ids)).toEqual([inside.map((r) => r.id)]);
      expect(splits([exp(3000, '2026-03-01'), exp(3000, '2026-03-09')])).toEqual([]);
    });

    it('is no split when the sum is exactly at the bound (upper bounds are inclusive)', () => {
      expect(splits([exp(2500, '2026-03-01'), exp(2500, '2026-03-02')])).toEqual([]);
      expect(splits([exp(2500, '2026-03-01'), exp(2500.01, '2026-03-02')]).map((s) => s.sum)).toEqual([5000.01]);
    });

    it('reports two overlapping runs as two sets that share their middle record', () => {
      const [a, b, c] = [exp(3000, '2026-03-01'), exp(3000, '2026-03-06'), exp(3000, '2026-03-12')];
      expect(splits([a!, b!, c!]).map((s) => [s.ids, s.from, s.to])).toEqual([
        [[a!.id, b!.id], '2026-03-01', '2026-03-06'],
        [[b!.id, c!.id], '2026-03-06', '2026-03-12'],
      ]);
    });

    it('measures a set against its approvers: one who could approve the whole sum alone is no split', () => {
      expect(splits([exp(3000, '2026-03-21', { approverId: 2 }), exp(3000, '2026-03-22', { approverId: 2 })])).toEqual([]);
      // mixed: the department head's 5,000 is the set's limit, named as the holder
      const mixed = [exp(3000, '2026-03-21', { approverId: 2 }), exp(3000, '2026-03-22')];
      const found = checkRecords(mixed, ctx).filter((v) => v.kind === 'split_transaction');
      expect(found.map((v) => [v.setRecordIds, v.limit, v.holderId])).toEqual([[mixed.map((r) => r.id), 5000, 1]]);
    });

    it('groups by vendor across requesters: one set for two requesters on one day, not one per record', () => {
      const same = [exp(2600, '2026-03-01', { requesterId: 4, vendor: 'ACME' }), exp(2600, '2026-03-01', { requesterId: 2, vendor: 'ACME' })];
      expect(splits(same).map((s) => [s.basis, s.ids, s.sum])).toEqual([['vendor', same.map((r) => r.id), 5200]]);
    });
  });

  it('splitSets: sets from each day to the end of its window, a set inside the previous one left out', () => {
    const r = (id: number, approvedOn: string) => ({ id, approvedOn });
    const ids = (sets: { id: number }[][]) => sets.map((set) => set.map((x) => x.id));
    expect(ids(splitSets([r(3, '2026-01-05'), r(1, '2026-01-01'), r(2, '2026-01-03')], 5))).toEqual([[1, 2, 3]]);
    expect(ids(splitSets([r(1, '2026-01-01'), r(2, '2026-01-01')], 1))).toEqual([[1, 2]]);
    expect(ids(splitSets([r(1, '2026-01-01'), r(2, '2026-01-04'), r(3, '2026-01-07'), r(4, '2026-01-30')], 3))).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(splitSets([r(1, '2026-01-01')], 30)).toEqual([]);
  });
});
