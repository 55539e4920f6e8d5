import { sql } from 'kysely';
import type { Executor } from '../db/connect.ts';

/** Reads behind the object-level audit rules (access.ts). */

interface AuditPeople {
  id: number;
  leadUserId: number;
  reviewerUserId: number | null;
}

export async function displayName(db: Executor, userId: number | null): Promise<string> {
  if (userId == null) return '—';
  return (await db.selectFrom('app_user').select('display_name').where('id', '=', userId).executeTakeFirst())?.display_name ?? `#${userId}`;
}

export async function auditPeople(db: Executor, auditId: number): Promise<(AuditPeople & { reviewerSignedBy: number | null }) | undefined> {
  return db
    .selectFrom('audit')
    .select(['id', 'lead_user_id as leadUserId', 'reviewer_user_id as reviewerUserId', 'reviewer_signed_by as reviewerSignedBy'])
    .where('id', '=', auditId)
    .executeTakeFirst();
}

/** A process of `processIds` the user is assigned to test in this audit, if any. */
export function assignedProcessOf(db: Executor, auditId: number, userId: number, processIds: readonly number[]) {
  return db
    .selectFrom('audit_tester')
    .select('process_id')
    .where('audit_id', '=', auditId)
    .where('user_id', '=', userId)
    .where('process_id', 'in', [...processIds])
    .executeTakeFirst();
}

/** Who moved the audit into review: the last set_status→review or reopen recorded for it (the trail is append-only). */
export async function preparerOf(db: Executor, auditId: number): Promise<number | null> {
  const row = await db
    .selectFrom('audit_trail')
    .select('actor_user_id')
    .where('entity', '=', 'audit')
    .where('entity_id', '=', String(auditId))
    .where((eb) => eb.or([eb.and([eb('action', '=', 'set_status'), eb(sql`"after"->>'status'`, '=', 'review')]), eb('action', '=', 'reopen')]))
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.actor_user_id ?? null;
}

