import { expect, it, vi } from 'vitest';
import { describeApi, failure, TEST_PASSWORD } from '../api/harness.ts';
import { memoryCookie } from '../../server/trpc/context.ts';
import * as password from '../../server/auth/password.ts';

// Issue #19, defect 1: the throttle's check and its failure record were separate statements, so
// parallel (or batched) sign-ins were all checked. Over the limit, the password is not even checked.
describeApi('login throttle under concurrency', (env) => {
  it('checks at most 5 passwords of 30 parallel sign-ins to one account', async () => {
    const verify = vi.spyOn(password, 'verifyPassword');
    try {
      const attempts = Array.from({ length: 30 }, (_, i) =>
        env().caller(null, { address: '10.1.0.1' }).auth.login({ username: 'viewer1', password: `wrong-${i}-pass` }).then(
          () => 'ok',
          async (err) => (await failure(Promise.reject(err))).code,
        ),
      );
      const codes = await Promise.all(attempts);
      expect(verify.mock.calls.length).toBeLessThanOrEqual(5);
      expect(codes.filter((c) => c === 'UNAUTHORIZED').length).toBeLessThanOrEqual(5);
      expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS').length).toBeGreaterThanOrEqual(25);
    } finally {
      verify.mockRestore();
    }
  });

  it('answers an over-limit attempt 429 without checking the password, even the right one', async () => {
    const anon = env().caller(null, { address: '10.1.0.2' });
    for (let i = 0; i < 5; i++) await failure(anon.auth.login({ username: 'auditor1', password: `wrong-${i}-pass` }));
    const verify = vi.spyOn(password, 'verifyPassword');
    try {
      const cookie = memoryCookie();
      const over = await failure(env().caller(null, { address: '10.1.0.3', cookie }).auth.login({ username: 'auditor1', password: TEST_PASSWORD }));
      expect(over).toMatchObject({ code: 'TOO_MANY_REQUESTS', httpStatus: 429 });
      expect(verify).not.toHaveBeenCalled();
      expect(cookie.token).toBeNull();
    } finally {
      verify.mockRestore();
    }
  });

  it('checks at most 20 passwords from one address spraying many usernames in parallel', async () => {
    const verify = vi.spyOn(password, 'verifyPassword');
    try {
      await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => env().caller(null, { address: '10.1.0.9' }).auth.login({ username: `guess${i}`, password: 'wrong-pass-1' })),
      );
      expect(verify.mock.calls.length).toBeLessThanOrEqual(20);
    } finally {
      verify.mockRestore();
    }
  });
});
