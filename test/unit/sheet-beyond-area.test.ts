/**
 * Finding what is written beyond the area the import reads (shared/sheet/beyond-area.ts), in packages
 * written by hand the ways other spreadsheet programs write them: namespace prefixes, absolute
 * relationship targets, inline strings, formulas, formatting alone.
 */
import JSZip from 'jszip';
import { parseRange } from 'hucre';
import { describe, expect, it } from 'vitest';
import { cellsBeyond } from '#shared/sheet/beyond-area';

const area = parseRange('A1:AZ10000');

async function packageOf(options: { prefix?: string; target: string; sheetXml: string; sheetPath: string; name?: string }): Promise<Buffer> {
  const p = options.prefix ? `${options.prefix}:` : '';
  const ns = options.prefix ? `xmlns:${options.prefix}` : 'xmlns';
  const zip = new JSZip();
  zip.file(
    'xl/workbook.xml',
    `<?xml version="1.0"?><${p}workbook ${ns}="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
      `<${p}sheets><${p}sheet name="参照" sheetId="2" r:id="rId2"/><${p}sheet r:id="rId1" sheetId="1" name="${options.name ?? '進捗管理シート'}"/></${p}sheets></${p}workbook>`,
  );
  zip.file(
    'xl/_rels/workbook.xml.rels',
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>' +
      `<Relationship Target="${options.target}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Id="rId1"/></Relationships>`,
  );
  zip.file(options.sheetPath, options.sheetXml);
  zip.file('xl/worksheets/sheet2.xml', '<worksheet><sheetData><row r="1"><c r="ZZ1"><v>9</v></c></row></sheetData></worksheet>');
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

describe('cellsBeyond', () => {
  it('finds values, inline strings and formulas beyond the area, not formatting, not the cells inside', async () => {
    // Prepare
    const file = await packageOf({
      target: 'worksheets/sheet1.xml',
      sheetPath: 'xl/worksheets/sheet1.xml',
      sheetXml:
        '<worksheet><cols><col min="1" max="60" width="9"/></cols><sheetData>' +
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="AZ1"><v>1</v></c><c r="BA1" t="s"><v>1</v></c><c r="BB1" s="3"/><c r="BC1" s="3"></c></row>' +
        '<row r="2"><c r="BD2" t="inlineStr"><is><t>外</t></is></c></row>' +
        '<row r="10000"><c r="AZ10000"><v>2</v></c></row>' +
        '<row r="10001"><c r="A10001"><f>1+1</f><v>2</v></c></row>' +
        '</sheetData><conditionalFormatting sqref="A1"><cfRule type="expression"/></conditionalFormatting></worksheet>',
    });
    // Act
    const found = cellsBeyond(file, '進捗管理シート', area);
    // Assess
    expect(found).toEqual({ addresses: ['BA1', 'BD2', 'A10001'], count: 3 });
  });

  it('reads namespace-prefixed XML, an absolute target and a name with escaped characters', async () => {
    // Prepare
    const file = await packageOf({
      prefix: 'x',
      name: 'R&amp;D &lt;課&gt;',
      target: '/xl/worksheets/data.xml',
      sheetPath: 'xl/worksheets/data.xml',
      sheetXml: '<x:worksheet xmlns:x="urn:x"><x:sheetData><x:row r="3"><x:c r="ca3"><x:v>5</x:v></x:c></x:row></x:sheetData></x:worksheet>',
    });
    // Act
    const found = cellsBeyond(file, 'R&D <課>', area);
    // Assess
    expect(found).toEqual({ addresses: ['CA3'], count: 1 });
  });

  it('keeps the first addresses and counts them all; answers undefined for a sheet the package does not have', async () => {
    // Prepare
    const cells = Array.from({ length: 30 }, (_, i) => `<row r="${i + 1}"><c r="BA${i + 1}"><v>${i}</v></c></row>`).join('');
    const file = await packageOf({ target: 'worksheets/sheet1.xml', sheetPath: 'xl/worksheets/sheet1.xml', sheetXml: `<worksheet><sheetData>${cells}</sheetData></worksheet>` });
    // Act
    const found = cellsBeyond(file, '進捗管理シート', area, 3);
    const missing = cellsBeyond(file, 'ない', area);
    // Assess
    expect(found).toEqual({ addresses: ['BA1', 'BA2', 'BA3'], count: 30 });
    expect(missing).toBeUndefined();
  });
});
