import type { Executor } from '../db/connect.ts';
import { ELEMENTS, type ScoringControlInput } from '../../shared/scoring.ts';
import * as q from './queries.ts';
import { buildVersionModel, clearVersionModelCache, versionModel, type SnapshotNode, type VersionModel } from './version-model.ts';

/**
 * What the roll-up needs of a published version: each control as ScoringControlInput and each
 * process's status. A 20,000-control version's snapshot is ~12 MB of jsonb; reading and parsing it
 * was most of a cold roll-up (the first after a restart or for a new version: ~3 s against ~0.1 s
 * warm). The digest is derived from the version model once, stored in manual_version_scoring as
 * compact text (~1 MB), and read from there after a restart. Versions are immutable, so it never
 * goes stale; rows of a version that changed under the same id are refused by the source key.
 */
export interface ScoringDigest {
  versionId: number;
  processStatus: ReadonlyMap<number, string | null>;
  /** document order, like VersionModel.controls */
  controls: readonly ScoringControlInput[];
}

const FORMAT = 1;

/** [id, weight, key 0/1, element index, unit id, step ids, process ids] per control */
type Row = [number, number, 0 | 1, number, number | null, number[], number[]];
interface Stored {
  source: string;
  processes: [number, string | null][];
  controls: Row[];
}

const sourceOf = (h: q.VersionHeader) => `${h.id}:${h.xmin}:${h.publishedAt}`;

export function digestOfModel(model: VersionModel): ScoringDigest {
  return {
    versionId: model.versionId,
    processStatus: new Map(model.processes.map((p) => [p.id, p.status])),
    controls: model.controls.map((c) => ({
      id: c.id,
      weight: c.attrs.weight,
      isKey: c.attrs.isKey,
      element: c.attrs.element,
      stepIds: c.stepIds,
      processIds: c.processIds,
      unitId: c.attrs.ownerUnitId,
    })),
  };
}

function encode(source: string, digest: ScoringDigest): string {
  const stored: Stored = {
    source,
    processes: [...digest.processStatus],
    controls: digest.controls.map((c) => [c.id, c.weight, c.isKey ? 1 : 0, ELEMENTS.indexOf(c.element), c.unitId, [...c.stepIds], [...c.processIds]]),
  };
  return JSON.stringify(stored);
}

function decode(versionId: number, text: string): { source: string; digest: ScoringDigest } {
  const stored = JSON.parse(text) as Stored;
  return {
    source: stored.source,
    digest: {
      versionId,
      processStatus: new Map(stored.processes),
      controls: stored.controls.map(([id, weight, key, element, unitId, stepIds, processIds]) => ({
        id,
        weight,
        isKey: key === 1,
        element: ELEMENTS[element]!,
        stepIds,
        processIds,
        unitId,
      })),
    },
  };
}

const CACHE_SIZE = 16;
const cache = new Map<string, ScoringDigest>();

/** The digest of a version: from memory, else its stored row, else built from the snapshot and stored. */
export async function scoringDigestById(db: Executor, versionId: number): Promise<ScoringDigest> {
  const header = await q.versionHeader(db, { id: versionId });
  if (!header) throw new Error(`manual_version ${versionId} not found`);
  const source = sourceOf(header);
  const hit = cache.get(source);
  if (hit) {
    cache.delete(source); // refresh LRU position
    cache.set(source, hit);
    return hit;
  }
  let digest: ScoringDigest | undefined;
  const row = await q.storedScoringDigest(db, versionId);
  if (row?.format === FORMAT) {
    const stored = decode(versionId, row.digest);
    if (stored.source === source) digest = stored.digest;
  }
  if (!digest) {
    digest = digestOfModel(await versionModel(db, header));
    await storeDigest(db, source, digest);
  }
  cache.set(source, digest);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return digest;
}

/** Store (or replace) a version's digest; publishing calls it so no auditor pays for the first build. */
export async function storeDigest(db: Executor, source: string, digest: ScoringDigest): Promise<void> {
  const text = encode(source, digest);
  await q.upsertScoringDigest(db, digest.versionId, FORMAT, text);
}

/** Build and store the digest of a version being published, from the snapshot it was just written from. */
export async function storeDigestOfSnapshot(db: Executor, versionId: number, snapshot: readonly SnapshotNode[]): Promise<void> {
  const header = await q.versionHeader(db, { id: versionId });
  if (!header) return;
  await storeDigest(db, sourceOf(header), digestOfModel(buildVersionModel(header, snapshot)));
}

/** Forget every parsed version and digest in memory (benches: what a restart costs). */
export function clearScoringCaches(): void {
  cache.clear();
  clearVersionModelCache();
}
