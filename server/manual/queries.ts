import { sql } from 'kysely';
import type { Executor } from '../db/connect.ts';

/** Outline reads (Kysely only). Sibling lookups match the (manual_id, coalesce(parent_id, 0), order_key) index. */

export const nodeColumns = [
  'id',
  'manual_id as manualId',
  'parent_id as parentId',
  'order_key as orderKey',
  'kind',
  'title',
  'body',
  'status',
  'owner_unit_id as ownerUnitId',
  'design_subjects as designSubjects',
  'design_business_types as designBusinessTypes',
  'design_unit_ids as designUnitIds',
] as const;

/** A manual's own columns as the API names them: identity, numbering and cover properties. */
export const manualColumns = [
  'id',
  'code',
  'title',
  'numbering_style as numberingStyle',
  'numbering_script as numberingScript',
  'document_number as documentNumber',
  'version_label as versionLabel',
  'effective_date as effectiveDate',
  'publisher',
  'updated_at as updatedAt',
] as const;

export function listManuals(db: Executor) {
  return db
    .selectFrom('manual as m')
    .select((eb) => [
      'm.id',
      'm.code',
      'm.title',
      'm.numbering_style as numberingStyle',
      'm.numbering_script as numberingScript',
      'm.document_number as documentNumber',
      'm.version_label as versionLabel',
      'm.effective_date as effectiveDate',
      'm.publisher',
      'm.updated_at as updatedAt',
      eb.selectFrom('manual_node as n').whereRef('n.manual_id', '=', 'm.id').select(eb.fn.countAll<number>().as('c')).as('nodeCount'),
      eb
        .selectFrom('manual_version as v')
        .whereRef('v.manual_id', '=', 'm.id')
        .select((s) => s.fn.max<number | null>('v.version_no').as('v'))
        .as('latestVersion'),
    ])
    .orderBy('m.code')
    .execute();
}

export function manualByCode(db: Executor, code: string) {
  return db.selectFrom('manual').select('id').where('code', '=', code).executeTakeFirst();
}

export function getManual(db: Executor, id: number) {
  return db
    .selectFrom('manual')
    .select(manualColumns)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function listNodes(db: Executor, manualId: number) {
  return db.selectFrom('manual_node').select(nodeColumns).where('manual_id', '=', manualId).execute();
}

export function getNode(db: Executor, id: number) {
  return db.selectFrom('manual_node').select(nodeColumns).where('id', '=', id).executeTakeFirst();
}

/** Order key of the nearest sibling before (`<`) or after (`>`) `key`, or the first/last if key is null. */
export async function neighbourKey(
  db: Executor,
  manualId: number,
  parentId: number | null,
  direction: 'before' | 'after',
  key: string | null,
): Promise<string | null> {
  let q = db
    .selectFrom('manual_node')
    .select('order_key')
    .where('manual_id', '=', manualId)
    .where(sql<number>`coalesce(parent_id, 0)`, '=', parentId ?? 0)
    .orderBy('order_key', direction === 'before' ? 'desc' : 'asc')
    .limit(1);
  if (key != null) q = q.where('order_key', direction === 'before' ? '<' : '>', key);
  const row = await q.executeTakeFirst();
  return row?.order_key ?? null;
}

/** Is `candidateId` the node `nodeId` itself or inside its subtree? Walks up from the candidate: O(depth). */
export async function isSelfOrDescendant(db: Executor, nodeId: number, candidateId: number): Promise<boolean> {
  const row = await sql<{ found: number }>`
    with recursive up(id, parent_id) as (
      select id, parent_id from manual_node where id = ${candidateId}
      union all
      select m.id, m.parent_id from manual_node m join up on m.id = up.parent_id
    )
    select 1 as found from up where id = ${nodeId} limit 1`.execute(db);
  return row.rows.length > 0;
}

export function countChildren(db: Executor, nodeId: number) {
  return db
    .selectFrom('manual_node')
    .select(sql<number>`count(*)`.as('n'))
    .where('parent_id', '=', nodeId)
    .executeTakeFirstOrThrow()
    .then((r) => r.n);
}

/** Nodes outside the subtree of `nodeId` whose bodies reference a node inside it. */
export async function externalReferrers(db: Executor, nodeId: number) {
  const result = await sql<{ sourceId: number; targetId: number }>`
    with recursive sub(id) as (
      select id from manual_node where id = ${nodeId}
      union all
      select m.id from manual_node m join sub on m.parent_id = sub.id
    )
    select r.source_node_id as "sourceId", r.target_node_id as "targetId"
    from node_reference r
    where r.target_node_id in (select id from sub) and r.source_node_id not in (select id from sub)
    order by r.source_node_id`.execute(db);
  return result.rows;
}

export function listVersions(db: Executor, manualId: number) {
  return db
    .selectFrom('manual_version')
    .select(['id', 'version_no as versionNo', 'note', 'published_at as publishedAt', 'published_by as publishedBy', 'node_count as nodeCount'])
    .where('manual_id', '=', manualId)
    .orderBy('version_no', 'desc')
    .execute();
}

export function getVersion(db: Executor, manualId: number, versionNo: number) {
  return db
    .selectFrom('manual_version')
    .select(['id', 'version_no as versionNo', 'note', 'published_at as publishedAt', 'published_by as publishedBy', 'numbering_style as numberingStyle', 'snapshot'])
    .where('manual_id', '=', manualId)
    .where('version_no', '=', versionNo)
    .executeTakeFirst();
}
