/**
 * A 事業 is in scope in the fiscal years its スケジュール runs (shared/domain/measure-span.ts `isInScope`).
 * Outside them the compile leaves it out of the quarter and its roll-ups, the reminders do not chase
 * it, the digest does not count it as 未報告, the public page and the 進捗管理シート do not list it and
 * the dashboard and the read API say 期間外. 下野市's 事業 all run the whole plan; another city's need not.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileQuarter, planCounts, plannedBudget } from '#shared/domain/compile';
import { buildDigest } from '#shared/domain/digest';
import type { Directory } from '#shared/domain/directory';
import { budgetLineApplies, inScopeOf, isInScope, scheduleSpan } from '#shared/domain/measure-span';
import { PlanFileSchema, type PlanFile } from '#shared/domain/plan';
import { buildPublicQuarter } from '#shared/domain/public-status';
import { defaultReminderConfig, dueItems, reportQuartersInPlay } from '#shared/domain/reminders';
import { measureStatusEntries } from '#shared/domain/status-view';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { planQuarters } from '#shared/progress-snapshot';
import { viewOptionsOf } from '#shared/web/dashboard/frame';
import { renderMeasureHistory } from '#shared/web/dashboard/measure-page';
import { budgetByFiscalYear, notReported } from '#shared/web/dashboard/model';
import { renderDashboard } from '#shared/web/dashboard/page';
import { storedReport } from '#test/support/reminder-fixture';
import { resolveScope, sheetRows } from '#shared/sheet/export';

let plan: PlanFile;
let directory: Directory;
const late = '1-1-1';

beforeAll(async () => {
  const seed = (await readPlanFile()).plan;
  // 1-1-1 starts in H26 (FY2014): its two steps and its budget line run FY2014 and FY2015 instead of
  // the whole plan.
  plan = PlanFileSchema.parse({
    ...seed,
    measures: seed.measures.map((m) =>
      m.id === late
        ? {
            ...m,
            milestones: [
              { id: 'm1', label: '検討', fiscalYears: { from: 2014, to: 2014 } },
              { id: 'm2', label: '運用', fiscalYears: { from: 2015, to: 2015 } },
            ],
            budget: { ...m.budget, lines: m.budget.lines.map((line) => ({ ...line, years: 2, fiscalYears: { from: 2014, to: 2015 } })) },
          }
        : m,
    ),
  });
  directory = await readDirectoryFile();
});

const measure = (id: string) => plan.measures.find((m) => m.id === id)!;

describe('a 事業\'s span', () => {
  const period = { from: 2012, to: 2015 };
  const step = (from: number, to: number) => ({ id: 'm1', label: '工程', fiscalYears: { from, to }, inferred: false });
  const line = (years: number, fiscalYears?: { from: number; to: number }) => ({ key: '①', annualThousandYen: 100, years, items: [], ...(fiscalYears ? { fiscalYears } : {}) });
  const budget = (...lines: ReturnType<typeof line>[]) => ({ lines, plannedTotalThousandYen: null, reference: [], notes: [] });

  it('runs from the first year of its steps to the last, gaps included', () => {
    // Act / Assess
    expect(scheduleSpan(measure(late))).toEqual({ from: 2014, to: 2015 });
    expect(scheduleSpan({ milestones: [step(2012, 2012), step(2015, 2015)] })).toEqual(period);
    expect(scheduleSpan({ milestones: [] })).toBeUndefined();
  });

  it('is in scope at both ends of its スケジュール and not a year outside them', () => {
    // Act / Assess
    expect([2012, 2013, 2014, 2015, 2016].map((fy) => isInScope(measure(late), period, fy))).toEqual([false, false, true, true, false]);
  });

  it('is in scope over the whole plan without スケジュール, and never outside the plan', () => {
    // Act / Assess
    expect([2011, 2012, 2015, 2016].map((fy) => isInScope({ milestones: [], budget: budget() }, period, fy))).toEqual([false, true, true, false]);
  });

  it('is also in scope in the years its budget lines plan money for', () => {
    // Prepare: steps FY2014–2015, a line for FY2013 only; another 事業 with a 3-year line from the plan's start.
    const early = { milestones: [step(2014, 2015)], budget: budget(line(1, { from: 2013, to: 2013 })) };
    const threeYears = { milestones: [step(2015, 2015)], budget: budget(line(3)) };
    // Act / Assess
    expect([2012, 2013, 2014, 2015].map((fy) => isInScope(early, period, fy))).toEqual([false, true, true, true]);
    expect([2012, 2013, 2014, 2015].map((fy) => isInScope(threeYears, period, fy))).toEqual([true, true, true, true]);
  });

  it('applies a line of "3年間" to the plan\'s first three years, and a line with years to those years', () => {
    // Act / Assess
    expect([2012, 2013, 2014, 2015].map((fy) => budgetLineApplies(line(3), period, fy))).toEqual([true, true, true, false]);
    expect([2012, 2013, 2014, 2015].map((fy) => budgetLineApplies(line(1, { from: 2013, to: 2013 }), period, fy))).toEqual([false, true, false, false]);
  });
});

describe('out of scope', () => {
  it('the compile leaves the 事業 out of the quarter and its roll-ups until its first year', () => {
    // Act
    const before = compileQuarter({ plan, quarter: 'FY2013-Q4', reports: [] });
    const first = compileQuarter({ plan, quarter: 'FY2014-Q1', reports: [] });
    // Assess
    expect(before.measures.map((m) => m.measureId)).not.toContain(late);
    expect(planCounts(before.rollups).unreported).toBe(plan.measures.length - 1);
    expect(before.rollups.find((r) => r.scope === 'area' && r.scopeId === '1-1')!.counts.unreported).toBe(
      plan.measures.filter((m) => m.areaId === '1-1').length - 1,
    );
    expect(first.measures.map((m) => m.measureId)).toContain(late);
    expect(planCounts(first.rollups).unreported).toBe(plan.measures.length);
  });

  it('the reminders do not chase it for a report before its first year, and do from then on', () => {
    // Prepare
    const notices = (today: string) => {
      const quarters = reportQuartersInPlay(today, plan, defaultReminderConfig);
      return dueItems({
        plan,
        directory,
        today,
        reportsReceived: new Map(quarters.map((q) => [q, new Set<string>()])),
        milestoneDone: () => false,
        config: defaultReminderConfig,
      });
    };
    const chased = (today: string, kind: 'report-due' | 'escalation') =>
      notices(today)
        .filter((n) => n.kind === kind)
        .flatMap((n) => n.ka.flatMap((k) => k.measures.map((m) => m.measureId)));
    // Act / Assess: FY2013-Q4 is due on 10 April 2014, FY2014-Q1 on 10 July 2014.
    expect(chased('2014-04-10', 'report-due')).not.toContain(late);
    expect(chased('2014-04-10', 'report-due')).toContain('1-1-2');
    expect(chased('2014-04-24', 'escalation')).not.toContain(late);
    expect(chased('2014-07-10', 'report-due')).toContain(late);
  });

  it('the digest does not count it as 未報告 for its 部会', () => {
    // Prepare
    const compiled = compileQuarter({ plan, quarter: 'FY2013-Q2', reports: [] });
    // Act
    const { facts } = buildDigest({ quarter: 'FY2013-Q2', compiled, plan, directory, compiledAt: new Date('2013-10-11T06:00:00+09:00') });
    // Assess
    const kikaku = facts.nonResponse.find((n) => n.bukai === '企画専門部会')!;
    expect(kikaku.missing.flatMap((k) => k.measureIds)).not.toContain(late);
    expect(kikaku.owned).toBe(plan.measures.filter((m) => m.id !== late && m.owners.some((o) => o.bukai === '企画専門部会')).length);
    expect(facts.nonResponseTotal.owned).toBe(plan.measures.length - 1);
  });

  it('the digest says its previous quarter was 期間外, not that it was not compiled', () => {
    // Prepare: 1-1-1 reports 遅延 in its first quarter; the quarter before was compiled without it.
    const previous = compileQuarter({ plan, quarter: 'FY2013-Q4', reports: [] });
    const report = storedReport({ measureId: late, quarter: 'FY2014-Q1', status: '遅延', issues: '人員不足' });
    const compiled = compileQuarter({ plan, quarter: 'FY2014-Q1', reports: [report] });
    // Act
    const digest = buildDigest({ quarter: 'FY2014-Q1', compiled, previous, plan, directory, compiledAt: new Date('2014-07-11T06:00:00+09:00') });
    // Assess
    expect(digest.facts.turnedRed.find((r) => r.measureId === late)).toMatchObject({ previousOutOfScope: true });
    expect(digest.text).toContain('前四半期 / previous: 期間外 (out of scope)');
    expect(digest.text).not.toContain('集計なし (not compiled)');
  });

  it('keeps every planned budget line in the totals: a 事業 is in scope wherever its lines plan money', async () => {
    // Prepare: 桜台市's 2-1-1 has its スケジュール from FY2021 but budget lines from FY2019.
    const { plan: sakuradai } = await readPlanFile(fileURLToPath(new URL('../fixtures/sakuradai/plan.json', import.meta.url)));
    const data = { plan: sakuradai, quarter: 'FY2023-Q4', compiled: new Map(), reports: [], now: new Date('2024-04-11T00:00:00Z') };
    const planned = (fy: number) => sakuradai.measures.reduce((sum, m) => sum + (plannedBudget(m, sakuradai.plan.period, fy).plannedThousandYen ?? 0), 0);
    // Act
    const budget = budgetByFiscalYear(data);
    // Assess
    expect(budget.map((b) => b.plannedThousandYen)).toEqual(budget.map((b) => planned(b.fiscalYear)));
    expect(isInScope(sakuradai.measures.find((m) => m.id === '2-1-1')!, sakuradai.plan.period, 2019)).toBe(true);
  });

  it('the public page does not list it', () => {
    // Prepare
    const compiled = compileQuarter({ plan, quarter: 'FY2013-Q2', reports: [] });
    // Act
    const published = buildPublicQuarter({ plan, quarter: 'FY2013-Q2', statuses: compiled.measures, reports: [], generatedAt: new Date() });
    // Assess
    expect(published.measures.map((m) => m.measureId)).not.toContain(late);
    expect(published.measures).toHaveLength(plan.measures.length - 1);
  });

  it('the 進捗管理シート has no row for it before its first year', () => {
    // Prepare
    const kikaku = resolveScope(directory, { kind: 'bukai', id: 'kikaku' });
    // Act
    const before = sheetRows(plan, kikaku, 'FY2013-Q4').map((r) => r.measure.id);
    const first = sheetRows(plan, kikaku, 'FY2014-Q1').map((r) => r.measure.id);
    // Assess
    expect(before).not.toContain(late);
    expect(first).toContain(late);
    expect(first.filter((id) => id !== late)).toEqual(before);
  });

  it('the read API marks it out of scope', () => {
    // Act
    const [before] = measureStatusEntries([measure(late)], new Map(), [], inScopeOf(plan, 'FY2013-Q4'));
    const [first] = measureStatusEntries([measure(late)], new Map(), [], inScopeOf(plan, 'FY2014-Q1'));
    // Assess
    expect(before).toMatchObject({ inScope: false, compiled: null });
    expect(first).toMatchObject({ inScope: true });
  });

  it('the dashboard says 期間外, not 未報告, and does not list it as not reported', () => {
    // Prepare
    const data = { plan, directory, quarter: 'FY2013-Q2', planQuarters: planQuarters(plan), compiled: new Map(), reports: [], now: new Date('2013-10-11T00:00:00Z') };
    // Act
    const page = renderDashboard(data, viewOptionsOf({}), { base: '/dashboard/t0k' });
    const missing = notReported(data).flatMap((b) => b.ka.flatMap((k) => k.measures.map((m) => m.id)));
    const history = renderMeasureHistory(
      { plan, measure: measure(late), quarter: 'FY2013-Q2', planQuarters: planQuarters(plan), statusByQuarter: new Map(), reports: [], now: data.now },
      viewOptionsOf({}),
      { base: '/dashboard/t0k' },
    );
    // Assess
    const row = page.slice(page.indexOf(`<span class="id">${late}</span>`), page.indexOf('</tr>', page.indexOf(`<span class="id">${late}</span>`)));
    expect(row).toContain('期間外');
    expect(row).not.toContain('未報告');
    expect(missing).not.toContain(late);
    expect(missing).toContain('1-1-2');
    expect(history).toContain('FY2013-Q2: 期間外');
    expect(history).toContain('FY2014-Q1: ');
    expect(history).not.toContain('FY2014-Q1: 期間外');
  });
});

describe('a plan revised after a quarter was compiled', () => {
  const quarter = 'FY2013-Q2';
  const seedPlan = async () => (await readPlanFile()).plan;
  const green = storedReport({ measureId: late, quarter, status: '予定どおり', submittedAt: '2013-10-05T01:00:00.000Z' });
  const rowOf = (page: string, id: string) => {
    // The row of the status table (the not-reported list, for chasing, follows the plan as it is now).
    const table = page.slice(page.indexOf('<table class="status">'));
    const at = table.indexOf(`<span class="id">${id}</span>`);
    return table.slice(at, table.indexOf('</tr>', at));
  };
  const countsOf = (page: string) => [...(/<ul class="counts">(.*?)<\/ul>/s.exec(page)?.[1] ?? '').matchAll(/<span class="n">(\d+)<\/span>/g)].map((m) => Number(m[1]));

  it('publishes and shows the 事業 the compile counted, with its counts, when the revision moved one out of the year', async () => {
    // Prepare: compiled while 1-1-1 ran the whole plan; the revised plan starts it in FY2014
    const compiled = compileQuarter({ plan: await seedPlan(), quarter, reports: [green], now: new Date('2013-10-11T06:00:00+09:00') });
    const counts = planCounts(compiled.rollups);
    // Act
    const published = buildPublicQuarter({ plan, quarter, statuses: compiled.measures, reports: [green], generatedAt: new Date('2014-05-01T00:00:00Z') });
    const page = renderDashboard(
      { plan, directory, quarter, planQuarters: planQuarters(plan), compiled: new Map([[quarter, compiled]]), reports: [green], now: new Date('2014-05-01T00:00:00Z') },
      viewOptionsOf({}),
      { base: '/dashboard/t0k' },
    );
    // Assess
    expect(published.counts).toEqual(counts);
    expect(published.measures.find((m) => m.measureId === late)).toMatchObject({ status: '予定どおり', colour: 'green' });
    expect(countsOf(page)).toEqual([counts.green, counts.amber, counts.red, counts.unreported]);
    expect(rowOf(page, late)).toContain('予定どおり');
    expect(rowOf(page, late)).not.toContain('期間外');
  });

  it('publishes and shows as 期間外 a 事業 the compile did not count, when the revision moved one into the year', async () => {
    // Prepare: compiled while 1-1-1 started in FY2014; the revised plan runs it over the whole plan
    const compiled = compileQuarter({ plan, quarter, reports: [], now: new Date('2013-10-11T06:00:00+09:00') });
    const revised = await seedPlan();
    const counts = planCounts(compiled.rollups);
    // Act
    const published = buildPublicQuarter({ plan: revised, quarter, statuses: compiled.measures, reports: [], generatedAt: new Date('2014-05-01T00:00:00Z') });
    const page = renderDashboard(
      { plan: revised, directory, quarter, planQuarters: planQuarters(revised), compiled: new Map([[quarter, compiled]]), reports: [], now: new Date('2014-05-01T00:00:00Z') },
      viewOptionsOf({}),
      { base: '/dashboard/t0k' },
    );
    // Assess
    expect(published.counts).toEqual(counts);
    expect(published.measures.map((m) => m.measureId)).not.toContain(late);
    expect(countsOf(page)).toEqual([counts.green, counts.amber, counts.red, counts.unreported]);
    expect(rowOf(page, late)).toContain('期間外');
  });

  it('shows on the 事業\'s page each compiled quarter as the compile counted it', async () => {
    // Prepare: FY2013-Q2 compiled with 1-1-1 (green) before the revision; FY2013-Q3 compiled without it
    // after the revision moved it out of FY2013, then the revision undone
    const counted = compileQuarter({ plan: await seedPlan(), quarter, reports: [green], now: new Date('2013-10-11T06:00:00+09:00') });
    const status = counted.measures.find((m) => m.measureId === late)!;
    const options = { measure: measure(late), quarter, statusByQuarter: new Map([[quarter, status]]), compiledQuarters: new Set([quarter, 'FY2013-Q3']), reports: [green], now: new Date('2014-05-01T00:00:00Z') };
    // Act
    const revisedPage = renderMeasureHistory({ plan, planQuarters: planQuarters(plan), ...options }, viewOptionsOf({}), { base: '/dashboard/t0k' });
    const undonePage = renderMeasureHistory({ plan: await seedPlan(), planQuarters: planQuarters(plan), ...options }, viewOptionsOf({}), { base: '/dashboard/t0k' });
    // Assess
    const chip = (page: string) => /<section class="panel" aria-labelledby="now-h">.*?<\/section>/s.exec(page)![0];
    for (const page of [revisedPage, undonePage]) {
      expect(chip(page)).toContain('予定どおり');
      expect(page).toContain(`${quarter}: 予定どおり`);
      expect(page).toContain('FY2013-Q3: 期間外');
    }
    // FY2013-Q3 shown: compiled (no provisional figures), without the 事業
    const q3 = renderMeasureHistory({ plan: await seedPlan(), planQuarters: planQuarters(plan), ...options, quarter: 'FY2013-Q3' }, viewOptionsOf({}), { base: '/dashboard/t0k' });
    expect(chip(q3)).toContain('期間外');
    expect(q3).not.toContain('届いている報告から計算した速報値');
  });

  it('gives on the 事業\'s page the planned budget of a compiled quarter as the dashboard does, when the revision moved its lines', async () => {
    // Prepare: FY2013-Q2 compiled while 1-1-1's line ran the whole plan; the revised plan funds FY2014–FY2015 only
    const compiled = compileQuarter({ plan: await seedPlan(), quarter, reports: [green], now: new Date('2013-10-11T06:00:00+09:00') });
    const status = compiled.measures.find((m) => m.measureId === late)!;
    const now = new Date('2014-05-01T00:00:00Z');
    // Act
    const dashboard = renderDashboard(
      { plan, directory, quarter, planQuarters: planQuarters(plan), compiled: new Map([[quarter, compiled]]), reports: [green], now },
      viewOptionsOf({}),
      { base: '/dashboard/t0k' },
    );
    const page = renderMeasureHistory(
      { plan, measure: measure(late), quarter, planQuarters: planQuarters(plan), statusByQuarter: new Map([[quarter, status]]), compiledQuarters: new Set([quarter]), reports: [green], now },
      viewOptionsOf({}),
      { base: '/dashboard/t0k' },
    );
    // Assess: FY2013's planned amount is the compiled one on both pages
    const planned = status.budget.plannedThousandYen!.toLocaleString('ja-JP');
    expect(rowOf(dashboard, late)).toContain(`${planned} / —`);
    const row = /<th scope="row">計画額<\/th>(.*?)<\/tr>/.exec(page)?.[1] ?? '';
    expect([...row.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1])[1]).toBe(planned);
  });
});
