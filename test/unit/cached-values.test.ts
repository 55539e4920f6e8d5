import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { cachedResult, loadWorkbook } from '../fixtures/cached-values.ts';

/** The workbook tests' reader of formula results must fail on a missing result, not read it as 0. */
describe('cachedResult', () => {
  it('reads a cached 0 as 0, a cached number and text as such, and refuses a formula without a result', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('汇总');
    ws.getCell('A1').value = { formula: '1-1', result: 0 };
    ws.getCell('A2').value = { formula: '1+1', result: 2 };
    ws.getCell('A3').value = { formula: 'IF(TRUE,"N/A",1)', result: 'N/A' };
    ws.getCell('A4').value = { formula: '2+2' } as ExcelJS.CellFormulaValue; // no cached value
    ws.getCell('A5').value = 7;
    const back = await loadWorkbook(Buffer.from(await wb.xlsx.writeBuffer()));
    const sheet = back.getWorksheet('汇总')!;
    // exceljs alone cannot tell the first from the fourth
    expect((sheet.getCell('A1').value as ExcelJS.CellFormulaValue).result).toBeUndefined();
    expect((sheet.getCell('A4').value as ExcelJS.CellFormulaValue).result).toBeUndefined();
    expect(cachedResult(sheet.getCell('A1'))).toBe(0);
    expect(cachedResult(sheet.getCell('A2'))).toBe(2);
    expect(cachedResult(sheet.getCell('A3'))).toBe('N/A');
    expect(() => cachedResult(sheet.getCell('A4'))).toThrow(/汇总!A4 has no cached result/);
    expect(() => cachedResult(sheet.getCell('A5'))).toThrow(/holds no formula/);
  });
});
