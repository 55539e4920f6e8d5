import { sql } from 'kysely';
import type { Executor } from '../db/connect.ts';
import {
  type AuditDetail,
  type AuditListItem,
  type RevisionProposal,
} from '../../shared/audits.ts';
import * as q from './queries.ts';
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
  const rows = await db
    .selectFrom('audit as a')
    .innerJoin('manual as m', 'm.id', 'a.manual_id')
    .innerJoin('manual_version as v', 'v.id', 'a.manual_version_id')
    .innerJoin('app_user as l', 'l.id', 'a.lead_user_id')
    .select([
      'a.id',
      'a.name',
      'a.manual_id as manualId',
      'm.code as manualCode',
      'v.version_no as versionNo',
      'a.period_from as periodFrom',
      'a.period_to as periodTo',
      'a.base_date as baseDate',
      'a.status',
      'a.revision',
      'l.display_name as leadName',
      'a.manual_version_id as manualVersionId',
      'a.scope_process_ids as scopeProcessIds',
      'a.scope_unit_ids as scopeUnitIds',
      'a.signed_off_at as signedOffAt',
      'a.content_hash as contentHash',
    ])
    .orderBy('a.base_date', 'desc')
    .orderBy('a.id', 'desc')
    .execute();
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
  return db
    .selectFrom('finding as f')
    .innerJoin('audit as a', 'a.id', 'f.audit_id')
    .select([
      'f.id as findingId',
      'f.code as findingCode',
      'a.id as auditId',
      'a.name as auditName',
      sql<number>`f.proposal_node_id`.as('nodeId'),
      'f.proposal_text as proposalText',
      'f.severity',
    ])
    .where('a.manual_id', '=', manualId)
    .where('f.status', '=', 'open')
    .where('f.proposal_node_id', 'is not', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('audit as n').select('n.id').whereRef('n.previous_revision_id', '=', 'a.id'))))
    .orderBy('a.base_date', 'desc')
    .orderBy('f.id')
    .execute();
}
