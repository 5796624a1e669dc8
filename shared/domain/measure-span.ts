/**
 * When a 事業 is in scope: the fiscal years its スケジュール runs. The compile, the reminders, the
 * digest, the public page, the dashboard and the read API all ask this one module.
 * Pure: no I/O, no AWS, and no schemas (a function that only needs the rule does not bundle the plan's).
 */
import type { FiscalYearSpan, Measure } from './plan.ts';

/**
 * The fiscal years a 事業 runs: from the first year of its スケジュール to the last, gaps between
 * steps included. A 事業 without スケジュール runs over the whole plan period.
 */
export function measureSpan(measure: Pick<Measure, 'milestones'>, period: FiscalYearSpan): FiscalYearSpan {
  if (measure.milestones.length === 0) return period;
  return {
    from: Math.max(period.from, Math.min(...measure.milestones.map((m) => m.fiscalYears.from))),
    to: Math.min(period.to, Math.max(...measure.milestones.map((m) => m.fiscalYears.to))),
  };
}

/**
 * True when the 事業 runs in `fiscalYear` (see `measureSpan`). Outside those years it is not in
 * scope: nobody is asked to report on it, the compile leaves it out of the quarter and its roll-ups,
 * and the pages say 期間外 rather than 未報告.
 */
export function isInScope(measure: Pick<Measure, 'milestones'>, period: FiscalYearSpan, fiscalYear: number): boolean {
  const span = measureSpan(measure, period);
  return fiscalYear >= span.from && fiscalYear <= span.to;
}
