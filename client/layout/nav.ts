import type { Permission } from '../../shared/roles.ts';

/** Navigation grouped per user job; each item shows only when the role has its permission. */
export interface NavItem {
  key: string;
  path: string;
  permission: Permission;
}

export const navGroups: { key: string; items: NavItem[] }[] = [
  { key: 'home', items: [{ key: 'home', path: '/', permission: 'self' }] },
  { key: 'design', items: [{ key: 'manuals', path: '/manuals', permission: 'manual.read' }] },
  {
    key: 'org',
    items: [
      { key: 'units', path: '/org/units', permission: 'org.read' },
      { key: 'positions', path: '/org/positions', permission: 'org.read' },
      { key: 'people', path: '/org/people', permission: 'org.read' },
      { key: 'assignments', path: '/org/assignments', permission: 'org.read' },
      { key: 'sod', path: '/sod', permission: 'sod.read' },
      { key: 'authority', path: '/authority', permission: 'authority.read' },
    ],
  },
  {
    key: 'audit',
    items: [
      { key: 'audits', path: '/audits', permission: 'audit.read' },
      { key: 'auditDashboard', path: '/audit-dashboard', permission: 'audit.read' },
    ],
  },
  {
    key: 'admin',
    items: [
      { key: 'users', path: '/admin/users', permission: 'users.manage' },
      { key: 'trail', path: '/admin/trail', permission: 'trail.read' },
      { key: 'backup', path: '/admin/backup', permission: 'ops.backup' },
    ],
  },
];
