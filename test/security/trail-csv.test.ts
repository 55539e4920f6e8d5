import { expect, it } from 'vitest';
import { describeApi } from '../api/harness.ts';
import { httpApp } from './http.ts';

describeApi('trail.csv validates its query before streaming', (env) => {
  it('answers 400 with a clear message for dates the database cannot hold and NUL bytes, instead of a cut-off download', async () => {
    const { app, get } = await httpApp(env());
    try {
      const cases: [string, string, string][] = [
        ['from=0000-01-01', 'errors.trail.badDate', '“开始日期”必须是 0001-01-01 至 9999-12-30 之间的日期（YYYY-MM-DD）。'],
        ['to=9999-12-31', 'errors.trail.badDate', '“结束日期”必须是 0001-01-01 至 9999-12-30 之间的日期（YYYY-MM-DD）。'],
        ['actor=%00', 'errors.trail.badText', '“操作人”不能包含 NUL 字符。'],
        ['entity=a%00b', 'errors.trail.badText', '“对象类型”不能包含 NUL 字符。'],
        ['from=not-a-date', 'errors.trail.badDate', '“开始日期”必须是 0001-01-01 至 9999-12-30 之间的日期（YYYY-MM-DD）。'],
      ];
      for (const [query, key, message] of cases) {
        const res = await get(`/api/admin/trail.csv?${query}`);
        expect([query, res.statusCode, res.headers['content-type']]).toEqual([query, 400, 'application/json; charset=utf-8']);
        expect(res.json().error).toEqual({ messageKey: key, message });
      }
      // the edges the database holds still work
      const ok = await get('/api/admin/trail.csv?from=0001-01-01&to=9999-12-30&actor=admin1');
      expect(ok.statusCode).toBe(200);
      expect(ok.body.split('\r\n')[0]).toBe('\uFEFFid,at,actor,entity,entity_id,action,before,after');
    } finally {
      await app.close();
    }
  });
});
