import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chineseNumeralToNumber, flattenImported, ImportTextError, parseOutlineText as parseKeepingMarks, type ImportedNode, type ImportResult } from './outline-import.ts';

/**
 * Titles keep their closing mark ('…制定本办法。'): no character of the input is lost (see
 * outline-import.structure.test.ts). These older expectations were written without it.
 */
function parseOutlineText(text: string, opts?: { maxLength?: number }): ImportResult {
  const r = parseKeepingMarks(text, opts);
  const strip = (nodes: ImportedNode[]) => {
    for (const n of nodes) {
      n.title = n.title.replace(/[，,；;：:、。 ]+$/, '');
      strip(n.children);
    }
  };
  strip(r.nodes);
  return r;
}

const REGULATION = `商业银行服务价格管理办法
中国银行业监督管理委员会 国家发展和改革委员会令 2014年第1号

第一章 总则
第一条 为规范商业银行服务价格管理活动，保护客户合法权益，制定本办法。
第二条 本办法适用于在中华人民共和国境内依法设立的商业银行。
第三条 本办法所称服务价格，是指商业银行提供服务时收取的费用。
第二章 政府指导价、政府定价
第四条 商业银行服务价格分别实行政府指导价、政府定价和市场调节价。依照本办法第十条的规定执行。
第五条 实行政府指导价、政府定价的服务价格按照以下原则制定：
（一）保本微利原则；
（二）公开透明原则，具体包括：
1. 事前公示；
2. 事后告知。
（三）其他原则。
第三章 市场调节价
第一节 一般规定
第六条 实行市场调节价的服务价格由商业银行总行制定和调整。
第二节 特别规定
第七条 按第三章执行。
`;

const TRADITIONAL = REGULATION.replace(/条/g, '條').replace(/节/g, '節').replace('总则', '總則').replace(/规定/g, '規定');

/** kinds, numbers, depths and titles in pre-order: a compact structural fingerprint */
function shape(r: ImportResult): string[] {
  return flattenImported(r.nodes).map((n) => `${n.depth}:${n.kind}:${n.number}:${n.title}`);
}

function find(r: ImportResult, number: string): ImportedNode {
  const walk = (nodes: ImportedNode[]): ImportedNode | undefined => {
    for (const n of nodes) {
      if (n.number === number) return n;
      const hit = walk(n.children);
      if (hit) return hit;
    }
    return undefined;
  };
  const hit = walk(r.nodes);
  if (!hit) throw new Error(`no node ${number}`);
  return hit;
}

/** every node has a number, depth matches its position, children are one deeper */
function assertWellFormed(r: ImportResult): void {
  expect(['regulation', 'decimal', 'none']).toContain(r.format);
  expect(Array.isArray(r.warnings)).toBe(true);
  const check = (nodes: ImportedNode[], depth: number) => {
    for (const n of nodes) {
      if (n.number.length === 0) throw new Error('empty number');
      if (n.depth !== depth) throw new Error(`depth ${n.depth} at tree depth ${depth}`);
      if (typeof n.title !== 'string' || typeof n.body !== 'string') throw new Error('title/body not strings');
      check(n.children, depth + 1);
    }
  };
  check(r.nodes, 0);
  if (r.format === 'none') expect(r.nodes).toEqual([]);
}

describe('chineseNumeralToNumber', () => {
  it.each([
    ['一', 1], ['十', 10], ['十一', 11], ['二十', 20], ['三十八', 38], ['九十九', 99], ['一百', 100],
    ['一百零五', 105], ['一百二十', 120], ['一百二十三', 123], ['一百零三', 103], ['两百', 200], ['一千零一', 1001],
    ['一〇五', 105], ['二〇', 20], ['〇', 0], ['3', 3], ['３８', 38], ['一百五', 150],
  ])('%s → %i', (s, n) => expect(chineseNumeralToNumber(s)).toBe(n));

  it.each(['', '十十', '百', '一二十', '万', 'abc', '第一'])('%j → null', (s) => expect(chineseNumeralToNumber(s)).toBeNull());
});

describe('regulation text', () => {
  const r = parseOutlineText(REGULATION);

  it('finds chapters with their titles and articles numbered across chapters', () => {
    expect(r.format).toBe('regulation');
    expect(r.nodes.map((n) => [n.kind, n.number, n.title])).toEqual([
      ['chapter', '第一章', '总则'],
      ['chapter', '第二章', '政府指导价、政府定价'],
      ['chapter', '第三章', '市场调节价'],
    ]);
    expect(r.nodes[0]!.children.map((n) => n.number)).toEqual(['第一条', '第二条', '第三条']);
    expect(r.nodes[1]!.children.map((n) => n.number)).toEqual(['第四条', '第五条']);
    expect(r.stats).toEqual({ chapters: 3, sections: 2, articles: 7, items: 5, skippedLines: 0 });
  });

  it('puts sections in chapters and articles in sections', () => {
    const ch3 = r.nodes[2]!;
    expect(ch3.children.map((n) => [n.kind, n.number, n.title, n.depth])).toEqual([
      ['section', '第一节', '一般规定', 1],
      ['section', '第二节', '特别规定', 1],
    ]);
    expect(ch3.children[0]!.children.map((n) => [n.kind, n.number, n.depth])).toEqual([['clause', '第六条', 2]]);
    expect(ch3.children[1]!.children.map((n) => n.number)).toEqual(['第七条']);
  });

  it('uses the first sentence of an article as title and the rest as body', () => {
    const a1 = find(r, '第一条');
    expect(a1).toMatchObject({ kind: 'clause', depth: 1, title: '为规范商业银行服务价格管理活动，保护客户合法权益，制定本办法', body: '' });
    const a4 = find(r, '第四条');
    expect(a4.title).toBe('商业银行服务价格分别实行政府指导价、政府定价和市场调节价');
    expect(a4.body).toBe('依照本办法第十条的规定执行。');
  });

  it('does not split on references inside sentences', () => {
    expect(flattenImported(r.nodes).map((n) => n.number)).not.toContain('第十条');
    expect(find(r, '第七条').title).toBe('按第三章执行');
    expect(r.nodes.filter((n) => n.number === '第三章')).toHaveLength(1);
  });

  it('nests （一） items under the article and 1. items under （二）', () => {
    const a5 = find(r, '第五条');
    expect(a5.title).toBe('实行政府指导价、政府定价的服务价格按照以下原则制定');
    expect(a5.children.map((n) => [n.number, n.title, n.depth])).toEqual([
      ['（一）', '保本微利原则', 2],
      ['（二）', '公开透明原则，具体包括', 2],
      ['（三）', '其他原则', 2],
    ]);
    expect(a5.children[1]!.children.map((n) => [n.kind, n.number, n.title, n.depth])).toEqual([
      ['clause', '1.', '事前公示', 3],
      ['clause', '2.', '事后告知', 3],
    ]);
  });

  it('reports the preamble instead of inventing a node', () => {
    expect(r.nodes[0]!.number).toBe('第一章');
    expect(r.warnings.some((w) => w.key === 'importWarnings.preamble' && Number(w.params.chars) > 0)).toBe(true);
  });

  it('reads Traditional characters (總則, 條, 節) as the same structure', () => {
    const t = parseOutlineText(TRADITIONAL);
    expect(t.format).toBe('regulation');
    expect(shape(t).map((s) => s.split(':').slice(0, 3).join(':'))).toEqual(shape(r).map((s) => s.split(':').slice(0, 3).join(':')));
    expect(t.nodes[0]!.title).toBe('總則');
    expect(find(t, '第一节').title).toBe('一般規定');
  });

  it('parses the same regulation flattened to one line identically', () => {
    const oneLine = REGULATION.replace(/\n/g, ' ');
    expect(oneLine).not.toContain('\n');
    const f = parseOutlineText(oneLine);
    expect(f.format).toBe('regulation');
    expect(shape(f)).toEqual(shape(r));
    expect(f.stats).toEqual(r.stats);
  });

  it('parses markers inline without spaces after headings and sentence ends', () => {
    const f = parseOutlineText('第一章总则第一条为了规范管理，制定本办法。第二条本办法适用于本公司。第二章附则第三条本办法自发布之日起施行。');
    expect(shape(f)).toEqual([
      '0:chapter:第一章:总则',
      '1:clause:第一条:为了规范管理，制定本办法',
      '1:clause:第二条:本办法适用于本公司',
      '0:chapter:第二章:附则',
      '1:clause:第三条:本办法自发布之日起施行',
    ]);
  });

  it('splits the placeholder-style one-liner and keeps a wrapped reference at a line start as text', () => {
    const f = parseOutlineText('第一章 总则 第一条 为了规范……制定本办法。 第二条 本办法适用于…… 第二章 政府指导价 第三条 ……');
    expect(shape(f)).toEqual(['0:chapter:第一章:总则', '1:clause:第一条:为了规范……制定本办法', '1:clause:第二条:本办法适用于……', '0:chapter:第二章:政府指导价', '1:clause:第三条:……']);
    const w = parseOutlineText('第一章\n总则\n第一条 甲。\n依照本办法\n第十条的规定执行。\n第二条 乙。');
    expect(shape(w)).toEqual(['0:chapter:第一章:总则', '1:clause:第一条:甲', '1:clause:第二条:乙']);
    expect(find(w, '第一条').body).toBe('依照本办法\n第十条的规定执行。');
  });

  it('treats lower, equal or far-jumping inline article numbers as references', () => {
    const f = parseOutlineText('第一条 本办法适用于全行。第一条所称机构包括分行。 第二条 依照规定执行。第九十条 另行规定。第三条 附则。');
    expect(flattenImported(f.nodes).map((n) => n.number)).toEqual(['第一条', '第二条', '第三条']);
    expect(find(f, '第二条').body).toBe('第九十条 另行规定。');
  });

  it('warns about numbering gaps at line starts', () => {
    const f = parseOutlineText('第一条 甲。\n第二条 乙。\n第三条 丙。\n第五条 戊。');
    expect(flattenImported(f.nodes).map((n) => n.number)).toEqual(['第一条', '第二条', '第三条', '第五条']);
    expect(f.warnings).toContainEqual({ key: 'importWarnings.gap', params: { from: '第三条', to: '第五条', line: 4 } });
  });

  it('handles full-width digits, full-width spaces and Arabic article numbers', () => {
    const f = parseOutlineText('第１章\u3000总则\n第１条\u3000为规范管理，制定本制度。\n第２条\u3000本制度适用于全公司。\n第3条 附则。');
    expect(shape(f)).toEqual(['0:chapter:第1章:总则', '1:clause:第1条:为规范管理，制定本制度', '1:clause:第2条:本制度适用于全公司', '1:clause:第3条:附则']);
  });

  it('handles large Chinese numerals and 〇', () => {
    const f = parseOutlineText('第九十九条 甲。\n第一百条 乙。\n第一〇一条 丙。\n第一百零二条 丁。\n第一百二十条 戊。');
    expect(flattenImported(f.nodes).map((n) => n.number)).toEqual(['第九十九条', '第一百条', '第一百零一条', '第一百零二条', '第一百二十条']);
  });

  it('drops a table of contents of chapter headings that is followed by the text', () => {
    const f = parseOutlineText('目录\n第一章 总则 ........ 1\n第二章 附则 ........ 3\n第一章 总则\n第一条 甲。\n第二章 附则\n第二条 乙。');
    expect(shape(f)).toEqual(['0:chapter:第一章:总则', '1:clause:第一条:甲', '0:chapter:第二章:附则', '1:clause:第二条:乙']);
    expect(f.warnings.some((w) => w.key.endsWith('tocDropped') && w.params.count === 2)).toBe(true);
  });

  it('cuts long article titles cleanly at a comma', () => {
    const long = '第一条 ' + '为了加强公司内部控制'.repeat(4) + '，' + '提高经营管理水平和风险防范能力'.repeat(3) + '。其余内容。';
    const a = parseOutlineText(long).nodes[0]!;
    expect(a.title).toBe('为了加强公司内部控制'.repeat(4));
    expect(a.title.length).toBeLessThanOrEqual(60);
    expect(a.body.startsWith('提高经营管理水平')).toBe(true);
  });

  it('parses (1) and （1） items and 一、 lists without articles', () => {
    const f = parseOutlineText('第一条 职责如下：\n(1) 审核；\n（2）审批；\n(3) 记录。');
    expect(f.nodes[0]!.children.map((n) => [n.number, n.title])).toEqual([['(1)', '审核'], ['(2)', '审批'], ['(3)', '记录']]);
    const notice = parseOutlineText('关于加强内控的通知\n一、总体要求\n（一）指导思想。\n（二）基本原则。\n二、主要任务\n三、保障措施');
    expect(notice.format).toBe('regulation');
    expect(shape(notice)).toEqual(['0:clause:一、:总体要求', '1:clause:（一）:指导思想', '1:clause:（二）:基本原则', '0:clause:二、:主要任务', '0:clause:三、:保障措施']);
  });
});

describe('page furniture', () => {
  it('skips download notices, page footers and URLs, and says so', () => {
    const text = [
      '第一章 总则',
      '第一条 为规范管理，制定本办法。',
      '本文档由某某文库用户上传并下载',
      '第 1 页 共 20 页',
      '- 2 -',
      'Page 3 of 20',
      'www.example.com/docs',
      '更多资料请访问 www.example.com',
      '下载自某某网站',
      '第二条 本办法适用于全公司。',
      '第3页',
    ].join('\n');
    const f = parseOutlineText(text);
    expect(flattenImported(f.nodes).map((n) => [n.number, n.title, n.body])).toEqual([
      ['第一章', '总则', ''],
      ['第一条', '为规范管理，制定本办法', ''],
      ['第二条', '本办法适用于全公司', ''],
    ]);
    expect(f.stats.skippedLines).toBe(8);
    expect(f.warnings[0]).toMatchObject({ key: 'importWarnings.furniture', params: { count: 8 } });
  });

  it('skips a header line repeated on every page of a long text', () => {
    const lines: string[] = [];
    for (let i = 1; i <= 12; i++) lines.push('某某公司内部控制手册', `第${i}条 第${i}项规定的内容。`, '补充说明文字。');
    const f = parseOutlineText(lines.join('\n'));
    expect(f.stats.articles).toBe(12);
    expect(f.stats.skippedLines).toBe(12);
    expect(f.warnings[0]).toEqual({ key: 'importWarnings.furniture', params: { count: 12, pages: 0, repeated: 12, toc: 0, urls: 0, downloads: 0 } });
    expect(find(f, '第2条')).toMatchObject({ title: '第2项规定的内容', body: '补充说明文字。' });
  });
});

describe('PDF pastes', () => {
  it('removes inline page footers from flattened text', () => {
    const f = parseOutlineText('第一条 为规范管理，制定本办法。 第 1 页 共 20 页 第二条 本办法适用于全公司。');
    expect(flattenImported(f.nodes).map((n) => [n.number, n.title, n.body])).toEqual([
      ['第一条', '为规范管理，制定本办法', ''],
      ['第二条', '本办法适用于全公司', ''],
    ]);
    expect(f.warnings).toContainEqual({ key: 'importWarnings.inlineFooter', params: { count: 1 } });
  });

  it('joins a wrapped first line into the article title', () => {
    const f = parseOutlineText('第一条 为规范商业银行服务价格管理活动，保护客户合法权\n益，制定本办法。\n第二条 总体要求\n公司应当建立内部控制。');
    expect(flattenImported(f.nodes).map((n) => [n.number, n.title, n.body])).toEqual([
      ['第一条', '为规范商业银行服务价格管理活动，保护客户合法权益，制定本办法', ''],
      ['第二条', '总体要求', '公司应当建立内部控制。'],
    ]);
  });
});

describe('decimal outlines', () => {
  const TOC = ['目 录', '1 总则 ........ 1', '1.1 目的 ........ 1', '1.2 范围 ····· 2', '2 资金管理\t3', '2.1 货币资金 3', '2.2 付款审批  15', '2.2.1 申请与审批 …… 16', '第 1 页 共 5 页', '3 附则 20', '第 2 页 共 5 页'].join('\n');

  it('reads a TOC with dot leaders and page numbers into clean titles and depths', () => {
    const f = parseOutlineText(TOC);
    expect(f.format).toBe('decimal');
    expect(shape(f)).toEqual([
      '0:chapter:1:总则',
      '1:section:1.1:目的',
      '1:section:1.2:范围',
      '0:chapter:2:资金管理',
      '1:section:2.1:货币资金',
      '1:section:2.2:付款审批',
      '2:clause:2.2.1:申请与审批',
      '0:chapter:3:附则',
    ]);
    expect(f.stats).toEqual({ chapters: 3, sections: 4, articles: 0, items: 1, skippedLines: 3 });
    expect(f.warnings[0]).toEqual({ key: 'importWarnings.furniture', params: { count: 3, pages: 2, repeated: 0, toc: 1, urls: 0, downloads: 0 } });
  });

  it('keeps numbers that are part of a title outside a TOC and collects bodies', () => {
    const f = parseOutlineText('1 目的\n本程序规定付款审批。\n2 职责\n2.1 财务部 负责复核\n金额超过100元的付款需审批。\n2.2 附件 2');
    expect(shape(f)).toEqual(['0:chapter:1:目的', '0:chapter:2:职责', '1:section:2.1:财务部 负责复核', '1:section:2.2:附件 2']);
    expect(find(f, '1').body).toBe('本程序规定付款审批。');
    expect(find(f, '2.1').body).toBe('金额超过100元的付款需审批。');
  });

  it('reads numbered notes like 1.体例设计 and does not take 2014年 or 1.5% for headings', () => {
    const f = parseOutlineText('说明\n1.体例设计应能满足修改完善的需要\n2014年2月14日公布。\n增长1.5%。\n2.流程设计应与企业控制目标相适应\n内容。');
    expect(shape(f)).toEqual(['0:chapter:1:体例设计应能满足修改完善的需要', '0:chapter:2:流程设计应与企业控制目标相适应']);
    expect(find(f, '1').body).toBe('2014年2月14日公布。\n增长1.5%。');
  });

  it('drops a decimal table of contents that is followed by the text', () => {
    const f = parseOutlineText('目录\n1 总则 1\n1.1 目的 1\n2 附则 2\n1 总则\n1.1 目的\n规范付款。\n2 附则\n自发布之日起施行。');
    expect(shape(f)).toEqual(['0:chapter:1:总则', '1:section:1.1:目的', '0:chapter:2:附则']);
    expect(find(f, '1.1').body).toBe('规范付款。');
    expect(find(f, '2').body).toBe('自发布之日起施行。');
    expect(f.warnings).toContainEqual({ key: 'importWarnings.decimalTocDropped', params: { count: 3, number: '1', line: 5 } });
  });

  it('places a heading with a missing parent one level up and warns', () => {
    const f = parseOutlineText('1 总则\n1.1 目的\n2.1 资金\n2.2 付款');
    expect(shape(f)).toEqual(['0:chapter:1:总则', '1:section:1.1:目的', '0:chapter:2.1:资金', '0:chapter:2.2:付款']);
    expect(f.warnings).toContainEqual({ key: 'importWarnings.noParent', params: { number: '2.1', line: 3, parent: '2' } });
  });
});

describe('no structure, empty, too large', () => {
  it('returns format none for prose', () => {
    const f = parseOutlineText('企业内部控制制度是企业管理制度办法的集合，是管理控制措施的综合体现。\n应务必注意以下问题。');
    expect(f).toMatchObject({ format: 'none', nodes: [] });
    expect(f.warnings.at(-1)).toEqual({ key: 'importWarnings.noStructure', params: {} });
  });

  it('throws empty for empty and whitespace-only text', () => {
    for (const t of ['', '   ', '\n\t\u3000\n']) {
      expect(() => parseOutlineText(t)).toThrow(ImportTextError);
      try {
        parseOutlineText(t);
      } catch (e) {
        expect((e as ImportTextError).code).toBe('empty');
      }
    }
  });

  it('throws too_large above maxLength (default 2,000,000)', () => {
    const err = (() => {
      try {
        parseOutlineText('第一条 甲。'.repeat(10), { maxLength: 20 });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ImportTextError);
    expect((err as ImportTextError).code).toBe('too_large');
    expect(() => parseOutlineText('x'.repeat(10_000_001))).toThrow(/import limit is 2000000/);
  });
});

describe('robustness', { timeout: 30_000 }, () => {
  function randomText(length: number, seed: number): string {
    let x = seed;
    const rand = () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const pieces = ['第', '一', '十', '百', '条', '章', '节', '。', '；', ' ', '\n', '（', '）', '1', '.', '、', '\u3000', '…', '\t'];
    const out: string[] = [];
    for (let i = 0; i < length; i++) {
      const r = rand();
      out.push(r < 0.5 ? pieces[Math.floor(rand() * pieces.length)]! : String.fromCharCode(Math.floor(rand() * 0xffff)));
    }
    return out.join('');
  }

  // Time grows linearly with the text: twenty times the text may take at most 100 times as long
  // (linear ≈ 20, quadratic ≈ 400). A ratio, not a wall-clock limit, so a loaded box cannot fail it.
  const bestMs = (fn: () => void, runs = 3) => {
    let best = Infinity;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      fn();
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  };
  const LINEAR = 100;

  it('parses 2 MB of random text in time linear in its size', () => {
    const large = randomText(1_999_000, 42);
    const small = large.slice(0, 99_950);
    assertWellFormed(parseOutlineText(large));
    const ratio = bestMs(() => parseOutlineText(large), 1) / bestMs(() => parseOutlineText(small));
    expect(ratio).toBeLessThan(LINEAR);
  });

  it('is linear on adversarial repetitions (dot leaders, spaces, digits, markers)', () => {
    for (const unit of ['.', ' ', '1', '第', '第一', '1.', '（', '\t。', '第一条的']) {
      const text = (n: number) => 'x' + unit.repeat(Math.floor(n / unit.length)) + '9';
      const large = text(1_900_000);
      assertWellFormed(parseOutlineText(large));
      const ratio = bestMs(() => parseOutlineText(large), 1) / Math.max(bestMs(() => parseOutlineText(text(95_000))), 0.5);
      expect(ratio, `repeating ${JSON.stringify(unit)}`).toBeLessThan(LINEAR);
    }
  });

  it('rejects 10 MB of garbage as too large', () => {
    const text = randomText(1_000_000, 7).repeat(10);
    expect(() => parseOutlineText(text)).toThrow(expect.objectContaining({ code: 'too_large' }));
  });

  it('property: returns a well-formed result or throws ImportTextError, never anything else', () => {
    const fragment = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom('第一章 ', '第二章', '第一节', '第三条 ', '第十条的', '第一百零五条', '第３条', '（一）', '(2)', '一、', '1.', '1.1 ', '2.3.4 ', ' ...... 12', '。', '；', '\n', '\u3000', '目 录', '第 1 页 共 5 页', 'www.x.cn', '條', '節'),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 60 }).map((a) => a.join('')), (text) => {
        try {
          assertWellFormed(parseOutlineText(text));
        } catch (e) {
          if (!(e instanceof ImportTextError)) throw e;
          expect(e.code).toBe('empty');
        }
      }),
      { numRuns: 500 },
    );
  });
});
