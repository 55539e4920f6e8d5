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
  /** download a full backup, restore one over the data */
  'ops.backup': ['admin'],
  'manual.read': EVERYONE,
  /** edit outlines, import, publish versions */
  'manual.write': ['admin', 'designer'],
  'sod.read': EVERYONE,
  /** segregation-of-duties rules and mitigations (duty categories need org.write) */
  'sod.write': ['admin', 'designer'],
  'authority.read': EVERYONE,
  /** approval matters, authority matrices, delegations */
  'authority.write': ['admin', 'designer'],
  /** enter and import approval records (the evidence checked against the authority rules) */
  'approvals.write': ['admin', 'auditor'],
  'audit.read': EVERYONE,
  /** plan audits, enter tests, evidence and findings */
  'audit.write': ['admin', 'auditor'],
  /** reviewer sign, lead sign-off, reopen (the service also checks the user is that audit's reviewer / lead) */
  'audit.signoff': ['admin', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role | null | undefined, permission: Permission): boolean {
  return role != null && (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
