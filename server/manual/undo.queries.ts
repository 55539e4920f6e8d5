import { sql, type Kysely } from 'kysely';
import type { Executor } from '../db/connect.ts';

/**
 * Row-level reads and writes for outline undo/redo (Kysely only). A state is a map from a row key
 * to the row (or null: the row does not exist). Keys name the table by a letter and the row by its
 * primary key, so a deleted row is put back with the same key — the same ids.
 */
export type Row = Record<string, unknown>;
export type RowState = Record<string, Row | null>;

interface TableSpec {
  table: 'manual_node' | 'control' | 'control_inspection' | 'control_link' | 'node_reference' | 'sod_mitigation';
  keyCols: readonly string[];
  /** the columns tracked (all when undefined) */
  cols?: readonly string[];
}

/** Every table whose rows hang off an outline node (migrations 0002–0004). Order = write order for inserts. */
export const TABLES: Record<string, TableSpec> = {
  n: { table: 'manual_node', keyCols: ['id'] },
  c: { table: 'control', keyCols: ['node_id'] },
  i: { table: 'control_inspection', keyCols: ['id'] },
  l: { table: 'control_link', keyCols: ['control_id', 'host_id'] },
  r: { table: 'node_reference', keyCols: ['source_node_id', 'target_node_id'] },
  // a mitigation is not the outline's: only its link to the control (set null when the node goes) is
  m: { table: 'sod_mitigation', keyCols: ['id'], cols: ['id', 'control_node_id'] },
};

/** Timestamps move on every write; they say nothing about whether the content changed. */
const UNCOMPARED = new Set(['created_at', 'updated_at']);

export function rowKey(prefix: string, row: Row): string {
  return [prefix, ...TABLES[prefix]!.keyCols.map((c) => String(row[c]))].join(':');
}

export function parseKey(key: string): { prefix: string; values: number[] } {
  const [prefix, ...rest] = key.split(':');
  return { prefix: prefix!, values: rest.map(Number) };
}

/** JSON-normal form (as the row comes back out of a jsonb column). */
function normal(row: Row): Row {
  return JSON.parse(JSON.stringify(row)) as Row;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The compared columns where two versions of a row differ. */
export function changedColumns(a: Row, b: Row): string[] {
  const cols = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...cols].filter((c) => !UNCOMPARED.has(c) && !sameValue(a[c], b[c]));
}

export function sameRow(a: Row | null | undefined, b: Row | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return changedColumns(a, b).length === 0;
}

/** Tables are picked at run time here, so the queries are untyped (the keys and columns are fixed above). */
// eslint-disable-next-line typescript/no-explicit-any -- tables picked at run time
const dynamic = (db: Executor) => db as unknown as Kysely<any>;

function select(db: Executor, prefix: string) {
  const spec = TABLES[prefix]!;
  const q = dynamic(db).selectFrom(spec.table);
  return spec.cols ? q.select(spec.cols as never) : q.selectAll();
}

function put(state: RowState, prefix: string, rows: Row[]) {
  for (const r of rows) state[rowKey(prefix, r)] = normal(r);
}

/** The node ids of a subtree (the node itself first). */
export async function subtreeIds(db: Executor, nodeId: number): Promise<number[]> {
  const r = await sql<{ id: number }>`
    with recursive sub(id) as (
      select id from manual_node where id = ${nodeId}
      union all
      select m.id from manual_node m join sub on m.parent_id = sub.id
    )
    select id from sub`.execute(db);
  return r.rows.map((x) => x.id);
}

/**
 * Every row that hangs off the given nodes: the nodes, their control attributes and inspection
 * points, links from or into them, their outgoing references, and mitigations naming them (plus
 * the mitigations in `mitigationIds`, to see one whose link was cut).
 */
export async function captureNodes(db: Executor, nodeIds: number[], mitigationIds: number[] = []): Promise<RowState> {
  const state: RowState = {};
  if (nodeIds.length) {
    // eslint-disable-next-line typescript/no-explicit-any -- the dynamic table's expression builder
    const any = (eb: any, col: string) => eb(col, 'in', nodeIds);
    put(state, 'n', (await select(db, 'n').where('id', 'in', nodeIds).execute()) as Row[]);
    put(state, 'c', (await select(db, 'c').where('node_id', 'in', nodeIds).execute()) as Row[]);
    put(state, 'i', (await select(db, 'i').where('control_id', 'in', nodeIds).execute()) as Row[]);
    put(state, 'l', (await select(db, 'l').where((eb) => eb.or([any(eb, 'control_id'), any(eb, 'host_id')])).execute()) as Row[]);
    put(state, 'r', (await select(db, 'r').where('source_node_id', 'in', nodeIds).execute()) as Row[]);
  }
  const m = select(db, 'm');
  const mitigations = nodeIds.length || mitigationIds.length
    ? await m
        // eslint-disable-next-line typescript/no-explicit-any -- the dynamic table's expression builder
        .where((eb: any) => eb.or([...(nodeIds.length ? [eb('control_node_id', 'in', nodeIds)] : []), ...(mitigationIds.length ? [eb('id', 'in', mitigationIds)] : [])]))
        .execute()
    : [];
  put(state, 'm', mitigations as Row[]);
  return state;
}

/** The rows as they are now for the given keys (null where a row does not exist). */
export async function readRows(db: Executor, keys: string[]): Promise<RowState> {
  const state: RowState = Object.fromEntries(keys.map((k) => [k, null]));
  const byPrefix = new Map<string, number[][]>();
  for (const k of keys) {
    const { prefix, values } = parseKey(k);
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), values]);
  }
  for (const [prefix, list] of byPrefix) {
    const first = TABLES[prefix]!.keyCols[0]!;
    const ids = [...new Set(list.map((v) => v[0]!))];
    const rows = (await select(db, prefix).where(first, 'in', ids).execute()) as Row[];
    for (const r of rows) {
      const key = rowKey(prefix, r);
      if (key in state) state[key] = normal(r);
    }
  }
  return state;
}

export async function deleteRow(db: Executor, key: string) {
  const { prefix, values } = parseKey(key);
  const spec = TABLES[prefix]!;
  let q = dynamic(db).deleteFrom(spec.table);
  spec.keyCols.forEach((c, i) => (q = q.where(c, '=', values[i]!)));
  await q.execute();
}

export async function insertRow(db: Executor, key: string, row: Row) {
  const { prefix } = parseKey(key);
  const { updated_at: _u, ...values } = row;
  await dynamic(db).insertInto(TABLES[prefix]!.table).values(values).execute();
}

export async function updateRow(db: Executor, key: string, set: Row) {
  const { prefix, values } = parseKey(key);
  const spec = TABLES[prefix]!;
  const stamped = prefix === 'n' || prefix === 'c' ? { ...set, updated_at: sql<string>`now()` } : set;
  let q = dynamic(db).updateTable(spec.table).set(stamped);
  spec.keyCols.forEach((c, i) => (q = q.where(c, '=', values[i]!)));
  await q.execute();
}

/** Another node already holding this sibling slot (the unique (manual, parent, order key) index). */
export async function slotHolder(db: Executor, manualId: number, parentId: number | null, orderKey: string, selfId: number) {
  const row = await db
    .selectFrom('manual_node')
    .select('id')
    .where('manual_id', '=', manualId)
    .where(sql<number>`coalesce(parent_id, 0)`, '=', parentId ?? 0)
    .where('order_key', '=', orderKey)
    .where('id', '<>', selfId)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Children of the given nodes that are not themselves among them. */
export function outsideChildren(db: Executor, nodeIds: number[]) {
  return db
    .selectFrom('manual_node')
    .select(['id', 'parent_id as parentId', 'title'])
    .where('parent_id', 'in', nodeIds)
    .where('id', 'not in', nodeIds)
    .execute();
}

export function existingNodeIds(db: Executor, ids: number[]) {
  return db.selectFrom('manual_node').select(['id']).where('id', 'in', ids).execute().then((r) => new Set(r.map((x) => x.id)));
}

/** Who last wrote a node (or its control), from the trail, for a conflict message. */
export async function lastWriter(db: Executor, nodeId: number, since: string) {
  const row = await db
    .selectFrom('audit_trail')
    .select('actor_username')
    .where('entity', 'in', ['manual_node', 'control'])
    .where('entity_id', '=', String(nodeId))
    .where('at', '>=', since)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.actor_username ?? null;
}

// ── the operation stack ─────────────────────────────────────────
/** How many operations per user and manual are kept to undo. */
export const STACK_DEPTH = 200;

export async function pushOperation(
  db: Executor,
  op: { manualId: number; userId: number; kind: string; nodeId: number; label: string; forward: RowState; inverse: RowState },
) {
  // a new operation ends the redo branch
  await db.deleteFrom('outline_operation').where('manual_id', '=', op.manualId).where('user_id', '=', op.userId).where('undone_at', 'is not', null).execute();
  const row = await db
    .insertInto('outline_operation')
    .values({
      manual_id: op.manualId,
      user_id: op.userId,
      kind: op.kind as 'insert',
      node_id: op.nodeId,
      label: op.label.slice(0, 500),
      forward: JSON.stringify(op.forward),
      inverse: JSON.stringify(op.inverse),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .deleteFrom('outline_operation')
    .where('manual_id', '=', op.manualId)
    .where('user_id', '=', op.userId)
    .where('id', '<=', row.id - STACK_DEPTH)
    .execute();
  return row.id;
}

const opColumns = ['id', 'kind', 'node_id as nodeId', 'label', 'forward', 'inverse', 'created_at as createdAt', 'undone_at as undoneAt'] as const;

/** The operation undo would take back: the user's latest one not undone. Locked. */
export function nextToUndo(db: Executor, manualId: number, userId: number) {
  return db
    .selectFrom('outline_operation')
    .select(opColumns)
    .where('manual_id', '=', manualId)
    .where('user_id', '=', userId)
    .where('undone_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

/** The operation redo would do again: the earliest undone one (undone ones are always the newest). Locked. */
export function nextToRedo(db: Executor, manualId: number, userId: number) {
  return db
    .selectFrom('outline_operation')
    .select(opColumns)
    .where('manual_id', '=', manualId)
    .where('user_id', '=', userId)
    .where('undone_at', 'is not', null)
    .orderBy('id', 'asc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

/** The next operation to undo and to redo, without their rows (for the toolbar). */
export async function stackTops(db: Executor, manualId: number, userId: number) {
  const base = () =>
    db.selectFrom('outline_operation').select(['id', 'kind', 'node_id as nodeId', 'label']).where('manual_id', '=', manualId).where('user_id', '=', userId);
  return {
    undo: await base().where('undone_at', 'is', null).orderBy('id', 'desc').limit(1).executeTakeFirst(),
    redo: await base().where('undone_at', 'is not', null).orderBy('id', 'asc').limit(1).executeTakeFirst(),
  };
}

export async function markOperation(db: Executor, id: number, undone: boolean, applied: { forward?: RowState; inverse?: RowState }) {
  await db
    .updateTable('outline_operation')
    .set({
      undone_at: undone ? sql<string>`now()` : null,
      ...(applied.forward ? { forward: JSON.stringify(applied.forward) } : {}),
      ...(applied.inverse ? { inverse: JSON.stringify(applied.inverse) } : {}),
    } as never)
    .where('id', '=', id)
    .execute();
}

export async function deleteNodes(db: Executor, ids: number[]): Promise<void> {
  await db.deleteFrom('manual_node').where('id', 'in', ids).execute();
}
