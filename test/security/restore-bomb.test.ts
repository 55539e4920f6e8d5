import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { backupDatabase, checksumTables } from '../../server/ops/backup.ts';
import { restoreDatabase } from '../../server/ops/restore.ts';
import { describeApi } from '../api/harness.ts';
import { httpApp } from './http.ts';

const MiB = 1024 * 1024;

/**
 * A gzip bomb built cheaply: gzip files may be concatenated (gunzip reads every member), so one
 * compressed MiB of `fill` repeated `mib` times inflates to `mib` MiB from ~1 KB per MiB.
 */
function bomb(mib: number, fill = ' ', head = ''): Buffer {
  const member = gzipSync(Buffer.alloc(MiB, fill));
  return Buffer.concat([...(head ? [gzipSync(Buffer.from(head))] : []), ...Array.from({ length: mib }, () => member)]);
}

async function backupOf(db: Parameters<typeof backupDatabase>[0]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (c: Buffer) => chunks.push(c));
  await backupDatabase(db, out);
  return Buffer.concat(chunks);
}

const small = { maxLineBytes: 1 * MiB, maxInflatedBytes: 40 * MiB, maxRatio: 50, ratioFreeBytes: 2 * MiB };

describeApi('restore refuses gzip bombs', (env) => {
  it('bounds the line length, the inflated total and the ratio (small injected limits); the data stays as it was', async () => {
    const { db } = env();
    await db.insertInto('org_unit').values({ code: 'KEEP', name: '保留' }).execute();
    const before = await checksumTables(db);
    const restore = (file: Buffer, limits = small) => restoreDatabase(db, Readable.from([file]), undefined, { replace: true, limits });

    // spaces without a newline: the first line never ends
    await expect(restore(bomb(3))).rejects.toMatchObject({ key: 'errors.ops.restoreLineTooLong', params: { line: 1, max: 1 } });
    // a real header line, then a long second line: refused by the ratio (inside the restore's
    // transaction, which has already deleted everything: rolled back)
    const real = await backupOf(db);
    const header = `${gunzipSync(real).toString('utf8').split('\n')[0]}\n`;
    await expect(restore(bomb(10, ' ', header), { ...small, maxLineBytes: 64 * MiB })).rejects.toMatchObject({ key: 'errors.ops.restoreRatio', params: { ratio: 50 } });
    // the ratio allowed, the absolute cap still holds
    await expect(restore(bomb(45, ' ', header), { ...small, maxLineBytes: 64 * MiB, maxRatio: 10_000 })).rejects.toMatchObject({ key: 'errors.ops.restoreTooLarge', params: { max: 40 } });
    // a flood of empty lines (which once cost a step each) is refused at the first one
    await expect(restore(bomb(10, '\n', header))).rejects.toThrow('line 2 is empty');
    expect(await checksumTables(db)).toEqual(before);

    // a real backup restores within small limits that still fit its lines
    await expect(restore(real, { ...small, maxLineBytes: 4 * MiB })).resolves.toMatchObject({ schemaVersion: expect.any(String) });
    expect(await checksumTables(db).then((t) => t.filter((x) => x.name !== 'kysely_migration'))).toEqual(before.filter((x) => x.name !== 'kysely_migration'));
  });

  it('refuses a 5 MB upload inflating to 5 GB of spaces over HTTP quickly, with bounded memory, and changes nothing', async () => {
    const { db } = env();
    await db.insertInto('org_unit').values({ code: 'KEEP', name: '保留' }).execute();
    const file = bomb(5 * 1024);
    expect(file.length).toBeLessThan(6 * MiB);
    const { app, post, lines } = await httpApp(env());
    const before = await checksumTables(db); // after the login (its session and trail row)
    try {
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      let peak = heapBefore;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
      const started = Date.now();
      const res = await post('/api/admin/restore?confirm=replace', file).finally(() => clearInterval(sampler));
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(peak - heapBefore).toBeLessThan(600 * MiB);
      const last = lines(res.body).at(-1)!;
      expect(last.error.messageKey).toBe('errors.ops.restoreLineTooLong');
      expect(last.error.message).toBe('备份文件不可用，现有数据未作任何改动：第 1 行超过 64 MB，ControlBook 备份不会有这样的行。');
      expect(await checksumTables(db)).toEqual(before);
    } finally {
      await app.close();
    }
  });
});

it('the CLI refuses the same bomb with a clear message and a failing exit code', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-bomb-'));
  const file = path.join(dir, 'bomb.cbk');
  fs.writeFileSync(file, bomb(100));
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, ['bin/controlbook.mjs', 'restore', file], {
      env: { ...process.env, DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '', NODE_OPTIONS: '--max-old-space-size=512' },
      encoding: 'utf8',
    }, (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }));
    child.on('error', () => {});
  });
  expect(result.code).not.toBe(0);
  expect(result.stderr).toMatch(/line 1 is longer than 64 MB/);
}, 300_000);
