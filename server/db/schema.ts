import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Row types as the type parsers (type-parsers.ts) deliver them: dates and timestamps are strings. */
type Timestamp = ColumnType<string, string | undefined, string>;
type Json = ColumnType<unknown, string | null | undefined, string | null>;

export interface OrgUnitTable {
  id: Generated<number>;
  parent_id: number | null;
  code: string;
  name: string;
  sort_order: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DutyCategoryTable {
  code: string;
  name_zh: string;
  name_en: string;
  builtin: Generated<boolean>;
  sort_order: Generated<number>;
}

export interface PositionTable {
  id: Generated<number>;
  unit_id: number;
  code: string;
  name: string;
  level_rank: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PositionDutyTable {
  position_id: number;
  duty_code: string;
}

export interface PersonTable {
  id: Generated<number>;
  employee_no: string;
  name: string;
  email: string | null;
  active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AssignmentTable {
  id: Generated<number>;
  person_id: number;
  position_id: number;
  kind: 'primary' | 'acting' | 'concurrent';
  valid_from: string;
  valid_to: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AppUserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  role: 'admin' | 'designer' | 'auditor' | 'viewer';
  person_id: number | null;
  locale: Generated<string>;
  active: Generated<boolean>;
  password_changed_at: Timestamp;
  created_at: Timestamp;
  must_change_password: Generated<boolean>;
}

export interface SessionTable {
  token_hash: string;
  user_id: number;
  created_at: Timestamp;
  expires_at: string;
  address: string | null;
}

export interface LoginFailureTable {
  id: Generated<number>;
  username: string;
  address: string;
  at: Timestamp;
}

export interface LoginThrottleTable {
  key: string;
  attempts: Generated<number>;
  last_at: Timestamp;
  blocked_until: Timestamp | null;
  allowed: Generated<boolean>;
}

export interface KnownDeviceTable {
  token_hash: string;
  user_id: number;
  created_at: Timestamp;
  last_used_at: Timestamp;
}

export interface AuditTrailTable {
  id: Generated<number>;
  at: Timestamp;
  actor_user_id: number | null;
  actor_username: string;
  entity: string;
  entity_id: string | null;
  action: string;
  before: Json;
  after: Json;
}

export interface ManualTable {
  id: Generated<number>;
  code: string;
  title: string;
  numbering_style: 'decimal' | 'regulation';
  key_weight: Generated<number>;
  general_weight: Generated<number>;
  /** cover properties (文号, 版本, 生效日期, 发布) */
  document_number: Generated<string>;
  version_label: Generated<string>;
  effective_date: string | null;
  publisher: Generated<string>;
  /** regulation numbers in Simplified (第一条) or Traditional (第一條) characters */
  numbering_script: Generated<'hans' | 'hant'>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ManualNodeTable {
  id: Generated<number>;
  manual_id: number;
  parent_id: number | null;
  order_key: string;
  kind: 'chapter' | 'section' | 'clause' | 'process' | 'step' | 'control';
  title: string;
  body: Generated<string>;
  status: 'draft' | 'pending_design' | 'active' | 'retired' | null;
  owner_unit_id: number | null;
  design_subjects: ColumnType<string[], string[] | undefined, string[]>;
  design_business_types: ColumnType<string[], string[] | undefined, string[]>;
  design_unit_ids: ColumnType<number[], number[] | undefined, number[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface NodeReferenceTable {
  source_node_id: number;
  target_node_id: number;
}

export interface ManualVersionTable {
  id: Generated<number>;
  manual_id: number;
  version_no: number;
  note: Generated<string>;
  published_at: Timestamp;
  published_by: string;
  numbering_style: 'decimal' | 'regulation';
  node_count: number;
  snapshot: ColumnType<unknown, string, string>;
}

/** The roll-up's digest of a published version (server/audits/scoring-digest.ts). */
export interface ManualVersionScoringTable {
  version_id: number;
  format: number;
  digest: string;
  created_at: Generated<Timestamp>;
}

export interface ManualEvidenceTypeTable {
  manual_id: number;
  code: string;
  name: string;
}

export interface ControlTable {
  node_id: number;
  manual_id: number;
  objective: Generated<string>;
  risk: Generated<string>;
  is_key: Generated<boolean>;
  weight: number | null;
  nature: Generated<'preventive' | 'detective'>;
  automation: Generated<'manual' | 'automated' | 'it_dependent'>;
  frequency: Generated<'per_event' | 'multiple_daily' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'annual'>;
  owner_position_id: number | null;
  evidence_types: ColumnType<string[], string[] | undefined, string[]>;
  scoring_method: Generated<'binary' | 'graded' | 'rate'>;
  tolerance: Generated<number>;
  element: Generated<'environment' | 'risk_assessment' | 'control_activities' | 'information_communication' | 'monitoring'>;
  checked_duty: string | null;
  updated_at: Timestamp;
}

export interface ControlInspectionTable {
  id: Generated<number>;
  control_id: number;
  method: 'interview' | 'questionnaire' | 'workshop' | 'walkthrough' | 'onsite_check' | 'sampling' | 'comparison' | 'reperformance';
  procedure: Generated<string>;
  sort_order: Generated<number>;
}

export interface ControlLinkTable {
  control_id: number;
  host_id: number;
  created_at: Timestamp;
}

export interface SodRuleTable {
  id: Generated<number>;
  code: string;
  kind: 'duty' | 'position';
  duty_a: string | null;
  duty_b: string | null;
  position_a: number | null;
  position_b: number | null;
  scope: 'same_person' | 'same_unit';
  risk: 'low' | 'medium' | 'high' | 'critical';
  rationale: string;
  basis: Generated<string>;
  active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SodMitigationTable {
  id: Generated<number>;
  conflict_key: string;
  conflict_kind: 'design_position' | 'design_unit' | 'people' | 'control';
  rule_id: number | null;
  subject: Generated<string>;
  mitigating_control: string;
  control_node_id: number | null;
  /** the period the mitigation accepts the conflict, both days included */
  valid_from: string;
  expires_on: string;
  created_by: string;
  created_at: Timestamp;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

export interface AuthorityMatterTable {
  id: Generated<number>;
  code: string;
  name: string;
  unit: 'CNY' | 'days' | 'count' | 'none';
  non_delegable: Generated<boolean>;
  requires_minutes: Generated<boolean>;
  split_window_days: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuthorityRuleTable {
  id: Generated<number>;
  matter_id: number;
  version_no: number;
  band_no: number;
  lower_bound: number | null;
  upper_bound: number | null;
  approver_position_id: number | null;
  min_level_rank: number | null;
  mode: 'individual' | 'countersign' | 'collective';
  deciding_body: string | null;
  quorum: number | null;
  valid_from: string;
  valid_to: string | null;
  created_at: Timestamp;
}

export interface DelegationTable {
  id: Generated<number>;
  delegator_id: number;
  delegate_id: number;
  matter_id: number;
  cap: number | null;
  valid_from: string;
  valid_to: string;
  revoked_at: string | null;
  revoked_by: string | null;
  max_depth: Generated<number>;
  parent_id: number | null;
  note: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApprovalImportTable {
  id: Generated<number>;
  file_name: string;
  file_kind: 'csv' | 'xlsx';
  row_count: number;
  imported_by: string;
  imported_at: Timestamp;
}

export interface ApprovalRecordTable {
  id: Generated<number>;
  matter_id: number;
  reference_no: string;
  requester_id: number;
  approver_id: number;
  vendor: string | null;
  amount: number | null;
  approved_on: string;
  executed_on: string | null;
  minutes_ref: string | null;
  via_delegation_id: number | null;
  import_batch_id: number | null;
  created_at: Timestamp;
}

export interface AuditTable {
  id: Generated<number>;
  manual_id: number;
  manual_version_id: number;
  name: string;
  period_from: string;
  period_to: string;
  base_date: string;
  scope_process_ids: ColumnType<number[], number[] | undefined, number[]>;
  scope_unit_ids: ColumnType<number[], number[] | undefined, number[]>;
  lead_user_id: number;
  reviewer_user_id: number | null;
  status: Generated<'planning' | 'fieldwork' | 'review' | 'signed_off'>;
  revision: Generated<number>;
  previous_revision_id: number | null;
  reviewer_signed_at: string | null;
  reviewer_signed_by: number | null;
  signed_off_at: string | null;
  signed_off_by: number | null;
  content_hash: string | null;
  /** 1: tests, evidence, findings and links; 2: also the audit row (migration 2026_12_04_0001) */
  content_hash_version: Generated<number>;
  sample_sizes: ColumnType<unknown, string, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuditTesterTable {
  audit_id: number;
  process_id: number;
  user_id: number;
}

export interface AuditTestTable {
  id: Generated<number>;
  audit_id: number;
  control_id: number;
  applicability: Generated<'applicable' | 'not_applicable' | 'not_operated'>;
  na_reason: Generated<string>;
  design: 'effective' | 'deficient' | null;
  population: number | null;
  sample_size: number | null;
  samples_tested: number | null;
  exceptions: number | null;
  grade: number | null;
  r: number | null;
  state: Generated<'tested' | 'not_applicable' | 'not_operated' | 'not_tested'>;
  notes: Generated<string>;
  tester_user_id: number | null;
  version: Generated<number>;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface AuditEvidenceTable {
  id: Generated<number>;
  test_id: number;
  evidence_type: string;
  status: 'seen' | 'missing' | 'not_applicable';
  reference: Generated<string>;
  file_name: Generated<string>;
  location: Generated<string>;
}

export interface FindingTable {
  id: Generated<number>;
  audit_id: number;
  code: string;
  nature: 'design' | 'operating';
  severity: 'general' | 'significant' | 'major';
  title: string;
  description: Generated<string>;
  root_cause: Generated<string>;
  owner: Generated<string>;
  due_date: string | null;
  status: Generated<'open' | 'closed'>;
  closed_on: string | null;
  process_id: number | null;
  unit_id: number | null;
  company_level: Generated<boolean>;
  proposal_node_id: number | null;
  proposal_text: Generated<string>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface FindingControlTable {
  finding_id: number;
  control_id: number;
}

export interface OutlineOperationTable {
  id: Generated<number>;
  manual_id: number;
  user_id: number;
  kind: 'insert' | 'move' | 'indent' | 'outdent' | 'update' | 'delete' | 'control' | 'link' | 'unlink' | 'merge';
  node_id: number;
  label: Generated<string>;
  forward: ColumnType<unknown, string, string>;
  inverse: ColumnType<unknown, string, string>;
  created_at: Timestamp;
  undone_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface DB {
  org_unit: OrgUnitTable;
  duty_category: DutyCategoryTable;
  position: PositionTable;
  position_duty: PositionDutyTable;
  person: PersonTable;
  assignment: AssignmentTable;
  app_user: AppUserTable;
  session: SessionTable;
  login_failure: LoginFailureTable;
  login_throttle: LoginThrottleTable;
  known_device: KnownDeviceTable;
  audit_trail: AuditTrailTable;
  manual: ManualTable;
  manual_node: ManualNodeTable;
  node_reference: NodeReferenceTable;
  manual_version: ManualVersionTable;
  sod_rule: SodRuleTable;
  sod_mitigation: SodMitigationTable;
  manual_evidence_type: ManualEvidenceTypeTable;
  control: ControlTable;
  control_inspection: ControlInspectionTable;
  control_link: ControlLinkTable;
  authority_matter: AuthorityMatterTable;
  authority_rule: AuthorityRuleTable;
  delegation: DelegationTable;
  approval_import: ApprovalImportTable;
  approval_record: ApprovalRecordTable;
  audit: AuditTable;
  audit_tester: AuditTesterTable;
  audit_test: AuditTestTable;
  audit_evidence: AuditEvidenceTable;
  finding: FindingTable;
  finding_control: FindingControlTable;
  manual_version_scoring: ManualVersionScoringTable;
  outline_operation: OutlineOperationTable;
}

export type OrgUnitRow = Selectable<OrgUnitTable>;
export type PositionRow = Selectable<PositionTable>;
export type PersonRow = Selectable<PersonTable>;
export type AssignmentRow = Selectable<AssignmentTable>;
export type AppUserRow = Selectable<AppUserTable>;
export type NewAuditTrail = Insertable<AuditTrailTable>;
export type AppUserUpdate = Updateable<AppUserTable>;
