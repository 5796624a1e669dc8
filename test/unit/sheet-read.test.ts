/**
 * Reading a returned sheet against its signed reference, before anything about the sender is known:
 * which rows changed, which stayed as pre-filled or blank, what was edited outside the input cells,
 * and what a person should know about how a cell was read.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Directory } from '#shared/domain/directory';
import type { PlanFile } from '#shared/domain/plan';
import type { StoredReport } from '#shared/domain/report';
import type { ProgressSheet } from '#shared/sheet/export';
import { readProgressSheet, type SheetReading } from '#shared/sheet/import';
import { editWorkbook, editZip, exportFor, rowOf, testCatalog, testSecret } from '#test/support/sheet-files';

let catalog: { plan: PlanFile; directory: Directory };
let sheet: ProgressSheet;

const last: StoredReport = {
  measureId: '3-3-2',
  quarter: 'FY2013-Q1',
  kind: 'report',
  status: '予定どおり',
  milestones: [],
  narrative: '運用中',
  issues: '',
  nextSteps: '',
  reporter: { kaId: 'jido-fukushi', ka: '児童福祉課', bukai: '健康福祉専門部会', person: '佐藤' },
  version: 1,
  reference: 'FY2013-Q1-3-3-2-v1',
  channel: 'web',
  submittedAt: '2013-07-05T01:00:00.000Z',
  attachments: [],
};

beforeAll(async () => {
  catalog = await testCatalog();
  sheet = await exportFor(catalog, { kind: 'ka', id: 'jido-fukushi' }, 'FY2013-Q2', { lastReports: new Map([['3-3-2', last]]) });
});

async function read(file: Buffer): Promise<SheetReading> {
  const outcome = await readProgressSheet(file, testSecret);
  if (!outcome.ok) throw new Error(outcome.problems.map((p) => p.en).join('; '));
  return outcome.reading;
}

describe('readProgressSheet', () => {
  it('tells changed rows from unchanged and blank ones, and reads the changed row as a report', async () => {
    // Prepare
    const r = rowOf(sheet, '3-3-1');
    const file = await editWorkbook(sheet.buffer, (ws) => {
      ws.getCell(`F${r}`).value = '予定通り';
      ws.getCell(`H${r}`).value = '１２３千円';
      ws.getCell(`I${r}`).value = '  説明会を開催  ';
      ws.getCell(`L${r}`).value = '山田';
    });
    // Act
    const reading = await read(file);
    // Assess
    expect(reading.rows.map((row) => [row.measureId, row.state])).toEqual([
      ['3-2-1', 'blank'],
      ['3-3-1', 'changed'],
      ['3-3-2', 'unchanged'],
    ]);
    expect(reading.rows[1]!.input).toEqual({
      measureId: '3-3-1',
      quarter: 'FY2013-Q2',
      status: '予定どおり',
      budgetExecutedThousandYen: '１２３千円',
      narrative: '説明会を開催',
      issues: '',
      nextSteps: '',
      person: '山田',
    });
    expect(reading.rows[1]!.changedCells).toEqual([`F${r}`, `H${r}`, `I${r}`, `L${r}`]);
    expect(reading.notes).toEqual([expect.objectContaining({ cell: `F${r}`, ja: '状況「予定通り」を「予定どおり」として読み取りました' })]);
    expect(reading.problems).toEqual([]);
  });

  it('treats a pre-filled row retyped with the same values (a number typed as full-width text) as unchanged', async () => {
    const r = rowOf(sheet, '3-3-2');
    const file = await editWorkbook(sheet.buffer, (ws) => {
      ws.getCell(`I${r}`).value = '運用中';
      ws.getCell(`L${r}`).value = { richText: [{ text: '佐藤' }] };
    });
    const reading = await read(file);
    expect(reading.rows.find((row) => row.measureId === '3-3-2')?.state).toBe('unchanged');
  });

  it('lists edits outside the input cells, other sheets and text beside the table as ignored, in reading order', async () => {
    const r = rowOf(sheet, '3-3-1');
    const file = await editWorkbook(sheet.buffer, (ws, workbook) => {
      ws.getCell(`G${r}`).value = 999;
      ws.getCell('B3').value = '別の部会';
      ws.getCell(`M${r}`).value = 'メモ';
      workbook.addWorksheet('作業用');
    });
    const reading = await read(file);
    expect(reading.ignored.map((p) => p.cell ?? p.sheet)).toEqual(['作業用', 'B3', `G${r}`, `M${r}`]);
    expect(reading.rows.every((row) => row.state !== 'changed')).toBe(true);
  });

  it('reads only the area a sheet can use: a cell far away is not read, takes no memory for the cells between, and is listed as not read', async () => {
    // Prepare: without a bound, T999999 makes the reader hold a rectangle of 20 million cells
    const r = rowOf(sheet, '3-3-1');
    const file = await editWorkbook(sheet.buffer, (ws) => {
      ws.getCell('T999999').value = 'far away';
      ws.getCell('BA1').value = 'far right';
      ws.getCell('BB2').value = { formula: '1+1', result: 2 };
      ws.getCell('BC3').fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFF0000' } };
      ws.getCell(`AZ${r}`).value = 'at the edge';
      ws.getCell(`F${r}`).value = '遅れ気味';
    });
    // Act
    const reading = await read(file);
    // Assess: the edge is inside the area (an edit outside the table); formatting alone is nothing
    expect(reading.ignored.map((p) => p.cell)).toEqual(['BA1', 'BB2', `AZ${r}`, 'T999999']);
    expect(reading.ignored.find((p) => p.cell === 'T999999')).toMatchObject({ sheet: '進捗管理シート', ja: expect.stringContaining('A1:AZ10000'), en: expect.stringContaining('was not read') });
    expect(reading.rows.find((row) => row.measureId === '3-3-1')).toMatchObject({ state: 'changed', changedCells: [`F${r}`] });
  });

  it('lists the first 20 cells beyond the area and counts the rest, on a renamed sheet too', async () => {
    // Prepare: a name with characters XML escapes
    const file = await editWorkbook(sheet.buffer, (ws) => {
      ws.name = '児童福祉課 <R&D>';
      for (let row = 1; row <= 25; row += 1) ws.getCell(`CA${row}`).value = `right ${row}`;
    });
    // Act
    const reading = await read(file);
    const beyond = reading.ignored.filter((p) => p.ja.includes('A1:AZ10000'));
    // Assess: what is about the sheet as a whole comes before the cells
    expect(beyond.map((p) => p.cell)).toEqual([undefined, ...Array.from({ length: 20 }, (_, i) => `CA${i + 1}`)]);
    expect(beyond[0]).toMatchObject({ sheet: '児童福祉課 <R&D>', ja: expect.stringContaining('ほかに 5 個'), en: '5 more cells beyond A1:AZ10000 hold something and were not read' });
  });

  it('refuses a sheet with a column inserted, rather than read each cell after it as the next field', async () => {
    // Prepare: a 備考 column after 進捗状況 moves 課題 into 今後の予定 and 今後の予定 into 報告者
    const r = rowOf(sheet, '3-3-1');
    const file = await editWorkbook(sheet.buffer, (ws) => {
      ws.spliceColumns(10, 0, []);
      ws.getCell('J8').value = '備考';
      ws.getCell(`J${r}`).value = '備考: 来月確認';
      ws.getCell(`F${r}`).value = '遅れ気味';
    });
    // Act
    const outcome = await readProgressSheet(file, testSecret);
    // Assess
    expect(outcome.ok).toBe(true);
    const problems = outcome.ok ? outcome.reading.problems : [];
    expect(problems.map((p) => p.cell)).toEqual(['J8', 'K8', 'L8']);
    expect(problems[0]).toMatchObject({ ja: expect.stringContaining('列の挿入・削除・並べ替え'), en: expect.stringContaining('columns must not be inserted') });
  });

  it('lists a heading written beside the table as ignored: a column after the last one shifts nothing', async () => {
    // Prepare
    const r = rowOf(sheet, '3-3-1');
    const file = await editWorkbook(sheet.buffer, (ws) => {
      ws.getCell('N8').value = '備考';
      ws.getCell(`N${r}`).value = '来月確認';
      ws.getCell(`F${r}`).value = '遅れ気味';
    });
    // Act
    const reading = await read(file);
    // Assess
    expect(reading.problems).toEqual([]);
    expect(reading.ignored.map((p) => p.cell)).toEqual(['N8', `N${r}`]);
    expect(reading.rows.find((row) => row.measureId === '3-3-1')).toMatchObject({ state: 'changed', changedCells: [`F${r}`] });
  });

  it('refuses a merge spanning the whole grid without walking its cells', async () => {
    // Prepare: A1:XFD1048576 is 17 billion cells; clipped to the area read, still far more than a sheet merges
    const file = await editWorkbook(sheet.buffer, (_ws, workbook) => {
      workbook.addWorksheet('作業用');
    });
    const merged = await editZip(file, async (zip) => {
      const names = Object.keys(zip.files).filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n));
      for (const name of names) {
        const xml = await zip.file(name)!.async('string');
        const withMerge = xml.includes('<mergeCells')
          ? xml.replace(/<mergeCells count="\d+">/, (open) => `${open}<mergeCell ref="A20:XFD1048576"/>`)
          : xml.replace('</sheetData>', '</sheetData><mergeCells count="1"><mergeCell ref="A20:XFD1048576"/></mergeCells>');
        zip.file(name, withMerge);
      }
    });
    // Act
    const outcome = await readProgressSheet(merged, testSecret);
    // Assess
    expect(outcome).toEqual({ ok: false, problems: [expect.objectContaining({ ja: expect.stringContaining('結合されたセルが多すぎる'), en: expect.stringContaining('too many merged cells') })] });
  });

  it('parses only the sheet it reads and the reference: another sheet, however large, is listed and not parsed', async () => {
    // Prepare: 30 sheets each reaching the corner of the area would be 15 million cells held at once
    const file = await editWorkbook(sheet.buffer, (_ws, workbook) => {
      for (let i = 1; i <= 30; i += 1) workbook.addWorksheet(`作業${i}`).getCell('AZ10000').value = i;
    });
    // Act
    const before = process.memoryUsage().heapUsed;
    const reading = await read(file);
    const grown = process.memoryUsage().heapUsed - before;
    // Assess
    expect(reading.ignored.filter((p) => p.cell === undefined).map((p) => p.sheet)).toEqual(Array.from({ length: 30 }, (_, i) => `作業${i + 1}`));
    expect(grown).toBeLessThan(50 * 1024 * 1024); // parsed, these sheets would take about 200 MB
  });

  it('reads a renamed sheet, and says so', async () => {
    const file = await editWorkbook(sheet.buffer, (ws) => {
      ws.name = '児童福祉課';
    });
    const reading = await read(file);
    expect(reading.sheet).toBe('児童福祉課');
    expect(reading.notes[0]?.ja).toContain('シート名が');
  });
});
