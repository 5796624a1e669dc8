/**
 * The dashboard as pure functions: who may open it (shared/auth/dashboard-access.ts), what it computes
 * (shared/web/dashboard/model.ts) and what its pages say (page.ts, measure-page.ts). The pages in a
 * browser are checked in test/e2e/progress-pages.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { authenticateDashboard, issueDashboardToken, leadershipHolder } from '#shared/auth/dashboard-access';
import { compileQuarter, plannedBudget } from '#shared/domain/compile';
import { buildDigest } from '#shared/domain/digest';
import { defaultReminderConfig } from '#shared/domain/reminders';
import type { Directory } from '#shared/domain/directory';
import type { PlanFile } from '#shared/domain/plan';
import type { StoredReport } from '#shared/domain/report';
import { tokenFor } from '#shared/links';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { planQuarters } from '#shared/progress-snapshot';
import { isPublicFrom } from '#shared/publish-public';
import { viewOptionsOf } from '#shared/web/dashboard/frame';
import { renderMeasureHistory } from '#shared/web/dashboard/measure-page';
import { budgetByFiscalYear, notReported, quarterStatus, type CompiledStatus, type DashboardData } from '#shared/web/dashboard/model';
import { renderDashboard, sheetLinkFromRoutes } from '#shared/web/dashboard/page';
import { asStoredReports, canaries, scriptedSubmissions } from '#test/support/progress-script';

const secret = 'x'.repeat(32);
const now = new Date('2013-10-05T00:00:00Z');
const script = ['FY2013-Q1', 'FY2013-Q2'];
let plan: PlanFile;
let directory: Directory;
let reports: StoredReport[];
let data: DashboardData;

beforeAll(async () => {
  ({ plan } = await readPlanFile());
  directory = await readDirectoryFile();
  reports = asStoredReports(scriptedSubmissions(plan, directory, script));
  const compiled = new Map<string, CompiledStatus>(
    ['FY2013-Q1'].map((q) => [q, compileQuarter({ plan, quarter: q, reports: reports.filter((r) => r.quarter === q) })]),
  );
  data = { plan, directory, quarter: 'FY2013-Q2', planQuarters: planQuarters(plan), compiled, reports, now };
});

describe('authenticateDashboard', () => {
  const deps = () => ({ secret, tenant: plan.plan.tenant, directory, now });

  it('lets the secretariat and the leadership in', () => {
    for (const holder of [directory.secretariat.kaId, leadershipHolder]) {
      // Prepare
      const token = issueDashboardToken({ tenant: plan.plan.tenant, directory, holder, quarter: 'FY2013-Q2', now }, secret);
      // Act
      const viewer = authenticateDashboard(token, deps());
      // Assess
      expect(viewer).toMatchObject({ holder, claims: { purpose: 'dashboard', quarter: 'FY2013-Q2' } });
    }
  });

  it('refuses a 課\'s form link, even the secretariat\'s', () => {
    // Prepare
    const token = tokenFor({ tenant: plan.plan.tenant, kaId: directory.secretariat.kaId, quarter: 'FY2013-Q2', purpose: 'form', now }, secret);
    // Act / Assess
    expect(authenticateDashboard(token, deps())).toMatchObject({ outcome: 'unauthenticated' });
  });

  it('refuses a dashboard-purpose token of another 課, an expired one and none', () => {
    // Prepare
    const other = tokenFor({ tenant: plan.plan.tenant, kaId: 'kenko-zoshin', quarter: 'FY2013-Q2', purpose: 'dashboard', now }, secret);
    const expired = issueDashboardToken({ tenant: plan.plan.tenant, directory, holder: leadershipHolder, quarter: 'FY2013-Q2', now, validDays: 1 }, secret);
    // Act / Assess
    expect(authenticateDashboard(other, deps())).toMatchObject({ outcome: 'unauthenticated', en: expect.stringContaining('may not view') });
    expect(authenticateDashboard(expired, { ...deps(), now: new Date(now.getTime() + 2 * 86_400_000) })).toMatchObject({ outcome: 'unauthenticated' });
    expect(authenticateDashboard(undefined, deps())).toMatchObject({ outcome: 'unauthenticated' });
  });

  it('will not issue a dashboard link to an ordinary 課', () => {
    // Act / Assess
    expect(() => issueDashboardToken({ tenant: plan.plan.tenant, directory, holder: 'kenko-zoshin', quarter: 'FY2013-Q2', now }, secret)).toThrow(/secretariat/);
  });
});

describe('dashboard model', () => {
  it('computes a provisional status for a quarter that is not compiled, and uses the stored one otherwise', () => {
    // Act
    const open = quarterStatus(data);
    const closed = quarterStatus({ ...data, quarter: 'FY2013-Q1' });
    // Assess
    expect(open.provisional).toBe(true);
    expect(open.measures).toHaveLength(plan.measures.length);
    expect(closed.provisional).toBe(false);
    expect(closed.measures).toBe(data.compiled.get('FY2013-Q1')!.measures);
  });

  it('lists as not reported exactly the 事業 without an owner\'s report, under each owning 課', () => {
    // Prepare: from the script, not from the function under test
    const reported = new Set(reports.filter((r) => r.quarter === 'FY2013-Q2' && r.kind === 'report').map((r) => r.measureId));
    const expected = plan.measures.filter((m) => !reported.has(m.id)).map((m) => m.id).sort();
    // Act
    const missing = notReported(data);
    const listed = [...new Set(missing.flatMap((b) => b.ka.flatMap((k) => k.measures.map((m) => m.id))))].sort();
    // Assess
    expect(expected.length).toBeGreaterThan(0);
    expect(listed).toEqual(expected);
    for (const b of missing) for (const k of b.ka) expect(k.ka.bukai).toBe(b.bukai.name);
  });

  it('sums planned budget per fiscal year and executed only up to the chosen quarter\'s year', () => {
    // Act
    const budget = budgetByFiscalYear(data);
    // Assess
    expect(budget.map((b) => b.fiscalYear)).toEqual([2012, 2013, 2014, 2015]);
    const planned2013 = plan.measures.reduce((sum, m) => sum + (plannedBudget(m, plan.plan.period, 2013).plannedThousandYen ?? 0), 0);
    expect(budget[1]!.plannedThousandYen).toBe(planned2013);
    const withLines = new Set(plan.measures.filter((m) => m.budget.lines.length > 0).map((m) => m.id));
    const latest = new Map<string, number>();
    for (const r of reports) {
      if (r.quarter === 'FY2013-Q2' && r.kind === 'report' && r.budgetExecutedThousandYen !== undefined && withLines.has(r.measureId)) {
        latest.set(r.measureId, r.budgetExecutedThousandYen);
      }
    }
    expect(latest.size).toBeGreaterThan(0);
    expect(budget[1]!.executedThousandYen).toBe([...latest.values()].reduce((a, b) => a + b, 0));
    expect(budget[2]!.executedThousandYen).toBeNull();
    expect(budget[0]!.executedThousandYen).toBeNull(); // no report of FY2012 in this script
  });

  it('reads the chosen quarter\'s budget from the status the page already has, and the same as computing it', () => {
    // Prepare
    const shown = quarterStatus(data);
    const withLines = shown.measures.filter((m) => m.budget.plannedLines !== undefined && m.budget.plannedLines.length > 0);
    const doubled = { ...shown, measures: shown.measures.map((m) => ({ ...m, budget: { ...m.budget, executedThousandYen: m.budget.executedThousandYen === null ? null : m.budget.executedThousandYen * 2 } })) };
    // Act
    const [computed, given, givenDoubled] = [budgetByFiscalYear(data), budgetByFiscalYear(data, shown), budgetByFiscalYear(data, doubled)];
    // Assess
    expect(withLines.length).toBeGreaterThan(0);
    expect(given).toEqual(computed);
    expect(givenDoubled[1]!.executedThousandYen).toBe(computed[1]!.executedThousandYen! * 2);
    expect(givenDoubled[0]).toEqual(computed[0]); // FY2012 is read at its own Q4, not from the shown status
  });

  it('gives the same execution figure as the digest for the chosen quarter', () => {
    // Prepare
    const compiled = compileQuarter({ plan, quarter: 'FY2013-Q2', reports: reports.filter((r) => r.quarter === 'FY2013-Q2') });
    const digest = buildDigest({ quarter: 'FY2013-Q2', compiled, plan, directory, compiledAt: now });
    // Act
    const budget = budgetByFiscalYear({ ...data, compiled: new Map([...data.compiled, ['FY2013-Q2', compiled]]) });
    // Assess
    expect(budget[1]).toEqual({
      fiscalYear: 2013,
      plannedThousandYen: digest.facts.budget.total.plannedThousandYen,
      executedThousandYen: digest.facts.budget.total.executedThousandYen,
    });
  });

  it('reads an earlier fiscal year at its Q4, not at an earlier quarter\'s report', () => {
    // Prepare: one 事業 with lines states 500 in FY2012-Q3, then 800 in FY2012-Q4.
    const measure = plan.measures.find((m) => m.budget.lines.length > 0)!;
    const stated = (quarter: string, amount: number): StoredReport => ({
      ...reports.find((r) => r.kind === 'report')!,
      measureId: measure.id,
      quarter,
      version: 1,
      supersedes: undefined,
      budgetExecutedThousandYen: amount,
    });
    const earlier = [stated('FY2012-Q3', 500), stated('FY2012-Q4', 800)];
    // Act
    const budget = budgetByFiscalYear({ ...data, reports: [...earlier, ...reports] });
    // Assess
    expect(budget[0]!.executedThousandYen).toBe(800);
  });
});

describe('renderDashboard', () => {
  it('labels a missing executed amount 報告なし for a year that has begun and 未到来 only for later years', () => {
    // Act: FY2013-Q2 is shown; FY2012 has no executed amount reported, FY2014 and FY2015 are to come
    const ja = renderDashboard(data, viewOptionsOf({}), { base: '/dashboard/t0k' });
    const en = renderDashboard(data, viewOptionsOf({ lang: 'en' }), { base: '/dashboard/t0k' });
    // Assess
    expect(ja).toContain('<title>H24年度 FY2012 執行額 (報告時点): 報告なし</title>');
    expect(ja).toContain('<title>H26年度 FY2014 執行額 (報告時点): 未到来</title>');
    expect(ja).toContain('<title>H27年度 FY2015 執行額 (報告時点): 未到来</title>');
    expect(ja).not.toContain('FY2012 執行額 (報告時点): 未到来');
    expect(en).toMatch(/FY2012 [^<]*: not reported<\/title>/);
    expect(en).toMatch(/FY2014 [^<]*: not yet<\/title>/);
  });

  it('shows every 事業 with a link to its history, the provisional notice and the selector of all quarters', () => {
    // Act
    const page = renderDashboard(data, viewOptionsOf({}), { base: '/dashboard/t0k' });
    // Assess
    for (const m of plan.measures) expect(page).toContain(`href="/dashboard/t0k/measures/${m.id}?quarter=FY2013-Q2"`);
    expect(page.match(/<option value="FY\d{4}-Q\d"/g)).toHaveLength(16);
    expect(page).toContain('速報値');
    expect(page).toContain('<html lang="ja">');
  });

  it('speaks English on lang=en and keeps the choice in its links', () => {
    // Act
    const page = renderDashboard({ ...data, quarter: 'FY2013-Q1' }, viewOptionsOf({ lang: 'en', size: 'large' }), { base: '/dashboard/t0k' });
    // Assess
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('Departments yet to report');
    expect(page).toContain('<body class="large">');
    expect(page).toContain('href="/dashboard/t0k/measures/1-1-1?quarter=FY2013-Q1&amp;lang=en&amp;size=large"');
    expect(page).toContain('href="/dashboard/t0k/open-data/shinchoku-FY2013-Q1.csv"');
  });

  it('names each cell of the status table, so a phone, where the column heads are hidden, still says what a figure is', () => {
    // Act
    const ja = renderDashboard({ ...data, quarter: 'FY2013-Q1' }, viewOptionsOf({}), { base: '/dashboard/t0k' });
    const en = renderDashboard({ ...data, quarter: 'FY2013-Q1' }, viewOptionsOf({ lang: 'en' }), { base: '/dashboard/t0k' });
    // Assess
    const row = /<tr>\n<td><a href="\/dashboard\/t0k\/measures\/1-1-1[\s\S]*?<\/tr>/.exec(ja)?.[0] ?? '';
    for (const label of ['担当部署', '状況', '期限超過の工程', '予算 計画 / 執行 (千円)', '報告']) expect(row).toContain(`data-label="${label}"`);
    expect(en).toContain('data-label="Budget planned / executed (k¥)"');
    expect(ja).toMatch(/@media \(max-width:48rem\)\{[^}]*thead\{display:none\}[\s\S]*td\[data-label\]::before\{content:attr\(data-label\)/);
  });

  it('says in each timeline\'s description every milestone\'s state, as the bars\' colours do', () => {
    // Act
    const ja = renderDashboard({ ...data, quarter: 'FY2013-Q1' }, viewOptionsOf({}), { base: '/dashboard/t0k' });
    const en = renderDashboard({ ...data, quarter: 'FY2013-Q1' }, viewOptionsOf({ lang: 'en' }), { base: '/dashboard/t0k' });
    // Assess
    const desc = /<desc id="timeline-3-desc">([^<]*)<\/desc>/.exec(ja)?.[1] ?? '';
    const m311 = plan.measures.find((m) => m.id === '3-1-1')!;
    expect(desc).toContain(`3-1-1 ${m311.name}: `);
    for (const m of m311.milestones) expect(desc).toMatch(new RegExp(`${m.label} \\(FY[^)]*\\): (完了|実施中|未着手|報告なし)`));
    expect(/<desc id="timeline-3-desc">([^<]*)<\/desc>/.exec(en)?.[1]).toMatch(/: (done|in progress|not started|not reported)/);
  });

  it('gives an overdue milestone\'s year in 和暦 on the Japanese page, as the rest of the page does, and as FY in English', () => {
    // Act
    const ja = renderDashboard({ ...data, quarter: 'FY2013-Q1' }, viewOptionsOf({}), { base: '/dashboard/t0k' });
    const en = renderDashboard({ ...data, quarter: 'FY2013-Q1' }, viewOptionsOf({ lang: 'en' }), { base: '/dashboard/t0k' });
    // Assess
    expect(ja).toMatch(/<li class="overdue">! [^<]+ \(H2\d年度\)<\/li>/);
    expect(ja).not.toMatch(/<li class="overdue">[^<]*\(FY\d{4}\)<\/li>/);
    expect(en).toMatch(/<li class="overdue">! <span lang="ja">[^<]+<\/span> \(FY\d{4}\)<\/li>/);
  });

  it('links each 部会\'s progress sheet when such a route exists', () => {
    // Prepare
    const sheet = sheetLinkFromRoutes([{ method: 'GET', path: '/dashboard/{token}/sheets/{bukaiId}', fn: 'sheet-export' }], 't0k');
    // Act
    const page = renderDashboard(data, viewOptionsOf({}), { base: '/dashboard/t0k', sheet });
    // Assess
    for (const b of directory.bukai) expect(page).toContain(`href="/dashboard/t0k/sheets/${b.id}?quarter=FY2013-Q2"`);
    expect(sheetLinkFromRoutes([{ method: 'GET', path: '/api/plan', fn: 'get-plan' }], 't0k')).toBeUndefined();
  });

  it('links a compiled quarter\'s public page only once a compile on or after its compile day (JST) has published it', () => {
    // Prepare: FY2013-Q1 is compiled and its reports are due 2013-07-10, so it is public from a compile on 2013-07-11 (JST); FY2013-Q2 is not compiled
    const publicPage = (compiledAt: string | undefined, now: string) => (q: string) =>
      isPublicFrom(q, compiledAt, new Date(now), defaultReminderConfig) ? `https://public.example.jp/${q}/` : undefined;
    const q1 = { ...data, quarter: 'FY2013-Q1' };
    const render = (links: { publicPage: (q: string) => string | undefined }, shown = q1) => renderDashboard(shown, viewOptionsOf({}), { base: '/dashboard/t0k', ...links });
    // Act
    const dayBefore = render({ publicPage: publicPage('2013-07-10T10:00:00+09:00', '2013-07-10T23:59:59+09:00') });
    const onTheDayBeforeItsCompile = render({ publicPage: publicPage('2013-07-10T10:00:00+09:00', '2013-07-11T05:00:00+09:00') });
    const compiledOnTheDay = render({ publicPage: publicPage('2013-07-10T21:00:00Z', '2013-07-11T06:10:00+09:00') });
    const notCompiled = render({ publicPage: publicPage('2014-01-01T00:00:00+09:00', '2014-01-01T00:00:00+09:00') }, data);
    // Assess
    expect(dayBefore).not.toContain('https://public.example.jp/');
    expect(onTheDayBeforeItsCompile).not.toContain('https://public.example.jp/');
    expect(compiledOnTheDay).toContain('href="https://public.example.jp/FY2013-Q1/"');
    expect(notCompiled).not.toContain('https://public.example.jp/');
  });
});

describe('renderMeasureHistory', () => {
  it('lists every report of the 事業 in order, with versions, corrections, comments and who reported', () => {
    // Prepare: a 事業 with a correction in the newest quarter
    const corrected = reports.find((r) => r.version === 2 && r.kind === 'report')!;
    const measure = plan.measures.find((m) => m.id === corrected.measureId)!;
    const history = reports.filter((r) => r.measureId === measure.id).reverse();
    // Act
    const page = renderMeasureHistory(
      { plan, measure, quarter: 'FY2013-Q2', planQuarters: planQuarters(plan), statusByQuarter: new Map(), reports: history, now },
      viewOptionsOf({}),
      { base: '/dashboard/t0k' },
    );
    // Assess
    const references = [...page.matchAll(/<article class="report" id="([^"]+)"/g)].map((m) => m[1]);
    expect(references).toEqual([...history].reverse().map((r) => r.reference));
    expect(page).toContain('第2版 (第1版の訂正)');
    // The related department's comment is a version of its own, correcting nothing
    const comment = history.find((r) => r.kind === 'comment');
    if (comment) expect(page).not.toContain(`第${comment.version}版 (第${comment.version - 1}版の訂正)`);
    expect(page).toContain(canaries.person);
    expect(page).toContain(canaries.issues);
  });

  it('says in the milestone chart\'s description each milestone\'s state', () => {
    // Act
    const page = renderMeasureHistory(
      { plan, measure: plan.measures.find((m) => m.id === '3-1-1')!, quarter: 'FY2013-Q1', planQuarters: planQuarters(plan), statusByQuarter: new Map(), reports, now },
      viewOptionsOf({}),
      { base: '/dashboard/t0k' },
    );
    // Assess
    const desc = /<desc id="measure-timeline-desc">([^<]*)<\/desc>/.exec(page)?.[1] ?? '';
    expect(desc).toMatch(/移動系無線システムの配備 \(FY2012\): (完了|実施中|未着手|報告なし)/);
  });

  it('shows a quarter not compiled yet as the dashboard does: the provisional status of its reports, overdue steps marked', () => {
    // Prepare: FY2013-Q2 not compiled; 4-4-1, whose first step was due in FY2012, reported 未着手
    const measure = plan.measures.find((m) => m.id === '4-4-1')!;
    const base = reports.find((r) => r.kind === 'report')!;
    const { supersedes: _supersedes, ...rest } = base;
    const report: StoredReport = { ...rest, measureId: measure.id, quarter: 'FY2013-Q2', version: 1, status: '未着手', milestones: [], reference: 'FY2013-Q2-4-4-1-v1' };
    const open = { ...data, compiled: new Map<string, CompiledStatus>(), reports: [report] };
    // Act
    const dashboard = renderDashboard(open, viewOptionsOf({}), { base: '/dashboard/t0k' });
    const page = renderMeasureHistory(
      { plan, measure, quarter: 'FY2013-Q2', planQuarters: planQuarters(plan), statusByQuarter: new Map(), reports: [report], now },
      viewOptionsOf({}),
      { base: '/dashboard/t0k' },
    );
    // Assess: the same chip as the dashboard's row (red: nothing started, a step overdue), said to be provisional
    const row = dashboard.slice(dashboard.indexOf('<span class="id">4-4-1</span>'), dashboard.indexOf('</tr>', dashboard.indexOf('<span class="id">4-4-1</span>')));
    const chip = /<span class="chip [^"]*"[^>]*>[^<]*<\/span>/;
    expect(row.match(chip)?.[0]).toContain('× 未着手');
    const current = /<section class="panel" aria-labelledby="now-h">.*?<\/section>/s.exec(page)![0];
    expect(current.match(chip)?.[0]).toBe(row.match(chip)?.[0]);
    expect(page).toContain('届いている報告から計算した速報値');
    const desc = /<desc id="measure-timeline-desc">([^<]*)<\/desc>/.exec(page)?.[1] ?? '';
    expect(desc).toContain('計画策定 (FY2012): 報告なし・期限超過');
  });

  it('names the report a comment followed', () => {
    // Prepare: v1 report, v2 a related department's comment on it
    const report = reports.find((r) => r.kind === 'report')!;
    const measure = plan.measures.find((m) => m.id === report.measureId)!;
    const { supersedes: _supersedes, status: _status, ...rest } = report;
    const first: StoredReport = { ...report, version: 1, supersedes: undefined };
    const comment: StoredReport = { ...rest, kind: 'comment', version: 2, followsReport: 1, reference: `${report.reference}-c` };
    // Act
    const page = renderMeasureHistory(
      { plan, measure, quarter: report.quarter, planQuarters: planQuarters(plan), statusByQuarter: new Map(), reports: [first, comment], now },
      viewOptionsOf({}),
      { base: '/dashboard/t0k' },
    );
    // Assess
    expect(page).toContain('第2版 (第1版への意見)');
    expect(page).not.toContain('第2版 (第1版の訂正)');
  });

  it('reads the executed amount per fiscal year by the dashboard\'s rule: a past year at its Q4, none after the shown year', () => {
    // Prepare: FY2012-Q3 states 500, FY2012-Q4 none, the shown FY2013-Q2 300, FY2014-Q1 (after it) 900.
    const measure = plan.measures.find((m) => m.budget.lines.length > 0)!;
    const base = reports.find((r) => r.kind === 'report')!;
    const at = (quarter: string, amount?: number): StoredReport => {
      const { budgetExecutedThousandYen: _amount, supersedes: _supersedes, ...rest } = base;
      return { ...rest, measureId: measure.id, quarter, version: 1, ...(amount === undefined ? {} : { budgetExecutedThousandYen: amount }) };
    };
    const history = [at('FY2012-Q3', 500), at('FY2012-Q4'), at('FY2013-Q2', 300), at('FY2014-Q1', 900)];
    // Act
    const page = renderMeasureHistory(
      { plan, measure, quarter: 'FY2013-Q2', planQuarters: planQuarters(plan), statusByQuarter: new Map(), reports: history, now },
      viewOptionsOf({}),
      { base: '/dashboard/t0k' },
    );
    // Assess
    const row = /<th scope="row">執行額 \(報告時点\)<\/th>(.*?)<\/tr>/.exec(page)![1]!;
    expect([...row.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1])).toEqual(['—', '300', '—', '—']);
    const budget = budgetByFiscalYear({ ...data, reports: history });
    expect(budget.map((b) => b.executedThousandYen)).toEqual([null, 300, null, null]);
  });
});
