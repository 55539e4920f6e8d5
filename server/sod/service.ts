import { sql } from 'kysely';
import type { z } from 'zod';
import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import { appError } from '../errors.ts';
import { camelRow } from '../db/camel.ts';
import type { Locale } from '../../shared/auth.ts';
import {
  conflictKindOfKey,
  todayIso,
  type SodConflict,
  type dutyCategoryInput,
  type dutyCategoryRename,
  type mitigationInput,
  type sodRuleInput,
} from '../../shared/sod.ts';
import { DEFAULT_EXTRA_DUTIES, DEFAULT_SOD_RULES, type DefaultDuty, type DefaultSodRule } from '../../shared/sod-defaults.ts';
import { cycleRuleSet, type SodCycle } from '../../shared/sod-cycle-defaults.ts';
import { findConflict } from './check.ts';
import * as q from './queries.ts';

export { checkConflicts, controlOwnerConflicts, dutyMatrix, personDrillDown } from './check.ts';

/**
 * Segregation-of-duties changes. Each runs inside the caller's transaction (writeProcedure) and
 * records before/after in the trail. Nothing is ever waived silently: a mitigation names its
 * mitigating control and expires; a rule whose sides change loses its mitigations.
 */

type RuleInput = z.output<typeof sodRuleInput>;
type DutyInput = z.output<typeof dutyCategoryInput>;
type DutyRename = z.output<typeof dutyCategoryRename>;
type MitigationInput = z.output<typeof mitigationInput>;

/** The revoke reason recorded when a rule's sides change under its mitigations (the page translates it). */
export const RULE_CHANGED = 'rule_changed';
const now = () => sql<string>`now()`;
const listNames = (names: string[], max = 5) => names.slice(0, max).join('、') + (names.length > max ? '…' : '');
const ruleNotFound = (id: number) => appError('NOT_FOUND', 'errors.notFound', { entityKey: 'entities.sod_rule', id });
const dutyNotFound = (code: string) => appError('NOT_FOUND', 'errors.notFound', { entityKey: 'entities.duty_category', id: code });

// ── duty categories ─────────────────────────────────────────────
export async function createDutyCategory(trx: Executor, trail: Trail, input: DutyInput) {
  const { max } = await trx
    .selectFrom('duty_category')
    .select((eb) => eb.fn.coalesce(eb.fn.max('sort_order'), sql<number>`0`).as('max'))
    .executeTakeFirstOrThrow();
  const row = await trx
    .insertInto('duty_category')
    .values({ code: input.code, name_zh: input.nameZh, name_en: input.nameEn, builtin: false, sort_order: Number(max) + 1 })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trail.record({ entity: 'duty_category', entityId: row.code, action: 'create', after: row });
  return camelRow(row);
}

async function customDuty(trx: Executor, code: string) {
  const row = await q.getDutyCategory(trx, code);
  if (!row) throw dutyNotFound(code);
  if (row.builtin) throw appError('PRECONDITION_FAILED', 'errors.sod.builtinDuty', { name: row.name_zh, code });
  return row;
}

export async function renameDutyCategory(trx: Executor, trail: Trail, input: DutyRename) {
  const before = await customDuty(trx, input.code);
  const after = await trx
    .updateTable('duty_category')
    .set({ name_zh: input.nameZh, name_en: input.nameEn })
    .where('code', '=', input.code)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trail.record({ entity: 'duty_category', entityId: input.code, action: 'update', before, after });
  return camelRow(after);
}

export async function deleteDutyCategory(trx: Executor, trail: Trail, code: string) {
  const before = await customDuty(trx, code);
  const positions = await trx
    .selectFrom('position_duty as d')
    .innerJoin('position as p', 'p.id', 'd.position_id')
    .select('p.name')
    .where('d.duty_code', '=', code)
    .execute();
  if (positions.length) {
    throw appError('PRECONDITION_FAILED', 'errors.sod.dutyHeld', {
      name: before.name_zh,
      count: positions.length,
      names: listNames(positions.map((p) => p.name)),
    });
  }
  const rules = await trx
    .selectFrom('sod_rule')
    .select('code')
    .where((w) => w.or([w('duty_a', '=', code), w('duty_b', '=', code)]))
    .orderBy('code')
    .execute();
  if (rules.length) {
    throw appError('PRECONDITION_FAILED', 'errors.sod.dutyInRules', { name: before.name_zh, codes: listNames(rules.map((r) => r.code)) });
  }
  const controls = await trx.selectFrom('control').select('node_id').where('checked_duty', '=', code).execute();
  if (controls.length) throw appError('PRECONDITION_FAILED', 'errors.sod.dutyInControls', { name: before.name_zh, count: controls.length });
  await trx.deleteFrom('duty_category').where('code', '=', code).execute();
  await trail.record({ entity: 'duty_category', entityId: code, action: 'delete', before });
  return { code };
}

// ── rules ───────────────────────────────────────────────────────
/** Both sides exist; the pair is not already covered by another rule of this scope. */
async function assertRuleRefs(trx: Executor, input: RuleInput, exceptId: number | null) {
  if (input.kind === 'duty') {
    for (const [field, code] of [
      ['dutyA', input.dutyA!],
      ['dutyB', input.dutyB!],
    ] as const) {
      if (!(await q.getDutyCategory(trx, code))) throw appError('BAD_REQUEST', 'errors.sod.unknownDuty', { fieldKey: `sod.fields.${field}`, code });
    }
  } else {
    for (const [field, id] of [
      ['positionA', input.positionA!],
      ['positionB', input.positionB!],
    ] as const) {
      const found = await trx.selectFrom('position').select('id').where('id', '=', id).executeTakeFirst();
      if (!found) throw appError('BAD_REQUEST', 'errors.sod.unknownPosition', { fieldKey: `sod.fields.${field}`, id });
    }
  }
  const existing = await q.findRuleForPair(trx, input, exceptId);
  if (existing) throw appError('CONFLICT', 'errors.sod.duplicatePair', { code: existing.code, scopeKey: `sod.scopes.${input.scope}` });
}

const ruleValues = (input: RuleInput) => ({
  code: input.code,
  kind: input.kind,
  duty_a: input.dutyA,
  duty_b: input.dutyB,
  position_a: input.positionA,
  position_b: input.positionB,
  scope: input.scope,
  risk: input.risk,
  rationale: input.rationale,
  basis: input.basis,
  active: input.active,
});

export async function createRule(trx: Executor, trail: Trail, input: RuleInput) {
  await assertRuleRefs(trx, input, null);
  const row = await trx.insertInto('sod_rule').values(ruleValues(input)).returningAll().executeTakeFirstOrThrow();
  await trail.record({ entity: 'sod_rule', entityId: row.id, action: 'create', after: row });
  return camelRow(row);
}

export async function updateRule(trx: Executor, trail: Trail, id: number, input: RuleInput) {
  const before = await q.getRule(trx, id);
  if (!before) throw ruleNotFound(id);
  await assertRuleRefs(trx, input, id);
  const after = await trx
    .updateTable('sod_rule')
    .set({ ...ruleValues(input), updated_at: now() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trail.record({ entity: 'sod_rule', entityId: id, action: 'update', before, after });
  // A rule that now forbids something else: what was accepted under it was accepted for another conflict.
  const sidesChanged =
    before.kind !== after.kind ||
    before.scope !== after.scope ||
    [before.duty_a, before.duty_b, before.position_a, before.position_b].join() !== [after.duty_a, after.duty_b, after.position_a, after.position_b].join();
  if (sidesChanged) {
    const revoked = await trx
      .updateTable('sod_mitigation')
      .set({ revoked_at: now(), revoked_by: trail.actor.username, revoke_reason: RULE_CHANGED })
      .where('rule_id', '=', id)
      .where('revoked_at', 'is', null)
      .returningAll()
      .execute();
    for (const m of revoked) await trail.record({ entity: 'sod_mitigation', entityId: m.id, action: 'revoke', after: m });
  }
  return camelRow(after);
}

export async function deleteRule(trx: Executor, trail: Trail, id: number) {
  const rule = await q.getRule(trx, id);
  if (!rule) throw ruleNotFound(id);
  // mitigations go with the rule (cascade); keep them in the trail
  const mitigations = await trx.selectFrom('sod_mitigation').selectAll().where('rule_id', '=', id).execute();
  await trx.deleteFrom('sod_rule').where('id', '=', id).execute();
  await trail.record({ entity: 'sod_rule', entityId: id, action: 'delete', before: { ...rule, mitigations } });
  return { id };
}

/**
 * Adopt a rule set: adds the duty categories it needs and every rule whose code and pair are not
 * taken yet. Running it again adds nothing.
 */
async function adoptRuleSet(trx: Executor, trail: Trail, locale: Locale, set: { duties: DefaultDuty[]; rules: DefaultSodRule[] }, after: Record<string, unknown>) {
  const addedDuties: string[] = [];
  for (const d of set.duties) {
    if (await q.getDutyCategory(trx, d.code)) continue;
    await createDutyCategory(trx, trail, d);
    addedDuties.push(d.code);
  }
  const added: string[] = [];
  const skipped: string[] = [];
  for (const d of set.rules) {
    const input: RuleInput = {
      code: d.code,
      kind: 'duty',
      dutyA: d.dutyA,
      dutyB: d.dutyB,
      positionA: null,
      positionB: null,
      scope: d.scope,
      risk: d.risk,
      rationale: d.rationale[locale],
      basis: d.basis[locale],
      active: true,
    };
    const taken =
      (await trx.selectFrom('sod_rule').select('id').where('code', '=', d.code).executeTakeFirst()) ?? (await q.findRuleForPair(trx, input, null));
    if (taken) {
      skipped.push(d.code);
      continue;
    }
    await createRule(trx, trail, input);
    added.push(d.code);
  }
  await trail.record({ entity: 'sod_rule', entityId: null, action: 'adopt_defaults', after: { ...after, added, skipped, addedDuties } });
  return { added, skipped, addedDuties };
}

/** Adopt the classic default rule set (shared/sod-defaults.ts). */
export async function adoptDefaults(trx: Executor, trail: Trail, locale: Locale) {
  return adoptRuleSet(trx, trail, locale, { duties: DEFAULT_EXTRA_DUTIES, rules: DEFAULT_SOD_RULES }, { set: 'classic' });
}

/** Adopt one business cycle's rules from the application guidelines (shared/sod-cycle-defaults.ts). */
export async function adoptCycle(trx: Executor, trail: Trail, locale: Locale, cycle: SodCycle) {
  return adoptRuleSet(trx, trail, locale, cycleRuleSet(cycle), { set: 'cycle', cycle });
}

// ── mitigations ─────────────────────────────────────────────────
/** What the conflict looked like when accepted, for the history once it is gone. */
function describe(c: SodConflict): string {
  const positions = c.positions.map((p) => p.name).join(' + ');
  const who = c.personName ? `${c.employeeNo} ${c.personName}: ` : c.unitName ? `${c.unitName}: ` : c.controlTitle ? `${c.controlTitle}: ` : '';
  const when = c.from ? ` (${c.from} – ${c.to ?? '…'})` : '';
  return `${c.ruleCode ?? c.kind} ${who}${positions}${when}`.slice(0, 500);
}

/**
 * Accept one conflict for a period (`validFrom`, default today, to `expiresOn`), naming the
 * mitigating control. The period may lie in the past — history recorded afterwards, so that a check
 * as of a past base date sees it; the trail marks such a record. `opts.recordedOn` stands in for
 * today (the demo shows mitigations made in the past).
 */
export async function createMitigation(trx: Executor, trail: Trail, input: MitigationInput, opts: { recordedOn?: string } = {}) {
  const today = opts.recordedOn ?? todayIso();
  const validFrom = input.validFrom ?? (input.expiresOn < today ? input.expiresOn : today);
  if (validFrom > input.expiresOn) throw appError('BAD_REQUEST', 'errors.sod.periodOrder', { from: validFrom, to: input.expiresOn });
  // the conflict must exist within the period: on its last day up to today, or its first day if it lies ahead
  const lookupOn = validFrom > today ? validFrom : input.expiresOn < today ? input.expiresOn : today;
  const kind = conflictKindOfKey(input.conflictKey);
  if (!kind) throw appError('BAD_REQUEST', 'errors.sod.unknownConflict', { key: input.conflictKey });
  if (input.controlNodeId != null) {
    const node = await trx.selectFrom('manual_node').select(['kind', 'title']).where('id', '=', input.controlNodeId).executeTakeFirst();
    if (!node) throw appError('BAD_REQUEST', 'errors.sod.unknownControlNode', { id: input.controlNodeId });
    if (node.kind !== 'control') throw appError('BAD_REQUEST', 'errors.sod.notAControl', { title: node.title, kindKey: `nodeKinds.${node.kind}` });
  }
  const conflict = await findConflict(trx, input.conflictKey, kind, lookupOn);
  if (!conflict) throw appError('BAD_REQUEST', 'errors.sod.unknownConflict', { key: input.conflictKey });
  const overlapping = (await q.loadStandingMitigations(trx, { keyPrefix: input.conflictKey })).find(
    (m) => m.conflictKey === input.conflictKey && m.validFrom <= input.expiresOn && m.expiresOn >= validFrom,
  );
  if (overlapping) throw appError('CONFLICT', 'errors.sod.alreadyMitigated', { date: overlapping.expiresOn, id: overlapping.id });
  const row = await trx
    .insertInto('sod_mitigation')
    .values({
      conflict_key: input.conflictKey,
      conflict_kind: kind,
      rule_id: conflict.ruleId,
      subject: describe(conflict),
      mitigating_control: input.mitigatingControl,
      control_node_id: input.controlNodeId,
      valid_from: validFrom,
      expires_on: input.expiresOn,
      created_by: trail.actor.username,
      ...(opts.recordedOn ? { created_at: `${opts.recordedOn}T00:00:00Z` } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const historical = input.expiresOn < today;
  await trail.record({ entity: 'sod_mitigation', entityId: row.id, action: 'create', after: historical ? { ...row, historical: true } : row });
  return camelRow(row);
}

export async function revokeMitigation(trx: Executor, trail: Trail, id: number, reason: string) {
  const before = await q.getMitigation(trx, id);
  if (!before) throw appError('NOT_FOUND', 'errors.notFound', { entityKey: 'entities.sod_mitigation', id });
  if (before.revoked_at) throw appError('PRECONDITION_FAILED', 'errors.sod.alreadyRevoked', { id, by: before.revoked_by });
  const after = await trx
    .updateTable('sod_mitigation')
    .set({ revoked_at: now(), revoked_by: trail.actor.username, revoke_reason: reason || null })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trail.record({ entity: 'sod_mitigation', entityId: id, action: 'revoke', before, after });
  return camelRow(after);
}
