import { expect, it } from 'vitest';
import { OID, typeParsers } from '../../server/db/type-parsers.ts';

it('turns PostgreSQL text values into the same JavaScript values on both backends', () => {
  expect(typeParsers[OID.int8]!('42')).toBe(42);
  expect(typeParsers[OID.numeric]!('68.5714')).toBe(68.5714);
  expect(typeParsers[OID.date]!('2026-11-23')).toBe('2026-11-23');
  expect(typeParsers[OID.timestamptz]!('2026-11-23 09:13:29.123456+00')).toBe('2026-11-23T09:13:29.123Z');
  expect(typeParsers[OID.timestamptz]!('2026-11-23 17:13:29+08')).toBe('2026-11-23T09:13:29.000Z');
});
