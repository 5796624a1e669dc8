/**
 * How the import reads a cell (shared/sheet/cells.ts): from a workbook written by another program
 * (exceljs), read with the product's reader (hucre), every kind of cell a person can leave behind.
 */
import ExcelJS from 'exceljs';
import { readXlsx } from 'hucre/xlsx';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalText, readCell, type CellReading } from '#shared/sheet/cells';

let readAt: (address: string) => CellReading;

beforeAll(async () => {
  // Prepare: one cell of each kind, as Excel (here exceljs) saves them.
  const workbook = new ExcelJS.Workbook();
  const ws = workbook.addWorksheet('S');
  ws.getCell('A1').value = '  説明会\r\nを開催  ';
  ws.getCell('A2').value = 1234.5;
  ws.getCell('A3').value = { formula: 'A2*2', result: 2469 };
  ws.getCell('A4').value = { formula: 'A2*3' } as ExcelJS.CellFormulaValue;
  ws.getCell('A5').value = { error: '#DIV/0!' } as ExcelJS.CellErrorValue;
  ws.getCell('A6').value = { formula: '1/0', result: { error: '#DIV/0!' } } as ExcelJS.CellFormulaValue;
  ws.getCell('A7').value = { richText: [{ text: '予定' }, { text: 'どおり', font: { bold: true } }] };
  ws.getCell('A8').value = new Date('2013-07-01T00:00:00Z');
  ws.getCell('A9').value = true;
  ws.getCell('A10').value = { formula: 'A1', result: '説明会' };
  ws.getCell('B3').value = { formula: 'A3+1', result: 2470, shareType: 'shared', ref: 'B3:B4' } as ExcelJS.CellFormulaValue;
  ws.getCell('B4').value = { sharedFormula: 'B3', result: 2471 } as ExcelJS.CellSharedFormulaValue;
  const [sheet] = (await readXlsx(Buffer.from(await workbook.xlsx.writeBuffer()))).sheets;
  readAt = (address) => {
    const col = address.charCodeAt(0) - 65;
    const row = Number(address.slice(1)) - 1;
    return readCell(sheet!.cells?.get(`${row},${col}`) ?? { value: sheet!.rows[row]?.[col] ?? null });
  };
});

describe('readCell', () => {
  it('reads text as the import compares it: NFC, \\n line breaks, no surrounding blanks', () => {
    expect(readAt('A1')).toEqual({ text: '説明会\nを開催' });
    expect(canonicalText('e\u0301')).toBe('é');
  });

  it('reads numbers as plain digits with the number, dates as YYYY-MM-DD, booleans as TRUE/FALSE', () => {
    expect(readAt('A2')).toEqual({ text: '1234.5', number: 1234.5 });
    expect(readAt('A8')).toEqual({ text: '2013-07-01' });
    expect(readAt('A9')).toEqual({ text: 'TRUE' });
  });

  it('reads a formula as its saved value, and says when it has none (never evaluates)', () => {
    expect(readAt('A3')).toEqual({ text: '2469', number: 2469, formula: 'A2*2' });
    expect(readAt('A10')).toEqual({ text: '説明会', formula: 'A1' });
    expect(readAt('A4')).toEqual({ text: '', formula: 'A2*3', noCachedValue: true });
  });

  it('reads the cells of a shared formula after the first as formulas too, with their saved values', () => {
    expect(readAt('B3')).toMatchObject({ text: '2470', formula: 'A3+1' });
    expect(readAt('B4')).toEqual({ text: '2471', number: 2471, formula: '' });
  });

  it('reads an error value as its code, in the cell or as a formula result', () => {
    expect(readAt('A5')).toEqual({ text: '#DIV/0!', error: '#DIV/0!' });
    expect(readAt('A6')).toEqual({ text: '#DIV/0!', error: '#DIV/0!', formula: '1/0' });
  });

  it('reads rich text as its characters, and an empty cell as empty', () => {
    expect(readAt('A7')).toEqual({ text: '予定どおり' });
    expect(readAt('C9')).toEqual({ text: '' });
    expect(readCell(undefined)).toEqual({ text: '' });
  });
});
