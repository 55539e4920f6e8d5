
/**
 * The audit row's part of the content hash (format v2). v1 hashed the audit's tests, evidence,
 * findings and links only, so the audit's own name, period, base date, scope, manual version and
 * signers could be changed after sign-off without the hash noticing. Hashes stored as v1 are still
 * verified the v1 way (audit.content_hash_version says which).
 */
export const AUDIT_HASH_VERSION = 2;

export type AuditHashVersion = 1 | 2;

/** What sign-off is about to write into the row, hashed as it will be stored. */
export interface SigningValues {
  status: 'signed_off';
  signed_off_at: string;
  signed_off_by: number;
}

/** The columns a v2 hash covers: everything but the hash itself and the bookkeeping update time. */
export const HASHED_AUDIT_COLUMNS = [
  'id', 'manual_id', 'manual_version_id', 'name', 'period_from', 'period_to', 'base_date', 'scope_process_ids', 'scope_unit_ids',
  'lead_user_id', 'reviewer_user_id', 'status', 'revision', 'previous_revision_id', 'reviewer_signed_at', 'reviewer_signed_by',
  'signed_off_at', 'signed_off_by', 'sample_sizes', 'created_at', 'content_hash_version',
] as const;

