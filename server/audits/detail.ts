import type { Executor } from '../db/connect.ts';
import {
  type AuditDetail,
  type AuditListItem,
  type RevisionProposal,
} from '../../shared/audits.ts';
import * as q from './queries.ts';
import * as dq from './detail.queries.ts';
import { versionModelById } from './version-model.ts';
import { findingView } from './findings.ts';
import { requireAudit } from './guards.ts';
import { auditControl } from './scope.ts';
import { companyScoreOf } from './scores.ts';
import { testView } from './tests.ts';

/** Audits: reading one audit, the list of audits and the revision proposals. */

// ── reads ───────────────────────────────────────────────────────
export async function getAuditDetail(db: Executor, auditId: number): Promise<AuditDetail> {
  const audit = await requireAudit(db, auditId);
  const model = await versionModelById(db, audit.manualVersionId);
  const manual = (await q.manualHeader(db, audit.manualId))!;
  const [testRows, evidence, findings, testers, users] = [
    await q.testsOfAudit(db, auditId),
    await q.evidenceOfAudit(db, auditId),
    await q.findingsOfAudit(db, auditId),
    await q.testersOfAudit(db, auditId),
    await q.auditUsers(db),
  ];
  const inAudit = new Set(testRows.map((t) => t.controlId));
  const controls = model.controls.filter((c) => inAudit.has(c.id)).map((c) => auditControl(c, audit.sampleSizes));
  const scope = new Set(audit.scopeProcessIds);
  const processes = model.processes.map((p) => ({ ...p, inScope: scope.has(p.id) }));
  const unitIds = [...new Set([...audit.scopeUnitIds, ...controls.flatMap((c) => (c.unitId == null ? [] : [c.unitId]))])];
  const unitRows = await q.unitsByIds(db, unitIds);
  const units = unitIds.map((id) => ({
    id,
    name: unitRows.find((u) => u.id === id)?.name ?? controls.find((c) => c.unitId === id)?.unitName ?? `#${id}`,
  }));
  return {
    audit,
    manual,
    version: { versionNo: model.versionNo, publishedAt: model.publishedAt },
    processes,
    steps: model.steps,
    scopeGaps: processes.filter((p) => p.inScope && p.status === 'pending_design').map(({ id, number, title }) => ({ id, number, title })),
    testers,
    controls,
    tests: testRows.map((t) => testView(t, evidence.get(t.id) ?? [])),
    findings: findings.map(findingView),
    units,
    users,
  };
}

export async function listAudits(db: Executor): Promise<AuditListItem[]> {
  const rows = await dq.auditListRows(db);
  const counts = new Map((await q.auditCounts(db)).map((c) => [c.auditId, c]));
  const out: AuditListItem[] = [];
  for (const r of rows) {
    const { manualVersionId: _v, scopeProcessIds: _p, scopeUnitIds: _u, signedOffAt: _s, contentHash: _h, ...item } = r;
    out.push({ ...item, companyScore: await companyScoreOf(db, r), controlCount: counts.get(r.id)?.controls ?? 0, notTested: counts.get(r.id)?.notTested ?? 0 });
  }
  return out;
}

// ── proposals, workbook ─────────────────────────────────────────
/** Open revision proposals on a manual's draft nodes, from each audit's latest revision. */
export async function proposals(db: Executor, manualId: number): Promise<RevisionProposal[]> {
  return dq.openProposals(db, manualId);
}
