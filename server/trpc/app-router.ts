import { router } from './trpc.ts';
import { authRouter } from '../auth/router.ts';
import { orgRouter } from '../org/router.ts';
import { usersRouter } from '../users/router.ts';
import { trailRouter } from '../audit/router.ts';
import { manualRouter } from '../manual/router.ts';
import { controlsRouter } from '../controls/router.ts';
import { sodRouter } from '../sod/router.ts';
import { authorityRouter } from '../authority/router.ts';
import { auditsRouter } from '../audits/router.ts';

/** Only composes the domain routers. */
export const appRouter = router({
  auth: authRouter,
  org: orgRouter,
  users: usersRouter,
  trail: trailRouter,
  manual: manualRouter,
  controls: controlsRouter,
  sod: sodRouter,
  authority: authorityRouter,
  audits: auditsRouter,
});

export type AppRouter = typeof appRouter;
