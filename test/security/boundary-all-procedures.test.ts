import { expect, it } from 'vitest';
import { describeApi, failure } from '../api/harness.ts';
import { procedureAccess } from '../../server/trpc/permissions-table.ts';
import { appRouter } from '../../server/trpc/app-router.ts';
import type { Role } from '../../shared/roles.ts';
import { sample, type SampleOptions } from './zod-sample.ts';

// Issue #19, defect 4: a NUL byte gave 500 in 14 procedures, an id above 2^31−1 in 6. Every procedure
// of the app router is called with both (and with a lone surrogate); none may fail as an internal
// error: the boundary refuses them as bad input.
type AnyCaller = Record<string, unknown>;
const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { inputs: unknown[] } }>;

function callAt(caller: AnyCaller, path: string, input: unknown): Promise<unknown> {
  const fn = path.split('.').reduce<unknown>((node, key) => (node as AnyCaller)[key], caller) as (input?: unknown) => Promise<unknown>;
  return fn(input);
}

const VARIANTS: Record<string, SampleOptions> = {
  nul: { text: 'A1\u0000x', int: 1 },
  surrogate: { text: 'A1\ud800x', int: 1 },
  bigId: { text: 'A1', int: 2 ** 31 },
};

describeApi('hostile input at every procedure', (env) => {
  const rows = procedureAccess().map((p) => [p.path, p] as const);
  it.each(rows)('%s: NUL, lone surrogates and ids past int4 are refused, never a 500', async (path, p) => {
    const role: Role | null = p.access === 'public' ? null : p.roles === 'everyone' ? 'admin' : p.roles[0]!;
    const schema = procedures[path]!._def.inputs[0];
    for (const [variant, opts] of Object.entries(VARIANTS)) {
      const input = schema ? sample(schema, opts) : undefined;
      const outcome = await callAt(env().caller(role) as unknown as AnyCaller, path, input).then(
        () => 'ok',
        async (err) => (await failure(Promise.reject(err))).code,
      );
      expect(outcome, `${path} with ${variant}: ${JSON.stringify(input)}`).not.toBe('INTERNAL_SERVER_ERROR');
      if (variant === 'nul' && schema && JSON.stringify(input).includes('\\u0000')) {
        expect(outcome, `${path} accepted a NUL byte`).not.toBe('ok');
      }
    }
  });
});

describeApi('text at the boundary', (env) => {
  it('refuses a lone surrogate (it used to be stored as U+FFFD) and stores text NFC-normalised', async () => {
    const admin = env().caller('admin', { locale: 'en' });
    const bad = await failure(admin.org.units.create({ parentId: null, code: 'U1', name: 'Fin\ud800ance' }), 'en');
    expect(bad).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(bad.fieldErrors?.name).toEqual(['Contains an invalid character (a lone UTF-16 surrogate).']);
    const nul = await failure(admin.org.units.create({ parentId: null, code: 'U1', name: 'Fin\u0000ance' }), 'en');
    expect(nul.fieldErrors?.name).toEqual(['Must not contain a NUL character (\\0).']);
    const unit = await admin.org.units.create({ parentId: null, code: 'U2', name: 'Cafe\u0301' });
    const stored = await env().db.selectFrom('org_unit').select('name').where('id', '=', unit.id).executeTakeFirstOrThrow();
    expect(stored.name).toBe('Caf\u00e9');
    const big = await failure(admin.org.units.delete({ id: 2 ** 31 }), 'en');
    expect(big.code).toBe('BAD_REQUEST');
  });
});
