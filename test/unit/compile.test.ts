/**
 * The compile rules (shared/domain/compile.ts): colour, 未報告, schedule variance at fiscal-year
 * boundaries, roll-ups (a 事業 of two 部会 counts in both), budget lines per year, comments, versions,
 * determinism.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { budgetTotals, compileQuarter, plannedBudget, wholePlanScopeId } from '#shared/domain/compile';
import { PlanFileSchema, type PlanFile } from '#shared/domain/plan';
import { reportStatuses, statusColour, type ReportStatus, type StoredReport } from '#shared/domain/report';
import type { CompiledMeasureStatus, Rollup } from '#shared/domain/status';
import { readPlanFile } from '#shared/plan-file';
import { storedReport } from '#test/support/reminder-fixture';

let plan: PlanFile;
beforeAll(async () => {
  ({ plan } = await readPlanFile());
});

type ReportParts = Partial<Omit<StoredReport, 'reference'>> & { measureId: string };

/** A report of FY2013-Q2 submitted after the quarter closed, unless `parts` says otherwise. */
function stored(parts: ReportParts): StoredReport {
  return storedReport({ quarter: 'FY2013-Q2', submittedAt: '2013-10-02T01:00:00.000Z', ...parts });
}

/** A small plan whose milestones sit exactly on the fiscal-year boundaries under test. */
function boundaryPlan(): PlanFile {
  const measure = (id: string, milestones: { id: string; from: number; to: number }[], owners = [{ bukai: '企画専門部会', ka: '総合政策課' }]) => ({
    id,
    goalId: '1',
    areaId: '1-1',
    name: `事業 ${id}`,
    summary: '概要',
    owners,
    milestones: milestones.map((m) => ({ id: m.id, label: `工程 ${id} ${m.id}`, fiscalYears: { from: m.from, to: m.to } })),
    budget: { lines: [], plannedTotalThousandYen: null },
  });
  return PlanFileSchema.parse({
    plan: { id: 'boundary-plan', tenant: 'boundary', municipality: '試験市', title: '試験計画', version: '1', period: { from: 2012, to: 2015 } },
    goals: [{ id: '1', title: '目標', areas: [{ id: '1-1', title: '分野' }, { id: '1-2', title: '空の分野' }] }],
    measures: [
      measure('1-1-1', [
        { id: 'm1', from: 2012, to: 2012 },
        { id: 'm2', from: 2012, to: 2013 },
      ]),
      measure('1-1-2', [{ id: 'm1', from: 2012, to: 2015 }], [
        { bukai: '企画専門部会', ka: '総合政策課' },
        { bukai: '総務専門部会', ka: '総務課' },
      ]),
    ],
  });
}

function statusOf(measures: CompiledMeasureStatus[], id: string): CompiledMeasureStatus {
  const found = measures.find((m) => m.measureId === id);
  if (!found) throw new Error(`no status for ${id}`);
  return found;
}

function rollupOf(rollups: Rollup[], scope: Rollup['scope'], scopeId: string): Rollup['counts'] {
  const found = rollups.find((r) => r.scope === scope && r.scopeId === scopeId);
  if (!found) throw new Error(`no roll-up ${scope} ${scopeId}`);
  return found.counts;
}

describe('status and colour', () => {
  it.each(reportStatuses.map((s) => [s, statusColour[s]] as const))(
    'a 事業 reported %s with nothing overdue is %s',
    (status: ReportStatus, colour) => {
      // Prepare: FY2012-Q1, when no milestone of the plan is due yet
      const reports = [stored({ measureId: '1-1-1', quarter: 'FY2012-Q1', status })];
      // Act
      const { measures } = compileQuarter({ plan, quarter: 'FY2012-Q1', reports });
      // Assess
      const s = statusOf(measures, '1-1-1');
      expect(s.colour).toBe(colour);
      expect(s.reportStatus).toBe(status);
      expect(s.overdueMilestones).toEqual([]);
    },
  );

  it('a 事業 without a report is 未報告 and every 事業 of the plan gets a status', () => {
    // Act
    const { measures } = compileQuarter({ plan, quarter: 'FY2013-Q2', reports: [stored({ measureId: '2-2-3' })] });
    // Assess
    expect(measures.map((m) => m.measureId).sort()).toEqual(plan.measures.map((m) => m.id).sort());
    const unreported = statusOf(measures, '1-1-1');
    expect(unreported.colour).toBe('unreported');
    expect(unreported.reportStatus).toBeUndefined();
    expect(unreported.reportReference).toBeUndefined();
    expect(statusOf(measures, '2-2-3').colour).toBe('green');
  });

  it('the latest version wins, whatever order the reports come in', () => {
    // Prepare
    const v1 = stored({ measureId: '1-1-1', version: 1, status: '遅延', issues: '遅れ' });
    const v2 = stored({ measureId: '1-1-1', version: 2, status: '予定どおり', supersedes: 1 });
    // Act
    const forward = compileQuarter({ plan, quarter: 'FY2013-Q2', reports: [v1, v2] });
    const backward = compileQuarter({ plan, quarter: 'FY2013-Q2', reports: [v2, v1] });
    // Assess
    for (const { measures } of [forward, backward]) {
      const s = statusOf(measures, '1-1-1');
      expect(s.colour).toBe('green');
      expect(s.reportVersion).toBe(2);
      expect(s.reportReference).toBe(v2.reference);
    }
  });

  it('comments do not set the status, even when they are the newest version', () => {
    // Prepare
    const report = stored({ measureId: '1-1-1', version: 1, status: '遅延', issues: '遅れ' });
    const comment = stored({ measureId: '1-1-1', version: 2, kind: 'comment', status: undefined, narrative: '関連部署より' });
    const onlyComment = stored({ measureId: '1-1-2', version: 1, kind: 'comment', status: undefined });
    // Act
    const { measures } = compileQuarter({ plan, quarter: 'FY2013-Q2', reports: [report, comment, onlyComment] });
    // Assess
    expect(statusOf(measures, '1-1-1')).toMatchObject({ colour: 'red', reportVersion: 1 });
    expect(statusOf(measures, '1-1-2').colour).toBe('unreported');
  });

  it('ignores reports of other quarters and of 事業 not in the plan', () => {
    // Prepare
    const reports = [stored({ measureId: '1-1-1', quarter: 'FY2013-Q1', status: '遅延' }), stored({ measureId: '9-9-9' })];
    // Act
    const { measures, rollups } = compileQuarter({ plan, quarter: 'FY2013-Q2', reports });
    // Assess
    expect(statusOf(measures, '1-1-1').colour).toBe('unreported');
    expect(measures.some((m) => m.measureId === '9-9-9')).toBe(false);
    expect(rollupOf(rollups, 'plan', wholePlanScopeId).unreported).toBe(plan.measures.length);
  });
});

describe('schedule variance', () => {
  it('a milestone spanning FY2012 only is not due in FY2012-Q3 and overdue from FY2012-Q4', () => {
    // Prepare
    const boundary = boundaryPlan();
    const report = (quarter: string) => stored({ measureId: '1-1-1', quarter, milestones: [{ milestoneId: 'm1', progress: 'in_progress' }] });
    // Act
    const q3 = compileQuarter({ plan: boundary, quarter: 'FY2012-Q3', reports: [report('FY2012-Q3')] });
    const q4 = compileQuarter({ plan: boundary, quarter: 'FY2012-Q4', reports: [report('FY2012-Q4')] });
    // Assess
    expect(statusOf(q3.measures, '1-1-1')).toMatchObject({ colour: 'green', overdueMilestones: [] });
    expect(statusOf(q4.measures, '1-1-1').colour).toBe('amber');
    expect(statusOf(q4.measures, '1-1-1').overdueMilestones).toEqual([
      { milestoneId: 'm1', label: '工程 1-1-1 m1', dueFiscalYear: 2012, fromFiscalYear: 2012, progress: 'in_progress' },
    ]);
  });

  it('a milestone spanning FY2012–FY2013 is due at the end of FY2013, not of FY2012', () => {
    // Prepare
    const boundary = boundaryPlan();
    const done = [{ milestoneId: 'm1', progress: 'done' as const }];
    // Act
    const fy2012q4 = compileQuarter({ plan: boundary, quarter: 'FY2012-Q4', reports: [stored({ measureId: '1-1-1', quarter: 'FY2012-Q4', milestones: done })] });
    const fy2013q3 = compileQuarter({ plan: boundary, quarter: 'FY2013-Q3', reports: [stored({ measureId: '1-1-1', quarter: 'FY2013-Q3', milestones: done })] });
    const fy2013q4 = compileQuarter({ plan: boundary, quarter: 'FY2013-Q4', reports: [stored({ measureId: '1-1-1', quarter: 'FY2013-Q4', milestones: done })] });
    // Assess
    expect(statusOf(fy2012q4.measures, '1-1-1').overdueMilestones).toEqual([]);
    expect(statusOf(fy2013q3.measures, '1-1-1').overdueMilestones).toEqual([]);
    expect(statusOf(fy2013q4.measures, '1-1-1').overdueMilestones.map((m) => m.milestoneId)).toEqual(['m2']);
    expect(statusOf(fy2013q4.measures, '1-1-1').overdueMilestones[0]?.progress).toBeUndefined();
  });

  it('a milestone marked done is not overdue, and the 事業 keeps its stated colour', () => {
    // Prepare
    const reports = [stored({ measureId: '1-1-1', quarter: 'FY2012-Q4', milestones: [{ milestoneId: 'm1', progress: 'done' }] })];
    // Act
    const { measures } = compileQuarter({ plan: boundaryPlan(), quarter: 'FY2012-Q4', reports });
    // Assess
    expect(statusOf(measures, '1-1-1')).toMatchObject({ colour: 'green', overdueMilestones: [] });
  });

  it.each([
    ['予定どおり', 'amber'],
    ['完了', 'amber'],
    ['遅れ気味', 'amber'],
    ['未着手', 'red'],
    ['遅延', 'red'],
  ] as const)('with an overdue milestone, %s is %s', (status, colour) => {
    // Prepare
    const reports = [stored({ measureId: '1-1-1', quarter: 'FY2012-Q4', status })];
    // Act
    const { measures } = compileQuarter({ plan: boundaryPlan(), quarter: 'FY2012-Q4', reports });
    // Assess
    expect(statusOf(measures, '1-1-1').colour).toBe(colour);
  });

  it('an unreported 事業 stays 未報告 but lists its due steps as overdue', () => {
    // Act
    const { measures } = compileQuarter({ plan: boundaryPlan(), quarter: 'FY2012-Q4', reports: [] });
    // Assess
    const s = statusOf(measures, '1-1-1');
    expect(s.colour).toBe('unreported');
    expect(s.overdueMilestones.map((m) => m.milestoneId)).toEqual(['m1']);
  });

  it('given now, a step due in a quarter that has not ended yet is not overdue', () => {
    // Prepare
    const reports = [stored({ measureId: '1-1-1', quarter: 'FY2012-Q4' })];
    // Act
    const during = compileQuarter({ plan: boundaryPlan(), quarter: 'FY2012-Q4', reports, now: new Date('2013-02-15T00:00:00+09:00') });
    const after = compileQuarter({ plan: boundaryPlan(), quarter: 'FY2012-Q4', reports, now: new Date('2013-04-01T00:00:00+09:00') });
    // Assess
    expect(statusOf(during.measures, '1-1-1')).toMatchObject({ colour: 'green', overdueMilestones: [] });
    expect(statusOf(after.measures, '1-1-1').colour).toBe('amber');
  });
});

describe('roll-ups', () => {
  it('a 事業 owned by two 部会 counts in both, and once in the whole plan', () => {
    // Prepare: 2-2-1 belongs to 市民生活専門部会 (市民課) and 企画専門部会 (総合政策課)
    const owners = plan.measures.find((m) => m.id === '2-2-1')!.owners.map((o) => o.bukai);
    const reports = [stored({ measureId: '2-2-1', status: '遅延', issues: '遅れ' })];
    // Act
    const { rollups } = compileQuarter({ plan, quarter: 'FY2013-Q2', reports });
    // Assess
    expect(new Set(owners).size).toBe(2);
    for (const bukai of owners) expect(rollupOf(rollups, 'bukai', bukai).red).toBe(1);
    expect(rollupOf(rollups, 'plan', wholePlanScopeId).red).toBe(1);
    expect(rollupOf(rollups, 'goal', '2').red).toBe(1);
    expect(rollupOf(rollups, 'area', '2-2').red).toBe(1);
  });

  it('counts every 事業 once per owning 部会, even with several 課 of one 部会', () => {
    // Act
    const { rollups } = compileQuarter({ plan, quarter: 'FY2013-Q2', reports: [] });
    // Assess
    const bukaiNames = new Set(plan.measures.flatMap((m) => m.owners.map((o) => o.bukai)));
    for (const bukai of bukaiNames) {
      const owned = plan.measures.filter((m) => m.owners.some((o) => o.bukai === bukai)).length;
      expect(rollupOf(rollups, 'bukai', bukai)).toEqual({ green: 0, amber: 0, red: 0, unreported: owned });
    }
    expect(rollups.filter((r) => r.scope === 'bukai')).toHaveLength(bukaiNames.size);
  });

  it('goal and area roll-ups add up to the whole plan; an empty area has a zero roll-up', () => {
    // Prepare
    const reports = [
      stored({ measureId: '1-1-1', quarter: 'FY2012-Q4', status: '予定どおり', milestones: [{ milestoneId: 'm1', progress: 'done' }] }),
      stored({ measureId: '1-1-2', quarter: 'FY2012-Q4', status: '未着手' }),
    ];
    // Act
    const { rollups } = compileQuarter({ plan: boundaryPlan(), quarter: 'FY2012-Q4', reports });
    // Assess
    expect(rollupOf(rollups, 'plan', wholePlanScopeId)).toEqual({ green: 1, amber: 1, red: 0, unreported: 0 });
    expect(rollupOf(rollups, 'goal', '1')).toEqual(rollupOf(rollups, 'plan', wholePlanScopeId));
    expect(rollupOf(rollups, 'area', '1-1')).toEqual(rollupOf(rollups, 'plan', wholePlanScopeId));
    expect(rollupOf(rollups, 'area', '1-2')).toEqual({ green: 0, amber: 0, red: 0, unreported: 0 });
    expect(rollupOf(rollups, 'bukai', '総務専門部会')).toEqual({ green: 0, amber: 1, red: 0, unreported: 0 });
  });
});

describe('budget', () => {
  it.each([
    // 1-2-1: ① every year (4年), ② a year count only (3年間) → the first three years of the plan
    ['1-2-1', 2012, ['①', '②']],
    ['1-2-1', 2014, ['①', '②']],
    ['1-2-1', 2015, ['①']],
    // 1-2-3: ① H25年度以降
    ['1-2-3', 2012, []],
    ['1-2-3', 2013, ['①']],
    ['1-2-3', 2015, ['①']],
    // 3-1-1: ① every year, ② H24年度のみ
    ['3-1-1', 2012, ['①', '②']],
    ['3-1-1', 2013, ['①']],
    // 5-1-1: ①② every year, ③ H25年度から
    ['5-1-1', 2012, ['①', '②']],
    ['5-1-1', 2013, ['①', '②', '③']],
  ] as const)('事業 %s in FY%d is planned from lines %j', (measureId, fiscalYear, keys) => {
    // Prepare
    const measure = plan.measures.find((m) => m.id === measureId)!;
    const expected = measure.budget.lines.filter((l) => (keys as readonly string[]).includes(l.key)).reduce((s, l) => s + l.annualThousandYen, 0);
    // Act
    const budget = plannedBudget(measure, plan.plan.period, fiscalYear);
    // Assess
    expect(budget).toEqual({ plannedThousandYen: expected, lines: [...keys] });
  });

  it('a 事業 without budget lines has no planned amount; executed is what the latest report says', () => {
    // Prepare: 2-1-1 has no lines (its cost is budgeted under another 事業)
    const reports = [
      stored({ measureId: '1-2-3', version: 1, budgetExecutedThousandYen: 100 }),
      stored({ measureId: '1-2-3', version: 2, budgetExecutedThousandYen: 150 }),
      stored({ measureId: '2-1-1', budgetExecutedThousandYen: 5 }),
    ];
    // Act
    const { measures } = compileQuarter({ plan, quarter: 'FY2013-Q2', reports });
    // Assess
    const line = plan.measures.find((m) => m.id === '1-2-3')!.budget.lines[0]!;
    expect(statusOf(measures, '1-2-3').budget).toEqual({
      plannedThousandYen: line.annualThousandYen,
      executedThousandYen: 150,
      fiscalYear: 2013,
      plannedLines: ['①'],
    });
    expect(statusOf(measures, '2-1-1').budget).toMatchObject({ plannedThousandYen: null, executedThousandYen: 5 });
    expect(statusOf(measures, '1-1-1').budget.executedThousandYen).toBeNull();
  });

  it('a 事業 whose plan file leaves out its budget compiles as one without budget lines, outside the budget sums', () => {
    // Prepare: a city that budgets elsewhere writes no budget for 1-1-1 and no total for 1-1-2
    const base = boundaryPlan();
    const { budget: _left, ...withoutBudget } = base.measures[0]!;
    const withLine = { ...base.measures[1]!, budget: { lines: [{ key: '①', annualThousandYen: 300, years: 4 }] } };
    const cityPlan = PlanFileSchema.parse({ ...base, measures: [withoutBudget, withLine] });
    const reports = [stored({ measureId: '1-1-1', budgetExecutedThousandYen: 7 }), stored({ measureId: '1-1-2', budgetExecutedThousandYen: 100 })];

    // Act
    const { measures } = compileQuarter({ plan: cityPlan, quarter: 'FY2013-Q2', reports });

    // Assess
    expect(statusOf(measures, '1-1-1').budget).toEqual({ plannedThousandYen: null, executedThousandYen: 7, fiscalYear: 2013, plannedLines: [] });
    expect(statusOf(measures, '1-1-2').budget).toMatchObject({ plannedThousandYen: 300, executedThousandYen: 100 });
    expect(budgetTotals(measures)).toEqual({ plannedThousandYen: 300, executedThousandYen: 100, measures: 1, reported: 1, withoutLines: 1 });
  });
});

describe('determinism', () => {
  it('the same reports in any order give the same output, sorted and without timestamps', () => {
    // Prepare
    const reports = plan.measures.slice(0, 30).flatMap((m, i) => [
      stored({ measureId: m.id, version: 1, status: reportStatuses[i % reportStatuses.length], issues: 'x', submittedAt: `2013-10-0${1 + (i % 9)}T00:00:00.000Z` }),
      stored({ measureId: m.id, version: 2, status: reportStatuses[(i + 2) % reportStatuses.length], issues: 'x' }),
    ]);
    const shuffled = [...reports].reverse().sort((a, b) => (a.measureId.length - b.measureId.length) || (b.version - a.version));
    // Act
    const first = compileQuarter({ plan, quarter: 'FY2013-Q2', reports });
    const second = compileQuarter({ plan, quarter: 'FY2013-Q2', reports: shuffled });
    // Assess
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.measures.map((m) => m.measureId)).toEqual(plan.measures.map((m) => m.id));
    expect(JSON.stringify(first)).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('sorts 事業 by the numbers of their ids (1-1-2 before 1-1-10)', () => {
    // Prepare
    const base = boundaryPlan();
    const extra = { ...base.measures[0]!, id: '1-1-10', name: '事業 1-1-10' };
    const withTen = PlanFileSchema.parse({ ...base, measures: [extra, ...base.measures] });
    // Act
    const { measures } = compileQuarter({ plan: withTen, quarter: 'FY2012-Q1', reports: [] });
    // Assess
    expect(measures.map((m) => m.measureId)).toEqual(['1-1-1', '1-1-2', '1-1-10']);
  });
});
