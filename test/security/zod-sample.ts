import type { z } from 'zod';

/**
 * A plausible value for a zod (v4) input schema, to call every procedure with: every string is
 * `text`, every integer `int` (other numbers 1), everything else its first/smallest valid choice.
 * Not a fuzzer: enough to get past shape checks so hostile strings and ids reach the handlers.
 */
export interface SampleOptions {
  text: string;
  int: number;
}

type Def = { type: string; [k: string]: unknown };
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

const FORMATS: Record<string, string> = {
  date: '2026-01-15',
  datetime: '2026-01-15T08:00:00.000Z',
  email: 'someone@example.com',
  uuid: '00000000-0000-4000-8000-000000000000',
  url: 'https://example.com/',
};

export function sample(schema: z.ZodType | unknown, opts: SampleOptions, depth = 0): unknown {
  if (depth > 12) return undefined;
  const def = defOf(schema);
  const next = (s: unknown) => sample(s, opts, depth + 1);
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, unknown>;
      return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, next(v)]));
    }
    case 'string': {
      const format = def.format as string | undefined;
      return format && FORMATS[format] ? FORMATS[format] : opts.text;
    }
    case 'number': {
      const checks = (def.checks as { _zod: { def: { check: string; format?: string } } }[] | undefined) ?? [];
      const isInt = checks.some((c) => c._zod.def.format === 'safeint' || c._zod.def.format === 'int32');
      return isInt ? opts.int : 1;
    }
    case 'int':
      return opts.int;
    case 'boolean':
      return false;
    case 'bigint':
      return BigInt(opts.int);
    case 'date':
      return new Date('2026-01-15');
    case 'enum':
      return Object.values(def.entries as Record<string, unknown>)[0];
    case 'literal':
      return (def.values as unknown[])[0];
    case 'array':
      return [next(def.element)];
    case 'tuple':
      return (def.items as unknown[]).map(next);
    case 'record':
      return { [String(next(def.keyType))]: next(def.valueType) };
    case 'nullable':
    case 'optional':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return next(def.innerType);
    case 'pipe':
      return next(def.in);
    case 'lazy':
      return next((def.getter as () => unknown)());
    case 'union':
      return next((def.options as unknown[])[0]);
    case 'intersection':
      return { ...(next(def.left) as object), ...(next(def.right) as object) };
    case 'transform':
    case 'any':
    case 'unknown':
      return opts.text;
    case 'null':
      return null;
    default:
      return undefined;
  }
}
