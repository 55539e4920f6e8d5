import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays } from './dates.ts';
import {
  RuleIndex,
  buildMatrix,
  conflictKey,
  conflictKindOfKey,
  controlConflicts,
  dutySets,
  filterConflicts,
  mitigationInput,
  mitigationState,
  peopleConflicts,
  positionConflicts,
  sodCheckInput,
  sodRuleInput,
  unitConflicts,
  type AssignmentSpan,
  type SodConflict,
  type SodRuleDef,
} from './sod.ts';
import { DEFAULT_SOD_RULES } from './sod-defaults.ts';
import { rangesOverlap } from './org.ts';

let nextRule = 1;
function dutyRule(dutyA: string, dutyB: string, scope: SodRuleDef['scope'] = 'same_person', active = true): SodRuleDef {
  const id = nextRule++;
  return { id, code: `R${id}`, kind: 'duty', dutyA, dutyB, positionA: null, positionB: null, scope, risk: 'high', active };
}
function positionRule(positionA: number, positionB: number, scope: SodRuleDef['scope'] = 'same_person'): SodRuleDef {
  const id = nextRule++;
  return { id, code: `R${id}`, kind: 'position', dutyA: null, dutyB: null, positionA, positionB, scope, risk: 'medium', active: true };
}

// Positions of a small finance unit (1) and a warehouse (2).
const CASHIER = { id: 10, unitId: 1, duties: ['custody', 'execute'] };
const LEDGER = { id: 11, unitId: 1, duties: ['record'] };
const MANAGER = { id: 12, unitId: 1, duties: ['authorise', 'review'] };
const WAREHOUSE_HEAD = { id: 20, unitId: 2, duties: ['authorise', 'supervise'] };
const KEEPER = { id: 21, unitId: 2, duties: ['custody'] };
const POSITIONS = [CASHIER, LEDGER, MANAGER, WAREHOUSE_HEAD, KEEPER];
const DUTIES = dutySets(POSITIONS);

let nextAssignment = 1;
function assign(personId: number, positionId: number, validFrom: string, validTo: string | null, kind: AssignmentSpan['kind'] = 'primary'): AssignmentSpan {
  return { id: nextAssignment++, personId, positionId, kind, validFrom, validTo };
}

describe('design checks', () => {
  it('finds positions holding both sides of a rule, once per rule, whatever the scope', () => {
    const authSup = dutyRule('authorise', 'supervise');
    const supAuthUnit = dutyRule('supervise', 'authorise', 'same_unit');
    const inactive = dutyRule('custody', 'execute', 'same_person', false);
    const found = positionConflicts(POSITIONS, new RuleIndex([authSup, supAuthUnit, inactive]));
    expect(found.map((c) => [c.positionId, c.ruleId, c.key])).toEqual([
      [20, authSup.id, `position:${authSup.id}:20`],
      [20, supAuthUnit.id, `position:${supAuthUnit.id}:20`],
    ]);
  });

  it('finds units whose different positions hold both sides of a same-unit rule', () => {
    const recordCustodyUnit = dutyRule('record', 'custody', 'same_unit');
    const recordCustodyPerson = dutyRule('record', 'custody', 'same_person');
    const authSupUnit = dutyRule('authorise', 'supervise', 'same_unit'); // only one position holds both: not a unit conflict
    const found = unitConflicts(POSITIONS, new RuleIndex([recordCustodyUnit, recordCustodyPerson, authSupUnit]));
    expect(found).toEqual([{ kind: 'design_unit', key: `unit:${recordCustodyUnit.id}:1`, ruleId: recordCustodyUnit.id, unitId: 1, sideA: [11], sideB: [10] }]);
  });

  it('applies position rules with same-unit scope to units, not to single positions', () => {
    const sameUnit = positionRule(10, 12, 'same_unit');
    const acrossUnits = positionRule(10, 21, 'same_unit');
    const rules = new RuleIndex([sameUnit, acrossUnits]);
    expect(positionConflicts(POSITIONS, rules)).toEqual([]);
    expect(unitConflicts(POSITIONS, rules).map((c) => [c.unitId, c.ruleId])).toEqual([[1, sameUnit.id]]);
  });
});

describe('people check', () => {
  const execRecord = dutyRule('execute', 'record');
  const rules = new RuleIndex([execRecord]);

  it('reports the exact overlap of an acting cover, with the side-A assignment first', () => {
    const primary = assign(1, CASHIER.id, '2022-04-01', null);
    const acting = assign(1, LEDGER.id, '2026-07-01', '2026-08-15', 'acting');
    const [c, ...rest] = peopleConflicts([acting, primary], DUTIES, rules);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ personId: 1, ruleId: execRecord.id, from: '2026-07-01', to: '2026-08-15', key: `people:${execRecord.id}:1:10-11` });
    expect(c!.assignments.map((a) => a.id)).toEqual([primary.id, acting.id]); // cashier executes (side A), ledger records
  });

  it('does not count an assignment that ends the day before the other starts; the same day counts', () => {
    const a = assign(2, CASHIER.id, '2026-01-01', '2026-06-30');
    const b = assign(2, LEDGER.id, '2026-07-01', null, 'concurrent');
    expect(peopleConflicts([a, b], DUTIES, rules)).toEqual([]);
    const c = assign(3, CASHIER.id, '2026-01-01', '2026-07-01');
    const d = assign(3, LEDGER.id, '2026-07-01', null, 'concurrent');
    expect(peopleConflicts([c, d], DUTIES, rules).map((x) => [x.from, x.to])).toEqual([['2026-07-01', '2026-07-01']]);
  });

  it('keeps open-ended overlaps open and separates people', () => {
    const found = peopleConflicts(
      [assign(4, LEDGER.id, '2020-01-01', null), assign(5, CASHIER.id, '2020-01-01', null), assign(4, CASHIER.id, '2025-03-01', null, 'concurrent')],
      DUTIES,
      rules,
    );
    expect(found.map((c) => [c.personId, c.from, c.to])).toEqual([[4, '2025-03-01', null]]);
  });

  it('ignores two assignments to the same position and inactive rules', () => {
    const inactive = new RuleIndex([dutyRule('custody', 'record', 'same_person', false)]);
    const spans = [assign(6, LEDGER.id, '2020-01-01', null), assign(6, KEEPER.id, '2021-01-01', null, 'concurrent')];
    expect(peopleConflicts(spans, DUTIES, inactive)).toEqual([]);
    expect(peopleConflicts([assign(7, LEDGER.id, '2020-01-01', null), assign(7, LEDGER.id, '2021-01-01', null, 'acting')], DUTIES, rules)).toEqual([]);
  });

  it('applies position rules and same-unit duty rules to people too', () => {
    const pr = positionRule(12, 21);
    const unitRule = dutyRule('authorise', 'custody', 'same_unit');
    const found = peopleConflicts(
      [assign(8, MANAGER.id, '2024-01-01', '2024-12-31'), assign(8, KEEPER.id, '2024-12-01', null, 'acting')],
      DUTIES,
      new RuleIndex([pr, unitRule]),
    );
    expect(found.map((c) => [c.ruleId, c.from, c.to])).toEqual([
      [unitRule.id, '2024-12-01', '2024-12-31'],
      [pr.id, '2024-12-01', '2024-12-31'],
    ]);
  });

  it('agrees with comparing every pair of a person’s assignments (property)', () => {
    const allRules = new RuleIndex([execRecord, dutyRule('record', 'custody'), dutyRule('authorise', 'supervise'), positionRule(12, 21)]);
    const day = fc.integer({ min: 0, max: 60 }).map((n) => addDays('2026-01-01', n));
    const span = fc.record({
      personId: fc.integer({ min: 1, max: 4 }),
      positionId: fc.constantFrom(...POSITIONS.map((p) => p.id)),
      from: day,
      length: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(span, { maxLength: 25 }), (raw) => {
        const spans: AssignmentSpan[] = raw.map((s, i) => ({
          id: i + 1,
          personId: s.personId,
          positionId: s.positionId,
          kind: 'concurrent',
          validFrom: s.from,
          validTo: s.length == null ? null : addDays(s.from, s.length),
        }));
        const found = peopleConflicts(spans, DUTIES, allRules);
        for (const c of found) expect(c.key).toBe(conflictKey.people(c.ruleId, c.personId, c.assignments[0].positionId, c.assignments[1].positionId));
        const fast = found
          .map((c) => `${c.ruleId}:${c.assignments.map((a) => a.id).sort((x, y) => x - y).join('-')}:${c.from}:${c.to}`)
          .sort();
        const slow: string[] = [];
        for (const x of spans) {
          for (const y of spans) {
            if (x.id >= y.id || x.personId !== y.personId || x.positionId === y.positionId) continue;
            if (!rangesOverlap(x, y)) continue;
            const from = x.validFrom > y.validFrom ? x.validFrom : y.validFrom;
            const to = x.validTo == null ? y.validTo : y.validTo == null ? x.validTo : x.validTo < y.validTo ? x.validTo : y.validTo;
            for (const r of allRules.rules) {
              const dx = DUTIES.get(x.positionId)!;
              const dy = DUTIES.get(y.positionId)!;
              const hit =
                r.kind === 'duty'
                  ? (dx.has(r.dutyA!) && dy.has(r.dutyB!)) || (dx.has(r.dutyB!) && dy.has(r.dutyA!))
                  : (x.positionId === r.positionA && y.positionId === r.positionB) || (x.positionId === r.positionB && y.positionId === r.positionA);
              if (hit) slow.push(`${r.id}:${x.id}-${y.id}:${from}:${to}`);
            }
          }
        }
        expect(fast).toEqual(slow.sort());
      }),
      { numRuns: 300 },
    );
  });
});

describe('control owner check', () => {
  it('flags an owner holding the checked duty, or a duty a rule pairs with it — but not the checking duties', () => {
    const authExec = dutyRule('authorise', 'execute');
    const execReview = dutyRule('execute', 'review');
    const rules = new RuleIndex([authExec, execReview]);
    const found = controlConflicts(
      [
        { controlId: 1, positionId: MANAGER.id, checkedDuty: 'execute' }, // authorises what it checks; review is its job
        { controlId: 2, positionId: CASHIER.id, checkedDuty: 'execute' }, // checks its own execution
        { controlId: 3, positionId: LEDGER.id, checkedDuty: 'execute' }, // fine
        { controlId: 4, positionId: null, checkedDuty: 'execute' },
        { controlId: 5, positionId: CASHIER.id, checkedDuty: null },
      ],
      DUTIES,
      rules,
    );
    // only checking its own work: the manager authorising what it checks is the separation working
    expect(found.map((c) => [c.controlId, c.positionId, c.duty, c.ruleId])).toEqual([[2, CASHIER.id, 'execute', null]]);
    expect(found[0]!.key).toBe(`control:2:${CASHIER.id}:execute`);
  });
});

describe('mitigations', () => {
  const m = (id: number, expiresOn: string, revokedAt: string | null = null) => ({ id, expiresOn, revokedAt });
  it('accept a conflict up to and including the expiry day, then it is open again', () => {
    const records = [m(1, '2026-06-30'), m(2, '2026-12-31'), m(3, '2027-12-31', '2026-11-01T00:00:00Z')];
    expect(mitigationState(records, '2026-12-31')).toEqual({ active: m(2, '2026-12-31'), lapsed: null });
    expect(mitigationState(records, '2027-01-01')).toEqual({ active: null, lapsed: m(2, '2026-12-31') });
    expect(mitigationState([m(3, '2027-12-31', '2026-11-01T00:00:00Z')], '2026-11-23')).toEqual({ active: null, lapsed: null });
  });
  it('require a mitigating control and a real date', () => {
    const res = mitigationInput.safeParse({ conflictKey: 'people:1:2:3-4', mitigatingControl: '   ', expiresOn: '2027-02-30' });
    expect(res.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['mitigatingControl', 'errors.sod.mitigatingControlRequired'],
      ['expiresOn', expect.any(String)],
    ]);
    const missing = mitigationInput.safeParse({ conflictKey: 'people:1:2:3-4', expiresOn: '2027-02-28' });
    expect(missing.error?.issues[0]).toMatchObject({ path: ['mitigatingControl'], message: 'errors.sod.mitigatingControlRequired' });
  });
  it('name conflict kinds by their keys', () => {
    expect(conflictKindOfKey('people:1:2:3-4')).toBe('people');
    expect(conflictKindOfKey('unit:4:7')).toBe('design_unit');
    expect(conflictKindOfKey('whatever')).toBeNull();
  });
});

describe('rule input', () => {
  it('refuses equal sides and missing sides on the field, and keeps only the sides of its kind', () => {
    const same = sodRuleInput.safeParse({ code: 'X', kind: 'duty', dutyA: 'record', dutyB: 'record', risk: 'high', rationale: 'r' });
    expect(same.error?.issues).toMatchObject([{ path: ['dutyB'], message: 'errors.sod.sameSides' }]);
    const missing = sodRuleInput.safeParse({ code: 'X', kind: 'position', positionA: 3, risk: 'high', rationale: 'r' });
    expect(missing.error?.issues).toMatchObject([{ path: ['positionB'], message: 'errors.sod.sideRequired' }]);
    const ok = sodRuleInput.parse({ code: 'X', kind: 'duty', dutyA: 'record', dutyB: 'custody', positionA: 3, risk: 'high', rationale: 'r' });
    expect(ok).toMatchObject({ positionA: null, positionB: null, scope: 'same_person', active: true, basis: '' });
  });
  it('refuses a period ending before it starts', () => {
    expect(sodCheckInput.safeParse({ from: '2026-05-01', to: '2026-04-30' }).error?.issues).toMatchObject([{ path: ['to'], message: 'errors.sod.periodOrder' }]);
    expect(sodCheckInput.parse(undefined)).toEqual({});
  });
});

describe('default rule set', () => {
  it('has the five classic pairs and the cashier rules, no pair twice, each with rationale and basis in both languages', () => {
    const pairs = DEFAULT_SOD_RULES.map((r) => [r.dutyA, r.dutyB].sort().join('|'));
    expect(new Set(pairs).size).toBe(pairs.length);
    for (const classic of ['authorise|execute', 'execute|record', 'custody|record', 'execute|review', 'authorise|supervise']) {
      expect(pairs).toContain(classic);
    }
    for (const cashier of ['custody|review', 'archive|custody', 'custody|record']) expect(pairs).toContain(cashier);
    for (const r of DEFAULT_SOD_RULES) {
      expect(r.rationale['zh-CN'] && r.rationale.en && r.basis['zh-CN'] && r.basis.en).toBeTruthy();
    }
    expect(DEFAULT_SOD_RULES.filter((r) => r.basis['zh-CN'].includes('《会计法》第三十七条')).map((r) => r.code)).toEqual(['SOD-03', 'CASH-01', 'CASH-02']);
  });
});

describe('filter and matrix', () => {
  const base: SodConflict = {
    key: 'k',
    kind: 'people',
    ruleId: 1,
    ruleCode: 'R1',
    ruleKind: 'duty',
    scope: 'same_person',
    risk: 'high',
    dutyA: 'execute',
    dutyB: 'record',
    positions: [{ id: 10, code: 'C', name: 'c', unitId: 1, unitName: 'u', duties: [] }],
    unitId: null,
    unitName: null,
    personId: 5,
    personName: 'p',
    employeeNo: 'E5',
    assignments: [],
    from: '2026-07-01',
    to: '2026-08-15',
    controlId: null,
    controlTitle: null,
    manualId: null,
    status: 'open',
    mitigation: null,
    lapsedMitigation: null,
  };
  const design: SodConflict = { ...base, key: 'd', kind: 'design_position', personId: null, from: null, to: null, status: 'mitigated', risk: 'medium', dutyA: 'authorise', dutyB: 'supervise' };
  const all = [base, design];

  it('filters by kind, risk, status, person, unit scope, duty pair and period', () => {
    const keys = (f: Parameters<typeof filterConflicts>[1], scope: Set<number> | null = null) => filterConflicts(all, f, scope).map((c) => c.key);
    expect(keys({ kind: 'design' })).toEqual(['d']);
    expect(keys({ risks: ['high', 'critical'] })).toEqual(['k']);
    expect(keys({ status: 'mitigated' })).toEqual(['d']);
    expect(keys({ personId: 5 })).toEqual(['k']);
    expect(keys({}, new Set([2]))).toEqual([]);
    expect(keys({}, new Set([1, 2]))).toEqual(['k', 'd']);
    expect(keys({ duties: ['supervise', 'authorise'] })).toEqual(['d']);
    expect(keys({ from: '2026-08-16' })).toEqual(['d']);
    expect(keys({ from: '2026-08-15', to: '2026-09-01' })).toEqual(['k', 'd']);
    expect(keys({ to: '2026-06-30' })).toEqual(['d']);
  });

  it('puts rules and open/mitigated counts into symmetric duty cells', () => {
    const cells = buildMatrix(
      [
        { id: 1, code: 'R1', kind: 'duty', dutyA: 'record', dutyB: 'execute', scope: 'same_person', risk: 'high', active: true },
        { id: 2, code: 'R2', kind: 'position', dutyA: null, dutyB: null, scope: 'same_person', risk: 'low', active: true },
      ],
      [...all, { dutyA: 'record', dutyB: 'execute', status: 'open' }, { dutyA: 'execute', dutyB: 'execute', status: 'open' }, { dutyA: null, dutyB: null, status: 'open' }],
    );
    expect(cells).toEqual([
      { pair: 'execute|record', dutyA: 'execute', dutyB: 'record', rules: [{ id: 1, code: 'R1', scope: 'same_person', risk: 'high', active: true }], open: 2, mitigated: 0 },
      { pair: 'authorise|supervise', dutyA: 'authorise', dutyB: 'supervise', rules: [], open: 0, mitigated: 1 },
      { pair: 'execute|execute', dutyA: 'execute', dutyB: 'execute', rules: [], open: 1, mitigated: 0 },
    ]);
  });
});
