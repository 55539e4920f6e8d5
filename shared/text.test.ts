import { describe, expect, it } from 'vitest';
import { cleanInput, dbId, INT4_MAX, safeString, textProblem } from './text.ts';

describe('boundary text and id rules', () => {
  it('refuses NUL and lone surrogates, accepts paired ones', () => {
    expect(textProblem('a\u0000b')).toBe('errors.field.nul');
    expect(textProblem('a\ud800b')).toBe('errors.field.surrogate');
    expect(textProblem('a\udc00')).toBe('errors.field.surrogate');
    expect(textProblem('内控 😀')).toBeNull();
    expect(safeString().safeParse('x\u0000').success).toBe(false);
  });

  it('normalises to NFC, deep inside objects and arrays, and names the bad places', () => {
    const decomposed = 'Cafe\u0301';
    expect(safeString().parse(decomposed)).toBe('Café');
    const { value, problems } = cleanInput({ a: [decomposed, { b: 'x\u0000' }], c: 1 });
    expect(value).toEqual({ a: ['Café', { b: 'x\u0000' }], c: 1 });
    expect(problems).toEqual([{ path: ['a', 1, 'b'], message: 'errors.field.nul' }]);
  });

  it('takes ids 1 … 2^31−1 only', () => {
    expect(dbId.safeParse(INT4_MAX).success).toBe(true);
    expect(dbId.safeParse(INT4_MAX + 1).success).toBe(false);
    expect(dbId.safeParse(0).success).toBe(false);
    expect(dbId.safeParse(1.5).success).toBe(false);
  });
});
