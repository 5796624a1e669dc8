/**
 * The 進捗管理シート against the store: the last report of each row's 事業 (to pre-fill it), the
 * export for a 部会 or a 課, and the attachment the quarterly reminder carries for a 部会 that asked
 * for it (`attachSheet: true` in the directory).
 */
import type { Bukai } from '../domain/directory.ts';
import { parseQuarter } from '../domain/fiscal.ts';
import { defaultReminderConfig, reportDueDate, type ReminderConfig } from '../domain/reminders.ts';
import type { StoredReport } from '../domain/report.ts';
import type { Catalog } from '../store/catalog-cache.ts';
import { reportHistory } from '../store/report-items.ts';
import type { Store } from '../store/store.ts';
import { lastReportFor } from '../web/report-form.ts';
import { buildProgressSheet, resolveScope, SheetScopeError, sheetRows, xlsxContentType, type ProgressSheet } from './export.ts';
import type { SheetScope } from './reference.ts';

/** The report each 事業 is pre-filled from: of the quarter, else of the latest earlier quarter. */
export async function lastReportsOf(store: Store, measureIds: readonly string[], quarter: string): Promise<Map<string, StoredReport>> {
  const found = await Promise.all(
    measureIds.map(async (id) => [id, lastReportFor(await reportHistory(store, id), quarter)] as const),
  );
  return new Map(found.filter((entry): entry is readonly [string, StoredReport] => entry[1] !== undefined));
}

export interface ExportSheetOptions {
  scope: SheetScope;
  /** Canonical quarter, e.g. FY2013-Q2. */
  quarter: string;
  secret: string;
  now?: Date;
  /** Decides the 提出期限 printed on the sheet. @default the standard reminder rules */
  reminderConfig?: ReminderConfig;
}

/** The pre-filled sheet of a 部会 (every 事業 its 課 own) or of one 課, for a quarter: the 事業 in scope then (`sheetRows`). */
export async function exportSheet(store: Store, catalog: Catalog, options: ExportSheetOptions): Promise<ProgressSheet> {
  const { period } = catalog.plan.plan;
  const { fiscalYear } = parseQuarter(options.quarter);
  if (fiscalYear < period.from || fiscalYear > period.to) {
    // Every row filled in on such a sheet would be refused on import.
    throw new SheetScopeError(
      `${options.quarter} は計画期間 (FY${period.from}–FY${period.to}) の四半期ではありません`,
      `${options.quarter} is not a quarter of the plan period FY${period.from}–FY${period.to}`,
    );
  }
  const resolved = resolveScope(catalog.directory, options.scope);
  const rows = sheetRows(catalog.plan, resolved, options.quarter);
  // Issued before the reports are read: a report recorded during the read counts as after the sheet
  // (the import's check of later reports, import.ts), never as pre-filled when it was not.
  const issuedAt = options.now ?? new Date();
  const lastReports = await lastReportsOf(store, rows.map((r) => r.measure.id), options.quarter);
  return buildProgressSheet({
    plan: catalog.plan,
    directory: catalog.directory,
    scope: options.scope,
    quarter: options.quarter,
    lastReports,
    dueDate: reportDueDate(options.quarter, options.reminderConfig ?? defaultReminderConfig),
    secret: options.secret,
    now: issuedAt,
  });
}

/** An attachment in the mailer's shape. */
export interface SheetAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

/**
 * The sheet a 課's quarterly reminder carries, when its 部会 asked for it (`attachSheet: true` in the
 * directory); `undefined` otherwise. It is that 課's own sheet: a sheet holds each 事業's last report
 * (names and 課題 included), which no 課 reads of another, and the 部会's sheet of every 課 is for
 * the dashboard's holders. Attaching is "on request" because many city mail gateways strip or
 * neutralise attachments (無害化): the form link and the upload on the form page always work without it.
 */
export async function sheetAttachment(
  store: Store,
  catalog: Catalog,
  bukai: Pick<Bukai, 'id'> & { attachSheet?: boolean },
  ka: { id: string },
  quarter: string,
  deps: { secret: string; now?: Date; reminderConfig?: ReminderConfig },
): Promise<SheetAttachment | undefined> {
  if (bukai.attachSheet !== true) return undefined;
  const sheet = await exportSheet(store, catalog, { scope: { kind: 'ka', id: ka.id }, quarter, ...deps });
  return { filename: sheet.fileName, content: sheet.buffer, contentType: xlsxContentType };
}
