/**
 * How the API names reports and quarters when reading: the 受付番号 (reference) of one report, the
 * quarter a status is asked for (default: the current one, within the plan period), and the shapes
 * of the answers. Pure: no I/O, no AWS.
 */
import * as z from '../zod.ts';
import { formatQuarter, quarterOf, tryParseQuarter } from './fiscal.ts';
import { reportReferencePattern, shown } from './ids.ts';
import type { PlanInfo } from './plan.ts';
import { QuarterKeySchema, StoredReportSchema, type StoredReport } from './report.ts';
import type { FieldError } from './report-input.ts';

/** The key parts a reference such as `FY2013-Q2-2-2-3-v1` stands for. */
export interface ReportKey {
  quarter: string;
  measureId: string;
  version: number;
}

/** {@link reportReferencePattern} in either case: people type `fy2013-q2-…` too. */
const anyCaseReference = new RegExp(reportReferencePattern.source, 'i');

/** Reads a 受付番号 (see `reportReference`); undefined when it is not one. */
export function parseReportReference(reference: string): ReportKey | undefined {
  const text = reference.normalize('NFKC').trim().toUpperCase();
  if (!anyCaseReference.test(text)) return undefined;
  // "FY2013-Q2-2-2-3-V1": the quarter is the first 9 characters, the version follows the last "-V".
  const versionAt = text.lastIndexOf('-V');
  const version = Number(text.slice(versionAt + 2));
  if (!Number.isSafeInteger(version) || version < 1) return undefined;
  return { quarter: text.slice(0, 9), measureId: text.slice(10, versionAt), version };
}

/** The quarter of `now` in JST, moved into the plan period when `now` is before or after it. */
export function defaultQuarter(period: PlanInfo['period'], now: Date): string {
  const current = quarterOf(now);
  if (current.fiscalYear < period.from) return formatQuarter({ fiscalYear: period.from, quarter: 1 });
  if (current.fiscalYear > period.to) return formatQuarter({ fiscalYear: period.to, quarter: 4 });
  return formatQuarter(current);
}

/**
 * The quarter a request asks for (`?quarter=`), in canonical form; absent or empty means the
 * current one (see {@link defaultQuarter}). Text that is no quarter, or a quarter outside the plan
 * period, is a field error.
 */
export function resolveQuarter(
  requested: string | undefined,
  period: PlanInfo['period'],
  now: Date,
): { quarter: string } | { problem: FieldError } {
  if (requested === undefined || requested.trim() === '') return { quarter: defaultQuarter(period, now) };
  const parsed = tryParseQuarter(requested);
  if (!parsed) {
    return {
      problem: {
        field: 'quarter',
        ja: `四半期を読み取れません: "${shown(requested)}" (例: FY2013-Q2, 平成25年度第2四半期)`,
        en: `cannot read the quarter "${shown(requested)}" (e.g. FY2013-Q2, 平成25年度第2四半期)`,
      },
    };
  }
  const quarter = formatQuarter(parsed);
  if (parsed.fiscalYear < period.from || parsed.fiscalYear > period.to) {
    return {
      problem: {
        field: 'quarter',
        ja: `四半期 ${quarter} は計画期間 (FY${period.from}–FY${period.to}) の外です`,
        en: `quarter ${quarter} is outside the plan period FY${period.from}–FY${period.to}`,
      },
    };
  }
  return { quarter };
}

/** The answer to an accepted submission: enough to show a receipt and find the report again. */
export const ReportReceiptSchema = z.pick(StoredReportSchema, {
  reference: true,
  version: true,
  supersedes: true,
  measureId: true,
  quarter: true,
  submittedAt: true,
  kind: true,
});
export type ReportReceipt = z.infer<typeof ReportReceiptSchema>;

/** The receipt of a stored report (what POST /api/reports answers). */
export function receiptOf(report: StoredReport): ReportReceipt {
  const { reference, version, supersedes, measureId, quarter, submittedAt, kind } = report;
  return { reference, version, ...(supersedes === undefined ? {} : { supersedes }), measureId, quarter, submittedAt, kind };
}

/** The reports of one 事業, oldest first: every version, corrections included. */
export const ReportHistorySchema = z.object({
  measureId: z.string(),
  quarter: z.optional(QuarterKeySchema).check(z.describe('present when the history was asked for one quarter')),
  reports: z.array(StoredReportSchema).check(z.describe('oldest first; a correction has the next version and `supersedes`')),
});
export type ReportHistory = z.infer<typeof ReportHistorySchema>;
