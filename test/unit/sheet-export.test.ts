/**
 * The exported 進捗管理シート, opened with exceljs as Excel would open it: the rows are the 部会's 事業,
 * the drop-down and number checks are there, only the input cells are unlocked, the print setup and
 * the title block are as offices expect, and the signed reference matches what was written.
 */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Directory } from '#shared/domain/directory';
import type { PlanFile } from '#shared/domain/plan';
import { reportStatuses, type StoredReport } from '#shared/domain/report';
import { sheetRows, resolveScope } from '#shared/sheet/export';
import { columns, editableColumns, firstDataRow, headerRow, referenceSheetName, sheetName } from '#shared/sheet/layout';
import { cellHash, isReferenceProblem, verifyReference } from '#shared/sheet/reference';
import { dropDownChoices, exportFor, readCellValue, rowOf, testCatalog, testSecret } from '#test/support/sheet-files';

let catalog: { plan: PlanFile; directory: Directory };

beforeAll(async () => {
  catalog = await testCatalog();
});

async function open(buffer: Buffer): Promise<{ workbook: ExcelJS.Workbook; ws: ExcelJS.Worksheet }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  return { workbook, ws: workbook.getWorksheet(sheetName)! };
}

function report(overrides: Partial<StoredReport>): StoredReport {
  return {
    measureId: '3-3-1',
    quarter: 'FY2013-Q1',
    kind: 'report',
    status: '遅れ気味',
    milestones: [],
    budgetExecutedThousandYen: 1234,
    narrative: '説明会を開催しました。',
    issues: '参加者が少ない',
    nextSteps: '周知を強化',
    reporter: { kaId: 'jido-fukushi', ka: '児童福祉課', bukai: '健康福祉専門部会', person: '佐藤' },
    version: 1,
    reference: 'FY2013-Q1-3-3-1-v1',
    channel: 'web',
    submittedAt: '2013-07-05T01:00:00.000Z',
    attachments: [],
    ...overrides,
  };
}

describe('rows', () => {
  it('has one row per 事業 that a 課 of the 部会 owns, in plan order, and nothing else', async () => {
    // Prepare
    const bukai = catalog.directory.bukai.find((b) => b.id === 'kenko-fukushi')!;
    const expected = catalog.plan.measures.filter((m) => m.owners.some((o) => o.bukai === bukai.name)).map((m) => m.id);
    // Act
    const sheet = await exportFor(catalog, { kind: 'bukai', id: 'kenko-fukushi' }, 'FY2013-Q2');
    const { ws } = await open(sheet.buffer);
    // Assess
    const ids: string[] = [];
    for (let r = firstDataRow; readCellValue(ws.getCell(`A${r}`).value).text !== ''; r += 1) ids.push(readCellValue(ws.getCell(`A${r}`).value).text);
    expect(ids).toEqual(expected);
    expect(sheet.rows.map((r) => r.measureId)).toEqual(expected);
    expect(readCellValue(ws.getCell(`B${rowOf(sheet, '3-3-1')}`).value).text).toBe(catalog.plan.measures.find((m) => m.id === '3-3-1')!.name);
  });

  it('gives a 課 sheet only the 事業 that 課 owns', () => {
    // Act
    const rows = sheetRows(catalog.plan, resolveScope(catalog.directory, { kind: 'ka', id: 'jido-fukushi' }), 'FY2013-Q2');
    // Assess
    expect(rows.map((r) => r.measure.id)).toEqual(['3-2-1', '3-3-1', '3-3-2']);
  });

  it('lists every owning 課 of the 部会 in 担当課 for a co-owned 事業', async () => {
    const sheet = await exportFor(catalog, { kind: 'bukai', id: 'kenko-fukushi' }, 'FY2013-Q2');
    const { ws } = await open(sheet.buffer);
    const owners = readCellValue(ws.getCell(`C${rowOf(sheet, '3-2-1')}`).value).text.split('\n');
    expect(owners.sort()).toEqual(['健康増進課', '児童福祉課', '社会福祉課', '高齢福祉課'].sort());
  });
});

describe('input cells', () => {
  it('offers exactly the five statuses as a drop-down on every 状況 cell', async () => {
    const sheet = await exportFor(catalog, { kind: 'bukai', id: 'kenko-fukushi' }, 'FY2013-Q2');
    const { ws } = await open(sheet.buffer);
    for (const { row } of sheet.rows) {
      const cell = ws.getCell(`F${row}`);
      expect(dropDownChoices(cell)).toEqual([...reportStatuses]);
      expect(cell.dataValidation.errorStyle).toBe('stop');
    }
  });

  it('accepts only numbers from 0 in 執行額, and limits the text lengths', async () => {
    const sheet = await exportFor(catalog, { kind: 'ka', id: 'jido-fukushi' }, 'FY2013-Q2');
    const { ws } = await open(sheet.buffer);
    const row = rowOf(sheet, '3-3-1');
    const executed = ws.getCell(`H${row}`).dataValidation;
    expect(executed).toMatchObject({ type: 'decimal', operator: 'between', formulae: [0, 100_000_000] });
    expect(ws.getCell(`I${row}`).dataValidation).toMatchObject({ type: 'textLength', operator: 'lessThanOrEqual', formulae: [4000] });
    expect(ws.getCell(`L${row}`).dataValidation).toMatchObject({ type: 'textLength', formulae: [100] });
  });

  it('unlocks only the input columns and protects the sheet without a password', async () => {
    const sheet = await exportFor(catalog, { kind: 'bukai', id: 'kenko-fukushi' }, 'FY2013-Q2');
    const { ws } = await open(sheet.buffer);
    const editable = new Set<string>(editableColumns.map((c) => c.letter));
    expect([...editable].sort()).toEqual(['F', 'H', 'I', 'J', 'K', 'L']);
    for (const { row } of sheet.rows) {
      for (const c of columns) {
        const locked = ws.getCell(`${c.letter}${row}`).protection?.locked !== false;
        expect({ cell: `${c.letter}${row}`, locked }).toEqual({ cell: `${c.letter}${row}`, locked: !editable.has(c.letter) });
      }
    }
    expect(ws.getCell('B2').protection?.locked).not.toBe(false);
    const protection = (ws as unknown as { sheetProtection: Record<string, unknown> }).sheetProtection;
    // true = allowed while protected: people may widen columns and rows, never insert, delete or sort.
    expect(protection).toMatchObject({ sheet: true, formatColumns: true, formatRows: true });
    expect([protection.insertRows, protection.deleteRows, protection.sort, protection.insertColumns]).toEqual([undefined, undefined, undefined, undefined]);
    expect(protection.hashValue).toBeUndefined();
  });
});

describe('layout', () => {
  it('prints on A4 landscape, one page wide, with the header row repeated and frozen', async () => {
    const sheet = await exportFor(catalog, { kind: 'bukai', id: 'kikaku' }, 'FY2013-Q2');
    const { ws } = await open(sheet.buffer);
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
    expect(ws.pageSetup.printTitlesRow).toBe(`${headerRow}:${headerRow}`);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: headerRow, xSplit: 2 });
    for (const c of columns) expect(ws.getColumn(c.letter).width).toBe(c.width);
  });

  it('names the plan, the 部会, the quarter in 和暦 and Western form, and the due date', async () => {
    const sheet = await exportFor(catalog, { kind: 'bukai', id: 'kenko-fukushi' }, 'FY2013-Q2');
    const { ws } = await open(sheet.buffer);
    const text = (a: string) => readCellValue(ws.getCell(a).value).text;
    expect(text('B2')).toContain(catalog.plan.plan.title);
    expect(text('B3')).toContain('健康福祉専門部会');
    expect(text('B4')).toContain('平成25年度 第2四半期');
    expect(text('B4')).toContain('FY2013 Q2');
    expect(text('B5')).toBe('平成25年10月10日 (2013-10-10)');
    expect(text(`F${headerRow}`)).toBe('状況\nStatus');
  });

  it("marks this fiscal year's milestones in the schedule column", async () => {
    // Prepare: 2-2-1 has a step only in FY2012 and others later.
    const measure = catalog.plan.measures.find((m) => m.milestones.some((s) => s.fiscalYears.to < 2013) && m.milestones.some((s) => s.fiscalYears.from <= 2013 && s.fiscalYears.to >= 2013))!;
    const bukai = catalog.directory.bukai.find((b) => b.name === measure.owners[0]!.bukai)!;
    // Act
    const sheet = await exportFor(catalog, { kind: 'bukai', id: bukai.id }, 'FY2013-Q2');
    const { ws } = await open(sheet.buffer);
    // Assess
    const value = ws.getCell(`D${rowOf(sheet, measure.id)}`).value as ExcelJS.CellRichTextValue;
    const current = value.richText.filter((run) => run.font?.bold === true).map((run) => run.text.trim());
    const others = value.richText.filter((run) => run.font?.bold !== true).map((run) => run.text.trim());
    expect(current.length).toBeGreaterThan(0);
    expect(current.every((t) => t.startsWith('▶'))).toBe(true);
    expect(others.every((t) => t.startsWith('・'))).toBe(true);
    expect(current.length + others.length).toBe(measure.milestones.length);
  });

  it("shows this fiscal year's planned budget from the plan's budget lines", async () => {
    // 3-1-2 has one line for FY2014 only (7,500 千円).
    const sheet13 = await exportFor(catalog, { kind: 'bukai', id: 'somu' }, 'FY2013-Q2');
    const sheet14 = await exportFor(catalog, { kind: 'bukai', id: 'somu' }, 'FY2014-Q2');
    const planned = async (s: typeof sheet13) => (await open(s.buffer)).ws.getCell(`G${rowOf(s, '3-1-2')}`).value;
    expect(await planned(sheet13)).toBe(0);
    expect(await planned(sheet14)).toBe(7500);
  });
});

describe('pre-filling', () => {
  it('fills the input cells from the last report, and the executed amount only within its fiscal year', async () => {
    // Prepare
    const last = report({});
    const lastYear = report({ measureId: '3-3-2', quarter: 'FY2012-Q4', status: '予定どおり', reference: 'FY2012-Q4-3-3-2-v1' });
    // Act
    const sheet = await exportFor(catalog, { kind: 'ka', id: 'jido-fukushi' }, 'FY2013-Q2', { lastReports: new Map([['3-3-1', last], ['3-3-2', lastYear]]) });
    const { ws } = await open(sheet.buffer);
    // Assess
    const row = rowOf(sheet, '3-3-1');
    const text = (c: string) => readCellValue(ws.getCell(`${c}${row}`).value).text;
    expect([text('F'), ws.getCell(`H${row}`).value, text('I'), text('J'), text('K'), text('L')]).toEqual([
      '遅れ気味',
      1234,
      '説明会を開催しました。',
      '参加者が少ない',
      '周知を強化',
      '佐藤',
    ]);
    expect(text('E')).toBe('遅れ気味\n(H25年度 第1四半期)');
    const other = rowOf(sheet, '3-3-2');
    expect(ws.getCell(`H${other}`).value).toBeNull();
    expect(readCellValue(ws.getCell(`F${other}`).value).text).toBe('予定どおり');
    expect(readCellValue(ws.getCell(`E${rowOf(sheet, '3-2-1')}`).value).text).toBe('報告なし');
  });

  it("carries the person over only where nobody else signs with it: on a 課's own sheet from that 課's report, on a 部会 sheet for a 事業 one 課 owns", async () => {
    // Prepare: 3-2-1 is owned by 児童福祉課 and other 課 of the 部会; its last report is 社会福祉課's
    const coOwners = report({ measureId: '3-2-1', reference: 'FY2013-Q1-3-2-1-v1', reporter: { kaId: 'shakai-fukushi', ka: '社会福祉課', bukai: '健康福祉専門部会', person: '鈴木' } });
    const lastReports = new Map([['3-2-1', coOwners], ['3-3-1', report({})]]);
    // Act
    const own = await exportFor(catalog, { kind: 'ka', id: 'jido-fukushi' }, 'FY2013-Q2', { lastReports });
    const bukai = await exportFor(catalog, { kind: 'bukai', id: 'kenko-fukushi' }, 'FY2013-Q2', { lastReports });
    // Assess
    const person = async (sheet: typeof own, measureId: string) => readCellValue((await open(sheet.buffer)).ws.getCell(`L${rowOf(sheet, measureId)}`).value).text;
    expect(await person(own, '3-2-1')).toBe('');
    expect(await person(own, '3-3-1')).toBe('佐藤');
    expect(await person(bukai, '3-2-1')).toBe('');
    expect(await person(bukai, '3-3-1')).toBe('佐藤');
  });

  it("leaves the person empty on a 部会 sheet when the one owner's 事業 was last reported by another 課 (a former owner)", async () => {
    // Prepare: 3-3-1 is 児童福祉課's alone; its last report was signed by 社会福祉課, its owner before a plan revision
    const formerOwner = report({ reporter: { kaId: 'shakai-fukushi', ka: '社会福祉課', bukai: '健康福祉専門部会', person: '鈴木' } });
    // Act
    const bukai = await exportFor(catalog, { kind: 'bukai', id: 'kenko-fukushi' }, 'FY2013-Q2', { lastReports: new Map([['3-3-1', formerOwner]]) });
    // Assess
    const { ws } = await open(bukai.buffer);
    expect(readCellValue(ws.getCell(`L${rowOf(bukai, '3-3-1')}`).value).text).toBe('');
    expect(readCellValue(ws.getCell(`I${rowOf(bukai, '3-3-1')}`).value).text).toBe(formerOwner.narrative);
  });
});

describe('signed reference', () => {
  it('sits in a very hidden sheet and verifies with the link secret only', async () => {
    const sheet = await exportFor(catalog, { kind: 'bukai', id: 'kenko-fukushi' }, 'FY2013-Q2');
    const { workbook } = await open(sheet.buffer);
    const hidden = workbook.getWorksheet(referenceSheetName)!;
    expect(hidden.state).toBe('veryHidden');
    const text = readCellValue(hidden.getCell('A1').value).text;
    const verified = verifyReference(text, testSecret);
    expect(isReferenceProblem(verified)).toBe(false);
    expect(verified).toMatchObject({ scope: { kind: 'bukai', id: 'kenko-fukushi' }, quarter: 'FY2013-Q2', planVersion: '2012-03', tenant: 'shimotsuke' });
    expect(verifyReference(text, `${testSecret}-other`)).toMatchObject({ problem: 'bad-signature' });
  });

  it('holds the hash of every cell as exceljs reads it back, so an untouched sheet shows no edits', async () => {
    const sheet = await exportFor(catalog, { kind: 'bukai', id: 'kikaku' }, 'FY2013-Q2', {
      lastReports: new Map([['2-2-3', report({ measureId: '2-2-3', narrative: '一行目\n二行目', quarter: 'FY2013-Q2' })]]),
    });
    const { ws } = await open(sheet.buffer);
    const changed = Object.entries(sheet.reference.cells).filter(([address, hash]) => cellHash(readCellValue(ws.getCell(address).value).text) !== hash);
    expect(changed).toEqual([]);
    expect(Object.keys(sheet.reference.cells)).toContain(`L${firstDataRow + sheet.rows.length - 1}`);
  });
});
