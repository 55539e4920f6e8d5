import type { Command } from 'commander';
import { readConfig } from '../config.ts';
import { openConfiguredDatabase } from '../db/open-from-config.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { Executor } from '../db/connect.ts';
import { verifyAudit } from './service.ts';
import { auditExists } from './queries.ts';

/**
 * `npx controlbook verify-audit ID`: recompute a signed-off audit's content hash (its tests,
 * evidence and findings rows) and compare it with the hash stored at sign-off.
 * Prints OK or MISMATCH with details; returns the exit code (0 OK, 1 otherwise).
 */
export async function verifyAuditCommand(db: Executor, auditId: number, print: (line: string) => void = console.log): Promise<number> {
  if (!(await auditExists(db, auditId))) {
    print(`audit ${auditId}: not found`);
    return 1;
  }
  const check = await verifyAudit(db, auditId);
  const counts = `${check.counts.tests} tests, ${check.counts.evidence} evidence rows, ${check.counts.findings} findings, ${check.counts.findingControls} finding links`;
  if (check.status !== 'signed_off' || check.stored == null) {
    print(`audit ${auditId}: NOT SIGNED OFF (status ${check.status}); nothing to verify — ${counts}`);
    return 1;
  }
  if (check.ok) {
    print(`audit ${auditId}: OK sha256 ${check.computed} (${counts})`);
    return 0;
  }
  print(`audit ${auditId}: MISMATCH — the rows were changed after sign-off`);
  print(`  stored   sha256 ${check.stored}`);
  print(`  computed sha256 ${check.computed} (${counts})`);
  return 1;
}

export function registerAuditCommands(program: Command): void {
  program
    .command('verify-audit')
    .description("recompute a signed-off audit's content hash and compare it with the one stored at sign-off (exit 1 on mismatch)")
    .argument('<id>', 'audit id')
    .action(async (id: string) => {
      const auditId = Number(id);
      if (!Number.isSafeInteger(auditId) || auditId <= 0) throw new Error(`not an audit id: ${id}`);
      const database = await openConfiguredDatabase(readConfig());
      let code: number;
      try {
        await migrateToLatest(database.db);
        code = await verifyAuditCommand(database.db, auditId);
      } finally {
        await database.close();
      }
      process.exitCode = code;
    });
}
