import { sql } from 'kysely';
import type { Database } from '../../server/db/connect.ts';
import { Trail } from '../../server/audit/trail.ts';
import * as svc from '../../server/manual/service.ts';
import { insertImported } from '../../server/manual/import.ts';
import type { ImportedNode } from '../../shared/outline-import.ts';
import type { Placement } from '../../shared/manual.ts';
import { medianMs, rowsWrittenPerOp, type BenchCase } from '../harness.ts';

const SMALL = 2_000;
const LARGE = 20_000;
const ITERATIONS = 40;
const actor = { userId: null, username: 'bench' };

/** A block of 2,001 nodes: a chapter with 10 sections of 199 clauses each. */
function block(i: number): ImportedNode {
  const clause = (s: number, c: number): ImportedNode => ({
    kind: 'clause',
    number: `${i}.${s}.${c}`,
    title: `条款 ${i}.${s}.${c} 付款审批与复核`,
    body: '经办人填写付款申请，部门负责人审核，财务负责人审批后，出纳办理付款。',
    depth: 2,
    children: [],
  });
  const section = (s: number): ImportedNode => ({
    kind: 'section',
    number: `${i}.${s}`,
    title: `第 ${s} 节`,
    body: '',
    depth: 1,
    children: Array.from({ length: 199 }, (_, c) => clause(s, c + 1)),
  });
  return { kind: 'chapter', number: String(i), title: `第 ${i} 章`, body: '', depth: 0, children: Array.from({ length: 10 }, (_, s) => section(s + 1)) };
}

/** A manual of about `size` nodes made of 2,001-node chapters, plus one small anchor chapter in the middle. */
async function generateManual(database: Database, code: string, size: number) {
  const { db } = database;
  const manual = await db.insertInto('manual').values({ code, title: code, numbering_style: 'decimal' }).returning('id').executeTakeFirstOrThrow();
  const blocks = Math.max(1, Math.round(size / 2001));
  await db.transaction().execute(async (trx) => {
    const half = Math.ceil(blocks / 2);
    await insertImported(trx, manual.id, Array.from({ length: half }, (_, i) => block(i + 1)));
    await insertImported(trx, manual.id, [{ kind: 'chapter', number: 'A', title: '锚点', body: '', depth: 0, children: [] }]);
    await insertImported(trx, manual.id, Array.from({ length: blocks - half }, (_, i) => block(half + i + 1)));
  });
  const chapters = await db
    .selectFrom('manual_node')
    .select(['id', 'title'])
    .where('manual_id', '=', manual.id)
    .where('parent_id', 'is', null)
    .orderBy('order_key')
    .execute();
  const anchor = chapters.find((c) => c.title === '锚点')!;
  const count = await sql<{ n: number }>`select count(*) as n from manual_node where manual_id = ${manual.id}`.execute(db);
  const big = chapters.filter((c) => c.id !== anchor.id);
  return { manualId: manual.id, anchorId: anchor.id, bigChapterId: big[big.length - 1]!.id, nodes: count.rows[0]!.n };
}

/** Whole numbers as such, otherwise one decimal (an average over a few ops). */
const fmtRows = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

const inTrx = <T>(database: Database, fn: (trx: Database['db'], trail: Trail) => Promise<T>) =>
  database.db.transaction().execute((trx) => fn(trx as unknown as Database['db'], new Trail(trx, actor)));

async function insertAndDeleteCost(database: Database, size: number) {
  const m = await generateManual(database, `INS${size}`, size);
  let leafId = 0;
  const insert = await medianMs(async () => {
    const row = await inTrx(database, (trx, trail) =>
      svc.insertNode(trx, trail, m.manualId, { relation: 'root_start' }, { kind: 'clause', title: '新条款', body: '', status: null, ownerUnitId: null, designSubjects: [], designBusinessTypes: [], designUnitIds: [] }),
    );
    leafId = row.id;
  }, ITERATIONS);
  // delete a leaf: the most recently inserted one each time (insert outside the measured part)
  const leaves: number[] = [];
  for (let i = 0; i < ITERATIONS + 4; i++) {
    const row = await inTrx(database, (trx, trail) =>
      svc.insertNode(trx, trail, m.manualId, { relation: 'inside_end', targetId: m.anchorId }, { kind: 'section', title: `叶 ${i}`, body: '', status: null, ownerUnitId: null, designSubjects: [], designBusinessTypes: [], designUnitIds: [] }),
    );
    leaves.push(row.id);
  }
  const del = await medianMs(() => inTrx(database, (trx, trail) => svc.deleteNode(trx, trail, leaves.pop()!, false)), ITERATIONS, 4);
  // counted by the database, outside the timed runs: the same insert as above (node + trail)
  const written = await rowsWrittenPerOp(database.db, () =>
    inTrx(database, (trx, trail) =>
      svc.insertNode(trx, trail, m.manualId, { relation: 'root_start' }, { kind: 'clause', title: '新条款', body: '', status: null, ownerUnitId: null, designSubjects: [], designBusinessTypes: [], designUnitIds: [] }),
    ),
  );
  return { insert, del, nodes: m.nodes, leafId, written };
}

export const outlineInsert: BenchCase = {
  name: 'outline-insert',
  async run({ database }) {
    const small = await insertAndDeleteCost(database, SMALL);
    const large = await insertAndDeleteCost(database, LARGE);
    return {
      ratio: large.insert / small.insert,
      details:
        `insert_top_median_ms ${LARGE / 1000}k=${large.insert.toFixed(2)} ${SMALL / 1000}k=${small.insert.toFixed(2)} ` +
        `delete_leaf_ratio=${(large.del / small.del).toFixed(2)} delete_leaf_median_ms ${LARGE / 1000}k=${large.del.toFixed(2)} ${SMALL / 1000}k=${small.del.toFixed(2)} ` +
        `nodes=${large.nodes}/${small.nodes} rows_written_per_op=${fmtRows(large.written)} rows_written_per_op_${SMALL / 1000}k=${fmtRows(small.written)} iterations=${ITERATIONS}`,
    };
  },
};

async function moveCost(database: Database, size: number) {
  const m = await generateManual(database, `MOV${size}`, size);
  let flip = false;
  const move = await medianMs(async () => {
    flip = !flip;
    const placement: Placement = { relation: flip ? 'before' : 'after', targetId: m.anchorId };
    await inTrx(database, (trx, trail) => svc.moveNode(trx, trail, m.bigChapterId, placement));
  }, ITERATIONS);
  // counted by the database, outside the timed runs: the same move, back and forth
  const written = await rowsWrittenPerOp(
    database.db,
    () => {
      flip = !flip;
      return inTrx(database, (trx, trail) => svc.moveNode(trx, trail, m.bigChapterId, { relation: flip ? 'before' : 'after', targetId: m.anchorId }));
    },
    4,
  );
  return { move, nodes: m.nodes, written };
}

export const outlineMove: BenchCase = {
  name: 'outline-move',
  async run({ database }) {
    const small = await moveCost(database, SMALL);
    const large = await moveCost(database, LARGE);
    return {
      ratio: large.move / small.move,
      details: `move_2001_node_subtree_median_ms ${LARGE / 1000}k=${large.move.toFixed(2)} ${SMALL / 1000}k=${small.move.toFixed(2)} nodes=${large.nodes}/${small.nodes} rows_written_per_op=${fmtRows(large.written)} rows_written_per_op_${SMALL / 1000}k=${fmtRows(small.written)} iterations=${ITERATIONS}`,
    };
  },
};

export const outlineTree: BenchCase = {
  name: 'outline-tree',
  async run({ database }) {
    const m = await generateManual(database, 'TREE', LARGE);
    const bare = () =>
      database.db
        .selectFrom('manual_node')
        .select(['id', 'parent_id', 'order_key', 'kind', 'title', 'body', 'status', 'owner_unit_id', 'design_subjects', 'design_business_types', 'design_unit_ids'])
        .where('manual_id', '=', m.manualId)
        .execute();
    const baseline = await medianMs(bare, 15, 3);
    const tree = await medianMs(() => svc.getTree(database.db, m.manualId), 15, 3);
    return {
      ratio: tree / baseline,
      details: `numbered_tree_median_ms=${tree.toFixed(1)} bare_select_median_ms=${baseline.toFixed(1)} nodes=${m.nodes} iterations=15`,
    };
  },
};
