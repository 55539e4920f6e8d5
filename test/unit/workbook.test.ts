import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { writeAuditWorkbook, type WorkbookInput } from '../../server/workbook/audit-workbook.ts';
import { displayWidth, looksLikeFormula, safeText } from '../../server/workbook/cells.ts';
import { roundScore, type ScoreReport, type SetScore } from '../../shared/scoring.ts';
import type { AuditWorkbookData } from '../../shared/audits.ts';
import type { SodConflict } from '../../shared/sod.ts';
import { workedExample } from '../fixtures/workbook-data.ts';
import { hasSoffice, recalc } from '../fixtures/libreoffice.ts';
import { readZip } from '../fixtures/zip.ts';
import { cachedResult, loadWorkbook } from '../fixtures/cached-values.ts';

/**
 * The evaluation workbook writer on the worked example of docs/design.md §3.4: every sheet, header,
 * formula and cached value read back with exceljs; the zip's chart parts; and LibreOffice
 * recalculation agreeing with shared computeScores (also from deliberately wrong cached values).
 */

async function write(input: Partial<WorkbookInput> & { data: AuditWorkbookData }): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeAuditWorkbook({ locale: 'zh-CN', generatedAt: new Date('2026-12-31T10:00:00Z'), ...input }, out);
  return Buffer.concat(chunks);
}

async function open(buffer: Buffer) {
  const wb = await loadWorkbook(buffer);
  return wb;
}

const headerOf = (ws: ExcelJS.Worksheet, row = 1) => (ws.getRow(row).values as ExcelJS.CellValue[]).slice(1);
const text = (v: ExcelJS.CellValue): string => {
  if (v == null) return '';
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
  return String(v);
};
/** the formula's stored result; a missing one fails (exceljs alone reads a cached 0 and no result alike) */
const result = cachedResult;

/** The Summary row whose name column (C) reads `name`, after the section heading `section`. */
function summaryRow(ws: ExcelJS.Worksheet, section: string, name: string): ExcelJS.Row {
  let inSection = false;
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    if (text(row.getCell(2).value) === section) inSection = true;
    else if (inSection && text(row.getCell(3).value) === name) return row;
  }
  throw new Error(`no row ${section} / ${name}`);
}

const conflict: SodConflict = {
  key: 'people:1:2',
  kind: 'people',
  ruleId: 1,
  ruleCode: 'SOD-01',
  ruleKind: 'duty',
  scope: 'same_person',
  risk: 'high',
  dutyA: 'execute',
  dutyB: 'record',
  positions: [
    { id: 1, code: 'PUR-B', name: '采购员', unitId: 11, unitName: '采购部', duties: ['execute'] },
    { id: 2, code: 'ACC-GL', name: '总账会计', unitId: 12, unitName: '财务部', duties: ['record'] },
  ],
  unitId: null,
  unitName: null,
  personId: 5,
  personName: '=cmd|calc',
  employeeNo: 'E005',
  assignments: [],
  from: '2026-07-01',
  to: '2026-08-15',
  controlId: null,
  controlTitle: null,
  manualId: null,
  status: 'open',
  mitigation: null,
  lapsedMitigation: null,
};

describe('safeText', () => {
  it('writes text a spreadsheet could take for a formula as a literal rich-text string', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) {
      expect(looksLikeFormula(s)).toBe(true);
      expect(safeText(s)).toEqual({ richText: [{ text: s }] });
    }
    expect(safeText('采购付款')).toBe('采购付款');
    expect(safeText('1-2')).toBe('1-2');
    expect(safeText('')).toBeNull();
  });

  it('counts Chinese characters as two columns', () => {
    expect(displayWidth('采购付款')).toBe(8);
    expect(displayWidth('AB采购')).toBe(6);
  });
});

describe('evaluation workbook (worked example)', () => {
  const data = workedExample();
  const { scores } = data;

  it('writes every sheet with translated names and headers, zh-CN and en', async () => {
    const zh = await open(await write({ data, conflicts: [conflict], violations: [], dutyNames: new Map([['execute', '执行'], ['record', '记录']]) }));
    expect(zh.worksheets.map((w) => w.name)).toEqual(['汇总', '控制点', '缺陷', '不相容职务冲突', '越权审批', '评分方法', '流程-控制点']);
    expect(headerOf(zh.getWorksheet('控制点')!)).toEqual([
      '编号', '所属流程', '控制步骤', '控制点', '关键/一般', '权重', '适用性/状态', '结果 r', '加权得分', '测试人', '证据情况', '缺陷编号', '单位', '计分权重', '#',
    ]);
    expect(headerOf(zh.getWorksheet('缺陷')!)).toEqual([
      '缺陷编号', '缺陷类型', '严重程度', '名称', '描述', '原因', '涉及控制点', '业务流程', '单位', '公司层面', '整改责任人', '整改期限', '状态', '整改完成日期', '基准日未整改', '对得分的影响',
    ]);
    expect(headerOf(zh.getWorksheet('不相容职务冲突')!)).toEqual(['风险等级', '类别', '规则', '不相容职责/岗位', '岗位', '单位', '人员', '期间', '控制点', '处理状态', '缓解措施']);
    expect(headerOf(zh.getWorksheet('越权审批')!)).toEqual(['单号', '违规类型', '事项', '审批日期', '金额', '申请人', '审批人', '授权人', '被授权人', '说明']);
    expect(headerOf(zh.getWorksheet('流程-控制点')!)).toEqual(['#', '编号', '业务流程', '编号', '控制点', '计分权重', '加权得分']);
    const sod = zh.getWorksheet('不相容职务冲突')!.getRow(2);
    expect(text(sod.getCell(1).value)).toBe('高');
    expect(text(sod.getCell(4).value)).toBe('执行 ↔ 记录');
    expect(sod.getCell(7).value).toBe('E005 =cmd|calc');

    const en = await open(await write({ data, locale: 'en' }));
    // without SoD / authority data those sheets are left out
    expect(en.worksheets.map((w) => w.name)).toEqual(['Summary', 'Controls', 'Findings', 'Method', 'Process links']);
    expect(headerOf(en.getWorksheet('Controls')!).slice(0, 12)).toEqual([
      'No.', 'Processes', 'Step', 'Control', 'Key/general', 'Weight', 'Applicability/state', 'Result r', 'Weighted score', 'Tester', 'Evidence', 'Finding ids',
    ]);
    expect(text(en.getWorksheet('Summary')!.getCell('A1').value)).toBe('Internal control evaluation: summary of results');
  });

  it('puts scores on the Summary as formulas with the computeScores results cached', async () => {
    const wb = await open(await write({ data }));
    const ws = wb.getWorksheet('汇总')!;
    const check = (row: ExcelJS.Row, s: SetScore) => {
      expect(result(row.getCell(5))).toBeCloseTo(s.weighted, 10);
      expect(result(row.getCell(6))).toBeCloseTo(s.denominator, 10);
      expect(row.getCell(8).value ?? 0).toBe(s.deductions);
      expect(row.getCell(9).value).toBe(s.cap);
      if (s.value == null) expect(result(row.getCell(10))).toBe('N/A');
      else expect(result(row.getCell(10))).toBeCloseTo(s.value, 10);
      expect(row.getCell(10).numFmt).toBe('0.00');
    };

    const company = summaryRow(ws, '公司得分', '示例集团有限公司');
    const n = company.number;
    expect((company.getCell(5).value as ExcelJS.CellFormulaValue).formula).toBe("SUM('控制点'!$I$2:$I$11)");
    expect((company.getCell(6).value as ExcelJS.CellFormulaValue).formula).toBe("SUM('控制点'!$N$2:$N$11)");
    expect((company.getCell(10).value as ExcelJS.CellFormulaValue).formula).toBe(
      `IF(F${n}=0,"N/A",MAX(0,MIN(IF(I${n}="",100,I${n}),100*E${n}/F${n}-H${n})))`,
    );
    check(company, scores.company);
    // docs/design.md §3.4: distinct controls once — 13.0 / 18 = 72.22 before the company-level finding's 1 point
    expect(roundScore(result(company.getCell(7)) as number)).toBe(72.22);
    expect(roundScore(scores.company.value)).toBe(71.22);

    const purchase = summaryRow(ws, '业务流程得分', '采购付款');
    expect((purchase.getCell(5).value as ExcelJS.CellFormulaValue).formula).toBe(
      `SUMIFS('流程-控制点'!$G$2:$G$12,'流程-控制点'!$A$2:$A$12,$A${purchase.number})`,
    );
    check(purchase, scores.processes[101]!);
    expect(roundScore(scores.processes[101]!.value)).toBe(68.57);
    const inventory = summaryRow(ws, '业务流程得分', '存货');
    check(inventory, scores.processes[102]!);
    expect(roundScore(scores.processes[102]!.value)).toBe(91.43);
    const treasury = summaryRow(ws, '业务流程得分', '资金');
    check(treasury, scores.processes[103]!);
    expect(result(treasury.getCell(11))).toEqual({ error: '#N/A' });

    const warehouse = summaryRow(ws, '单位得分', '仓储部');
    check(warehouse, scores.units[12]!);
    // 3.4 / 4 = 85, minus 5 for the unit's significant finding = 80, capped at 79
    expect(result(warehouse.getCell(10))).toBe(79);
    expect((warehouse.getCell(5).value as ExcelJS.CellFormulaValue).formula).toBe(
      `SUMIFS('控制点'!$I$2:$I$11,'控制点'!$O$2:$O$11,$A${warehouse.number})`,
    );
    check(summaryRow(ws, '单位得分', '采购部'), scores.units[11]!);

    // facts, conclusion, deficiency counts (COUNTIFS over Findings), scope gaps
    const facts = new Map<string, ExcelJS.CellValue>();
    ws.eachRow((row) => facts.has(text(row.getCell(2).value)) || facts.set(text(row.getCell(2).value), row.getCell(3).value));
    expect(facts.get('单位名称')).toBe('示例集团有限公司');
    expect(facts.get('评价基准日')).toBe('2026-12-31');
    expect(facts.get('评价期间')).toBe('2026-01-01 至 2026-12-31');
    expect(facts.get('手册版本')).toBe('第 2 版（2026-10-01 发布）');
    expect(facts.get('评价结论')).toBe('有效');
    expect(facts.get('结论依据')).toBe('基准日不存在未整改的重大缺陷。');
    expect(facts.get('公司得分')).toEqual({ formula: `J${n}`, result: scores.company.value });
    const sev = (label: string) => {
      let found: ExcelJS.Row | undefined;
      ws.eachRow((row) => {
        if (text(row.getCell(3).value) === label) found = row;
      });
      return [result(found!.getCell(4)), result(found!.getCell(5))];
    };
    expect(sev('一般缺陷')).toEqual([1, 1]);
    expect(sev('重要缺陷')).toEqual([2, 2]);
    expect(sev('重大缺陷')).toEqual([1, 0]); // remediated before the base date
    expect(summaryRow(ws, '范围缺口（待设计流程，不评分）', '研发').getCell(2).value).toBe('4');
  });

  it('writes one Controls row per control and one Process links row per link, with formulas', async () => {
    const wb = await open(await write({ data }));
    const ws = wb.getWorksheet('控制点')!;
    expect(ws.rowCount).toBe(1 + data.controls.length);
    const row = (number: string) => {
      for (let r = 2; r <= ws.rowCount; r++) if (text(ws.getRow(r).getCell(1).value) === number) return ws.getRow(r);
      throw new Error(number);
    };
    const c1 = row('1.1.1');
    expect(c1.getCell(2).value).toBe('1 采购付款');
    expect(c1.getCell(3).value).toBe('1.1 供应商管理');
    expect(c1.getCell(5).value).toBe('关键控制点');
    expect(c1.getCell(6).value).toBe(3);
    expect(c1.getCell(7).value).toBe('已测试');
    expect(c1.getCell(8).value).toBe(0.6);
    expect(c1.getCell(9).value).toEqual({ formula: `IF(ISNUMBER(H${c1.number}),F${c1.number}*H${c1.number},"")`, result: 1.7999999999999998 });
    expect(c1.getCell(14).value).toEqual({ formula: `IF(ISNUMBER(H${c1.number}),F${c1.number},0)`, result: 3 });
    expect(c1.getCell(11).value).toBe('已见 2 / 2，缺失 0');
    expect(c1.getCell(13).value).toBe('采购部');
    expect(c1.getCell(15).value).toBe(1);
    const shared = row('1.2.2');
    expect(shared.getCell(2).value).toBe('1 采购付款\n2 存货');
    const na = row('1.2.5');
    expect(na.getCell(7).value).toBe('不适用');
    expect(na.getCell(8).value).toBeNull();
    expect(result(na.getCell(14))).toBe(0);
    expect(row('1.2.1').getCell(12).value).toBe('F-001');
    expect(row('3.1').getCell(7).value).toBe('未测试');

    const links = wb.getWorksheet('流程-控制点')!;
    // 10 controls, C4 in two processes, pending-design process has none
    expect(links.rowCount).toBe(1 + 11);
    const inventoryLinks = [];
    for (let r = 2; r <= links.rowCount; r++) if (links.getRow(r).getCell(1).value === 2) inventoryLinks.push(text(links.getRow(r).getCell(4).value));
    expect(inventoryLinks).toEqual(['1.2.2', '2.1.1', '2.1.2']);
    const first = links.getRow(2);
    expect(first.getCell(6).value).toEqual({ formula: "'控制点'!N2", result: 3 });
    expect(first.getCell(7).value).toEqual({ formula: "'控制点'!I2", result: 1.7999999999999998 });
  });

  it('lists findings with their effect on the scores', async () => {
    const wb = await open(await write({ data }));
    const ws = wb.getWorksheet('缺陷')!;
    const rows = [2, 3, 4, 5].map((r) => ws.getRow(r));
    expect(rows.map((r) => text(r.getCell(1).value))).toEqual(['F-001', 'F-002', 'F-003', 'F-004']);
    expect(text(rows[0]!.getCell(7).value)).toBe('1.2.1');
    expect(text(rows[0]!.getCell(16).value)).toBe('已计入控制点结果 r; 封顶 79 分');
    expect(text(rows[1]!.getCell(9).value)).toBe('仓储部');
    expect(text(rows[1]!.getCell(16).value)).toBe('扣 5 分; 封顶 79 分');
    expect(text(rows[2]!.getCell(15).value)).toBe('否');
    expect(text(rows[2]!.getCell(16).value)).toBe('基准日前已整改，不影响得分');
    expect(text(rows[3]!.getCell(10).value)).toBe('是');
  });

  it('never turns user text into a formula', async () => {
    const wb = await open(await write({ data }));
    const controls = wb.getWorksheet('控制点')!;
    const evil = controls.getRow(4).getCell(4);
    expect(evil.value).toEqual({ richText: [{ text: '=HYPERLINK("http://evil.example","点击")' }] });
    expect(evil.formula).toBeUndefined();
    expect(controls.getRow(5).getCell(10).value).toEqual({ richText: [{ text: '@SUM(1,2)' }] });
    expect(controls.getRow(10).getCell(4).value).toEqual({ richText: [{ text: '-呆滞存货 审批' }] });
    const findings = wb.getWorksheet('缺陷')!;
    expect(findings.getRow(3).getCell(4).value).toEqual({ richText: [{ text: '+1+1 仓储部盘点差异未及时处理' }] });
    expect(findings.getRow(3).getCell(5).value).toEqual({ richText: [{ text: '\t以制表符开头的描述' }] });
    // the only formulas in the workbook are the ones the writer made
    for (const ws of wb.worksheets) {
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          if (cell.formula) expect(cell.formula).toMatch(/^(SUM|SUMIFS|IF|COUNTIFS|'控制点'!|J\d)/);
        }),
      );
    }
  });

  it('writes the Method sheet: rules, weights, sample sizes, which numbers are formulas', async () => {
    const wb = await open(await write({ data }));
    const ws = wb.getWorksheet('评分方法')!;
    const all: string[] = [];
    ws.eachRow((row) => all.push((row.values as ExcelJS.CellValue[]).map(text).join('|')));
    const joined = all.join('\n');
    expect(joined).toContain('100 × Σ(权重 × r) ÷ Σ 权重');
    expect(joined).toContain('关键控制点：6 个，权重合计 18（3）');
    expect(joined).toContain('一般控制点：4 个，权重合计 4（1）');
    expect(joined).toContain('|每日|25');
    expect(joined).toContain('|自动控制|1');
    expect(joined).toContain('哪些数字是公式');
    expect(joined).toContain('业务流程行引用“流程-控制点”表');
  });

  it('has a native chart bound to the Summary cells, and the presentation settings', async () => {
    const buffer = await write({ data });
    const zip = await readZip(buffer);
    const part = (name: string) => zip.get(name)!.toString('utf8');
    const chart = part('xl/charts/chart1.xml');
    expect(chart).toContain('<c:barChart>');
    expect(chart).toMatch(/<c:cat><c:strRef><c:f>'汇总'!\$C\$\d+:\$C\$\d+<\/c:f>/);
    expect(chart).toMatch(/<c:val><c:numRef><c:f>'汇总'!\$K\$\d+:\$K\$\d+<\/c:f>/);
    expect(chart).toContain('<c:v>采购付款</c:v>');
    expect(chart).toContain('<c:v>68.57142857142857</c:v>');
    const types = part('[Content_Types].xml');
    expect(types).toContain('<Override PartName="/xl/charts/chart1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>');
    expect(types).toContain('<Override PartName="/xl/drawings/drawing1.xml"');
    expect(part('xl/worksheets/_rels/sheet1.xml.rels')).toContain('../drawings/drawing1.xml');
    expect(part('xl/worksheets/sheet1.xml')).toMatch(/<drawing r:id="rId\d+"\/><\/worksheet>$/);
    expect(part('docProps/app.xml')).toContain('<Company>示例集团有限公司</Company>');
    expect(part('xl/drawings/_rels/drawing1.xml.rels')).toContain('../charts/chart1.xml');

    const wb = await open(buffer);
    expect(wb.title).toBe('内部控制评价工作底稿：2026 年度内部控制评价');
    expect(wb.creator).toBe('ControlBook');
    const controls = wb.getWorksheet('控制点')!;
    expect(controls.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, xSplit: 1 });
    expect(controls.autoFilter).toBe('A1:O11');
    expect(controls.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
    expect(controls.pageSetup.printTitlesRow).toBe('1:1');
    // widths fit Chinese text (two columns per character)
    expect(controls.getColumn(2).width).toBeGreaterThanOrEqual(displayWidth('1 采购付款') + 2);
    expect(controls.getRow(2).getCell(8).numFmt).toBe('0.00');
    const summary = wb.getWorksheet('汇总')!;
    const cf = (summary as unknown as { conditionalFormattings: { ref: string; rules: { type: string; formulae?: string[] }[] }[] }).conditionalFormattings;
    expect(cf.some((f) => f.rules.some((r) => r.formulae?.[0]?.includes('<60')))).toBe(true);
    expect((controls as unknown as { conditionalFormattings: { rules: { type: string }[] }[] }).conditionalFormattings[0]!.rules[0]!.type).toBe('dataBar');
  });

  it('reports progress up to the total', async () => {
    const seen: [number, number][] = [];
    await write({ data, onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.at(-1)).toEqual([10 + 11 + 4, 10 + 11 + 4]);
  });
});

describe.skipIf(!hasSoffice)('evaluation workbook recalculated in LibreOffice', () => {
  const data = workedExample();

  /** The same workbook with every cached score wrong: only a real recalculation can fix it. */
  function wrongScores(s: ScoreReport): ScoreReport {
    const bad = (x: SetScore): SetScore => ({ ...x, value: x.value == null ? 42 : x.value / 2 + 1, weighted: x.weighted + 7, denominator: x.denominator + 1, raw: 11 });
    const map = (m: Record<number, SetScore>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, bad(v)]));
    return { ...s, company: bad(s.company), processes: map(s.processes), units: map(s.units) };
  }

  async function recalculatedScores(buffer: Buffer) {
    const wb = await open(recalc(buffer));
    const ws = wb.getWorksheet('汇总')!;
    const score = (section: string, name: string) => result(summaryRow(ws, section, name).getCell(10));
    const companyFact = (() => {
      let v: ExcelJS.CellValue;
      ws.eachRow((row) => {
        if (text(row.getCell(2).value) === '公司得分' && row.getCell(3).formula) v = result(row.getCell(3));
      });
      return v!;
    })();
    const controls = wb.getWorksheet('控制点')!;
    return {
      company: score('公司得分', '示例集团有限公司'),
      companyFact,
      purchase: score('业务流程得分', '采购付款'),
      inventory: score('业务流程得分', '存货'),
      treasury: score('业务流程得分', '资金'),
      procurementUnit: score('单位得分', '采购部'),
      warehouse: score('单位得分', '仓储部'),
      evil: controls.getRow(4).getCell(4).value,
      tester: text(controls.getRow(5).getCell(10).value),
    };
  }

  it('recalculates to the API scores, even from wrong cached values', async () => {
    const expected = {
      company: data.scores.company.value!,
      purchase: data.scores.processes[101]!.value!,
      inventory: data.scores.processes[102]!.value!,
      procurementUnit: data.scores.units[11]!.value!,
      warehouse: data.scores.units[12]!.value!,
    };
    const good = await recalculatedScores(await write({ data }));
    const tampered = await write({ data: { ...data, scores: wrongScores(data.scores) } });
    // the tampered file really carries wrong numbers before recalculation
    const before = (await open(tampered)).getWorksheet('汇总')!;
    expect(result(summaryRow(before, '业务流程得分', '采购付款').getCell(10))).not.toBeCloseTo(expected.purchase, 1);
    const fixed = await recalculatedScores(tampered);
    for (const got of [good, fixed]) {
      for (const [k, v] of Object.entries(expected)) expect(Math.abs((got[k as keyof typeof got] as number) - v), k).toBeLessThan(0.01);
      expect(Math.abs((got.companyFact as number) - expected.company)).toBeLessThan(0.01);
      expect(got.treasury).toBe('N/A');
      // user text stays literal text through LibreOffice
      expect(text(got.evil)).toBe('=HYPERLINK("http://evil.example","点击")');
      expect(got.tester).toBe('@SUM(1,2)');
    }
  }, 300_000); // two LibreOffice runs: over two minutes on a busy shared machine
});
