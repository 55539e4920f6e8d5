import { Readable, PassThrough } from 'node:stream';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { verifyAuditCommand } from '../../server/audits/cli.ts';
import { auditContentHash } from '../../server/audits/service.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { backupDatabase, checksumTables } from '../../server/ops/backup.ts';
import { restoreDatabase } from '../../server/ops/restore.ts';
import { GUARDED_TABLES } from '../../migrations/2026_12_04_0001_sec_data_guards.ts';
import { describeApi } from '../api/harness.ts';

/** As an attacker with table-owner rights would: every user trigger of `audit` off for one statement. */
async function bypassingGuards(db: Parameters<typeof seedDemo>[0], statement: ReturnType<typeof sql>) {
  await sql`alter table audit disable trigger user`.execute(db);
  try {
    await statement.execute(db);
  } finally {
    await sql`alter table audit enable trigger user`.execute(db);
  }
}

describeApi('guards without gaps', (env) => {
  it('refuses TRUNCATE of every guarded table (directly and by CASCADE), and restore over the data still works', async () => {
    const { db } = env();
    await seedDemo(db);
    const before = await checksumTables(db);
    for (const table of GUARDED_TABLES) {
      await expect(sql`truncate table ${sql.id(table)} cascade`.execute(db), table).rejects.toThrow(/TRUNCATE of \w+ refused/);
    }
    // a table the audits reference, truncated with CASCADE, would reach them
    await expect(sql`truncate table app_user cascade`.execute(db)).rejects.toThrow(/TRUNCATE of \w+ refused/);
    expect(await checksumTables(db)).toEqual(before);

    // restore-with-replace turns the guards off inside its transaction: it still replaces everything
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await backupDatabase(db, out);
    await db.insertInto('org_unit').values({ code: 'AFTER', name: '之后' }).execute();
    await restoreDatabase(db, Readable.from([Buffer.concat(chunks)]), undefined, { replace: true });
    const data = (t: Awaited<ReturnType<typeof checksumTables>>) => t.filter((x) => x.name !== 'kysely_migration');
    expect(data(await checksumTables(db))).toEqual(data(before));
    await expect(sql`truncate table audit_trail`.execute(db)).rejects.toThrow(/TRUNCATE of audit_trail refused/);
  });

  it('the content hash covers the audit row: a changed name, base date or signer of a signed-off audit is a MISMATCH; v1 hashes still verify', async () => {
    const { db } = env();
    await seedDemo(db);
    const signed = await db.selectFrom('audit').select(['id', 'name', 'content_hash_version']).where('status', '=', 'signed_off').executeTakeFirstOrThrow();
    expect(signed.content_hash_version).toBe(2);
    const verify = async () => {
      const lines: string[] = [];
      const code = await verifyAuditCommand(db, signed.id, (l) => lines.push(l));
      return { code, line: lines[0] };
    };
    expect(await verify()).toMatchObject({ code: 0, line: expect.stringMatching(/: OK sha256 [0-9a-f]{64} /) });

    for (const change of [sql`update audit set name = name || ' (edited)' where id = ${signed.id}`, sql`update audit set base_date = base_date - 1 where id = ${signed.id}`, sql`update audit set signed_off_by = reviewer_signed_by where id = ${signed.id}`, sql`update audit set scope_process_ids = '{}' where id = ${signed.id}`]) {
      const row = await db.selectFrom('audit').selectAll().where('id', '=', signed.id).executeTakeFirstOrThrow();
      await bypassingGuards(db, change);
      expect(await verify()).toEqual({ code: 1, line: `audit ${signed.id}: MISMATCH — the rows were changed after sign-off` });
      await bypassingGuards(db, sql`update audit set name = ${row.name}, base_date = ${row.base_date}, signed_off_by = ${row.signed_off_by}, scope_process_ids = ${sql.val(row.scope_process_ids)}::integer[] where id = ${signed.id}`);
      expect((await verify()).code).toBe(0);
    }

    // an audit signed off before the v2 format: its stored v1 hash verifies the v1 way
    const v1 = await auditContentHash(db, signed.id, 1);
    expect(v1).not.toBe(await auditContentHash(db, signed.id, 2));
    await bypassingGuards(db, sql`update audit set content_hash = ${v1}, content_hash_version = 1 where id = ${signed.id}`);
    expect(await verify()).toMatchObject({ code: 0, line: expect.stringContaining(`OK sha256 ${v1}`) });
    // and still catches what v1 covers: a changed test result
    await sql`alter table audit_test disable trigger user`.execute(db);
    await sql`update audit_test set notes = 'edited' where id = (select min(id) from audit_test where audit_id = ${signed.id})`.execute(db);
    await sql`alter table audit_test enable trigger user`.execute(db);
    expect((await verify()).code).toBe(1);
  });
});
