import { z } from 'zod';
import { dbId } from './text.ts';
import { ROLES } from './roles.ts';
import { isCommonPassword } from './common-passwords.ts';

export const PASSWORD_MIN_LENGTH = 10;

/** Password policy: at least 10 characters with letters and digits, not a common one; never the username. */
export const password = z
  .string()
  .min(PASSWORD_MIN_LENGTH)
  .max(200)
  .refine((p) => /\p{L}/u.test(p) && /\p{N}/u.test(p), { message: 'errors.password.weak', abort: true })
  .refine((p) => !isCommonPassword(p), { message: 'errors.password.common' });

export const username = z
  .string()
  .trim()
  .min(3)
  .max(60)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, { message: 'errors.field.username' });

export const loginInput = z.object({
  username: z.string().trim().min(1).max(60),
  password: z.string().min(1).max(200),
});

export const changePasswordInput = z
  .object({ currentPassword: z.string().min(1).max(200), newPassword: password })
  .refine((v) => v.newPassword !== v.currentPassword, {
    message: 'errors.password.sameAsOld',
    path: ['newPassword'],
  });

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const userInput = z.object({
  username,
  displayName: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
  personId: dbId.nullable().default(null),
  locale: z.enum(LOCALES).default('zh-CN'),
});

export function resolveLocale(value: string | null | undefined): Locale {
  if (!value) return 'zh-CN';
  return /^en\b/i.test(value.trim()) ? 'en' : 'zh-CN';
}
