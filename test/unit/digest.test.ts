/**
 * The leadership digest (shared/domain/digest.ts): the 事業 that turned red, the non-response figure
 * per 部会, budget execution, and HTML that mail clients show (no scripts, inline styles only) with
 * the Japanese text first. The last test renders the HTML in headless Chromium.
 */
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileQuarter, type CompiledQuarterStatus } from '#shared/domain/compile';
import { buildDigest, digestNotificationKey, type DigestInput } from '#shared/domain/digest';
import type { Directory } from '#shared/domain/directory';
import type { PlanFile } from '#shared/domain/plan';
import { defaultReminderConfig, parseReminderConfig, quarterCompileDay } from '#shared/domain/reminders';
import { reportReference, type ReportStatus, type StoredReport } from '#shared/domain/report';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';

let plan: PlanFile;
let directory: Directory;
beforeAll(async () => {
  ({ plan } = await readPlanFile());
  directory = await readDirectoryFile();
});

function stored(measureId: string, quarter: string, status: ReportStatus, budgetExecutedThousandYen?: number): StoredReport {
  return {
    measureId,
    quarter,
    version: 1,
    kind: 'report',
    status,
    milestones: [],
    budgetExecutedThousandYen,
    narrative: '',
    issues: status === '遅延' ? '人員不足' : '',
    nextSteps: '',
    reporter: { kaId: 'x', ka: 'x', bukai: 'x', person: '山田' },
    reference: reportReference(measureId, quarter, 1),
    channel: 'web',
    submittedAt: '2013-10-01T00:00:00.000Z',
    attachments: [],
  };
}

const compiledAt = new Date('2013-10-07T06:00:00+09:00');

/** FY2013-Q1: 2-2-3 green, 1-1-1 red. FY2013-Q2: 2-2-3 red, 1-1-1 still red, 4-4-3 red (unreported before). */
function scenario(): { input: DigestInput; previous: CompiledQuarterStatus; current: CompiledQuarterStatus } {
  const previous = compileQuarter({
    plan,
    quarter: 'FY2013-Q1',
    reports: [stored('2-2-3', 'FY2013-Q1', '予定どおり'), stored('1-1-1', 'FY2013-Q1', '遅延')],
  });
  const current = compileQuarter({
    plan,
    quarter: 'FY2013-Q2',
    reports: [
      stored('2-2-3', 'FY2013-Q2', '遅延', 300),
      stored('1-1-1', 'FY2013-Q2', '遅延', 9000),
      stored('4-4-3', 'FY2013-Q2', '遅延'),
      stored('1-1-2', 'FY2013-Q2', '予定どおり', 1000),
    ],
  });
  return { input: { quarter: 'FY2013-Q2', compiled: current, previous, plan, directory, compiledAt }, previous, current };
}

describe('leadership digest', () => {
  it('names the 事業 that turned red since the previous quarter, not those already red', () => {
    // Prepare
    const { input } = scenario();
    // Act
    const digest = buildDigest(input);
    // Assess
    expect(digest.facts.turnedRed.map((r) => r.measureId)).toEqual(['2-2-3', '4-4-3']);
    expect(digest.facts.turnedRed[0]).toMatchObject({ previousColour: 'green', reportStatus: '遅延' });
    expect(digest.facts.turnedRed[1]?.previousColour).toBe('unreported');
    const name223 = plan.measures.find((m) => m.id === '2-2-3')!.name;
    expect(digest.text).toContain(`事業 2-2-3 ${name223}`);
    expect(digest.html).toContain(name223);
    const turnedRedSection = digest.text.slice(digest.text.indexOf('赤 (遅延) になった事業'), digest.text.indexOf('期限を過ぎた工程'));
    expect(turnedRedSection).not.toContain('事業 1-1-1');
  });

  it('lists every red 事業 as turned red when the previous quarter was not compiled, and says so', () => {
    // Prepare
    const { input } = scenario();
    // Act
    const digest = buildDigest({ ...input, previous: undefined });
    // Assess
    expect(digest.facts.turnedRed.map((r) => r.measureId)).toEqual(['1-1-1', '2-2-3', '4-4-3']);
    expect(digest.facts.previousCompiled).toBe(false);
    expect(digest.text).toContain('前四半期は集計されていません');
  });

  it('says there is nothing to compare with in the plan\'s first quarter', () => {
    // Prepare
    const compiled = compileQuarter({ plan, quarter: 'FY2012-Q1', reports: [stored('1-1-1', 'FY2012-Q1', '遅延')] });
    // Act
    const digest = buildDigest({ quarter: 'FY2012-Q1', compiled, plan, directory, compiledAt: new Date('2012-07-05T06:00:00+09:00') });
    // Assess
    expect(digest.facts.previousBeforePlan).toBe(true);
    expect(digest.text).toContain('計画期間の最初の四半期のため');
    expect(digest.facts.turnedRed.map((r) => r.measureId)).toEqual(['1-1-1']);
  });

  it('gives the non-response figure per 部会: count, share and the 課 with missing reports', () => {
    // Prepare
    const { input, current } = scenario();
    const reported = new Set(current.measures.filter((m) => m.colour !== 'unreported').map((m) => m.measureId));
    // Act
    const { facts, text, html } = buildDigest(input);
    // Assess
    expect(facts.nonResponse.map((n) => n.bukai)).toEqual(directory.bukai.map((b) => b.name));
    for (const n of facts.nonResponse) {
      const owned = plan.measures.filter((m) => m.owners.some((o) => o.bukai === n.bukai));
      const missing = owned.filter((m) => !reported.has(m.id));
      expect(n.owned).toBe(owned.length);
      expect(n.unreported).toBe(missing.length);
      expect(n.percent).toBeCloseTo((missing.length / owned.length) * 100, 1);
      expect(new Set(n.missing.flatMap((k) => k.measureIds))).toEqual(new Set(missing.map((m) => m.id)));
      expect(text).toContain(`${n.bukai}: 未報告 ${n.unreported} / ${n.owned} 事業 (${n.percent}%)`);
    }
    const kikaku = facts.nonResponse.find((n) => n.bukai === '企画専門部会')!;
    expect(kikaku.missing.find((k) => k.ka === '総合政策課')?.measureIds).not.toContain('1-1-1');
    expect(html).toContain(`${kikaku.unreported} / ${kikaku.owned}`);
    expect(facts.nonResponseTotal).toMatchObject({ owned: plan.measures.length, unreported: plan.measures.length - reported.size });
  });

  it('sums budget execution against the fiscal year\'s planned lines per 基本目標', () => {
    // Prepare
    const { input, current } = scenario();
    const withLines = current.measures.filter((m) => m.budget.plannedThousandYen !== null);
    // Act
    const { facts, text } = buildDigest(input);
    // Assess
    expect(facts.budget.fiscalYear).toBe(2013);
    expect(facts.budget.total.plannedThousandYen).toBe(withLines.reduce((s, m) => s + m.budget.plannedThousandYen!, 0));
    expect(facts.budget.total.executedThousandYen).toBe(9000 + 1000 + 300);
    expect(facts.budget.total.reported).toBe(3);
    expect(facts.budget.withoutLines).toBe(current.measures.length - withLines.length);
    const goal1 = facts.budget.rows.find((r) => r.goalId === '1')!;
    expect(goal1.executedThousandYen).toBe(10_000);
    expect(text).toContain('執行 10,000 千円');
    expect(text).toContain('平成25年度 (FY2013)');
  });

  it('shows no share for a 基本目標 with nothing planned in the year, rather than 0%', () => {
    // Prepare: no 事業 of 基本目標 2 has a budget line
    const noBudget = { ...plan, measures: plan.measures.map((m) => (m.goalId === '2' ? { ...m, budget: { ...m.budget, lines: [], plannedTotalThousandYen: null } } : m)) };
    const compiled = compileQuarter({ plan: noBudget, quarter: 'FY2013-Q2', reports: [] });
    // Act
    const { facts, text, html } = buildDigest({ quarter: 'FY2013-Q2', compiled, plan: noBudget, directory, compiledAt: new Date('2013-10-11T06:00:00+09:00') });
    // Assess
    const goal2 = facts.budget.rows.find((r) => r.goalId === '2')!;
    expect(goal2.plannedThousandYen).toBe(0);
    const goal2Title = `2. ${noBudget.goals.find((g) => g.id === '2')!.title}`;
    expect(text).toContain(`${goal2Title}\n   執行 0 千円 / 計画 0 千円 (—)`);
    expect(text).not.toContain('計画 0 千円 (0%)');
    expect(html).toMatch(new RegExp(`>${goal2Title.replace(/[.*+?^\${}()|[\]\\]/g, '\\$&')}</td><td style="[^"]*width:25%">—</td>`));
  });

  it('lists overdue milestones in the plan\'s words with their span', () => {
    // Prepare: in FY2013-Q4, steps spanning FY2012–FY2013 fall due; 1-1-2 m1 is such a step
    const compiled = compileQuarter({ plan, quarter: 'FY2013-Q4', reports: [stored('1-1-2', 'FY2013-Q4', '予定どおり')] });
    const milestone = plan.measures.find((m) => m.id === '1-1-2')!.milestones.find((m) => m.id === 'm1')!;
    // Act
    const { facts, text, html } = buildDigest({ quarter: 'FY2013-Q4', compiled, plan, directory, compiledAt: new Date('2014-04-05T06:00:00+09:00') });
    // Assess
    expect(facts.overdue.find((o) => o.measureId === '1-1-2')?.milestones.map((m) => m.label)).toEqual([milestone.label]);
    expect(text).toContain(`・${milestone.label} — 平成24年度〜平成25年度 / FY2012–FY2013`);
    expect(html).toContain(milestone.label);
  });

  it('writes the subject and body in Japanese first with English below, with 和暦 and Western dates', () => {
    // Prepare
    const { input } = scenario();
    // Act
    const { subject, text, html, facts } = buildDigest(input);
    // Assess
    expect(subject).toMatch(/^【進捗】平成25年度 第2四半期 .* \/ Progress digest FY2013 Q2/);
    expect(subject).toContain(`遅延 ${facts.plan.red}`);
    expect(text.indexOf('四半期集計報告')).toBeLessThan(text.indexOf('Quarterly progress digest'));
    expect(text).toContain('平成25年10月7日 (2013-10-07)');
    expect(html).toContain('平成25年10月7日 (2013-10-07)');
    expect(html.indexOf('基本目標別の状況')).toBeLessThan(html.indexOf('Status by basic goal'));
    for (const goal of plan.goals) expect(html).toContain(goal.title);
    for (const bukai of directory.bukai) expect(html).toContain(bukai.name);
  });

  it('builds HTML that mail clients show: no scripts, no style blocks, no classes, no images or external resources', () => {
    // Prepare
    const { input } = scenario();
    // Act
    const { html } = buildDigest(input);
    // Assess
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/\sclass=/i);
    expect(html).not.toMatch(/<img|<link|<iframe|url\(|\ssrc=|https?:\/\//i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).toMatch(/<td width="\d+%" bgcolor="#c62828" style="width:\d+%;background-color:#c62828/);
  });

  it('escapes the plan\'s text in HTML', () => {
    // Prepare
    const { input } = scenario();
    const tricky = { ...plan, measures: plan.measures.map((m) => (m.id === '2-2-3' ? { ...m, name: '<b>電子申請</b> & "届出"' } : m)) };
    // Act
    const { html } = buildDigest({ ...input, plan: tricky });
    // Assess
    expect(html).toContain('&lt;b&gt;電子申請&lt;/b&gt; &amp; &quot;届出&quot;');
    expect(html).not.toContain('<b>電子申請</b>');
  });

  it('keys the notification by quarter, whatever way the quarter is written', () => {
    expect(digestNotificationKey('H25 Q2')).toBe('digest#FY2013-Q2');
    expect(digestNotificationKey('FY2013-Q2')).toBe('digest#FY2013-Q2');
  });

  it('counts the quarter\'s compile from the day after its reports are due, by the reminder rules', () => {
    // Prepare
    const dueAfter = (days: number) => parseReminderConfig({ report: { dueDaysAfterQuarterEnd: days } });
    // Act / Assess: FY2013-Q2 closes on 30 September 2013, FY2013-Q4 on 31 March 2014
    expect(quarterCompileDay('FY2013-Q2', defaultReminderConfig)).toBe('2013-10-11');
    expect(quarterCompileDay('H25 Q2', dueAfter(20))).toBe('2013-10-21');
    expect(quarterCompileDay('FY2013-Q2', dueAfter(0))).toBe('2013-10-01');
    expect(quarterCompileDay('FY2013-Q4', dueAfter(30))).toBe('2014-05-01');
  });

  it('renders in a browser engine: the Japanese text shows and the bars have width', async () => {
    // Prepare
    const { input } = scenario();
    const { html, facts } = buildDigest(input);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      // Act
      await page.setContent(html, { waitUntil: 'load' });
      const shown = await page.innerText('body');
      const redBarWidth = await page.locator('td[bgcolor="#c62828"]').first().evaluate((td) => td.getBoundingClientRect().width);
      // Assess
      expect(shown).toContain('四半期集計報告 平成25年度 第2四半期');
      expect(shown).toContain(plan.measures.find((m) => m.id === '4-4-3')!.name);
      expect(shown).toContain(`未報告 ${facts.plan.unreported}`);
      expect(redBarWidth).toBeGreaterThan(0);
      expect(requests.filter((url) => !url.startsWith('about:') && !url.startsWith('data:'))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
