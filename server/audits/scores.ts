import type { Executor } from '../db/connect.ts';
import { appError, notFound } from '../errors.ts';
import {
  computeScores,
  ScoringError,
  type SortedResults,
  type ScoreReport,
  type ScoringControlInput,
} from '../../shared/scoring.ts';
import {
  scoredProcessIds,
  scoringFindings,
} from '../../shared/audits.ts';
import * as q from './queries.ts';
import { scoringDigestById, type ScoringDigest } from './scoring-digest.ts';

/** Audits: the roll-up of scores and its per-process caches. */

/** The roll-up of one audit from its stored results: four small queries and the cached version. */
export async function scores(db: Executor, auditId: number): Promise<ScoreReport> {
  const audit = await q.auditHead(db, auditId);
  if (!audit) throw notFound('audit', auditId);
  return scoresOf(db, audit);
}

async function scoresOf(db: Executor, audit: q.AuditHead): Promise<ScoreReport> {
  // the version's scoring digest, not its full model: a cold roll-up then reads ~1 MB, not the snapshot
  const digest = await scoringDigestById(db, audit.manualVersionId);
  const results = await q.resultsOfAudit(db, audit.id);
  const findings = await q.findingsOfAudit(db, audit.id);
  const processes = audit.scopeProcessIds.map((id) => ({ id, status: digest.processStatus.get(id) ?? null, inScope: true }));
  // the same input toScoringInput builds from a `get` payload, without a row object per test
  try {
    return computeScores({
      controls: scoringControls(digest, audit, results),
      results,
      findings: scoringFindings(findings),
      baseDate: audit.baseDate,
      scope: { processIds: scoredProcessIds(processes), unitIds: audit.scopeUnitIds },
    });
  } catch (err) {
    // stored data the contract refuses (the schema's checks make this unlikely): say what, not "internal error"
    if (err instanceof ScoringError) throw appError('BAD_REQUEST', err.key, err.params);
    throw err;
  }
}

const scoringControlCache = new WeakMap<ScoringDigest, Map<string, { ids: number[]; controls: ScoringControlInput[] }>>();

/**
 * The roll-up's control list of an audit. Its test rows were created from controlsInScope of the
 * same (immutable) version and scope, so the list is built once per version and scope and reused;
 * if the stored rows ever differ from it (e.g. hand-made data) it is built from the rows instead.
 */
function scoringControls(digest: ScoringDigest, audit: Pick<q.AuditHead, 'scopeProcessIds' | 'scopeUnitIds'>, results: SortedResults): ScoringControlInput[] {
  let byScope = scoringControlCache.get(digest);
  if (!byScope) scoringControlCache.set(digest, (byScope = new Map()));
  const key = `${audit.scopeProcessIds.join(',')}|${audit.scopeUnitIds.join(',')}`;
  let entry = byScope.get(key);
  if (!entry) {
    // the same selection as controlsInScope, over the digest
    const scoped = new Set(audit.scopeProcessIds.filter((id) => digest.processStatus.get(id) !== 'pending_design'));
    const units = new Set(audit.scopeUnitIds);
    const controls = digest.controls.filter((c) => c.processIds.some((p) => scoped.has(p)) || (c.unitId != null && units.has(c.unitId)));
    entry = { ids: controls.map((c) => c.id).sort((a, b) => a - b), controls };
    byScope.set(key, entry);
  }
  // both ascending: the same ids position by position
  const { ids } = entry;
  if (results.ids.length === ids.length && results.ids.every((id, i) => id === ids[i])) return entry.controls;
  const byId = new Map(digest.controls.map((c) => [c.id, c]));
  return [...results.keys()].flatMap((id) => {
    const c = byId.get(id);
    return c ? [c] : [];
  });
}

const SIGNED_SCORES_SIZE = 1000;
const signedScores = new Map<string, number | null>();

/**
 * An audit's company score for the list. A signed-off audit never changes (a reopen makes a new
 * revision), so its score is computed once per process: the list then costs one roll-up per open
 * audit instead of one per audit ever run. Keyed by sign-off time and content hash, not id alone,
 * so another database behind the same process (tests, a restore) cannot hit a stale entry.
 */
export async function companyScoreOf(db: Executor, audit: q.AuditHead & { status: string; signedOffAt: string | null; contentHash: string | null }) {
  const key = audit.status === 'signed_off' && audit.contentHash ? `${audit.id}:${audit.signedOffAt}:${audit.contentHash}` : null;
  if (key != null && signedScores.has(key)) return signedScores.get(key)!;
  const value = (await scoresOf(db, audit)).company.value;
  if (key != null) {
    signedScores.set(key, value);
    if (signedScores.size > SIGNED_SCORES_SIZE) signedScores.delete(signedScores.keys().next().value!);
  }
  return value;
}
