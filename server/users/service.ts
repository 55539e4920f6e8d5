import { sql } from 'kysely';
import type { z } from 'zod';
import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import { appError, notFound } from '../errors.ts';
import { hashPassword } from '../auth/password.ts';
import { deleteUserSessions, forgetCachedSessions } from '../auth/sessions.ts';
import { blockedUntil, clearAttempts, throttleKey } from '../auth/throttle.ts';
import type { userInput } from '../../shared/auth.ts';
import { camelRow } from '../db/camel.ts';

type UserInput = z.output<typeof userInput>;

const publicColumns = ['id', 'username', 'display_name', 'role', 'person_id', 'locale', 'active', 'created_at'] as const;

export function listUsers(db: Executor) {
  return db
    .selectFrom('app_user as u')
    .leftJoin('person as p', 'p.id', 'u.person_id')
    .select([
      'u.id',
      'u.username',
      'u.display_name as displayName',
      'u.role',
      'u.person_id as personId',
      'p.name as personName',
      'u.locale',
      'u.active',
      'u.created_at as createdAt',
      'u.password_changed_at as passwordChangedAt',
      // when a sign-in backoff ends (null: not locked), for the unlock button
      (eb) =>
        eb
          .selectFrom('login_throttle as t')
          .select('t.blocked_until')
          .where('t.key', '=', sql<string>`'u:' || u.username`)
          .where('t.blocked_until', '>', sql<string>`now()`)
          .as('lockedUntil'),
    ])
    .orderBy('u.username')
    .execute();
}

export async function createUser(trx: Executor, trail: Trail, input: UserInput & { password: string }) {
  const row = await trx
    .insertInto('app_user')
    .values({
      username: input.username,
      display_name: input.displayName,
      role: input.role,
      person_id: input.personId,
      locale: input.locale,
      password_hash: await hashPassword(input.password),
    })
    .returning(publicColumns)
    .executeTakeFirstOrThrow();
  await trail.record({ entity: 'app_user', entityId: row.id, action: 'create', after: row });
  return camelRow(row);
}

/** There must always be an active admin left, or nobody can administer the system. */
async function assertAdminRemains(trx: Executor, exceptUserId: number) {
  const others = await trx
    .selectFrom('app_user')
    .select(sql<number>`count(*)`.as('n'))
    .where('role', '=', 'admin')
    .where('active', '=', true)
    .where('id', '<>', exceptUserId)
    .executeTakeFirstOrThrow();
  if (others.n === 0) throw appError('PRECONDITION_FAILED', 'errors.user.lastAdmin');
}

export async function updateUser(
  trx: Executor,
  trail: Trail,
  actorId: number,
  id: number,
  input: Omit<UserInput, 'username'> & { active: boolean },
) {
  const before = await trx.selectFrom('app_user').select(publicColumns).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!before) throw notFound('app_user', id);
  if (!input.active && id === actorId) throw appError('BAD_REQUEST', 'errors.user.selfDeactivate');
  if (before.role === 'admin' && before.active && (input.role !== 'admin' || !input.active)) {
    await assertAdminRemains(trx, id);
  }
  const after = await trx
    .updateTable('app_user')
    .set({
      display_name: input.displayName,
      role: input.role,
      person_id: input.personId,
      locale: input.locale,
      active: input.active,
    })
    .where('id', '=', id)
    .returning(publicColumns)
    .executeTakeFirstOrThrow();
  forgetCachedSessions(); // name and language travel with the session user
  // A role change or deactivation takes effect now, not at the next sign-in.
  if (before.role !== after.role || !after.active) await deleteUserSessions(trx, id);
  await trail.record({ entity: 'app_user', entityId: id, action: 'update', before, after });
  return camelRow(after);
}

export async function resetPassword(trx: Executor, trail: Trail, id: number, password: string) {
  const user = await trx.selectFrom('app_user').select(['id', 'username']).where('id', '=', id).executeTakeFirst();
  if (!user) throw notFound('app_user', id);
  if (password.toLowerCase().includes(user.username)) throw appError('BAD_REQUEST', 'errors.password.containsUsername');
  await trx
    .updateTable('app_user')
    .set({ password_hash: await hashPassword(password), password_changed_at: new Date().toISOString() })
    .where('id', '=', id)
    .execute();
  await deleteUserSessions(trx, id);
  await trail.record({ entity: 'app_user', entityId: id, action: 'reset_password' });
  return { id };
}

export async function unlockUser(trx: Executor, trail: Trail, id: number) {
  const user = await trx.selectFrom('app_user').select(['id', 'username']).where('id', '=', id).executeTakeFirst();
  if (!user) throw notFound('app_user', id);
  const until = await blockedUntil(trx, throttleKey.user(user.username));
  await clearAttempts(trx, throttleKey.user(user.username));
  await trail.record({ entity: 'app_user', entityId: id, action: 'unlock', before: { lockedUntil: until?.toISOString() ?? null } });
  return { id };
}
