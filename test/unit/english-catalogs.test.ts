import { describe, expect, it } from 'vitest';
import { en } from '../../shared/i18n/en.ts';
import { uiEn } from '../../client/i18n/en.ts';
import { DEFAULT_EXTRA_DUTIES, DEFAULT_SOD_RULES } from '../../shared/sod-defaults.ts';

/** CJK ideographs, CJK punctuation (、。「」…) and full-width forms (（）：；，０-９). */
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

/** The one English text that must be Chinese: the language switch names Chinese in Chinese. */
const NAMED_IN_ITS_OWN_LANGUAGE = new Set(['language.zh']);

function leaves(obj: object, prefix = ''): [string, string][] {
  return Object.entries(obj).flatMap(([k, v]): [string, string][] =>
    typeof v === 'string' ? [[prefix + k, v]] : leaves(v as object, `${prefix}${k}.`),
  );
}

describe('English texts', () => {
  it.each([
    ['shared/i18n/en.ts', en],
    ['client/i18n/en.ts', uiEn],
  ] as const)('%s has no Chinese characters and no full-width punctuation', (_file, catalog) => {
    const offending = leaves(catalog).filter(([key, text]) => CJK.test(text) && !NAMED_IN_ITS_OWN_LANGUAGE.has(key));
    expect(offending).toEqual([]);
  });

  it('the default SoD rule set and duties read in plain English', () => {
    const texts = [...DEFAULT_SOD_RULES.flatMap((r) => [r.rationale.en, r.basis.en]), ...DEFAULT_EXTRA_DUTIES.map((d) => d.nameEn)];
    expect(texts.filter((t) => CJK.test(t))).toEqual([]);
  });
});
