import { router, procedure } from '../trpc/trpc.ts';
import { trailFilter, trailPage } from './trail-query.ts';

export const trailRouter = router({
  list: procedure('trail.read')
    .input(trailFilter.default({ limit: 100 }))
    .query(({ ctx, input }) => trailPage(ctx.db, input)),
  entities: procedure('trail.read').query(async ({ ctx }) => {
    const rows = await ctx.db.selectFrom('audit_trail').select('entity').distinct().orderBy('entity').execute();
    return rows.map((r) => r.entity);
  }),
});
