import { expect, it } from 'vitest';
import { zhCN } from './zh-CN.ts';
import { en } from './en.ts';
import { password, resolveLocale } from '../auth.ts';

function leaves(obj: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of leaves(v as object, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

it('translates every message into English with the same placeholders', () => {
  const zh = leaves(zhCN);
  const enLeaves = leaves(en);
  expect([...enLeaves.keys()].sort()).toEqual([...zh.keys()].sort());
  for (const [key, text] of zh) {
    expect(enLeaves.get(key), key).toBeTruthy();
    expect(placeholders(enLeaves.get(key)!), key).toEqual(placeholders(text));
  }
});

it('picks the language from a header value, Chinese by default', () => {
  expect(resolveLocale('en-US,en;q=0.9')).toBe('en');
  expect(resolveLocale('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
  expect(resolveLocale(undefined)).toBe('zh-CN');
  expect(resolveLocale('fr')).toBe('zh-CN');
});

it('enforces the password policy: 10+ characters with letters and digits', () => {
  expect(password.safeParse('Ledger-Ox-2026').success).toBe(true);
  // the public demo password and common ones are refused (shared/common-passwords.ts)
  expect(password.safeParse('ControlBook2026').success).toBe(false);
  expect(password.safeParse('password12').success).toBe(false);
  expect(password.safeParse('短密码1').success).toBe(false);
  expect(password.safeParse('onlyletters').success).toBe(false);
  expect(password.safeParse('1234567890').success).toBe(false);
});
