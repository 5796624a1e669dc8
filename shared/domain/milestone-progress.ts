/**
 * What the reports say about a 事業 in a quarter: the report a compiled status was built from, and
 * the milestone progress it states. The dashboard and the public page show milestone progress as
 * that report states it — not carried forward from earlier quarters — because the compile judges
 * overdue steps by the same report: a step reported done two quarters ago but not in this quarter's
 * report (or with no report this quarter) is overdue by the compile's rule, and a page showing it
 * as done next to "overdue" would contradict itself. Earlier progress stays visible in the 事業's
 * history on the dashboard.
 * Pure: no I/O, no AWS. The dashboard and the public page share it so they cannot disagree.
 */
import { compareQuarters, parseQuarter } from './fiscal.ts';
import type { MilestoneProgress, StoredReport } from './report.ts';
import type { CompiledMeasureStatus } from './status.ts';

/** -1, 0, 1: reports in the order they were made (quarter, then version). */
export function compareReports(a: Pick<StoredReport, 'quarter' | 'version'>, b: Pick<StoredReport, 'quarter' | 'version'>): number {
  return compareQuarters(parseQuarter(a.quarter), parseQuarter(b.quarter)) || a.version - b.version;
}

/**
 * The report a compiled status was built from: the version the compile names, else the newest owner's
 * report of that quarter (a status compiled before versions were recorded); none for 未報告.
 */
export function reportBehindStatus(
  status: Pick<CompiledMeasureStatus, 'measureId' | 'quarter' | 'reportVersion' | 'reportStatus'>,
  reports: readonly StoredReport[],
): StoredReport | undefined {
  // 未報告 when compiled: a report that came later is not what this status says.
  if (status.reportStatus === undefined && status.reportVersion === undefined) return undefined;
  const candidates = reports.filter(
    (r) => r.measureId === status.measureId && r.quarter === status.quarter && r.kind === 'report',
  );
  if (status.reportVersion !== undefined) {
    const exact = candidates.find((r) => r.version === status.reportVersion);
    if (exact) return exact;
  }
  return candidates.sort(compareReports).at(-1);
}

/**
 * The milestone progress a new report states: what it says itself, and for every milestone it leaves
 * out, what the 事業's last report said. A report is judged by what it states (see above), and the
 * sheet has no milestone columns and a mail need not repeat every `m1:` line, so their reports keep
 * the progress recorded before, as the web form does by pre-filling it.
 */
export function withCarriedMilestones(stated: readonly MilestoneProgress[], last: Pick<StoredReport, 'milestones'> | undefined): MilestoneProgress[] {
  const said = new Set(stated.map((m) => m.milestoneId));
  const carried = (last?.milestones ?? [])
    .filter((m) => !said.has(m.milestoneId))
    .map((m) => ({ milestoneId: m.milestoneId, progress: m.progress, ...(m.date ? { date: m.date } : {}) }));
  return [...stated, ...carried];
}

/** The progress a report states, by milestone id (empty without a report). */
export function progressOf(report: Pick<StoredReport, 'milestones'> | undefined): Map<string, MilestoneProgress> {
  return new Map((report?.milestones ?? []).map((m) => [m.milestoneId, m]));
}
