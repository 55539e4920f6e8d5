/**
 * Text helpers of the outline import (docs/design.md §3.1) that do not depend on the parser:
 * the script a document is written in, a heading run into its body, and decimal headings
 * inside one long line (a web page copied as one paragraph). Pure and linear.
 */

// characters that differ between the scripts and are common in regulations
const HANT = '條節則與應為於資務機關會員規發實產經業權審覈計劃總職責據稅貨幣帳戶導' as const;
const HANS = '条节则与应为于资务机关会员规发实产经业权审核计划总职责据税货币账户导' as const;

/** 'hant' when Traditional-only characters outnumber their Simplified counterparts (first 50,000 characters). */
export function detectScript(text: string): 'hans' | 'hant' {
  const hant = new Set(HANT);
  const hans = new Set(HANS);
  let t = 0;
  let s = 0;
  const n = Math.min(text.length, 50_000);
  for (let i = 0; i < n; i++) {
    const c = text[i]!;
    if (hant.has(c) && !hans.has(c)) t++;
    else if (hans.has(c) && !hant.has(c)) s++;
  }
  return t > s ? 'hant' : 'hans';
}

// where the text of a heading run into its body usually starts
const BODY_START = /本(制度|办法|規定|规定|细则|細則|程序|规范|規範|标准|標準|公司)|为了|為了|为规范|為規範|为加强|為加強|公司(应|應|各|的)|各(部门|部門|单位|單位|子公司)|凡|对于|對於|根据|根據|按照|依据|依據|应当|應當|是指/;

/**
 * '适用范围本制度适用于公司全体员工。' → title '适用范围', body '本制度适用于…'. Cuts at the first space,
 * else where the body's usual first words start, else after a colon, else after the first
 * sentence mark; the title keeps every character it had (no punctuation is lost).
 */
export function splitHeading(line: string): { title: string; body: string } {
  const s = line.trim();
  if (s.length <= 40 && !/[。，,；;]/.test(s)) return { title: s, body: '' };
  const head = s.slice(0, 41);
  const ws = head.search(/\s/);
  if (ws > 0) return { title: s.slice(0, ws), body: s.slice(ws + 1).trim() };
  const m = BODY_START.exec(s.slice(0, 30));
  if (m && m.index >= 2) return { title: s.slice(0, m.index), body: s.slice(m.index) };
  const colon = head.search(/[：:]/);
  if (colon > 0 && colon <= 30) return { title: s.slice(0, colon + 1), body: s.slice(colon + 1).trim() };
  const mark = head.search(/[，,。；;]/);
  if (mark > 0) return { title: s.slice(0, mark + 1), body: s.slice(mark + 1).trim() };
  return { title: s.slice(0, 30), body: s.slice(30) };
}

/** Does `next` plausibly follow `current` in a decimal outline (small steps, new levels start low)? */
export function plausibleNext(current: number[], next: number[]): boolean {
  if (current.length === 0) return next.every((v) => v >= 1 && v <= 20);
  let i = 0;
  while (i < current.length && i < next.length && current[i] === next[i]) i++;
  if (i === next.length) return false; // same number or an ancestor of the current one
  const step = next[i]! - (current[i] ?? 0);
  if (step < 1 || step > 3) return false;
  return next.slice(i + 1).every((v) => v >= 1 && v <= 3);
}

// a decimal heading candidate: after a line start, a sentence end, a colon or a space; '1.2 ' '1.2标' '1.' '1、'
const INLINE_DECIMAL_RE = /(^|[。；;！!？?：:\s])([0-9]{1,3}(?:\.[0-9]{1,3}){0,4})([.、]?)(?=[ \t]|\p{L})/gmu;

/**
 * '…1.1目的为规范…。1.2范围本制度…' → a line break before '1.2'. Only numbers that continue the
 * outline in order count ('（财政部，2016）', '20世纪90年代', '增长1.5%' do not); a one-part
 * number needs its '.'/'、' or a space after it and a sentence end before it. Whitespace is all
 * that is added.
 */
export function splitInlineDecimals(text: string): string {
  let current: number[] = [];
  let listLast = 0;
  let out = '';
  let last = 0;
  INLINE_DECIMAL_RE.lastIndex = 0;
  for (let m = INLINE_DECIMAL_RE.exec(text); m; m = INLINE_DECIMAL_RE.exec(text)) {
    const before = m[1]!;
    const start = m.index + before.length;
    const parts = m[2]!.split('.').map(Number);
    const lineStart = start === 0 || text[start - 1] === '\n';
    // '1 总则' but not '2025 年 1 月' (a PDF puts spaces around digits)
    const spaced = text[start + m[2]!.length] === ' ' && !/[年月日个元万亿号%]/.test(text[start + m[2]!.length + 1] ?? '');
    if (parts.length === 1 && !m[3] && !(spaced && (/[。；;！!？?]/.test(before) || (current.length === 0 && parts[0] === 1)))) continue;
    if (/[：:]/.test(before) || !plausibleNext(current, parts)) {
      // '如下：1. 甲；2. 乙。' — an inline list counting from 1 after a colon, then after each item
      const v = parts[0]!;
      if (parts.length !== 1 || !m[3] || !/[：:；;。]/.test(before) || !(v === 1 || v === listLast + 1)) continue;
      listLast = v;
    } else {
      current = parts;
      listLast = 0;
    }
    if (lineStart) continue;
    out += text.slice(last, start) + '\n';
    last = start;
  }
  return last === 0 ? text : out + text.slice(last);
}
