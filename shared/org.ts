import { z } from 'zod';
import { dbId } from './text.ts';

/** Organisation: units (tree), positions with duty categories, people and their assignments. */

export const BUILTIN_DUTIES = ['authorise', 'execute', 'record', 'custody', 'review', 'supervise'] as const;
export const ASSIGNMENT_KINDS = ['primary', 'acting', 'concurrent'] as const;
export type AssignmentKind = (typeof ASSIGNMENT_KINDS)[number];

// ids fit PostgreSQL's integer: a larger one is bad input, not an internal error
export const id = dbId;
const code = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'errors.field.code' });
const name = (max: number) => z.string().trim().min(1).max(max);
export const isoDate = z.iso.date();

export const unitInput = z.object({
  parentId: id.nullable(),
  code,
  name: name(200),
  sortOrder: z.number().int().min(0).max(1_000_000).default(0),
});
export type UnitInput = z.input<typeof unitInput>;

export const positionInput = z.object({
  unitId: id,
  code,
  name: name(200),
  /** 1 = most junior … 99; a larger rank is more senior (authority rules compare against it). */
  levelRank: z.number().int().min(1).max(99),
  duties: z.array(z.string().min(1).max(40)).max(20).default([]),
});
export type PositionInput = z.input<typeof positionInput>;

export const personInput = z.object({
  employeeNo: code,
  name: name(100),
  email: z.email().max(200).nullable().default(null),
  active: z.boolean().default(true),
});
export type PersonInput = z.input<typeof personInput>;

export const assignmentInput = z
  .object({
    personId: id,
    positionId: id,
    kind: z.enum(ASSIGNMENT_KINDS),
    validFrom: isoDate,
    validTo: isoDate.nullable().default(null),
  })
  .refine((a) => a.validTo == null || a.validTo >= a.validFrom, {
    message: 'errors.assignment.validToBeforeFrom',
    path: ['validTo'],
  });
export type AssignmentInput = z.input<typeof assignmentInput>;

/** Do two date ranges (inclusive, open end = null) overlap? ISO dates compare as strings. */
export function rangesOverlap(
  a: { validFrom: string; validTo: string | null },
  b: { validFrom: string; validTo: string | null },
): boolean {
  return (a.validTo == null || b.validFrom <= a.validTo) && (b.validTo == null || a.validFrom <= b.validTo);
}

export interface UnitNode<T extends { id: number; parentId: number | null }> {
  unit: T;
  children: UnitNode<T>[];
}

/** Build the unit tree from flat rows (already in display order). Orphans become roots. */
export function buildUnitTree<T extends { id: number; parentId: number | null }>(rows: T[]): UnitNode<T>[] {
  const nodes = new Map(rows.map((u) => [u.id, { unit: u, children: [] as UnitNode<T>[] }]));
  const roots: UnitNode<T>[] = [];
  for (const node of nodes.values()) {
    const parent = node.unit.parentId == null ? undefined : nodes.get(node.unit.parentId);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** Would setting unit `id`'s parent to `newParentId` create a cycle? */
export function wouldCreateCycle(
  parentOf: ReadonlyMap<number, number | null>,
  id: number,
  newParentId: number | null,
): boolean {
  for (let cur = newParentId; cur != null; cur = parentOf.get(cur) ?? null) {
    if (cur === id) return true;
  }
  return false;
}
