import { expect, it } from 'vitest';
import { APPROVAL_IMPORT_URL } from '../../shared/approval-import.ts';
import { describeApi } from '../api/harness.ts';
import { httpApp } from './http.ts';

const HEADER = '事项,单号,申请人,审批人,金额,审批日期';
/** `count` valid rows of ~100 bytes each (references R-1 …), one line per row after the header. */
const goodRows = (count: number) => Array.from({ length: count }, (_, i) => `PAY,R-${i + 1},E1,E2,${100 + i},2026-03-05`);

describeApi('approvals import: the dry run finds what the commit would', (env) => {
  async function importer() {
    const { db } = env();
    await db.insertInto('authority_matter').values({ code: 'PAY', name: '资金支付', unit: 'CNY', split_window_days: null }).execute();
    await db.insertInto('person').values([{ employee_no: 'E1', name: '申请人甲', email: null }, { employee_no: 'E2', name: '审批人乙', email: null }]).execute();
    const http = await httpApp(env());
    const send = async (body: Buffer, dryRun: boolean) => {
      const res = await http.post(`${APPROVAL_IMPORT_URL}?dryRun=${dryRun ? 1 : 0}&name=records.csv`, body);
      return http.lines(res.body).at(-1)!;
    };
    const count = async () => (await db.selectFrom('approval_record').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    return { app: http.app, send, count };
  }

  it('a NUL byte after 300 KB is a row error in the dry run and the commit (nothing written), not a failed commit', async () => {
    const { app, send, count } = await importer();
    try {
      const rows = goodRows(4000);
      rows[3500] = `PAY,R-3501,E1,E2,100,2026-03-05`.replace('R-3501', 'R-35\u000001');
      const file = Buffer.from([HEADER, ...rows].join('\n'), 'utf8');
      expect(file.indexOf(0)).toBeGreaterThan(100_000);
      const dry = await send(file, true);
      expect(dry.result).toMatchObject({ dryRun: true, rows: 4000, valid: 3999, errorCount: 1 });
      expect(dry.result.errors).toEqual([{ row: 3502, field: 'referenceNo', message: '“单号”含有 NUL 字符，无法保存。' }]);
      const commit = await send(file, false);
      expect(commit.error).toBeUndefined();
      expect(commit.result).toMatchObject({ committed: false, errorCount: 1, errors: dry.result.errors });
      expect(Number(await count())).toBe(0);
      // an Excel number beyond the column (numeric(18, 2)) is refused the same way (CSV text already was)
    } finally {
      await app.close();
    }
  });

  it('a late invalid UTF-8 byte is reported on its own line', async () => {
    const { app, send, count } = await importer();
    try {
      const lines = [HEADER, ...goodRows(6000)].map((l) => Buffer.from(`${l}\n`, 'utf8'));
      lines[5000] = Buffer.concat([Buffer.from('PAY,R-X,E1,E2,1,2026-03-05,'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]); // line 5001
      const file = Buffer.concat(lines);
      for (const dryRun of [true, false]) {
        const last = await send(file, dryRun);
        expect([dryRun, last.error?.message]).toEqual([dryRun, 'CSV 格式错误（第 5001 行）：not utf-8 text']);
      }
      expect(Number(await count())).toBe(0);
    } finally {
      await app.close();
    }
  });
});
