import type { Executor } from '../db/connect.ts';
import { controlPlacements } from '../../shared/control-placement.ts';
import type { SnapshotControl } from '../../shared/controls.ts';
import type { NodeKind } from '../../shared/outline.ts';
import * as q from './queries.ts';

/**
 * A published version, parsed once: its processes, steps and controls with placements. Versions
 * are immutable, so the model is cached in memory per version row; the key includes the row's
 * xmin and publication time, so another schema or a restored database with the same id never
 * hits a stale entry.
 */

export interface SnapshotNode {
  id: number;
  parentId: number | null;
  kind: NodeKind;
  title: string;
  number: string;
  status: string | null;
  control?: SnapshotControl;
}

export interface ModelControl {
  id: number;
  number: string;
  title: string;
  attrs: SnapshotControl;
  /** every process / step it is linked into, pending-design processes excluded (never scored) */
  processIds: number[];
  stepIds: number[];
  /** including pending-design ones: scope selection looks at all */
  allProcessIds: number[];
}

export interface VersionModel {
  versionId: number;
  manualId: number;
  versionNo: number;
  publishedAt: string;
  processes: { id: number; number: string; title: string; status: string | null }[];
  processById: Map<number, { id: number; number: string; title: string; status: string | null }>;
  steps: { id: number; number: string; title: string }[];
  /** document order */
  controls: ModelControl[];
  controlById: Map<number, ModelControl>;
}

const FALLBACK_CONTROL: SnapshotControl = {
  isKey: false,
  weight: 1,
  weightOverride: null,
  objective: '',
  risk: '',
  nature: 'preventive',
  automation: 'manual',
  frequency: 'per_event',
  ownerPositionId: null,
  ownerPositionName: null,
  ownerUnitId: null,
  ownerUnitName: null,
  evidenceTypes: [],
  inspections: [],
  scoringMethod: 'binary',
  tolerance: 0,
  element: 'control_activities',
  checkedDuty: null,
  linkedHostIds: [],
};

export function buildVersionModel(header: q.VersionHeader, snapshot: readonly SnapshotNode[]): VersionModel {
  const links = snapshot.flatMap((n) => (n.control?.linkedHostIds ?? []).map((hostId) => ({ controlId: n.id, hostId })));
  const placements = controlPlacements(snapshot, links);
  const processes = snapshot.filter((n) => n.kind === 'process').map((n) => ({ id: n.id, number: n.number, title: n.title, status: n.status }));
  const processById = new Map(processes.map((p) => [p.id, p]));
  const pending = new Set(processes.filter((p) => p.status === 'pending_design').map((p) => p.id));
  const byId = new Map(snapshot.map((n) => [n.id, n]));
  const nearestProcess = (node: SnapshotNode): number | null => {
    for (let cur: SnapshotNode | undefined = node; cur; cur = cur.parentId == null ? undefined : byId.get(cur.parentId)) {
      if (cur.kind === 'process') return cur.id;
    }
    return null;
  };
  // a step under a pending-design process is not scored either
  const stepProcess = new Map<number, number | null>();
  for (const n of snapshot) if (n.kind === 'step') stepProcess.set(n.id, nearestProcess(n));
  const controls: ModelControl[] = [];
  for (const n of snapshot) {
    if (n.kind !== 'control') continue;
    const p = placements.get(n.id)!;
    controls.push({
      id: n.id,
      number: n.number,
      title: n.title,
      attrs: n.control ?? FALLBACK_CONTROL,
      allProcessIds: p.processIds,
      processIds: p.processIds.filter((id) => !pending.has(id)),
      stepIds: p.stepIds.filter((id) => !pending.has(stepProcess.get(id) ?? -1)),
    });
  }
  return {
    versionId: header.id,
    manualId: header.manualId,
    versionNo: header.versionNo,
    publishedAt: header.publishedAt,
    processes,
    processById,
    steps: snapshot.filter((n) => n.kind === 'step').map((n) => ({ id: n.id, number: n.number, title: n.title })),
    controls,
    controlById: new Map(controls.map((c) => [c.id, c])),
  };
}

const CACHE_SIZE = 16;
const cache = new Map<string, VersionModel>();

const keyOf = (h: q.VersionHeader) => `${h.id}:${h.xmin}:${h.publishedAt}`;

/** The model of a version (parsed at most once per process while it stays in the small LRU). */
export async function versionModel(db: Executor, header: q.VersionHeader): Promise<VersionModel> {
  const key = keyOf(header);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key); // refresh LRU position
    cache.set(key, hit);
    return hit;
  }
  const snapshot = (await q.versionSnapshot(db, header.id)) as SnapshotNode[];
  const model = buildVersionModel(header, snapshot);
  cache.set(key, model);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return model;
}

/** Forget every parsed version (benches: the cold roll-up a restart or a new version pays). */
export function clearVersionModelCache(): void {
  cache.clear();
}

export async function versionModelById(db: Executor, versionId: number): Promise<VersionModel> {
  const header = await q.versionHeader(db, { id: versionId });
  if (!header) throw new Error(`manual_version ${versionId} not found`);
  return versionModel(db, header);
}
