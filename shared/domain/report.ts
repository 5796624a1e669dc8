/**
 * A quarterly progress report on one 事業, and its stored form.
 * Pure: no I/O, no AWS. The web form, the API, the mail intake and the sheet import all produce a
 * `ReportSubmission`; the store turns it into an append-only `StoredReport`.
 */
import * as z from '../zod.ts';
import { CanonicalQuarterSchema, LocalDateSchema } from './fiscal.ts';
import { measureIdPattern, milestoneIdPattern } from './ids.ts';

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

/** The longest texts a report holds, in characters (UTF-16 code units, as the schemas count them). */
export const reportTextLimits = { narrative: 4000, issues: 4000, nextSteps: 4000, person: 100 } as const;

/** The largest executed amount a report states, in 千円 (¥100 billion): anything larger is a slip of the unit. */
export const maxExecutedThousandYen = 100_000_000;

/**
 * The largest request body a valid report can take, when each character of its texts travels as
 * `bytesPerCharacter` bytes — 9 in a form post (a kanji is three `%XX`), 6 in JSON that escapes it as
 * `\uXXXX` (as Python's json does by default) — with room for the rest of the report. A body limit
 * below this refuses reports the fields' own limits allow.
 */
export function largestReportBody(bytesPerCharacter: number): number {
  const characters = Object.values(reportTextLimits).reduce((sum, n) => sum + n, 0);
  return characters * bytesPerCharacter + 16 * 1024;
}

export const milestoneProgressValues = ['not_started', 'in_progress', 'done'] as const;
export const MilestoneProgressSchema = z.object({
  milestoneId: z.string().check(z.regex(milestoneIdPattern)),
  progress: z.enum(milestoneProgressValues),
  date: z.optional(LocalDateSchema).check(z.describe('when the step started or was done')),
});
export type MilestoneProgress = z.infer<typeof MilestoneProgressSchema>;

export const ReporterSchema = z.object({
  kaId: z.string().check(z.minLength(1)),
  ka: z.string().check(z.minLength(1)),
  bukai: z.string().check(z.minLength(1)),
  person: z.string().check(z.trim(), z.minLength(1), z.maxLength(reportTextLimits.person)),
});
export type Reporter = z.infer<typeof ReporterSchema>;

export const reportKinds = ['report', 'comment'] as const;

/**
 * What a 課 submits for one 事業 and quarter, already validated and normalised. An owning 課 sends a
 * `report` (with a status); a related department (関連部署) may only leave a `comment`.
 */
export const ReportSubmissionSchema = z.object({
  measureId: z.string().check(z.regex(measureIdPattern)),
  quarter: QuarterKeySchema,
  kind: z._default(z.enum(reportKinds), 'report'),
  status: z.optional(ReportStatusSchema),
  milestones: z._default(z.array(MilestoneProgressSchema), []),
  budgetExecutedThousandYen: z.optional(z.number().check(z.nonnegative(), z.lte(maxExecutedThousandYen))),
  narrative: z._default(z.string().check(z.maxLength(reportTextLimits.narrative)), ''),
  issues: z._default(z.string().check(z.maxLength(reportTextLimits.issues)), ''),
  nextSteps: z._default(z.string().check(z.maxLength(reportTextLimits.nextSteps)), ''),
  reporter: ReporterSchema,
});
export type ReportSubmission = z.infer<typeof ReportSubmissionSchema>;

/** Every key of a submission: what a 課 said, as against what storing it added. */
const submissionKeys = {
  measureId: true,
  quarter: true,
  kind: true,
  status: true,
  milestones: true,
  budgetExecutedThousandYen: true,
  narrative: true,
  issues: true,
  nextSteps: true,
  reporter: true,
} as const satisfies Record<keyof ReportSubmission, true>;

/**
 * What a stored report (or its item) says, without what storing it added (the version, the 受付番号,
 * the channel, the time, the attachments, the keys): the submission it was, to compare content with.
 */
export function submissionOf(stored: Readonly<Record<string, unknown>>): Partial<ReportSubmission> {
  const said: Record<string, unknown> = {};
  for (const key of Object.keys(submissionKeys)) if (stored[key] !== undefined) said[key] = stored[key];
  return said as Partial<ReportSubmission>;
}

export const reportChannels = ['web', 'api', 'mail', 'sheet'] as const;

/**
 * A report as stored: never changed after it is written; a correction is a new version.
 *
 * The versions of a 事業 and quarter number the owner's reports and the related departments' comments
 * alike, so the report a correction corrects is not always the version before it. `supersedes` (on a
 * report) and `followsReport` (on a comment) name it: the owner's latest report when the item was
 * written. A report is itself the latest report, so with these two the single latest item of a quarter
 * tells the next writer which report it follows, without reading further back. A comment stored
 * before `followsReport` was recorded tells it nothing: the report after such a comment names no
 * `supersedes` (as reports after comments did then), and a comment after it no `followsReport`.
 */
export const StoredReportSchema = z.extend(ReportSubmissionSchema, {
  version: z.int().check(z.gte(1)),
  supersedes: z.optional(z.int().check(z.gte(1))).check(z.describe("a report: the owner's report it corrects (the latest report before it; comments in between are skipped)")),
  followsReport: z.optional(z.int().check(z.gte(1))).check(z.describe("a comment: the owner's latest report when it was written (absent when there was none)")),
  reference: z.string().check(z.describe('受付番号 shown on the receipt')),
  channel: z.enum(reportChannels),
  submittedAt: z.iso.datetime({ offset: true }),
  attachments: z._default(
    z.array(z.object({ name: z.string(), contentType: z.string(), key: z.string(), bytes: z.int().check(z.nonnegative()) })),
    [],
  ),
});
export type StoredReport = z.infer<typeof StoredReportSchema>;

/** The 受付番号 of a report: readable on a phone and unique per 事業, quarter and version. */
export function reportReference(measureId: string, quarter: string, version: number): string {
  return `${quarter}-${measureId}-v${version}`;
}
