/**
 * A report item's keys and its shape: a `StoredReport` to and from the item. No SDK here, so the
 * outbox publisher can read report items off the stream without loading a DynamoDB client; the
 * reads and the append are in report-items.ts (which re-exports these).
 */
import { StoredReportSchema, type StoredReport } from '../domain/report.ts';
import { tenantPrefix } from './table.ts';

const versionWidth = 4;
/**
 * The most versions one 事業 and quarter can have: the sort keys carry the version zero-padded to
 * `versionWidth` digits, so a 10,000th version would sort before the 9,999th and never be found as
 * the latest. Refused with a clear answer instead (a real 課 corrects a report a handful of times).
 */
export const maxReportVersions = 10 ** versionWidth - 1;

/**
 * The last version a related department's comment can take. The versions of a quarter number reports
 * and comments alike, so the last ones are kept for the owner: however many comments come, the
 * owning 課 can still report and correct its report (999 more versions).
 */
export const maxCommentVersion = maxReportVersions - 999;

export const reportKeys = {
  partition: (tenant: string, measureId: string) => `${tenantPrefix(tenant)}MEASURE#${measureId}`,
  sort: (quarter: string, version: number) => `REPORT#${quarter}#${String(version).padStart(versionWidth, '0')}`,
  quarterPrefix: (quarter: string) => `REPORT#${quarter}#`,
  byQuarter: (tenant: string, quarter: string) => `${tenantPrefix(tenant)}QUARTER#${quarter}`,
  byQuarterSort: (measureId: string, version: number) => `${measureId}#${String(version).padStart(versionWidth, '0')}`,
  idempotency: (tenant: string, key: string) => `${tenantPrefix(tenant)}IDEMPOTENCY#${key}`,
};

/** The `type` attribute of a report item; the outbox's stream filter matches on it. */
export const reportItemType = 'Report';

export function reportToItem(tenant: string, report: StoredReport) {
  return {
    pk: reportKeys.partition(tenant, report.measureId),
    sk: reportKeys.sort(report.quarter, report.version),
    gsi1pk: reportKeys.byQuarter(tenant, report.quarter),
    gsi1sk: reportKeys.byQuarterSort(report.measureId, report.version),
    type: reportItemType,
    ...report,
  };
}

export function reportFromItem(item: Record<string, unknown>): StoredReport {
  return StoredReportSchema.parse(item);
}
