import type { Executor } from '../db/connect.ts';
import { appError } from '../errors.ts';
import { assignedProcessOf, auditPeople as people, displayName, preparerOf } from './access.queries.ts';

export { preparerOf };

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
  const assigned = control.processIds.length ? await assignedProcessOf(db, audit.id, actor.id, control.processIds) : undefined;
  if (!assigned) throw appError('FORBIDDEN', 'errors.audits.notTester', { control: control.number, lead: await displayName(db, audit.leadUserId) });
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
