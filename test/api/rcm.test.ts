import { expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { describeApi, TEST_PASSWORD } from './harness.ts';
import { buildApp } from '../../server/app.ts';
import type { RcmImportResult } from '../../shared/rcm.ts';
import { buildZip, deflatedZeros, stored } from '../fixtures/zip.ts';

/**
 * Control-matrix import and export over HTTP (issue 7): export → import into a fresh manual →
 * the same matrix; a 20,000-row file with progress; every kind of bad input refused with a clear
 * message and nothing imported.
 */

type Cell = ExcelJS.CellValue;
const HEADER_ZH = ['编号', '流程', '控制步骤', '控制点', '关键', '权重', '频率', '责任岗位', '证据', '控制目标', '风险', '检查点'];

async function xlsx(rows: Cell[][], sheet = 'RCM'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheet);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function sheetRows(buffer: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  const out: string[][] = [];
  const ws = wb.worksheets[0]!;
  ws.eachRow((row) => {
    const values = row.values as Cell[];
    out.push(Array.from({ length: ws.columnCount }, (_, i) => {
      const v = values[i + 1];
      return v == null ? '' : typeof v === 'object' && 'richText' in v ? v.richText.map((r) => r.text).join('') : String(v);
    }));
  });
  return out;
}

describeApi('control matrix import/export', (env) => {
  let server: FastifyInstance | undefined;
  async function http() {
    server ??= await buildApp({ database: { db: env().db, backend: env().backend, close: async () => {} }, production: false, secureCookies: false, logLevel: 'silent', clientDir: '/nonexistent' });
    return server;
  }
  async function cookieOf(role: 'admin' | 'designer' | 'viewer') {
    const res = await (await http()).inject({
      method: 'POST',
      url: '/api/trpc/auth.login',
      headers: { 'content-type': 'application/json', 'x-controlbook-csrf': '1' },
      payload: JSON.stringify({ username: `${role}1`, password: TEST_PASSWORD }),
    });
    const c = res.cookies.find((x) => x.name === 'cb_session')!;
    return `${c.name}=${c.value}`;
  }
  async function exportRcm(manualId: number, lang = 'zh-CN') {
    const res = await (await http()).inject({ url: `/api/manuals/${manualId}/rcm.xlsx?lang=${lang}`, headers: { cookie: await cookieOf('viewer') } });
    expect(res.statusCode).toBe(200);
    return res.rawPayload;
  }
  /** POST a file; returns the NDJSON lines (progress…, then result or error) and the status. */
  async function upload(manualId: number, file: Buffer, opts: { dryRun?: boolean; role?: 'admin' | 'designer' | 'viewer'; csrf?: boolean } = {}) {
    const res = await (await http()).inject({
      method: 'POST',
      url: `/api/manuals/${manualId}/rcm-import?dryRun=${opts.dryRun === false ? 0 : 1}&name=rcm.xlsx`,
      headers: {
        cookie: await cookieOf(opts.role ?? 'designer'),
        'content-type': 'application/octet-stream',
        ...(opts.csrf === false ? {} : { 'x-controlbook-csrf': '1' }),
      },
      payload: file,
    });
    const lines = res.body.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { result?: RcmImportResult; error?: { message: string; messageKey: string }; phase?: string });
    return { status: res.statusCode, lines, last: lines.at(-1)! };
  }
  const newManual = (code: string) => env().caller('designer').manual.create({ code, title: `手册 ${code}`, numberingStyle: 'decimal' });
  const nodeCount = async (manualId: number) => (await env().caller('viewer').manual.tree({ manualId })).nodes.length;

  async function sampleManual() {
    const admin = env().caller('admin');
    const d = env().caller('designer');
    const unit = await admin.org.units.create({ parentId: null, code: 'PUR', name: '采购部' });
    const buyer = await admin.org.positions.create({ unitId: unit.id, code: 'BUY', name: '采购员', levelRank: 20 });
    const manager = await admin.org.positions.create({ unitId: unit.id, code: 'PUR-M', name: '采购经理', levelRank: 40 });
    const manual = await newManual('SRC');
    const node = (kind: 'process' | 'step', title: string, targetId: number | null, extra: Record<string, unknown> = {}) =>
      d.manual.insert({ manualId: manual.id, placement: targetId == null ? { relation: 'root_end' } : { relation: 'inside_end', targetId }, node: { kind, title, ...extra } });
    const pay = await node('process', '采购付款', null, { status: 'active' });
    const select = await node('step', '供应商选择', pay.id);
    const payStep = await node('step', '付款审批', pay.id);
    const inv = await node('process', '存货管理', null, { status: 'pending_design' });
    const count = await node('step', '盘点', inv.id);
    const control = (title: string, stepId: number, data: Record<string, unknown>) =>
      d.controls.create({ manualId: manual.id, placement: { relation: 'inside_end', targetId: stepId }, title, data });
    const c1 = await control('供应商准入审批', select.id, {
      isKey: true,
      weight: 5,
      frequency: 'per_event',
      ownerPositionId: manager.id,
      evidenceTypes: ['approval_document', 'contract'],
      objective: '确保供应商具备资质',
      risk: '选择不合格供应商',
      inspections: [
        { method: 'walkthrough', procedure: '抽取 1 笔准入申请，\n检查审批签字' },
        { method: 'sampling', procedure: '抽样 25 笔' },
      ],
      nature: 'preventive',
      automation: 'manual',
      scoringMethod: 'rate',
      tolerance: 1,
      element: 'control_activities',
      checkedDuty: 'execute',
    });
    const c2 = await control('=付款复核（以等号开头）', payStep.id, { isKey: false, frequency: 'daily', ownerPositionId: buyer.id, evidenceTypes: ['original_voucher'], automation: 'it_dependent', scoringMethod: 'graded', element: 'monitoring' });
    await d.controls.create({ manualId: manual.id, placement: { relation: 'inside_end', targetId: pay.id }, title: '月度对账', data: { isKey: true, frequency: 'monthly', nature: 'detective' } });
    await control('盘点差异处理', count.id, { isKey: false, frequency: 'quarterly' });
    await d.controls.link({ controlId: c2.id, hostId: count.id });
    await d.controls.link({ controlId: c1.id, hostId: inv.id });
    return { manual, pay, inv, c1, c2 };
  }

  it('round-trips: export → import into a fresh manual → the same matrix', async () => {
    const m = await sampleManual();
    try {
      const first = await exportRcm(m.manual.id);
      const rows = await sheetRows(first);
      expect(rows[0]).toEqual(['编号', '流程', '控制步骤', '控制点', '关键', '权重', '频率', '责任岗位', '证据', '控制目标', '风险', '检查点', '控制性质', '控制方式', '评分方法', '允许例外数', '要素', '检查职责', '流程状态', '同时适用于']);
      expect(rows[1]!.slice(0, 3)).toEqual(['1', '采购付款', '']);
      const c1 = rows.find((r) => r[3] === '供应商准入审批')!;
      expect(c1.slice(4, 9)).toEqual(['关键', '5', '每笔业务', '采购经理', '相关批件、合同协议']);
      expect(c1[11]).toBe('穿行测试：抽取 1 笔准入申请，\n检查审批签字\n抽样：抽样 25 笔');
      expect(c1[19]).toBe('2');

      const target = await newManual('DST');
      const dry = await upload(target.id, first);
      expect(dry.status).toBe(200);
      expect(dry.last.result).toMatchObject({ dryRun: true, committed: false, errorCount: 0, counts: { processes: 2, steps: 3, controls: 4, links: 2 } });
      expect(dry.last.result!.items.map((i) => [i.number, i.kind, i.depth])).toEqual([
        ['1', 'process', 0], ['1.1', 'step', 1], ['1.1.1', 'control', 2], ['1.2', 'step', 1], ['1.2.1', 'control', 2], ['1.3', 'control', 1], ['2', 'process', 0], ['2.1', 'step', 1], ['2.1.1', 'control', 2],
      ]);
      expect(await nodeCount(target.id)).toBe(0); // a dry run writes nothing

      const done = await upload(target.id, first, { dryRun: false });
      expect(done.last.result).toMatchObject({ committed: true, inserted: 9, errorCount: 0 });
      expect(done.lines.some((l) => l.phase === 'write')).toBe(true);
      expect(await sheetRows(await exportRcm(target.id))).toEqual(rows);

      // the matrices agree attribute by attribute
      const v = env().caller('viewer');
      const strip = (m: Awaited<ReturnType<typeof v.controls.matrix>>) =>
        m.controls.map(({ id: _i, parentId: _p, processIds, stepIds, hostIds, ...rest }) => ({ ...rest, processes: processIds.length, steps: stepIds.length, hosts: hostIds.length }));
      expect(strip(await v.controls.matrix({ manualId: target.id }))).toEqual(strip(await v.controls.matrix({ manualId: m.manual.id })));
      const imported = await v.controls.matrix({ manualId: target.id });
      expect(imported.processes.map((p) => p.status)).toEqual(['active', 'pending_design']);
      const c1Copy = imported.controls.find((c) => c.title === '供应商准入审批')!;
      expect((await v.controls.get({ controlId: c1Copy.id })).inspections).toEqual([
        { method: 'walkthrough', procedure: '抽取 1 笔准入申请，\n检查审批签字' },
        { method: 'sampling', procedure: '抽样 25 笔' },
      ]);
      // English headers and words import just the same
      const english = await newManual('ENG');
      const en = await upload(english.id, await exportRcm(m.manual.id, 'en'), { dryRun: false });
      expect(en.last.result).toMatchObject({ committed: true, inserted: 9 });
      expect(await sheetRows(await exportRcm(english.id))).toEqual(rows);
    } finally {
      await server?.close();
      server = undefined;
    }
  });

  it('builds the outline from a flat sheet whose rows name their process and step', async () => {
    const manual = await newManual('FLAT');
    try {
      const file = await xlsx([
        ['内部控制矩阵（示例）'],
        [],
        HEADER_ZH,
        ['1.1.1', '资金管理', '银行账户', '开户审批', '是', 3, '每笔', '', '相关批件', '', '', '询问：了解开户流程'],
        ['1.1.2', '资金管理', '银行账户', '销户审批', '否', '', '每月', '', '', '', '', ''],
        ['1.2.1', '资金管理', '现金', '现金盘点', 'Y', 2.5, 'monthly', '', 'Work ledger', '', '', ''],
        ['2.1', '费用报销', '', '报销审核', 'N', '', '', '', '', '', '', ''],
      ]);
      const res = await upload(manual.id, file, { dryRun: false });
      expect(res.last.result).toMatchObject({ committed: true, errorCount: 0, counts: { processes: 2, steps: 2, controls: 4 } });
      const tree = await env().caller('viewer').manual.tree({ manualId: manual.id });
      expect(tree.nodes.map((n) => [n.number, n.kind, n.title])).toEqual([
        ['1', 'process', '资金管理'], ['1.1', 'step', '银行账户'], ['1.1.1', 'control', '开户审批'], ['1.1.2', 'control', '销户审批'],
        ['1.2', 'step', '现金'], ['1.2.1', 'control', '现金盘点'], ['2', 'process', '费用报销'], ['2.1', 'control', '报销审核'],
      ]);
      const matrix = await env().caller('viewer').controls.matrix({ manualId: manual.id });
      expect(matrix.controls.map((c) => [c.isKey, c.weightOverride, c.frequency, c.evidenceTypes])).toEqual([
        [true, null, 'per_event', ['approval_document']], // 3 = the key default: no override
        [false, null, 'monthly', []],
        [true, 2.5, 'monthly', ['work_ledger']],
        [false, null, 'per_event', []],
      ]);
    } finally {
      await server?.close();
      server = undefined;
    }
  });

  it('reports every row-level error and imports nothing', async () => {
    const manual = await newManual('BAD');
    try {
      // over Excel's cell limit; a text of megabytes of one letter would be refused as a zip bomb (1000× ratio) before any row is read
      const big = 'x'.repeat(40_000);
      const file = await xlsx([
        HEADER_ZH,
        ['1', '采购', '', '', '', '', '', '', '', '', '', ''],
        ['1.1', '', '', '控制 A', '也许', '-2', '偶尔', '不存在的岗位', '发票, 神秘证据', '', '', '随便看看'],
        ['1.1', '', '', '控制 B（重复编号）', '', '', '', '', '', '', '', ''],
        ['abc', '', '', '控制 C', '', '', '', '', '', '', '', ''],
        ['3.1', '', '', '控制 D（无上级）', '', '', '', '', '', '', '', ''],
        ['1.2', '', '', '', '', '', '', '', '', '', '', ''],
        ['1.3', '', '', '控制 E', '', { formula: 'SUM(1,2)', result: 3 }, '', '', '', '', '', ''],
        ['1.4', '', '', '控制 F', '', '', '', '', '', big, '', ''],
      ]);
      const res = await upload(manual.id, file, { dryRun: false });
      const r = res.last.result!;
      expect(r.committed).toBe(false);
      expect(r.message).toBe(`文件有 ${r.errorCount} 处错误，未导入任何内容。`);
      const messages = r.errors.map((e) => e.message);
      expect(messages).toEqual(
        expect.arrayContaining([
          '第 3 行（关键）：“也许”无法识别：请填写“关键”或“一般”（或 是/否、Y/N）。',
          '第 3 行（权重）：权重“-2”无效：应为大于 0、不超过 1000 的数字，最多 4 位小数；留空表示使用手册默认权重。',
          expect.stringMatching(/^第 3 行（频率）：“偶尔”无法识别，可填写：每笔业务 \/ 每日多次/),
          '第 3 行（责任岗位）：责任岗位“不存在的岗位”不存在（请填写岗位编码或名称）。',
          '第 3 行（证据）：证据类型“发票”无法识别（可填写内置证据类型或本手册自定义证据类型的名称或编码）。',
          '第 3 行（证据）：证据类型“神秘证据”无法识别（可填写内置证据类型或本手册自定义证据类型的名称或编码）。',
          expect.stringMatching(/^第 3 行（检查点）：检查点“随便看看”无法识别/),
          '第 4 行（编号）：编号“1.1”重复（首次出现在第 3 行）。',
          '第 5 行（编号）：编号“abc”无效：应为 1、1.1、1.1.1 这样的数字编号。',
          '第 6 行（编号）：找不到上级“3”：表中没有这个编号，本行也没有填写可作为上级的流程或控制步骤名称。',
          '第 7 行（—）：无法判断是流程、控制步骤还是控制点：请在“流程”“控制步骤”或“控制点”列中填写名称。',
          '单元格 F8：含有公式 =SUM(1,2)。导入不接受公式：请复制后“选择性粘贴为数值”再导入。',
          '单元格 J9：文本过长（40000 个字符，超过 Excel 单元格上限 32767）。',
        ]),
      );
      expect(r.errorCount).toBe(13);
      expect(await nodeCount(manual.id)).toBe(0);
    } finally {
      await server?.close();
      server = undefined;
    }
  }, 120_000);

  it('refuses bad files with a clear message, in the user language', async () => {
    const manual = await newManual('FILES');
    try {
      const valid = await xlsx([HEADER_ZH, ['1', '采购', '', '', '', '', '', '', '', '', '', ''], ['1.1', '', '', '控制', '', '', '', '', '', '', '', '']]);
      const refusal = async (file: Buffer) => {
        const r = await upload(manual.id, file, { dryRun: false });
        return r.last.error ? { status: r.status, key: r.last.error.messageKey, message: r.last.error.message } : { status: r.status, key: 'none', message: JSON.stringify(r.last) };
      };
      expect(await refusal(Buffer.from('编号,流程,控制点\n1,采购,\n'))).toMatchObject({ status: 415, key: 'errors.rcm.notXlsx' });
      const cfb = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]);
      expect(await refusal(cfb)).toMatchObject({ status: 415, key: 'errors.rcm.encrypted', message: expect.stringContaining('密码') });
      expect(await refusal(valid.subarray(0, Math.floor(valid.length * 0.7)))).toMatchObject({ key: 'errors.rcm.corrupt', message: expect.stringMatching(/^文件已损坏/) });
      const bomb = buildZip([stored('[Content_Types].xml', '<Types/>'), { name: 'xl/worksheets/sheet1.xml', data: await deflatedZeros(210 * 1024 * 1024), method: 8, uncompressedSize: 210 * 1024 * 1024 }]);
      expect(bomb.length).toBeLessThan(1024 * 1024);
      expect(await refusal(bomb)).toMatchObject({ key: 'errors.rcm.entryTooLarge' });
      // a part that claims to be small but inflates to far more
      const liar = buildZip([stored('xl/workbook.xml', '<workbook/>'), { name: 'xl/worksheets/sheet1.xml', data: await deflatedZeros(50 * 1024 * 1024), method: 8, uncompressedSize: 1000 }]);
      expect(await refusal(liar)).toMatchObject({ key: 'errors.rcm.corrupt' });
      const many = buildZip(Array.from({ length: 1001 }, (_, i) => stored(`x/${i}.xml`, '<a/>')));
      expect(await refusal(many)).toMatchObject({ key: 'errors.rcm.tooManyEntries' });
      expect(await refusal(await xlsx([['编号', '控制点', '权重'], ['1', 'x', 1]]))).toMatchObject({ key: 'errors.rcm.missingColumns', message: '缺少必需的列：流程（找到的表头：编号, 控制点, 权重）。' });
      expect(await refusal(await xlsx([['名称', '说明'], ['a', 'b']]))).toMatchObject({ key: 'errors.rcm.noHeader' });
      expect(await refusal(await xlsx([['编号', '流程', '控制点', 'No.'], ['1', 'a', '', '2']]))).toMatchObject({ key: 'errors.rcm.duplicateColumn', message: '列“编号”出现了不止一次（第 1 列和第 4 列）。' });
      expect(await refusal(await xlsx([HEADER_ZH]))).toMatchObject({ key: 'errors.rcm.noRows' });
      expect(await nodeCount(manual.id)).toBe(0);

      // permission and CSRF
      expect((await upload(manual.id, valid, { role: 'viewer' })).status).toBe(403);
      expect((await upload(manual.id, valid, { csrf: false })).status).toBe(403);
      expect((await upload(999_999, valid)).last.error).toMatchObject({ messageKey: 'errors.notFound' });
      expect((await (await http()).inject({ url: `/api/manuals/${manual.id}/rcm.xlsx` })).statusCode).toBe(401);
    } finally {
      await server?.close();
      server = undefined;
    }
  }, 120_000);

  it('imports a 20,000-row matrix, streaming progress', async () => {
    const manual = await newManual('BIG');
    try {
      const rows: Cell[][] = [HEADER_ZH];
      for (let p = 1; p <= 40; p++) {
        rows.push([String(p), `流程 ${p}`, '', '', '', '', '', '', '', '', '', '']);
        for (let s = 1; s <= 5; s++) {
          rows.push([`${p}.${s}`, '', `步骤 ${p}.${s}`, '', '', '', '', '', '', '', '', '']);
          for (let c = 1; c <= 99; c++) rows.push([`${p}.${s}.${c}`, '', '', `控制点 ${p}.${s}.${c} 经办人提交，负责人审批`, c % 3 ? '一般' : '关键', '', '每月', '', '原始凭单', '目标', '风险', '抽样：抽取样本']);
        }
      }
      expect(rows.length - 1).toBe(20_040);
      const res = await upload(manual.id, await xlsx(rows), { dryRun: false });
      expect(res.last.result).toMatchObject({ committed: true, errorCount: 0, rows: 20_040, inserted: 20_040, counts: { processes: 40, steps: 200, controls: 19_800 } });
      expect(res.last.result!.items.length).toBe(1000);
      const reads = res.lines.filter((l) => l.phase === 'read');
      expect(reads.length).toBeGreaterThan(1);
      expect(res.lines.some((l) => l.phase === 'write')).toBe(true);
      expect(await nodeCount(manual.id)).toBe(20_040);
    } finally {
      await server?.close();
      server = undefined;
    }
  }, 300_000);
});
