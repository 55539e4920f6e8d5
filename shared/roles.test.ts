import { expect, it } from 'vitest';
import { can, PERMISSIONS, ROLES } from './roles.ts';

it('lets only admins change the organisation, users and read the trail; everyone reads the organisation', () => {
  expect(ROLES.filter((r) => can(r, 'org.write'))).toEqual(['admin']);
  expect(ROLES.filter((r) => can(r, 'users.manage'))).toEqual(['admin']);
  expect(ROLES.filter((r) => can(r, 'trail.read'))).toEqual(['admin']);
  expect(ROLES.filter((r) => can(r, 'org.read'))).toEqual([...ROLES]);
  expect(can(null, 'self')).toBe(false);
  for (const roles of Object.values(PERMISSIONS)) for (const r of roles) expect(ROLES).toContain(r);
});
