import fs from 'node:fs';
import { expect, it } from 'vitest';
import { describeApi, failure } from './harness.ts';
import { permissionsMarkdown, procedureAccess } from '../../server/trpc/permissions-table.ts';
import { ROLES } from '../../shared/roles.ts';

type AnyCaller = Record<string, unknown>;
function callAt(caller: AnyCaller, path: string): Promise<unknown> {
  const fn = path.split('.').reduce<unknown>((node, key) => (node as AnyCaller)[key], caller) as (input?: unknown) => Promise<unknown>;
  return fn(undefined);
}

it('every procedure declares who may call it, and docs/permissions.md is current', async () => {
  const undeclared = procedureAccess().filter((p) => p.access === null);
  expect(undeclared.map((p) => p.path)).toEqual([]);
  const onDisk = fs.readFileSync('docs/permissions.md', 'utf8');
  expect(onDisk, 'docs/permissions.md is stale: run `npm run docs:permissions`').toBe(await permissionsMarkdown());
});

describeApi('role checks on every procedure', (env) => {
  const procedures = procedureAccess().filter((p) => p.access !== 'public');

  it.each(procedures.map((p) => [p.path, p] as const))('%s: refused to the wrong roles and to anonymous callers', async (_path, p) => {
    const allowed = p.roles === 'everyone' ? [...ROLES] : p.roles;
    const anonymous = await failure(callAt(env().caller(null) as unknown as AnyCaller, p.path));
    expect(anonymous.code).toBe('UNAUTHORIZED');
    for (const role of ROLES.filter((r) => !allowed.includes(r))) {
      const refused = await failure(callAt(env().caller(role) as unknown as AnyCaller, p.path));
      expect(refused, `${role} calling ${p.path}`).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    }
    for (const role of allowed) {
      // Allowed roles get past the check: success, or an input error — never FORBIDDEN/UNAUTHORIZED.
      const outcome = await callAt(env().caller(role) as unknown as AnyCaller, p.path).then(
        () => 'ok',
        async (err) => (await failure(Promise.reject(err))).code,
      );
      expect(['ok', 'BAD_REQUEST', 'NOT_FOUND'], `${role} calling ${p.path}`).toContain(outcome);
    }
  });

  it('names the role in the refusal, in the user language', async () => {
    const zh = await failure(env().caller('viewer').org.units.create({ parentId: null, code: 'X', name: 'x' }));
    expect(zh.message).toBe('您的角色（管理层（只读））无权执行此操作。');
    const en = await failure(env().caller('designer', { locale: 'en' }).users.list(), 'en');
    expect(en.message).toBe('Your role (Process designer) may not do this.');
  });
});
