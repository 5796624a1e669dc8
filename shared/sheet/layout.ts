/**
 * The layout of the 進捗管理シート, shared by the export (which writes it) and the import (which reads
 * a returned copy): the sheet names, where the title block, the header and the rows are, and what each
 * column holds and whether a 課 may edit it. Changing a column here changes both sides at once.
 * Pure: no I/O, no AWS.
 */
import { maxExecutedThousandYen, reportTextLimits } from '../domain/report.ts';

/** The one visible worksheet. */
export const sheetName = '進捗管理シート';

/**
 * The very hidden worksheet that carries the signed reference. "Very hidden" cannot be shown from
 * Excel's menus (only from VBA), so nobody deletes or edits it by accident; if it is deleted anyway,
 * the import refuses the file and says so.
 */
export const referenceSheetName = '_shinchoku';

/** Rows of the title block (1-based, as Excel numbers them). */
export const titleRows = {
  title: 1,
  plan: 2,
  bukai: 3,
  quarter: 4,
  due: 5,
  instructions: 6,
} as const;

/** The column header row; the panes are frozen below it and it repeats on every printed page. */
export const headerRow = 8;
/** The first 事業 row. */
export const firstDataRow = headerRow + 1;

/** Which field of a report an editable column holds (the `ReportInput` property). */
export type EditableField = 'status' | 'budgetExecutedThousandYen' | 'narrative' | 'issues' | 'nextSteps' | 'person';

export interface SheetColumn {
  /** Stable key, used in the signed reference and in messages. */
  key: string;
  /** Column letter. */
  letter: string;
  /** Header text as printed (Japanese; the second line is English). */
  header: { ja: string; en: string };
  /** Width in Excel character units (a full-width character is about two). */
  width: number;
  /** The report field a 課 fills in here; absent = locked, written by the export only. */
  field?: EditableField;
  /** Wrap long text in the cell. */
  wrap?: boolean;
  /** Number format, for numeric columns. */
  numFmt?: string;
}

/** The columns in order. Letters are fixed so that cell references in messages are stable. */
export const columns = [
  { key: 'measureId', letter: 'A', header: { ja: '事業ID', en: 'ID' }, width: 8 },
  { key: 'name', letter: 'B', header: { ja: '事業名', en: 'Measure' }, width: 26, wrap: true },
  { key: 'ka', letter: 'C', header: { ja: '担当課', en: 'Dept.' }, width: 12, wrap: true },
  { key: 'schedule', letter: 'D', header: { ja: 'スケジュール', en: 'Schedule' }, width: 34, wrap: true },
  { key: 'lastStatus', letter: 'E', header: { ja: '前回の状況', en: 'Last status' }, width: 14, wrap: true },
  { key: 'status', letter: 'F', header: { ja: '状況', en: 'Status' }, width: 12, field: 'status' },
  {
    key: 'planned',
    letter: 'G',
    header: { ja: '当該年度の計画額 (千円)', en: 'Planned for the FY (k¥)' },
    width: 14,
    numFmt: '#,##0',
    wrap: true,
  },
  {
    key: 'executed',
    letter: 'H',
    header: { ja: '執行額 (千円)', en: 'Executed (k¥)' },
    width: 12,
    field: 'budgetExecutedThousandYen',
    numFmt: '#,##0',
  },
  { key: 'narrative', letter: 'I', header: { ja: '進捗状況', en: 'Progress' }, width: 40, field: 'narrative', wrap: true },
  { key: 'issues', letter: 'J', header: { ja: '課題', en: 'Issues' }, width: 30, field: 'issues', wrap: true },
  { key: 'nextSteps', letter: 'K', header: { ja: '今後の予定', en: 'Next steps' }, width: 30, field: 'nextSteps', wrap: true },
  { key: 'person', letter: 'L', header: { ja: '報告者', en: 'Reported by' }, width: 12, field: 'person' },
] as const satisfies readonly SheetColumn[];

export type ColumnKey = (typeof columns)[number]['key'];

export const lastColumnLetter = columns[columns.length - 1]!.letter;

/** The columns a 課 fills in (unlocked, yellow). */
export const editableColumns = columns.filter((c): c is Extract<(typeof columns)[number], { field: EditableField }> => 'field' in c);

/** The column that holds a report field, for pointing at the cell an error is about. */
export function columnOfField(field: string): SheetColumn | undefined {
  const head = field.split('.')[0];
  if (head === 'milestones' || head === 'milestoneId') return columns.find((c) => c.key === 'schedule');
  if (head === 'measureId') return columns.find((c) => c.key === 'measureId');
  return editableColumns.find((c) => c.field === head);
}

/** Column letter → column, for reading cells back. */
export const columnByLetter: ReadonlyMap<string, SheetColumn> = new Map(columns.map((c) => [c.letter, c]));

/**
 * Maximum lengths the sheet's own validation enforces (the same limits as the report schema, so Excel
 * stops a person before the import would).
 */
export const textLimits = reportTextLimits;

/** The largest executed amount the schema accepts, in 千円. */
export { maxExecutedThousandYen };

/** The file name a sheet is offered under, e.g. `進捗管理シート_企画専門部会_FY2013-Q2.xlsx`. */
export function sheetFileName(scopeName: string, quarter: string): string {
  const safe = scopeName.replace(/[\\/:*?"<>|\s]+/g, '_');
  return `${sheetName}_${safe}_${quarter}.xlsx`;
}
