import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { readRcmWorkbook } from '../../server/rcm/read.ts';
import { AppErrorCause } from '../../server/errors.ts';
import { translate } from '../../server/i18n.ts';
import { kindAllowedUnder } from '../../shared/outline.ts';
import { planRcmImport, RCM_FIELDS, type RcmLookups, type RcmRow } from '../../shared/rcm.ts';

/**
 * Property tests of the control-matrix reader and planner (issues 7 and 8): random bytes,
 * truncated and damaged workbooks, random cell contents. Whatever the input: no crash, no hang,
 * and every failure is one of the import's own translated messages.
 */

const lookups: RcmLookups = {
  positions: [
    { id: 1, code: 'BUY', name: '采购员' },
    { id: 2, code: 'ACC', name: '会计' },
    { id: 3, code: 'ACC2', name: '会计' },
  ],
  duties: [{ code: 'execute', nameZh: '执行', nameEn: 'Execute' }],
  customEvidence: [{ code: 'x-bank', name: '银行回单' }],
  weights: { keyWeight: 3, generalWeight: 1 },
};

/** The failure must be a clear error of the import: a catalog message, never a crash or a hang. */
function expectClearError(err: unknown) {
  const cause = (err as { cause?: unknown })?.cause;
  if (!(cause instanceof AppErrorCause)) throw err;
  expect(cause.key).toMatch(/^errors\.rcm\./);
  expect(cause.key).not.toBe('errors.rcm.timeout');
  expect(translate('zh-CN', cause.key, cause.params)).not.toBe(cause.key);
}

async function read(buffer: Buffer) {
  try {
    const sheet = await readRcmWorkbook(buffer, { timeoutMs: 20_000 });
    const plan = planRcmImport(sheet.rows, lookups);
    for (const issue of [...sheet.cellIssues, ...plan.issues]) expect(translate('en', issue.key, issue.params)).not.toBe(issue.key);
    return plan;
  } catch (err) {
    expectClearError(err);
    return null;
  }
}

async function workbook(rows: ExcelJS.CellValue[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('RCM');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const HEADER = ['编号', '流程', '控制步骤', '控制点', '关键', '权重', '频率', '责任岗位', '证据', '控制目标', '风险', '检查点', '同时适用于'];
let valid: Buffer;
async function validFile() {
  valid ??= await workbook([
    HEADER,
    ['1', '采购', '', '', '', '', '', '', '', '', '', '', ''],
    ['1.1', '', '申请', '', '', '', '', '', '', '', '', '', ''],
    ['1.1.1', '', '', '审批', '关键', 3, '每月', 'BUY', '相关批件、银行回单', '目标', '风险', '抽样：抽 25 笔', ''],
    ['1.2', '', '', '复核', '一般', '', 'daily', '', '', '', '', '', '1.1'],
  ]);
  return valid;
}

const cellArb: fc.Arbitrary<ExcelJS.CellValue> = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('1', '1.1', '1.1.1', '2.1', '１.２', '1.', '0.1', '关键', '一般', '每月', '采购员', '会计', '相关批件、其他', '抽样：x', '=1+1', '+A1', '-', '@x', '\t', ''),
  fc.integer({ min: -5, max: 2000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
  fc.record({ formula: fc.constantFrom('1+1', 'SUM(A1:A3)', 'A1'), result: fc.option(fc.integer(), { nil: undefined }) }) as fc.Arbitrary<ExcelJS.CellValue>,
);

describe('control matrix reader under fuzzing', () => {
  it('answers random bytes with a clear error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), async (bytes, zipLike) => {
        const buffer = Buffer.concat([zipLike ? Buffer.from([0x50, 0x4b, 0x03, 0x04]) : Buffer.alloc(0), Buffer.from(bytes)]);
        expect(await read(buffer)).toBeNull();
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('answers truncated and damaged workbooks with a clear error (or reads them)', async () => {
    const file = await validFile();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: file.length - 1 }), async (cut) => {
        expect(await read(file.subarray(0, cut))).toBeNull();
      }),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(file.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (flips) => {
        const damaged = Buffer.from(file);
        for (const [pos, byte] of flips) damaged[pos] = byte;
        await read(damaged);
      }),
      { numRuns: 60 },
    );
  }, 240_000);

  it('reads workbooks of random cell contents without crashing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cellArb, { maxLength: HEADER.length + 2 }), { maxLength: 12 }), fc.boolean(), async (rows, withHeader) => {
        await read(await workbook(withHeader ? [HEADER, ...rows] : rows));
      }),
      { numRuns: 60 },
    );
  }, 240_000);
});

describe('control matrix planner under fuzzing', () => {
  const field = fc.constantFrom(...RCM_FIELDS);
  const text = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.constantFrom('1', '1.1', '1.1.1', '1.2', '2', '2.1', '1.1.2', '3.1.1', '关键', '一般', 'Y', '每日', '采购员', '会计', 'BUY', '执行', '相关批件', '银行回单', '穿行测试：看', '1.1, 2', '1', '2.5', '-1', '1001'),
  );
  const rowArb: fc.Arbitrary<RcmRow> = fc.record({
    rowNo: fc.integer({ min: 2, max: 500 }),
    cells: fc.dictionary(field, text, { maxKeys: 8 }) as fc.Arbitrary<RcmRow['cells']>,
  });

  it('plans any rows into a consistent outline or row errors', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 40 }), (rows) => {
        const plan = planRcmImport(rows, lookups);
        for (const issue of plan.issues) expect(translate('zh-CN', issue.key, issue.params)).not.toBe(issue.key);
        // a plan with row errors is only shown, never committed; one without must be a valid outline
        if (plan.issues.length) return;
        // the plan is an outline: parents first, kinds allowed, numbers unique, links to steps/processes
        const seen = new Map<string, string>();
        for (const n of plan.nodes) {
          expect(seen.has(n.number)).toBe(false);
          if (n.parent != null) expect(seen.has(n.parent)).toBe(true);
          expect(kindAllowedUnder(n.kind, n.parent == null ? null : (seen.get(n.parent) as 'process'))).toBe(true);
          seen.set(n.number, n.kind);
        }
        for (const n of plan.nodes) for (const h of n.alsoIn ?? []) expect(['step', 'process']).toContain(seen.get(h));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('approval-record reader (server/http/tabular.ts) under fuzzing', () => {
  async function readUpload(buffer: Buffer) {
    const { readTable } = await import('../../server/http/tabular.ts');
    const { Readable } = await import('node:stream');
    const upload = { kind: 'xlsx' as const, encoding: null, fileName: 'x.xlsx', size: buffer.length, body: Readable.from([buffer]), bytesRead: () => buffer.length };
    const rows: unknown[] = [];
    try {
      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('HANG')), 15_000));
      await Promise.race([(async () => { for await (const r of readTable(upload)) rows.push(r); })(), timeout]);
      return rows;
    } catch (err) {
      if ((err as Error).message === 'HANG') throw err;
      const cause = (err as { cause?: unknown })?.cause;
      if (!(cause instanceof AppErrorCause)) throw err;
      expect(cause.key).toMatch(/^errors\.(upload|rcm)\./);
      return null;
    }
  }

  it('answers truncated and damaged workbooks with a clear error, never a hang', async () => {
    const file = await validFile();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 4, max: file.length - 1 }), async (cut) => {
        await readUpload(Buffer.from(file.subarray(0, cut)));
      }),
      { numRuns: 100 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(file.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (flips) => {
        const damaged = Buffer.from(file);
        for (const [pos, byte] of flips) damaged[pos] = byte;
        await readUpload(damaged);
      }),
      { numRuns: 100 },
    );
  }, 600_000);
});
