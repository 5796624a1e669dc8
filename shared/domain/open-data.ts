/**
 * Open data: a quarter's public status as CSV and JSON. The column list below is the one source of
 * the CSV header, the JSON record keys and docs/OPEN-DATA.md (a unit test keeps the document in step).
 * Built only from the public projection (public-status.ts), so nothing internal can reach a file.
 * Pure: no I/O, no AWS.
 */
import { stringify } from 'csv-stringify/sync';
import type { PublicMeasureStatus, PublicQuarter } from './public-status.ts';
import { planTitleOf } from './plan-title.ts';

/** One column of the open data. */
export interface OpenDataColumn {
  /** JSON key, and the stable machine name of the column. */
  key: string;
  /** CSV header (Japanese, as Japanese open data usually names its columns). */
  name: string;
  /** What the column holds, in Japanese and English. */
  ja: string;
  en: string;
  value: (m: PublicMeasureStatus) => string | number | null;
}

/** Separates several values inside one cell (owners, milestone labels): a vertical bar with a space either side. */
export const cellListSeparator = ' | ';

const notReportedJa = '未報告';

/** The columns, in CSV order. Change them here and in docs/OPEN-DATA.md together. */
export const openDataColumns: readonly OpenDataColumn[] = [
  { key: 'quarter', name: '四半期', ja: '対象の四半期 (FY2013-Q2 = 平成25年度第2四半期, 7–9月)', en: 'quarter reported on (FY2013-Q2 = Jul–Sep 2013)', value: (m) => m.quarter },
  { key: 'measure_id', name: '事業番号', ja: '計画上の事業番号 (基本目標-施策分野-事業)', en: 'measure number in the plan (goal-area-measure)', value: (m) => m.measureId },
  { key: 'measure_name', name: '事業名', ja: '計画上の事業名', en: 'measure name as in the plan', value: (m) => m.name },
  { key: 'goal_id', name: '基本目標番号', ja: '基本目標の番号', en: 'basic goal number', value: (m) => m.goalId },
  { key: 'goal_title', name: '基本目標', ja: '基本目標の名称', en: 'basic goal title', value: (m) => m.goalTitle },
  { key: 'area_id', name: '施策分野番号', ja: '施策分野の番号', en: 'policy area number', value: (m) => m.areaId },
  { key: 'area_title', name: '施策分野', ja: '施策分野の名称', en: 'policy area title', value: (m) => m.areaTitle },
  {
    key: 'owners',
    name: '担当部署',
    ja: `計画に記載の担当部署 (専門部会 課)。複数は「${cellListSeparator}」(縦棒の前後に半角空白) 区切り`,
    en: `owning departments as printed in the plan (部会 課), several separated by "${cellListSeparator}" (a vertical bar with a space either side)`,
    value: (m) => m.owners.map((o) => `${o.bukai} ${o.ka}`).join(cellListSeparator),
  },
  {
    key: 'status',
    name: '進捗状況',
    ja: '予定どおり / 遅れ気味 / 遅延 / 完了 / 未着手 / 未報告',
    en: 'stated status in Japanese; 未報告 = not reported',
    value: (m) => m.status ?? notReportedJa,
  },
  { key: 'status_en', name: '進捗状況(英語)', ja: '進捗状況の英語表記', en: 'on track / at risk / delayed / completed / not started / not reported', value: (m) => m.statusEn },
  {
    key: 'colour',
    name: '区分',
    ja: 'green (順調) / amber (注意) / red (遅延・期限超過) / unreported (未報告)',
    en: 'traffic light: green / amber / red / unreported',
    value: (m) => m.colour,
  },
  { key: 'milestones_total', name: '工程数', ja: '計画のスケジュール上の工程の数', en: 'number of milestones in the plan schedule', value: (m) => m.milestones.length },
  {
    key: 'milestones_done',
    name: '完了工程数',
    ja: 'この四半期の報告が完了とした工程の数 (報告が触れない工程は数えない)',
    en: "milestones this quarter's report marks done (steps it does not mention are not counted)",
    value: (m) => m.milestones.filter((x) => x.progress === 'done').length,
  },
  {
    key: 'milestones_overdue',
    name: '期限超過工程数',
    ja: '最終年度を過ぎても完了していない工程の数',
    en: 'milestones past their last fiscal year and not done',
    value: (m) => m.milestones.filter((x) => x.overdue).length,
  },
  {
    key: 'overdue_milestones',
    name: '期限超過工程',
    ja: `期限を過ぎた工程の名称。複数は「${cellListSeparator}」(縦棒の前後に半角空白) 区切り。空欄 = なし`,
    en: `labels of the overdue milestones, separated by "${cellListSeparator}" (a vertical bar with a space either side); empty = none`,
    value: (m) => m.milestones.filter((x) => x.overdue).map((x) => x.label).join(cellListSeparator),
  },
  {
    key: 'budget_planned_thousand_yen',
    name: '予算額(千円)',
    ja: 'この年度の計画予算額 (千円)。空欄 = 計画に記載なし',
    en: "the fiscal year's planned budget in thousand yen; empty = none stated",
    value: (m) => m.budget.plannedThousandYen,
  },
  {
    key: 'budget_executed_thousand_yen',
    name: '執行額(千円)',
    ja: 'この四半期の年度にこれまで執行した額 (千円、その四半期の最新の報告による)。空欄 = 報告なし',
    en: "executed so far in the quarter's fiscal year in thousand yen, as its latest report of the quarter states; empty = not reported",
    value: (m) => m.budget.executedThousandYen,
  },
  { key: 'reported_on', name: '報告日', ja: '報告を受け付けた日 (日本時間, YYYY-MM-DD)。空欄 = 未報告', en: 'day the report was received (JST, YYYY-MM-DD); empty = not reported', value: (m) => m.reportedOn },
  {
    key: 'narrative',
    name: '取組状況',
    ja: '担当課による取組状況の説明 (改行を含むことがあります)。空欄 = 未報告',
    en: "the department's account of progress (may contain line breaks); empty = not reported",
    value: (m) => m.narrative,
  },
];

export type OpenDataRecord = Record<string, string | number | null>;

/**
 * One record per 事業, keyed by column key; an empty text is null (no value), which the JSON keeps
 * and the CSV writes as an empty cell.
 */
export function openDataRecords(quarter: PublicQuarter): OpenDataRecord[] {
  return quarter.measures.map((m) =>
    Object.fromEntries(
      openDataColumns.map((c) => {
        const value = c.value(m);
        return [c.key, value === '' ? null : value];
      }),
    ),
  );
}

/**
 * CSV for people and spreadsheets: UTF-8 with BOM (so Excel detects the encoding), CRLF, a header of
 * Japanese column names, every cell with a line break quoted. Cells that a spreadsheet would run as a formula (=, +, -, @ first) are
 * prefixed with an apostrophe, as OWASP advises for CSV that people open in Excel.
 */
export function toOpenDataCsv(quarter: PublicQuarter): string {
  return stringify(openDataRecords(quarter), {
    bom: true,
    header: true,
    record_delimiter: 'windows',
    // A line break inside a cell (a narrative of several lines is stored with LF) must be quoted:
    // csv-stringify quotes only the record delimiter itself, and Excel ends a row at a bare LF too.
    quoted_match: /[\r\n]/,
    escape_formulas: true,
    columns: openDataColumns.map((c) => ({ key: c.key, header: c.name })),
    cast: { number: (n) => String(n) },
  });
}

/** JSON for programs: the column documentation, then one record per 事業 (null = empty). */
export function toOpenDataJson(quarter: PublicQuarter): string {
  return `${JSON.stringify(
    {
      dataset: `${planTitleOf({ municipality: quarter.municipality, title: quarter.planTitle })} 進捗状況 / progress`,
      quarter: quarter.quarter,
      generatedAt: quarter.generatedAt,
      columns: openDataColumns.map(({ key, name, ja, en }) => ({ key, name, ja, en })),
      records: openDataRecords(quarter),
    },
    null,
    2,
  )}\n`;
}

/** File names next to the public page of a quarter. */
export const openDataFiles = {
  csv: (quarter: string) => `shinchoku-${quarter}.csv`,
  json: (quarter: string) => `shinchoku-${quarter}.json`,
};
