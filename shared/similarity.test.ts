import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bigrams, similarity, similarPairs } from './similarity.ts';

describe('text similarity', () => {
  it('compares Chinese by character bigrams, ignoring punctuation and spaces', () => {
    expect([...bigrams('付款审批，')]).toEqual(['付款', '款审', '审批']);
    expect(similarity('出纳付款前核对审批单据是否齐全', '出纳付款前 核对审批单据齐全')).toBeGreaterThan(0.7);
    expect(similarity('出纳付款前核对审批单据', '仓库月末盘点存货')).toBe(0);
    expect(similarity('Approve payments', 'approve  PAYMENTS!')).toBe(1);
  });

  it('finds exactly the pairs a brute-force comparison finds', () => {
    const words = ['付款', '审批', '复核', '出纳', '盘点', '合同', '签订', '验收', '入库', '对账'];
    const text = fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 6 }).map((w) => w.join(''));
    fc.assert(
      fc.property(fc.array(text, { minLength: 2, maxLength: 40 }), fc.constantFrom(0.3, 0.5, 0.8, 1), (texts, t) => {
        const items = texts.map((text, i) => ({ id: i + 1, text }));
        const brute: string[] = [];
        for (let i = 0; i < items.length; i++)
          for (let j = i + 1; j < items.length; j++) if (similarity(items[i]!.text, items[j]!.text) >= t) brute.push(`${i + 1}-${j + 1}`);
        const fast = similarPairs(items, t).map((p) => `${p.a}-${p.b}`);
        expect(fast.sort()).toEqual(brute.sort());
      }),
      { numRuns: 200 },
    );
  });

  it('joins 20,000 texts without comparing every pair', () => {
    // realistic control wording: phrases drawn from a vocabulary, so many texts share common words
    const phrases = ['出纳', '付款前', '核对', '审批单据', '是否齐全', '会计', '月末', '编制', '银行存款余额调节表', '仓库', '盘点', '存货', '采购', '验收', '合同', '签订', '预算', '审核', '登记', '台账', '复核', '发票', '金额', '一致', '授权', '批准', '印章', '保管', '分离', '不相容'];
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const items = Array.from({ length: 20_000 }, (_, i) => ({
      id: i + 1,
      text: Array.from({ length: 4 + Math.floor(rnd() * 6) }, () => phrases[Math.floor(rnd() * phrases.length)]).join(''),
    }));
    const stats = { verified: 0 };
    const pairs = similarPairs(items, 0.6, stats);
    expect(pairs.length).toBeGreaterThan(0);
    // the prefix filter leaves a small fraction of the 2·10⁸ pairs to compare (timing: bench controls-overlap)
    const allPairs = (items.length * (items.length - 1)) / 2;
    expect(stats.verified).toBeLessThan(allPairs / 10); // ~1/19 on this deliberately repetitive vocabulary
  });
});
