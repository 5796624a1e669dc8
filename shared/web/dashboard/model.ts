/**
 * What the dashboard shows for a quarter, computed from the catalog, the compiled status and the
 * reports: the status of every 事業 (compiled, or a provisional compile of the reports so far when
 * the quarter has not been compiled), the roll-ups, the budget per fiscal year, who has not reported
 * and the milestone timeline.
 * Pure: no I/O, no AWS.
 */
import { budgetTotals, compileQuarter, wholePlanScopeId } from '../../domain/compile.ts';
import type { Bukai, Directory, Ka } from '../../domain/directory.ts';
import { measuresOwnedBy } from '../../domain/ownership.ts';
import { formatQuarter, parseQuarter } from '../../domain/fiscal.ts';
import { progressOf, reportBehindStatus } from '../../domain/milestone-progress.ts';
import { inScopeOf } from '../../domain/measure-span.ts';
import type { Measure, PlanFile } from '../../domain/plan.ts';
import type { MilestoneProgress, StoredReport } from '../../domain/report.ts';
import { emptyCounts, type ColourCounts, type CompiledMeasureStatus, type Rollup } from '../../domain/status.ts';
import type { TimelineBar, TimelineState } from '../charts.ts';

/** A compiled quarter as the store returns it. */
export interface CompiledStatus {
  measures: CompiledMeasureStatus[];
  rollups: Rollup[];
}

export interface DashboardData {
  plan: PlanFile;
  directory: Directory;
  /** The quarter shown (canonical). */
  quarter: string;
  /** Every quarter of the plan period, in order. */
  planQuarters: readonly string[];
  /** Compiled quarters by canonical quarter. */
  compiled: ReadonlyMap<string, CompiledStatus>;
  /** Reports (all versions) of the plan quarters up to `quarter`; later ones are ignored. */
  reports: readonly StoredReport[];
  /** The clock of a provisional compile. */
  now: Date;
}

export interface QuarterStatus {
  measures: CompiledMeasureStatus[];
  rollups: Rollup[];
  /** True when the quarter is not compiled and the status was computed here from the reports. */
  provisional: boolean;
}

/** The quarter's status: compiled when it is, else compiled here from the reports received so far. */
export function quarterStatus(data: Pick<DashboardData, 'plan' | 'quarter' | 'compiled' | 'reports' | 'now'>): QuarterStatus {
  const compiled = data.compiled.get(data.quarter);
  if (compiled) return { measures: compiled.measures, rollups: compiled.rollups, provisional: false };
  const preview = compileQuarter({
    plan: data.plan,
    quarter: data.quarter,
    reports: data.reports.filter((r) => r.quarter === data.quarter),
    now: data.now,
  });
  return { measures: preview.measures, rollups: preview.rollups, provisional: true };
}

/** The counts of a roll-up scope, in the order of `ids` (zero counts for an id without a roll-up). */
export function rollupCounts(rollups: readonly Rollup[], scope: Rollup['scope'], ids: readonly string[]): { id: string; counts: ColourCounts }[] {
  const found = new Map(rollups.filter((r) => r.scope === scope).map((r) => [r.scopeId, r.counts]));
  return ids.map((id) => ({ id, counts: found.get(id) ?? emptyCounts() }));
}

export function wholePlanCounts(rollups: readonly Rollup[]): ColourCounts {
  return rollupCounts(rollups, 'plan', [wholePlanScopeId])[0]!.counts;
}

/** Budget of the whole plan for one fiscal year. `executed` is null after the chosen quarter's year. */
export interface FiscalYearBudget {
  fiscalYear: number;
  plannedThousandYen: number | null;
  executedThousandYen: number | null;
}

/**
 * The quarter a fiscal year's budget is read at when `shown` is the quarter on screen: that quarter in
 * its own year, else the year's Q4.
 */
export function budgetQuarterOf(fiscalYear: number, shown: string): string {
  return fiscalYear === parseQuarter(shown).fiscalYear ? shown : formatQuarter({ fiscalYear, quarter: 4 });
}

/**
 * Planned and executed per fiscal year, by the one rule the digest uses too (`budgetTotals`,
 * shared/domain/compile.ts: the 事業 with budget lines, executed as their status states it). A year
 * before the chosen quarter's is read at its Q4, the chosen quarter's year at that quarter (each
 * compiled, or compiled here from the reports so far); a later year has only its planned lines.
 * Null where no 事業 has lines, or none states an executed amount.
 *
 * @param shown the status of the chosen quarter when the caller has it already (the page shows it),
 *   so a quarter not compiled yet is not compiled here a second time
 * @default shown `quarterStatus(data)`
 */
export function budgetByFiscalYear(
  data: Pick<DashboardData, 'plan' | 'quarter' | 'compiled' | 'reports' | 'now'>,
  shown: QuarterStatus = quarterStatus(data),
): FiscalYearBudget[] {
  const limit = parseQuarter(data.quarter);
  const years: FiscalYearBudget[] = [];
  for (let fy = data.plan.plan.period.from; fy <= data.plan.plan.period.to; fy += 1) {
    const quarter = budgetQuarterOf(fy, data.quarter);
    const statuses =
      quarter === data.quarter
        ? shown.measures
        : fy <= limit.fiscalYear
          ? quarterStatus({ ...data, quarter }).measures
          : compileQuarter({ plan: data.plan, quarter, reports: [] }).measures;
    const totals = budgetTotals(statuses);
    years.push({
      fiscalYear: fy,
      plannedThousandYen: totals.measures > 0 ? totals.plannedThousandYen : null,
      executedThousandYen: fy <= limit.fiscalYear && totals.reported > 0 ? totals.executedThousandYen : null,
    });
  }
  return years;
}

/** The 課 of a 部会 with the 事業 they own that have no report for the quarter. */
export interface UnreportedBukai {
  bukai: Bukai;
  owned: number;
  ka: { ka: Ka; measures: Measure[] }[];
}

/**
 * Who has not reported: per 部会 and 課, the owned 事業 in scope (their スケジュール or budget runs
 * in the quarter's fiscal year: `isInScope`) without an owner's report for the quarter.
 * A 事業 owned by two 課 counts as reported when either has reported. Reads the reports as received
 * (a report after the compile counts), because this list is for chasing, not for the record.
 */
export function notReported(data: Pick<DashboardData, 'plan' | 'directory' | 'quarter' | 'reports'>): UnreportedBukai[] {
  const reported = new Set(data.reports.filter((r) => r.quarter === data.quarter && r.kind === 'report').map((r) => r.measureId));
  // Only 事業 in scope in the quarter's fiscal year are asked for a report.
  const ownedBy = (ka: Ka) => measuresOwnedBy(data.plan, ka).filter(inScopeOf(data.plan, data.quarter));
  return data.directory.bukai
    .map((bukai) => {
      const kas = data.directory.ka.filter((k) => k.bukai === bukai.name);
      const ownedIds = new Set(kas.flatMap((k) => ownedBy(k).map((m) => m.id)));
      return {
        bukai,
        owned: ownedIds.size,
        ka: kas
          .map((ka) => ({ ka, measures: ownedBy(ka).filter((m) => !reported.has(m.id)) }))
          .filter((entry) => entry.measures.length > 0),
      };
    })
    .filter((entry) => entry.owned > 0);
}

/** The milestone bars of a 事業 in a quarter: progress as its report states it, overdue from the status. */
export function milestoneBars(
  measure: Measure,
  status: Pick<CompiledMeasureStatus, 'overdueMilestones'> | undefined,
  progress: ReadonlyMap<string, MilestoneProgress> | undefined,
): TimelineBar[] {
  const overdue = new Set((status?.overdueMilestones ?? []).map((m) => m.milestoneId));
  return measure.milestones.map((m) => ({
    label: m.label,
    from: m.fiscalYears.from,
    to: m.fiscalYears.to,
    state: (progress?.get(m.id)?.progress ?? 'unknown') as TimelineState,
    overdue: overdue.has(m.id),
  }));
}

/** Milestone progress per 事業 as the report behind each status states it. */
export function progressByMeasure(statuses: readonly CompiledMeasureStatus[], reports: readonly StoredReport[]): Map<string, Map<string, MilestoneProgress>> {
  return new Map(statuses.map((s) => [s.measureId, progressOf(reportBehindStatus(s, reports))]));
}

/** The point of the timeline marker: the end of the quarter, in fiscal years (FY2013 Q2 → 2013.5). */
export function quarterEndAsFiscalYear(quarter: string): number {
  const q = parseQuarter(quarter);
  return q.fiscalYear + q.quarter / 4;
}

/** The 部会 that own a 事業, in directory order. */
export function bukaiOf(measure: Measure): string[] {
  return [...new Set(measure.owners.map((o) => o.bukai))];
}
