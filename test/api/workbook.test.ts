import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { describeApi } from './harness.ts';
import { buildApp } from '../../server/app.ts';
import { seedDemo, DEMO_PASSWORD } from '../../server/demo/seed.ts';
import { hasSoffice, recalc } from '../fixtures/libreoffice.ts';
import { cachedResult, loadWorkbook } from '../fixtures/cached-values.ts';
import type { ScoreReport, SetScore } from '../../shared/scoring.ts';

/**
 * The evaluation workbook through the real path: demo audits in the database, the download route
 * (session cookie, audit.read, ?lang), the scores on the Summary equal to `audits.scores`
 * (cached and after LibreOffice recalculation), and the CLI.
 */

const text = (v: ExcelJS.CellValue): string => (v && typeof v === 'object' && 'richText' in v ? v.richText.map((r) => r.text).join('') : v == null ? '' : String(v));
/** the formula's stored result; a missing one fails (exceljs alone reads a cached 0 and no result alike) */
const result = cachedResult;

/** Summary score rows by section: name → score cell value (cached or recalculated). */
function summaryScores(wb: ExcelJS.Workbook, sheet: string, sections: string[]) {
  const ws = wb.getWorksheet(sheet)!;
  const out: Record<string, Map<string, ExcelJS.CellValue>> = {};
  let current: string | null = null;
  ws.eachRow((row) => {
    const b = text(row.getCell(2).value);
    if (sections.includes(b) && !row.getCell(3).value) {
      current = b;
      out[b] = new Map();
      return;
    }
    if (current && row.getCell(10).formula) out[current]!.set(text(row.getCell(3).value), result(row.getCell(10)));
  });
  return out;
}

function expectScores(got: Map<string, ExcelJS.CellValue>, expected: [string, SetScore][]) {
  expect(got.size).toBe(expected.length);
  for (const [name, s] of expected) {
    const v = got.get(name);
    if (s.value == null) expect(v, name).toBe('N/A');
    else expect(Math.abs((v as number) - s.value), name).toBeLessThan(0.01);
  }
}

describeApi('evaluation workbook', (env) => {
  async function app(): Promise<FastifyInstance> {
    await seedDemo(env().db);
    return buildApp({ database: { db: env().db, backend: env().backend, close: async () => {} }, production: false, secureCookies: false, logLevel: 'silent', clientDir: '/nonexistent' });
  }
  async function login(server: FastifyInstance, username: string) {
    const res = await server.inject({
      method: 'POST',
      url: '/api/trpc/auth.login',
      headers: { 'content-type': 'application/json', 'x-controlbook-csrf': '1' },
      payload: JSON.stringify({ username, password: DEMO_PASSWORD }),
    });
    expect(res.statusCode).toBe(200);
    const c = res.cookies.find((x) => x.name === 'cb_session')!;
    return `${c.name}=${c.value}`;
  }
  async function expected(auditId: number) {
    const v = env().caller('viewer');
    const detail = await v.audits.get({ auditId });
    const scores: ScoreReport = await v.audits.scores({ auditId });
    const processName = new Map(detail.processes.map((p) => [p.id, p.title]));
    const unitName = new Map(detail.units.map((u) => [u.id, u.name]));
    return {
      detail,
      scores,
      processes: Object.entries(scores.processes).map(([id, s]) => [processName.get(Number(id))!, s] as [string, SetScore]),
      units: Object.entries(scores.units).map(([id, s]) => [unitName.get(Number(id))!, s] as [string, SetScore]),
    };
  }

  it('downloads the workbook of a demo audit with the API scores as formulas', async () => {
    const server = await app();
    try {
      const cookie = await login(server, 'viewer');
      const audits = await env().caller('viewer').audits.list();
      for (const audit of audits) {
        const res = await server.inject({ url: `/api/audits/${audit.id}/workbook.xlsx`, headers: { cookie } });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        expect(res.headers['content-disposition']).toMatch(/^attachment; filename=".*\.xlsx"; filename\*=UTF-8''/);
        expect(decodeURIComponent(String(res.headers['content-disposition']).split("UTF-8''")[1]!)).toBe(`${audit.name}-${audit.baseDate}.xlsx`);
        const wb = await loadWorkbook(res.rawPayload);
        expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '控制点', '缺陷', '不相容职务冲突', '越权审批', '评分方法', '流程-控制点']);
        const e = await expected(audit.id);
        expect(wb.getWorksheet('控制点')!.rowCount).toBe(1 + e.detail.controls.length);
        expect(wb.getWorksheet('缺陷')!.rowCount).toBe(1 + e.detail.findings.length);
        const s = summaryScores(wb, '汇总', ['公司得分', '业务流程得分', '单位得分']);
        expectScores(s['公司得分']!, [[[...s['公司得分']!.keys()][0]!, e.scores.company]]);
        expectScores(s['业务流程得分']!, e.processes);
        expectScores(s['单位得分']!, e.units);
        // the SoD sheet lists the demo's conflicts as of the base date
        expect(wb.getWorksheet('不相容职务冲突')!.rowCount).toBeGreaterThan(1);
      }
    } finally {
      await server.close();
    }
  });

  it('answers in English with ?lang=en, and refuses without a session or for an unknown audit', async () => {
    const server = await app();
    try {
      const [audit] = await env().caller('viewer').audits.list();
      const anonymous = await server.inject({ url: `/api/audits/${audit!.id}/workbook.xlsx` });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().error.messageKey).toBe('errors.unauthenticated');
      const cookie = await login(server, 'auditor');
      const en = await server.inject({ url: `/api/audits/${audit!.id}/workbook.xlsx?lang=en`, headers: { cookie } });
      expect(en.statusCode).toBe(200);
      const wb = await loadWorkbook(en.rawPayload);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'Controls', 'Findings', 'Incompatible duties', 'Authority violations', 'Method', 'Process links']);
      const missing = await server.inject({ url: '/api/audits/999999/workbook.xlsx?lang=en', headers: { cookie } });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.message).toMatch(/999999/);
      const bad = await server.inject({ url: '/api/audits/abc/workbook.xlsx', headers: { cookie } });
      expect(bad.statusCode).toBe(404);
    } finally {
      await server.close();
    }
  });

  it.skipIf(!hasSoffice)('recalculates in LibreOffice to the API scores', async () => {
    const server = await app();
    try {
      const cookie = await login(server, 'viewer');
      const [audit] = await env().caller('viewer').audits.list();
      const res = await server.inject({ url: `/api/audits/${audit!.id}/workbook.xlsx?lang=en`, headers: { cookie } });
      const wb = await loadWorkbook(recalc(res.rawPayload));
      const e = await expected(audit!.id);
      const s = summaryScores(wb, 'Summary', ['Company score', 'Scores by process', 'Scores by unit']);
      expectScores(s['Company score']!, [[[...s['Company score']!.keys()][0]!, e.scores.company]]);
      expectScores(s['Scores by process']!, e.processes);
      expectScores(s['Scores by unit']!, e.units);
    } finally {
      await server.close();
    }
  }, 120_000);
});

it('exports a workbook from the command line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-wb-cli-'));
  const env = { ...process.env, DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' };
  const run = (args: string[]) => execFileSync(process.execPath, ['bin/controlbook.mjs', ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  run(['seed-demo']);
  const file = path.join(dir, 'audit.xlsx');
  expect(run(['export-workbook', '1', '-o', file, '--lang', 'en'])).toMatch(/^wrote .*audit\.xlsx \(\d+ controls/);
  expect(fs.readFileSync(file).subarray(0, 2).toString()).toBe('PK');
  expect(() => run(['export-workbook', '999', '-o', path.join(dir, 'x.xlsx')])).toThrow(/999/);
  expect(fs.existsSync(path.join(dir, 'x.xlsx'))).toBe(false);
}, 180_000);
