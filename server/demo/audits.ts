import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import * as svc from '../audits/service.ts';
import { findingData, testData, type AuditControl, type FindingData, type TestData } from '../../shared/audits.ts';
import { DEMO_MANUAL_CODE } from './manual.ts';

/**
 * Demo audits of the demo manual's published version 1: last year's audit, signed off, with every
 * control tested (a mix of results, findings — one significant with a revision proposal — and
 * evidence ticks), and this year's audit in fieldwork with some controls tested. Results are
 * chosen from each control's attributes, so the demo follows whatever the demo manual holds.
 */
export async function seedDemoAudits(trx: Executor, trail: Trail) {
  const manual = await trx.selectFrom('manual').select('id').where('code', '=', DEMO_MANUAL_CODE).executeTakeFirst();
  const version = manual && (await trx.selectFrom('manual_version').select('id').where('manual_id', '=', manual.id).where('version_no', '=', 1).executeTakeFirst());
  if (!manual || !version) return;
  const users = await trx.selectFrom('app_user').select(['id', 'username', 'display_name as displayName', 'role']).where('username', 'in', ['admin', 'auditor']).execute();
  const lead = users.find((u) => u.username === 'auditor');
  const reviewer = users.find((u) => u.username === 'admin');
  if (!lead || !reviewer) return;
  const leadActor: svc.Actor = { ...lead };
  const reviewerActor: svc.Actor = { ...reviewer };
  const processes = await trx
    .selectFrom('manual_version')
    .select('snapshot')
    .where('id', '=', version.id)
    .executeTakeFirstOrThrow()
    .then((v) => (v.snapshot as { id: number; kind: string }[]).filter((n) => n.kind === 'process').map((n) => n.id));

  // ── last year: signed off ─────────────────────────────────────
  const last = await svc.createAudit(trx, trail, {
    manualId: manual.id,
    versionNo: 1,
    name: '2025 年度内部控制评价 Internal-control evaluation 2025',
    periodFrom: '2025-01-01',
    periodTo: '2025-12-31',
    baseDate: '2025-12-31',
    scopeProcessIds: processes,
    scopeUnitIds: [],
    leadUserId: lead.id,
    reviewerUserId: reviewer.id,
  });
  await svc.setStatus(trx, trail, last.id, 'fieldwork');
  const lastDetail = await svc.getAuditDetail(trx, last.id);
  for (const p of lastDetail.processes.filter((x) => x.inScope && x.status !== 'pending_design')) {
    await svc.assignTesters(trx, trail, last.id, p.id, [lead.id]);
  }
  const controls = lastDetail.controls;
  // the controls that go wrong last year: a key one with a design gap, a general one with exceptions
  const designGap = controls.find((c) => c.isKey && c.scoringMethod === 'binary' && c.frequency !== 'annual') ?? controls.find((c) => c.isKey);
  const exceptionsOn = controls.find((c) => !c.isKey && c.scoringMethod === 'binary' && c.id !== designGap?.id && c.frequency !== 'annual');
  const notOperated = controls.find((c) => !c.isKey && c.frequency === 'annual' && c.id !== exceptionsOn?.id);
  let n = 0;
  const ref = (year: number) => `PZ-${year}-${String(++n).padStart(4, '0')}`;
  for (const t of lastDetail.tests) {
    const c = controls.find((x) => x.id === t.controlId)!;
    let data: TestData;
    if (c.id === designGap?.id) data = { design: 'deficient', notes: '控制设计不能防范所述风险。', evidence: evidence(c, 'missing', () => '') };
    else if (c.id === notOperated?.id) data = { applicability: 'not_operated', notes: '本期未发生相关业务。' };
    else if (c.id === exceptionsOn?.id) data = { ...operating(c, 1), notes: '抽样发现 1 笔例外。', evidence: evidence(c, 'seen', () => ref(2025)) };
    else data = { ...operating(c, c.scoringMethod === 'rate' ? 1 : 0, c.scoringMethod === 'graded' ? 0.8 : null), evidence: evidence(c, 'seen', () => ref(2025)) };
    await svc.saveTest(trx, trail, leadActor, { testId: t.id, expectedVersion: t.version, data: fill(data) });
  }
  if (designGap) {
    await svc.saveFinding(trx, trail, leadActor, {
      auditId: last.id,
      data: fillFinding({
        nature: 'design',
        severity: 'significant',
        title: `${designGap.title.split(' ')[0]}：控制设计缺陷`,
        description: '现行控制没有覆盖所述风险，抽查中无法找到执行证据。',
        rootCause: '制度未规定执行人和留痕要求。',
        owner: designGap.ownerPositionName ?? '',
        dueDate: '2026-06-30',
        controlIds: [designGap.id],
        proposalNodeId: designGap.id,
        proposalText: '补充执行人、执行频率和留痕要求，并增加复核步骤。',
      }),
    });
  }
  if (exceptionsOn) {
    await svc.saveFinding(trx, trail, leadActor, {
      auditId: last.id,
      data: fillFinding({
        nature: 'operating',
        severity: 'general',
        title: `${exceptionsOn.title.split(' ')[0]}：执行例外`,
        description: '抽样中 1 笔业务未按规定执行。',
        owner: exceptionsOn.ownerPositionName ?? '',
        dueDate: '2026-03-31',
        status: 'closed',
        closedOn: '2026-03-15',
        controlIds: [exceptionsOn.id],
      }),
    });
  }
  await svc.setStatus(trx, trail, last.id, 'review');
  await svc.sign(trx, trail, reviewerActor, last.id, 'reviewer');
  await svc.sign(trx, trail, leadActor, last.id, 'lead');

  // ── this year: fieldwork, about half tested ───────────────────
  const current = await svc.createAudit(trx, trail, {
    manualId: manual.id,
    versionNo: 1,
    name: '2026 年度内部控制评价 Internal-control evaluation 2026',
    periodFrom: '2026-01-01',
    periodTo: '2026-12-31',
    baseDate: '2026-12-31',
    scopeProcessIds: processes,
    scopeUnitIds: [],
    leadUserId: lead.id,
    reviewerUserId: reviewer.id,
  });
  await svc.setStatus(trx, trail, current.id, 'fieldwork');
  const currentDetail = await svc.getAuditDetail(trx, current.id);
  for (const [i, t] of currentDetail.tests.entries()) {
    const c = currentDetail.controls.find((x) => x.id === t.controlId)!;
    // the design gap was fixed; the rest: every other control tested so far
    if (c.id !== designGap?.id && i % 2 === 1) continue;
    const data = { ...operating(c, c.scoringMethod === 'rate' ? 2 : 0, c.scoringMethod === 'graded' ? 1 : null), evidence: evidence(c, 'seen', () => ref(2026)) };
    await svc.saveTest(trx, trail, leadActor, { testId: t.id, expectedVersion: t.version, data: fill(data) });
  }
}

/** Operating test with the suggested sample size and `exceptions` found. */
function operating(c: AuditControl, exceptions: number, grade: number | null = null): TestData {
  const size = Math.max(c.suggestedSampleSize, exceptions + 1);
  return { design: 'effective', population: null, sampleSize: size, samplesTested: size, exceptions: Math.min(exceptions, size), grade };
}

function evidence(c: AuditControl, status: 'seen' | 'missing', reference: () => string): TestData['evidence'] {
  return c.evidenceTypes.map((evidenceType) => ({ evidenceType, status, reference: status === 'seen' ? reference() : '', fileName: '', location: status === 'seen' ? '财务档案室 Finance archive' : '' }));
}

/** The service takes parsed input: the shared schemas apply the defaults. */
const fill = (data: TestData) => testData.parse(data);
const fillFinding = (data: FindingData) => findingData.parse(data);
