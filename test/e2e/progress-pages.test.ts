/**
 * Issue 8 end to end: the whole local stack in this process, four quarters of scripted reports (with
 * canary values in every internal field), each quarter compiled by the real compile-quarter handler,
 * QuarterCompiled routed by the local EventBridge to publish-public, which writes the public pages and
 * open data to the local S3 — then the dashboard and the public pages looked at in headless Chromium
 * (Debian's /usr/bin/chromium through playwright-core), screenshots in test-results/, and the
 * published files checked for leaks and parsed back with csv-parse.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '#cli/main';
import type { Output } from '#cli/output';
import { localLambdaContext } from '#local/lambda-context';
import type { LocalStack } from '#local/stack';
import { defaultReminderConfig, quarterCompileDay } from '#shared/domain/reminders';
import { openDataColumns } from '#shared/domain/open-data';
import type { PlanFile } from '#shared/domain/plan';
import type { Directory } from '#shared/domain/directory';
import { routes } from '#shared/http/routes';
import { tokenFor } from '#shared/links';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { appendReport, reportHistory } from '#shared/store/report-items';
import type { Store } from '#shared/store/store';
import { launchChromium, screenshotDir } from '#test/support/browser';
import { freshLinkSecret, testStack } from '#test/support/local-stack';
import { canaries, scriptedSubmissions } from '#test/support/progress-script';

const quarters = ['FY2012-Q3', 'FY2012-Q4', 'FY2013-Q1', 'FY2013-Q2'];
const latest = 'FY2013-Q2';

const localStack = testStack('shinchoku-progress-e2e-');
let linkSecret: ReturnType<typeof freshLinkSecret> | undefined;
let stack: LocalStack;
let browser: Browser;
let store: Store;
let plan: PlanFile;
let directory: Directory;
let dashboardUrl: string;

/** Runs a CLI command and returns what it printed on stdout. */
async function cli(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const out: Output = { data: (text) => lines.push(...text.trimEnd().split('\n')), info: () => undefined, error: () => undefined };
  const code = await main(args, out);
  return { code, lines };
}

/** A browser page that records Content-Security-Policy violations and page errors. */
async function openPage(viewport: { width: number; height: number }, options: { mobile?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'ja-JP', ...(options.mobile ? { isMobile: true, hasTouch: true } : {}) });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    // Failed loads are reported below with their address (a browser asks for /favicon.ico on its own).
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) problems.push(`${response.status()} ${response.url()}`);
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return { context, page, problems };
}

/** Everything the public site serves for the published quarters, by path. */
async function fetchPublic(path: string): Promise<Response> {
  return fetch(`${stack.httpUrl}/public/${path}`);
}

beforeAll(async () => {
  linkSecret = freshLinkSecret();
  ({ stack, store } = await localStack.start({ inMemory: true, httpPort: 0, dynamoPort: 0, sesPort: 0, scheduler: false }));
  ({ plan } = await readPlanFile());
  directory = await readDirectoryFile();

  // Reports: in order per 事業 (versions count up), 事業 in parallel.
  const script = scriptedSubmissions(plan, directory, quarters);
  const perMeasure = new Map<string, typeof script>();
  for (const entry of script) perMeasure.set(entry.submission.measureId, [...(perMeasure.get(entry.submission.measureId) ?? []), entry]);
  await Promise.all(
    [...perMeasure.values()].map(async (entries) => {
      for (const { submission, at, idempotencyKey } of entries) {
        const result = await appendReport(store, submission, { channel: 'web', idempotencyKey, now: at });
        expect(result.outcome).toBe('recorded');
      }
    }),
  );
  await stack.events.idle();

  // Compile each quarter as the schedule would, at 06:00 on the day after its reports are due; QuarterCompiled follows.
  const { handler: compile } = await import('#functions/compile-quarter/handler');
  for (const quarter of quarters) {
    const scheduledTime = new Date(`${quarterCompileDay(quarter, defaultReminderConfig)}T06:00:00+09:00`).toISOString();
    await compile({ quarter, scheduledTime }, localLambdaContext('compile-quarter', randomUUID()));
    await stack.events.idle();
  }

  const link = await cli(['dashboard-link', '--quarter', latest, '--base-url', stack.httpUrl]);
  expect(link.code).toBe(0);
  dashboardUrl = link.lines[0]!;
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await localStack.stop();
  linkSecret?.restore();
});

describe('publishing after each compile', () => {
  it('routes every QuarterCompiled to publish-public, which succeeds', () => {
    // Assess
    const compiled = stack.events.published.filter((e) => e['detail-type'] === 'QuarterCompiled').map((e) => e.id);
    const published = stack.events.delivered.filter((d) => d.rule === 'publish-public-on-compile').map((d) => d.event.id);
    expect(compiled).toHaveLength(quarters.length);
    expect(published.sort()).toEqual([...compiled].sort());
    expect(stack.events.deadLetters.filter((d) => d.fn === 'publish-public')).toEqual([]);
  });

  it('serves the index, a page, a CSV and a JSON per quarter under /public/, read-only', async () => {
    // Act
    const index = await fetchPublic('');
    const indexHtml = await index.text();
    const put = await fetch(`${stack.httpUrl}/public/index.html`, { method: 'PUT', body: 'x' });
    // Assess
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("style-src 'sha256-");
    expect(put.status).toBe(405);
    // An address with nothing at it: the site's own bilingual 404 page, linking to the quarters
    const missing = await fetchPublic('FY2099-Q1/index.html');
    const missingHtml = await missing.text();
    expect(missing.status).toBe(404);
    expect(missingHtml).toContain('ページが見つかりません');
    expect(missingHtml).toContain('Page not found');
    expect(missingHtml).toContain('href="/"');
    for (const quarter of quarters) {
      expect(indexHtml).toContain(`href="${quarter}/index.html"`);
      for (const [file, type] of [
        ['index.html', 'text/html'],
        [`shinchoku-${quarter}.csv`, 'text/csv'],
        [`shinchoku-${quarter}.json`, 'application/json'],
      ] as const) {
        const response = await fetchPublic(`${quarter}/${file}`);
        expect(response.status, `${quarter}/${file}`).toBe(200);
        expect(response.headers.get('content-type')).toContain(type);
      }
    }
  });
});

describe('the public page and the open data leak nothing internal', () => {
  it('has no canary, no 課 address and no 受付番号 in any published file', async () => {
    // Prepare
    const paths = ['', ...quarters.flatMap((q) => [`${q}/index.html`, `${q}/shinchoku-${q}.csv`, `${q}/shinchoku-${q}.json`])];
    // Act
    const bodies = await Promise.all(paths.map(async (p) => ({ path: p, text: await (await fetchPublic(p)).text() })));
    // Assess: the canaries are really in the store (the check could fail) …
    const stored = JSON.stringify(await reportHistory(store, plan.measures[1]!.id));
    for (const canary of [canaries.person, canaries.issues, canaries.nextSteps]) expect(stored).toContain(canary);
    // … and nowhere in what is published.
    for (const { path, text } of bodies) {
      for (const canary of Object.values(canaries)) expect(text, `${path} contains ${canary}`).not.toContain(canary);
      expect(text, path).not.toMatch(/@shimotsuke\.example/);
      expect(text, path).not.toMatch(/FY\d{4}-Q\d-\d+-\d+-\d+-v\d/);
    }
  });
});

describe('open data', () => {
  it('round-trips the published CSV through csv-parse: BOM, CRLF, Japanese, commas and line breaks', async () => {
    // Act
    const bytes = Buffer.from(await (await fetchPublic(`${latest}/shinchoku-${latest}.csv`)).arrayBuffer());
    const json = (await (await fetchPublic(`${latest}/shinchoku-${latest}.json`)).json()) as { records: Record<string, string | number | null>[] };
    const rows = parse(bytes, { bom: true, columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
    // Assess
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(rows).toHaveLength(plan.measures.length);
    expect(Object.keys(rows[0]!)).toEqual(openDataColumns.map((c) => c.name));
    const multiline = rows.filter((r) => r['取組状況']!.includes('\n') && r['取組状況']!.includes(','));
    expect(multiline.length).toBeGreaterThan(0);
    rows.forEach((row, i) => {
      const record = json.records[i]!;
      const narrative = String(record.narrative ?? '');
      expect(row['事業番号']).toBe(record.measure_id);
      expect(row['取組状況']).toBe(/^[=+\-@]/.test(narrative) ? `'${narrative}` : narrative);
    });
  });

  it('is downloadable from the dashboard, the same bytes as published', async () => {
    // Act
    const fromDashboard = await fetch(`${dashboardUrl}/open-data/shinchoku-${latest}.csv`);
    const published = await (await fetchPublic(`${latest}/shinchoku-${latest}.csv`)).text();
    // Assess
    expect(fromDashboard.status).toBe(200);
    expect(fromDashboard.headers.get('content-disposition')).toContain(`shinchoku-${latest}.csv`);
    expect(await fromDashboard.text()).toBe(published);
  });
});

describe('dashboard in headless Chromium', () => {
  it('shows a quarter at a glance on a desk screen: counts, charts, who has not reported, every 事業, the timeline', async () => {
    // Prepare
    const { context, page, problems } = await openPage({ width: 1440, height: 900 });
    try {
      // Act
      const response = await page.goto(dashboardUrl);
      // Assess
      expect(response?.status()).toBe(200);
      expect(response?.headers()['referrer-policy']).toBe('no-referrer');
      await expect.poll(() => page.locator('h1').innerText()).toContain('平成25年度 第2四半期');
      expect(await page.locator('select#quarter option').count()).toBe(16);
      for (const id of ['mix-bukai', 'mix-goal', 'budget-by-year', 'timeline-1', 'timeline-5']) {
        expect(await page.locator(`svg#${id}`).isVisible(), id).toBe(true);
      }
      const bukaiChart = await page.locator('svg#mix-bukai').innerHTML();
      for (const b of directory.bukai) expect(bukaiChart).toContain(b.name);
      expect(await page.locator('svg#mix-bukai g.segment').count()).toBeGreaterThan(directory.bukai.length);
      expect(await page.locator('svg[id^="timeline-"] g.milestone').count()).toBe(plan.measures.reduce((n, m) => n + m.milestones.length, 0));
      expect(await page.locator('svg[id^="timeline-"] g.milestone.overdue').count()).toBeGreaterThan(0);
      expect(await page.locator('table.status tbody tr:not(.group)').count()).toBe(plan.measures.length);
      expect(await page.locator('table.unreported tbody tr').count()).toBeGreaterThan(0);
      expect(await page.locator('#not-reported').innerText()).toContain('@shimotsuke.example');
      // Each 部会's 進捗管理シート, once the Excel export has its dashboard route.
      if (routes.some((r) => r.fn !== 'dashboard' && r.path.startsWith('/dashboard/{token}/') && r.path.includes('{bukaiId}'))) {
        const sheetLinks = page.locator('#downloads a[href*="/sheets/"]');
        expect(await sheetLinks.count()).toBe(directory.bukai.length);
        const sheet = await context.request.get(new URL((await sheetLinks.first().getAttribute('href'))!, stack.httpUrl).toString());
        expect(sheet.status()).toBe(200);
        expect(sheet.headers()['content-type']).toContain('spreadsheetml');
      }
      await page.screenshot({ path: join(screenshotDir, 'dashboard-desktop.png'), fullPage: true });
      await page.locator('#timeline').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(screenshotDir, 'dashboard-desktop-timeline.png') });

      // The quarter selector and the language switch.
      await page.locator('select#quarter').selectOption('FY2012-Q4');
      await Promise.all([page.waitForURL(/quarter=FY2012-Q4/), page.getByRole('button', { name: '表示' }).click()]);
      await expect.poll(() => page.locator('h1').innerText()).toContain('平成24年度 第4四半期');
      await Promise.all([page.waitForURL(/lang=en/), page.getByRole('link', { name: 'English' }).click()]);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      await expect.poll(() => page.locator('h1').innerText()).toContain('FY2012 Q4');
      await page.screenshot({ path: join(screenshotDir, 'dashboard-desktop-en.png') });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('reads on a projector and on a phone with large type, without the page scrolling sideways', async () => {
    for (const [name, viewport, mobile] of [
      ['projector', { width: 1920, height: 1080 }, false],
      ['phone', { width: 390, height: 844 }, true],
    ] as const) {
      // Prepare
      const { context, page, problems } = await openPage(viewport, { mobile });
      try {
        // Act
        await page.goto(`${dashboardUrl}?quarter=${latest}&size=large`);
        // Assess
        expect(await page.locator('body').getAttribute('class')).toBe('large');
        const fontSize = Number(await page.evaluate('parseFloat(getComputedStyle(document.body).fontSize)'));
        expect(fontSize).toBeGreaterThanOrEqual(22);
        const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
        expect(overflow, name).toBeLessThanOrEqual(1);
        expect(await page.locator('svg#mix-bukai').isVisible()).toBe(true);
        await page.screenshot({ path: join(screenshotDir, `dashboard-${name}-large.png`), fullPage: name === 'phone' ? false : true });
        if (name === 'phone') {
          await page.locator('#status').scrollIntoViewIfNeeded();
          await page.screenshot({ path: join(screenshotDir, 'dashboard-phone-large-status.png') });
        }
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }
  });

  it('opens a 事業\'s history from the status table: every report in order, the correction marked', async () => {
    // Prepare: a 事業 corrected in the newest quarter
    const histories = await Promise.all(plan.measures.map((m) => reportHistory(store, m.id)));
    const index = histories.findIndex((h) => h.some((r) => r.quarter === latest && r.version === 2));
    const measure = plan.measures[index]!;
    const { context, page, problems } = await openPage({ width: 1280, height: 900 });
    try {
      await page.goto(dashboardUrl);
      // Act
      await Promise.all([page.waitForURL(/\/measures\//), page.locator(`table.status a[href*="/measures/${measure.id}?"]`).click()]);
      // Assess
      await expect.poll(() => page.locator('h1').innerText()).toContain(measure.name);
      expect(await page.locator('article.report').count()).toBe(histories[index]!.length);
      const main = await page.locator('main').innerText();
      expect(main).toContain('第2版 (第1版の訂正)');
      expect(await page.locator('svg#status-over-time g.cell').count()).toBe(16);
      expect(await page.locator('svg#measure-timeline g.milestone').count()).toBe(measure.milestones.length);
      await page.screenshot({ path: join(screenshotDir, 'dashboard-measure-history.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('refuses a 課\'s form link with a 401 page and shows nothing', async () => {
    // Prepare
    const formToken = tokenFor(
      { tenant: stack.tenant, kaId: directory.secretariat.kaId, quarter: latest, purpose: 'form', now: new Date() },
      process.env.SHINCHOKU_LINK_SECRET!,
    );
    // Act
    const response = await fetch(`${stack.httpUrl}/dashboard/${formToken}`);
    const body = await response.text();
    // Assess
    expect(response.status).toBe(401);
    expect(body).toContain('このリンクは使えません');
    expect(body).not.toContain(plan.measures[0]!.name);
  });

  it('issues dashboard links only to the secretariat and the leadership', async () => {
    // Act
    const leadership = await cli(['dashboard-link', '--holder', 'leadership', '--base-url', 'https://progress.example.jp']);
    const ordinary = await cli(['dashboard-link', '--holder', directory.ka.find((k) => k.id !== directory.secretariat.kaId)!.id]);
    // Assess
    expect(leadership.code).toBe(0);
    expect(leadership.lines[0]).toMatch(/^https:\/\/progress\.example\.jp\/dashboard\/leadership\.\d{4}q[1-4]\.[0-9a-z]+\.[a-z2-7]{16}$/);
    expect(ordinary.code).toBe(2);
  });
});

describe('public page in headless Chromium', () => {
  it('shows every 事業 with status, milestones and narrative, links its open data, on a desk and on a phone', async () => {
    for (const [name, viewport, mobile] of [
      ['desktop', { width: 1280, height: 900 }, false],
      ['phone', { width: 390, height: 844 }, true],
    ] as const) {
      // Prepare
      const { context, page, problems } = await openPage(viewport, { mobile });
      try {
        // Act
        await page.goto(`${stack.httpUrl}/public/`);
        await Promise.all([page.waitForURL(/FY2013-Q2\/index\.html/), page.locator(`a[href="${latest}/index.html"]`).click()]);
        // Assess
        await expect.poll(() => page.locator('h1').innerText()).toContain('平成25年度 第2四半期');
        expect(await page.locator('article.card').count()).toBe(plan.measures.length);
        expect(await page.locator('svg#goal-mix').isVisible()).toBe(true);
        expect(await page.locator('svg#goal-mix g.segment').count()).toBeGreaterThanOrEqual(plan.goals.length);
        expect(await page.locator('article.card li.overdue').count()).toBeGreaterThan(0);
        const csvLink = page.locator(`a[href="shinchoku-${latest}.csv"]`);
        expect(await csvLink.isVisible()).toBe(true);
        const text = await page.locator('body').innerText();
        for (const canary of Object.values(canaries)) expect(text).not.toContain(canary);
        const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
        expect(overflow, name).toBeLessThanOrEqual(1);
        await page.screenshot({ path: join(screenshotDir, `public-${latest}-${name}.png`), fullPage: name === 'desktop' });
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }
  });
});
