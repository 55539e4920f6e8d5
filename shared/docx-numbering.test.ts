import { describe, expect, it } from 'vitest';
import { formatCounter, NumberingCounter, type NumberingDefs } from './docx-numbering.ts';

describe('Word automatic numbering', () => {
  it('formats counters as Word does', () => {
    expect([1, 10, 11, 21, 105].map((n) => formatCounter(n, 'chineseCounting'))).toEqual(['一', '十', '十一', '二十一', '一百零五']);
    expect(formatCounter(3, 'decimalEnclosedCircle')).toBe('③');
    expect(formatCounter(4, 'upperRoman')).toBe('IV');
    expect(formatCounter(27, 'lowerLetter')).toBe('aa');
    expect(formatCounter(12, 'decimalFullWidth')).toBe('１２');
    expect(formatCounter(2, 'bullet')).toBe('');
  });

  it('renders lvlText with every level, restarts deeper levels, honours isLgl and start overrides', () => {
    const levels = [
      { start: 1, numFmt: 'chineseCounting', lvlText: '第%1章' },
      { start: 1, numFmt: 'decimal', lvlText: '%1.%2', legal: true },
      { start: 1, numFmt: 'chineseCounting', lvlText: '（%3）' },
      { start: 1, numFmt: 'chineseCounting', lvlText: '第%4条', restart: 0 },
    ];
    const defs: NumberingDefs = {
      lists: new Map([
        ['1', { abstractId: 'a', levels, overrides: new Map() }],
        ['2', { abstractId: 'a', levels, overrides: new Map([[0, 5]]) }],
      ]),
    };
    const c = new NumberingCounter(defs);
    const seq = [[0], [1], [2], [2], [1], [2], [0], [1], [3], [3], [0], [3]].map(([l]) => c.next('1', l!)!.text);
    expect(seq).toEqual(['第一章', '1.1', '（一）', '（二）', '1.2', '（一）', '第二章', '2.1', '第一条', '第二条', '第三章', '第三条']);
    // a list with a start override counts on its own
    expect(new NumberingCounter(defs).next('2', 0)!.text).toBe('第五章');
    expect(c.next('9', 0)).toBeNull();
  });
});
