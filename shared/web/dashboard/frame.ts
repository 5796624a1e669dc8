/**
 * The frame of the dashboard pages: words in both languages, the view options carried in the query
 * (`quarter`, `lang`, `size`, `group`), the styles and the response headers. The dashboard is for the
 * secretariat and leadership: on a desk, on a projector (`size=large`) and on a phone (one column
 * below 48rem). No script; the only style is allowed by its hash.
 * Pure: no I/O, no AWS.
 */
import { formatQuarterEn, formatQuarterJa, formatWarekiFiscalYear, formatWarekiFiscalYearShort, parseQuarter } from '../../domain/fiscal.ts';
import type { FiscalYearSpan, PlanInfo } from '../../domain/plan.ts';
import { html, type SafeHtml } from '../html.ts';
import { privatePageHeaders, renderPrivatePage } from '../private-page.ts';
import type { Lang } from '../report-form.ts';
import { planTitleOf } from '../../domain/plan-title.ts';
import { countEn } from '../../domain/english.ts';

export type { Lang };

/** What the footer names: the plan's city and title, as the plan file states them. */
export type PlanTitle = Pick<PlanInfo, 'municipality' | 'title'>;

/** How the status table is grouped. */
export const dashboardGroupings = ['goal', 'bukai'] as const;
export type DashboardGrouping = (typeof dashboardGroupings)[number];

/** What the person chose to see; carried from page to page in the query string. */
export interface ViewOptions {
  lang: Lang;
  /** Large type, for a projector. */
  large: boolean;
  group: DashboardGrouping;
}

/** Read the view options from a query (unknown values fall back to the defaults). */
export function viewOptionsOf(query: Readonly<Record<string, string | undefined>> | undefined): ViewOptions {
  return {
    lang: query?.lang?.trim().toLowerCase() === 'en' ? 'en' : 'ja',
    large: query?.size?.trim().toLowerCase() === 'large',
    group: query?.group?.trim().toLowerCase() === 'bukai' ? 'bukai' : 'goal',
  };
}

/** A query string for the options (defaults left out), with `quarter` and other extras. */
export function queryOf(options: ViewOptions, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) params.set(name, value);
  if (options.lang !== 'ja') params.set('lang', options.lang);
  if (options.large) params.set('size', 'large');
  if (options.group !== 'goal') params.set('group', options.group);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export const words = {
  ja: {
    product: '進捗ダッシュボード',
    switchTo: 'English',
    largeOn: '文字を大きく',
    largeOff: '標準の文字',
    quarter: '四半期',
    show: '表示',
    previous: '前の四半期',
    next: '次の四半期',
    notCompiled: '未集計',
    provisional: 'この四半期はまだ集計されていません。届いている報告から計算した速報値を表示しています。',
    summary: '全体の状況',
    measures: '事業',
    reportedShare: (reported: number, total: number) => `報告済み ${reported} / ${total} 事業`,
    byBukai: '専門部会別の状況',
    byGoal: '基本目標別の状況',
    budget: '予算の計画額と執行額 (年度別)',
    budgetPlanned: '計画額',
    budgetExecuted: '執行額 (報告時点)',
    budgetUnit: '千円',
    budgetNotYet: '未到来',
    budgetNotReported: '報告なし',
    budgetNotPlanned: '計画なし',
    budgetNote: '予算行のある事業について、計画額は計画の予算行から、執行額は各年度の第4四半期 (選択した四半期の年度はその四半期) の報告から集計しています。集計メールと同じ規則です。',
    timeline: (period: FiscalYearSpan) => `工程 (${formatWarekiFiscalYear(period.from)}〜${formatWarekiFiscalYear(period.to)})`,
    timelineOf: (goal: string) => `工程: ${goal}`,
    marker: (q: string) => `${q} 末`,
    notReported: '未報告の課',
    allReported: 'すべての事業について報告が届いています。',
    notReportedIntro: (n: number) => `この四半期の報告が届いていない事業: ${n} 件 (報告の受付状況。集計後に届いた報告も含みます)`,
    statusTable: '全事業の状況',
    groupGoal: '基本目標・施策分野別',
    groupBukai: '専門部会別',
    colMeasure: '事業',
    colOwner: '担当部署',
    colStatus: '状況',
    colOverdue: '期限超過の工程',
    colBudget: '予算 計画 / 執行 (千円)',
    colReport: '報告',
    history: '履歴',
    corrected: '訂正あり',
    downloads: 'ダウンロード',
    openDataCsv: 'この四半期のデータ (CSV)',
    openDataJson: 'この四半期のデータ (JSON)',
    openDataNotYet: 'オープンデータは集計後に作成されます。',
    sheets: '進捗管理シート (Excel)',
    publicPage: '公開ページ',
    backToDashboard: 'ダッシュボードに戻る',
    measureHistory: '事業の履歴',
    statusOverTime: '四半期ごとの状況',
    summaryOfMeasure: '事業概要',
    milestones: '工程',
    reports: '報告の履歴 (古い順)',
    noReports: 'この事業の報告はまだありません。',
    version: (v: number, s?: number) => (s ? `第${v}版 (第${s}版の訂正)` : `第${v}版`),
    commentOn: (v: number, f?: number) => (f ? `第${v}版 (第${f}版への意見)` : `第${v}版`),
    kindReport: '報告',
    kindComment: '関連部署の意見',
    reference: '受付番号',
    submittedAt: '受付日時',
    channel: '受付経路',
    reporter: '報告者',
    status: '状況',
    milestoneProgress: '工程の進捗',
    executed: (fiscalYear: number) => `${formatWarekiFiscalYear(fiscalYear)}の執行額`,
    narrative: '進捗状況',
    issues: '課題',
    nextSteps: '今後の予定',
    attachments: '添付',
    none: '(なし)',
    related: '関連部署',
    overdue: '期限超過',
    planned: '計画',
    footer: (plan: PlanTitle) => `${planTitleOf(plan)} 進捗管理 — 事務局・幹部向け (内部資料)`,
    channels: { web: 'Webフォーム', api: 'API', mail: 'メール', sheet: 'シート' } as Record<string, string>,
  },
  en: {
    product: 'Progress dashboard',
    switchTo: '日本語',
    largeOn: 'Large type',
    largeOff: 'Normal type',
    quarter: 'Quarter',
    show: 'Show',
    previous: 'Previous quarter',
    next: 'Next quarter',
    notCompiled: 'not compiled',
    provisional: 'This quarter has not been compiled yet. The figures are provisional, computed from the reports received so far.',
    summary: 'Overall status',
    measures: 'measures',
    reportedShare: (reported: number, total: number) => `${reported} of ${countEn(total, 'measure')} reported`,
    byBukai: 'Status by committee (専門部会)',
    byGoal: 'Status by basic goal',
    budget: 'Budget planned and executed, by fiscal year',
    budgetPlanned: 'planned',
    budgetExecuted: 'executed (as reported)',
    budgetUnit: 'thousand yen',
    budgetNotYet: 'not yet',
    budgetNotReported: 'not reported',
    budgetNotPlanned: 'none planned',
    budgetNote: 'For the 事業 with budget lines: planned from the plan\'s lines, executed from the reports of each fiscal year\'s Q4 (of the chosen quarter in its own year). The same rule as the digest.',
    timeline: (period: FiscalYearSpan) => `Milestones (FY${period.from}–FY${period.to})`,
    timelineOf: (goal: string) => `Milestones: ${goal}`,
    marker: (q: string) => `end of ${q}`,
    notReported: 'Departments yet to report',
    allReported: 'Every measure has been reported on.',
    notReportedIntro: (n: number) => `Measures without a report for this quarter: ${n} (as received, including reports after the compile)`,
    statusTable: 'Status of every measure',
    groupGoal: 'by goal and area',
    groupBukai: 'by committee',
    colMeasure: 'Measure',
    colOwner: 'Owner',
    colStatus: 'Status',
    colOverdue: 'Overdue milestones',
    colBudget: 'Budget planned / executed (k¥)',
    colReport: 'Report',
    history: 'history',
    corrected: 'corrected',
    downloads: 'Downloads',
    openDataCsv: 'This quarter\'s data (CSV)',
    openDataJson: 'This quarter\'s data (JSON)',
    openDataNotYet: 'Open data is produced once the quarter is compiled.',
    sheets: 'Progress sheets (Excel)',
    publicPage: 'Public page',
    backToDashboard: 'Back to the dashboard',
    measureHistory: 'History of a measure',
    statusOverTime: 'Status quarter by quarter',
    summaryOfMeasure: 'Summary',
    milestones: 'Milestones',
    reports: 'Reports (oldest first)',
    noReports: 'No report for this measure yet.',
    version: (v: number, s?: number) => (s ? `version ${v} (corrects version ${s})` : `version ${v}`),
    commentOn: (v: number, f?: number) => (f ? `version ${v} (a comment on version ${f})` : `version ${v}`),
    kindReport: 'report',
    kindComment: 'comment of a related department',
    reference: 'Reference',
    submittedAt: 'Received',
    channel: 'Channel',
    reporter: 'Reported by',
    status: 'Status',
    milestoneProgress: 'Milestone progress',
    executed: (fiscalYear: number) => `Executed in FY${fiscalYear}`,
    narrative: 'Progress',
    issues: 'Issues',
    nextSteps: 'Next steps',
    attachments: 'Attachments',
    none: '(none)',
    related: 'Related',
    overdue: 'overdue',
    planned: 'planned',
    footer: (plan: PlanTitle) => `Progress of ${planTitleOf(plan)} — for the secretariat and leadership (internal)`,
    channels: { web: 'web form', api: 'API', mail: 'mail', sheet: 'sheet' } as Record<string, string>,
  },
} as const;

export type Words = (typeof words)[Lang];

/** The styles of the dashboard pages; the Content-Security-Policy allows exactly this text by its hash. */
export const dashboardStyles = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#1b1b1b;font:16px/1.6 system-ui,-apple-system,"Hiragino Sans","Noto Sans JP","Yu Gothic UI",Meiryo,sans-serif}
body.large{font-size:22px}
header,main,footer{max-width:90rem;margin:0 auto;padding:0 1rem}
header{padding-top:.75rem}
.bar{display:flex;justify-content:space-between;align-items:center;gap:.5rem 1rem;flex-wrap:wrap}
.product{font-weight:700;color:#374151}
.bar nav a{margin-left:1rem}
a{color:#0b57d0;text-underline-offset:2px}
h1{font-size:1.6rem;line-height:1.3;margin:.5rem 0}
h2{font-size:1.3rem;line-height:1.35;margin:0 0 .5rem}
h3{font-size:1.1rem;margin:1rem 0 .25rem}
form.quarter{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0}
select,button{font:inherit;min-height:44px;border:2px solid #6b7280;border-radius:6px;padding:.25rem .5rem;background:#fff;color:#1b1b1b}
form.quarter select{flex:1 1 16rem;min-width:0;max-width:100%}
button{background:#0b57d0;border-color:#0b57d0;color:#fff;font-weight:700;padding:.25rem 1rem;cursor:pointer}
.panel{background:#fff;border:1px solid #c4c8cf;border-radius:8px;padding:1rem;margin:1rem 0;min-width:0}
.grid{display:grid;gap:0 1rem}
@media (min-width:64rem){.grid{grid-template-columns:1fr 1fr}}
.notice{background:#fff7e0;border-left:6px solid #f2a900;padding:.5rem .75rem;margin:.5rem 0;font-weight:600}
.counts{display:grid;grid-template-columns:repeat(auto-fit,minmax(8.5rem,1fr));gap:.5rem;margin:.5rem 0;padding:0;list-style:none}
.counts li{border-radius:8px;padding:.4rem .75rem;font-weight:700}
.counts .n{display:block;font-size:2.4em;line-height:1.1}
.c-green{background:#1b7f3b;color:#fff}.c-amber{background:#f2a900;color:#1b1b1b}.c-red{background:#c4262e;color:#fff}.c-unreported{background:#6b7280;color:#fff}
.chip{display:inline-block;border-radius:999px;padding:0 .55rem;font-weight:700;white-space:nowrap}
.out-of-scope{background:#fff;color:#374151;border:1px dashed #6b7280}
.chart-box{overflow-x:auto}
svg.chart{display:block;width:100%;height:auto}
.chart-box.wide svg.chart{min-width:44rem}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:700;padding:.25rem 0}
th,td{border-bottom:1px solid #d1d5db;padding:.35rem .4rem;text-align:left;vertical-align:top}
th{background:#f9fafb}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.group th{background:#e8eefc;font-size:1.05em}
.id{font-variant-numeric:tabular-nums;color:#0a3a8c;font-weight:700;margin-right:.35rem;white-space:nowrap}
.overdue{color:#b3261e;font-weight:700}
.muted{color:#4b5563}
.pre{white-space:pre-wrap}
.small{font-size:.9em}
ul.plain{list-style:none;padding-left:0;margin:.25rem 0}
.report{border-top:2px solid #c4c8cf;padding:.5rem 0 .75rem}
.report h3{margin:.25rem 0}
.badge{display:inline-block;font-size:.85em;font-weight:700;border:1px solid currentColor;border-radius:999px;padding:0 .5rem;margin-left:.3rem}
.badge.corrected{color:#7a4b00}
dl.fields{display:grid;grid-template-columns:minmax(7rem,max-content) 1fr;gap:.2rem 1rem;margin:.5rem 0}
dl.fields dt{font-weight:700}
dl.fields dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.table-scroll{overflow-x:auto}
@media (max-width:48rem){
  .table-scroll table.status thead{display:none}
  .table-scroll table.status tr{display:block;border-bottom:1px solid #c4c8cf;padding:.35rem 0}
  .table-scroll table.status td{display:block;border:0;padding:.1rem .25rem}
  .table-scroll table.status td.num{text-align:left}
  .table-scroll table.status td[data-label]::before{content:attr(data-label);display:block;color:#4b5563;font-size:.85em;font-weight:700}
  dl.fields{grid-template-columns:1fr}
}
:focus-visible{outline:3px solid #ffbf00;outline-offset:1px;box-shadow:0 0 0 6px #1b1b1b}
footer{color:#4b5563;font-size:.85rem;padding:1rem 1rem 2rem}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;white-space:nowrap!important}
`.trim();

/**
 * Headers of every dashboard page: never cached and never indexed (internal figures and people's
 * names), no referrer (the signed link is the credential), no script, no framing, only our CSS.
 */
export const dashboardHeaders: Readonly<Record<string, string>> = privatePageHeaders(dashboardStyles, { robotsHeader: true });

/** "平成25年度 第2四半期 (2013年7月–9月)" or "FY2013 Q2 (Jul–Sep 2013)". */
export function quarterText(quarter: string, lang: Lang): string {
  const q = parseQuarter(quarter);
  return lang === 'ja' ? formatQuarterJa(q) : formatQuarterEn(q);
}

/** A fiscal year for a column head: "H24年度\nFY2012". */
export function fiscalYearHead(fy: number): string {
  return `${formatWarekiFiscalYearShort(fy)}\nFY${fy}`;
}

export function thousandYen(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString('ja-JP');
}

/** Text from the plan or a report (Japanese), marked so an English page still reads it as Japanese. */
export function jaText(lang: Lang, text: string): SafeHtml {
  return lang === 'ja' ? html`${text}` : html`<span lang="ja">${text}</span>`;
}

/** A whole dashboard page. */
export function renderFrame(input: {
  options: ViewOptions;
  /** The plan shown, named in the footer. */
  plan: PlanTitle;
  title: string;
  body: SafeHtml;
  switches: { lang: string; size: string };
}): string {
  const w = words[input.options.lang];
  const other = input.options.lang === 'ja' ? 'en' : 'ja';
  return renderPrivatePage({
    lang: input.options.lang,
    title: input.title,
    styles: dashboardStyles,
    bodyClass: input.options.large ? 'large' : undefined,
    product: w.product,
    bar: html`
<nav><a href="${input.switches.lang}" lang="${other}" hreflang="${other}">${w.switchTo}</a><a href="${input.switches.size}">${input.options.large ? w.largeOff : w.largeOn}</a></nav>`,
    body: input.body,
    footer: w.footer(input.plan),
  });
}
