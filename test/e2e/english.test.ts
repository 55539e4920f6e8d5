import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEFAULT_EXTRA_DUTIES, DEFAULT_SOD_RULES } from '../../shared/sod-defaults.ts';
import { domainMessages } from '../../shared/i18n/index.ts';
import { uiZhCN } from '../../client/i18n/zh-CN.ts';
import { browserSuite, hasChromium, signIn } from './browser.ts';
import { apiAs } from './api.ts';

/** CJK ideographs, CJK punctuation and full-width forms: none may show in the English UI outside user data. */
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

/** Every string in a value of the backup: plain text, JSON (jsonb) and PostgreSQL array text. */
function stringsOf(value: unknown, out: Set<string>): void {
  if (typeof value === 'string') {
    if (!CJK.test(value)) return;
    out.add(value);
    const s = value.trim();
    if (s.startsWith('{') || s.startsWith('[')) {
      try {
        stringsOf(JSON.parse(s), out);
        return;
      } catch {
        // a PostgreSQL array: {a,"b c"}
        for (const part of s.slice(1, -1).split(',')) out.add(part.replace(/^"|"$/g, ''));
      }
    }
    for (const line of value.split('\n')) out.add(line.trim());
  } else if (Array.isArray(value)) {
    for (const v of value) stringsOf(v, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) stringsOf(v, out);
  }
}

/** Texts the product supplies (catalogs, default rule set, duty names): these must be translated, so they are never "user data". */
function productTexts(): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.add(v);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(domainMessages['zh-CN']);
  walk(uiZhCN);
  for (const r of DEFAULT_SOD_RULES) {
    out.add(r.rationale['zh-CN']);
    out.add(r.basis['zh-CN']);
  }
  for (const d of DEFAULT_EXTRA_DUTIES) out.add(d.nameZh);
  return out;
}

/**
 * User data: every text stored in the database (names, titles, bodies, … of the Chinese demo), read
 * from a full backup — except duty categories (each has an English name the UI must use) and texts
 * the product itself supplies. Longest first, so a name is removed before a part of it.
 */
async function userTexts(page: Page, baseUrl: string): Promise<string[]> {
  const res = await page.context().request.get(`${baseUrl}/api/admin/backup`);
  expect(res.status()).toBe(200);
  const lines = gunzipSync(await res.body()).toString('utf8').split('\n').filter(Boolean);
  const found = new Set<string>();
  for (const line of lines.slice(1, -1)) {
    const row = JSON.parse(line) as { t: string; v: unknown[] };
    if (row.t === 'duty_category') continue;
    stringsOf(row.v, found);
  }
  const supplied = productTexts();
  return [...found].filter((s) => s.length > 0 && !supplied.has(s)).sort((a, b) => b.length - a.length);
}

/** Numbers of a manual in Chinese regulation style (第一章, 第三条, （二）) are the manual's own content. */
const REGULATION_NUMBER = /第[一二三四五六七八九十百千零〇两\d]+[章节条]|（[一二三四五六七八九十百]+）/g;

/**
 * Visible text nodes (and placeholders) with a CJK character, outside elements marked as user data
 * (`data-user-text`) or as another language (`lang` not English, e.g. the 中文 of the language switch).
 */
async function cjkTexts(page: Page): Promise<string[]> {
  return page.evaluate((source) => {
    const cjk = new RegExp(source);
    const exempt = (el: Element | null) => !!el?.closest('[data-user-text], [lang]:not([lang^="en"]):not(html)');
    // off the page counts as hidden: chart libraries measure text in a span parked at top -20000px
    const onPage = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.bottom + window.scrollY > 0 && r.right + window.scrollX > 0;
    };
    const visible = (el: Element) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) && onPage(el);
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent ?? '';
      const el = n.parentElement;
      if (!cjk.test(text) || !el || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName)) continue;
      if (exempt(el) || !visible(el)) continue;
      out.push(text.trim());
    }
    for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
      const text = el.getAttribute('placeholder') ?? '';
      if (cjk.test(text) && !exempt(el) && visible(el)) out.push(text);
    }
    return out;
  }, CJK.source);
}

/** Column headers whose label does not fit (cut off by the column width, e.g. "Weigh" for "Weight"). */
async function cutHeaders(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('th')]
      .filter((th) => th.checkVisibility() && th.innerText.trim() && th.scrollWidth > th.clientWidth + 1)
      .map((th) => `header cut: ${th.innerText.trim()}`),
  );
}

/** What is left of a text once user data is taken out; CJK in the rest is a missing translation. */
function untranslated(texts: string[], user: string[]): string[] {
  const bad: string[] = [];
  for (const text of texts) {
    // a piece of one user text, maybe after a date (chart labels cut user text anywhere)
    const piece = text.replace(/\d{4}-\d{2}-\d{2}/g, '').trim();
    if (user.some((u) => u.includes(piece))) continue;
    let rest = text;
    for (const u of user) if (rest.includes(u)) rest = rest.split(u).join(' ');
    rest = rest.replace(REGULATION_NUMBER, ' ');
    if (CJK.test(rest)) bad.push(text);
  }
  return [...new Set(bad)];
}

/** Navigate inside the single-page app (no reload: the query cache and the language stay as they are). */
async function go(page: Page, path: string, wait: 'settled' | 'loaded' = 'settled'): Promise<void> {
  await page.evaluate((p) => {
    window.history.pushState({}, '', p);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
  if (wait === 'settled') await settle(page);
  else await page.waitForLoadState('networkidle');
}

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  // A lazy page keeps the previous one on screen while it loads: wait until no loader is left and
  // the text has stopped changing (bounded; a page may legitimately keep a spinner).
  let last = '';
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(200);
    const now = await page.evaluate(() => (document.querySelector('.mantine-Loader-root') ? '…loading' : '') + document.body.innerText);
    if (now === last && !now.startsWith('…loading')) return;
    last = now;
  }
}

describe.skipIf(!hasChromium)('English UI', () => {
  const suite = browserSuite({ viewport: { width: 1440, height: 900 } });
  const { withPage } = suite;
  let routes: string[] = [];

  beforeAll(async () => {
    const admin = await apiAs(suite.server.baseUrl, 'admin');
    const manual = (await admin.manual.list.query()).find((m) => m.code === 'ICM-DEMO')!;
    const audits = await admin.audits.list.query();
    const auditIds = [audits.find((a) => a.status === 'fieldwork'), audits.find((a) => a.status === 'signed_off')]
      .filter((a) => a != null)
      .map((a) => a.id);
    const person = (await admin.org.people.list.query())[0]!;
    const manualTabs = ['', '/document', '/versions', '/processes', '/controls', '/overlap', '/lint', '/references', '/import', '/rcm-import'];
    const auditTabs = ['', '/findings', '/signoff', '/compare', '/dashboard'];
    routes = [
      '/',
      '/org/units',
      '/org/positions',
      '/org/people',
      '/org/assignments',
      '/authority',
      '/authority/who',
      '/authority/delegations',
      '/authority/approvals',
      '/authority/import',
      '/authority/violations',
      '/sod',
      '/sod/rules',
      '/sod/duties',
      '/sod/mitigations',
      `/sod/people/${person.id}`,
      '/manuals',
      ...manualTabs.map((tab) => `/manuals/${manual.id}${tab}`),
      '/audits',
      ...auditIds.flatMap((id) => auditTabs.map((tab) => `/audits/${id}${tab}`)),
      '/audit-dashboard',
      '/admin/users',
      '/admin/trail',
      '/admin/backup',
    ];
  });

  it('shows no Chinese outside user data and no cut header on any page after switching to English, without a reload', async () => {
    await withPage(async (page) => {
      await signIn(page, suite.server.baseUrl, 'admin');
      await page.getByTestId('nav-units').waitFor();
      const user = await userTexts(page, suite.server.baseUrl);
      const navUnits = page.getByTestId('nav-units');
      const problems: string[] = [];
      let reported = 0;
      for (const route of routes) {
        // each page is open in Chinese, with its server texts loaded, when the language switches
        await go(page, route, 'loaded');
        await page.getByTestId('language-switch').getByText('English').click();
        await navUnits.getByText('Units', { exact: true }).waitFor();
        await settle(page);
        expect(new URL(page.url()).pathname, `${route} redirected`).toBe(route);
        for (const text of untranslated(await cjkTexts(page), user)) problems.push(`${route}: ${text}`);
        for (const text of await cutHeaders(page)) problems.push(`${route}: ${text}`);
        if (problems.length > reported) console.warn(problems.slice(reported).join('\n'));
        reported = problems.length;
        await page.getByTestId('language-switch').getByText('中文').click();
        await navUnits.getByText('组织单位').waitFor();
      }
      expect(problems).toEqual([]);
    });
  }, 900_000); // some 40 pages, each switched to English and back
});
