import { expect, it } from 'vitest';
import { describeApi } from './harness.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { clearScoringCaches } from '../../server/audits/scoring-digest.ts';

/**
 * The roll-up reads a version's scoring digest (manual_version_scoring) instead of its snapshot
 * after a restart: publishing writes it, a missing or unreadable one is rebuilt, and the scores are
 * the same whichever way the digest came.
 */
describeApi('scoring digest of a published version', (env) => {
  it('is written at publish, and the scores are the same from memory, from the stored digest and from a rebuilt one', async () => {
    const db = env().db;
    await seedDemo(db);
    const viewer = env().caller('viewer');
    const audits = await viewer.audits.list();
    expect(audits.length).toBeGreaterThan(0);
    const versions = await db.selectFrom('manual_version').select('id').execute();
    const stored = await db.selectFrom('manual_version_scoring').select(['version_id', 'format']).execute();
    expect(stored.map((r) => r.version_id).sort()).toEqual(versions.map((v) => v.id).sort());

    const scoresOfAll = async () => Promise.all(audits.map((a) => viewer.audits.scores({ auditId: a.id })));
    const warm = await scoresOfAll();
    expect(warm.some((s) => s.company.value != null)).toBe(true);

    clearScoringCaches(); // a restart: read from manual_version_scoring
    expect(await scoresOfAll()).toEqual(warm);

    // gone or in a format this code does not read: rebuilt from the snapshot and stored again
    await db.deleteFrom('manual_version_scoring').where('version_id', '=', versions[0]!.id).execute();
    await db.updateTable('manual_version_scoring').set({ format: 0 }).execute();
    clearScoringCaches();
    expect(await scoresOfAll()).toEqual(warm);
    const used = new Set((await db.selectFrom('audit').select('manual_version_id').execute()).map((a) => a.manual_version_id));
    const again = await db.selectFrom('manual_version_scoring').select(['version_id', 'format']).execute();
    for (const id of used) expect(again.find((r) => r.version_id === id)?.format).toBe(1);
  });
});
