import type { Executor } from '../db/connect.ts';
import { appError } from '../errors.ts';
import { knownDeviceOf } from './devices.ts';
import { clearAttempts, refundAttempt, reserveAttempt, THROTTLE, throttleKey, type ThrottleDecision } from './throttle.ts';

/** Which throttle keys an admitted attempt was counted against (to settle them on success). */
export interface AdmittedAttempt {
  keys: { user?: string; address?: string; device?: string };
}

function refuse(decision: ThrottleDecision): never {
  const retryAt = decision.blockedUntil ?? new Date(Date.now() + THROTTLE.windowMinutes * 60_000);
  const minutes = Math.max(1, Math.ceil((retryAt.getTime() - Date.now()) / 60_000));
  throw appError('TOO_MANY_REQUESTS', 'errors.login.throttled', { minutes, retryAt: retryAt.toISOString() });
}

/**
 * Admit a sign-in attempt to a password check, or refuse it (429, with `retryAt`) without one.
 * A known device of this account is limited by its own counter only (so the account's backoff,
 * raised by someone else's guessing, does not lock its owner out); everyone else by the address
 * and the account counters.
 */
export async function admitLogin(db: Executor, username: string, address: string, deviceToken: string | null): Promise<AdmittedAttempt> {
  const deviceHash = deviceToken ? await knownDeviceOf(db, deviceToken, username) : null;
  if (deviceHash) {
    const device = throttleKey.device(deviceHash);
    const byDevice = await reserveAttempt(db, device, THROTTLE.device);
    if (byDevice.allowed) return { keys: { device } };
  }
  const addressKey = throttleKey.address(address);
  const byAddress = await reserveAttempt(db, addressKey, THROTTLE.address);
  if (!byAddress.allowed) refuse(byAddress);
  const userKey = throttleKey.user(username);
  const byUser = await reserveAttempt(db, userKey, THROTTLE.user);
  if (!byUser.allowed) refuse(byUser);
  return { keys: { user: userKey, address: addressKey } };
}

/** A successful sign-in: the account and device start afresh; the address gets its attempt back. */
export async function loginSucceeded(db: Executor, attempt: AdmittedAttempt): Promise<void> {
  if (attempt.keys.device) await clearAttempts(db, attempt.keys.device);
  if (attempt.keys.user) await clearAttempts(db, attempt.keys.user);
  if (attempt.keys.address) await refundAttempt(db, attempt.keys.address);
}
