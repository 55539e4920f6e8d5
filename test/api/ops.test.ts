import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeApi, type Backend } from './harness.ts';
import { openDatabase, type Db } from '../../server/db/connect.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { migrations } from '../../migrations/index.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { backupDatabase, checksumTables, type BackupHeader, type TableSummary } from '../../server/ops/backup.ts';
import { BackupFileError, restoreDatabase } from '../../server/ops/restore.ts';
import { moveToPostgres } from '../../server/ops/move-to-postgres.ts';

const LATEST = Object.keys(migrations).at(-1)!;
const WEIRD = `总部 "double" 'single' back\\slash\nnew line\ttab 🎉 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u2028 \u00e9\u0301 end`;
const MICROS = '2026-01-02 03:04:05.123456+00';

/** A second, freshly migrated database of the same backend. */
async function freshTarget(backend: Backend): Promise<{ db: Db; close(): Promise<void> }> {
  if (backend === 'pglite') {
    const database = await openDatabase({ kind: 'pglite' });
    await migrateToLatest(database.db);
    return { db: database.db, close: () => database.close() };
  }
  const url = process.env.DATABASE_URL!;
  const schema = `r_${randomBytes(6).toString('hex')}`;
  const admin = await openDatabase({ kind: 'postgres', url, poolSize: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 2, searchPath: schema });
  await migrateToLatest(database.db);
  return {
    db: database.db,
    async close() {
      await database.close();
      await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
      await admin.close();
    },
  };
}

async function backupToBuffer(db: Db) {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  const result = await backupDatabase(db, out);
  return { buffer: Buffer.concat(chunks), result };
}

const restoreFrom = (db: Db, buffer: Buffer) => restoreDatabase(db, Readable.from([buffer]));

/** Rows that stress the encoding: unicode, quotes, newlines, jsonb shapes, arrays, nulls, microseconds, child-before-parent ids. */
async function addTrickyRows(db: Db): Promise<{ goneUnitId: number }> {
  const a = await db.insertInto('org_unit').values({ code: 'TRICKY-A', name: WEIRD, parent_id: null }).returning('id').executeTakeFirstOrThrow();
  const b = await db.insertInto('org_unit').values({ code: 'TRICKY-B', name: "O'Brien \"B\"", parent_id: null }).returning('id').executeTakeFirstOrThrow();
  // the lower id becomes the child of the higher one: primary-key order puts the child first
  await db.updateTable('org_unit').set({ parent_id: b.id }).where('id', '=', a.id).execute();
  // two units that are each other's parent (possible by update): restore must break and re-close the cycle
  const c1 = await db.insertInto('org_unit').values({ code: 'CYCLE-1', name: 'cycle 1', parent_id: null }).returning('id').executeTakeFirstOrThrow();
  const c2 = await db.insertInto('org_unit').values({ code: 'CYCLE-2', name: 'cycle 2', parent_id: c1.id }).returning('id').executeTakeFirstOrThrow();
  await db.updateTable('org_unit').set({ parent_id: c2.id }).where('id', '=', c1.id).execute();
  const gone = await db.insertInto('org_unit').values({ code: 'GONE', name: 'deleted later' }).returning('id').executeTakeFirstOrThrow();
  await db.deleteFrom('org_unit').where('id', '=', gone.id).execute();

  await db.insertInto('person').values({ employee_no: 'E-NULL', name: 'Null Email 空邮箱', email: null, active: false }).execute();
  await db.insertInto('login_failure').values({ username: 'x\u0000'.slice(0, 1) + '\\', address: '::1' }).execute();

  await sql`insert into audit_trail (at, actor_user_id, actor_username, entity, entity_id, action, before, after) values
    (${MICROS}::timestamptz, null, 'cli', 'org_unit', null, 'test',
     ${JSON.stringify({ nested: { a: [1, 2.5, null, true, '🎉'], s: 'quote " backslash \\ 引号' }, empty: {}, list: [] })}::jsonb,
     '"a json string"'::jsonb),
    (now(), null, 'cli', 'misc', 'x', 'test', 'null'::jsonb, '[1, {"k": "v"}, 1.50, 12345678901234567890]'::jsonb)`.execute(db);

  const manual = await db.selectFrom('manual').select('id').executeTakeFirstOrThrow();
  await sql`insert into manual_node (manual_id, parent_id, order_key, kind, title, body, design_subjects, design_business_types, design_unit_ids)
    values (${manual.id}, null, 'zz~test', 'chapter', ${WEIRD}, ${'line 1\r\nline 2 [[node:1]]'},
            array['a,b', 'quote"d', '{brace}', 'NULL', '', null, 'ü']::text[], '{}'::text[], array[1, 2, 3]::integer[])`.execute(db);
  return { goneUnitId: gone.id };
}

async function allRows(db: Db, table: string): Promise<string[]> {
  const { rows } = await sql<Record<string, unknown>>`select * from ${sql.id(table)}`.execute(db);
  return rows.map((r) => JSON.stringify(r)).sort();
}

function withoutMigrations(sums: TableSummary[]) {
  return sums.filter((s) => s.name !== 'kysely_migration');
}

function rewriteHeader(buffer: Buffer, edit: (h: BackupHeader) => void): Buffer {
  const text = gunzipSync(buffer).toString('utf8');
  const nl = text.indexOf('\n');
  const header = JSON.parse(text.slice(0, nl)) as BackupHeader;
  edit(header);
  return gzipSync(Buffer.from(JSON.stringify(header) + text.slice(nl)));
}

describeApi('backup and restore', (env) => {
  it('round-trips every table exactly into a fresh database; sequences continue', async () => {
    const { db, backend } = env();
    await seedDemo(db);
    const { goneUnitId } = await addTrickyRows(db);
    const source = await checksumTables(db);
    const { buffer, result } = await backupToBuffer(db);
    expect(result.schemaVersion).toBe(LATEST);
    expect(result.tables.map((t) => t.name)).toContain('kysely_migration');
    expect(result.tables.map((t) => t.name)).not.toContain('kysely_migration_lock');
    expect(result.tables).toEqual(source); // what the trailer records is what the database holds

    const header = JSON.parse(gunzipSync(buffer).toString('utf8').split('\n')[0]!) as BackupHeader;
    expect(header).toMatchObject({ format: 'controlbook-backup', formatVersion: 1, schemaVersion: LATEST, backend });
    expect(header.tables.find((t) => t.name === 'org_unit')!.columns).toContainEqual({ name: 'parent_id', type: 'integer' });

    const target = await freshTarget(backend);
    try {
      const restored = await restoreFrom(target.db, buffer);
      expect(restored.schemaVersion).toBe(LATEST);
      expect(restored.tables.every((t) => t.verified === 'checksum' || t.name === 'kysely_migration')).toBe(true);
      expect(restored.tables.find((t) => t.name === 'kysely_migration')).toMatchObject({ restored: 0, skipped: Object.keys(migrations).length });

      const copy = await checksumTables(target.db);
      expect(withoutMigrations(copy)).toEqual(withoutMigrations(source));
      for (const t of withoutMigrations(source)) {
        expect(await allRows(target.db, t.name), t.name).toEqual(await allRows(db, t.name));
      }
      const names = async (d: Db) => (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(d)).rows.map((r) => r.name);
      expect(await names(target.db)).toEqual(await names(db));

      // spot checks through the ordinary query path
      const unit = await target.db.selectFrom('org_unit').selectAll().where('code', '=', 'TRICKY-A').executeTakeFirstOrThrow();
      const parent = await target.db.selectFrom('org_unit').select('id').where('code', '=', 'TRICKY-B').executeTakeFirstOrThrow();
      expect(unit.name).toBe(WEIRD);
      expect(unit.parent_id).toBe(parent.id);
      const trail = await sql<{ at: string; before: unknown; after: unknown }>`
        select at::text as at, before, after from audit_trail where action = 'test' order by id`.execute(target.db);
      expect(trail.rows[0]).toEqual({
        at: MICROS,
        before: { nested: { a: [1, 2.5, null, true, '🎉'], s: 'quote " backslash \\ 引号' }, empty: {}, list: [] },
        after: 'a json string',
      });
      const jsonNull = await sql<{ kind: string | null }>`select jsonb_typeof(before) as kind from audit_trail where entity = 'misc'`.execute(target.db);
      expect(jsonNull.rows[0]!.kind).toBe('null'); // jsonb null stays jsonb null, not SQL NULL
      const node = await target.db.selectFrom('manual_node').selectAll().where('order_key', '=', 'zz~test').executeTakeFirstOrThrow();
      expect(node.design_subjects).toEqual(['a,b', 'quote"d', '{brace}', 'NULL', '', null, 'ü']);
      expect(node.design_unit_ids).toEqual([1, 2, 3]);
      const person = await target.db.selectFrom('person').selectAll().where('employee_no', '=', 'E-NULL').executeTakeFirstOrThrow();
      expect(person).toMatchObject({ email: null, active: false });

      // sequences: new rows get fresh ids, and the id of a deleted unit is not handed out again
      const maxId = (await target.db.selectFrom('org_unit').select((eb) => eb.fn.max('id').as('m')).executeTakeFirstOrThrow()).m as number;
      const fresh = await target.db.insertInto('org_unit').values({ code: 'AFTER', name: 'after restore' }).returning('id').executeTakeFirstOrThrow();
      expect(fresh.id).toBeGreaterThan(Math.max(maxId, goneUnitId));
      const person2 = await target.db.insertInto('person').values({ employee_no: 'E-NEW', name: 'n' }).returning('id').executeTakeFirstOrThrow();
      expect(person2.id).toBeGreaterThan(person.id);
    } finally {
      await target.close();
    }
  });

  it('handles tables without a primary key, text keys over several pages, long child-first chains, identity and generated columns', async () => {
    const { db, backend } = env();
    const ddl = async (d: Db) => {
      await sql`create table extra_tree (code varchar(20) primary key, parent varchar(20) references extra_tree (code), note text)`.execute(d);
      await sql`create table extra_nopk (a integer, b text, c jsonb)`.execute(d);
      await sql`create table extra_ident (id integer generated always as identity primary key, v text not null,
                  doubled integer generated always as (length(v) * 2) stored)`.execute(d);
    };
    await ddl(db);
    // a chain of 4,500 nodes where every child sorts before its parent; mixed-case keys test the "C" ordering
    await sql`insert into extra_tree (code, parent, note)
      select 'n' || lpad(i::text, 5, '0'), case when i < 4500 then 'n' || lpad((i + 1)::text, 5, '0') end, null
        from generate_series(1, 4500) i`.execute(db);
    await sql`insert into extra_tree (code, parent, note) values ('B', null, 'upper'), ('a', 'B', 'lower'), ('_', 'a', 'underscore'), ('Ä', 'a', 'umlaut')`.execute(db);
    await sql`insert into extra_nopk (a, b, c)
      select i % 7, case when i % 5 = 0 then null else 'v' || (i % 11) end, jsonb_build_object('i', i % 3)
        from generate_series(1, 4500) i`.execute(db);
    await sql`insert into extra_ident (v) select repeat('x', i % 9 + 1) from generate_series(1, 30) i`.execute(db);
    await sql`delete from extra_ident where id > 25`.execute(db);
    const source = await checksumTables(db);
    expect(source.find((t) => t.name === 'extra_tree')!.rowCount).toBe(4504);
    const { buffer } = await backupToBuffer(db);

    const target = await freshTarget(backend);
    try {
      await ddl(target.db);
      await restoreFrom(target.db, buffer);
      expect(withoutMigrations(await checksumTables(target.db))).toEqual(withoutMigrations(source));
      for (const t of ['extra_tree', 'extra_nopk', 'extra_ident']) expect(await allRows(target.db, t), t).toEqual(await allRows(db, t));
      const next = await sql<{ id: number }>`insert into extra_ident (v) values ('new') returning id`.execute(target.db);
      expect(next.rows[0]!.id).toBe(31); // past the deleted ids too
    } finally {
      await target.close();
    }
  });

  it('refuses a database that already holds data, naming the table', async () => {
    const { db, backend } = env();
    await seedDemo(db);
    const { buffer } = await backupToBuffer(db);
    // into the source itself
    await expect(restoreFrom(db, buffer)).rejects.toThrow(/target database is not empty: table \w+ has rows/);
    // a second restore into a restored database
    const target = await freshTarget(backend);
    try {
      await restoreFrom(target.db, buffer);
      await expect(restoreFrom(target.db, buffer)).rejects.toThrow(/not empty: table \w+ has rows/);
      // one user row is enough
      const other = await freshTarget(backend);
      try {
        await other.db.insertInto('org_unit').values({ code: 'ONE', name: 'one' }).execute();
        await expect(restoreFrom(other.db, buffer)).rejects.toThrow('table org_unit has rows');
      } finally {
        await other.close();
      }
    } finally {
      await target.close();
    }
  });

  it('refuses a backup of another schema version, naming both versions', async () => {
    const { db, backend } = env();
    await seedDemo(db);
    const { buffer } = await backupToBuffer(db);
    const older = rewriteHeader(buffer, (h) => {
      h.schemaVersion = '2020_01_01_0001_older';
    });
    const target = await freshTarget(backend);
    try {
      const err = await restoreFrom(target.db, older).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).toContain('2020_01_01_0001_older');
      expect(err?.message).toContain(LATEST);
      expect(await target.db.selectFrom('org_unit').select('id').execute()).toEqual([]);
      const newerFormat = rewriteHeader(buffer, (h) => {
        h.formatVersion = 2;
      });
      await expect(restoreFrom(target.db, newerFormat)).rejects.toThrow(/format version 2 is not supported/);
    } finally {
      await target.close();
    }
  });

  it('refuses truncated, corrupted or tampered files cleanly and leaves the target untouched', async () => {
    const { db, backend } = env();
    await seedDemo(db);
    await addTrickyRows(db);
    const { buffer } = await backupToBuffer(db);
    const target = await freshTarget(backend);
    try {
      const truncated = buffer.subarray(0, Math.floor(buffer.length * 0.6));
      const err = await restoreFrom(target.db, truncated).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackupFileError);
      expect((err as Error).message).toMatch(/truncated or corrupt/);

      // damage in several places: whatever the garbage decodes to (bad gzip, bad JSON, or values
      // the database refuses before the checksums are reached), the answer is "corrupt"
      for (const at of [0.3, 0.45, 0.5, 0.65, 0.8]) {
        const flipped = Buffer.from(buffer);
        const from = Math.floor(buffer.length * at);
        for (let i = from; i < from + 8; i++) flipped[i]! ^= 0x5a;
        const damaged = await restoreFrom(target.db, flipped).catch((e: unknown) => e);
        expect(damaged, `damage at ${at}`).toBeInstanceOf(BackupFileError);
        expect((damaged as Error).message).toMatch(/corrupt|truncated/);
      }

      // valid gzip, one value changed: caught by the trailer's checksum
      const text = gunzipSync(buffer).toString('utf8');
      const tamperedText = text
        .split('\n')
        .map((line) => (line.startsWith('{"t":"org_unit"') ? line.replace('示范集团总部', '示范集团总部X') : line))
        .join('\n');
      expect(tamperedText).not.toBe(text);
      const tampered = gzipSync(Buffer.from(tamperedText));
      await expect(restoreFrom(target.db, tampered)).rejects.toThrow(/org_unit does not match the checksum in its trailer/);

      // the trailer line cut off, gzip intact
      const noTrailer = gzipSync(Buffer.from(text.slice(0, text.lastIndexOf('{"trailer"'))));
      await expect(restoreFrom(target.db, noTrailer)).rejects.toThrow(/ends before its trailer/);

      await expect(restoreFrom(target.db, Buffer.from('hello, not a backup'))).rejects.toThrow(/not a ControlBook backup/);
      await expect(restoreFrom(target.db, gzipSync(Buffer.from('{"hello":1}\n')))).rejects.toThrow(/not a ControlBook backup/);

      // every failure rolled back: the target is still empty and takes the good file
      expect(await target.db.selectFrom('org_unit').select('id').execute()).toEqual([]);
      expect(await target.db.selectFrom('audit_trail').select('id').execute()).toEqual([]);
      await restoreFrom(target.db, buffer);
      expect(withoutMigrations(await checksumTables(target.db))).toEqual(withoutMigrations(await checksumTables(db)));
    } finally {
      await target.close();
    }
  });
});

/** An empty database on the PostgreSQL server, for a move to land in. */
async function scratchPostgres<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const url = new URL(process.env.DATABASE_URL!);
  const name = `cb_move_${randomBytes(5).toString('hex')}`;
  const admin = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 1 });
  await sql`create database ${sql.id(name)}`.execute(admin.db);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
    await admin.close();
  }
}

async function withDb<T>(url: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 1 });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

describe('move-to-postgres', () => {
  const withPostgres = it.runIf(!!process.env.DATABASE_URL);

  withPostgres('copies a populated PGlite database into an empty PostgreSQL database, then refuses a second move', async () => {
    const source = await openDatabase({ kind: 'pglite' });
    try {
      await migrateToLatest(source.db);
      await seedDemo(source.db);
      await addTrickyRows(source.db);
      await scratchPostgres(async (url) => {
        const lines: string[] = [];
        const result = await moveToPostgres(source, url, (l) => lines.push(l));
        expect(result.tables.every((t) => t.equal)).toBe(true);
        expect(result.tables.find((t) => t.name === 'org_unit')!.sourceRows).toBeGreaterThan(5);
        expect(lines.some((l) => /^org_unit\s+\d+\s+\d+\s+✓ [0-9a-f]{12}$/.test(l))).toBe(true);
        // the target as its own reader sees it, row for row
        await withDb(url, async (db) => expect(withoutMigrations(await checksumTables(db))).toEqual(withoutMigrations(await checksumTables(source.db))));
        await expect(moveToPostgres(source, url, () => {})).rejects.toThrow(/not empty: table \w+ has rows/);
      });
    } finally {
      await source.close();
    }
  });

  withPostgres('moves tables without a primary key, text keys over many pages, child-first chains, identity and generated columns', async () => {
    const source = await openDatabase({ kind: 'pglite' });
    const ddl = async (d: Db) => {
      await sql`create table extra_tree (code varchar(20) primary key, parent varchar(20) references extra_tree (code), note text)`.execute(d);
      await sql`create table extra_nopk (a integer, b text, c jsonb)`.execute(d);
      await sql`create table extra_ident (id integer generated always as identity primary key, v text not null,
                  doubled integer generated always as (length(v) * 2) stored)`.execute(d);
    };
    try {
      await migrateToLatest(source.db);
      await ddl(source.db);
      // every child sorts before its parent, and pages are cut inside the chain; mixed-case keys test the "C" order
      await sql`insert into extra_tree (code, parent, note)
        select 'n' || lpad(i::text, 5, '0'), case when i < 4500 then 'n' || lpad((i + 1)::text, 5, '0') end, repeat('x', i % 300)
          from generate_series(1, 4500) i`.execute(source.db);
      await sql`insert into extra_tree (code, parent, note) values ('B', null, 'upper'), ('a', 'B', e'tab\there'), ('_', 'a', null), ('Ä', 'a', 'umlaut')`.execute(source.db);
      await sql`insert into extra_nopk (a, b, c)
        select i % 7, case when i % 5 = 0 then null else 'v' || (i % 11) end, jsonb_build_object('i', i % 3)
          from generate_series(1, 4500) i`.execute(source.db);
      await sql`insert into extra_ident (v) select repeat('x', i % 9 + 1) from generate_series(1, 30) i`.execute(source.db);
      await sql`delete from extra_ident where id > 25`.execute(source.db);
      await scratchPostgres(async (url) => {
        await withDb(url, ddl);
        const result = await moveToPostgres(source, url, () => {});
        expect(result.tables.find((t) => t.name === 'extra_tree')).toMatchObject({ sourceRows: 4504, targetRows: 4504, equal: true });
        await withDb(url, async (db) => {
          for (const t of ['extra_tree', 'extra_nopk', 'extra_ident']) expect(await allRows(db, t), t).toEqual(await allRows(source.db, t));
          const next = await sql<{ id: number }>`insert into extra_ident (v) values ('new') returning id`.execute(db);
          expect(next.rows[0]!.id).toBe(31); // past the deleted ids too
        });
      });
    } finally {
      await source.close();
    }
  });

  withPostgres('leaves the target empty when a row cannot be copied', async () => {
    const source = await openDatabase({ kind: 'pglite' });
    try {
      await migrateToLatest(source.db);
      await seedDemo(source.db);
      await addTrickyRows(source.db); // a person without an email
      await scratchPostgres(async (url) => {
        await withDb(url, async (db) => {
          await migrateToLatest(db);
          await sql`alter table person add constraint person_needs_email check (email is not null)`.execute(db);
        });
        await expect(moveToPostgres(source, url, () => {})).rejects.toThrow(/person_needs_email/);
        await withDb(url, async (db) => {
          // nothing of the half-done copy stayed, not even the tables copied before person
          expect(await db.selectFrom('org_unit').select('id').execute()).toEqual([]);
          expect(await db.selectFrom('person').select('id').execute()).toEqual([]);
          // the built-in reference rows the migrations made are back as they were
          expect((await db.selectFrom('duty_category').select('code').execute()).length).toBeGreaterThan(0);
        });
      });
    } finally {
      await source.close();
    }
  });
});
