import type { NumberedNode } from './outline.ts';
import type { SnapshotControl } from './controls.ts';
import { textDiff, type TextPart } from './text-diff.ts';

/** What changed between two outlines (versions, or a version and the draft), matched by stable node id. */
export interface OutlineDiff {
  added: Pick<NumberedNode, 'id' | 'number' | 'title' | 'kind'>[];
  removed: Pick<NumberedNode, 'id' | 'number' | 'title' | 'kind'>[];
  /** the number changed: moved in the tree (parentChanged) or renumbered by changes around it */
  renumbered: { id: number; title: string; oldNumber: string; newNumber: string; parentChanged: boolean }[];
  textChanged: {
    id: number;
    number: string;
    oldTitle: string;
    newTitle: string;
    titleChanged: boolean;
    bodyChanged: boolean;
    kindChanged: boolean;
    /** word-level (CJK: character-level) diff of the title / body, when it changed */
    titleParts?: TextPart[];
    bodyParts?: TextPart[];
  }[];
  /** controls in both outlines whose attributes, inspection points or links changed */
  controlChanged: { id: number; number: string; title: string; changes: ControlChange[] }[];
}

/** Attributes shown as a value before → after (codes are translated by the client). */
export const CONTROL_VALUE_FIELDS = ['isKey', 'weight', 'ownerPositionName', 'frequency', 'nature', 'automation', 'scoringMethod', 'tolerance', 'element', 'checkedDuty'] as const;
/** Attributes that are free text, shown as a word-level diff. */
export const CONTROL_TEXT_FIELDS = ['objective', 'risk'] as const;

export type ControlChange =
  | { field: (typeof CONTROL_VALUE_FIELDS)[number]; before: string | number | boolean | null; after: string | number | boolean | null }
  | { field: (typeof CONTROL_TEXT_FIELDS)[number]; parts: TextPart[] }
  | { field: 'evidenceTypes'; added: string[]; removed: string[] }
  | { field: 'inspections'; added: SnapshotControl['inspections']; removed: SnapshotControl['inspections'] }
  /** the other steps/processes it is linked into, as "number title" */
  | { field: 'links'; added: string[]; removed: string[] };

type DiffNode = Pick<NumberedNode, 'id' | 'parentId' | 'number' | 'title' | 'body' | 'kind'> & { control?: SnapshotControl };

function setDiff<T>(before: readonly T[], after: readonly T[], key: (x: T) => string = String) {
  const b = new Set(before.map(key));
  const a = new Set(after.map(key));
  return { added: after.filter((x) => !b.has(key(x))), removed: before.filter((x) => !a.has(key(x))) };
}

/** What changed in one control between two outlines (hosts named by their number in each outline). */
export function controlChanges(o: SnapshotControl, n: SnapshotControl, hostLabel: { before: (id: number) => string; after: (id: number) => string }): ControlChange[] {
  const changes: ControlChange[] = [];
  for (const field of CONTROL_VALUE_FIELDS) {
    if ((o[field] ?? null) !== (n[field] ?? null)) changes.push({ field, before: o[field] ?? null, after: n[field] ?? null });
  }
  for (const field of CONTROL_TEXT_FIELDS) {
    if (o[field] !== n[field]) changes.push({ field, parts: textDiff(o[field], n[field]) });
  }
  const evidence = setDiff(o.evidenceTypes, n.evidenceTypes);
  if (evidence.added.length || evidence.removed.length) changes.push({ field: 'evidenceTypes', ...evidence });
  const inspections = setDiff(o.inspections ?? [], n.inspections ?? [], (i) => `${i.method}\u0000${i.procedure}`);
  if (inspections.added.length || inspections.removed.length) changes.push({ field: 'inspections', ...inspections });
  const links = setDiff(o.linkedHostIds ?? [], n.linkedHostIds ?? []);
  if (links.added.length || links.removed.length) {
    changes.push({ field: 'links', added: links.added.map(hostLabel.after), removed: links.removed.map(hostLabel.before) });
  }
  return changes;
}

export function diffOutlines(before: readonly DiffNode[], after: readonly DiffNode[]): OutlineDiff {
  const old = new Map(before.map((n) => [n.id, n]));
  const cur = new Map(after.map((n) => [n.id, n]));
  const pick = (n: DiffNode) => ({ id: n.id, number: n.number, title: n.title, kind: n.kind });
  const label = (nodes: Map<number, DiffNode>) => (id: number) => {
    const n = nodes.get(id);
    return n ? `${n.number} ${n.title}` : `#${id}`;
  };
  const hostLabel = { before: label(old), after: label(cur) };
  const diff: OutlineDiff = { added: [], removed: [], renumbered: [], textChanged: [], controlChanged: [] };
  for (const n of after) {
    const o = old.get(n.id);
    if (!o) {
      diff.added.push(pick(n));
      continue;
    }
    if (o.number !== n.number || o.parentId !== n.parentId) {
      diff.renumbered.push({ id: n.id, title: n.title, oldNumber: o.number, newNumber: n.number, parentChanged: o.parentId !== n.parentId });
    }
    const titleChanged = o.title !== n.title;
    const bodyChanged = o.body !== n.body;
    const kindChanged = o.kind !== n.kind;
    if (titleChanged || bodyChanged || kindChanged) {
      diff.textChanged.push({
        id: n.id,
        number: n.number,
        oldTitle: o.title,
        newTitle: n.title,
        titleChanged,
        bodyChanged,
        kindChanged,
        ...(titleChanged ? { titleParts: textDiff(o.title, n.title) } : {}),
        ...(bodyChanged ? { bodyParts: textDiff(o.body, n.body) } : {}),
      });
    }
    if (o.control && n.control) {
      const changes = controlChanges(o.control, n.control, hostLabel);
      if (changes.length) diff.controlChanged.push({ id: n.id, number: n.number, title: n.title, changes });
    }
  }
  for (const o of before) if (!cur.has(o.id)) diff.removed.push(pick(o));
  return diff;
}
