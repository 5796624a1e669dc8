/**
 * The public projection of a quarter's compiled status: what the public progress page and the open
 * data show to anyone, without a login. It is an allow-list — every field is named here, the
 * schemas are strict, and the projection builds each field explicitly — so a field added to a report
 * or to the compiled status stays internal until someone adds it here on purpose.
 *
 * Public: the plan's own published content (事業名, 基本目標, 施策分野, 担当部署 as the plan prints them,
 * milestones and their fiscal years, planned budget), the stated status and its colour, milestone
 * progress, the executed budget, the 取組状況 text (`narrative`) and the JST day it was reported.
 *
 * Internal (never here): who reported (`reporter.person`) and 課 mail addresses; 課題 (`issues`: problems
 * are raised to the secretariat to be solved, often naming other departments or vendors, before they
 * are settled); 今後の予定 (`nextSteps`: plans not yet decided or budgeted); related departments'
 * comments (`kind: 'comment'`); 受付番号, versions, channels, attachments and idempotency keys.
 *
 * Pure: no I/O, no AWS.
 */
import * as z from '../zod.ts';
import { jstDate, LocalDateSchema } from './fiscal.ts';
import { progressOf, reportBehindStatus } from './milestone-progress.ts';
import type { Goal, Measure, PlanFile } from './plan.ts';
import {
  milestoneProgressValues,
  QuarterKeySchema,
  type MilestoneProgress,
  ReportStatusSchema,
  statusLabelsEn,
  type StoredReport,
} from './report.ts';
import { CompiledColourSchema, ColourCountsSchema, emptyCounts, type CompiledMeasureStatus } from './status.ts';

/** Milestone progress as published; `unknown` = the quarter's report does not state it (or no report came). */
export const publicMilestoneProgressValues = [...milestoneProgressValues, 'unknown'] as const;

export const PublicMilestoneSchema = z.strictObject({
  milestoneId: z.string(),
  label: z.string().check(z.describe("the plan's words for the step")),
  fromFiscalYear: z.int(),
  toFiscalYear: z.int(),
  progress: z.enum(publicMilestoneProgressValues),
  overdue: z.boolean().check(z.describe('its last fiscal year has passed and it is not done (from the compile)')),
});
export type PublicMilestone = z.infer<typeof PublicMilestoneSchema>;

/** One 事業 on the public page and in the open data. Strict: an unlisted field is an error. */
export const PublicMeasureStatusSchema = z.strictObject({
  quarter: QuarterKeySchema,
  measureId: z.string(),
  name: z.string(),
  goalId: z.string(),
  goalTitle: z.string(),
  areaId: z.string(),
  areaTitle: z.string(),
  /** 担当部署 as the published plan prints them: organisational units, no people, no addresses. */
  owners: z.array(z.strictObject({ bukai: z.string(), ka: z.string() })),
  status: z.nullable(ReportStatusSchema).check(z.describe('null = 未報告')),
  statusEn: z.string(),
  colour: CompiledColourSchema,
  milestones: z.array(PublicMilestoneSchema),
  narrative: z.string().check(z.describe("取組状況: the report's narrative, published as written")),
  budget: z.strictObject({
    plannedThousandYen: z.nullable(z.number()),
    executedThousandYen: z.nullable(z.number()),
  }),
  reportedOn: z.nullable(LocalDateSchema).check(z.describe('JST day of the report behind the status')),
});
export type PublicMeasureStatus = z.infer<typeof PublicMeasureStatusSchema>;

/** A quarter as published. */
export const PublicQuarterSchema = z.strictObject({
  quarter: QuarterKeySchema,
  municipality: z.string(),
  planTitle: z.string(),
  generatedAt: z.iso.datetime({ offset: true }),
  counts: ColourCountsSchema,
  measures: z.array(PublicMeasureStatusSchema),
});
export type PublicQuarter = z.infer<typeof PublicQuarterSchema>;

export const notReportedEn = 'not reported';

export interface PublicMeasureInput {
  quarter: string;
  measure: Measure;
  goal: Goal;
  /** The compiled status; absent when the compile has not seen this 事業 (shown as 未報告). */
  status?: CompiledMeasureStatus;
  /** The report the status was compiled from (see `reportBehindStatus`). */
  report?: StoredReport;
  /** Progress per milestone id as the report states it (see `progressOf`). */
  progress?: ReadonlyMap<string, MilestoneProgress>;
}

/** Project one 事業 onto its public fields. */
export function toPublicMeasureStatus(input: PublicMeasureInput): PublicMeasureStatus {
  const { measure, goal, status, report } = input;
  const overdue = new Set((status?.overdueMilestones ?? []).map((m) => m.milestoneId));
  const reportStatus = status?.reportStatus ?? null;
  return PublicMeasureStatusSchema.parse({
    quarter: input.quarter,
    measureId: measure.id,
    name: measure.name,
    goalId: goal.id,
    goalTitle: goal.title,
    areaId: measure.areaId,
    areaTitle: goal.areas.find((a) => a.id === measure.areaId)?.title ?? measure.areaId,
    owners: measure.owners.map((o) => ({ bukai: o.bukai, ka: o.ka })),
    status: reportStatus,
    statusEn: reportStatus ? statusLabelsEn[reportStatus] : notReportedEn,
    colour: status?.colour ?? 'unreported',
    milestones: measure.milestones.map((m) => ({
      milestoneId: m.id,
      label: m.label,
      fromFiscalYear: m.fiscalYears.from,
      toFiscalYear: m.fiscalYears.to,
      progress: input.progress?.get(m.id)?.progress ?? 'unknown',
      overdue: overdue.has(m.id),
    })),
    narrative: report?.narrative ?? '',
    budget: {
      plannedThousandYen: status?.budget.plannedThousandYen ?? null,
      executedThousandYen: status?.budget.executedThousandYen ?? null,
    },
    reportedOn: report ? jstDate(new Date(report.submittedAt)) : null,
  });
}

/** A whole quarter as published, 事業 in plan order, with its colour counts. */
export function toPublicQuarter(input: {
  quarter: string;
  municipality: string;
  planTitle: string;
  generatedAt: Date;
  measures: PublicMeasureStatus[];
}): PublicQuarter {
  const counts = emptyCounts();
  for (const m of input.measures) counts[m.colour] += 1;
  return PublicQuarterSchema.parse({
    quarter: input.quarter,
    municipality: input.municipality,
    planTitle: input.planTitle,
    generatedAt: input.generatedAt.toISOString(),
    counts,
    measures: input.measures,
  });
}

/**
 * The public view of a compiled quarter: each 事業 the compile counted (in scope that quarter: its
 * スケジュール or budget runs in the fiscal year; see `isInScope`) with its compiled status, and the
 * narrative and milestone progress of the report the status came from.
 * @param reports the quarter's reports (others are ignored).
 */
export function buildPublicQuarter(input: {
  plan: PlanFile;
  quarter: string;
  statuses: readonly CompiledMeasureStatus[];
  reports: readonly StoredReport[];
  generatedAt: Date;
}): PublicQuarter {
  const byMeasure = new Map(input.statuses.map((s) => [s.measureId, s]));
  const goals = new Map(input.plan.goals.map((g) => [g.id, g]));
  // The 事業 the compile counted (those in scope when it ran: isInScope), so the page's counts are the
  // compiled roll-ups' even after a revised plan moved a 事業's スケジュール without a recompile.
  const measures = input.plan.measures.filter((measure) => byMeasure.has(measure.id)).map((measure) => {
    const status = byMeasure.get(measure.id);
    const goal = goals.get(measure.goalId);
    if (!goal) throw new Error(`事業 ${measure.id} の基本目標 ${measure.goalId} が計画にありません / goal not in the plan`);
    const report = status ? reportBehindStatus(status, input.reports) : undefined;
    return toPublicMeasureStatus({ quarter: input.quarter, measure, goal, status, report, progress: progressOf(report) });
  });
  return toPublicQuarter({
    quarter: input.quarter,
    municipality: input.plan.plan.municipality,
    planTitle: input.plan.plan.title,
    generatedAt: input.generatedAt,
    measures,
  });
}
