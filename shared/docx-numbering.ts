import { toChineseNumeral } from './chinese-numerals.ts';

/**
 * Word's automatic list numbering (w:numPr → word/numbering.xml): the number a paragraph shows
 * is not in its text, so it is computed here as Word renders it — counters per list (numId) and
 * level, deeper levels restarting when a shallower one counts on, lvlText ('第%1章', '%1.%2',
 * '（%3）') filled with each level's counter in that level's numFmt. Pure.
 */

export interface NumberingLevel {
  start: number;
  numFmt: string;
  lvlText: string;
  /** restart after this (1-based) level is used; 0 = never; undefined = after any shallower level (Word's default) */
  restart?: number;
  /** w:isLgl: every number in lvlText written as a decimal ('第一章' then '1.1', not '一.1') */
  legal?: boolean;
}

export interface NumberingDefs {
  /** numId → abstract levels (index = ilvl) with the num's start overrides applied */
  lists: Map<string, { abstractId: string; levels: NumberingLevel[]; overrides: Map<number, number> }>;
}

const TRAD = ['零', '壹', '貳', '參', '肆', '伍', '陸', '柒', '捌', '玖'];
const DIGIT_CN = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

function roman(n: number): string {
  const table: Array<[number, string]> = [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
  let out = '';
  for (const [v, s] of table) {
    while (n >= v) {
      out += s;
      n -= v;
    }
  }
  return out;
}

function letters(n: number): string {
  // Word: a..z, aa..zz, aaa…
  const c = String.fromCharCode(97 + ((n - 1) % 26));
  return c.repeat(Math.floor((n - 1) / 26) + 1);
}

/** One counter value in a numFmt: decimal 3, chineseCounting 三, decimalEnclosedCircle ③ … */
export function formatCounter(n: number, numFmt: string): string {
  switch (numFmt) {
    case 'chineseCounting':
    case 'chineseCountingThousand':
    case 'japaneseCounting':
    case 'ideographTraditional':
    case 'taiwaneseCounting':
    case 'taiwaneseCountingThousand':
      return toChineseNumeral(n);
    case 'chineseLegalSimplified':
    case 'ideographLegalTraditional':
      return toChineseNumeral(n).replace(/[一二三四五六七八九]/g, (c) => TRAD[DIGIT_CN.indexOf(c)]!).replace('十', '拾');
    case 'ideographDigital':
    case 'taiwaneseDigital':
      return String(n).replace(/[0-9]/g, (d) => DIGIT_CN[Number(d)]!);
    case 'decimalFullWidth':
    case 'decimalFullWidth2':
      return String(n).replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    case 'decimalZero':
      return n < 10 ? `0${n}` : String(n);
    case 'decimalEnclosedCircle':
    case 'decimalEnclosedCircleChinese':
      return n >= 1 && n <= 20 ? String.fromCharCode(0x2460 + n - 1) : String(n);
    case 'upperRoman':
      return roman(n);
    case 'lowerRoman':
      return roman(n).toLowerCase();
    case 'upperLetter':
      return letters(n).toUpperCase();
    case 'lowerLetter':
      return letters(n);
    case 'bullet':
    case 'none':
      return '';
    default:
      return String(n);
  }
}

/** Counts list paragraphs in document order and renders each one's number. */
export class NumberingCounter {
  private counters = new Map<string, number[]>();

  constructor(private readonly defs: NumberingDefs) {}

  /** The rendered number of the next paragraph in list numId at level ilvl ('' for a bullet or an unknown list). */
  next(numId: string, ilvl: number): { text: string; format: string } | null {
    const list = this.defs.lists.get(numId);
    if (!list || numId === '0') return null;
    const level = list.levels[ilvl];
    if (!level) return null;
    // lists sharing an abstract definition share counters (Word continues them) unless a start is overridden
    const key = list.overrides.size ? `num:${numId}` : `abs:${list.abstractId}`;
    let counts = this.counters.get(key);
    if (!counts) this.counters.set(key, (counts = []));
    const startOf = (l: number) => list.overrides.get(l) ?? list.levels[l]?.start ?? 1;
    counts[ilvl] = counts[ilvl] === undefined ? startOf(ilvl) : counts[ilvl]! + 1;
    for (let l = ilvl + 1; l < 9; l++) {
      const r = list.levels[l]?.restart;
      if (r === 0) continue;
      if (r === undefined || r - 1 >= ilvl) counts[l] = undefined as unknown as number;
    }
    if (level.numFmt === 'bullet' || level.numFmt === 'none') return { text: '', format: level.numFmt };
    const text = level.lvlText.replace(/%([1-9])/g, (_, d: string) => {
      const l = Number(d) - 1;
      const v = counts![l] ?? startOf(l);
      return formatCounter(v, level.legal ? 'decimal' : (list.levels[l]?.numFmt ?? 'decimal'));
    });
    return { text, format: level.numFmt };
  }
}
