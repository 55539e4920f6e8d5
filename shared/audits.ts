import { z } from 'zod';
import { INT4_MAX } from './text.ts';
import { id, isoDate } from './org.ts';
import type { Element, Frequency, Automation, ScoringMethod, InspectionMethod } from './controls.ts';
import {
  APPLICABILITIES,
  DESIGN_CONCLUSIONS,
  FINDING_NATURES,
  FINDING_SEVERITIES,
  FINDING_STATUSES,
  sampleSizeTableSchema,
  type Applicability,
  type ControlResult,
  type DesignConclusion,
  type FindingNature,
  type FindingSeverity,
  type FindingStatus,
  type ResultState,
  type SampleSizeTable,
  type ScoreReport,
  type ScoringControlInput,
  type ScoringFinding,
  type ScoringInput,
} from './scoring.ts';

/**
 * Audits (docs/design.md §3.7, issue 6): the inputs of the `audits` router (zod) and the shapes it
 * returns. Shared by the server, the audit workspace and the Excel workbook. Scoring itself is
 * shared/scoring.ts; `toScoringInput` turns an audit payload into its input so the server's
 * `scores` and the client's live panel feed it identically.
 */

export const AUDIT_STATUSES = ['planning', 'fieldwork', 'review', 'signed_off'] as const;
export type AuditStatus = (typeof AUDIT_STATUSES)[number];
/** Statuses `setStatus` may move to; signed_off only through `sign`. */
export const SETTABLE_STATUSES = ['planning', 'fieldwork', 'review'] as const;
export const EVIDENCE_STATUSES = ['seen', 'missing', 'not_applicable'] as const;
export type EvidenceStatus = (typeof EVIDENCE_STATUSES)[number];
export const SIGN_ROLES = ['reviewer', 'lead'] as const;
export type SignRole = (typeof SIGN_ROLES)[number];

// ── inputs ──────────────────────────────────────────────────────
const text = (max: number) => z.string().trim().max(max);
const idList = z.array(id).max(10_000);
/** A count or result as typed; range and integer checks are the scoring contract's (checkTest), with translated messages. */
const num = z.number().nullable().default(null);

export const auditIdInput = z.object({ auditId: id });

export const createAuditInput = z.object({
  manualId: id,
  versionNo: z.number().int().positive().max(INT4_MAX),
  name: z.string().trim().min(1).max(200),
  periodFrom: isoDate,
  periodTo: isoDate,
  baseDate: isoDate,
  scopeProcessIds: idList.default([]),
  scopeUnitIds: idList.default([]),
  leadUserId: id,
  reviewerUserId: id.nullable().default(null),
  /** the editable sample-size table; default DEFAULT_SAMPLE_SIZES */
  sampleSizes: sampleSizeTableSchema.optional(),
});
export type CreateAuditInput = z.input<typeof createAuditInput>;

/** Planning fields that may change before sign-off (scope is fixed at creation). */
export const updateAuditInput = z.object({
  auditId: id,
  data: z
    .object({
      name: z.string().trim().min(1).max(200),
      periodFrom: isoDate,
      periodTo: isoDate,
      baseDate: isoDate,
      leadUserId: id,
      reviewerUserId: id.nullable(),
      sampleSizes: sampleSizeTableSchema,
    })
    .partial(),
});
export type UpdateAuditInput = z.input<typeof updateAuditInput>;

export const setStatusInput = z.object({ auditId: id, status: z.enum(SETTABLE_STATUSES) });
export const assignTestersInput = z.object({ auditId: id, processId: id, userIds: z.array(id).max(100) });

export const evidenceInput = z.object({
  evidenceType: z.string().trim().min(1).max(40),
  status: z.enum(EVIDENCE_STATUSES),
  /** document number */
  reference: text(200).default(''),
  fileName: text(300).default(''),
  location: text(500).default(''),
});
export type EvidenceInput = z.input<typeof evidenceInput>;

export const testData = z.object({
  applicability: z.enum(APPLICABILITIES).default('applicable'),
  /** required when not applicable */
  naReason: text(2000).default(''),
  design: z.enum(DESIGN_CONCLUSIONS).nullable().default(null),
  population: num,
  sampleSize: num,
  samplesTested: num,
  exceptions: num,
  /** graded method only: one of GRADES */
  grade: num,
  notes: text(10_000).default(''),
  /** the whole checklist: replaces the test's evidence rows */
  evidence: z.array(evidenceInput).max(50).default([]),
});
export type TestData = z.input<typeof testData>;

/**
 * A test is addressed by its id, or by audit + control (rapid entry by control number); a control
 * without a test row in the audit is outside its scope.
 */
export const saveTestInput = z
  .object({
    testId: id.optional(),
    auditId: id.optional(),
    controlId: id.optional(),
    expectedVersion: z.number().int().min(1).max(INT4_MAX),
    data: testData,
  })
  .refine((v) => v.testId != null || (v.auditId != null && v.controlId != null), { message: 'errors.audits.testAddress', path: ['testId'] });
export type SaveTestInput = z.input<typeof saveTestInput>;

export const findingData = z.object({
  nature: z.enum(FINDING_NATURES),
  severity: z.enum(FINDING_SEVERITIES),
  title: z.string().trim().min(1).max(300),
  description: text(10_000).default(''),
  rootCause: text(10_000).default(''),
  owner: text(200).default(''),
  dueDate: isoDate.nullable().default(null),
  status: z.enum(FINDING_STATUSES).default('open'),
  /** remediation date; required when closed */
  closedOn: isoDate.nullable().default(null),
  controlIds: idList.default([]),
  processId: id.nullable().default(null),
  unitId: id.nullable().default(null),
  companyLevel: z.boolean().default(false),
  /** a DRAFT node of the audited manual the revision proposal is about */
  proposalNodeId: id.nullable().default(null),
  proposalText: text(10_000).default(''),
});
export type FindingData = z.input<typeof findingData>;

export const saveFindingInput = z.object({
  auditId: id,
  /** absent = new finding (code F-nnn assigned) */
  findingId: id.optional(),
  /** required with findingId */
  expectedVersion: z.number().int().min(1).max(INT4_MAX).optional(),
  data: findingData,
});
export type SaveFindingInput = z.input<typeof saveFindingInput>;
export const deleteFindingInput = z.object({ findingId: id, expectedVersion: z.number().int().min(1).max(INT4_MAX).optional() });

export const signInput = z.object({ auditId: id, role: z.enum(SIGN_ROLES) });
export const reopenInput = z.object({ auditId: id, reason: z.string().trim().min(1).max(2000) });
export const compareInput = z.object({ auditId: id, previousAuditId: id.optional() });
export const proposalsInput = z.object({ manualId: id });

// ── outputs ─────────────────────────────────────────────────────
export interface AuditListItem {
  id: number;
  name: string;
  manualId: number;
  manualCode: string;
  versionNo: number;
  periodFrom: string;
  periodTo: string;
  baseDate: string;
  status: AuditStatus;
  revision: number;
  leadName: string;
  /** full precision; round with roundScore/formatScore; null = N/A */
  companyScore: number | null;
  controlCount: number;
  notTested: number;
}

export interface Audit {
  id: number;
  manualId: number;
  manualVersionId: number;
  versionNo: number;
  name: string;
  periodFrom: string;
  periodTo: string;
  baseDate: string;
  scopeProcessIds: number[];
  scopeUnitIds: number[];
  leadUserId: number;
  leadName: string;
  reviewerUserId: number | null;
  reviewerName: string | null;
  status: AuditStatus;
  revision: number;
  previousRevisionId: number | null;
  reviewerSignedAt: string | null;
  reviewerSignedBy: number | null;
  signedOffAt: string | null;
  signedOffBy: number | null;
  contentHash: string | null;
  sampleSizes: SampleSizeTable;
  createdAt: string;
  updatedAt: string;
}

export interface AuditProcess {
  id: number;
  number: string;
  title: string;
  status: string | null;
  inScope: boolean;
}

export interface AuditControl {
  id: number;
  /** the pinned version's number, forever */
  number: string;
  title: string;
  isKey: boolean;
  /** effective weight at publication */
  weight: number;
  element: Element;
  scoringMethod: ScoringMethod;
  tolerance: number;
  frequency: Frequency;
  automation: Automation;
  evidenceTypes: string[];
  inspections: { method: InspectionMethod; procedure: string }[];
  processIds: number[];
  stepIds: number[];
  unitId: number | null;
  unitName: string | null;
  ownerPositionName: string | null;
  /** by the audit's sample-size table, ignoring the population */
  suggestedSampleSize: number;
}

export interface AuditEvidence {
  evidenceType: string;
  status: EvidenceStatus;
  reference: string;
  fileName: string;
  location: string;
}

export interface AuditTest {
  id: number;
  controlId: number;
  applicability: Applicability;
  naReason: string;
  design: DesignConclusion | null;
  population: number | null;
  sampleSize: number | null;
  samplesTested: number | null;
  exceptions: number | null;
  grade: number | null;
  /** null unless state is tested */
  r: number | null;
  state: ResultState;
  notes: string;
  testerUserId: number | null;
  testerName: string | null;
  version: number;
  updatedAt: string;
  updatedBy: string | null;
  evidence: AuditEvidence[];
}

export interface AuditFinding {
  id: number;
  code: string;
  nature: FindingNature;
  severity: FindingSeverity;
  title: string;
  description: string;
  rootCause: string;
  owner: string;
  dueDate: string | null;
  status: FindingStatus;
  closedOn: string | null;
  controlIds: number[];
  processId: number | null;
  unitId: number | null;
  companyLevel: boolean;
  proposalNodeId: number | null;
  proposalText: string;
  version: number;
}

export interface AuditDetail {
  audit: Audit;
  manual: { id: number; code: string; title: string };
  version: { versionNo: number; publishedAt: string };
  /** every process of the version, in document order */
  processes: AuditProcess[];
  steps: { id: number; number: string; title: string }[];
  /** pending-design processes in scope: listed, never scored */
  scopeGaps: { id: number; number: string; title: string }[];
  testers: { processId: number; userId: number; userName: string }[];
  /** controls in scope, in document order */
  controls: AuditControl[];
  tests: AuditTest[];
  findings: AuditFinding[];
  /** units in scope or owning a control in scope */
  units: { id: number; name: string }[];
  users: { id: number; displayName: string }[];
}

export type ComparisonState = 'effective' | 'deficient' | 'not_applicable' | 'not_operated' | 'not_tested' | 'absent';

export interface AuditComparison {
  /** null when there is no earlier signed-off audit of the manual */
  previous: { id: number; name: string } | null;
  processes: { id: number; number: string; title: string; before: number | null; after: number | null; delta: number | null }[];
  company: { before: number | null; after: number | null };
  /** only controls whose state changed */
  controls: { controlId: number; number: string; title: string; before: ComparisonState; after: ComparisonState }[];
  findingsNew: { id: number; code: string; title: string; severity: FindingSeverity; status: FindingStatus }[];
  /** open in the previous audit, closed or gone in this one */
  findingsClosed: { id: number; code: string; title: string; severity: FindingSeverity; status: FindingStatus }[];
}

export interface RevisionProposal {
  findingId: number;
  findingCode: string;
  auditId: number;
  auditName: string;
  nodeId: number;
  proposalText: string;
  severity: FindingSeverity;
}

/** Everything the Excel evaluation workbook needs, in one object. */
export interface AuditWorkbookData extends AuditDetail {
  scores: ScoreReport;
  organisationName: string;
}

/** The outcome of `verify-audit`. */
export interface AuditHashCheck {
  auditId: number;
  ok: boolean;
  stored: string | null;
  computed: string;
  counts: { tests: number; evidence: number; findings: number; findingControls: number };
}

// ── shared helpers ──────────────────────────────────────────────
/** A stored test (state + r) as the roll-up's result. */
export function controlResultOf(test: Pick<AuditTest, 'state' | 'r'>): ControlResult {
  return test.state === 'tested' ? { state: 'tested', r: test.r ?? 0 } : { state: test.state };
}

/** The roll-up input of an audit: same function on the server (`scores`) and in the live panel. */
export function toScoringInput(detail: {
  audit: Pick<Audit, 'baseDate'>;
  /** AuditControl rows fit */
  controls: readonly ScoringControlInput[];
  tests: readonly Pick<AuditTest, 'controlId' | 'state' | 'r'>[];
  findings: readonly FindingForScoring[];
  /** processes in scope and scored (pending design excluded) */
  processIds?: readonly number[];
  unitIds?: readonly number[];
}): ScoringInput {
  const results = new Map<number, ControlResult>();
  for (const t of detail.tests) results.set(t.controlId, controlResultOf(t));
  return {
    controls: detail.controls,
    results,
    findings: scoringFindings(detail.findings),
    baseDate: detail.audit.baseDate,
    scope: { processIds: detail.processIds ?? [], unitIds: detail.unitIds ?? [] },
  };
}

type FindingForScoring = Pick<AuditFinding, 'id' | 'severity' | 'nature' | 'status' | 'closedOn' | 'controlIds' | 'processId' | 'unitId' | 'companyLevel'>;

/** Findings as the roll-up takes them. */
export function scoringFindings(findings: readonly FindingForScoring[]): ScoringFinding[] {
  return findings.map((f) => ({
    id: f.id,
    severity: f.severity,
    nature: f.nature,
    status: f.status,
    closedOn: f.closedOn,
    controlIds: f.controlIds,
    processId: f.processId,
    unitId: f.unitId,
    companyLevel: f.companyLevel,
  }));
}

/** Scored processes of an audit: in scope and not pending design. */
export function scoredProcessIds(processes: readonly Pick<AuditProcess, 'id' | 'status' | 'inScope'>[]): number[] {
  return processes.filter((p) => p.inScope && p.status !== 'pending_design').map((p) => p.id);
}
