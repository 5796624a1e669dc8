/**
 * The Done-when of the Excel round trip, against the whole local stack in this process: a 部会's
 * 進捗管理シート is exported with `shinchoku export-sheet`, filled in the way a person fills it
 * (full-width digits, a status picked from the sheet's drop-down, a row left blank, a pre-filled row
 * left unchanged), uploaded through the 課's form page in headless Chromium, and the reports are
 * found in DynamoDB; the same file attached to a reply mail through the SMTP intake gets a
 * confirmation that lists them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import nodemailer from 'nodemailer';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '#cli/main';
import type { Output } from '#cli/output';
import { fetchSentMails } from '#local/ses-local';
import type { LocalStack } from '#local/stack';
import { issueDashboardToken } from '#shared/auth/dashboard-access';
import { formLink, replyAddress, tokenFor } from '#shared/links';
import { sheetName } from '#shared/sheet/layout';
import { catalogLoader, type Catalog } from '#shared/store/catalog-cache';
import { reportHistory } from '#shared/store/report-items';
import type { Store } from '#shared/store/store';
import { authenticate, submitReport, type Caller } from '#shared/submit-report';
import { launchChromium, screenshotDir } from '#test/support/browser';
import { freshLinkSecret, testStack } from '#test/support/local-stack';
import { dropDownChoices, readCellValue } from '#test/support/sheet-files';

/** 市民生活専門部会: 生活安全課 owns 3-1-1, 3-1-3 … 3-1-6; 市民課 and 環境課 own the other rows. */
const bukaiId = 'shimin-seikatsu';
const kaId = 'seikatsu-anzen';
const quarter = 'FY2013-Q2';

const localStack = testStack('shinchoku-sheet-e2e-');
let linkSecret: ReturnType<typeof freshLinkSecret> | undefined;
let stack: LocalStack;
let dataDir: string;
let browser: Browser;
let store: Store;
let catalog: Catalog;
let secret: string;
let filled: Buffer;
let rowOf: Map<string, number>;

async function shinchoku(args: string[]): Promise<{ code: number; lines: string[]; messages: string[] }> {
  const lines: string[] = [];
  const messages: string[] = [];
  const out: Output = {
    data: (text) => lines.push(...text.trimEnd().split('\n')),
    info: (ja, en) => messages.push(`${ja} / ${en}`),
    error: (ja, en) => messages.push(`${ja} / ${en}`),
  };
  const code = await main(args, out);
  return { code, lines, messages };
}

function caller(): Caller {
  const token = tokenFor({ tenant: stack.tenant, kaId, quarter: 'FY2013-Q1', purpose: 'form', now: new Date() }, secret);
  const result = authenticate(token, 'form', { secret, catalog });
  if ('outcome' in result) throw new Error(result.en);
  return result;
}

beforeAll(async () => {
  linkSecret = freshLinkSecret();
  ({ secret } = linkSecret);
  ({ stack, store, dataDir } = await localStack.start({ inMemory: true, httpPort: 0, dynamoPort: 0, sesPort: 0, smtpPort: 0, eventsPort: 0, s3Port: 0, scheduler: false }));
  catalog = await catalogLoader(store)();
  browser = await launchChromium();

  // Last quarter's report of 3-1-3: the sheet comes pre-filled with it, and the row stays unchanged.
  const seeded = await submitReport(
    store,
    catalog,
    caller(),
    { measureId: '3-1-3', quarter: 'FY2013-Q1', status: '予定どおり', narrative: '防犯メールを毎週配信しています。', person: '鈴木' },
    { channel: 'web', idempotencyKey: 'seed-3-1-3' },
  );
  expect(seeded.outcome).toBe('recorded');

  // Prepare: export with the CLI, then fill in as a person would.
  const exported = await shinchoku(['export-sheet', '--bukai', bukaiId, '--quarter', quarter, '--out', dataDir, '--endpoint', stack.dynamoEndpoint, '--table', stack.tableName]);
  expect(exported.code, exported.messages.join('\n')).toBe(0);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await readFile(exported.lines.at(-1)!)) as unknown as ArrayBuffer);
  const ws = workbook.getWorksheet(sheetName)!;
  rowOf = new Map();
  for (let r = 9; readCellValue(ws.getCell(`A${r}`).value).text !== ''; r += 1) rowOf.set(readCellValue(ws.getCell(`A${r}`).value).text, r);
  const r1 = rowOf.get('3-1-1')!;
  const choices = dropDownChoices(ws.getCell(`F${r1}`));
  ws.getCell(`F${r1}`).value = choices.find((c) => c === '遅れ気味')!;
  ws.getCell(`H${r1}`).value = '２，５００';
  ws.getCell(`I${r1}`).value = '防災行政無線のデジタル化：設計を完了。';
  ws.getCell(`J${r1}`).value = '入札が不調';
  ws.getCell(`K${r1}`).value = '再入札';
  ws.getCell(`L${r1}`).value = '高橋';
  const r4 = rowOf.get('3-1-4')!;
  ws.getCell(`F${r4}`).value = choices.find((c) => c === '完了')!;
  ws.getCell(`H${r4}`).value = 2762;
  ws.getCell(`I${r4}`).value = '整備を完了しました。';
  ws.getCell(`L${r4}`).value = '高橋';
  // 3-1-3 stays as pre-filled; 3-1-5 and 3-1-6 stay blank.
  filled = Buffer.from(await workbook.xlsx.writeBuffer());
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await localStack.stop();
  linkSecret?.restore();
});

describe('the sheet through the form page', () => {
  it('offers the 課 its own pre-filled sheet for download', async () => {
    const formUrl = formLink(stack.httpUrl, tokenFor({ tenant: stack.tenant, kaId, quarter, purpose: 'form', now: new Date() }, secret));
    const response = await fetch(`${formUrl}/sheet.xlsx`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(response.headers.get('content-disposition')).toContain("filename*=UTF-8''");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const ws = workbook.getWorksheet(sheetName)!;
    const ids = [9, 10, 11, 12, 13, 14].map((r) => readCellValue(ws.getCell(`A${r}`).value).text);
    expect(ids).toEqual(['3-1-1', '3-1-3', '3-1-4', '3-1-5', '3-1-6', '']);
  });

  it('records the filled rows from an upload in Chromium and shows their 受付番号', async () => {
    // Prepare
    const formUrl = formLink(stack.httpUrl, tokenFor({ tenant: stack.tenant, kaId, quarter, purpose: 'form', now: new Date() }, secret));
    const context = await browser.newContext({ locale: 'ja-JP' });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto(formUrl);
    await page.locator('#sheet').screenshot({ path: join(screenshotDir, 'sheet-form-section.png') });
    // Act
    await page.locator('#sheet-file').setInputFiles({
      name: '進捗管理シート_市民生活専門部会_FY2013-Q2.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: filled,
    });
    await Promise.all([page.waitForURL(/\/sheet\?lang=ja$/), page.locator('#sheet button[type=submit]').click()]);
    // Assess
    await expect.poll(() => page.locator('[data-outcome]').getAttribute('data-outcome')).toBe('recorded');
    await page.screenshot({ path: join(screenshotDir, 'sheet-upload-result.png'), fullPage: true });
    const shown = await page.locator('[data-reference]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-reference')));
    const [r1] = await reportHistory(store, '3-1-1', quarter);
    const [r4] = await reportHistory(store, '3-1-4', quarter);
    expect(r1).toMatchObject({ status: '遅れ気味', budgetExecutedThousandYen: 2500, issues: '入札が不調', channel: 'sheet', reporter: { kaId, person: '高橋' } });
    expect(r4).toMatchObject({ status: '完了', budgetExecutedThousandYen: 2762, channel: 'sheet' });
    expect(shown).toEqual([r1!.reference, r4!.reference]);
    const body = await page.locator('main').innerText();
    expect(body).toContain(`${rowOf.get('3-1-3')} (3-1-3)`); // unchanged, not reported again
    expect(body).toContain(`${rowOf.get('3-1-5')} (3-1-5)`); // blank
    for (const id of ['3-1-3', '3-1-5', '3-1-6']) expect(await reportHistory(store, id, quarter)).toEqual([]);
    await context.close();
  });
});

describe('the sheet on the dashboard', () => {
  it("links each 部会's sheet from the dashboard, and the link downloads it", async () => {
    // Prepare
    const token = issueDashboardToken({ tenant: stack.tenant, directory: catalog.directory, holder: catalog.directory.secretariat.kaId, quarter, now: new Date() }, secret);
    const dashboard = await (await fetch(`${stack.httpUrl}/dashboard/${token}?quarter=${quarter}`)).text();
    const path = `/dashboard/${token}/sheets/${quarter}/${bukaiId}`;
    expect(dashboard).toContain(`href="${path}"`);
    // Act
    const response = await fetch(`${stack.httpUrl}${path}`);
    // Assess
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const ids = [...rowOf.keys()];
    const ws = workbook.getWorksheet(sheetName)!;
    expect(ids.map((_, i) => readCellValue(ws.getCell(`A${9 + i}`).value).text)).toEqual(ids);
  });

  it('refuses a 課 form link on the dashboard route', async () => {
    const formToken = tokenFor({ tenant: stack.tenant, kaId, quarter, purpose: 'form', now: new Date() }, secret);
    const response = await fetch(`${stack.httpUrl}/dashboard/${formToken}/sheets/${quarter}/${bukaiId}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('text/html');
  });
});

describe('a refused upload', () => {
  it('answers with every cell to fix and records nothing', async () => {
    // Prepare: a status that is not on the list, and a negative amount, in the 課's rows.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(filled as unknown as ArrayBuffer);
    const ws = workbook.getWorksheet(sheetName)!;
    const r5 = rowOf.get('3-1-5')!;
    ws.getCell(`F${r5}`).value = '順調';
    ws.getCell(`H${r5}`).value = -1;
    ws.getCell(`L${r5}`).value = '高橋';
    const bad = Buffer.from(await workbook.xlsx.writeBuffer());
    const formUrl = formLink(stack.httpUrl, tokenFor({ tenant: stack.tenant, kaId, quarter, purpose: 'form', now: new Date() }, secret));
    const form = new FormData();
    form.set('sheet', new Blob([bad]), 'sheet.xlsx');
    // Act
    const response = await fetch(`${formUrl}/sheet?lang=en`, { method: 'POST', body: form });
    // Assess
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain('data-outcome="refused"');
    expect(page).toContain(`進捗管理シート!F${r5}`);
    expect(page).toContain(`進捗管理シート!H${r5}`);
    expect(page).toContain('nothing from this sheet was recorded');
    // The same upload asking for JSON: the answer as data, with the headers of every JSON answer
    const asJson = await fetch(`${formUrl}/sheet?lang=en`, { method: 'POST', body: form, headers: { accept: 'application/json' } });
    expect(asJson.status).toBe(422);
    expect(asJson.headers.get('content-type')).toContain('application/json');
    expect(asJson.headers.get('x-content-type-options')).toBe('nosniff');
    expect(asJson.headers.get('cache-control')).toBe('no-store');
    expect(await asJson.json()).toMatchObject({ outcome: 'refused' });
    expect(await reportHistory(store, '3-1-5', quarter)).toEqual([]);
    expect(await reportHistory(store, '3-1-1', quarter)).toHaveLength(1);
  });
});

describe("the secretariat's command line", () => {
  it('imports many files with a bilingual result per file, and exits 1 when one is refused', async () => {
    // Prepare: the sheet already uploaded, a CSV named .xlsx, and a new row filled in.
    const again = join(dataDir, 'again.xlsx');
    const wrong = join(dataDir, 'not-a-sheet.xlsx');
    const more = join(dataDir, 'more.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(filled as unknown as ArrayBuffer);
    const r6 = rowOf.get('3-1-6')!;
    const ws = workbook.getWorksheet(sheetName)!;
    ws.getCell(`F${r6}`).value = '未着手';
    ws.getCell(`I${r6}`).value = '来年度に着手予定';
    ws.getCell(`L${r6}`).value = '事務局 代理入力';
    await Promise.all([
      writeFile(again, filled),
      writeFile(wrong, '事業ID,状況\n3-1-6,未着手\n'),
      writeFile(more, Buffer.from(await workbook.xlsx.writeBuffer())),
    ]);
    // Act
    const run = await shinchoku(['import-sheet', again, wrong, more, '--ka', kaId, '--quarter', quarter, '--endpoint', stack.dynamoEndpoint, '--table', stack.tableName, '--progress']);
    // Assess
    expect(run.code).toBe(1);
    const output = run.lines.join('\n');
    expect(output).toContain(`ファイル / file: ${again}`);
    expect(output).toContain('同じ内容で受付済み');
    expect(output).toContain(`ファイル / file: ${wrong}`);
    expect(output).toContain('名前だけ .xlsx');
    expect(output).toContain('only named like one');
    const [r] = await reportHistory(store, '3-1-6', quarter);
    expect(r).toMatchObject({ status: '未着手', channel: 'sheet', reporter: { kaId, person: '事務局 代理入力' } });
    expect(output).toContain(r!.reference);
    expect(run.messages.at(-1)).toContain('3 ファイル: 受付 2・不受理 1');
  });
});

describe('the sheet attached to a reply mail', () => {
  it('gets a confirmation that lists the reports, recorded once', async () => {
    // Prepare
    const ka = catalog.directory.ka.find((k) => k.id === kaId)!;
    const to = replyAddress(catalog.directory, tokenFor({ tenant: stack.tenant, kaId, quarter, purpose: 'mail', now: new Date() }, secret));
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: stack.smtpPort, secure: false, ignoreTLS: true });
    const since = Math.floor(Date.now() / 1000) - 1;
    // Act
    await transport.sendMail({
      from: `生活安全課 高橋 <${ka.emails[0]}>`,
      to,
      subject: 'Re: 進捗報告のお願い',
      text: '添付のとおり報告します。\n',
      attachments: [{ filename: '進捗管理シート_市民生活専門部会_FY2013-Q2.xlsx', content: filled }],
    });
    transport.close();
    // Assess
    const [r1] = await reportHistory(store, '3-1-1', quarter);
    const [r4] = await reportHistory(store, '3-1-4', quarter);
    const mails = (await fetchSentMails(stack.sesEndpoint, { since })).filter((m) => m.destination.to.some((a) => a.includes(ka.emails[0]!)));
    expect(mails).toHaveLength(1);
    const text = mails[0]!.body.text ?? '';
    expect(text).toContain('添付の進捗管理シートを受け付けました');
    expect(text).toContain(r1!.reference);
    expect(text).toContain(r4!.reference);
    expect(text).toContain('受付済み');
    expect(await reportHistory(store, '3-1-1', quarter)).toHaveLength(1);
  });
});
