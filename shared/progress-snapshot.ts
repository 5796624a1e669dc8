/**
 * What the dashboard and the public page read from the store for a quarter: the compiled status of
 * every quarter of the plan period (the selector, the budget per fiscal year and a 事業's history all
 * need more than one quarter) and the reports up to the chosen quarter (milestone progress carries
 * forward). One query per quarter, run in parallel: at most 2 × 16 for a four-year plan.
 */
import { compareQuarters, formatQuarter, parseQuarter, quartersBetween } from './domain/fiscal.ts';
import type { PlanFile } from './domain/plan.ts';
import type { StoredReport } from './domain/report.ts';
import type { CompiledMeasureStatus } from './domain/status.ts';
import { getReport, reportsOfQuarter } from './store/report-items.ts';
import { loadCompiledQuarter, type CompiledQuarter } from './store/status-items.ts';
import type { Store } from './store/store.ts';

export interface ProgressSnapshot {
  /** Every quarter of the plan period, in order (canonical form). */
  planQuarters: string[];
  /** The compiled quarters among them. */
  compiled: Map<string, CompiledQuarter>;
  /** Every report (all versions, comments included) of the plan quarters up to `upTo`. */
  reports: StoredReport[];
}

/** The quarters of the plan period, "FY2012-Q1" … "FY2015-Q4". */
export function planQuarters(plan: Pick<PlanFile, 'plan'>): string[] {
  return quartersBetween(plan.plan.period.from, plan.plan.period.to).map(formatQuarter);
}

/** Read the compiled status of all plan quarters and the reports of the quarters up to `upTo`. */
export async function loadProgressSnapshot(store: Store, plan: Pick<PlanFile, 'plan'>, upTo: string): Promise<ProgressSnapshot> {
  const quarters = planQuarters(plan);
  const limit = parseQuarter(upTo);
  const reportQuarters = quarters.filter((q) => compareQuarters(parseQuarter(q), limit) <= 0);
  const [compiled, reports] = await Promise.all([
    Promise.all(quarters.map(async (q) => [q, await loadCompiledQuarter(store, q)] as const)),
    Promise.all(reportQuarters.map((q) => reportsOfQuarter(store, q))),
  ]);
  return {
    planQuarters: quarters,
    compiled: new Map(compiled.filter((entry): entry is readonly [string, CompiledQuarter] => entry[1] !== undefined)),
    reports: reports.flat(),
  };
}

/**
 * The reports, with every report a compiled status was built from: the quarter index the reports
 * come from is eventually consistent, and a page built right after a late report's recompile could
 * otherwise put the new status beside the old report's text. A version the index does not show yet
 * is read by its key (strongly consistent), as the compile itself does.
 */
export async function withReportsBehind(store: Store, reports: readonly StoredReport[], statuses: readonly CompiledMeasureStatus[]): Promise<StoredReport[]> {
  const seen = new Set(reports.map((r) => `${r.measureId}|${r.quarter}|${r.version}`));
  const missing = statuses.filter((s) => s.reportVersion !== undefined && !seen.has(`${s.measureId}|${s.quarter}|${s.reportVersion}`));
  const read = await Promise.all(missing.map((s) => getReport(store, s.measureId, s.quarter, s.reportVersion!)));
  return [...reports, ...read.filter((r): r is StoredReport => r !== undefined)];
}
