/**
 * When a 事業 is in scope, and when its budget lines apply: the fiscal years its スケジュール runs
 * or its budget plans money for. The compile, the reminders, the digest, the public page, the
 * dashboard, the form, the sheet and the read API all ask this one module.
 * Pure: no I/O, no AWS, and no schemas (a function that only needs the rule does not bundle the plan's).
 */
import { parseQuarter } from './fiscal.ts';
import type { BudgetLine, FiscalYearSpan, Measure, PlanFile } from './plan.ts';

/**
 * True when a budget line applies to `fiscalYear`: within its `fiscalYears` when the plan states them
 * ("H24年度のみ", "H25年度以降"); when the plan gives only a year count (`years`, e.g. "3年間"), in
 * the first `years` fiscal years of the plan period (FY2012–FY2014 for 3 years of FY2012–FY2015).
 */
export function budgetLineApplies(line: Pick<BudgetLine, 'years' | 'fiscalYears'>, period: FiscalYearSpan, fiscalYear: number): boolean {
  return line.fiscalYears
    ? fiscalYear >= line.fiscalYears.from && fiscalYear <= line.fiscalYears.to
    : fiscalYear >= period.from && fiscalYear < period.from + line.years;
}

/**
 * The years of a 事業's スケジュール: from the first year of its steps to the last, gaps between
 * steps included; undefined when it has none.
 */
export function scheduleSpan(measure: Pick<Measure, 'milestones'>): FiscalYearSpan | undefined {
  if (measure.milestones.length === 0) return undefined;
  return {
    from: Math.min(...measure.milestones.map((m) => m.fiscalYears.from)),
    to: Math.max(...measure.milestones.map((m) => m.fiscalYears.to)),
  };
}

/**
 * True when the 事業 is in scope in `fiscalYear`, a year of the plan period: its スケジュール runs
 * then (`scheduleSpan`), or one of its budget lines plans money for that year, or it has no
 * スケジュール at all (it runs over the whole plan). Outside those years nobody is asked to report
 * on it, the compile leaves it out of the quarter and its roll-ups, and the pages say 期間外 rather
 * than 未報告.
 */
export function isInScope(measure: Pick<Measure, 'milestones' | 'budget'>, period: FiscalYearSpan, fiscalYear: number): boolean {
  if (fiscalYear < period.from || fiscalYear > period.to) return false;
  const schedule = scheduleSpan(measure);
  if (!schedule || (fiscalYear >= schedule.from && fiscalYear <= schedule.to)) return true;
  return measure.budget.lines.some((line) => budgetLineApplies(line, period, fiscalYear));
}

/** Whether a 事業 of `plan` is in scope in `quarter` (`isInScope` for the quarter's fiscal year). */
export function inScopeOf(plan: Pick<PlanFile, 'plan'>, quarter: string): (measure: Pick<Measure, 'milestones' | 'budget'>) => boolean {
  const { fiscalYear } = parseQuarter(quarter);
  return (measure) => isInScope(measure, plan.plan.period, fiscalYear);
}
