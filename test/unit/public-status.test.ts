/**
 * The public projection (shared/domain/public-status.ts): an allow-list that carries status,
 * milestones and the narrative of the report behind the compiled status, and nothing internal —
 * checked with canary values planted in every internal field of scripted reports.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compileQuarter } from '#shared/domain/compile';
import type { Directory } from '#shared/domain/directory';
import { formatWarekiFiscalYear, parseQuarter } from '#shared/domain/fiscal';
import type { PlanFile } from '#shared/domain/plan';
import { buildPublicQuarter, PublicMeasureStatusSchema, type PublicQuarter } from '#shared/domain/public-status';
import type { StoredReport } from '#shared/domain/report';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { renderPublicQuarterPage } from '#shared/web/public/page';
import { asStoredReports, canaries, scriptedSubmissions } from '#test/support/progress-script';

const quarters = ['FY2012-Q3', 'FY2012-Q4', 'FY2013-Q1', 'FY2013-Q2'];
const quarter = 'FY2013-Q2';
let plan: PlanFile;
let directory: Directory;
let reports: StoredReport[];
let published: PublicQuarter;

beforeAll(async () => {
  // Prepare
  ({ plan } = await readPlanFile());
  directory = await readDirectoryFile();
  reports = asStoredReports(scriptedSubmissions(plan, directory, quarters));
  const compiled = compileQuarter({ plan, quarter, reports: reports.filter((r) => r.quarter === quarter) });
  // Act
  published = buildPublicQuarter({ plan, quarter, statuses: compiled.measures, reports, generatedAt: new Date('2013-10-05T00:00:00Z') });
});

describe('buildPublicQuarter', () => {
  it('lists every 事業 of the plan once, in plan order', () => {
    // Assess
    expect(published.measures.map((m) => m.measureId)).toEqual(plan.measures.map((m) => m.id));
  });

  it('counts the colours of the 事業 it lists', () => {
    // Assess
    const counted = { green: 0, amber: 0, red: 0, unreported: 0 };
    for (const m of published.measures) counted[m.colour] += 1;
    expect(published.counts).toEqual(counted);
    expect(published.counts.unreported).toBeGreaterThan(0);
  });

  it('publishes the narrative of the correction, not of the version it corrects, nor of a later comment', () => {
    // Prepare: 事業 whose newest report of the quarter is a version 2, followed by a comment
    const corrected = reports.filter((r) => r.quarter === quarter && r.kind === 'report' && r.version === 2);
    expect(corrected.length).toBeGreaterThan(0);
    for (const correction of corrected) {
      // Act
      const shown = published.measures.find((m) => m.measureId === correction.measureId)!;
      // Assess
      expect(shown.narrative).toBe(correction.narrative);
      expect(shown.status).toBe(correction.status);
    }
  });

  it('shows an unreported 事業 without status, narrative, date or milestone progress, even when an earlier quarter had them', () => {
    // Prepare
    const reportedNow = new Set(reports.filter((r) => r.quarter === quarter && r.kind === 'report').map((r) => r.measureId));
    const silent = published.measures.filter((m) => !reportedNow.has(m.measureId));
    const reportedBefore = silent.filter((m) => reports.some((r) => r.measureId === m.measureId && r.kind === 'report' && r.quarter < quarter));
    expect(reportedBefore.length).toBeGreaterThan(0);
    for (const m of silent) {
      // Assess
      expect(m).toMatchObject({ status: null, colour: 'unreported', narrative: '', reportedOn: null, statusEn: 'not reported' });
      expect(new Set(m.milestones.map((x) => x.progress))).toEqual(new Set(['unknown']));
    }
  });

  it('shows milestone progress as the report behind the status states it, and never a done step as overdue', () => {
    // Prepare
    const behind = new Map(
      reports.filter((r) => r.quarter === quarter && r.kind === 'report').map((r) => [r.measureId, r] as const),
    );
    for (const m of published.measures) {
      const report = behind.get(m.measureId);
      if (!report) continue;
      // Assess
      expect(m.milestones.map((x) => x.progress)).toEqual(
        m.milestones.map((x) => report.milestones.find((r) => r.milestoneId === x.milestoneId)?.progress ?? 'unknown'),
      );
      expect(m.milestones.filter((x) => x.overdue && x.progress === 'done')).toEqual([]);
    }
  });

  it('marks the milestones the compile found overdue', () => {
    // Prepare
    const compiled = compileQuarter({ plan, quarter, reports: reports.filter((r) => r.quarter === quarter) });
    const expected = compiled.measures.flatMap((s) => s.overdueMilestones.map((m) => `${s.measureId}/${m.milestoneId}`)).sort();
    // Act
    const shown = published.measures.flatMap((m) => m.milestones.filter((x) => x.overdue).map((x) => `${m.measureId}/${x.milestoneId}`)).sort();
    // Assess
    expect(expected.length).toBeGreaterThan(0);
    expect(shown).toEqual(expected);
  });

  it('leaks no internal field: no reporter, issue, next step, comment, reference or address', () => {
    // Act
    const text = JSON.stringify(published);
    // Assess
    for (const canary of Object.values(canaries)) expect(text).not.toContain(canary);
    expect(text).not.toMatch(/@shimotsuke\.example/);
    expect(text).not.toMatch(/FY\d{4}-Q\d-\d+-\d+-\d+-v\d/); // 受付番号
    expect(text).not.toMatch(/"(reporter|issues|nextSteps|reference|version|channel|attachments|idempotency\w*|person|emails?)"/);
  });
});

describe('PublicMeasureStatusSchema', () => {
  it('refuses a field that is not on the allow-list', () => {
    // Prepare
    const one = { ...published.measures[0]!, issues: 'x' };
    // Act
    const result = PublicMeasureStatusSchema.safeParse(one);
    // Assess
    expect(result.success).toBe(false);
  });

  it('refuses an unlisted field nested in an owner', () => {
    // Prepare
    const first = published.measures[0]!;
    const one = { ...first, owners: [{ ...first.owners[0]!, email: 'ka@shimotsuke.example' }] };
    // Act / Assess
    expect(PublicMeasureStatusSchema.safeParse(one).success).toBe(false);
  });
});

describe('renderPublicQuarterPage', () => {
  it('writes the day of a report in 和暦, as the page writes its years, with the ISO date marked English beside it', () => {
    // Prepare
    const reported = published.measures.find((m) => m.reportedOn !== null)!;
    const [y, mo, d] = reported.reportedOn!.split('-').map(Number);
    // Act
    const page = renderPublicQuarterPage(published);
    // Assess
    expect(page).toContain(`報告日 <span class="en" lang="en">reported</span>: 平成${y! - 1988}年${mo}月${d}日 <span class="en" lang="en">${reported.reportedOn}</span>`);
  });
});

describe('renderPublicQuarterPage, budget', () => {
  it("names the fiscal year the budget figures are of: the quarter's, in 和暦 and as FY", () => {
    // Prepare
    const { fiscalYear } = parseQuarter(published.quarter);
    // Act
    const page = renderPublicQuarterPage(published);
    // Assess
    expect(page).toContain(`予算 (${formatWarekiFiscalYear(fiscalYear)}) <span class="en" lang="en">budget, FY${fiscalYear}</span>`);
    expect(page).not.toContain('この四半期の年度)');
  });
});
