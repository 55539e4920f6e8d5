import { describe, expect, it } from 'vitest';
import { CYCLE_RULE_SETS, SOD_CYCLES } from './sod-cycle-defaults.ts';
import { DEFAULT_SOD_RULES } from './sod-defaults.ts';

const BUILTIN = ['authorise', 'execute', 'record', 'custody', 'review', 'supervise'];
const pair = (a: string, b: string) => [a, b].sort().join('↔');

describe('business-cycle default rule sets', () => {
  it('has one set per cycle, each rule with its basis in both languages and duties the set brings or the builtins', () => {
    expect(CYCLE_RULE_SETS.map((s) => s.cycle)).toEqual([...SOD_CYCLES]);
    for (const set of CYCLE_RULE_SETS) {
      const known = new Set([...BUILTIN, ...set.duties.map((d) => d.code)]);
      expect(set.rules.length).toBeGreaterThan(0);
      for (const r of set.rules) {
        expect(known.has(r.dutyA) && known.has(r.dutyB) && r.dutyA !== r.dutyB).toBe(true);
        expect(r.basis['zh-CN']).toMatch(/^《企业内部控制应用指引第\d+号——/);
        expect(r.basis.en).toMatch(/^Application Guideline for Enterprise Internal Control No\. \d+/);
        expect(r.rationale.en).not.toMatch(/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/);
      }
      for (const d of set.duties) expect(d.code).toMatch(/^[a-z][a-z0-9_]*$/);
    }
  });

  it('names the pairs the guidelines list per cycle, none twice and none a classic pair again', () => {
    const all = CYCLE_RULE_SETS.flatMap((s) => s.rules);
    const pairs = all.map((r) => pair(r.dutyA, r.dutyB));
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(new Set(all.map((r) => r.code)).size).toBe(all.length);
    const classic = new Set(DEFAULT_SOD_RULES.map((r) => pair(r.dutyA, r.dutyB)));
    expect(pairs.filter((p) => classic.has(p))).toEqual([]);
    for (const expected of [
      pair('purchase', 'receive'), // 采购与验收
      pair('requisition', 'authorise'), // 请购与审批
      pair('select_supplier', 'authorise'),
      pair('contract', 'authorise'),
      pair('authorise', 'pay'), // 付款审批与付款办理
      pair('sell', 'credit_approve'),
      pair('sell', 'collect'),
      pair('inventory_custody', 'record'),
    ]) {
      expect(pairs).toContain(expected);
    }
    // one duty code means one thing across cycles (fixed assets reuse purchasing's 验收)
    const names = new Map<string, string>();
    for (const d of CYCLE_RULE_SETS.flatMap((s) => s.duties)) {
      expect(names.get(d.code) ?? d.nameZh).toBe(d.nameZh);
      names.set(d.code, d.nameZh);
    }
  });
});
