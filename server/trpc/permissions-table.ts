import { appRouter } from './app-router.ts';
import type { ProcedureMeta } from './trpc.ts';
import { PERMISSIONS, ROLES, type Role } from '../../shared/roles.ts';
import { CSRF_HEADER } from '../../shared/http.ts';
import { fileRouteAccess } from '../http/file-routes.ts';

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
export async function permissionsMarkdown(): Promise<string> {
  const roleCells = (roles: readonly Role[] | 'everyone') => ROLES.map((r) => (roles === 'everyone' || roles.includes(r) ? '✔' : '')).join(' | ');
  const sep = (columns: number) => `|${' --- |'.repeat(columns + ROLES.length)}`;
  const rows = procedureAccess().map(
    (p) => `| \`${p.path}\` | ${p.type} | ${p.access ?? '**none**'} | ${roleCells(p.roles)} |`,
  );
  const fileRows = (await fileRouteAccess()).map(
    (r) => `| \`${r.method} ${r.url}\` | ${r.permission} | ${roleCells(PERMISSIONS[r.permission] as readonly Role[])} |`,
  );
  return [
    '# Who may call what',
    '',
    'Generated from the procedures\' own `meta` and the file routes\' declared permissions by',
    '`npm run docs:permissions`; `test/api/roles.test.ts` fails when this file is out of date or a',
    'procedure declares no permission. `public` procedures need no sign-in (signing in itself);',
    'everything else needs a session whose role has the permission (`shared/roles.ts`).',
    '',
    `| procedure | type | permission | ${ROLES.join(' | ')} |`,
    sep(3),
    ...rows,
    '',
    '## File routes',
    '',
    'Downloads and uploads outside tRPC (`server/http/file-routes.ts`) check the same session cookie',
    `and permission; uploads (POST) also need the \`${CSRF_HEADER}: 1\` header. Restoring a backup`,
    'additionally refuses without `?confirm=replace`. `GET /api/health` needs no sign-in.',
    '',
    `| route | permission | ${ROLES.join(' | ')} |`,
    sep(2),
    ...fileRows,
    '',
  ].join('\n');
}
