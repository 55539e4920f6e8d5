import { describe, expect, it } from 'vitest';
import { numberOutline } from './numbering.ts';
import { toChineseNumeral } from './chinese-numerals.ts';
import type { NodeKind, OutlineNode } from './outline.ts';

let nextId = 1;
function node(parentId: number | null, orderKey: string, kind: NodeKind, title = `n${nextId}`): OutlineNode {
  return { id: nextId++, parentId, orderKey, kind, title, body: '' };
}

describe('Chinese numerals', () => {
  it.each([
    [1, '一'], [10, '十'], [11, '十一'], [20, '二十'], [38, '三十八'], [99, '九十九'],
    [100, '一百'], [101, '一百零一'], [110, '一百一十'], [123, '一百二十三'], [1001, '一千零一'], [1010, '一千零一十'],
  ])('%i → %s', (n, s) => expect(toChineseNumeral(n)).toBe(s));
});

describe('numbering', () => {
  it('numbers decimally by sibling order key, not by insertion order', () => {
    nextId = 1;
    const a = node(null, 'a1', 'chapter', 'A');
    const b = node(null, 'a0', 'chapter', 'B'); // sorts first
    const a1 = node(a.id, 'a0', 'section');
    const a2 = node(a.id, 'a0V', 'section'); // between a0 and a1
    const a3 = node(a.id, 'a1', 'section');
    const a21 = node(a2.id, 'a0', 'clause');
    const numbered = numberOutline([a, b, a1, a2, a3, a21], 'decimal');
    expect(numbered.map((n) => [n.title, n.number, n.depth])).toEqual([
      ['B', '1', 0],
      ['A', '2', 0],
      [a1.title, '2.1', 1],
      [a2.title, '2.2', 1],
      [a21.title, '2.2.1', 2],
      [a3.title, '2.3', 1],
    ]);
  });

  it('inserting a node before 1.2 makes the old 1.2 read 1.3', () => {
    nextId = 1;
    const ch = node(null, 'a0', 'chapter');
    const s1 = node(ch.id, 'a0', 'section', 'first');
    const s2 = node(ch.id, 'a1', 'section', 'old 1.2');
    const before = numberOutline([ch, s1, s2], 'decimal');
    expect(before.find((n) => n.id === s2.id)?.number).toBe('1.2');
    const inserted = node(ch.id, 'a0V', 'section', 'new');
    const after = numberOutline([ch, s1, s2, inserted], 'decimal');
    expect(after.find((n) => n.id === inserted.id)?.number).toBe('1.2');
    expect(after.find((n) => n.id === s2.id)?.number).toBe('1.3');
  });

  it('numbers a regulation: chapters, sections, articles continuous across chapters, items below articles', () => {
    nextId = 1;
    const c1 = node(null, 'a0', 'chapter', '总则');
    const art1 = node(c1.id, 'a0', 'clause');
    const art2 = node(c1.id, 'a1', 'clause');
    const c2 = node(null, 'a1', 'chapter', '资金活动');
    const sec1 = node(c2.id, 'a0', 'section');
    const art3 = node(sec1.id, 'a0', 'process', '现金管理');
    const item1 = node(art3.id, 'a0', 'step');
    const item2 = node(art3.id, 'a1', 'step');
    const sub1 = node(item2.id, 'a0', 'control');
    const subsub = node(sub1.id, 'a0', 'clause');
    const sec2 = node(c2.id, 'a1', 'section');
    const art4 = node(sec2.id, 'a0', 'clause');
    const numbered = numberOutline([c1, art1, art2, c2, sec1, art3, item1, item2, sub1, subsub, sec2, art4], 'regulation');
    expect(numbered.map((n) => n.number)).toEqual([
      '第一章', '第一条', '第二条', '第二章', '第一节', '第三条', '（一）', '（二）', '1.', '(1)', '第二节', '第四条',
    ]);
  });

  it('writes regulation numbers in Traditional characters for a hant manual: 第一節, 第一條', () => {
    nextId = 1;
    const c1 = node(null, 'a0', 'chapter', '總則');
    const sec = node(c1.id, 'a0', 'section');
    const art1 = node(sec.id, 'a0', 'clause');
    const item = node(art1.id, 'a0', 'clause');
    const art2 = node(c1.id, 'a1', 'clause');
    const nodes = [c1, sec, art1, item, art2];
    expect(numberOutline(nodes, 'regulation', 'hant').map((n) => n.number)).toEqual(['第一章', '第一節', '第一條', '（一）', '第二條']);
    expect(numberOutline(nodes, 'regulation', 'hans').map((n) => n.number)).toEqual(['第一章', '第一节', '第一条', '（一）', '第二条']);
    // decimal numbers have no script
    expect(numberOutline(nodes, 'decimal', 'hant').map((n) => n.number)).toEqual(['1', '1.1', '1.1.1', '1.1.1.1', '1.2']);
  });

  it('handles a large, deep outline without recursion limits', () => {
    nextId = 1;
    const nodes: OutlineNode[] = [];
    let parent: number | null = null;
    for (let i = 0; i < 20_000; i++) {
      const n = node(parent, 'a0', 'clause');
      nodes.push(n);
      parent = n.id;
    }
    const numbered = numberOutline(nodes, 'decimal');
    expect(numbered).toHaveLength(20_000);
    expect(numbered[19_999]!.depth).toBe(19_999);
  });
});
