import type { Executor } from '../db/connect.ts';
import { appError } from '../errors.ts';
import {
  type ControlResult,
} from '../../shared/scoring.ts';
import {
  type Audit,
  type AuditComparison,
  type AuditFinding,
  type ComparisonState,
} from '../../shared/audits.ts';
import * as q from './queries.ts';
import * as cq from './compare.queries.ts';
import { versionModelById, type VersionModel } from './version-model.ts';
import { findingView } from './findings.ts';
import { requireAudit } from './guards.ts';
import { scores } from './scores.ts';

/** Audits: comparison with an earlier signed-off audit. */

// ── comparison ──────────────────────────────────────────────────
function comparisonState(t: ControlResult | undefined): ComparisonState {
  if (!t) return 'absent';
  if (t.state === 'tested') return t.r === 1 ? 'effective' : 'deficient';
  return t.state;
}

/** Findings match across audits by title and what they are attached to. */
function findingKey(f: AuditFinding): string {
  const target = f.controlIds.length ? `c:${[...f.controlIds].sort((a, b) => a - b).join(',')}` : f.companyLevel ? 'company' : `p:${f.processId ?? ''}u:${f.unitId ?? ''}`;
  return `${f.title.trim().toLowerCase()}|${target}`;
}

/** The earlier signed-off audit of the same manual to compare with (not one of this audit's own revisions). */
async function defaultPrevious(db: Executor, audit: Audit): Promise<number | null> {
  const ancestors = new Set<number>([audit.id]);
  for (let id = audit.previousRevisionId; id != null; ) {
    ancestors.add(id);
    id = await cq.previousRevisionId(db, id);
  }
  return cq.latestSignedOffBefore(db, audit.manualId, audit.baseDate, [...ancestors]);
}

export async function compare(db: Executor, auditId: number, previousAuditId?: number): Promise<AuditComparison> {
  const audit = await requireAudit(db, auditId);
  const prevId = previousAuditId ?? (await defaultPrevious(db, audit));
  const empty: AuditComparison = { previous: null, processes: [], company: { before: null, after: null }, controls: [], findingsNew: [], findingsClosed: [] };
  if (prevId == null) {
    const after = await scores(db, auditId);
    return { ...empty, company: { before: null, after: after.company.value } };
  }
  if (prevId === auditId) throw appError('BAD_REQUEST', 'errors.audits.compareSelf');
  const previous = await requireAudit(db, prevId);
  if (previous.manualId !== audit.manualId) throw appError('BAD_REQUEST', 'errors.audits.compareOtherManual', { name: previous.name });

  const [afterScores, beforeScores] = [await scores(db, auditId), await scores(db, prevId)];
  const [model, prevModel] = [await versionModelById(db, audit.manualVersionId), await versionModelById(db, previous.manualVersionId)];
  const processIds = new Set([...Object.keys(afterScores.processes), ...Object.keys(beforeScores.processes)].map(Number));
  const processes = [...processIds]
    .map((id) => {
      const p = model.processById.get(id) ?? prevModel.processById.get(id);
      const before = beforeScores.processes[id]?.value ?? null;
      const after = afterScores.processes[id]?.value ?? null;
      return { id, number: p?.number ?? '', title: p?.title ?? `#${id}`, before, after, delta: before != null && after != null ? after - before : null };
    })
    .sort((a, b) => orderOf(model, prevModel, a.id) - orderOf(model, prevModel, b.id));

  const [afterBy, beforeBy] = [await q.resultsOfAudit(db, auditId), await q.resultsOfAudit(db, prevId)];
  const controlIds = [...new Set([...afterBy.keys(), ...beforeBy.keys()])];
  const controls = controlIds
    .map((id) => ({ id, before: comparisonState(beforeBy.get(id)), after: comparisonState(afterBy.get(id)) }))
    .filter((c) => c.before !== c.after)
    .map((c) => {
      const m = model.controlById.get(c.id) ?? prevModel.controlById.get(c.id);
      return { controlId: c.id, number: m?.number ?? '', title: m?.title ?? `#${c.id}`, before: c.before, after: c.after };
    })
    .sort((a, b) => orderOf(model, prevModel, a.controlId) - orderOf(model, prevModel, b.controlId));

  const [afterFindings, beforeFindings] = [(await q.findingsOfAudit(db, auditId)).map(findingView), (await q.findingsOfAudit(db, prevId)).map(findingView)];
  const brief = (f: AuditFinding) => ({ id: f.id, code: f.code, title: f.title, severity: f.severity, status: f.status });
  const beforeKeys = new Map(beforeFindings.map((f) => [findingKey(f), f]));
  const afterKeys = new Map(afterFindings.map((f) => [findingKey(f), f]));
  const findingsNew = afterFindings.filter((f) => f.status === 'open' && !beforeKeys.has(findingKey(f))).map(brief);
  const findingsClosed = beforeFindings
    .filter((f) => f.status === 'open' && (afterKeys.get(findingKey(f))?.status ?? 'closed') === 'closed')
    .map((f) => brief(afterKeys.get(findingKey(f)) ?? f));
  return {
    previous: { id: previous.id, name: previous.name },
    processes,
    company: { before: beforeScores.company.value, after: afterScores.company.value },
    controls,
    findingsNew,
    findingsClosed,
  };
}

function orderOf(model: VersionModel, prev: VersionModel, id: number): number {
  const i = model.controls.findIndex((c) => c.id === id);
  if (i >= 0) return i;
  const p = model.processes.findIndex((c) => c.id === id);
  if (p >= 0) return p;
  return 1e9 + Math.max(prev.controls.findIndex((c) => c.id === id), prev.processes.findIndex((c) => c.id === id));
}
