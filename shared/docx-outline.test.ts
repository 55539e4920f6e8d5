import { describe, expect, it } from 'vitest';
import { outlineFromDocx } from './docx-outline.ts';
import { flattenImported } from './outline-import.ts';

describe('outline of a Word document', () => {
  it('heading styles make the outline; a cover table gives the properties; body tables stay tables', () => {
    const r = outlineFromDocx({
      dropped: [{ text: '第一章 总则', reason: 'toc' }],
      paragraphs: [
        { text: '资金管理手册', title: true },
        { text: '', table: [['文号', '集团财〔2024〕3号'], ['版本', 'V3.0'], ['生效日期', '2024年7月1日'], ['发布', '集团财务部']] },
        { text: '第一章 总则', level: 0 },
        { text: '第一条 目的', level: 1 },
        { text: '为规范资金管理，制定本手册。' },
        { text: '', table: [['控制点', '频率'], ['付款审批', '每笔']] },
        { text: '总则之二', level: 0, auto: '第二章' },
      ],
    });
    expect(r.properties).toEqual({ title: '资金管理手册', documentNumber: '集团财〔2024〕3号', versionLabel: 'V3.0', effectiveDate: '2024年7月1日', publisher: '集团财务部' });
    expect(flattenImported(r.nodes).map((n) => [n.kind, n.number, n.title, n.depth])).toEqual([
      ['chapter', '第一章', '总则', 0],
      ['clause', '第一条', '目的', 1],
      ['chapter', '第二章', '总则之二', 0],
    ]);
    expect(r.nodes[0]!.children[0]!.body).toBe('为规范资金管理，制定本手册。\n| 控制点 | 频率 |\n| 付款审批 | 每笔 |');
    expect(r.format).toBe('regulation');
    expect(r.dropped[0]).toEqual({ text: '第一章 总则', reason: 'toc' });
  });

  it('without headings, automatic numbers are written in front and the text parser rebuilds the outline', () => {
    const r = outlineFromDocx({
      dropped: [],
      paragraphs: [
        { text: '费用报销办法', title: true },
        { text: '总则', auto: '一、' },
        { text: '报销范围', auto: '（一）' },
        { text: '差旅费；', auto: '1.' },
        { text: '审批', auto: '二、' },
      ],
    });
    expect(r.properties.title).toBe('费用报销办法');
    expect(flattenImported(r.nodes).map((n) => `${n.depth}${n.number} ${n.title}`)).toEqual(['0一、 总则', '1（一） 报销范围', '21. 差旅费；', '0二、 审批']);
  });
});
