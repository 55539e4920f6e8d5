import { sql } from 'kysely';
import { generateKeyBetween } from 'fractional-indexing';
import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import { appError, notFound } from '../errors.ts';
import { numberOutline } from '../../shared/numbering.ts';
import { controlPlacements } from '../../shared/control-placement.ts';
import { lintManual, toLintControl, type LintItem } from '../../shared/control-lint.ts';
import { similarPairs } from '../../shared/similarity.ts';
import { nodeRefToken, referencedNodeIds } from '../../shared/references.ts';
import {
  DEFAULT_CONTROL,
  EVIDENCE_TYPES,
  effectiveWeight,
  type ControlAttributes,
  type SnapshotControl,
} from '../../shared/controls.ts';
import * as q from './queries.ts';
import * as manualQ from '../manual/queries.ts';
import { controlOwnerConflicts } from '../sod/check.ts';
import { attributesOfColumns, controlColumns } from './columns.ts';

/**
 * Control points: attributes, shared links, merge, the control matrix, design lint and the
 * overlap report. Writes run in the caller's transaction and record one trail row each.
 */

async function requireManualSettings(db: Executor, manualId: number) {
  const m = await q.manualSettings(db, manualId);
  if (!m) throw notFound('manual', manualId);
  return m;
}

async function requireControlNode(db: Executor, controlId: number) {
  const node = await manualQ.getNode(db, controlId);
  if (!node) throw notFound('manual_node', controlId);
  if (node.kind !== 'control') throw appError('BAD_REQUEST', 'errors.controls.notControl', { title: node.title });
  return node;
}

// ── the matrix ──────────────────────────────────────────────────
export type MatrixControl = Awaited<ReturnType<typeof loadMatrix>>['controls'][number];

/** Everything the control matrix, lint and overlap report need, from one pass over the manual. */
export async function loadMatrix(db: Executor, manualId: number, options: { ownerConflicts?: boolean } = {}) {
  const manual = await requireManualSettings(db, manualId);
  const rows = await q.outlineWithControls(db, manualId);
  const links = await q.linksOfManual(db, manualId);
  const evidenceTypes = await q.customEvidenceTypes(db, manualId);
  const numbered = numberOutline(rows, manual.numberingStyle, manual.numberingScript);
  const placements = controlPlacements(numbered, links);
  const weights = { keyWeight: manual.keyWeight, generalWeight: manual.generalWeight };

  const processes = numbered
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
  const steps = numbered.filter((n) => n.kind === 'step').map((n) => ({ id: n.id, number: n.number, title: n.title }));
  const controls = numbered
    .filter((n) => n.kind === 'control')
    .map((n) => {
      const p = placements.get(n.id)!;
      return {
        id: n.id,
        number: n.number,
        title: n.title,
        parentId: n.parentId,
        processIds: p.processIds,
        stepIds: p.stepIds,
        hostIds: p.hostIds,
        shared: p.hostIds.length > 1,
        objective: n.objective,
        risk: n.risk,
        isKey: n.isKey,
        weightOverride: n.weight,
        weight: effectiveWeight(n, weights),
        nature: n.nature,
        automation: n.automation,
        frequency: n.frequency,
        ownerPositionId: n.ownerPositionId,
        ownerPositionName: n.ownerPositionName,
        ownerUnitId: n.ownerPositionUnitId,
        ownerUnitName: n.ownerPositionUnitName,
        evidenceTypes: n.evidenceTypes,
        inspectionCount: n.inspectionCount,
        scoringMethod: n.scoringMethod,
        tolerance: n.tolerance,
        element: n.element,
        checkedDuty: n.checkedDuty,
      };
    });
  // Owner/duty conflicts need the SoD check, so they come from here; the rest of the lint is a
  // pure function of the rows above, which the client runs itself (live, while weights are typed)
  // — sending it would multiply the matrix's size for 20,000 controls.
  // An accepted (mitigated) conflict is not a design flaw any more.
  const ownerConflicts =
    options.ownerConflicts === false
      ? []
      : (await controlOwnerConflicts(db, manualId)).filter((c) => !c.mitigated).map((c) => ({ controlId: c.controlId, duty: c.duty }));
  return { manual, processes, steps, controls, links, ownerConflicts, evidenceTypes };
}

/** The design lint of a loaded matrix (the same function the client runs live). */
export function lintOfMatrix(m: Awaited<ReturnType<typeof loadMatrix>>): LintItem[] {
  return lintManual({
    weights: { keyWeight: m.manual.keyWeight, generalWeight: m.manual.generalWeight },
    processes: m.processes,
    controls: m.controls.map(toLintControl),
    ownerConflicts: m.ownerConflicts,
  });
}

export async function lint(db: Executor, manualId: number) {
  return lintOfMatrix(await loadMatrix(db, manualId));
}

// ── one control ─────────────────────────────────────────────────
function attributesOf(row: Awaited<ReturnType<typeof q.controlRow>>): Omit<ControlAttributes, 'inspections'> {
  if (!row) return { ...DEFAULT_CONTROL };
  return attributesOfColumns(row);
}

/** A control with its attributes, inspection points and every place it is linked into. */
export async function getControl(db: Executor, controlId: number) {
  const node = await requireControlNode(db, controlId);
  const attrs = attributesOf(await q.controlRow(db, controlId));
  const inspections = await q.inspectionsOf(db, controlId);
  const links = await q.linksOfControl(db, controlId);
  const hostIds = [node.parentId!, ...links.map((l) => l.hostId)];
  const hosts = await db.selectFrom('manual_node').select(['id', 'kind', 'title']).where('id', 'in', hostIds).execute();
  const manual = await requireManualSettings(db, node.manualId);
  return {
    id: node.id,
    manualId: node.manualId,
    title: node.title,
    ...attrs,
    effectiveWeight: effectiveWeight(attrs, manual),
    inspections: inspections.map(({ method, procedure }) => ({ method, procedure })),
    hosts: hostIds.map((id, i) => ({ ...hosts.find((h) => h.id === id)!, home: i === 0 })),
  };
}

async function validateAttributes(db: Executor, manualId: number, a: Omit<ControlAttributes, 'inspections'>) {
  const custom = new Set((await q.customEvidenceTypes(db, manualId)).map((t) => t.code));
  const unknown = a.evidenceTypes.filter((t) => !(EVIDENCE_TYPES as readonly string[]).includes(t) && !custom.has(t));
  if (unknown.length) throw appError('BAD_REQUEST', 'errors.controls.unknownEvidence', { codes: unknown.join(', ') });
  if (new Set(a.evidenceTypes).size !== a.evidenceTypes.length) throw appError('BAD_REQUEST', 'errors.controls.duplicateEvidence');
  if (a.ownerPositionId != null) {
    const pos = await db.selectFrom('position').select('id').where('id', '=', a.ownerPositionId).executeTakeFirst();
    if (!pos) throw appError('BAD_REQUEST', 'errors.controls.unknownPosition', { id: a.ownerPositionId });
  }
  if (a.checkedDuty != null) {
    const duty = await db.selectFrom('duty_category').select('code').where('code', '=', a.checkedDuty).executeTakeFirst();
    if (!duty) throw appError('BAD_REQUEST', 'errors.controls.unknownDuty', { code: a.checkedDuty });
  }
}

function controlValues(a: Omit<ControlAttributes, 'inspections'>) {
  return controlColumns(a);
}

async function writeAttributes(trx: Executor, controlId: number, manualId: number, a: Omit<ControlAttributes, 'inspections'>) {
  const values = controlValues(a);
  await trx
    .insertInto('control')
    .values({ node_id: controlId, manual_id: manualId, ...values })
    .onConflict((oc) => oc.column('node_id').doUpdateSet({ ...values, updated_at: sql<string>`now()` }))
    .execute();
}

async function writeInspections(trx: Executor, controlId: number, inspections: ControlAttributes['inspections']) {
  await trx.deleteFrom('control_inspection').where('control_id', '=', controlId).execute();
  if (inspections.length) {
    await trx
      .insertInto('control_inspection')
      .values(inspections.map((i, n) => ({ control_id: controlId, method: i.method, procedure: i.procedure, sort_order: n })))
      .execute();
  }
}

export async function updateControl(trx: Executor, trail: Trail, controlId: number, patch: Partial<ControlAttributes>) {
  const node = await requireControlNode(trx, controlId);
  const before = attributesOf(await q.controlRow(trx, controlId));
  const { inspections, ...attrPatch } = patch;
  const after = { ...before, ...Object.fromEntries(Object.entries(attrPatch).filter(([, v]) => v !== undefined)) } as typeof before;
  await validateAttributes(trx, node.manualId, after);
  await writeAttributes(trx, controlId, node.manualId, after);
  const beforeInspections = inspections ? await q.inspectionsOf(trx, controlId) : undefined;
  if (inspections) await writeInspections(trx, controlId, inspections);
  await trail.record({
    entity: 'control',
    entityId: controlId,
    action: 'update',
    before: { ...before, ...(beforeInspections ? { inspections: beforeInspections.map(({ method, procedure }) => ({ method, procedure })) } : {}) },
    after: { ...after, ...(inspections ? { inspections } : {}) },
  });
  return getControl(trx, controlId);
}

// ── manual settings ─────────────────────────────────────────────
export async function setWeights(trx: Executor, trail: Trail, manualId: number, keyWeight: number, generalWeight: number) {
  const before = await requireManualSettings(trx, manualId);
  await trx
    .updateTable('manual')
    .set({ key_weight: keyWeight, general_weight: generalWeight, updated_at: sql<string>`now()` })
    .where('id', '=', manualId)
    .execute();
  await trail.record({
    entity: 'manual',
    entityId: manualId,
    action: 'update',
    before: { keyWeight: before.keyWeight, generalWeight: before.generalWeight },
    after: { keyWeight, generalWeight },
  });
  return { manualId, keyWeight, generalWeight };
}

export async function addEvidenceType(trx: Executor, trail: Trail, manualId: number, code: string, name: string) {
  await requireManualSettings(trx, manualId);
  if ((EVIDENCE_TYPES as readonly string[]).includes(code)) throw appError('BAD_REQUEST', 'errors.controls.evidenceBuiltin', { code });
  const row = await trx.insertInto('manual_evidence_type').values({ manual_id: manualId, code, name }).returning(['code', 'name']).executeTakeFirstOrThrow();
  await trail.record({ entity: 'manual_evidence_type', entityId: `${manualId}:${code}`, action: 'create', after: row });
  return row;
}

export async function removeEvidenceType(trx: Executor, trail: Trail, manualId: number, code: string) {
  const row = await trx.selectFrom('manual_evidence_type').selectAll().where('manual_id', '=', manualId).where('code', '=', code).executeTakeFirst();
  if (!row) throw notFound('manual_evidence_type', code);
  const users = await trx
    .selectFrom('control')
    .select(sql<number>`count(*)`.as('n'))
    .where('manual_id', '=', manualId)
    .where(sql<boolean>`${code} = any(evidence_types)`)
    .executeTakeFirstOrThrow();
  if (users.n > 0) throw appError('CONFLICT', 'errors.controls.evidenceInUse', { name: row.name, count: users.n });
  await trx.deleteFrom('manual_evidence_type').where('manual_id', '=', manualId).where('code', '=', code).execute();
  await trail.record({ entity: 'manual_evidence_type', entityId: `${manualId}:${code}`, action: 'delete', before: row });
  return { code };
}

// ── shared links ────────────────────────────────────────────────
export async function linkControl(trx: Executor, trail: Trail, controlId: number, hostId: number) {
  const control = await requireControlNode(trx, controlId);
  const host = await manualQ.getNode(trx, hostId);
  if (!host) throw notFound('manual_node', hostId);
  if (host.manualId !== control.manualId) throw appError('BAD_REQUEST', 'errors.controls.otherManual');
  if (host.kind !== 'step' && host.kind !== 'process') throw appError('BAD_REQUEST', 'errors.controls.hostKind', { title: host.title });
  if (host.id === control.parentId) throw appError('CONFLICT', 'errors.controls.alreadyHere', { title: host.title });
  const existing = await trx.selectFrom('control_link').select('host_id').where('control_id', '=', controlId).where('host_id', '=', hostId).executeTakeFirst();
  if (existing) throw appError('CONFLICT', 'errors.controls.alreadyHere', { title: host.title });
  await trx.insertInto('control_link').values({ control_id: controlId, host_id: hostId }).execute();
  await trail.record({ entity: 'control', entityId: controlId, action: 'link', after: { hostId, hostTitle: host.title } });
  return getControl(trx, controlId);
}

/**
 * Take a control out of one step/process. Unlinking its home moves it to its first other host;
 * unlinking the only place it has deletes it, and only with `confirm`.
 */
export async function unlinkControl(trx: Executor, trail: Trail, controlId: number, hostId: number, confirm: boolean) {
  const control = await requireControlNode(trx, controlId);
  const links = await q.linksOfControl(trx, controlId);
  if (hostId !== control.parentId) {
    if (!links.some((l) => l.hostId === hostId)) throw appError('BAD_REQUEST', 'errors.controls.notLinked');
    await trx.deleteFrom('control_link').where('control_id', '=', controlId).where('host_id', '=', hostId).execute();
    await trail.record({ entity: 'control', entityId: controlId, action: 'unlink', before: { hostId } });
    return { deleted: false, control: await getControl(trx, controlId) };
  }
  const next = links[0];
  if (!next) {
    if (!confirm) throw appError('PRECONDITION_FAILED', 'errors.controls.unlinkLast', { title: control.title });
    await trx.deleteFrom('manual_node').where('id', '=', controlId).execute();
    await trail.record({ entity: 'manual_node', entityId: controlId, action: 'delete', before: { ...control, body: undefined } });
    return { deleted: true, control: null };
  }
  await rehome(trx, controlId, control.manualId, next.hostId);
  await trail.record({ entity: 'control', entityId: controlId, action: 'unlink', before: { hostId, home: true }, after: { home: next.hostId } });
  return { deleted: false, control: await getControl(trx, controlId) };
}

/** Make `hostId` the control's home: last child there, and that link row gone. */
async function rehome(trx: Executor, controlId: number, manualId: number, hostId: number) {
  const last = await manualQ.neighbourKey(trx, manualId, hostId, 'before', null);
  await trx
    .updateTable('manual_node')
    .set({ parent_id: hostId, order_key: generateKeyBetween(last, null), updated_at: sql<string>`now()` })
    .where('id', '=', controlId)
    .execute();
  await trx.deleteFrom('control_link').where('control_id', '=', controlId).where('host_id', '=', hostId).execute();
}

/**
 * Before a subtree is deleted: shared controls living in it that are also linked outside move
 * to their first outside host instead of disappearing with the subtree. Returns how many moved.
 */
export async function rehomeSharedControls(trx: Executor, subtreeRootId: number): Promise<number> {
  const rows = await sql<{ controlId: number; manualId: number; hostId: number }>`
    with recursive sub(id) as (
      select id from manual_node where id = ${subtreeRootId}
      union all
      select m.id from manual_node m join sub on m.parent_id = sub.id
    )
    select l.control_id as "controlId", n.manual_id as "manualId", l.host_id as "hostId"
    from control_link l join manual_node n on n.id = l.control_id
    where l.control_id in (select id from sub) and l.host_id not in (select id from sub)
    order by l.control_id, l.created_at, l.host_id`.execute(trx);
  const done = new Set<number>();
  for (const r of rows.rows) {
    if (done.has(r.controlId)) continue;
    done.add(r.controlId);
    await rehome(trx, r.controlId, r.manualId, r.hostId);
  }
  return done.size;
}

/** After a control moved under a host it was linked to, that link is its home now. */
export async function dropLinkToParent(trx: Executor, controlId: number, parentId: number | null) {
  if (parentId != null) await trx.deleteFrom('control_link').where('control_id', '=', controlId).where('host_id', '=', parentId).execute();
}

/** A control node that stops being a control loses its attributes, inspections and links. */
export async function dropControlData(trx: Executor, nodeId: number) {
  await trx.deleteFrom('control_link').where('control_id', '=', nodeId).execute();
  await trx.deleteFrom('control_inspection').where('control_id', '=', nodeId).execute();
  await trx.deleteFrom('control').where('node_id', '=', nodeId).execute();
}

// ── merge ───────────────────────────────────────────────────────
/**
 * Merge a duplicate into the control that stays: the target is linked into every place the
 * source was, references to the source now point at the target, the source's evidence types and
 * inspection points are added to the target's, then the source is deleted. One transaction.
 */
export async function mergeControls(trx: Executor, trail: Trail, sourceId: number, targetId: number) {
  if (sourceId === targetId) throw appError('BAD_REQUEST', 'errors.controls.mergeSelf');
  const source = await requireControlNode(trx, sourceId);
  const target = await requireControlNode(trx, targetId);
  if (source.manualId !== target.manualId) throw appError('BAD_REQUEST', 'errors.controls.mergeOtherManual');
  const before = { source: await getControl(trx, sourceId), target: await getControl(trx, targetId) };

  const targetHosts = new Set(before.target.hosts.map((h) => h.id));
  const newHosts = before.source.hosts.map((h) => h.id).filter((h) => !targetHosts.has(h));
  if (newHosts.length) await trx.insertInto('control_link').values(newHosts.map((h) => ({ control_id: targetId, host_id: h }))).execute();

  // references: rewrite "[[node:source]]" tokens in every body that cites the source
  const referrers = await trx
    .selectFrom('node_reference as r')
    .innerJoin('manual_node as n', 'n.id', 'r.source_node_id')
    .select(['n.id', 'n.body'])
    .where('r.target_node_id', '=', sourceId)
    .execute();
  for (const r of referrers) {
    if (r.id === sourceId) continue;
    const body = r.body.split(nodeRefToken(sourceId)).join(nodeRefToken(targetId));
    await trx.updateTable('manual_node').set({ body, updated_at: sql<string>`now()` }).where('id', '=', r.id).execute();
    await trx.deleteFrom('node_reference').where('source_node_id', '=', r.id).execute();
    const targets = referencedNodeIds(body);
    if (targets.length) await trx.insertInto('node_reference').values(targets.map((t) => ({ source_node_id: r.id, target_node_id: t }))).execute();
  }

  const evidence = [...before.target.evidenceTypes, ...before.source.evidenceTypes.filter((e) => !before.target.evidenceTypes.includes(e))];
  const inspections = [
    ...before.target.inspections,
    ...before.source.inspections.filter((s) => !before.target.inspections.some((t) => t.method === s.method && t.procedure === s.procedure)),
  ];
  const { effectiveWeight: _w, inspections: _i, hosts: _h, id: _id, manualId: _m, title: _t, ...targetAttrs } = before.target;
  await writeAttributes(trx, targetId, target.manualId, { ...targetAttrs, evidenceTypes: evidence });
  await writeInspections(trx, targetId, inspections.slice(0, 50));
  await trx.deleteFrom('manual_node').where('id', '=', sourceId).execute();

  const after = await getControl(trx, targetId);
  await trail.record({ entity: 'control', entityId: targetId, action: 'merge', before, after: { ...after, mergedFrom: sourceId, referencesMoved: referrers.length } });
  return { ...after, referencesMoved: referrers.filter((r) => r.id !== sourceId).length, linksAdded: newHosts.length };
}

// ── overlap report ──────────────────────────────────────────────
export const DUPLICATE_THRESHOLD = 0.5;

type Basis = 'subject' | 'business_type' | 'unit';

/**
 * Controls linked into several processes (grouped by the combination of the processes' design
 * bases), and probable duplicates: same owner position and same evidence types (the blocking
 * key, so no all-pairs comparison), then similar title + objective by character-bigram Jaccard.
 */
export async function overlapReport(db: Executor, manualId: number, threshold = DUPLICATE_THRESHOLD) {
  const { processes, controls } = await loadMatrix(db, manualId, { ownerConflicts: false });
  const processById = new Map(processes.map((p) => [p.id, p]));
  const basesOf = (p: (typeof processes)[number]): Basis[] => [
    ...(p.designSubjects.length ? (['subject'] as const) : []),
    ...(p.designBusinessTypes.length ? (['business_type'] as const) : []),
    ...(p.designUnitIds.length || p.ownerUnitId != null ? (['unit'] as const) : []),
  ];
  const groups = new Map<string, { bases: Basis[]; controls: { id: number; number: string; title: string; processes: typeof processes }[] }>();
  for (const c of controls) {
    if (c.processIds.length < 2) continue;
    const procs = c.processIds.map((p) => processById.get(p)!).filter(Boolean);
    const bases = [...new Set(procs.flatMap(basesOf))].sort() as Basis[];
    const key = bases.join('+') || 'none';
    const g = groups.get(key) ?? { bases, controls: [] };
    g.controls.push({ id: c.id, number: c.number, title: c.title, processes: procs });
    groups.set(key, g);
  }

  const blocks = new Map<string, typeof controls>();
  for (const c of controls) {
    const key = `${c.ownerPositionId ?? '-'}|${[...c.evidenceTypes].sort().join(',')}`;
    const list = blocks.get(key);
    if (list) list.push(c);
    else blocks.set(key, [c]);
  }
  const byId = new Map(controls.map((c) => [c.id, c]));
  const summary = (c: (typeof controls)[number]) => ({
    id: c.id,
    number: c.number,
    title: c.title,
    objective: c.objective,
    processIds: c.processIds,
    ownerPositionName: c.ownerPositionName,
    evidenceTypes: c.evidenceTypes,
  });
  const duplicates: { score: number; a: ReturnType<typeof summary>; b: ReturnType<typeof summary> }[] = [];
  for (const block of blocks.values()) {
    if (block.length < 2) continue;
    for (const pair of similarPairs(block.map((c) => ({ id: c.id, text: `${c.title} ${c.objective}` })), threshold)) {
      duplicates.push({ score: pair.score, a: summary(byId.get(pair.a)!), b: summary(byId.get(pair.b)!) });
    }
  }
  duplicates.sort((x, y) => y.score - x.score || x.a.id - y.a.id);
  return {
    shared: [...groups.values()].sort((a, b) => b.controls.length - a.controls.length),
    duplicates,
    controlCount: controls.length,
  };
}

// ── versions ────────────────────────────────────────────────────
/** Every control's attributes as they are now, for freezing into a published version. */
export async function snapshotControls(db: Executor, manualId: number): Promise<Map<number, SnapshotControl>> {
  const { controls } = await loadMatrix(db, manualId, { ownerConflicts: false });
  const inspections = new Map<number, SnapshotControl['inspections']>();
  for (const i of await q.inspectionsOfManual(db, manualId)) {
    const list = inspections.get(i.controlId) ?? [];
    list.push({ method: i.method, procedure: i.procedure });
    inspections.set(i.controlId, list);
  }
  return new Map(
    controls.map((c) => [
      c.id,
      {
        isKey: c.isKey,
        weight: c.weight,
        weightOverride: c.weightOverride,
        objective: c.objective,
        risk: c.risk,
        nature: c.nature,
        automation: c.automation,
        frequency: c.frequency,
        ownerPositionId: c.ownerPositionId,
        ownerPositionName: c.ownerPositionName,
        ownerUnitId: c.ownerUnitId,
        ownerUnitName: c.ownerUnitName,
        evidenceTypes: c.evidenceTypes,
        inspections: inspections.get(c.id) ?? [],
        scoringMethod: c.scoringMethod,
        tolerance: c.tolerance,
        element: c.element,
        checkedDuty: c.checkedDuty,
        linkedHostIds: c.hostIds.slice(1),
      },
    ]),
  );
}
