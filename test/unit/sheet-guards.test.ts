/**
 * What never reaches the spreadsheet parser: every refusal of `inspectXlsx`, each made from a real
 * exported sheet changed the way a person or an attacker would change it.
 */
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectXlsx, type InspectResult } from '#shared/sheet/guards';
import { sheetLimits } from '#shared/sheet/limits';
import { editZip, exportFor, patchDeclaredSize, testCatalog } from '#test/support/sheet-files';

let sheet: Buffer;

beforeAll(async () => {
  sheet = (await exportFor(await testCatalog(), { kind: 'ka', id: 'jido-fukushi' }, 'FY2013-Q2')).buffer;
});

const refusal = (result: InspectResult) => (result.ok ? undefined : result.refusal);

describe('inspectXlsx', () => {
  it('accepts the exported sheet and counts what it inflates to', () => {
    const result = inspectXlsx(sheet, '進捗管理シート_児童福祉課_FY2013-Q2.xlsx');
    expect(result).toMatchObject({ ok: true });
    expect(result.ok && result.uncompressedBytes).toBeGreaterThan(sheet.length);
  });

  it('refuses an empty file and one over the size limit before opening it', () => {
    expect(refusal(inspectXlsx(Buffer.alloc(0), 'a.xlsx'))?.code).toBe('empty');
    const big = Buffer.concat([sheet, Buffer.alloc(sheetLimits.maxFileBytes)]);
    expect(refusal(inspectXlsx(big, 'a.xlsx'))).toMatchObject({ code: 'too-large', ja: expect.stringContaining('上限 4.0 MB') });
  });

  it('refuses names that are not .xlsx, and names a macro-enabled extension as such', () => {
    expect(refusal(inspectXlsx(sheet, 'report.xlsm'))).toMatchObject({ code: 'macro', en: expect.stringContaining('.xlsm') });
    expect(refusal(inspectXlsx(sheet, 'report.csv'))?.code).toBe('wrong-extension');
    expect(refusal(inspectXlsx(sheet, 'report'))?.code).toBe('wrong-extension');
    expect(inspectXlsx(sheet, 'REPORT.XLSX').ok).toBe(true);
  });

  it('refuses a file that is only named .xlsx (a PDF, a CSV, random bytes)', () => {
    for (const content of [Buffer.from('%PDF-1.4\n%âãÏÓ\n'), Buffer.from('事業ID,状況\n2-2-3,予定どおり\n'), Buffer.from([1, 2, 3, 4, 5])]) {
      expect(refusal(inspectXlsx(content, 'sheet.xlsx'))).toMatchObject({ code: 'not-xlsx', ja: expect.stringContaining('名前だけ .xlsx') });
    }
  });

  it('refuses a truncated package', () => {
    expect(refusal(inspectXlsx(sheet.subarray(0, Math.floor(sheet.length / 2)), 'a.xlsx'))?.code).toBe('not-xlsx');
  });

  it('refuses an old .xls or a password-protected workbook (OLE2 container)', () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]);
    expect(refusal(inspectXlsx(ole, 'a.xlsx'))).toMatchObject({ code: 'legacy-or-encrypted', ja: expect.stringContaining('パスワード') });
  });

  it('refuses a zip that is not a workbook', async () => {
    const zip = new JSZip();
    zip.file('readme.txt', 'hello');
    expect(refusal(inspectXlsx(await zip.generateAsync({ type: 'nodebuffer' }), 'a.xlsx'))?.code).toBe('not-spreadsheet');
  });

  it('refuses a VBA project even when the name and content type say .xlsx', async () => {
    const file = await editZip(sheet, (zip) => {
      zip.file('xl/vbaProject.bin', Buffer.from('fake vba'));
    });
    expect(refusal(inspectXlsx(file, 'a.xlsx'))?.code).toBe('macro');
  });

  it('refuses macro-enabled content (the .xlsm main part content type)', async () => {
    const file = await editZip(sheet, async (zip) => {
      const types = await zip.file('[Content_Types].xml')!.async('string');
      zip.file(
        '[Content_Types].xml',
        types.replace('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml', 'application/vnd.ms-excel.sheet.macroEnabled.main+xml'),
      );
    });
    expect(refusal(inspectXlsx(file, 'a.xlsx'))).toMatchObject({ code: 'macro', ja: expect.stringContaining('.xlsm') });
  });

  it('refuses Excel 4.0 macro sheets', async () => {
    const file = await editZip(sheet, (zip) => {
      zip.file('xl/macrosheets/sheet1.xml', '<xm:macrosheet/>');
    });
    expect(refusal(inspectXlsx(file, 'a.xlsx'))?.code).toBe('macro');
  });

  it('refuses external links, as a part or as a relationship', async () => {
    const asPart = await editZip(sheet, (zip) => {
      zip.file('xl/externalLinks/externalLink1.xml', '<externalLink/>');
    });
    const asRelationship = await editZip(sheet, async (zip) => {
      const rels = await zip.file('xl/_rels/workbook.xml.rels')!.async('string');
      zip.file(
        'xl/_rels/workbook.xml.rels',
        rels.replace(
          '</Relationships>',
          '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink" Target="file:///C:/other.xlsx" TargetMode="External"/></Relationships>',
        ),
      );
    });
    for (const file of [asPart, asRelationship]) {
      expect(refusal(inspectXlsx(file, 'a.xlsx'))).toMatchObject({ code: 'external-link', ja: expect.stringContaining('リンクの解除') });
    }
  });

  it('refuses a zip bomb by the sizes its central directory declares', async () => {
    const file = await editZip(sheet, (zip) => {
      zip.file('xl/media/padding.bin', Buffer.alloc(26 * 1024 * 1024));
    });
    expect(file.length).toBeLessThan(sheetLimits.maxFileBytes);
    expect(refusal(inspectXlsx(file, 'a.xlsx'))?.code).toBe('zip-bomb');
  });

  it('refuses a zip bomb whose central directory lies about the size, while inflating', async () => {
    const honest = await editZip(sheet, (zip) => {
      zip.file('xl/media/image1.bin', Buffer.alloc(2 * 1024 * 1024, 0x41));
    });
    const lying = patchDeclaredSize(honest, 'xl/media/image1.bin', 1000);
    const result = inspectXlsx(lying, 'a.xlsx');
    expect(refusal(result)).toMatchObject({ code: 'zip-bomb', ja: expect.stringContaining('申告より大きく') });
  });

  it('refuses a package with too many parts', async () => {
    const file = await editZip(sheet, (zip) => {
      for (let i = 0; i < sheetLimits.maxEntries; i += 1) zip.file(`xl/media/p${i}.txt`, String(i));
    });
    expect(refusal(inspectXlsx(file, 'a.xlsx'))?.code).toBe('too-many-entries');
  });
});
