/**
 * What the status API answers for a quarter: per 事業 its current report (the latest an owning 課
 * sent) beside its compiled status, for one 事業, for the 事業 of one 専門部会, or for the whole
 * plan with the compiled roll-ups. A reader who may not see a 事業's reports in full (a 課 looking at
 * its 部会's other 事業, shared/auth/read-access.ts) gets a summary of the report instead.
 * Pure: no I/O, no AWS; the compile job writes the compiled part.
 */
import * as z from '../zod.ts';
import type { Bukai } from './directory.ts';
import type { Measure, PlanFile } from './plan.ts';
import { MilestoneProgressSchema, QuarterKeySchema, ReportStatusSchema, StoredReportSchema, type StoredReport } from './report.ts';
import { CompiledMeasureStatusSchema, RollupSchema, type CompiledMeasureStatus, type Rollup } from './status.ts';

/**
 * What a reader sees of a report on a 事業 outside its scope (another 課's 事業 in the 課's 部会): the
 * stated status, milestone progress, the executed budget and the 取組状況 text (what the public page
 * publishes), the reporting 課 and when. Never who reported, 課題, 今後の予定, attachments or the
 * 受付番号. Strict, and built field by field (`reportSummary`), so a field added to a report stays
 * out until it is added here on purpose.
 */
export const ReportSummarySchema = z
  .strictObject({
    measureId: z.string(),
    quarter: QuarterKeySchema,
    kind: z.literal('report'),
    status: z.optional(ReportStatusSchema),
    milestones: z.array(MilestoneProgressSchema),
    budgetExecutedThousandYen: z.optional(z.number()),
    narrative: z.string().check(z.describe('取組状況')),
    reporter: z.strictObject({ kaId: z.string(), ka: z.string(), bukai: z.string() }).check(z.describe('the reporting 課 (no person)')),
    submittedAt: z.iso.datetime({ offset: true }),
  })
  .check(z.describe('summary of a report on another 課\'s 事業: no names, 課題, 今後の予定 or attachments'));
export type ReportSummary = z.infer<typeof ReportSummarySchema>;

/** The summary of a report (see `ReportSummarySchema`). */
export function reportSummary(report: StoredReport): ReportSummary {
  return {
    measureId: report.measureId,
    quarter: report.quarter,
    kind: 'report',
    ...(report.status !== undefined ? { status: report.status } : {}),
    milestones: report.milestones.map((m) => ({ milestoneId: m.milestoneId, progress: m.progress, ...(m.date !== undefined ? { date: m.date } : {}) })),
    ...(report.budgetExecutedThousandYen !== undefined ? { budgetExecutedThousandYen: report.budgetExecutedThousandYen } : {}),
    narrative: report.narrative,
    reporter: { kaId: report.reporter.kaId, ka: report.reporter.ka, bukai: report.reporter.bukai },
    submittedAt: report.submittedAt,
  };
}

export const statusAccess = ['full', 'summary'] as const;

/** One 事業 in a status answer. */
export const MeasureStatusEntrySchema = z.object({
  measureId: z.string(),
  name: z.string().check(z.describe('事業名')),
  access: z
    .enum(statusAccess)
    .check(z.describe('full: `current` is the stored report; summary: the reader sees only `ReportSummary` of another 課\'s 事業')),
  current: z
    .nullable(z.union([StoredReportSchema, ReportSummarySchema]))
    .check(z.describe('the latest report of an owning 課 this quarter (in full, or its summary, by `access`); null = 未報告')),
  inScope: z
    .boolean()
    .check(
      z.describe(
        "false when the 事業 has neither スケジュール nor budget in the quarter's fiscal year (a 事業 without スケジュール is always in scope): nobody is asked to report on it, the compile leaves it out (`compiled` stays null) and no roll-up counts it",
      ),
    ),
  compiled: z.nullable(CompiledMeasureStatusSchema).check(z.describe('the compiled status; null until the quarter is compiled, and for a 事業 not in scope')),
});
export type MeasureStatusEntry = z.infer<typeof MeasureStatusEntrySchema>;

/** GET /api/measures/{measureId}/status. */
export const MeasureStatusViewSchema = z.extend(MeasureStatusEntrySchema, { quarter: QuarterKeySchema });
export type MeasureStatusView = z.infer<typeof MeasureStatusViewSchema>;

/** GET /api/bukai/{bukaiId}/status. */
export const BukaiStatusViewSchema = z.object({
  quarter: QuarterKeySchema,
  bukai: z.object({ id: z.string(), name: z.string().check(z.describe('専門部会')) }),
  rollup: z.nullable(RollupSchema).check(z.describe('the 部会 roll-up; null until the quarter is compiled')),
  measures: z.array(MeasureStatusEntrySchema).check(z.describe('the 事業 any 課 of the 部会 owns, in plan order')),
});
export type BukaiStatusView = z.infer<typeof BukaiStatusViewSchema>;

/** GET /api/status. */
export const PlanStatusViewSchema = z.object({
  quarter: QuarterKeySchema,
  rollups: z.array(RollupSchema).check(z.describe('compiled roll-ups by 施策分野, 基本目標, 部会 and the plan; empty until compiled')),
  measures: z.array(MeasureStatusEntrySchema).check(z.describe('every 事業, in plan order')),
});
export type PlanStatusView = z.infer<typeof PlanStatusViewSchema>;

/**
 * The reports that state a status: an owner's `report`, not a related department's `comment`,
 * which may not set one.
 */
export function statusReports(reports: readonly StoredReport[]): StoredReport[] {
  return reports.filter((report) => report.kind === 'report');
}

/**
 * One entry per 事業, in the order given; `full` says which 事業 the reader sees in full (by default
 * every one), the others get the summary of their report.
 */
function withoutReportReference({ reportReference: _reference, reportVersion: _version, ...status }: CompiledMeasureStatus): CompiledMeasureStatus {
  return status;
}

export function measureStatusEntries(
  measures: readonly Measure[],
  current: ReadonlyMap<string, StoredReport>,
  compiled: readonly CompiledMeasureStatus[] | undefined,
  inScope: (measure: Measure) => boolean,
  full: (measure: Measure) => boolean = () => true,
): MeasureStatusEntry[] {
  const compiledById = new Map((compiled ?? []).map((status) => [status.measureId, status]));
  return measures.map((measure) => {
    const report = current.get(measure.id);
    const inFull = full(measure);
    const status = compiledById.get(measure.id) ?? null;
    return {
      measureId: measure.id,
      name: measure.name,
      access: inFull ? 'full' : 'summary',
      current: report === undefined ? null : inFull ? report : reportSummary(report),
      inScope: inScope(measure),
      // A summary names no report: the compiled status without the 受付番号 and version it was made from.
      compiled: status === null || inFull ? status : withoutReportReference(status),
    };
  });
}

/**
 * The 事業 an owner (担当部署) of the 部会 holds in the plan, in plan order, each once: those in
 * scope are the 事業 its roll-up counts (shared/domain/compile.ts); also one whose 課 the directory
 * does not list yet (which `shinchoku directory lint` reports).
 */
export function measuresOfBukai(plan: PlanFile, bukai: Pick<Bukai, 'name'>): Measure[] {
  return plan.measures.filter((measure) => measure.owners.some((owner) => owner.bukai === bukai.name));
}

/** The 部会's roll-up among the compiled ones (keyed by the 部会's name; its id is accepted too). */
export function bukaiRollup(rollups: readonly Rollup[] | undefined, bukai: Bukai): Rollup | null {
  return (rollups ?? []).find((r) => r.scope === 'bukai' && (r.scopeId === bukai.name || r.scopeId === bukai.id)) ?? null;
}
