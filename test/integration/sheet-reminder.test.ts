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

it('attaches the sheet to the report-due mails of the 部会 that asked for it (its own and its 課\'), and to no other', async () => {
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
    sheetAttachment: async (bukai, quarter) => sheetAttachment(store, await loadCatalog(), bukai, quarter, { secret: testSecret }),
  };
  // Act: 14 days before the FY2013-Q2 report is due (2013-10-10 with the standard rules).
  const result = await runReminderJob(deps, { scheduledTime: '2013-09-26T00:00:00Z' });
  // Assess
  expect(result.sent.filter((s) => s.kind === 'report-due' && s.kaId === undefined)).toHaveLength(directory.bukai.length);
  const mails = (await fetchSentMails(sesEndpoint)).filter((m) => m.from.includes(directory.sender));
  const withSheet = mails.filter((m) => m.attachments.length > 0);
  // The 部会's mail and the mail of each of its 課.
  const kenkoMails = result.sent.filter((s) => s.bukaiId === 'kenko-fukushi');
  expect(kenkoMails.length).toBeGreaterThan(1);
  expect(withSheet.map((m) => m.messageId).sort()).toEqual(kenkoMails.map((s) => s.messageId).sort());
  expect(withSheet.map((m) => m.destination.to)).toContainEqual(directory.bukai.find((b) => b.id === 'kenko-fukushi')!.emails);
  const [attachment] = withSheet[0]!.attachments;
  expect(attachment!.filename).toBe('進捗管理シート_健康福祉専門部会_FY2013-Q2.xlsx');
  expect(attachment!.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(attachment!.content, 'base64') as unknown as ArrayBuffer);
  const ws = workbook.getWorksheet(sheetName)!;
  const ids = Array.from({ length: 9 }, (_, i) => readCellValue(ws.getCell(`A${9 + i}`).value).text);
  expect(ids).toEqual(['1-2-3', '3-2-1', '3-2-2', '3-2-3', '3-2-4', '3-2-5', '3-3-1', '3-3-2', '']);
  const reference = verifyReference(readCellValue(workbook.getWorksheet('_shinchoku')!.getCell('A1').value).text, testSecret);
  expect(isReferenceProblem(reference) ? reference : reference.scope).toEqual({ kind: 'bukai', id: 'kenko-fukushi' });
});

it('gives nothing to a 部会 that did not ask', async () => {
  const bukai = directory.bukai.find((b) => b.id === 'kikaku')!;
  expect(bukai.attachSheet).toBeUndefined();
  expect(await sheetAttachment(store, { plan, directory }, bukai, 'FY2013-Q2', { secret: testSecret })).toBeUndefined();
});
