import { z } from 'zod';

/**
 * Input rules at the boundary (issue #19): text may not carry NUL (PostgreSQL text cannot hold it)
 * or lone UTF-16 surrogates (the drivers would silently store U+FFFD instead), and is stored
 * NFC-normalised so that "é" typed two ways is one value; ids fit PostgreSQL's integer (int4).
 */
export const INT4_MAX = 2_147_483_647;

/** A row id: an integer 1 … 2^31−1. */
export const dbId = z.number().int().min(1).max(INT4_MAX);

export type TextProblem = 'errors.field.nul' | 'errors.field.surrogate';

/** Why `s` may not be stored, or null. */
export function textProblem(s: string): TextProblem | null {
  if (s.includes('\u0000')) return 'errors.field.nul';
  // with the u flag a surrogate pair is one code point, so only lone halves match
  if (/[\uD800-\uDFFF]/u.test(s)) return 'errors.field.surrogate';
  return null;
}

/** A string refusing NUL and lone surrogates, NFC-normalised. */
export const safeString = () =>
  z
    .string()
    .superRefine((s, ctx) => {
      const problem = textProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((s) => s.normalize('NFC'));

export interface InputProblem {
  path: (string | number)[];
  message: TextProblem;
}

/**
 * A copy of a raw (JSON) input with every string NFC-normalised, and the places of strings that
 * cannot be stored. Applied to every procedure's input before its schema (server/trpc/trpc.ts).
 */
export function cleanInput(value: unknown, path: (string | number)[] = [], problems: InputProblem[] = []): { value: unknown; problems: InputProblem[] } {
  const walk = (v: unknown, p: (string | number)[]): unknown => {
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) problems.push({ path: p, message: problem });
      return problem ? v : v.normalize('NFC');
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...p, i]));
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        const keyProblem = textProblem(k);
        if (keyProblem) problems.push({ path: [...p, k], message: keyProblem });
        out[k.normalize('NFC')] = walk(item, [...p, k]);
      }
      return out;
    }
    return v;
  };
  return { value: walk(value, path), problems };
}
