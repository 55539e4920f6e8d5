import Fastify, { type FastifyInstance } from 'fastify';
import type { Permission } from '../../shared/roles.ts';
import { registerAdminRoutes } from './admin-routes.ts';
import { registerApprovalImport } from './authority-import.ts';
import { registerWorkbookRoutes } from '../workbook/http.ts';
import { registerManualImportRoute } from '../manual/http.ts';
import { registerManualDocxRoutes } from '../manual-docx/http.ts';
import type { UploadOptions } from './upload.ts';

/** Every file route (downloads and uploads outside tRPC). buildApp and docs/permissions.md both go through here. */
export async function registerFileRoutes(app: FastifyInstance, opts: UploadOptions): Promise<void> {
  await registerApprovalImport(app, opts);
  await registerWorkbookRoutes(app, opts);
  await registerAdminRoutes(app, opts);
  await registerManualImportRoute(app, opts);
  await registerManualDocxRoutes(app, opts);
}

export interface FileRouteAccess {
  method: string;
  url: string;
  permission: Permission;
}

/** The file routes with the permission each checks, read from the routes as registered (nothing is served). */
export async function fileRouteAccess(): Promise<FileRouteAccess[]> {
  const app = Fastify({ logger: false });
  const routes: FileRouteAccess[] = [];
  app.addHook('onRoute', (route) => {
    const permission = route.config?.permission;
    if (permission) for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url, permission });
  });
  // handlers are only registered, never called: no database is needed
  await registerFileRoutes(app, { db: undefined as never, secureCookies: false, production: false });
  await app.ready();
  await app.close();
  return routes.sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
}
