import { expect, it } from 'vitest';
import { mapHeaders, parseAmount, parseDate } from './approval-import.ts';

it('maps Chinese and English headers, whatever their spacing and case, and names what is missing', () => {
  expect(mapHeaders(['事项', '单号', '申请人', '审批人', '金额', '审批日期', '备注'])).toEqual({
    columns: { matter: 0, referenceNo: 1, requester: 2, approver: 3, amount: 4, approvedOn: 5 },
    missing: [],
    ignored: ['备注'],
    duplicates: [],
  });
  const en = mapHeaders(['\uFEFFMatter', 'Reference No.', 'requester', 'APPROVER', 'Approved on', 'Executed On', 'Vendor', 'Minutes ref']);
  expect(en.columns).toEqual({ matter: 0, referenceNo: 1, requester: 2, approver: 3, approvedOn: 4, executedOn: 5, vendor: 6, minutesRef: 7 });
  expect(mapHeaders(['单号', '金额']).missing).toEqual(['matter', 'requester', 'approver', 'approvedOn']);
  expect(mapHeaders(['事项', 'Matter']).duplicates).toEqual(['matter']);
});

it('reads amounts with separators, currency marks and full-width digits; refuses the rest', () => {
  expect(parseAmount('12,000.50')).toBe(12000.5);
  expect(parseAmount('¥ 3,000')).toBe(3000);
  expect(parseAmount('１２３４')).toBe(1234);
  expect(parseAmount('1.5天')).toBe(1.5);
  expect(parseAmount(42.25)).toBe(42.25);
  expect(parseAmount('')).toBeNull();
  expect(parseAmount(' ')).toBeNull();
  for (const bad of ['12x', '-5', '1,23', '1.234', '1e5', 'NaN']) expect(parseAmount(bad), bad).toBeUndefined();
  expect(parseAmount(-1)).toBeUndefined();
  expect(parseAmount(0.125)).toBeUndefined();
});

it('reads dates in the usual spellings and Excel forms; refuses impossible dates', () => {
  expect(parseDate('2026-03-05')).toBe('2026-03-05');
  expect(parseDate('2026/3/5')).toBe('2026-03-05');
  expect(parseDate('2026.3.5 08:30')).toBe('2026-03-05');
  expect(parseDate('2026年3月5日')).toBe('2026-03-05');
  expect(parseDate('２０２６－０３－０５')).toBe('2026-03-05');
  expect(parseDate(new Date(Date.UTC(2026, 2, 5)))).toBe('2026-03-05');
  expect(parseDate(46086)).toBe('2026-03-05'); // Excel serial
  expect(parseDate('')).toBeNull();
  for (const bad of ['2026-02-30', '03/05/2026', 'yesterday', '2026-13-01']) expect(parseDate(bad), bad).toBeUndefined();
});
