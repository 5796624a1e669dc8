/**
 * Returned 進捗管理シート against a real DynamoDB (DynamoDB Local): the good sheet records its changed
 * rows once, and each bad sheet records nothing and names the cell or the reason.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Directory } from '#shared/domain/directory';
import type { PlanFile } from '#shared/domain/plan';
import { reportReference } from '#shared/domain/report';
import { importAnswerText } from '#shared/sheet/answer';
import { importSheet, type SheetImportResult } from '#shared/sheet/import';
import { sheetReplyMail } from '#shared/sheet/mail';
import { referenceSheetName, sheetName } from '#shared/sheet/layout';
import { exportSheet } from '#shared/sheet/service';
import { maxReportVersions, reportHistory, reportsOfQuarter, reportToItem } from '#shared/store/report-items';
import type { Store } from '#shared/store/store';
import { submitReport, type Caller } from '#shared/submit-report';
import { createTestTable, type TestTable } from '#test/support/dynamo';
import { dropDownChoices, editWorkbook, editZip, exportFor, rowOf, testCatalog, testSecret, withPrefilled } from '#test/support/sheet-files';

const quarter = 'FY2013-Q2';
let table: TestTable;
let store: Store;
let catalog: { plan: PlanFile; directory: Directory };

function callerFor(kaId: string, q = quarter): Caller {
  const ka = catalog.directory.ka.find((k) => k.id === kaId)!;
  return {
    claims: { tenant: 'shimotsuke', kaId, quarter: q, purpose: 'form', expiresAt: Math.floor(Date.now() / 1000) + 3600 },
    ka,
    reporter: { kaId: ka.id, ka: ka.name, bukai: ka.bukai },
  };
}

async function bukaiSheet(q = quarter): Promise<{ buffer: Buffer; row: (id: string) => number }> {
  const sheet = await exportSheet(store, catalog, { scope: { kind: 'bukai', id: 'kenko-fukushi' }, quarter: q, secret: testSecret });
  return { buffer: sheet.buffer, row: (id) => rowOf(sheet, id) };
}

async function reportCount(): Promise<number> {
  return (await reportsOfQuarter(store, quarter)).length;
}

const importAs = (kaId: string, file: Buffer, options: { fileName?: string; quarter?: string } = {}) =>
  importSheet(store, catalog, callerFor(kaId, options.quarter), file, { fileName: options.fileName ?? '進捗管理シート.xlsx', secret: testSecret });

beforeAll(async () => {
  table = await createTestTable();
  store = table.store();
  catalog = await testCatalog();
  // Last quarter's report of 3-3-2: the sheet is pre-filled with it.
  const seeded = await submitReport(
    store,
    catalog,
    callerFor('jido-fukushi', 'FY2013-Q1'),
    {
      measureId: '3-3-2',
      quarter: 'FY2013-Q1',
      status: '予定どおり',
      milestones: [{ milestoneId: 'm1', progress: 'in_progress', date: '2013-05-01' }],
      narrative: '運用しています。',
      person: '佐藤',
    },
    { channel: 'web', idempotencyKey: 'seed-3-3-2' },
  );
  expect(seeded.outcome).toBe('recorded');
});
afterAll(async () => table?.drop());

describe('a filled-in sheet', () => {
  let filled: Buffer;
  let rows: (id: string) => number;

  beforeAll(async () => {
    const sheet = await bukaiSheet();
    rows = sheet.row;
    filled = await editWorkbook(sheet.buffer, (ws) => {
      const r = rows('3-3-1');
      const choices = dropDownChoices(ws.getCell(`F${r}`));
      ws.getCell(`F${r}`).value = choices[1]!; // 遅れ気味, picked from the list
      ws.getCell(`H${r}`).value = '１２，３４５';
      ws.getCell(`I${r}`).value = '説明会を２回開催しました。\r\n参加者は延べ40名。';
      ws.getCell(`J${r}`).value = '周知不足';
      ws.getCell(`L${r}`).value = '山田 花子';
      const co = rows('3-2-1');
      ws.getCell(`F${co}`).value = choices[0]!;
      ws.getCell(`I${co}`).value = '連携会議を開催';
      ws.getCell(`L${co}`).value = '山田 花子';
      ws.getCell(`B${co}`).value = '事業名を書き換えた';
    });
  });

  it('records the changed rows of the 課, with full-width digits read as numbers', async () => {
    // Act
    const result = await importAs('jido-fukushi', filled);
    // Assess
    expect(result.outcome).toBe('recorded');
    if (result.outcome !== 'recorded') return;
    expect(result.recorded.map((r) => [r.measureId, r.duplicate])).toEqual([
      ['3-2-1', false],
      ['3-3-1', false],
    ]);
    const [stored] = await reportHistory(store, '3-3-1', quarter);
    expect(stored).toMatchObject({
      status: '遅れ気味',
      budgetExecutedThousandYen: 12345,
      narrative: '説明会を２回開催しました。\n参加者は延べ40名。',
      channel: 'sheet',
      reporter: { kaId: 'jido-fukushi', person: '山田 花子' },
    });
    expect(result.recorded.find((r) => r.measureId === '3-3-1')?.reference).toBe(stored!.reference);
  });

  it('does not report the unchanged row again and reads nothing of the other 課 rows', async () => {
    const result = await importAs('jido-fukushi', filled);
    if (result.outcome !== 'recorded') throw new Error(importAnswerText(result));
    expect(result.unchanged.map((r) => r.measureId)).toEqual(['3-3-2']);
    expect(result.otherKaRows.map((r) => r.measureId)).toEqual(expect.arrayContaining(['1-2-3', '3-2-2', '3-2-5']));
    expect(await reportHistory(store, '3-3-2', quarter)).toEqual([]);
  });

  it('records the same file once, however often it is sent', async () => {
    const before = await reportCount();
    const again = await importAs('jido-fukushi', filled);
    expect(again.outcome === 'recorded' && again.recorded.every((r) => r.duplicate)).toBe(true);
    expect(await reportCount()).toBe(before);
    expect(await reportHistory(store, '3-3-1', quarter)).toHaveLength(1);
  });

  it('does not record again the rows of an edited copy that still say what was recorded', async () => {
    // Prepare: the sent sheet, edited once more in one row and saved (another file, another hash).
    const [first] = await reportHistory(store, '3-3-1', quarter);
    const copy = await editWorkbook(filled, (ws) => {
      ws.getCell(`K${rows('3-2-1')}`).value = '次回会議は11月';
    });
    // Act
    const result = await importAs('jido-fukushi', copy);
    // Assess
    if (result.outcome !== 'recorded') throw new Error(importAnswerText(result));
    expect(result.recorded.map((r) => [r.measureId, r.duplicate])).toEqual([
      ['3-2-1', false],
      ['3-3-1', true],
    ]);
    expect(result.recorded.find((r) => r.measureId === '3-3-1')?.reference).toBe(first!.reference);
    expect(await reportHistory(store, '3-3-1', quarter)).toHaveLength(1);
    expect((await reportHistory(store, '3-2-1', quarter)).map((r) => r.version)).toEqual([1, 2]);
  });

  it('lists the edit of a locked column as ignored, and keeps the plan\'s 事業名', async () => {
    const result = await importAs('jido-fukushi', filled);
    expect(result.ignored).toEqual([expect.objectContaining({ cell: `B${rows('3-2-1')}`, ja: expect.stringContaining('無視') })]);
    expect(importAnswerText(result)).toContain(`進捗管理シート!B${rows('3-2-1')}`);
  });

  it('keeps the milestone progress of the last report (the sheet has no milestone columns)', async () => {
    // Prepare
    const sheet = await bukaiSheet();
    const file = await editWorkbook(sheet.buffer, (ws) => {
      ws.getCell(`I${sheet.row('3-3-2')}`).value = '運用を続けています。第2四半期も問題なし。';
    });
    // Act
    const result = await importAs('jido-fukushi', file);
    // Assess
    expect(result.outcome).toBe('recorded');
    const [stored] = await reportHistory(store, '3-3-2', quarter);
    expect(stored?.milestones).toEqual([{ milestoneId: 'm1', progress: 'in_progress', date: '2013-05-01' }]);
    expect(stored?.status).toBe('予定どおり');
  });

  it('reads a formula as its saved value, never evaluating it, and says so', async () => {
    const sheet = await bukaiSheet();
    const r = sheet.row('3-3-1');
    const file = await editWorkbook(sheet.buffer, (ws) => {
      // The cached result deliberately differs from what the formula would compute.
      ws.getCell(`H${r}`).value = { formula: 'SUM(1000,234)', result: 999 } as ExcelJS.CellFormulaValue;
      ws.getCell(`I${r}`).value = '執行額を更新';
    });
    const result = await importAs('jido-fukushi', file);
    expect(result.notes).toEqual([expect.objectContaining({ cell: `H${r}`, ja: expect.stringContaining('計算せず') })]);
    const history = await reportHistory(store, '3-3-1', quarter);
    expect(history.at(-1)?.budgetExecutedThousandYen).toBe(999);
  });
});

describe('a 部会 sheet passed from 課 to 課', () => {
  // A quarter of its own, so the reports of the other tests do not meet these.
  const q = 'FY2015-Q2';

  it("takes the next 課's rows when the rows another 課 filled say what that 課 recorded, and refuses them once they say otherwise", async () => {
    // Prepare: 高齢福祉課 fills its row of the 部会's sheet and uploads it; the same file goes on to 児童福祉課
    const sheet = await bukaiSheet(q);
    const theirs = sheet.row('3-2-2');
    const mine = sheet.row('3-3-1');
    const byKorei = await editWorkbook(sheet.buffer, (ws) => fill(ws, theirs, { F: '予定どおり', H: '１，２００', I: '見守り訪問を実施', L: '鈴木' }));
    const first = await importAs('korei-fukushi', byKorei, { quarter: q });
    if (first.outcome !== 'recorded') throw new Error(importAnswerText(first));
    // … and corrects its report on the form before the file reaches 児童福祉課
    const correction = await submitReport(
      store,
      catalog,
      callerFor('korei-fukushi', q),
      { measureId: '3-2-2', quarter: q, status: '予定どおり', budgetExecutedThousandYen: 1200, narrative: '見守り訪問を実施 (30世帯)', person: '鈴木' },
      { channel: 'web', idempotencyKey: 'q-3-2-2-correction' },
    );
    expect(correction.outcome).toBe('recorded');
    const byJido = await editWorkbook(byKorei, (ws) => fill(ws, mine, { F: '予定どおり', I: '説明会を開催', L: '山田' }));
    // Act
    const result = await importAs('jido-fukushi', byJido, { quarter: q });
    // Assess
    if (result.outcome !== 'recorded') throw new Error(importAnswerText(result));
    expect(result.recorded.map((r) => [r.measureId, r.duplicate])).toEqual([['3-3-1', false]]);
    expect(result.otherKaRows.map((r) => r.measureId)).toContain('3-2-2');
    expect((await reportHistory(store, '3-2-2', q)).map((r) => r.reporter.kaId)).toEqual(['korei-fukushi', 'korei-fukushi']);
    expect((await reportHistory(store, '3-3-1', q)).map((r) => r.reporter.kaId)).toEqual(['jido-fukushi']);

    // Act: 児童福祉課 now changes a cell of the other 課's row
    const edited = await editWorkbook(byJido, (ws) => fill(ws, theirs, { I: '見守り訪問を実施 (児童福祉課が追記)' }));
    const refused = await importAs('jido-fukushi', edited, { quarter: q });
    // Assess
    expect(refused.outcome).toBe('refused');
    if (refused.outcome === 'refused') expect(refused.problems.map((p) => p.cell)).toContain(`F${theirs}`);
    expect(await reportHistory(store, '3-2-2', q)).toHaveLength(2);
  });

  it('does not record again, as its own, the row of a 事業 it co-owns that the 課 before it filled and sent', async () => {
    // Prepare: 社会福祉課 fills the row of 3-2-1 (owned with 児童福祉課 and others) and uploads the
    // 部会's sheet; the same file goes on to 児童福祉課, which fills its own 3-3-2
    const sheet = await bukaiSheet(q);
    const shared = sheet.row('3-2-1');
    const byShakai = await editWorkbook(sheet.buffer, (ws) => fill(ws, shared, { F: '遅れ気味', I: '連携会議を延期', J: '日程調整', L: '鈴木' }));
    const first = await importAs('shakai-fukushi', byShakai, { quarter: q });
    if (first.outcome !== 'recorded') throw new Error(importAnswerText(first));
    const byJido = await editWorkbook(byShakai, (ws) => fill(ws, sheet.row('3-3-2'), { F: '予定どおり', I: '運用しています', L: '山田' }));
    // Act
    const result = await importAs('jido-fukushi', byJido, { quarter: q });
    // Assess
    if (result.outcome !== 'recorded') throw new Error(importAnswerText(result));
    const history = await reportHistory(store, '3-2-1', q);
    expect(history.map((r) => [r.reporter.kaId, r.reporter.person])).toEqual([['shakai-fukushi', '鈴木']]);
    expect(result.recorded.map((r) => [r.measureId, r.duplicate, r.reference])).toEqual([
      ['3-2-1', true, history[0]!.reference],
      ['3-3-2', false, expect.any(String)],
    ]);
  });
});

describe('a report holding a character a workbook cannot hold', () => {
  it('is exported as a sheet Excel can open, the character shown as �, and its untouched row is not reported again', async () => {
    // Prepare: a report whose narrative holds U+FFFF (the form and the API take any text)
    const q = 'FY2015-Q1';
    const sent = await submitReport(
      store,
      catalog,
      callerFor('jido-fukushi', q),
      { measureId: '3-3-1', quarter: q, status: '予定どおり', narrative: '説明会\uFFFFを開催', person: '佐藤' },
      { channel: 'api', idempotencyKey: 'q-uffff-3-3-1' },
    );
    expect(sent.outcome).toBe('recorded');
    // Act
    const sheet = await bukaiSheet(q);
    // Assess: exceljs, whose XML parser refuses what Excel refuses, opens the file
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(sheet.buffer as unknown as ArrayBuffer);
    expect(workbook.getWorksheet(sheetName)!.getCell(`I${sheet.row('3-3-1')}`).value).toBe('説明会\uFFFDを開催');
    const result = await importAs('jido-fukushi', sheet.buffer, { quarter: q });
    if (result.outcome !== 'recorded') throw new Error(importAnswerText(result));
    expect(result.unchanged.map((r) => r.measureId)).toContain('3-3-1');
    expect(await reportHistory(store, '3-3-1', q)).toHaveLength(1);
  });
});

interface BadCase {
  name: string;
  kaId?: string;
  fileName?: string;
  make: () => Promise<Buffer>;
  /** Cells every one of which the answer must name. */
  cells?: (row: (id: string) => number) => string[];
  /** Otherwise: the reason, in the Japanese message. */
  reason?: RegExp;
}

const fill = (ws: ExcelJS.Worksheet, r: number, values: Record<string, ExcelJS.CellValue>) => {
  for (const [column, value] of Object.entries(values)) ws.getCell(`${column}${r}`).value = value;
};
const good = { F: '予定どおり', I: '順調です', L: '山田' };

describe('a sheet made before a later report of its rows', () => {
  // A quarter of its own, so the reports of the other tests do not meet these.
  const q = 'FY2013-Q3';
  const byForm = (measureId: string, narrative: string, key: string, kaId = 'jido-fukushi', person = '佐藤') =>
    submitReport(store, catalog, callerFor(kaId, q), { measureId, quarter: q, status: '予定どおり', narrative, person }, { channel: 'web', idempotencyKey: key });

  it('refuses a changed row whose untouched cells a later report has changed, rather than put the older values back', async () => {
    // Prepare: the sheet is made, then 3-3-1 is reported on the form, then the sheet's row gets an amount only
    const sheet = await bukaiSheet(q);
    expect((await byForm('3-3-1', '説明会の準備中 (フォームから)', 'q3-form-3-3-1')).outcome).toBe('recorded');
    const r = sheet.row('3-3-1');
    const file = await editWorkbook(sheet.buffer, (ws) => {
      ws.getCell(`H${r}`).value = 500;
    });
    // Act
    const result = await importAs('jido-fukushi', file, { quarter: q });
    // Assess
    expect(result.outcome).toBe('refused');
    const problems = result.outcome === 'refused' ? result.problems : [];
    expect(problems).toEqual([expect.objectContaining({ ja: expect.stringContaining('新しい報告の内容を古い内容に戻して'), en: expect.stringContaining('would put the older values back') })]);
    // The cells the form's report says otherwise (status and narrative at least), never the one changed
    const listed = /cells you did not change \(([^)]*)\)/.exec(problems[0]!.en)![1]!.split(', ');
    expect(listed).toEqual(expect.arrayContaining([`F${r}`, `I${r}`]));
    expect(listed).not.toContain(`H${r}`);
    expect((await reportHistory(store, '3-3-1', q)).map((x) => x.narrative)).toEqual(['説明会の準備中 (フォームから)']);
  });

  it('does not record again a row an earlier copy recorded when a correction came after it', async () => {
    // Prepare: the sheet records 3-3-2; the form corrects it; the same sheet comes back with another row changed
    const sheet = await bukaiSheet(q);
    const filled = await editWorkbook(sheet.buffer, (ws) => {
      ws.getCell(`I${sheet.row('3-3-2')}`).value = '第3四半期も運用しています。';
    });
    const first = await importAs('jido-fukushi', filled, { quarter: q });
    if (first.outcome !== 'recorded') throw new Error(importAnswerText(first));
    const recorded = (await reportHistory(store, '3-3-2', q)).at(-1)!;
    expect((await submitReport(store, catalog, callerFor('jido-fukushi', q), { measureId: '3-3-2', quarter: q, status: recorded.status, narrative: '第3四半期も運用しています。利用者が増えました。', person: recorded.reporter.person }, { channel: 'web', idempotencyKey: 'q3-form-3-3-2' })).outcome).toBe('recorded');
    const again = await editWorkbook(filled, (ws) => {
      ws.getCell(`K${sheet.row('3-2-1')}`).value = '次回会議は1月';
      ws.getCell(`L${sheet.row('3-2-1')}`).value = '田中';
      ws.getCell(`F${sheet.row('3-2-1')}`).value = '予定どおり';
    });
    // Act
    const result = await importAs('jido-fukushi', again, { quarter: q });
    // Assess
    if (result.outcome !== 'recorded') throw new Error(importAnswerText(result));
    expect(result.recorded.map((x) => [x.measureId, x.duplicate, x.version])).toEqual([
      ['3-2-1', false, 1],
      ['3-3-2', true, recorded.version],
    ]);
    expect((await reportHistory(store, '3-3-2', q)).at(-1)!.narrative).toBe('第3四半期も運用しています。利用者が増えました。');
  });

  /** 児童福祉課's report of 3-3-2 at the last version a quarter can hold, written straight to the table. */
  const putLastVersionOf332 = (quarter: string, submittedAt: string) =>
    store.doc.put({
      TableName: table.tableName,
      Item: reportToItem('shimotsuke', {
        measureId: '3-3-2', quarter, kind: 'report', status: '予定どおり', milestones: [], narrative: '運用中', issues: '', nextSteps: '',
        reporter: { kaId: 'jido-fukushi', ka: '児童福祉課', bukai: '健康福祉専門部会', person: '佐藤' },
        version: maxReportVersions, reference: reportReference('3-3-2', quarter, maxReportVersions), channel: 'web', submittedAt, attachments: [],
      }),
    });

  it('records the other rows and names the row a full quarter refuses, with its reason rather than a resend', async () => {
    // Prepare: 3-3-2 holds its last possible version for FY2013-Q4; the sheet changes it and 3-3-1
    const full = 'FY2013-Q4';
    await putLastVersionOf332(full, '2014-01-10T00:00:00.000Z');
    const sheet = await bukaiSheet(full);
    const file = await editWorkbook(sheet.buffer, (ws) => {
      ws.getCell(`I${sheet.row('3-3-2')}`).value = '運用を続けています。';
      ws.getCell(`I${sheet.row('3-3-1')}`).value = '説明会を開催しました。';
      ws.getCell(`F${sheet.row('3-3-1')}`).value = '予定どおり';
      ws.getCell(`L${sheet.row('3-3-1')}`).value = '佐藤';
    });
    // Act
    const result = await importAs('jido-fukushi', file, { quarter: full });
    // Assess
    if (result.outcome !== 'recorded') throw new Error(importAnswerText(result));
    expect(result.recorded.map((x) => x.measureId)).toEqual(['3-3-1']);
    expect(result.failed).toEqual([expect.objectContaining({ cell: `I${sheet.row('3-3-2')}`, ja: expect.stringContaining(`${maxReportVersions} 版まで`) })]);
    const answer = importAnswerText(result);
    expect(answer).toContain('記録できなかった行 (理由は各行のとおり)');
    expect(answer).not.toContain('再送');
  });

  it('says, when its only changed row cannot be recorded, that the row was not recorded, never that nothing was changed', async () => {
    // Prepare: 3-3-2 holds its last possible version for FY2015-Q3; the sheet changes only that row
    const full = 'FY2015-Q3';
    await putLastVersionOf332(full, '2015-10-10T00:00:00.000Z');
    const sheet = await bukaiSheet(full);
    const file = await editWorkbook(sheet.buffer, (ws) => {
      ws.getCell(`I${sheet.row('3-3-2')}`).value = '運用を続けています。';
    });
    // Act
    const result = await importAs('jido-fukushi', file, { quarter: full });
    // Assess
    if (result.outcome !== 'recorded') throw new Error(importAnswerText(result));
    expect(result.recorded).toEqual([]);
    expect(result.failed).toHaveLength(1);
    const answer = importAnswerText(result);
    expect(answer).toContain('1 行を記録できませんでした');
    expect(answer).toContain('1 row(s) could not be recorded');
    expect(answer).not.toContain('変更された行がない');
    expect(answer).not.toContain('No row was changed');
    const mail = sheetReplyMail({ from: 'shinchoku@example.jp', to: 'jido-fukushi@example.jp', subject: '進捗管理シート' }, { kaName: '児童福祉課', quarter: full }, [result]).text;
    expect(mail).toContain('記録できなかった行があります');
    expect(mail).not.toContain('添付の進捗管理シートを受け付けました。');
  });

  it('takes the same file again after a correction of a cell its row left alone: that row is the report it recorded, the other row is new', async () => {
    // Prepare: the sheet records 3-3-2; the form corrects its 今後の予定 (a cell the row left alone);
    // the file comes back with another row changed as well
    const q4 = 'FY2014-Q1';
    const sheet = await bukaiSheet(q4);
    const filled = await editWorkbook(sheet.buffer, (ws) => {
      ws.getCell(`I${sheet.row('3-3-2')}`).value = '平成26年度も運用しています。';
    });
    const first = await importAs('jido-fukushi', filled, { quarter: q4 });
    if (first.outcome !== 'recorded') throw new Error(importAnswerText(first));
    const recorded = (await reportHistory(store, '3-3-2', q4)).at(-1)!;
    const correction = await submitReport(
      store,
      catalog,
      callerFor('jido-fukushi', q4),
      { measureId: '3-3-2', quarter: q4, status: recorded.status, narrative: recorded.narrative, nextSteps: '利用者アンケートを実施', person: recorded.reporter.person },
      { channel: 'web', idempotencyKey: 'q4-form-3-3-2' },
    );
    expect(correction.outcome).toBe('recorded');
    const again = await editWorkbook(filled, (ws) => {
      ws.getCell(`F${sheet.row('3-3-1')}`).value = '予定どおり';
      ws.getCell(`I${sheet.row('3-3-1')}`).value = '平成26年度の説明会を開催しました。';
      ws.getCell(`L${sheet.row('3-3-1')}`).value = '佐藤';
    });
    // Act
    const result = await importAs('jido-fukushi', again, { quarter: q4 });
    // Assess
    if (result.outcome !== 'recorded') throw new Error(importAnswerText(result));
    expect(result.recorded.map((x) => [x.measureId, x.duplicate, x.version])).toEqual([
      ['3-3-1', false, 1],
      ['3-3-2', true, recorded.version],
    ]);
    expect((await reportHistory(store, '3-3-2', q4)).at(-1)!.nextSteps).toBe('利用者アンケートを実施');
  });

  it("records, from a fresh sheet, a row typed back to an earlier report's words as a new version", async () => {
    // Prepare: 3-3-1 says X, then Y; a sheet made now is pre-filled with Y, and the person types X back
    const q = 'FY2014-Q2';
    const report = (narrative: string, key: string) =>
      submitReport(store, catalog, callerFor('jido-fukushi', q), { measureId: '3-3-1', quarter: q, status: '予定どおり', narrative, person: '佐藤' }, { channel: 'web', idempotencyKey: key });
    expect((await report('説明会の準備を始めました。', 'q2-x')).outcome).toBe('recorded');
    expect((await report('説明会の日程を決めました。', 'q2-y')).outcome).toBe('recorded');
    const sheet = await bukaiSheet(q);
    const file = await editWorkbook(sheet.buffer, (ws) => {
      ws.getCell(`I${sheet.row('3-3-1')}`).value = '説明会の準備を始めました。';
    });
    // Act
    const result = await importAs('jido-fukushi', file, { quarter: q });
    // Assess
    if (result.outcome !== 'recorded') throw new Error(importAnswerText(result));
    expect(result.recorded.map((x) => [x.measureId, x.duplicate, x.version])).toEqual([['3-3-1', false, 3]]);
    expect((await reportHistory(store, '3-3-1', q)).at(-1)!.narrative).toBe('説明会の準備を始めました。');
  });

  it("refuses a row left signed with the person of another 課's report", async () => {
    // Prepare: 社会福祉課 reports 3-2-1, which it owns with 児童福祉課; a sheet that pre-filled its person
    // (as 部会 sheets did before they left a co-owned 事業's person empty) comes back from 児童福祉課
    expect((await byForm('3-2-1', '社会福祉課の報告', 'q3-form-3-2-1-shakai', 'shakai-fukushi', '鈴木')).outcome).toBe('recorded');
    const sheet = await bukaiSheet(q);
    const r = sheet.row('3-2-1');
    const signedWithSuzuki = await withPrefilled(sheet.buffer, `L${r}`, '鈴木');
    const file = await editWorkbook(signedWithSuzuki, (ws) => {
      ws.getCell(`I${r}`).value = '児童福祉課の報告';
    });
    // Act
    const result = await importAs('jido-fukushi', file, { quarter: q });
    // Assess
    expect(result.outcome).toBe('refused');
    expect(result.outcome === 'refused' ? result.problems : []).toEqual([
      expect.objectContaining({ cell: `L${r}`, ja: '報告者「鈴木」は前回報告した社会福祉課の方です。児童福祉課の報告者を記入してください' }),
    ]);
  });
});

describe('bad sheets record nothing and say where', () => {
  let sheet: { buffer: Buffer; row: (id: string) => number };
  let before: number;

  beforeAll(async () => {
    sheet = await bukaiSheet();
  });
  beforeEach(async () => {
    before = await reportCount();
  });

  const cases: BadCase[] = [
    {
      name: "another 課's sheet",
      make: async () => (await exportFor(catalog, { kind: 'ka', id: 'kenko-zoshin' }, quarter)).buffer,
      reason: /健康増進課用です/,
    },
    {
      name: "another 部会's sheet",
      make: async () => (await exportFor(catalog, { kind: 'bukai', id: 'kikaku' }, quarter)).buffer,
      reason: /企画専門部会用です/,
    },
    {
      name: "another quarter's sheet",
      make: async () => (await exportFor(catalog, { kind: 'bukai', id: 'kenko-fukushi' }, 'FY2013-Q1')).buffer,
      reason: /FY2013-Q1 用です/,
    },
    {
      name: 'a sheet made for an older plan version',
      make: async () => (await exportFor({ ...catalog, plan: { ...catalog.plan, plan: { ...catalog.plan.plan, version: '2011-03' } } }, { kind: 'bukai', id: 'kenko-fukushi' }, quarter)).buffer,
      reason: /旧版 \(2011-03\)/,
    },
    {
      name: 'a tampered reference (the hidden sheet edited to claim another 課)',
      make: () =>
        editWorkbook(sheet.buffer, (_ws, wb) => {
          const cell = wb.getWorksheet(referenceSheetName)!.getCell('A1');
          const [prefix, body, signature] = String(cell.value).split('.');
          const payload = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8'));
          payload.scope = { kind: 'bukai', id: 'kikaku' };
          cell.value = [prefix, Buffer.from(JSON.stringify(payload)).toString('base64url'), signature].join('.');
        }),
      reason: /署名が一致しません/,
    },
    {
      name: 'a reference signed by another installation',
      make: async () => (await exportFor(catalog, { kind: 'bukai', id: 'kenko-fukushi' }, quarter, { secret: `${testSecret}-elsewhere` })).buffer,
      reason: /署名が一致しません/,
    },
    {
      name: 'a deleted reference',
      make: () =>
        editWorkbook(sheet.buffer, (_ws, wb) => {
          wb.removeWorksheet(wb.getWorksheet(referenceSheetName)!.id);
        }),
      reason: /照合情報が見つかりません/,
    },
    {
      name: 'a macro-enabled workbook (.xlsm content under an .xlsx name)',
      make: () => editZip(sheet.buffer, (zip) => void zip.file('xl/vbaProject.bin', Buffer.from('Attribute VB_Name = "Module1"'))),
      reason: /マクロ/,
    },
    { name: 'an .xlsm file', fileName: '進捗管理シート.xlsm', make: async () => sheet.buffer, reason: /マクロ有効ブック \(\.xlsm\)/ },
    {
      name: 'a zip bomb',
      make: () => editZip(sheet.buffer, (zip) => void zip.file('xl/media/image1.png', Buffer.alloc(26 * 1024 * 1024))),
      reason: /極端に大きく/,
    },
    { name: 'a CSV named .xlsx', make: async () => Buffer.from('事業ID,状況\n3-3-1,予定どおり\n', 'utf8'), reason: /名前だけ \.xlsx/ },
    {
      name: 'an oversize file',
      make: () => editZip(sheet.buffer, (zip) => void zip.file('xl/media/photo.jpg', Buffer.from(Array.from({ length: 4_300_000 }, (_, i) => (i * 7919) % 251))), 'STORE'),
      reason: /大きすぎます/,
    },
    {
      name: 'an external link',
      make: () => editZip(sheet.buffer, (zip) => void zip.file('xl/externalLinks/externalLink1.xml', '<externalLink/>')),
      reason: /外部参照/,
    },
    {
      name: 'a formula without a saved result',
      make: () =>
        editWorkbook(sheet.buffer, (ws) => {
          fill(ws, sheet.row('3-3-1'), { ...good, H: { formula: "'[予算.xlsx]Sheet1'!A1*1" } as ExcelJS.CellFormulaValue });
        }),
      cells: (row) => [`H${row('3-3-1')}`],
    },
    {
      name: 'a formula whose saved result is an error',
      make: () =>
        editWorkbook(sheet.buffer, (ws) => {
          fill(ws, sheet.row('3-3-1'), { ...good, F: { formula: 'VLOOKUP(1,A:A,2,FALSE)', result: { error: '#N/A' } } as unknown as ExcelJS.CellFormulaValue });
        }),
      cells: (row) => [`F${row('3-3-1')}`],
    },
    {
      name: 'a row for a 事業 the 課 does not own',
      make: () =>
        editWorkbook(sheet.buffer, (ws) => {
          fill(ws, sheet.row('3-3-1'), good);
          fill(ws, sheet.row('3-2-2'), good);
        }),
      cells: (row) => [`F${row('3-2-2')}`],
    },
    {
      name: 'a row added below the table for another 事業',
      make: () =>
        editWorkbook(sheet.buffer, (ws) => {
          const r = sheet.row('3-3-2') + 3;
          fill(ws, r, { A: '5-1-1', B: '地域ポータル', ...good });
        }),
      cells: (row) => [`A${row('3-3-2') + 3}`],
    },
    {
      name: 'rows sorted (事業ID no longer where it was issued)',
      make: () =>
        editWorkbook(sheet.buffer, (ws) => {
          const a = sheet.row('3-3-1');
          const b = sheet.row('3-3-2');
          const id = ws.getCell(`A${a}`).value;
          ws.getCell(`A${a}`).value = ws.getCell(`A${b}`).value;
          ws.getCell(`A${b}`).value = id;
          fill(ws, a, good);
        }),
      cells: (row) => [`A${row('3-3-1')}`, `A${row('3-3-2')}`],
    },
    {
      name: 'out-of-range and unreadable numbers',
      make: () =>
        editWorkbook(sheet.buffer, (ws) => {
          fill(ws, sheet.row('3-3-1'), { ...good, H: -5 });
          fill(ws, sheet.row('3-2-1'), { ...good, H: 200_000_000 });
          fill(ws, sheet.row('3-3-2'), { ...good, H: 'たくさん' });
        }),
      cells: (row) => [`H${row('3-3-1')}`, `H${row('3-2-1')}`, `H${row('3-3-2')}`],
    },
    {
      name: 'a status that is not on the list',
      make: () => editWorkbook(sheet.buffer, (ws) => fill(ws, sheet.row('3-3-1'), { ...good, F: '順調' })),
      cells: (row) => [`F${row('3-3-1')}`],
    },
    {
      name: 'a delayed row without issues',
      make: () => editWorkbook(sheet.buffer, (ws) => fill(ws, sheet.row('3-3-1'), { F: '遅延', I: '遅れています', J: null, L: '山田' })),
      cells: (row) => [`J${row('3-3-1')}`],
    },
    {
      name: 'a row without the reporting person, beside a good row (all or nothing)',
      make: () =>
        editWorkbook(sheet.buffer, (ws) => {
          fill(ws, sheet.row('3-2-1'), good);
          fill(ws, sheet.row('3-3-1'), { F: '予定どおり', I: '進めています', L: null });
        }),
      cells: (row) => [`L${row('3-3-1')}`],
    },
  ];

  it('has at least fifteen of them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  for (const bad of cases) {
    it(`refuses ${bad.name}`, async () => {
      // Prepare
      const file = await bad.make();
      // Act
      const result: SheetImportResult = await importAs(bad.kaId ?? 'jido-fukushi', file, { fileName: bad.fileName });
      // Assess
      expect(result.outcome, importAnswerText(result)).toBe('refused');
      if (result.outcome !== 'refused') return;
      const text = importAnswerText(result);
      expect(text).toContain('何も記録していません');
      expect(text).toContain('nothing from this sheet was recorded');
      if (bad.cells) {
        const named = result.problems.map((p) => p.cell);
        for (const cell of bad.cells(sheet.row)) {
          expect(named, text).toContain(cell);
          expect(text).toContain(`進捗管理シート!${cell}`);
        }
      } else {
        expect(result.problems.map((p) => p.ja).join('\n')).toMatch(bad.reason!);
      }
      for (const p of result.problems) expect([p.ja.length > 0, p.en.length > 0]).toEqual([true, true]);
      expect(await reportCount()).toBe(before);
    });
  }
});
