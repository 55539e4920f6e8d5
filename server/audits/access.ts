import { sql } from 'kysely';
import type { Executor } from '../db/connect.ts';
import { appError } from '../errors.ts';

/**
 * Who may do what to one audit (object-level rules, on top of the role permissions):
 *  - status changes and tester assignment: the audit's lead only;
 *  - results of a control: the lead, or a tester assigned to one of the control's processes;
 *  - reviewer signature: the named reviewer, who is neither the lead nor the preparer (the user
 *    who submitted the audit for review, or reopened it into review);
 *  - lead sign-off: the named lead, who is not the one who signed as reviewer.
 * An administrator is NOT implicitly any of these: admins manage the audit's header (name,
 * period, who is lead and reviewer — recorded in the trail) and reopen, but act in the lifecycle
 * only when named as lead, reviewer or tester. Every refusal is FORBIDDEN with a message.
 */

export interface AccessActor {
  id: number;
  displayName: string;
}

interface AuditPeople {
  id: number;
  leadUserId: number;
  reviewerUserId: number | null;
}

async function displayName(db: Executor, userId: number | null): Promise<string> {
  if (userId == null) return '—';
  return (await db.selectFrom('app_user').select('display_name').where('id', '=', userId).executeTakeFirst())?.display_name ?? `#${userId}`;
}

async function people(db: Executor, auditId: number): Promise<(AuditPeople & { reviewerSignedBy: number | null }) | undefined> {
  return db
    .selectFrom('audit')
    .select(['id', 'lead_user_id as leadUserId', 'reviewer_user_id as reviewerUserId', 'reviewer_signed_by as reviewerSignedBy'])
    .where('id', '=', auditId)
    .executeTakeFirst();
}

/** The lead only (unknown audits pass through: the service answers "not found"). */
export async function assertAuditLead(db: Executor, auditId: number, actor: AccessActor, actionKey: string): Promise<void> {
  const audit = await people(db, auditId);
  if (!audit || audit.leadUserId === actor.id) return;
  throw appError('FORBIDDEN', 'errors.audits.notLead', { name: await displayName(db, audit.leadUserId), actionKey });
}

/** The lead, or a tester assigned to one of the processes the control belongs to. */
export async function assertMayTest(db: Executor, auditId: number, actor: AccessActor, control: { number: string; processIds: readonly number[] }): Promise<void> {
  const audit = await people(db, auditId);
  if (!audit || audit.leadUserId === actor.id) return;
  const assigned = control.processIds.length
    ? await db
        .selectFrom('audit_tester')
        .select('process_id')
        .where('audit_id', '=', audit.id)
        .where('user_id', '=', actor.id)
        .where('process_id', 'in', [...control.processIds])
        .executeTakeFirst()
    : undefined;
  if (!assigned) throw appError('FORBIDDEN', 'errors.audits.notTester', { control: control.number, lead: await displayName(db, audit.leadUserId) });
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

/** Sign-off signatures: the right person, and no one signing for two duties. */
export async function assertMaySign(db: Executor, auditId: number, actor: AccessActor, role: 'reviewer' | 'lead'): Promise<void> {
  const audit = await people(db, auditId);
  if (!audit) return;
  if (role === 'reviewer') {
    if (audit.reviewerUserId == null) return; // the service says "no reviewer"
    if (actor.id !== audit.reviewerUserId) throw appError('FORBIDDEN', 'errors.audits.notReviewer', { name: await displayName(db, audit.reviewerUserId) });
    if (actor.id === audit.leadUserId) throw appError('FORBIDDEN', 'errors.audits.reviewerIsLead');
    if (actor.id === (await preparerOf(db, auditId))) throw appError('FORBIDDEN', 'errors.audits.reviewerIsPreparer', { name: actor.displayName });
    return;
  }
  if (actor.id !== audit.leadUserId) {
    throw appError('FORBIDDEN', 'errors.audits.notLead', { name: await displayName(db, audit.leadUserId), actionKey: 'audits.actions.signOff' });
  }
  if (audit.reviewerSignedBy != null && audit.reviewerSignedBy === actor.id) throw appError('FORBIDDEN', 'errors.audits.leadIsReviewer', { name: actor.displayName });
}
