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
  audit_trail: AuditTrailTable;
  manual: ManualTable;
  manual_node: ManualNodeTable;
  node_reference: NodeReferenceTable;
  manual_version: ManualVersionTable;
}

export type OrgUnitRow = Selectable<OrgUnitTable>;
export type PositionRow = Selectable<PositionTable>;
export type PersonRow = Selectable<PersonTable>;
export type AssignmentRow = Selectable<AssignmentTable>;
export type AppUserRow = Selectable<AppUserTable>;
export type NewAuditTrail = Insertable<AuditTrailTable>;
export type AppUserUpdate = Updateable<AppUserTable>;
