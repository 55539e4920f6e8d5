import { sql } from 'kysely';
import { generateKeyBetween } from 'fractional-indexing';
import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import { appError, notFound } from '../errors.ts';
import { numberOutline } from '../../shared/numbering.ts';
import { kindAllowedUnder, type NodeKind, type NumberedNode } from '../../shared/outline.ts';
import { diffOutlines } from '../../shared/outline-diff.ts';
import { placeholderExcerpts, referencedNodeIds, regulationNames, renderBody } from '../../shared/references.ts';
import type { ManualInput, NodeFields, Placement } from '../../shared/manual.ts';
import * as q from './queries.ts';
import * as controls from '../controls/service.ts';
import * as controlQ from '../controls/queries.ts';
import type { SnapshotControl } from '../../shared/controls.ts';
import { storeDigestOfSnapshot } from '../audits/scoring-digest.ts';
import type { SnapshotNode as VersionSnapshotNode } from '../audits/version-model.ts';

/**
 * Outline editing. Every operation runs in the caller's transaction (writeProcedure), writes
 * O(1) node rows (fractional order keys: no sibling is rewritten) and one trail row.
 */

type NodeRow = NonNullable<Awaited<ReturnType<typeof q.getNode>>>;

/** The columns a manual input sets; properties not given are left out (unchanged / column default). */
function manualValues(input: ManualInput) {
  return {
    code: input.code,
    title: input.title,
    numbering_style: input.numberingStyle,
    ...(input.documentNumber !== undefined && { document_number: input.documentNumber }),
    ...(input.versionLabel !== undefined && { version_label: input.versionLabel }),
    ...(input.effectiveDate !== undefined && { effective_date: input.effectiveDate }),
    ...(input.publisher !== undefined && { publisher: input.publisher }),
    ...(input.numberingScript !== undefined && { numbering_script: input.numberingScript }),
  };
}

export async function createManual(trx: Executor, trail: Trail, input: ManualInput) {
  const row = await trx.insertInto('manual').values(manualValues(input)).returning(q.manualColumns).executeTakeFirstOrThrow();
  await trail.record({ entity: 'manual', entityId: row.id, action: 'create', after: row });
  return row;
}

export async function updateManual(trx: Executor, trail: Trail, id: number, input: ManualInput) {
  const before = await q.getManual(trx, id);
  if (!before) throw notFound('manual', id);
  const after = await trx
    .updateTable('manual')
    .set({ ...manualValues(input), updated_at: sql<string>`now()` })
    .where('id', '=', id)
    .returning(q.manualColumns)
    .executeTakeFirstOrThrow();
  await trail.record({ entity: 'manual', entityId: id, action: 'update', before, after });
  return after;
}

async function requireManual(db: Executor, id: number) {
  const manual = await q.getManual(db, id);
  if (!manual) throw notFound('manual', id);
  return manual;
}

async function requireNode(db: Executor, id: number): Promise<NodeRow> {
  const node = await q.getNode(db, id);
  if (!node) throw notFound('manual_node', id);
  return node;
}

/** The numbered tree, bodies rendered with current numbers. */
export async function getTree(db: Executor, manualId: number) {
  const manual = await requireManual(db, manualId);
  const nodes = numberOutline(await q.listNodes(db, manualId), manual.numberingStyle, manual.numberingScript);
  const numberById = new Map(nodes.map((n) => [n.id, n.number]));
  return {
    manual,
    /** shared controls: further hosts each control is linked into (shown there with a "shared" mark) */
    links: await controlQ.linksOfManual(db, manualId),
    nodes: nodes.map((n) => ({ ...n, renderedBody: n.body.includes('[[node:') ? renderBody(n.body, (id) => numberById.get(id)) : n.body })),
  };
}

// ── placement ───────────────────────────────────────────────────
interface Slot {
  parentId: number | null;
  parentKind: NodeKind | null;
  orderKey: string;
}

async function resolvePlacement(db: Executor, manualId: number, placement: Placement): Promise<Slot> {
  const { relation } = placement;
  if (relation === 'root_start' || relation === 'root_end') {
    const edge = await q.neighbourKey(db, manualId, null, relation === 'root_start' ? 'after' : 'before', null);
    const orderKey = relation === 'root_start' ? generateKeyBetween(null, edge) : generateKeyBetween(edge, null);
    return { parentId: null, parentKind: null, orderKey };
  }
  const target = await requireNode(db, placement.targetId!);
  if (target.manualId !== manualId) throw appError('BAD_REQUEST', 'errors.outline.otherManual');
  if (relation === 'inside_start' || relation === 'inside_end') {
    const edge = await q.neighbourKey(db, manualId, target.id, relation === 'inside_start' ? 'after' : 'before', null);
    const orderKey = relation === 'inside_start' ? generateKeyBetween(null, edge) : generateKeyBetween(edge, null);
    return { parentId: target.id, parentKind: target.kind, orderKey };
  }
  const parentKind = target.parentId == null ? null : (await requireNode(db, target.parentId)).kind;
  const neighbour = await q.neighbourKey(db, manualId, target.parentId, relation, target.orderKey);
  const orderKey = relation === 'before' ? generateKeyBetween(neighbour, target.orderKey) : generateKeyBetween(target.orderKey, neighbour);
  return { parentId: target.parentId, parentKind, orderKey };
}

function assertKindAllowed(kind: NodeKind, parentKind: NodeKind | null) {
  if (!kindAllowedUnder(kind, parentKind)) {
    throw appError('BAD_REQUEST', 'errors.outline.kindNotAllowed', {
      kindKey: `nodeKinds.${kind}`,
      parentKey: parentKind ? `nodeKinds.${parentKind}` : 'nodeKinds.root',
    });
  }
}

// ── references ──────────────────────────────────────────────────
/** Rebuild the reference index of one node from its body; references must point into the same manual. */
async function indexReferences(db: Executor, manualId: number, nodeId: number, body: string) {
  const targets = referencedNodeIds(body);
  if (targets.length) {
    const found = await db.selectFrom('manual_node').select('id').where('manual_id', '=', manualId).where('id', 'in', targets).execute();
    const missing = targets.filter((t) => !found.some((f) => f.id === t));
    if (missing.length) throw appError('BAD_REQUEST', 'errors.outline.unknownReference', { ids: missing.join(', ') });
  }
  await db.deleteFrom('node_reference').where('source_node_id', '=', nodeId).execute();
  if (targets.length) {
    await db.insertInto('node_reference').values(targets.map((t) => ({ source_node_id: nodeId, target_node_id: t }))).execute();
  }
}

function nodeValues(fields: NodeFields) {
  return {
    kind: fields.kind,
    title: fields.title,
    body: fields.body,
    status: fields.kind === 'process' ? (fields.status ?? 'draft') : null,
    owner_unit_id: fields.ownerUnitId,
    design_subjects: fields.designSubjects,
    design_business_types: fields.designBusinessTypes,
    design_unit_ids: fields.designUnitIds,
  };
}

// ── operations ──────────────────────────────────────────────────
export async function insertNode(trx: Executor, trail: Trail, manualId: number, placement: Placement, fields: NodeFields) {
  await requireManual(trx, manualId);
  const slot = await resolvePlacement(trx, manualId, placement);
  assertKindAllowed(fields.kind, slot.parentKind);
  const row = await trx
    .insertInto('manual_node')
    .values({ manual_id: manualId, parent_id: slot.parentId, order_key: slot.orderKey, ...nodeValues(fields) })
    .returning(q.nodeColumns)
    .executeTakeFirstOrThrow();
  await indexReferences(trx, manualId, row.id, fields.body);
  await trail.record({ entity: 'manual_node', entityId: row.id, action: 'create', after: { ...row, body: undefined } });
  return row;
}

export async function moveNode(trx: Executor, trail: Trail, nodeId: number, placement: Placement) {
  const node = await requireNode(trx, nodeId);
  if (placement.targetId === nodeId && !placement.relation.startsWith('inside')) {
    throw appError('BAD_REQUEST', 'errors.outline.samePlace');
  }
  if (placement.targetId != null && (await q.isSelfOrDescendant(trx, nodeId, placement.targetId))) {
    throw appError('BAD_REQUEST', 'errors.outline.cycle'); // the node would end up inside its own subtree
  }
  const slot = await resolvePlacement(trx, node.manualId, placement);
  assertKindAllowed(node.kind, slot.parentKind);
  await trx
    .updateTable('manual_node')
    .set({ parent_id: slot.parentId, order_key: slot.orderKey, updated_at: sql<string>`now()` })
    .where('id', '=', nodeId)
    .execute();
  if (node.kind === 'control') await controls.dropLinkToParent(trx, nodeId, slot.parentId);
  await trail.record({
    entity: 'manual_node',
    entityId: nodeId,
    action: 'move',
    before: { parentId: node.parentId, orderKey: node.orderKey },
    after: { parentId: slot.parentId, orderKey: slot.orderKey },
  });
  return { id: nodeId, parentId: slot.parentId, orderKey: slot.orderKey };
}

/** Indent: become the last child of the previous sibling. */
export async function indentNode(trx: Executor, trail: Trail, nodeId: number) {
  const node = await requireNode(trx, nodeId);
  const prevKey = await q.neighbourKey(trx, node.manualId, node.parentId, 'before', node.orderKey);
  if (prevKey == null) throw appError('BAD_REQUEST', 'errors.outline.cannotIndent');
  const prev = await trx
    .selectFrom('manual_node')
    .select('id')
    .where('manual_id', '=', node.manualId)
    .where(sql<number>`coalesce(parent_id, 0)`, '=', node.parentId ?? 0)
    .where('order_key', '=', prevKey)
    .executeTakeFirstOrThrow();
  return moveNode(trx, trail, nodeId, { relation: 'inside_end', targetId: prev.id });
}

/** Outdent: become the next sibling of the parent. */
export async function outdentNode(trx: Executor, trail: Trail, nodeId: number) {
  const node = await requireNode(trx, nodeId);
  if (node.parentId == null) throw appError('BAD_REQUEST', 'errors.outline.cannotOutdent');
  return moveNode(trx, trail, nodeId, { relation: 'after', targetId: node.parentId });
}

export async function updateNode(trx: Executor, trail: Trail, nodeId: number, patch: Partial<NodeFields>) {
  const before = await requireNode(trx, nodeId);
  const merged: NodeFields = {
    kind: patch.kind ?? before.kind,
    title: patch.title ?? before.title,
    body: patch.body ?? before.body,
    status: patch.status !== undefined ? patch.status : before.status,
    ownerUnitId: patch.ownerUnitId !== undefined ? patch.ownerUnitId : before.ownerUnitId,
    designSubjects: patch.designSubjects ?? before.designSubjects,
    designBusinessTypes: patch.designBusinessTypes ?? before.designBusinessTypes,
    designUnitIds: patch.designUnitIds ?? before.designUnitIds,
  };
  if (patch.kind && patch.kind !== before.kind) {
    const parentKind = before.parentId == null ? null : (await requireNode(trx, before.parentId)).kind;
    assertKindAllowed(patch.kind, parentKind);
    const childKinds = await trx.selectFrom('manual_node').select('kind').distinct().where('parent_id', '=', nodeId).execute();
    for (const c of childKinds) assertKindAllowed(c.kind, patch.kind);
    if (before.kind === 'control') await controls.dropControlData(trx, nodeId);
  }
  const after = await trx
    .updateTable('manual_node')
    .set({ ...nodeValues(merged), updated_at: sql<string>`now()` })
    .where('id', '=', nodeId)
    .returning(q.nodeColumns)
    .executeTakeFirstOrThrow();
  if (patch.body !== undefined) await indexReferences(trx, before.manualId, nodeId, merged.body);
  await trail.record({ entity: 'manual_node', entityId: nodeId, action: 'update', before, after });
  return after;
}

/** Who references the node (or anything below it) from outside, with current numbers. */
export async function referrersOf(db: Executor, nodeId: number) {
  const node = await requireNode(db, nodeId);
  const refs = await q.externalReferrers(db, nodeId);
  if (!refs.length) return [];
  const { nodes } = await getTree(db, node.manualId);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return refs.map((r) => ({
    sourceId: r.sourceId,
    sourceNumber: byId.get(r.sourceId)?.number ?? '?',
    sourceTitle: byId.get(r.sourceId)?.title ?? '',
    targetId: r.targetId,
  }));
}

export async function deleteNode(trx: Executor, trail: Trail, nodeId: number, confirm: boolean) {
  const node = await requireNode(trx, nodeId);
  const children = await q.countChildren(trx, nodeId);
  const referrers = await referrersOf(trx, nodeId);
  if (!confirm && (children > 0 || referrers.length > 0)) {
    throw appError('PRECONDITION_FAILED', referrers.length ? 'errors.outline.deleteReferenced' : 'errors.outline.deleteHasChildren', {
      title: node.title,
      children,
      referrers: referrers.map((r) => `${r.sourceNumber} ${r.sourceTitle}`).join('、'),
    });
  }
  // shared controls homed in the subtree but linked elsewhere survive in their other places
  const rehomedShared = node.kind === 'control' ? 0 : await controls.rehomeSharedControls(trx, nodeId);
  await trx.deleteFrom('manual_node').where('id', '=', nodeId).execute(); // subtree cascades
  await trail.record({ entity: 'manual_node', entityId: nodeId, action: 'delete', before: { ...node, children }, after: rehomedShared ? { rehomedShared } : undefined });
  return { id: nodeId, deletedChildren: children, danglingReferences: referrers.length, rehomedShared };
}

// ── report ──────────────────────────────────────────────────────
export async function referenceReport(db: Executor, manualId: number) {
  const { nodes } = await getTree(db, manualId);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const refs = await db
    .selectFrom('node_reference as r')
    .innerJoin('manual_node as n', 'n.id', 'r.source_node_id')
    .select(['r.source_node_id', 'r.target_node_id'])
    .where('n.manual_id', '=', manualId)
    .execute();
  const dangling = refs
    .filter((r) => !byId.has(r.target_node_id))
    .map((r) => ({ sourceId: r.source_node_id, sourceNumber: byId.get(r.source_node_id)!.number, sourceTitle: byId.get(r.source_node_id)!.title, targetId: r.target_node_id }));
  const placeholders = nodes.flatMap((n) => placeholderExcerpts(n.body).map((excerpt) => ({ nodeId: n.id, number: n.number, title: n.title, excerpt })));
  const regulations = new Map<string, { nodeId: number; number: string }[]>();
  for (const n of nodes) for (const name of regulationNames(n.body)) {
    const list = regulations.get(name) ?? [];
    list.push({ nodeId: n.id, number: n.number });
    regulations.set(name, list);
  }
  return {
    dangling,
    placeholders,
    regulations: [...regulations.entries()].map(([name, citedBy]) => ({ name, citedBy })).sort((a, b) => a.name.localeCompare(b.name, 'zh')),
  };
}

// ── versions ────────────────────────────────────────────────────
type SnapshotNode = NumberedNode & { status: string | null; control?: SnapshotControl };

export async function publish(trx: Executor, trail: Trail, manualId: number, note: string) {
  // lock the manual row: two publishers get consecutive version numbers
  const manual = await trx.selectFrom('manual').select(['id', 'numbering_style']).where('id', '=', manualId).forUpdate().executeTakeFirst();
  if (!manual) throw notFound('manual', manualId);
  const { nodes } = await getTree(trx, manualId);
  if (!nodes.length) throw appError('BAD_REQUEST', 'errors.outline.publishEmpty');
  const controlData = await controls.snapshotControls(trx, manualId);
  const snapshot: SnapshotNode[] = nodes.map((n) => ({
    id: n.id,
    parentId: n.parentId,
    orderKey: n.orderKey,
    kind: n.kind,
    title: n.title,
    body: n.renderedBody,
    number: n.number,
    depth: n.depth,
    status: n.status,
    ...(n.kind === 'control' ? { control: controlData.get(n.id) } : {}),
  }));
  const last = await trx.selectFrom('manual_version').select(sql<number>`coalesce(max(version_no), 0)`.as('n')).where('manual_id', '=', manualId).executeTakeFirstOrThrow();
  const row = await trx
    .insertInto('manual_version')
    .values({
      manual_id: manualId,
      version_no: last.n + 1,
      note,
      published_by: trail.actor.username,
      numbering_style: manual.numbering_style,
      node_count: snapshot.length,
      snapshot: JSON.stringify(snapshot),
    })
    .returning(['id', 'version_no as versionNo', 'published_at as publishedAt', 'node_count as nodeCount'])
    .executeTakeFirstOrThrow();
  // the roll-up's digest now, so the first auditor of this version does not wait for it
  await storeDigestOfSnapshot(trx, row.id, snapshot as unknown as VersionSnapshotNode[]);
  await trail.record({ entity: 'manual_version', entityId: row.id, action: 'publish', after: { manualId, ...row, note } });
  return row;
}

export async function versionNodes(db: Executor, manualId: number, ref: number | 'draft'): Promise<SnapshotNode[]> {
  if (ref === 'draft') {
    const { nodes } = await getTree(db, manualId);
    // control attributes as publishing would freeze them, so a diff against the draft shows their changes
    const controlData = await controls.snapshotControls(db, manualId);
    return nodes.map((n) => ({ ...n, body: n.renderedBody, ...(n.kind === 'control' ? { control: controlData.get(n.id) } : {}) }));
  }
  const version = await q.getVersion(db, manualId, ref);
  if (!version) throw appError('NOT_FOUND', 'errors.outline.noVersion', { version: ref });
  return version.snapshot as SnapshotNode[];
}

export async function diffVersions(db: Executor, manualId: number, from: number | 'draft', to: number | 'draft') {
  await requireManual(db, manualId);
  return diffOutlines(await versionNodes(db, manualId, from), await versionNodes(db, manualId, to));
}

/** Processes with their design bases and status, in document order (for the classification views). */
export async function listProcesses(db: Executor, manualId: number) {
  const { nodes } = await getTree(db, manualId);
  return nodes
    .filter((n) => n.kind === 'process')
    .map((n) => ({
      id: n.id,
      number: n.number,
      title: n.title,
      status: n.status,
      ownerUnitId: n.ownerUnitId,
      designSubjects: n.designSubjects,
      designBusinessTypes: n.designBusinessTypes,
      designUnitIds: n.designUnitIds,
    }));
}
