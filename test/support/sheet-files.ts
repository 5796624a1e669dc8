/**
 * Making 進捗管理シート files for tests the way people and attackers make them: open the exported
 * workbook with exceljs, change cells, save (as Excel would); or change the zip package directly
 * (macros, external links, bombs).
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import type { Directory } from '#shared/domain/directory';
import type { PlanFile } from '#shared/domain/plan';
import type { StoredReport } from '#shared/domain/report';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { canonicalText, dateText, type CellReading } from '#shared/sheet/cells';
import { buildProgressSheet, type ProgressSheet } from '#shared/sheet/export';
import { referenceSheetName, sheetName } from '#shared/sheet/layout';
import { cellHash, chunkReference, isReferenceProblem, signReference, verifyReference, type SheetScope } from '#shared/sheet/reference';

/** A link secret for tests (≥ 32 bytes). */
export const testSecret = 'test-link-secret-0123456789abcdef0123456789';

export async function testCatalog(): Promise<{ plan: PlanFile; directory: Directory }> {
  const [{ plan }, directory] = await Promise.all([readPlanFile(), readDirectoryFile()]);
  return { plan, directory };
}

export async function exportFor(
  catalog: { plan: PlanFile; directory: Directory },
  scope: SheetScope,
  quarter: string,
  options: { lastReports?: ReadonlyMap<string, StoredReport>; secret?: string; now?: Date } = {},
): Promise<ProgressSheet> {
  return buildProgressSheet({
    ...catalog,
    scope,
    quarter,
    lastReports: options.lastReports ?? new Map(),
    dueDate: '2013-10-10',
    secret: options.secret ?? testSecret,
    now: options.now ?? new Date('2013-07-01T00:00:00Z'),
  });
}

/** Open the workbook, let `edit` change it, save it again (what a person does in Excel). */
export async function editWorkbook(
  file: Buffer,
  edit: (ws: ExcelJS.Worksheet, workbook: ExcelJS.Workbook) => void | Promise<void>,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file as unknown as ArrayBuffer);
  await edit(workbook.getWorksheet(sheetName)!, workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * A sheet as an export with other pre-filling rules would have made it: `address` pre-filled with
 * `text`, and the signed reference (re-signed with the test secret) saying that is what was written.
 */
export async function withPrefilled(file: Buffer, address: string, text: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file as unknown as ArrayBuffer);
  workbook.getWorksheet(sheetName)!.getCell(address).value = text;
  const hidden = workbook.getWorksheet(referenceSheetName)!;
  let signed = '';
  for (let row = 1; hidden.getCell(`A${row}`).value; row += 1) signed += String(hidden.getCell(`A${row}`).value);
  const reference = verifyReference(signed, testSecret);
  if (isReferenceProblem(reference)) throw new Error(reference.en);
  const chunks = chunkReference(signReference({ ...reference, cells: { ...reference.cells, [address]: cellHash(text) } }, testSecret));
  for (let row = 1; row <= Math.max(chunks.length, signed.length); row += 1) {
    if (row > chunks.length && !hidden.getCell(`A${row}`).value) break;
    hidden.getCell(`A${row}`).value = chunks[row - 1] ?? null;
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Change the zip package itself. */
export async function editZip(file: Buffer, edit: (zip: JSZip) => void | Promise<void>, compression: 'DEFLATE' | 'STORE' = 'DEFLATE'): Promise<Buffer> {
  const zip = await JSZip.loadAsync(file);
  await edit(zip);
  return zip.generateAsync({ type: 'nodebuffer', compression });
}

/**
 * What a cell says as exceljs reads it — the independent reader the tests check the product's files
 * with (the product reads with hucre, shared/sheet/cells.ts) — in the product's canonical text.
 */
export function readCellValue(value: ExcelJS.CellValue | undefined): CellReading {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'number') return { text: Number.isFinite(value) ? String(value) : '', number: value };
  if (typeof value === 'string') return { text: canonicalText(value) };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) return { text: dateText(value) };
  if ('error' in value) return { text: String(value.error), error: String(value.error) };
  if ('richText' in value) return { text: canonicalText(value.richText.map((run) => run.text).join('')) };
  if ('formula' in value || 'sharedFormula' in value) {
    const formula = 'formula' in value && value.formula ? value.formula : String((value as { sharedFormula?: string }).sharedFormula ?? '');
    const result = (value as { result?: unknown }).result;
    if (result === undefined || result === null) return { text: '', formula, noCachedValue: true };
    return { ...readCellValue(result as ExcelJS.CellValue), formula };
  }
  if ('hyperlink' in value) return readCellValue((value as { text?: ExcelJS.CellValue }).text);
  return { text: canonicalText(String(value)) };
}

/** The row of a 事業 in an exported sheet. */
export function rowOf(sheet: ProgressSheet, measureId: string): number {
  const found = sheet.rows.find((r) => r.measureId === measureId);
  if (!found) throw new Error(`no row for ${measureId}`);
  return found.row;
}

/** The choices of a cell's list validation (the drop-down), as Excel shows them. */
export function dropDownChoices(cell: ExcelJS.Cell): string[] {
  const validation = cell.dataValidation;
  if (validation?.type !== 'list') return [];
  const formula = String(validation.formulae?.[0] ?? '');
  return formula.replace(/^"|"$/g, '').split(',');
}

/**
 * Rewrites the sizes a zip declares for one entry (local header and central directory), leaving the
 * data alone: the classic lying zip bomb.
 */
export function patchDeclaredSize(file: Buffer, entryName: string, declared: number): Buffer {
  const out = Buffer.from(file);
  const name = Buffer.from(entryName, 'utf8');
  for (let i = 0; i < out.length - 4; i += 1) {
    const signature = out.readUInt32LE(i);
    if (signature === 0x04034b50 && out.subarray(i + 30, i + 30 + name.length).equals(name) && out.readUInt16LE(i + 26) === name.length) {
      out.writeUInt32LE(declared, i + 22);
    }
    if (signature === 0x02014b50 && out.subarray(i + 46, i + 46 + name.length).equals(name) && out.readUInt16LE(i + 28) === name.length) {
      out.writeUInt32LE(declared, i + 24);
    }
  }
  return out;
}
