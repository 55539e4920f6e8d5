import { generateKeyBetween } from 'fractional-indexing';
import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import { appError } from '../errors.ts';
import * as q from './queries.ts';
import * as u from './undo.queries.ts';
import type { Row, RowState } from './undo.queries.ts';

/**
 * Undo and redo of outline editing. Each recorded operation keeps, for every row it changed
 * (nodes and everything hanging off them), the row before and after. Undo writes the "before"
 * rows back (deleted rows with their ids), redo the "after" rows — each a saved write in the
 * caller's transaction with a trail row, and each refused when a row it would write back has been
 * changed since in the columns the operation touched (by anyone, including a later operation).
 */

export type OperationKind = 'insert' | 'move' | 'indent' | 'outdent' | 'update' | 'delete' | 'control' | 'link' | 'unlink' | 'merge';

export interface Scope {
  kind: OperationKind;
  /** the node the operation is about (its title labels the undo button) */
  nodeId?: number;
  /** further nodes whose rows the operation may change */
  nodeIds?: number[];
  /** the node's whole subtree is affected (delete) */
  subtree?: boolean;
  /** for an insert: the manual (the node does not exist yet) */
  manualId?: number;
}

/** Run an outline write and record it on the caller's undo stack. */
export async function undoable<T>(trx: Executor, trail: Trail, scope: Scope, run: () => Promise<T>, created?: (result: T) => number[]): Promise<T> {
  const ids = new Set<number>(scope.nodeIds ?? []);
  if (scope.nodeId != null) {
    for (const id of scope.subtree ? await u.subtreeIds(trx, scope.nodeId) : [scope.nodeId]) ids.add(id);
  }
  const before = await u.captureNodes(trx, [...ids]);
  const result = await run();
  const newIds = created ? created(result) : [];
  const mitigationIds = Object.values(before).flatMap((r) => (r && 'control_node_id' in r ? [r.id as number] : []));
  const after = await u.captureNodes(trx, [...ids, ...newIds], mitigationIds);

  const forward: RowState = {};
  const inverse: RowState = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const b = before[key] ?? null;
    const a = after[key] ?? null;
    if (u.sameRow(b, a)) continue;
    forward[key] = a;
    inverse[key] = b;
  }
  const userId = trail.actor.userId;
  if (!Object.keys(forward).length || userId == null) return result;
  const nodeId = scope.nodeId ?? newIds[0] ?? scope.nodeIds?.[0];
  const nodeRow = (after[`n:${nodeId}`] ?? before[`n:${nodeId}`]) as Row | undefined;
  const manualId = scope.manualId ?? (nodeRow?.manual_id as number | undefined);
  if (nodeId == null || manualId == null) return result;
  await u.pushOperation(trx, { manualId, userId, kind: scope.kind, nodeId, label: String(nodeRow?.title ?? ''), forward, inverse });
  return result;
}

type Direction = 'undo' | 'redo';

function titleOf(states: RowState[], key: string): { nodeId: number; title: string } {
  const { prefix, values } = u.parseKey(key);
  const nodeId = prefix === 'm' ? ((states.map((s) => s[key]?.control_node_id).find((v) => v != null) as number) ?? 0) : values[0]!;
  const title = states.map((s) => s[`n:${nodeId}`]?.title).find((t) => t != null);
  return { nodeId, title: String(title ?? `#${nodeId}`) };
}

/**
 * Write `target` over rows that should now be `expected`. Refuses (nothing written: the caller's
 * transaction rolls back) when a row differs from `expected` in a column it would change.
 */
async function applyState(trx: Executor, manualId: number, target: RowState, expected: RowState, direction: Direction, since: string) {
  const keys = Object.keys(target);
  const current = await u.readRows(trx, keys);
  const action = { actionKey: `errors.outline.${direction === 'undo' ? 'actionUndo' : 'actionRedo'}` };
  const toDelete: string[] = [];
  const toInsert: string[] = [];
  const toUpdate: { key: string; cols: string[] }[] = [];
  for (const key of keys) {
    const tgt = target[key] ?? null;
    const exp = expected[key] ?? null;
    const cur = current[key] ?? null;
    if (u.sameRow(cur, tgt)) continue; // already so (e.g. the same link made again by hand)
    const cols = exp && tgt ? u.changedColumns(exp, tgt) : [];
    const unchanged = exp && tgt && cur ? cols.every((c) => u.sameValue(cur[c], exp[c])) : u.sameRow(cur, exp);
    if (!unchanged) {
      const { nodeId, title } = titleOf([current, expected, target], key);
      const user = (await u.lastWriter(trx, nodeId, since)) ?? '—';
      throw appError('CONFLICT', 'errors.outline.undoConflict', { ...action, title, user });
    }
    if (!tgt) toDelete.push(key);
    else if (!cur) toInsert.push(key);
    else toUpdate.push({ key, cols });
  }

  // deletions: what hangs off nodes first, then the nodes (a node with a child added since is refused)
  const nodeDeletes = toDelete.filter((k) => k.startsWith('n:')).map((k) => u.parseKey(k).values[0]!);
  if (nodeDeletes.length) {
    const [child] = await u.outsideChildren(trx, nodeDeletes);
    if (child) {
      const parent = current[`n:${child.parentId}`];
      throw appError('CONFLICT', 'errors.outline.undoChildAdded', { ...action, title: String(parent?.title ?? child.parentId), child: child.title });
    }
  }
  for (const key of toDelete.filter((k) => !k.startsWith('n:'))) await u.deleteRow(trx, key);
  if (nodeDeletes.length) await u.deleteNodes(trx, nodeDeletes);

  // nodes back: parents before children, each into its sibling slot (or just before whoever took it)
  const pending = new Map(toInsert.filter((k) => k.startsWith('n:')).map((k) => [u.parseKey(k).values[0]!, target[k]!]));
  const nodeMoves = toUpdate.filter((x) => x.key.startsWith('n:') && (x.cols.includes('parent_id') || x.cols.includes('order_key')));
  const parentsNeeded = [...pending.values(), ...nodeMoves.map((x) => target[x.key]!)].map((r) => r.parent_id as number | null).filter((p): p is number => p != null && !pending.has(p));
  if (parentsNeeded.length) {
    const existing = await u.existingNodeIds(trx, parentsNeeded);
    const gone = [...pending.values(), ...nodeMoves.map((x) => target[x.key]!)].find((r) => r.parent_id != null && !pending.has(r.parent_id as number) && !existing.has(r.parent_id as number));
    if (gone) throw appError('CONFLICT', 'errors.outline.undoPlaceGone', { ...action, title: String(gone.title) });
  }
  while (pending.size) {
    const ready = [...pending.values()].filter((r) => r.parent_id == null || !pending.has(r.parent_id as number));
    for (const row of ready) {
      const orderKey = await freeSlot(trx, manualId, row);
      await u.insertRow(trx, `n:${row.id}`, { ...row, order_key: orderKey });
      pending.delete(row.id as number);
    }
  }
  for (const { key, cols } of toUpdate.filter((x) => x.key.startsWith('n:'))) {
    const row = target[key]!;
    const set: Row = Object.fromEntries(cols.map((c) => [c, row[c]]));
    if ('parent_id' in set || 'order_key' in set) set.order_key = await freeSlot(trx, manualId, row);
    await u.updateRow(trx, key, set);
  }

  // then what hangs off nodes, in table order (controls before their inspections; links and references need their nodes)
  for (const prefix of Object.keys(u.TABLES).filter((p) => p !== 'n')) {
    for (const key of toInsert.filter((k) => k.startsWith(`${prefix}:`))) await u.insertRow(trx, key, target[key]!);
    for (const { key, cols } of toUpdate.filter((x) => x.key.startsWith(`${prefix}:`))) {
      await u.updateRow(trx, key, Object.fromEntries(cols.map((c) => [c, target[key]![c]])));
    }
  }
  // the rows as they are now: the other direction expects exactly these
  return u.readRows(trx, keys);
}

/** The row's own order key, or — when another node took that slot since — a key just before that node. */
async function freeSlot(trx: Executor, manualId: number, row: Row): Promise<string> {
  const parentId = row.parent_id as number | null;
  const key = row.order_key as string;
  const holder = await u.slotHolder(trx, manualId, parentId, key, row.id as number);
  if (holder == null) return key;
  const before = await q.neighbourKey(trx, manualId, parentId, 'before', key);
  return generateKeyBetween(before, key);
}

async function step(trx: Executor, trail: Trail, manualId: number, direction: Direction) {
  const userId = trail.actor.userId;
  const op = userId == null ? undefined : direction === 'undo' ? await u.nextToUndo(trx, manualId, userId) : await u.nextToRedo(trx, manualId, userId);
  if (!op) throw appError('PRECONDITION_FAILED', direction === 'undo' ? 'errors.outline.nothingToUndo' : 'errors.outline.nothingToRedo');
  const forward = op.forward as RowState;
  const inverse = op.inverse as RowState;
  const since = op.undoneAt ?? op.createdAt;
  if (direction === 'undo') {
    const applied = await applyState(trx, manualId, inverse, forward, 'undo', since);
    await u.markOperation(trx, op.id, true, { inverse: applied });
  } else {
    const applied = await applyState(trx, manualId, forward, inverse, 'redo', since);
    await u.markOperation(trx, op.id, false, { forward: applied });
  }
  await trail.record({
    entity: 'manual_node',
    entityId: op.nodeId,
    action: direction,
    after: { operationId: op.id, kind: op.kind, title: op.label, rows: Object.keys(forward).length },
  });
  const exists = (await q.getNode(trx, op.nodeId)) != null;
  return { operationId: op.id, kind: op.kind as OperationKind, nodeId: exists ? op.nodeId : null, label: op.label };
}

export function undo(trx: Executor, trail: Trail, manualId: number) {
  return step(trx, trail, manualId, 'undo');
}

export function redo(trx: Executor, trail: Trail, manualId: number) {
  return step(trx, trail, manualId, 'redo');
}

/** What undo and redo would do now, for the toolbar. */
export async function undoState(db: Executor, manualId: number, userId: number) {
  const tops = await u.stackTops(db, manualId, userId);
  const summary = (op: (typeof tops)['undo']) => (op ? { kind: op.kind as OperationKind, label: op.label, nodeId: op.nodeId } : null);
  return { undo: summary(tops.undo), redo: summary(tops.redo) };
}
