import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { flattenImported, normalise, parseOutlineText, type ImportResult } from './outline-import.ts';

const fixture = (name: string) => fs.readFileSync(new URL(`../test/fixtures/import/${name}`, import.meta.url), 'utf8');
const outline = (r: ImportResult) => flattenImported(r.nodes).map((n) => `${'  '.repeat(n.depth)}${n.number} ${n.title}`);
const node = (r: ImportResult, number: string) => flattenImported(r.nodes).find((n) => n.number === number)!;

/** every non-whitespace character of the parts, sorted: input = titles + bodies + markers + properties + dropped */
function conserved(input: string, r: ImportResult): [string, string] {
  const chars = (s: string) => [...s.replace(/\s+/g, '')];
  const inn = chars(normalise(input)).sort().join('');
  const parts: string[] = [];
  for (const n of flattenImported(r.nodes)) parts.push(n.marker ?? '', n.title, n.body);
  parts.push(...Object.values(r.properties).map(String), ...r.dropped.map((d) => d.text));
  return [inn, chars(parts.join('')).sort().join('')];
}

describe('real-shaped documents', () => {
  it('a web page: breadcrumbs and 文号 before 第一章, footer after the last article', () => {
    const text = fixture('web-regulation.txt');
    const r = parseOutlineText(text);
    expect(r.format).toBe('regulation');
    expect(r.properties).toMatchObject({ title: '企业内部控制应用指引第6号——资金活动', documentNumber: '财会〔2010〕11号' });
    expect(outline(r).slice(0, 2)).toEqual(['第一章 总则', '  第一条 为了促进企业正常组织资金活动，防范和控制资金风险，保证资金安全，提升资金使用效益，']);
    expect(node(r, '第一条').body).toBe('根据有关法律法规和《企业内部控制基本规范》，制定本指引。');
    expect(r.dropped.filter((d) => d.reason === 'boilerplate').map((d) => d.text)).toEqual(['版权所有：中华人民共和国财政部 联系我们 网站地图', '京ICP备05002860号']);
    expect(r.dropped.filter((d) => d.reason === 'furniture')).toHaveLength(2);
    // a reference is not a heading; lists restarting at 1 belong to their article
    expect(outline(r)).not.toContain('  第十条 的规定执行。');
    expect(node(r, '第四条').body).toBe('依照本办法第十条的规定执行。');
    const [a5, a6] = [r.nodes[1]!.children[1]!, r.nodes[1]!.children[2]!];
    expect(a5.children.map((n) => n.number)).toEqual(['1.', '2.']);
    expect(a6.children.map((n) => [n.number, n.depth])).toEqual([['1.', 2], ['2.', 2]]);
    const [inn, out] = conserved(text, r);
    expect(out).toBe(inn);
  });

  it('a title run into 第一章 on one line keeps chapter 1 and article 1', () => {
    const r = parseOutlineText('企业内部控制基本规范第一章总则第一条为了加强和规范企业内部控制，制定本规范。第二条本规范适用于大中型企业。');
    expect(r.properties.title).toBe('企业内部控制基本规范');
    expect(outline(r)).toEqual(['第一章 总则', '  第一条 为了加强和规范企业内部控制，制定本规范。', '  第二条 本规范适用于大中型企业。']);
  });

  it('a TOC with 第1章 and 1.1 / 1.1.1 sections: page numbers after dot leaders or spaces are dropped, sections kept', () => {
    const text = fixture('toc-chapters.txt');
    const r = parseOutlineText(text);
    expect(outline(r)).toEqual([
      '第1章 总则', '  1.1 目的', '  1.2 适用范围', '第2章 资金收付管理', '  2.1 现金管理', '    2.1.1 库存现金限额', '  2.2 银行存款管理', '第3章 附则',
    ]);
    expect(r.properties.title).toBe('资金管理制度');
    expect(r.dropped.filter((d) => d.reason === 'pageNumber').map((d) => d.text.replace(/[.…]+/, ''))).toEqual(['1', '1', '2', '3', '3', '4', '5', '8']);
    const [inn, out] = conserved(text, r);
    expect(out).toBe(inn);
  });

  it('a one-line web page with 1.2标题正文: titles split from bodies, (财政部，2016) and 20世纪90年代 are text', () => {
    const text = fixture('decimal-oneline.txt');
    const r = parseOutlineText(text);
    expect(r.format).toBe('decimal');
    expect(r.properties.title).toBe('采购付款管理办法');
    expect(outline(r).slice(0, 5)).toEqual(['1 总则', '  1.1 目的', '  1.2 适用范围', '2 付款审批', '  2.1 审批权限付款申请']);
    expect(node(r, '1.1').body).toBe('为规范公司采购付款行为，防范资金风险（财政部，2016），特制定本办法。');
    expect(node(r, '1.2').body).toContain('20世纪90年代以来');
    expect(r.nodes[1]!.children[0]!.children.map((n) => n.title)).toEqual(['金额在5万元以下的，由部门负责人审批；', '金额在5万元以上的，由总经理审批。']);
    expect(r.dropped.at(-1)).toMatchObject({ reason: 'boilerplate', text: expect.stringContaining('沪ICP备') });
    const [inn, out] = conserved(text, r);
    expect(out).toBe(inn);
  });

  it('lists restarting at 1 inside a decimal heading are its sub-items, not new top-level items', () => {
    const r = parseOutlineText(fixture('restart-lists.txt'));
    expect(r.nodes.map((n) => n.number)).toEqual(['1', '2']);
    expect(r.nodes[0]!.children.map((n) => [n.number, n.children.map((c) => c.number).join(' ')])).toEqual([
      ['1.1', '1. 2. 3.'],
      ['1.2', '1. 2.'],
    ]);
    expect(node(r, '1.1').body).toBe('为规范合同管理，制定本制度。合同审核应当关注以下方面：');
  });

  it('nests 一、 / （一） / 1. / (1)', () => {
    const r = parseOutlineText(fixture('nesting.txt'));
    expect(outline(r)).toEqual([
      '一、 总体要求', '  （一） 报销范围', '    1. 差旅费；', '    2. 业务招待费，包括：', '      (1) 餐费；', '      (2) 礼品费。', '  （二） 报销标准', '二、 审批程序', '  （一） 部门审核', '  （二） 财务复核',
    ]);
    expect(r.properties.title).toBe('关于加强费用报销管理的通知');
  });

  it('Traditional 第一條 / 第一節: same structure, script hant', () => {
    const r = parseOutlineText(fixture('traditional.txt'));
    expect(r.script).toBe('hant');
    expect(outline(r).map((l) => l.trim().split(' ')[0])).toEqual(['第一章', '第一条', '第二条', '第二章', '第一节', '第三条', '第四条']);
    expect(flattenImported(r.nodes)[1]!.marker).toBe('第一條');
    expect(parseOutlineText(fixture('web-regulation.txt')).script).toBe('hans');
  });

  it('meta lines become properties, their labels are dropped', () => {
    const r = parseOutlineText('资金管理办法\n文号：集团财〔2024〕3号\n版本：V2.1\n生效日期：2024年7月1日\n发布单位：集团财务部\n第一条 为规范资金管理，制定本办法。\n第二条 本办法适用于集团。');
    expect(r.properties).toEqual({ title: '资金管理办法', documentNumber: '集团财〔2024〕3号', versionLabel: 'V2.1', effectiveDate: '2024年7月1日', publisher: '集团财务部' });
    expect(r.dropped.map((d) => d.reason)).toEqual(['propertyLabel', 'propertyLabel', 'propertyLabel', 'propertyLabel']);
  });
});

describe('conservation', () => {
  const sentence = fc.constantFrom('为规范资金管理，制定本办法。', '本办法适用于全公司。', '依照本办法第十条的规定执行。', '（财政部，2016）', '20世纪90年代以来，业务发展较快；', '付款金额超过5万元的，需经总经理审批：', '增长1.5%。');
  const heading = fc.constantFrom('总则', '资金管理', '附则', '职责分工', '合同审核');
  const regulation = fc
    .array(fc.tuple(heading, fc.array(fc.tuple(fc.array(sentence, { minLength: 1, maxLength: 3 }), fc.array(sentence, { maxLength: 3 })), { minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 4 })
    .chain((chapters) =>
      fc.record({ oneLine: fc.boolean(), title: fc.constantFrom('', '资金管理办法\n', '首页 > 政策法规\n某某制度\n财会〔2010〕11号\n'), footer: fc.constantFrom('', '\n版权所有 某某公司 联系我们', ' 网站地图 京ICP备05002860号') }).map(({ oneLine, title, footer }) => {
        let article = 0;
        const cn = '一二三四五六七八九十';
        const lines = [title.trimEnd()];
        chapters.forEach(([h, articles], c) => {
          lines.push(`第${cn[c]}章 ${h}`);
          for (const [text, items] of articles) {
            article++;
            lines.push(`第${article}条 ${text.join('')}`);
            items.forEach((it, k) => lines.push(`${k + 1}. ${it}`));
          }
        });
        return lines.join(oneLine ? ' ' : '\n') + footer;
      }),
    );
  const decimal = fc
    .array(fc.tuple(heading, fc.array(fc.tuple(heading, fc.array(sentence, { maxLength: 3 }), fc.boolean()), { maxLength: 3 })), { minLength: 2, maxLength: 4 })
    .map((chapters) => {
      const lines = ['付款管理办法'];
      chapters.forEach(([h, sections], c) => {
        lines.push(`${c + 1} ${h}`);
        sections.forEach(([sh, text, glued], s) => lines.push(`${c + 1}.${s + 1}${glued ? '' : ' '}${sh}${glued ? text.join('') : `\n${text.join('\n')}`}`));
      });
      return lines.join('\n');
    });

  it('property: every non-whitespace character ends in a title, a body, a marker, a property or the dropped list', () => {
    fc.assert(
      fc.property(fc.oneof(regulation, decimal), (text) => {
        const r = parseOutlineText(text);
        expect(r.nodes.length).toBeGreaterThan(0);
        const [inn, out] = conserved(text, r);
        expect(out).toBe(inn);
      }),
      { numRuns: 300 },
    );
  });

  it('no punctuation is lost when a title is split from its body', () => {
    const r = parseOutlineText('第一条 为规范管理，制定本办法。本办法自发布之日起施行。\n第二条 职责如下：\n（一）审核；\n（二）审批。');
    expect(node(r, '第一条')).toMatchObject({ title: '为规范管理，制定本办法。', body: '本办法自发布之日起施行。' });
    expect(node(r, '（一）').title).toBe('审核；');
  });
});
