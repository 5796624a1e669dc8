/**
 * "Attached to the quarterly reminder on request": a 部会 with `attachSheet: true` in the directory
 * gets its pre-filled 進捗管理シート with the report-due mail; the others get none. The reminder job
 * runs against DynamoDB Local and sends through the SES emulator, where the attachment is opened.
 */
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { localClientConfig } from '#local/aws-local';
import { fetchSentMails } from '#local/ses-local';
import { createMailer } from '#shared/aws/mailer';
import type { Directory } from '#shared/domain/directory';
import type { PlanFile } from '#shared/domain/plan';
import { defaultReminderConfig } from '#shared/domain/reminders';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { runReminderJob, type ReminderJobDeps } from '#shared/reminder-job';
import { sheetName } from '#shared/sheet/layout';
import { isReferenceProblem, verifyReference } from '#shared/sheet/reference';
import { sheetAttachment } from '#shared/sheet/service';
import { catalogLoader } from '#shared/store/catalog-cache';
import { saveDirectory } from '#shared/store/directory-items';
import { savePlan } from '#shared/store/plan-items';
import type { Store } from '#shared/store/store';
import { createTestTable, type TestTable } from '#test/support/dynamo';
import { readCellValue, testSecret } from '#test/support/sheet-files';

let table: TestTable;
let store: Store;
let plan: PlanFile;
let directory: Directory;

beforeAll(async () => {
  table = await createTestTable();
  store = table.store('shimotsuke');
  ({ plan } = await readPlanFile());
  const file = await readDirectoryFile();
  // A sender of its own: the SES emulator is shared by the whole run.
  directory = { ...file, sender: `sheet-reminders-${randomUUID().slice(0, 8)}@shimotsuke.example`, bukai: file.bukai.map((b) => (b.id === 'kenko-fukushi' ? { ...b, attachSheet: true } : b)) };
  await savePlan(store, plan);
  await saveDirectory(store, directory);
});
afterAll(async () => table?.drop());

/** The 事業 ids of a sheet attachment, and the scope its signed reference names. */
async function readSheet(content: string) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(content, 'base64') as unknown as ArrayBuffer);
  const ws = workbook.getWorksheet(sheetName)!;
  const ids: string[] = [];
  for (let row = 9; readCellValue(ws.getCell(`A${row}`).value).text !== ''; row += 1) ids.push(readCellValue(ws.getCell(`A${row}`).value).text);
  const reference = verifyReference(readCellValue(workbook.getWorksheet('_shinchoku')!.getCell('A1').value).text, testSecret);
  return { ids, scope: isReferenceProblem(reference) ? reference : reference.scope };
}

it("attaches each 課's own sheet to the 課's report-due mail when its 部会 asked for it, and no sheet to any other mail", async () => {
  // Prepare
  const sesEndpoint = inject('sesEndpoint');
  const loadCatalog = catalogLoader(store);
  const deps: ReminderJobDeps = {
    store,
    loadCatalog,
    mailer: createMailer({ connection: localClientConfig(sesEndpoint), maxPerSecond: 0 }),
    secret: async () => testSecret,
    publicBaseUrl: 'http://127.0.0.1:3999',
    config: defaultReminderConfig,
    sheetAttachment: async (bukai, ka, quarter) => sheetAttachment(store, await loadCatalog(), bukai, ka, quarter, { secret: testSecret }),
  };
  // Act: 14 days before the FY2013-Q2 report is due (2013-10-10 with the standard rules).
  const result = await runReminderJob(deps, { scheduledTime: '2013-09-26T00:00:00Z' });
  // Assess
  expect(result.sent.filter((s) => s.kind === 'report-due' && s.kaId === undefined)).toHaveLength(directory.bukai.length);
  const mails = (await fetchSentMails(sesEndpoint)).filter((m) => m.from.includes(directory.sender));
  const kenko = result.sent.filter((s) => s.bukaiId === 'kenko-fukushi');
  expect(kenko.length).toBeGreaterThan(2);
  const withSheet = mails.filter((m) => m.attachments.length > 0);
  // The 課's mails, not the 部会's, which lists what was asked and carries no report
  expect(withSheet.map((m) => m.messageId).sort()).toEqual(kenko.filter((s) => s.kaId !== undefined).map((s) => s.messageId).sort());
  const [attachment] = withSheet[0]!.attachments;
  expect(attachment!.filename).toMatch(/^進捗管理シート_.+_FY2013-Q2\.xlsx$/);
  expect(attachment!.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  // Each 課's mail: that 課's sheet, only the 事業 listed in its mail
  for (const sent of kenko.filter((s) => s.kaId !== undefined)) {
    const mail = withSheet.find((m) => m.messageId === sent.messageId)!;
    const sheet = await readSheet(mail.attachments[0]!.content);
    expect(sheet.scope).toEqual({ kind: 'ka', id: sent.kaId });
    const listed = [...(mail.body.text ?? '').split('---------------- English')[0]!.matchAll(/・(\d+-\d+-\d+) /g)].map((m) => m[1]!);
    expect(listed.length).toBeGreaterThan(0);
    expect(sheet.ids).toEqual(listed);
  }
});

it('gives nothing to a 部会 that did not ask', async () => {
  const bukai = directory.bukai.find((b) => b.id === 'kikaku')!;
  expect(bukai.attachSheet).toBeUndefined();
  const ka = directory.ka.find((k) => k.bukai === bukai.name)!;
  expect(await sheetAttachment(store, { plan, directory }, bukai, ka, 'FY2013-Q2', { secret: testSecret })).toBeUndefined();
});
