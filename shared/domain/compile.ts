/**
 * The quarterly compile: what the city reads as the status of each 事業 and of the plan.
 * Pure: no I/O, no AWS, no clock of its own. The compile function, late-report updates and the CLI
 * all call {@link compileQuarter}; the same inputs always give the same output.
 *
 * ## Rules
 *
 * **Status (per 事業).** The 事業's status for a quarter is the status of its latest report *of that
 * quarter*: among the stored versions of kind `report` (a 関連部署's `comment` never sets a status),
 * the one with the highest version number wins — a correction supersedes what it corrects. Its
 * colour is {@link statusColour}: 予定どおり and 完了 green, 遅れ気味 and 未着手 amber, 遅延 red.
 * When no report came, the 事業 is `unreported` (未報告).
 *
 * **Schedule variance.** A milestone spanning FY a–b (the plan's スケジュール row) is due at the end
 * of FY b, i.e. by the end of FY b's Q4 (31 March of calendar year b+1). It is *overdue* in a quarter
 * when it is due in or before that quarter and the latest report does not mark it `done`
 * (in progress or not started, or not mentioned). 完了 does not tick milestones implicitly: the
 * report lists them, and a 完了 report that leaves a due step open is worth a second look.
 * A 事業 with overdue milestones is at least amber (a green status becomes amber), and red when its
 * status is 未着手 (nothing started although a step is already due). An unreported 事業 stays
 * 未報告 — nobody has stated anything — but its due steps are still listed as overdue, since no
 * report marks them done.
 * When `now` is given and the quarter a milestone falls due in has not ended at `now` (an on-demand
 * compile of an open quarter), that milestone is not overdue yet.
 *
 * **Budget.** Planned = the sum of the 事業's budget lines that apply to the quarter's fiscal year
 * (`budgetLineApplies` in measure-span.ts, which the form's budget table uses too). A line applies to a FY when the FY is within the line's `fiscalYears` (the plan's "H24年度のみ",
 * "H25年度以降", "H25年度から"); when the plan gives only a year count (`years`, e.g. "3年間"), the
 * line is assumed to apply to the first `years` fiscal years of the plan period (FY2012–FY2014 for
 * 3 years of a FY2012–FY2015 plan). A 事業 without budget lines has no planned amount (`null`: the
 * plan states none, or budgets the cost under another 事業); a 事業 whose lines all lie in other
 * years has 0. Executed = `budgetExecutedThousandYen` of the latest report (the amount executed in
 * that fiscal year so far), `null` when the report gives none or no report came.
 *
 * **Roll-ups.** Counts of green / amber / red / unreported per 施策分野 (area), 基本目標 (goal),
 * 専門部会 (bukai) and the whole plan (`plan` / `all`). A 事業 counts once in each 部会 that owns it
 * (a 事業 owned by two 部会 counts in both; two 課 of one 部会 count once). Every goal and area of
 * the plan has a roll-up, even with zero 事業.
 *
 * **In scope.** A 事業 is compiled in the fiscal years its スケジュール runs, from the first year of
 * its steps to the last, and in those its budget lines plan money for (`isInScope` in
 * measure-span.ts; a 事業 without スケジュール runs the whole plan). In other years it is left out of
 * the quarter and of every roll-up: it is not 未報告, since nobody is asked to report on it then.
 *
 * **Scope and order.** Only reports of the given quarter and of 事業 in the plan are used (anything
 * else is ignored). 事業 are sorted by id (1-1-2 before 1-1-10); roll-ups by scope (plan, goal, area,
 * bukai) then id; nothing in the output depends on the order of the input or on the time of the run.
 */
import {
  compareQuarters,
  formatQuarter,
  jstDate,
  parseQuarter,
  previousQuarter,
  quarterOf,
  quarterRange,
  type FiscalQuarter,
} from './fiscal.ts';
import { compareIds } from './ids.ts';
import { budgetLineApplies, isInScope } from './measure-span.ts';
import type { Measure, Milestone, PlanFile } from './plan.ts';
import { statusColour, type StoredReport } from './report.ts';
import {
  emptyCounts,
  type ColourCounts,
  type CompiledColour,
  type CompiledMeasureStatus,
  type Rollup,
} from './status.ts';

/** What {@link compileQuarter} reads. */
export interface CompileQuarterInput {
  plan: PlanFile;
  /** Canonical quarter, e.g. "FY2013-Q2". */
  quarter: string;
  /** The quarter's stored reports (every version, comments included); others are ignored. */
  reports: readonly StoredReport[];
  /** The compile's clock; only decides whether the quarter a milestone falls due in has ended. */
  now?: Date;
}

/** A compiled quarter: one status per 事業 of the plan in scope that quarter, and the roll-ups. */
export interface CompiledQuarterStatus {
  measures: CompiledMeasureStatus[];
  rollups: Rollup[];
}

/** The scopeId of the whole-plan roll-up. */
export const wholePlanScopeId = 'all';

/**
 * The canonical quarter a compile request names: `"previous"` is the quarter before the one the JST
 * day of `clock` falls in (a compile on 5 October compiles July–September); anything else is read as
 * a quarter ("FY2013-Q2", "H25 Q2", …) and written canonically.
 */
export function resolveQuarter(quarter: 'previous' | (string & {}), clock: Date): string {
  if (quarter !== 'previous') return formatQuarter(parseQuarter(quarter));
  return formatQuarter(previousQuarter(quarterOf(jstDate(clock))));
}

/**
 * True when the quarter lies within the plan period. The quarterly schedule runs from the first day
 * of the plan, so its first run (5 April of the first year) names the quarter before the plan: there is
 * nothing to compile, and no digest should say that all 事業 are 未報告.
 */
export function isWithinPlanPeriod(plan: PlanFile, quarter: string): boolean {
  const { fiscalYear } = parseQuarter(quarter);
  return fiscalYear >= plan.plan.period.from && fiscalYear <= plan.plan.period.to;
}

/** Compile one quarter (see the module documentation for the rules). */
export function compileQuarter(input: CompileQuarterInput): CompiledQuarterStatus {
  const fq = parseQuarter(input.quarter);
  const quarter = formatQuarter(fq);
  const latest = latestReports(input.reports, quarter);
  const measures = input.plan.measures
    .filter((measure) => isInScope(measure, input.plan.plan.period, fq.fiscalYear))
    .sort((a, b) => compareIds(a.id, b.id))
    .map((measure) => compileMeasure(measure, input.plan, fq, latest.get(measure.id), input.now));
  return { measures, rollups: rollUp(input.plan, quarter, measures) };
}

/**
 * The latest version of kind `report` (with a status) per 事業 among reports of `quarter`.
 * Comments and reports of other quarters are skipped.
 */
export function latestReports(reports: readonly StoredReport[], quarter: string): Map<string, StoredReport> {
  const latest = new Map<string, StoredReport>();
  for (const report of reports) {
    if (report.quarter !== quarter || report.kind !== 'report' || report.status === undefined) continue;
    const current = latest.get(report.measureId);
    if (!current || report.version > current.version) latest.set(report.measureId, report);
  }
  return latest;
}

/** The quarter a milestone is due in: the Q4 of the last fiscal year of its span. */
export function milestoneDueQuarter(milestone: Milestone): FiscalQuarter {
  return { fiscalYear: milestone.fiscalYears.to, quarter: 4 };
}

/** True when the milestone is due in or before `quarter` (and, given `now`, its due quarter has ended). */
export function isMilestoneDue(milestone: Milestone, quarter: FiscalQuarter, now?: Date): boolean {
  const due = milestoneDueQuarter(milestone);
  if (compareQuarters(due, quarter) > 0) return false;
  return now === undefined || now.getTime() >= quarterRange(due).endExclusive.getTime();
}

/** The plan's budget lines that apply to a fiscal year, and their sum (null when the 事業 has no lines). */
export function plannedBudget(
  measure: Measure,
  planPeriod: PlanFile['plan']['period'],
  fiscalYear: number,
): { plannedThousandYen: number | null; lines: string[] } {
  if (measure.budget.lines.length === 0) return { plannedThousandYen: null, lines: [] };
  const applying = measure.budget.lines.filter((line) => budgetLineApplies(line, planPeriod, fiscalYear));
  return {
    plannedThousandYen: applying.reduce((sum, line) => sum + line.annualThousandYen, 0),
    lines: applying.map((line) => line.key),
  };
}

function compileMeasure(
  measure: Measure,
  plan: PlanFile,
  quarter: FiscalQuarter,
  report: StoredReport | undefined,
  now: Date | undefined,
): CompiledMeasureStatus {
  const progressOf = new Map(report?.milestones.map((m) => [m.milestoneId, m.progress]) ?? []);
  const overdueMilestones = measure.milestones
    .filter((m) => isMilestoneDue(m, quarter, now) && progressOf.get(m.id) !== 'done')
    .map((m) => {
      const progress = progressOf.get(m.id);
      return {
        milestoneId: m.id,
        label: m.label,
        dueFiscalYear: m.fiscalYears.to,
        fromFiscalYear: m.fiscalYears.from,
        ...(progress === 'not_started' || progress === 'in_progress' ? { progress } : {}),
      };
    });
  const budget = plannedBudget(measure, plan.plan.period, quarter.fiscalYear);
  const status: CompiledMeasureStatus = {
    measureId: measure.id,
    quarter: formatQuarter(quarter),
    colour: colourOf(report, overdueMilestones.length > 0),
    overdueMilestones,
    budget: {
      plannedThousandYen: budget.plannedThousandYen,
      executedThousandYen: report?.budgetExecutedThousandYen ?? null,
      fiscalYear: quarter.fiscalYear,
      plannedLines: budget.lines,
    },
  };
  if (report) {
    status.reportStatus = report.status;
    status.reportReference = report.reference;
    status.reportVersion = report.version;
  }
  return status;
}

function colourOf(report: StoredReport | undefined, hasOverdue: boolean): CompiledColour {
  if (!report?.status) return 'unreported';
  const stated = statusColour[report.status];
  if (!hasOverdue) return stated;
  if (report.status === '未着手') return 'red';
  return stated === 'green' ? 'amber' : stated;
}

const scopeOrder: Record<Rollup['scope'], number> = { plan: 0, goal: 1, area: 2, bukai: 3 };

function rollUp(plan: PlanFile, quarter: string, measures: CompiledMeasureStatus[]): Rollup[] {
  const byId = new Map(plan.measures.map((m) => [m.id, m]));
  const groups = new Map<string, { scope: Rollup['scope']; scopeId: string; counts: ColourCounts }>();
  const add = (scope: Rollup['scope'], scopeId: string, colour?: CompiledColour) => {
    const key = `${scope}#${scopeId}`;
    let group = groups.get(key);
    if (!group) {
      group = { scope, scopeId, counts: emptyCounts() };
      groups.set(key, group);
    }
    if (colour) group.counts[colour] += 1;
  };

  add('plan', wholePlanScopeId);
  for (const goal of plan.goals) {
    add('goal', goal.id);
    for (const area of goal.areas) add('area', area.id);
  }
  for (const status of measures) {
    const measure = byId.get(status.measureId)!;
    add('plan', wholePlanScopeId, status.colour);
    add('goal', measure.goalId, status.colour);
    add('area', measure.areaId, status.colour);
    for (const bukai of new Set(measure.owners.map((o) => o.bukai))) add('bukai', bukai, status.colour);
  }

  return [...groups.values()]
    .sort(
      (a, b) =>
        scopeOrder[a.scope] - scopeOrder[b.scope] ||
        (a.scope === 'goal' || a.scope === 'area' ? compareIds(a.scopeId, b.scopeId) : compareText(a.scopeId, b.scopeId)),
    )
    .map((g) => ({ quarter, scope: g.scope, scopeId: g.scopeId, counts: g.counts }));
}

// Code-unit order, not localeCompare: the result must not depend on the runtime's ICU data.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Budget execution over compiled 事業 (see {@link budgetTotals}). */
export interface BudgetTotals {
  /** Sum of the year's planned lines of the 事業 that have lines. */
  plannedThousandYen: number;
  /** Sum of the executed amounts their statuses state. */
  executedThousandYen: number;
  /** 事業 with planned lines, and how many of them state an executed amount. */
  measures: number;
  reported: number;
  /** 事業 without budget lines in the plan: left out of both sums. */
  withoutLines: number;
}

/**
 * The one rule for budget execution, used by the digest and the dashboard alike: over the compiled
 * statuses of a quarter, the 事業 that have budget lines, planned = their lines for the quarter's
 * fiscal year, executed = the amount their status states (the latest report of the quarter: the
 * amount executed in that fiscal year so far). A 事業 without lines has nothing to execute against
 * and is left out of both sums (`withoutLines` counts it); one whose report states no amount counts
 * in planned but not in `reported`.
 */
export function budgetTotals(statuses: readonly CompiledMeasureStatus[]): BudgetTotals {
  const totals: BudgetTotals = { plannedThousandYen: 0, executedThousandYen: 0, measures: 0, reported: 0, withoutLines: 0 };
  for (const s of statuses) {
    if (s.budget.plannedThousandYen === null) {
      totals.withoutLines += 1;
      continue;
    }
    totals.plannedThousandYen += s.budget.plannedThousandYen;
    totals.measures += 1;
    if (s.budget.executedThousandYen !== null) {
      totals.executedThousandYen += s.budget.executedThousandYen;
      totals.reported += 1;
    }
  }
  return totals;
}

/** The counts of the whole-plan roll-up (zero counts when there is none). */
export function planCounts(rollups: readonly Rollup[]): ColourCounts {
  return rollups.find((r) => r.scope === 'plan' && r.scopeId === wholePlanScopeId)?.counts ?? emptyCounts();
}
