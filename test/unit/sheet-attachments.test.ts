/** Which attachments of a received mail go to the sheet import (shared/sheet/attachments.ts). */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { carriesSheetReference, issuedSheetsOf, workbookAttachmentsOf } from '#shared/sheet/attachments';
import { exportFor, testCatalog } from '#test/support/sheet-files';

let issued: Buffer;
let plain: Buffer;

async function zipOf(files: Record<string, string>): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, text] of Object.entries(files)) zip.file(name, text);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

const workbookXml = (sheets: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheets>${sheets}</x:sheets></x:workbook>`;

beforeAll(async () => {
  issued = (await exportFor(await testCatalog(), { kind: 'ka', id: 'sogo-seisaku' }, 'FY2013-Q2')).buffer;
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('集計').getCell('A1').value = '利用件数';
  workbook.addWorksheet('_hidden').state = 'veryHidden';
  plain = Buffer.from(await workbook.xlsx.writeBuffer());
});

describe('carriesSheetReference', () => {
  it('knows a sheet this system issued by the worksheet of its signed reference', () => {
    // Act / Assess
    expect(carriesSheetReference(issued)).toBe(true);
  });

  it('reads only the workbook part: a prefixed <sheet> element counts, another name does not', async () => {
    // Prepare
    const listed = await zipOf({ 'xl/workbook.xml': workbookXml('<x:sheet name="進捗管理シート" sheetId="1"/><x:sheet state="veryHidden" name=\'_shinchoku\' sheetId="2"/>') });
    const lookalike = await zipOf({ 'xl/workbook.xml': workbookXml('<x:sheet name="_shinchoku_old" sheetId="1"/><x:sheet name="x" sheetName="_shinchoku"/>') });
    const elsewhere = await zipOf({ 'xl/worksheets/sheet1.xml': '<sheet name="_shinchoku"/>', 'word/document.xml': '_shinchoku' });
    // Act / Assess
    expect(carriesSheetReference(listed)).toBe(true);
    expect(carriesSheetReference(lookalike)).toBe(false);
    expect(carriesSheetReference(elsewhere)).toBe(false);
  });

  it.each([
    ['an ordinary workbook', () => plain],
    ['an old .xls or a password-protected workbook (OLE2)', () => Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(600).fill(0)])],
    ['an empty file', () => Buffer.alloc(0)],
    ['a zip header and nothing else', () => Buffer.from('PK\u0003\u0004 not really a workbook, only named like one')],
    ['a cut-off sheet', () => issued.subarray(0, Math.floor(issued.length / 2))],
  ])('says no for %s', (_, file) => {
    // Act / Assess
    expect(carriesSheetReference(file())).toBe(false);
  });
});

describe('workbookAttachmentsOf / issuedSheetsOf', () => {
  it('lists every spreadsheet-named file, marks the issued sheets, and hands only those to the import', () => {
    // Prepare
    const attachments = [
      { filename: '参考資料.xlsx', content: plain },
      { filename: ' 進捗管理シート_総合政策課_FY2013-Q2.xlsx ', content: issued },
      { filename: '進捗管理シート.xlsm', content: issued },
      { filename: '資料.pdf', content: Buffer.from('%PDF-1.4') },
      { filename: 'inline.xlsx', content: issued, related: true },
    ];
    // Act
    const workbooks = workbookAttachmentsOf(attachments);
    const sheets = issuedSheetsOf(workbooks);
    // Assess
    expect(workbooks.map((w) => [w.fileName, w.issued])).toEqual([
      ['参考資料.xlsx', false],
      ['進捗管理シート_総合政策課_FY2013-Q2.xlsx', true],
      ['進捗管理シート.xlsm', true],
    ]);
    expect(sheets.map((s) => s.fileName)).toEqual(['進捗管理シート_総合政策課_FY2013-Q2.xlsx', '進捗管理シート.xlsm']);
  });
});
