import { expect, it } from 'vitest';
import { describeApi, failure } from './harness.ts';
import { createCallerFactory, router, writeProcedure } from '../../server/trpc/trpc.ts';
import { createInnerContext } from '../../server/trpc/context.ts';

// The guarantee every later feature leans on: a mutation and its trail commit together or not at all.
const testRouter = router({
  silent: writeProcedure('org.write').mutation(async ({ ctx }) => {
    await ctx.db.insertInto('org_unit').values({ code: 'SILENT', name: '无痕' }).execute();
    return 'done';
  }),
  failsLate: writeProcedure('org.write').mutation(async ({ ctx }) => {
    await ctx.db.insertInto('org_unit').values({ code: 'LATE', name: '半途' }).execute();
    await ctx.trail.record({ entity: 'org_unit', entityId: null, action: 'create' });
    throw new Error('boom after writing');
  }),
});

describeApi('write procedures', (env) => {
  const caller = () => createCallerFactory(testRouter)(createInnerContext({ db: env().db, user: env().users.admin }));
  const units = async () => (await env().db.selectFrom('org_unit').select('code').execute()).map((u) => u.code);
  const trailRows = async () => (await env().db.selectFrom('audit_trail').select('id').execute()).length;

  it('rolls back a mutation that recorded no audit trail', async () => {
    const err = await failure(caller().silent());
    expect(err.code).toBe('INTERNAL_SERVER_ERROR');
    expect(await units()).toEqual([]);
  });

  it('rolls back the change and its trail together when the handler fails part-way', async () => {
    await failure(caller().failsLate());
    expect(await units()).toEqual([]);
    expect(await trailRows()).toBe(0);
  });
});
