import { describe, expect, it } from 'vitest';
import { domainMessages } from './i18n/index.ts';
import { planManualDocument, xmlSafe, type DocumentNode, type ManualDocumentInput, type Translate } from './manual-document.ts';
import type { Locale } from './auth.ts';
import type { SnapshotControl } from './controls.ts';

/** The catalog lookup with {{placeholders}}, as the server's i18next does it. */
const translator =
  (locale: Locale): Translate =>
  (key, params = {}) => {
    const text = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], domainMessages[locale]);
    if (typeof text !== 'string') throw new Error(`missing message ${key}`);
    return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params[name] ?? ''));
  };

const control: SnapshotControl = {
  isKey: true,
  weight: 3,
  weightOverride: null,
  objective: '',
  risk: '付款未经审批',
  nature: 'preventive',
  automation: 'manual',
  frequency: 'monthly',
  ownerPositionId: 1,
  ownerPositionName: '出纳',
  ownerUnitId: 1,
  ownerUnitName: '财务部',
  evidenceTypes: ['original_voucher', 'bank_slip'],
  inspections: [{ method: 'sampling', procedure: '抽取付款凭证' }],
  scoringMethod: 'binary',
  tolerance: 0,
  element: 'control_activities',
  checkedDuty: null,
  linkedHostIds: [],
};

function input(nodes: DocumentNode[], version: ManualDocumentInput['version'] = null): ManualDocumentInput {
  return {
    manual: { code: 'M', title: '资金管理', documentNumber: '集团发〔2026〕1号', versionLabel: '', effectiveDate: '2026-12-01', publisher: '集团' },
    version,
    exportedOn: '2026-12-04',
    nodes,
    evidenceNames: new Map([['bank_slip', '银行回单']]),
  };
}

const node = (id: number, depth: number, number: string, title: string, extra: Partial<DocumentNode> = {}): DocumentNode => ({ id, kind: 'clause', number, depth, title, body: '', ...extra });

describe('manual document plan', () => {
  it('puts each labelled cover property on its own line and marks a draft', () => {
    const plan = planManualDocument(input([]), translator('zh-CN'));
    expect(plan.coverLines).toEqual(['文号：集团发〔2026〕1号', '版本：草稿', '生效日期：2026-12-01', '发布：集团']);
    expect(plan.draft).toBe(true);
    expect(plan.header).toBe('资金管理　草稿 / DRAFT');
    expect(plan.coverStatus).toBe('草稿 / DRAFT · 草稿（未发布，导出于 2026-12-04）');
    expect(plan.footer).toEqual(['第 ', ' 页 共 ', ' 页']);
    const en = planManualDocument(input([], { no: 2, publishedAt: '2026-11-30T08:00:00.000Z' }), translator('en'));
    expect(en.coverLines).toEqual(['Document No.: 集团发〔2026〕1号', 'Version: V2', 'Effective date: 2026-12-01', 'Publisher: 集团']);
    expect(en.header).toBe('资金管理');
    expect(en.coverStatus).toBe('Version 2 (published 2026-11-30)');
    expect(en.footer).toEqual(['Page ', ' of ', '']);
  });

  it('makes every node a heading of its level with its typed number; past level 9 indented text', () => {
    const nodes = Array.from({ length: 11 }, (_, d) => node(d + 1, d, `${'1.'.repeat(d)}1`, `层${d + 1}`, { body: d === 10 ? '正文' : '' }));
    const plan = planManualDocument(input(nodes), translator('zh-CN'));
    expect(plan.blocks.slice(0, 9).map((b) => (b.type === 'heading' ? b.level : null))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(plan.blocks[0]).toEqual({ type: 'heading', level: 1, text: '1 层1' });
    expect(plan.blocks.slice(9)).toEqual([
      { type: 'paragraph', text: '1.1.1.1.1.1.1.1.1.1 层10', indent: 1, bold: true },
      { type: 'paragraph', text: '1.1.1.1.1.1.1.1.1.1.1 层11', indent: 2, bold: true },
      { type: 'paragraph', text: '正文', indent: 2 },
    ]);
  });

  it('renders references with the numbers of the exported outline, a dangling one as ⟨?⟩', () => {
    const plan = planManualDocument(input([node(1, 0, '第一章', '总则'), node(2, 1, '第一条', '目的', { body: '见[[node:1]]。\n\n另见[[node:99]]。' })]), translator('zh-CN'));
    expect(plan.blocks.filter((b) => b.type === 'paragraph').map((b) => b.type === 'paragraph' && b.text)).toEqual(['见第一章。', '另见⟨?⟩。']);
  });

  it('tables a control: level, weight, owner with unit, frequency, evidence (custom names), inspections, and risk when written', () => {
    const plan = planManualDocument(input([node(1, 0, '1', '付款审批', { kind: 'control', control })]), translator('zh-CN'));
    expect(plan.blocks[1]).toEqual({
      type: 'control',
      rows: [
        { label: '控制级别', lines: ['关键控制点'] },
        { label: '权重', lines: ['3'] },
        { label: '责任岗位', lines: ['出纳（财务部）'] },
        { label: '控制频率', lines: ['每月'] },
        { label: '证据类型', lines: ['原始凭单、银行回单'] },
        { label: '检查要点', lines: ['抽样：抽取付款凭证'] },
        { label: '风险', lines: ['付款未经审批'] },
      ],
    });
  });

  it('drops characters a .docx cannot hold', () => {
    expect(xmlSafe('a\u0000b\u0007c\td\ne\ud800f😀')).toBe('abc\td\nef😀');
    const plan = planManualDocument(input([node(1, 0, '1', '标题\u0001', { body: '正文\u000b' })]), translator('zh-CN'));
    expect(plan.blocks).toEqual([
      { type: 'heading', level: 1, text: '1 标题' },
      { type: 'paragraph', text: '正文', indent: 0 },
    ]);
  });
});
