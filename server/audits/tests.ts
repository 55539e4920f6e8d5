import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import { appError, notFound } from '../errors.ts';
import { EVIDENCE_TYPES } from '../../shared/controls.ts';
import {
  safeResultOf,
  type ControlTest,
} from '../../shared/scoring.ts';
import {
  type AuditTest,
} from '../../shared/audits.ts';
import * as q from './queries.ts';
import * as tq from './tests.queries.ts';
import { assertMayTest } from './access.ts';
import { versionModel, type ModelControl } from './version-model.ts';
import { type Actor, type SaveTestInput, type TestData, assertEntryOpen, conflict, lockAudit } from './guards.ts';

/** Audits: saving a control test. */

// ── tests ───────────────────────────────────────────────────────
export function testView(row: q.TestRow, evidence: AuditTest['evidence']): AuditTest {
  const { auditId: _auditId, ...rest } = row;
  return { ...rest, evidence };
}

/**
 * Save one test: optimistic version check, the result computed by the shared scoring contract and
 * stored. Touches the test row and its evidence rows only — scores are computed when read.
 */
export async function saveTest(trx: Executor, trail: Trail, actor: Actor, input: SaveTestInput): Promise<AuditTest> {
  const where = input.testId != null ? { testId: input.testId } : { auditId: input.auditId!, controlId: input.controlId! };
  const found = await q.testForSave(trx, where);
  if (!found) {
    if (input.testId != null) throw notFound('audit_test', input.testId);
    await lockAudit(trx, input.auditId!, 'share'); // an unknown audit is "not found", not "outside scope"
    throw appError('BAD_REQUEST', 'errors.audits.controlOutsideScope', { control: input.controlId! });
  }
  const { test: current, audit } = found;
  assertEntryOpen(audit);
  if (current.version !== input.expectedVersion) throw await testConflict(trx, current);

  const model = await versionModel(trx, found.version);
  const control = model.controlById.get(current.controlId);
  if (!control) throw appError('BAD_REQUEST', 'errors.audits.controlOutsideScope', { control: current.controlId });
  await assertMayTest(trx, current.auditId, actor, control);
  const data = input.data;
  const result = checkTestData(control, data);

  const updated = await tq.updateTest(trx, current.id, input.expectedVersion, {
    applicability: data.applicability,
    na_reason: data.naReason,
    design: data.design,
    population: data.population,
    sample_size: data.sampleSize,
    samples_tested: data.samplesTested,
    exceptions: data.exceptions,
    grade: data.grade,
    r: result.state === 'tested' ? result.r : null,
    state: result.state,
    notes: data.notes,
    tester_user_id: actor.id,
    updated_by: actor.displayName,
  });
  // a concurrent save committed between our read and our write
  if (!updated) throw await testConflict(trx, (await q.testById(trx, current.id))!);

  if (found.hasEvidence) await tq.deleteEvidence(trx, current.id);
  if (data.evidence.length) {
    await tq.insertEvidence(
      trx,
      data.evidence.map((e) => ({
        test_id: current.id,
        evidence_type: e.evidenceType,
        status: e.status,
        reference: e.reference,
        file_name: e.fileName,
        location: e.location,
      })),
    );
  }
  const saved: AuditTest = { ...updated, testerName: actor.displayName, evidence: data.evidence };
  await trail.record({
    entity: 'audit_test',
    entityId: current.id,
    action: 'update',
    before: { version: current.version, state: current.state, r: current.r },
    after: { auditId: current.auditId, controlId: current.controlId, version: saved.version, state: saved.state, r: saved.r },
  });
  return saved;
}

async function testConflict(db: Executor, row: q.TestRow) {
  const current = testView(row, await q.evidenceOfTest(db, row.id));
  return conflict('errors.audits.conflict', { by: row.updatedBy ?? '?', at: row.updatedAt, version: row.version, current });
}

/** The shared contract's checks plus the audit's own (reason, evidence); the result to store. */
function checkTestData(control: ModelControl, data: TestData) {
  if (data.applicability === 'not_applicable' && !data.naReason) throw appError('BAD_REQUEST', 'errors.audits.naReasonRequired');
  const seen = new Set<string>();
  for (const e of data.evidence) {
    if (seen.has(e.evidenceType)) throw appError('BAD_REQUEST', 'errors.audits.duplicateEvidence', { code: e.evidenceType });
    seen.add(e.evidenceType);
    if (!control.attrs.evidenceTypes.includes(e.evidenceType) && !(EVIDENCE_TYPES as readonly string[]).includes(e.evidenceType)) {
      throw appError('BAD_REQUEST', 'errors.audits.unknownEvidence', { code: e.evidenceType });
    }
  }
  const test: ControlTest = {
    applicability: data.applicability,
    design: data.design,
    operating: {
      population: data.population,
      sampleSize: data.sampleSize,
      samplesTested: data.samplesTested,
      exceptions: data.exceptions,
      grade: data.grade,
    },
  };
  const res = safeResultOf({ scoringMethod: control.attrs.scoringMethod, tolerance: control.attrs.tolerance }, test);
  if (!res.ok) {
    const issue = res.issues[0]!;
    throw appError('BAD_REQUEST', issue.key, { ...issue.params, control: control.number });
  }
  return res.result;
}
