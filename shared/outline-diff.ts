import type { NumberedNode } from './outline.ts';

/** What changed between two outlines (versions, or a version and the draft), matched by stable node id. */
export interface OutlineDiff {
  added: Pick<NumberedNode, 'id' | 'number' | 'title' | 'kind'>[];
  removed: Pick<NumberedNode, 'id' | 'number' | 'title' | 'kind'>[];
  /** the number changed: moved in the tree (parentChanged) or renumbered by changes around it */
  renumbered: { id: number; title: string; oldNumber: string; newNumber: string; parentChanged: boolean }[];
  textChanged: { id: number; number: string; oldTitle: string; newTitle: string; titleChanged: boolean; bodyChanged: boolean; kindChanged: boolean }[];
}

type DiffNode = Pick<NumberedNode, 'id' | 'parentId' | 'number' | 'title' | 'body' | 'kind'>;

export function diffOutlines(before: readonly DiffNode[], after: readonly DiffNode[]): OutlineDiff {
  const old = new Map(before.map((n) => [n.id, n]));
  const cur = new Map(after.map((n) => [n.id, n]));
  const pick = (n: DiffNode) => ({ id: n.id, number: n.number, title: n.title, kind: n.kind });
  const diff: OutlineDiff = { added: [], removed: [], renumbered: [], textChanged: [] };
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
      diff.textChanged.push({ id: n.id, number: n.number, oldTitle: o.title, newTitle: n.title, titleChanged, bodyChanged, kindChanged });
    }
  }
  for (const o of before) if (!cur.has(o.id)) diff.removed.push(pick(o));
  return diff;
}
