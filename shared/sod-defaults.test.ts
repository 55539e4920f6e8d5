import { describe, expect, it } from 'vitest';
import { DEFAULT_SOD_RULES, localizedDefaultText } from './sod-defaults.ts';

describe('localizedDefaultText', () => {
  const rule = DEFAULT_SOD_RULES[0]!;

  it("shows a default rule's rationale and basis, adopted in Chinese, in English to an English reader", () => {
    expect(localizedDefaultText(rule.code, 'rationale', rule.rationale['zh-CN'], 'en')).toBe(rule.rationale.en);
    expect(localizedDefaultText(rule.code, 'basis', rule.basis['zh-CN'], 'en')).toBe(rule.basis.en);
    expect(localizedDefaultText(rule.code, 'rationale', rule.rationale.en, 'zh-CN')).toBe(rule.rationale['zh-CN']);
  });

  it('keeps text a user wrote, and rules that are not defaults, as written', () => {
    expect(localizedDefaultText(rule.code, 'rationale', '本公司自定的理由', 'en')).toBe('本公司自定的理由');
    expect(localizedDefaultText('MY-01', 'rationale', rule.rationale['zh-CN'], 'en')).toBe(rule.rationale['zh-CN']);
  });
});
