import { appRouter } from './app-router.ts';
import type { ProcedureMeta } from './trpc.ts';
import { PERMISSIONS, ROLES, type Role } from '../../shared/roles.ts';

export interface ProcedureAccess {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  /** 'public', a permission name, or null when the procedure declares nothing (refused at run time) */
  access: string | null;
  roles: Role[] | 'everyone';
}

/** Every procedure of the app router with who may call it, read from the procedures' own meta. */
export function procedureAccess(): ProcedureAccess[] {
  // At run time _def.procedures is flat: "org.units.list" → procedure.
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: ProcedureAccess['type']; meta?: ProcedureMeta } }>;
  return Object.entries(procedures)
    .map(([path, proc]) => {
      const meta = proc._def.meta;
      const access = meta?.public ? 'public' : (meta?.permission ?? null);
      const roles: ProcedureAccess['roles'] = meta?.public
        ? 'everyone'
        : meta?.permission
          ? [...(PERMISSIONS[meta.permission] as readonly Role[])]
          : [];
      return { path, type: proc._def.type, access, roles };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** docs/permissions.md: the generated table of who may call what (kept current by a test). */
export function permissionsMarkdown(): string {
  const header = `| procedure | type | permission | ${ROLES.join(' | ')} |`;
  const sep = `|${' --- |'.repeat(3 + ROLES.length)}`;
  const rows = procedureAccess().map((p) => {
    const cells = ROLES.map((r) => (p.roles === 'everyone' || p.roles.includes(r) ? '✔' : ''));
    return `| \`${p.path}\` | ${p.type} | ${p.access ?? '**none**'} | ${cells.join(' | ')} |`;
  });
  return [
    '# Who may call what',
    '',
    'Generated from the procedures\' own `meta` by `npm run docs:permissions`; `test/api/roles.test.ts`',
    'fails when this file is out of date or a procedure declares no permission. `public` procedures',
    'need no sign-in (signing in itself); everything else needs a session whose role has the permission',
    '(`shared/roles.ts`).',
    '',
    header,
    sep,
    ...rows,
    '',
  ].join('\n');
}
