/**
 * A quarterly progress report on one 事業, and its stored form.
 * Pure: no I/O, no AWS. The web form, the API, the mail intake and the sheet import all produce a
 * `ReportSubmission`; the store turns it into an append-only `StoredReport`.
 */
import * as z from 'zod';
import { CanonicalQuarterSchema, LocalDateSchema } from './fiscal.ts';

/** Canonical quarter key, e.g. "FY2013-Q2" (FY2013 = 平成25年度, Q2 = July–September 2013). */
export const QuarterKeySchema = CanonicalQuarterSchema;

/** Overall status as the 課 states it, in the plan office's own words. */
export const reportStatuses = ['予定どおり', '遅れ気味', '遅延', '完了', '未着手'] as const;
export const ReportStatusSchema = z.enum(reportStatuses);
export type ReportStatus = z.infer<typeof ReportStatusSchema>;

export type StatusColour = 'green' | 'amber' | 'red';

/**
 * The traffic-light colour of a stated status. 未着手 is amber: work that has not started is a warning
 * until the compile knows whether anything was due (it turns red there when a milestone is overdue).
 */
export const statusColour: Record<ReportStatus, StatusColour> = {
  予定どおり: 'green',
  完了: 'green',
  遅れ気味: 'amber',
  未着手: 'amber',
  遅延: 'red',
};

export const statusLabelsEn: Record<ReportStatus, string> = {
  予定どおり: 'on track',
  遅れ気味: 'at risk',
  遅延: 'delayed',
  完了: 'completed',
  未着手: 'not started',
};

export const milestoneProgressValues = ['not_started', 'in_progress', 'done'] as const;
export const MilestoneProgressSchema = z.object({
  milestoneId: z.string().regex(/^m\d+$/),
  progress: z.enum(milestoneProgressValues),
  date: LocalDateSchema.optional().describe('when the step started or was done'),
});
export type MilestoneProgress = z.infer<typeof MilestoneProgressSchema>;

export const ReporterSchema = z.object({
  kaId: z.string().min(1),
  ka: z.string().min(1),
  bukai: z.string().min(1),
  person: z.string().trim().min(1).max(100),
});
export type Reporter = z.infer<typeof ReporterSchema>;

export const reportKinds = ['report', 'comment'] as const;

/**
 * What a 課 submits for one 事業 and quarter, already validated and normalised. An owning 課 sends a
 * `report` (with a status); a related department (関連部署) may only leave a `comment`.
 */
export const ReportSubmissionSchema = z.object({
  measureId: z.string().regex(/^\d+-\d+-\d+$/),
  quarter: QuarterKeySchema,
  kind: z.enum(reportKinds).default('report'),
  status: ReportStatusSchema.optional(),
  milestones: z.array(MilestoneProgressSchema).default([]),
  budgetExecutedThousandYen: z.number().nonnegative().max(1e9).optional(),
  narrative: z.string().max(4000).default(''),
  issues: z.string().max(4000).default(''),
  nextSteps: z.string().max(4000).default(''),
  reporter: ReporterSchema,
});
export type ReportSubmission = z.infer<typeof ReportSubmissionSchema>;

export const reportChannels = ['web', 'api', 'mail', 'sheet'] as const;

/** A report as stored: never changed after it is written; a correction is a new version. */
export const StoredReportSchema = ReportSubmissionSchema.extend({
  version: z.int().min(1),
  supersedes: z.int().min(1).optional().describe('the version this one corrects'),
  reference: z.string().describe('受付番号 shown on the receipt'),
  channel: z.enum(reportChannels),
  submittedAt: z.iso.datetime({ offset: true }),
  attachments: z
    .array(z.object({ name: z.string(), contentType: z.string(), key: z.string(), bytes: z.int().nonnegative() }))
    .default([]),
});
export type StoredReport = z.infer<typeof StoredReportSchema>;

/** The 受付番号 of a report: readable on a phone and unique per 事業, quarter and version. */
export function reportReference(measureId: string, quarter: string, version: number): string {
  return `${quarter}-${measureId}-v${version}`;
}
