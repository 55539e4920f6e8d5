import { apiRoundtrip } from './cases/api-roundtrip.ts';
import { outlineInsert, outlineMove, outlineTree } from './cases/outline.ts';
import { moveToPostgresBench } from './cases/move-to-postgres.ts';
import { controlsLint, controlsOverlap } from './cases/controls.ts';
import { sodPeople } from './cases/sod.ts';
import { authorityCheck } from './cases/authority.ts';
import { concurrentSave, scoreRollup } from './cases/audits.ts';
import { workbookExport } from './cases/workbook.ts';
import { importDocx } from './cases/import-docx.ts';
import { exportDocx } from './cases/manual-docx.ts';
import { withFreshDatabase, type BenchCase, type BenchContext } from './harness.ts';

/**
 * `npm run bench [-- NAME…]`: runs each case on a fresh PGlite database, and again on PostgreSQL
 * when DATABASE_URL is set. Prints one line per case and backend:
 *   BENCH <case> ratio=<feature cost / baseline cost> backend=<pglite|postgres> <details>
 * Exits non-zero when a case throws or reports a failure (e.g. concurrent-save losing a save).
 */
const CASES: BenchCase[] = [apiRoundtrip, outlineInsert, outlineMove, outlineTree, controlsLint, controlsOverlap, sodPeople, authorityCheck, scoreRollup, concurrentSave, workbookExport, importDocx, exportDocx, ...(process.env.DATABASE_URL ? [moveToPostgresBench] : [])];

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !CASES.some((c) => c.name === w));
if (unknown.length) {
  console.error(`unknown bench case(s): ${unknown.join(', ')}; known: ${CASES.map((c) => c.name).join(', ')}`);
  process.exit(2);
}
const selected = wanted.length ? CASES.filter((c) => wanted.includes(c.name)) : CASES;
const backends: BenchContext['backend'][] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

let failed = false;
for (const c of selected) {
  for (const backend of backends) {
    try {
      const result = await withFreshDatabase(backend, (database) => c.run({ backend, database }));
      console.log(`BENCH ${c.name} ratio=${result.ratio.toFixed(2)} backend=${backend} ${result.details}`);
      if (result.failure) {
        failed = true;
        console.error(`bench case ${c.name} on ${backend} FAILED: ${result.failure}`);
      }
    } catch (err) {
      failed = true;
      console.error(`bench case ${c.name} on ${backend} failed:`, err);
    }
  }
}
process.exit(failed ? 1 : 0);
