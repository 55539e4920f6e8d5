import { sql } from 'kysely';
import type { Executor } from '../db/connect.ts';
import { DEFAULT_CONTROL } from '../../shared/controls.ts';

/** Control reads. The matrix is one pass over the manual's nodes with control attributes joined. */

export function manualSettings(db: Executor, manualId: number) {
  return db
    .selectFrom('manual')
    .select(['id', 'code', 'title', 'numbering_style as numberingStyle', 'key_weight as keyWeight', 'general_weight as generalWeight', 'numbering_script as numberingScript'])
    .where('id', '=', manualId)
    .executeTakeFirst();
}

export function customEvidenceTypes(db: Executor, manualId: number) {
  return db.selectFrom('manual_evidence_type').select(['code', 'name']).where('manual_id', '=', manualId).orderBy('code').execute();
}

/**
 * Every node of a manual (no bodies) with, for control nodes, their attributes, owner position
 * and unit, and inspection count. Control nodes without an attribute row get the defaults.
 */
export async function outlineWithControls(db: Executor, manualId: number) {
  const d = DEFAULT_CONTROL;
  const rows = await db
    .selectFrom('manual_node as n')
    .leftJoin('control as c', 'c.node_id', 'n.id')
    .leftJoin('position as p', 'p.id', 'c.owner_position_id')
    .leftJoin('org_unit as u', 'u.id', 'p.unit_id')
    // one grouped pass over the manual's inspections (a hash join), not a count per node
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('control_inspection as i')
          .innerJoin('manual_node as cn', 'cn.id', 'i.control_id')
          .where('cn.manual_id', '=', manualId)
          .groupBy('i.control_id')
          .select(['i.control_id', sql<number>`count(*)`.as('n')])
          .as('ic'),
      (join) => join.onRef('ic.control_id', '=', 'n.id'),
    )
    .select([
      'n.id',
      'n.parent_id as parentId',
      'n.order_key as orderKey',
      'n.kind',
      'n.title',
      'n.status',
      'n.owner_unit_id as ownerUnitId',
      'n.design_subjects as designSubjects',
      'n.design_business_types as designBusinessTypes',
      'n.design_unit_ids as designUnitIds',
      'c.node_id as controlRow',
      'c.objective',
      'c.risk',
      'c.is_key as isKey',
      'c.weight',
      'c.nature',
      'c.automation',
      'c.frequency',
      'c.owner_position_id as ownerPositionId',
      'p.name as ownerPositionName',
      'p.unit_id as ownerPositionUnitId',
      'u.name as ownerPositionUnitName',
      'c.evidence_types as evidenceTypes',
      'c.scoring_method as scoringMethod',
      'c.tolerance',
      'c.element',
      'c.checked_duty as checkedDuty',
      'ic.n as inspectionCount',
    ])
    .where('n.manual_id', '=', manualId)
    .execute();
  // defaults filled in place: a spread copy of 20,000 wide rows cost more than the query
  return rows.map((r) =>
    Object.assign(r, {
      body: '',
      objective: r.objective ?? d.objective,
      risk: r.risk ?? d.risk,
      isKey: r.isKey ?? d.isKey,
      weight: r.weight ?? null,
      nature: r.nature ?? d.nature,
      automation: r.automation ?? d.automation,
      frequency: r.frequency ?? d.frequency,
      evidenceTypes: r.evidenceTypes ?? [],
      scoringMethod: r.scoringMethod ?? d.scoringMethod,
      tolerance: r.tolerance ?? d.tolerance,
      element: r.element ?? d.element,
      inspectionCount: Number(r.inspectionCount ?? 0),
    }),
  );
}

export function linksOfManual(db: Executor, manualId: number) {
  return db
    .selectFrom('control_link as l')
    .innerJoin('manual_node as n', 'n.id', 'l.control_id')
    .select(['l.control_id as controlId', 'l.host_id as hostId'])
    .where('n.manual_id', '=', manualId)
    .orderBy('l.created_at')
    .orderBy('l.host_id')
    .execute();
}

export function linksOfControl(db: Executor, controlId: number) {
  return db
    .selectFrom('control_link')
    .select(['control_id as controlId', 'host_id as hostId'])
    .where('control_id', '=', controlId)
    .orderBy('created_at')
    .orderBy('host_id')
    .execute();
}

export function inspectionsOf(db: Executor, controlId: number) {
  return db
    .selectFrom('control_inspection')
    .select(['id', 'method', 'procedure'])
    .where('control_id', '=', controlId)
    .orderBy('sort_order')
    .orderBy('id')
    .execute();
}

export function controlRow(db: Executor, controlId: number) {
  return db.selectFrom('control').selectAll().where('node_id', '=', controlId).executeTakeFirst();
}

export function inspectionsOfManual(db: Executor, manualId: number) {
  return db
    .selectFrom('control_inspection as i')
    .innerJoin('manual_node as n', 'n.id', 'i.control_id')
    .select(['i.control_id as controlId', 'i.method', 'i.procedure'])
    .where('n.manual_id', '=', manualId)
    .orderBy('i.control_id')
    .orderBy('i.sort_order')
    .orderBy('i.id')
    .execute();
}

/** The items whose bodies cite `targetId`. */
export async function citingNodeIds(db: Executor, targetId: number): Promise<number[]> {
  const rows = await db.selectFrom('node_reference').select('source_node_id').where('target_node_id', '=', targetId).execute();
  return rows.map((r) => r.source_node_id);
}
