import type { z } from 'zod';
import { TRPCError } from '@trpc/server';
import type { Executor } from '../db/connect.ts';
import { appError, notFound } from '../errors.ts';
import {
  type Audit,
  type createAuditInput,
  type findingData,
  type saveFindingInput,
  type saveTestInput,
  type testData,
  type updateAuditInput,
} from '../../shared/audits.ts';
import type { Role } from '../../shared/roles.ts';
import * as q from './queries.ts';
import { addDays } from '../../shared/dates.ts';


/** Audits: the checks every use case shares (the audit exists, is locked, is open, who may act), the actor and input types, and the signed-off error. */

export interface Actor {
  id: number;
  username: string;
  displayName: string;
  role: Role;
}

export type CreateAuditInput = z.output<typeof createAuditInput>;
export type UpdateAuditInput = z.output<typeof updateAuditInput>;
export type SaveTestInput = z.output<typeof saveTestInput>;
export type TestData = z.output<typeof testData>;
export type SaveFindingInput = z.output<typeof saveFindingInput>;
export type FindingData = z.output<typeof findingData>;

/** SQLSTATE raised by the immutability trigger (migration 0006). */
export const SIGNED_OFF_SQLSTATE = 'CB001';

/** The trigger's refusal as the translated error users see; null for any other error. */
export function mapSignedOffError(err: unknown): TRPCError | null {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const pg = e as { code?: string; message?: string };
    if (pg.code === SIGNED_OFF_SQLSTATE) {
      const id = /audit (\d+) is signed off/.exec(pg.message ?? '')?.[1] ?? '?';
      return appError('PRECONDITION_FAILED', 'errors.audits.signedOff', { name: `#${id}` });
    }
  }
  return null;
}

// ── helpers ─────────────────────────────────────────────────────
export function listText(items: readonly string[], max = 20): string {
  return items.length > max ? `${items.slice(0, max).join('、')} …（+${items.length - max}）` : items.join('、');
}

export async function requireAudit(db: Executor, auditId: number): Promise<Audit> {
  const audit = await q.getAudit(db, auditId);
  if (!audit) throw notFound('audit', auditId);
  return audit;
}

export async function lockAudit(db: Executor, auditId: number, mode: 'share' | 'update'): Promise<q.AuditState> {
  const audit = await q.lockAuditState(db, auditId, mode);
  if (!audit) throw notFound('audit', auditId);
  return audit;
}

export function assertNotSignedOff(audit: Pick<q.AuditState, 'status' | 'name'>) {
  if (audit.status === 'signed_off') throw appError('PRECONDITION_FAILED', 'errors.audits.signedOff', { name: audit.name });
}

/** Tests and findings are entered in fieldwork and in review until the reviewer has signed. */
export function assertEntryOpen(audit: Pick<q.AuditState, 'status' | 'name' | 'reviewerSignedAt'>) {
  assertNotSignedOff(audit);
  if (audit.status === 'planning') throw appError('PRECONDITION_FAILED', 'errors.audits.notInFieldwork', { statusKey: `audits.statuses.${audit.status}` });
  if (audit.reviewerSignedAt) throw appError('PRECONDITION_FAILED', 'errors.audits.reviewerSigned', { at: audit.reviewerSignedAt });
}

/** Lead, reviewer and testers must be active users whose role may write audits. */
export async function requireAuditUser(db: Executor, userId: number, dutyKey: string) {
  const user = await q.userById(db, userId);
  if (!user || !user.active) throw appError('BAD_REQUEST', 'errors.audits.unknownUser', { id: userId, dutyKey });
  if (user.role !== 'admin' && user.role !== 'auditor') {
    throw appError('BAD_REQUEST', 'errors.audits.userRole', { name: user.displayName, roleKey: `roles.${user.role}`, dutyKey });
  }
  return user;
}

export function checkDates(periodFrom: string, periodTo: string, baseDate: string) {
  if (periodTo < periodFrom) throw appError('BAD_REQUEST', 'errors.audits.periodOrder', { from: periodFrom, to: periodTo });
  const latest = addDays(periodTo, 366);
  if (baseDate < periodFrom || baseDate > latest) {
    throw appError('BAD_REQUEST', 'errors.audits.baseDateRange', { date: baseDate, from: periodFrom, latest });
  }
}

export async function leadName(db: Executor, state: q.AuditState): Promise<string> {
  return (await q.userById(db, state.leadUserId))?.displayName ?? `#${state.leadUserId}`;
}

export function assertLeadOrAdmin(state: q.AuditState, actor: Actor, actionKey: string, name: string) {
  if (actor.role !== 'admin' && actor.id !== state.leadUserId) throw appError('FORBIDDEN', 'errors.audits.notLead', { name, actionKey });
}

export function conflict(key: 'errors.audits.conflict' | 'errors.audits.findingConflict', params: Record<string, unknown>) {
  return appError('CONFLICT', key, params);
}
