/** Roles and what each may do. The one table both the server middleware and the client menus read. */
export const ROLES = ['admin', 'designer', 'auditor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const EVERYONE = ROLES;

export const PERMISSIONS = {
  /** own session: who am I, log out, change own password */
  self: EVERYONE,
  'org.read': EVERYONE,
  'org.write': ['admin'],
  'users.manage': ['admin'],
  'trail.read': ['admin'],
  'manual.read': EVERYONE,
  /** edit outlines, import, publish versions */
  'manual.write': ['admin', 'designer'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role | null | undefined, permission: Permission): boolean {
  return role != null && (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
