import { diffChars, diffWordsWithSpace, type ChangeObject } from 'diff';

/** One run of a text diff: kept, inserted (`added`) or deleted (`removed`). */
export interface TextPart {
  value: string;
  added?: true;
  removed?: true;
}

// Han, kana, Hangul and full-width punctuation: scripts written without spaces between words
const CJK = /[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/;

/** Past this many milliseconds a diff of two long, very different texts gives up: shown as replaced whole. */
const DIFF_TIMEOUT_MS = 250;

/**
 * Word-level diff of two texts for people to read. Chinese (and Japanese/Korean) text has no
 * spaces, so a "word" there would be a whole sentence: such text is compared character by
 * character; other text word by word, whitespace kept.
 */
export function textDiff(before: string, after: string): TextPart[] {
  if (before === after) return before ? [{ value: before }] : [];
  const options = { timeout: DIFF_TIMEOUT_MS };
  const changes: ChangeObject<string>[] | undefined =
    CJK.test(before) || CJK.test(after) ? diffChars(before, after, options) : diffWordsWithSpace(before, after, options);
  if (!changes) return [...(before ? [{ value: before, removed: true as const }] : []), ...(after ? [{ value: after, added: true as const }] : [])];
  return changes.map((c) => (c.added ? { value: c.value, added: true } : c.removed ? { value: c.value, removed: true } : { value: c.value }));
}
