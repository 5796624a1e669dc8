/**
 * The Done-when of the web form: the whole local stack (DynamoDB Local, SES emulator, HTTP server in
 * front of the real handlers) started in this process, a 課's link issued with `shinchoku link`, and
 * the form driven in headless Chromium (Debian's /usr/bin/chromium through playwright-core) as a
 * person on a phone would: fill in, submit, read the receipt, and find the report in DynamoDB.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '#cli/main';
import type { Output } from '#cli/output';
import type { LocalStack } from '#local/stack';
import { routeKey, routes } from '#shared/http/routes';
import { formLink, tokenFor } from '#shared/links';
import { reportReference } from '#shared/domain/report';
import { maxReportVersions, reportHistory, reportToItem } from '#shared/store/report-items';
import type { Store } from '#shared/store/store';
import { launchChromium, screenshotDir } from '#test/support/browser';
import { freshLinkSecret, testStack } from '#test/support/local-stack';

const phone = { width: 390, height: 844 };
/** 生活安全課 owns 3-1-1, 3-1-3 … 3-1-6 and is a related department (関連部署) of 3-1-2 and 5-4-1. */
const kaId = 'seikatsu-anzen';
const quarter = 'FY2013-Q2';

const localStack = testStack('shinchoku-form-e2e-');
let linkSecret: ReturnType<typeof freshLinkSecret> | undefined;
let stack: LocalStack;
let browser: Browser;
let store: Store;
let secret: string;
let formUrl: string;

/** Runs `shinchoku link …` and returns what it printed on stdout. */
async function shinchokuLink(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const out: Output = { data: (text) => lines.push(...text.trimEnd().split('\n')), info: () => undefined, error: () => undefined };
  const code = await main(['link', ...args], out);
  return { code, lines };
}

async function phonePage(): Promise<{ context: BrowserContext; page: Page; posts: Request[] }> {
  const context = await browser.newContext({ viewport: phone, isMobile: true, hasTouch: true, locale: 'ja-JP' });
  // A missing element fails the test in seconds, not at the test timeout.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const posts: Request[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST') posts.push(request);
  });
  return { context, page, posts };
}

beforeAll(async () => {
  linkSecret = freshLinkSecret();
  ({ secret } = linkSecret);
  // Every port free-chosen (other test files start their own stack at the same time); no scheduled
  // jobs firing in the middle of the test.
  ({ stack, store } = await localStack.start({
    inMemory: true,
    httpPort: 0,
    dynamoPort: 0,
    sesPort: 0,
    smtpPort: 0,
    eventsPort: 0,
    s3Port: 0,
    scheduler: false,
  }));
  browser = await launchChromium();
  const link = await shinchokuLink(['--ka', kaId, '--quarter', quarter, '--base-url', stack.httpUrl]);
  expect(link.code).toBe(0);
  formUrl = link.lines[0]!;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await localStack.stop();
  linkSecret?.restore();
});

describe('shinchoku link', () => {
  it('prints the signed form URL and the reply-to address of the 課 and quarter', async () => {
    // Act
    const { code, lines } = await shinchokuLink(['--ka', kaId, '--quarter', '平成25年度第2四半期', '--base-url', 'https://progress.example.jp/']);
    // Assess
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^https:\/\/progress\.example\.jp\/form\/seikatsu-anzen\.2013q2\.[0-9a-z]+\.[a-z2-7]{16}$/);
    expect(lines[1]).toMatch(/^progress\+seikatsu-anzen\.2013q2\.[0-9a-z]+\.[a-z2-7]{16}@shimotsuke\.example$/);
  });

  it('refuses an unknown 課 and a quarter outside the plan, without printing the whole usage', async () => {
    // Act
    const unknownKa = await shinchokuLink(['--ka', 'no-such-ka', '--quarter', quarter]);
    const outside = await shinchokuLink(['--ka', kaId, '--quarter', 'FY2020-Q1']);
    // Assess
    expect(unknownKa.code).toBe(2);
    expect(outside.code).toBe(2);
    // The reason alone, not buried under the whole usage
    expect([...unknownKa.lines, ...outside.lines].join('\n')).not.toContain('使い方 / usage');
  });
});

describe('web form in headless Chromium', () => {
  it('shows the 課\'s 事業 for the quarter, is submitted with full-width digits, and answers with a receipt stored in DynamoDB', async () => {
    // Prepare
    const { context, page } = await phonePage();
    try {
      const opened = await page.goto(formUrl);
      expect(opened?.status()).toBe(200);
      expect(await page.locator('html').getAttribute('lang')).toBe('ja');
      await expect.poll(() => page.title()).toContain('生活安全課');
      expect(await page.locator('section[id^="m-"]').count()).toBe(7); // 5 owned + 2 related
      await expect.poll(() => page.locator('main').innerText()).toContain('平成25年度 第2四半期');
      await page.screenshot({ path: join(screenshotDir, 'form-phone.png'), fullPage: false });
      const section = page.locator('#m-3-1-3');
      // Act
      await section.getByLabel('全体の状況').selectOption('遅れ気味');
      const m2 = section.locator('fieldset fieldset', { hasText: '情報提供範囲の検討' });
      await m2.getByLabel('進捗').selectOption('in_progress');
      await m2.getByLabel('日付 (開始日・完了日)').fill('2013-07-01');
      const m1 = section.locator('fieldset fieldset', { hasText: '市民利用状況の確認' });
      await m1.getByLabel('進捗').selectOption('done');
      await m1.getByLabel('日付 (開始日・完了日)').fill('2013-03-29');
      await section.getByLabel('平成25年度の執行額 (千円)').fill('１２，３４５');
      await section.getByLabel('進捗状況').fill('防災メールの登録者数を確認し、<b>提供範囲</b>の案を作成中。');
      await section.getByLabel('課題').fill('関係機関との調整に時間を要している。');
      await section.getByLabel('今後の予定').fill('10月に庁内検討会を開催する。');
      await section.getByLabel('報告者の氏名').fill('下野 花子');
      await m2.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(screenshotDir, 'form-phone-milestones.png') });
      await section.getByLabel('平成25年度の執行額 (千円)').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(screenshotDir, 'form-phone-budget.png') });
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        section.getByRole('button', { name: /この事業の報告を送信/ }).click(),
      ]);
      await page.waitForLoadState();
      // Assess
      expect(response.status()).toBe(200);
      await expect.poll(() => page.locator('h1').innerText()).toBe('報告を受け付けました');
      const reference = await page.locator('.receipt-ref').innerText();
      expect(reference).toBe('FY2013-Q2-3-1-3-v1');
      const receipt = await page.locator('main').innerText();
      expect(receipt).toContain('12,345');
      expect(receipt).toContain('<b>提供範囲</b>'); // shown as text, not markup
      await page.screenshot({ path: join(screenshotDir, 'receipt-phone.png'), fullPage: true });

      const history = await reportHistory(store, '3-1-3');
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({
        reference,
        quarter,
        kind: 'report',
        status: '遅れ気味',
        channel: 'web',
        budgetExecutedThousandYen: 12345,
        milestones: [
          { milestoneId: 'm1', progress: 'done', date: '2013-03-29' },
          { milestoneId: 'm2', progress: 'in_progress', date: '2013-07-01' },
        ],
        issues: '関係機関との調整に時間を要している。',
        reporter: { kaId, ka: '生活安全課', person: '下野 花子' },
      });

      // The JSON API reads the same report back, once the API half of the issue has added the route.
      if (routes.some((r) => routeKey(r) === 'GET /api/reports/{reference}')) {
        const formToken = formUrl.slice(formUrl.lastIndexOf('/') + 1);
        const api = await context.request.get(`${stack.httpUrl}/api/reports/${encodeURIComponent(reference)}`, {
          headers: { authorization: `Bearer ${formToken}` },
        });
        expect(api.status()).toBe(200);
        expect(JSON.stringify(await api.json())).toContain(reference);
      }

      // Opening the link again shows the form pre-filled from that report.
      await page.goto(formUrl);
      const again = page.locator('#m-3-1-3');
      expect(await again.getByLabel('全体の状況').inputValue()).toBe('遅れ気味');
      expect(await again.getByLabel('平成25年度の執行額 (千円)').inputValue()).toBe('12345');
      expect(await again.getByLabel('報告者の氏名').inputValue()).toBe('下野 花子');
      expect(await again.innerText()).toContain('FY2013-Q2-3-1-3-v1');
    } finally {
      await context.close();
    }
  });

  it('shows each error next to its field, keeps the input, writes nothing, and records once corrected', async () => {
    // Prepare
    const { context, page } = await phonePage();
    try {
      await page.goto(formUrl);
      const section = page.locator('#m-3-1-4');
      await section.getByLabel('全体の状況').selectOption('遅延');
      // Yen instead of thousand yen, typed with full-width digits: read as a number, refused as too large.
      await section.getByLabel('平成25年度の執行額 (千円)').fill('１２３，４５６，７８９，０００');
      await section.getByLabel('進捗状況').fill('入力内容は残るはずです');
      await section.getByLabel('報告者の氏名').fill('小山 太郎');
      // Act
      const [refused] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        section.getByRole('button', { name: /この事業の報告を送信/ }).click(),
      ]);
      await page.waitForLoadState();
      // Assess
      expect(refused.status()).toBe(400);
      const budget = page.locator('#m-3-1-4-budgetExecutedThousandYen');
      const budgetError = page.locator('#m-3-1-4-budgetExecutedThousandYen-error');
      expect(await budgetError.innerText()).toContain('大きすぎます');
      expect(await budgetError.innerText()).toContain('too large');
      expect(await budget.getAttribute('aria-describedby')).toContain('m-3-1-4-budgetExecutedThousandYen-error');
      expect(await budget.getAttribute('aria-invalid')).toBe('true');
      expect(await budget.inputValue()).toBe('１２３，４５６，７８９，０００');
      expect(await page.locator('#m-3-1-4-narrative').inputValue()).toBe('入力内容は残るはずです');
      expect(await page.title()).toMatch(/^エラー: /);
      // The keyboard and the screen reader start at the summary of what was refused
      expect(await page.evaluate("document.activeElement.closest('section').id + ' ' + document.activeElement.className")).toBe('m-3-1-4 error-summary');
      await page.screenshot({ path: join(screenshotDir, 'form-errors-phone.png'), fullPage: false });
      expect(await reportHistory(store, '3-1-4')).toHaveLength(0);

      // Act: correct the amount; the plan's own rule (a delay needs its issues) is checked next
      await budget.fill('1,000');
      const [stillRefused] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.locator('#m-3-1-4').getByRole('button', { name: /この事業の報告を送信/ }).click(),
      ]);
      await page.waitForLoadState();
      // Assess
      expect(stillRefused.status()).toBe(400);
      expect(await page.locator('#m-3-1-4-issues-error').innerText()).toContain('課題を記入してください');
      expect(await page.locator('#m-3-1-4-issues').getAttribute('aria-describedby')).toBe('m-3-1-4-issues-error');
      expect(await page.locator('#m-3-1-4-budgetExecutedThousandYen-error').count()).toBe(0);
      expect(await reportHistory(store, '3-1-4')).toHaveLength(0);

      // Act: give the issues and submit again from the same page
      await page.locator('#m-3-1-4-issues').fill('委託先の選定が遅れている');
      const [accepted] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.locator('#m-3-1-4').getByRole('button', { name: /この事業の報告を送信/ }).click(),
      ]);
      await page.waitForLoadState();
      // Assess
      expect(accepted.status()).toBe(200);
      expect(await page.locator('.receipt-ref').innerText()).toBe('FY2013-Q2-3-1-4-v1');
      const history = await reportHistory(store, '3-1-4');
      expect(history.map((r) => [r.version, r.budgetExecutedThousandYen, r.narrative])).toEqual([[1, 1000, '入力内容は残るはずです']]);
    } finally {
      await context.close();
    }
  });

  it('records a double click, a reload of the result and a replayed POST once, with the same receipt', async () => {
    // Prepare
    const { context, page, posts } = await phonePage();
    try {
      await page.goto(formUrl);
      const section = page.locator('#m-3-1-5');
      await section.getByLabel('全体の状況').selectOption('予定どおり');
      await section.getByLabel('進捗状況').fill('計画どおり進んでいる');
      await section.getByLabel('報告者の氏名').fill('石橋 次郎');
      // Act: double click
      await section.getByRole('button', { name: /この事業の報告を送信/ }).dblclick();
      await page.locator('.receipt-ref').waitFor();
      const reference = await page.locator('.receipt-ref').innerText();
      // Act: reload the receipt (the browser sends the POST again)
      const reloaded = await page.reload();
      // Act: replay the exact request a third time
      const submitted = posts[0]!;
      const replay = await context.request.post(submitted.url(), {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        data: submitted.postData() ?? '',
      });
      // Assess
      expect(reference).toBe('FY2013-Q2-3-1-5-v1');
      expect(posts.length).toBeGreaterThanOrEqual(2);
      expect(reloaded?.request().method()).toBe('POST');
      expect(reloaded?.status()).toBe(200);
      expect(await page.locator('.receipt-ref').innerText()).toBe(reference);
      expect(await page.locator('main').innerText()).toContain('既に受け付けています');
      expect(replay.status()).toBe(200);
      expect(await replay.text()).toContain(reference);
      expect(await reportHistory(store, '3-1-5')).toHaveLength(1);
    } finally {
      await context.close();
    }
  });

  it('answers a used form sent again with other content with 409, keeps the input, and records a correction as version 2', async () => {
    // Prepare: a recorded report, and the form page as the browser kept it (same idempotency key)
    const { context, page } = await phonePage();
    try {
      await page.goto(formUrl);
      const section = page.locator('#m-3-1-6');
      const usedKey = await section.locator('input[name="idempotencyKey"]').inputValue();
      await section.getByLabel('全体の状況').selectOption('予定どおり');
      await section.getByLabel('報告者の氏名').fill('石橋 次郎');
      await section.getByRole('button', { name: /この事業の報告を送信/ }).click();
      await page.locator('.receipt-ref').waitFor();
      await page.goto(formUrl);
      await page.locator('#m-3-1-6 input[name="idempotencyKey"]').evaluate((input, key) => input.setAttribute('value', key), usedKey);
      await page.locator('#m-3-1-6').getByLabel('全体の状況').selectOption('完了');
      await page.locator('#m-3-1-6').getByLabel('進捗状況').fill('完了しました');
      // Act
      const [conflict] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.locator('#m-3-1-6').getByRole('button', { name: /この事業の報告を送信/ }).click(),
      ]);
      await page.waitForLoadState();
      const conflictText = await page.locator('#m-3-1-6').innerText();
      const keptStatus = await page.locator('#m-3-1-6').getByLabel('全体の状況').inputValue();
      const newKey = await page.locator('#m-3-1-6 input[name="idempotencyKey"]').inputValue();
      const afterConflict = await reportHistory(store, '3-1-6');
      await page.locator('#m-3-1-6').getByRole('button', { name: /この事業の報告を送信/ }).click();
      await page.locator('.receipt-ref').waitFor();
      // Assess
      expect(conflict.status()).toBe(409);
      expect(conflictText).toContain('FY2013-Q2-3-1-6-v1');
      // The section shows the input kept, so it does not say it shows the last report
      expect(conflictText).not.toContain('前回の報告');
      expect(conflictText).not.toContain('この事業の報告はまだありません');
      expect(keptStatus).toBe('完了');
      expect(newKey).not.toBe(usedKey);
      expect(afterConflict).toHaveLength(1);
      expect(await page.locator('.receipt-ref').innerText()).toBe('FY2013-Q2-3-1-6-v2');
      const history = await reportHistory(store, '3-1-6');
      expect(history.map((r) => [r.version, r.supersedes, r.status])).toEqual([
        [1, undefined, '予定どおり'],
        [2, 1, '完了'],
      ]);
    } finally {
      await context.close();
    }
  });

  it('answers a 事業 whose quarter holds every version it can with 409, keeps the input, and writes nothing', async () => {
    // Prepare: 3-1-5 already has its last possible version for FY2013-Q3, and a form link for that quarter
    const full = 'FY2013-Q3';
    const reporter = { kaId, ka: '生活安全課', bukai: '市民生活専門部会', person: '石橋 太郎' };
    await store.doc.put({
      TableName: store.tableName,
      Item: reportToItem(store.tenant, {
        measureId: '3-1-5', quarter: full, kind: 'report', status: '予定どおり', milestones: [], narrative: '', issues: '', nextSteps: '', reporter,
        version: maxReportVersions, reference: reportReference('3-1-5', full, maxReportVersions), channel: 'web', submittedAt: new Date().toISOString(), attachments: [],
      }),
    });
    const link = await shinchokuLink(['--ka', kaId, '--quarter', full, '--base-url', stack.httpUrl]);
    const { context, page } = await phonePage();
    try {
      await page.goto(link.lines[0]!);
      const section = page.locator('#m-3-1-5');
      await section.getByLabel('全体の状況').selectOption('遅延');
      await section.getByLabel('課題').fill('委託先の選定が遅れている');
      await section.getByLabel('報告者の氏名').fill('石橋 次郎');
      // Act
      const [refused] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        section.getByRole('button', { name: /この事業の報告を送信/ }).click(),
      ]);
      await page.waitForLoadState();
      // Assess
      expect(refused.status()).toBe(409);
      expect(await page.locator('#m-3-1-5 .error-summary').innerText()).toContain(`${maxReportVersions} 版まで`);
      expect(await page.locator('#m-3-1-5').getByLabel('全体の状況').inputValue()).toBe('遅延');
      expect(await reportHistory(store, '3-1-5', full)).toHaveLength(1);
    } finally {
      await context.close();
    }
  });

  it('works in English (?lang=en) across the submit, and lets a related department comment', async () => {
    // Prepare
    const { context, page } = await phonePage();
    try {
      await page.goto(formUrl);
      await page.getByRole('link', { name: 'English' }).click();
      await page.waitForLoadState();
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      const related = page.locator('#m-3-1-2');
      expect(await related.getByLabel('Overall status').count()).toBe(0); // comments only
      await page.locator('#m-3-1-3').evaluate((section) => section.scrollIntoView());
      await page.screenshot({ path: join(screenshotDir, 'form-phone-en.png') });
      // 320 CSS px (a narrow phone, or 400% zoom on a desk): the budget tables' English heads wrap
      await page.setViewportSize({ width: 320, height: 640 });
      expect(Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'))).toBeLessThanOrEqual(1);
      await page.setViewportSize(phone);
      await related.getByLabel('Comment').fill('防災無線の観点から協力します。');
      await related.getByLabel('Your name').fill('Hanako Shimono');
      // Act
      await related.getByRole('button', { name: /Submit the comment/ }).click();
      await page.locator('.receipt-ref').waitFor();
      // Assess
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await page.locator('h1').innerText()).toBe('Report received');
      const [comment] = await reportHistory(store, '3-1-2');
      expect(comment).toMatchObject({ kind: 'comment', narrative: '防災無線の観点から協力します。', reporter: { kaId } });
      expect(comment?.status).toBeUndefined();
    } finally {
      await context.close();
    }
  });

  it('refuses an expired and a tampered link with the bilingual error page (401) and writes nothing', async () => {
    // Prepare
    const { context, page } = await phonePage();
    try {
      const longAgo = new Date(Date.now() - 100 * 86_400_000);
      const expired = formLink(stack.httpUrl, tokenFor({ tenant: stack.tenant, kaId, quarter, purpose: 'form', now: longAgo, validDays: 60 }, secret));
      const signature = formUrl.slice(-16);
      const tampered = `${formUrl.slice(0, -16)}${signature.startsWith('a') ? 'b' : 'a'}${signature.slice(1)}`;
      const otherKa = formUrl.replace('/form/seikatsu-anzen.', '/form/sogo-seisaku.');
      await page.goto(formUrl);
      const idempotencyKey = await page.locator('#m-3-1-1 input[name="idempotencyKey"]').inputValue();
      const body = new URLSearchParams({ measureId: '3-1-1', idempotencyKey, status: '予定どおり', narrative: 'x', person: 'y' }).toString();
      // Act
      const expiredPage = await page.goto(expired);
      const expiredText = await page.locator('main').innerText();
      await page.screenshot({ path: join(screenshotDir, 'link-expired-phone.png') });
      const tamperedPage = await page.goto(tampered);
      const tamperedText = await page.locator('main').innerText();
      const posts = await Promise.all(
        [expired, tampered, otherKa].map((url) =>
          context.request.post(url, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, data: body }),
        ),
      );
      // Assess
      expect(expiredPage?.status()).toBe(401);
      expect(expiredText).toContain('有効期限が切れています');
      expect(expiredText).toContain('expired');
      expect(tamperedPage?.status()).toBe(401);
      expect(tamperedText).toContain('署名が正しくありません');
      expect(tamperedText).toContain('signature is invalid');
      expect(posts.map((p) => p.status())).toEqual([401, 401, 401]);
      expect(await reportHistory(store, '3-1-1')).toHaveLength(0);
    } finally {
      await context.close();
    }
  });

  it('takes the largest report the form allows, every character of its texts sent as three %XX', async () => {
    // Prepare
    const { context, page } = await phonePage();
    try {
      await page.goto(formUrl);
      const idempotencyKey = await page.locator('#m-3-1-6 input[name="idempotencyKey"]').inputValue();
      const data = new URLSearchParams({ idempotencyKey, measureId: '3-1-6', status: '予定どおり', narrative: 'あ'.repeat(4000), issues: 'い'.repeat(4000), nextSteps: 'う'.repeat(4000), person: '名'.repeat(100) }).toString();
      // Act
      const answer = await context.request.post(formUrl, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, data });
      // Assess
      expect(data.length).toBeGreaterThan(108_000);
      expect(answer.status()).toBe(200);
      expect((await reportHistory(store, '3-1-6')).at(-1)?.narrative).toHaveLength(4000);
    } finally {
      await context.close();
    }
  });

  it('refuses a 事業 the 課 does not own (403), the wrong content type (415) and an oversize body (413), writing nothing', async () => {
    // Prepare
    const { context, page } = await phonePage();
    try {
      await page.goto(formUrl);
      const idempotencyKey = await page.locator('#m-3-1-1 input[name="idempotencyKey"]').inputValue();
      const form = (fields: Record<string, string>) => new URLSearchParams({ idempotencyKey, status: '予定どおり', person: 'y', ...fields }).toString();
      const post = (data: string, contentType = 'application/x-www-form-urlencoded') =>
        context.request.post(formUrl, { headers: { 'content-type': contentType }, data });
      // Act
      const notOwned = await post(form({ measureId: '1-1-1' }));
      const json = await post(JSON.stringify({ measureId: '3-1-1' }), 'application/json');
      const oversize = await post(form({ measureId: '3-1-1', narrative: 'あ'.repeat(15_000) }));
      // Assess
      expect(notOwned.status()).toBe(403);
      expect(await notOwned.text()).toContain('担当部署ではありません');
      expect(json.status()).toBe(415);
      expect(oversize.status()).toBe(413);
      expect(await reportHistory(store, '1-1-1')).toHaveLength(0);
      expect(await reportHistory(store, '3-1-1')).toHaveLength(0);
    } finally {
      await context.close();
    }
  });
});
