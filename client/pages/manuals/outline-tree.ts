import type { RouterOutputs } from '../../lib/trpc.ts';
import type { NodeKind } from '../../../shared/outline.ts';
import { kindAllowedUnder, NODE_KINDS } from '../../../shared/outline.ts';

/** Shapes the manual API returns. */
export type ManualRow = RouterOutputs['manual']['list'][number];
export type TreeData = RouterOutputs['manual']['tree'];
export type TreeNode = TreeData['nodes'][number];

/** Indexes over a pre-ordered outline, rebuilt once per fetch (O(n)). */
export interface OutlineIndex {
  nodes: TreeNode[];
  byId: Map<number, TreeNode>;
  indexOf: Map<number, number>;
  /** child ids per parent id (null = top level), in order */
  children: Map<number | null, number[]>;
  hasChildren: Set<number>;
}

export function indexOutline(nodes: TreeNode[]): OutlineIndex {
  const byId = new Map<number, TreeNode>();
  const indexOf = new Map<number, number>();
  const children = new Map<number | null, number[]>();
  const hasChildren = new Set<number>();
  nodes.forEach((n, i) => {
    byId.set(n.id, n);
    indexOf.set(n.id, i);
    const list = children.get(n.parentId);
    if (list) list.push(n.id);
    else children.set(n.parentId, [n.id]);
    if (n.parentId != null) hasChildren.add(n.parentId);
  });
  return { nodes, byId, indexOf, children, hasChildren };
}

/** Rows a reader sees: pre-order, skipping the descendants of collapsed nodes. */
export function visibleNodes(nodes: TreeNode[], collapsed: ReadonlySet<number>): TreeNode[] {
  if (collapsed.size === 0) return nodes;
  const out: TreeNode[] = [];
  let skipDeeperThan = Infinity;
  for (const n of nodes) {
    if (n.depth > skipDeeperThan) continue;
    skipDeeperThan = Infinity;
    out.push(n);
    if (collapsed.has(n.id)) skipDeeperThan = n.depth;
  }
  return out;
}

export function siblingOf(index: OutlineIndex, id: number, offset: -1 | 1): TreeNode | undefined {
  const node = index.byId.get(id);
  if (!node) return undefined;
  const list = index.children.get(node.parentId) ?? [];
  const sib = list[list.indexOf(id) + offset];
  return sib == null ? undefined : index.byId.get(sib);
}

export function ancestorsOf(index: OutlineIndex, id: number): number[] {
  const out: number[] = [];
  let cur = index.byId.get(id)?.parentId ?? null;
  while (cur != null) {
    out.push(cur);
    cur = index.byId.get(cur)?.parentId ?? null;
  }
  return out;
}

export function parentKindOf(index: OutlineIndex, node: TreeNode): NodeKind | null {
  return node.parentId == null ? null : (index.byId.get(node.parentId)?.kind ?? null);
}

/** Kinds that may sit under a parent kind (null = top level). */
export function kindsUnder(parentKind: NodeKind | null): NodeKind[] {
  return NODE_KINDS.filter((k) => kindAllowedUnder(k, parentKind));
}

/** The kind a new child of `parentKind` most likely has. */
const CHILD_PREFERENCE: Record<NodeKind, NodeKind[]> = {
  chapter: ['section', 'process', 'clause'],
  section: ['section', 'process', 'clause'],
  clause: ['clause', 'process'],
  process: ['step', 'control', 'clause'],
  step: ['control', 'step', 'clause'],
  control: [],
};
export function defaultChildKind(parentKind: NodeKind): NodeKind | null {
  return CHILD_PREFERENCE[parentKind].find((k) => kindAllowedUnder(k, parentKind)) ?? null;
}

/** Index (in `visible`) just after the last visible descendant of the row at `at`. */
export function endOfSubtree(visible: TreeNode[], at: number): number {
  const depth = visible[at]!.depth;
  let i = at + 1;
  while (i < visible.length && visible[i]!.depth > depth) i++;
  return i;
}

/** Which third of a row the pointer is over: before / inside / after. */
export type DropZone = 'before' | 'inside' | 'after';
export function dropZone(offsetY: number, height: number): DropZone {
  const f = offsetY / Math.max(height, 1);
  return f < 1 / 3 ? 'before' : f > 2 / 3 ? 'after' : 'inside';
}

export type DisplayRow =
  | { type: 'node'; node: TreeNode }
  | { type: 'pending'; depth: number }
  | { type: 'shared'; control: TreeNode; hostId: number; depth: number };

export const depthOf = (row: DisplayRow) => (row.type === 'node' ? row.node.depth : row.depth);

/**
 * The visible rows plus, after the children of each expanded step/process, a greyed row for every
 * shared control linked into it (one pass with a stack of open hosts).
 */
export function withSharedRows(visible: TreeNode[], collapsed: ReadonlySet<number>, linked: Map<number, TreeNode[]>): DisplayRow[] {
  if (linked.size === 0) return visible.map((node) => ({ type: 'node', node }));
  const out: DisplayRow[] = [];
  const open: TreeNode[] = [];
  const close = (host: TreeNode) => {
    for (const control of linked.get(host.id)!) out.push({ type: 'shared', control, hostId: host.id, depth: host.depth + 1 });
  };
  for (const node of visible) {
    while (open.length && open[open.length - 1]!.depth >= node.depth) close(open.pop()!);
    out.push({ type: 'node', node });
    if (linked.has(node.id) && !collapsed.has(node.id)) open.push(node);
  }
  while (open.length) close(open.pop()!);
  return out;
}
