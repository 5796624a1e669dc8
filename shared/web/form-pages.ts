/**
 * The pages of the web form: a 課's report form for a quarter, the receipt, and the error page.
 * Server-rendered HTML that works without JavaScript, on a phone, with a screen reader: every control
 * has a label, groups have a fieldset and legend, errors are linked to their control with
 * `aria-describedby`, and every page says its language. Japanese by default, English on `?lang=en`;
 * the plan's own words (事業名, milestones) stay Japanese and are marked `lang="ja"`.
 * Pure: no I/O, no AWS; every interpolation is escaped by {@link html}.
 */
import {
  formatQuarterEn,
  formatQuarterJa,
  formatWarekiDate,
  formatWarekiFiscalYear,
  formatWarekiFiscalYearShort,
  jstDate,
  jstTime,
  parseQuarter,
  quarterRange,
  type LocalDate,
} from '../domain/fiscal.ts';
import type { FiscalYearSpan, Measure, PlanInfo } from '../domain/plan.ts';
import type { FieldError } from '../domain/report-input.ts';
import { milestoneProgressValues, reportStatuses, statusLabelsEn, type StoredReport } from '../domain/report.ts';
import { html, joinHtml, type SafeHtml } from './html.ts';
import { milestoneWords } from './status-words.ts';
import { privatePageHeaders, renderPrivatePage } from './private-page.ts';
import { sheetUploadSection, type SheetFormLinks } from '../sheet/form-section.ts';
import { budgetLinesForYear, errorsByControl, fieldNames, type Lang, type MeasureFormValues } from './report-form.ts';
import { planTitleOf } from '../domain/plan-title.ts';

/** A message in both languages. */
export interface Bilingual {
  ja: string;
  en: string;
}

// ---------------------------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------------------------

/**
 * The product's name on every page of the form's frame. Apart from `words`, so a function that only
 * frames its own pages (the sheet answer, the error pages) does not bundle every word of the form:
 * `words` reads nothing from other modules at load, so a bundle that uses none of it drops it whole.
 */
const productName: Readonly<Record<Lang, string>> = { ja: '進捗報告', en: 'Progress report' };

/** A milestone's progress in the page's language. */
function progressLabel(progress: string, lang: Lang): string {
  return milestoneWords[progress as keyof typeof milestoneWords]?.[lang] ?? progress;
}

const words = {
  ja: {
    switchTo: 'English',
    switchLang: 'en',
    contents: 'この課の事業',
    ownedHeading: '担当する事業 (状況を報告)',
    oneAtATime: '送信は事業ごとです。「送信」を押すとその事業の報告だけが送られ、ほかの事業に入力した内容は送られずに消えます。1件ずつ入力して送信してください。',
    relatedHeading: '関連する事業 (意見のみ)',
    relatedIntro: '関連部署として意見を記入できます。状況は担当部署が報告します。',
    noOwned: 'この課が担当する事業はありません。',
    prefilled: (ref: string, when: string, by?: string) => `前回の報告 (受付番号 ${ref}、${when}${by ? `、${by}の報告` : ''}) の内容を表示しています。変更して送信してください。`,
    notPrefilled: 'この事業の報告はまだありません。',
    outOfScope: (fy: number) => `この事業には${formatWarekiFiscalYear(fy)}のスケジュールも予算もありません。報告は任意で、集計には含まれません。`,
    status: '全体の状況',
    statusHint: '遅延・遅れ気味のときは「課題」も記入してください。',
    choose: '選択してください',
    milestones: 'スケジュールの進捗',
    milestonesHint: '計画のスケジュール項目ごとに進捗を選び、開始日または完了日を入力します (完了には日付が必要です)。',
    progress: '進捗',
    noMilestones: 'この事業には計画にスケジュール項目はありません。全体の状況と進捗状況を報告してください。',
    notReported: '今回は報告しない',
    date: '日付 (開始日・完了日)',
    dateHint: (date: LocalDate) => `例: ${date} (${formatWarekiDate(date)})`,
    span: '期間',
    inReportedYear: (fy: number) => `${formatWarekiFiscalYear(fy)}に実施`,
    inferred: '期間は推定',
    inferredWhy: '推定の理由',
    budget: '予算',
    budgetCaption: (fy: string) => `${fy}の予算 (計画額)`,
    budgetKey: '区分',
    budgetItems: '内訳',
    budgetAmount: '千円/年',
    noBudget: (fy: number) => `${formatWarekiFiscalYear(fy)}に計上された予算はありません。`,
    executed: (fy: number) => `${formatWarekiFiscalYear(fy)}の執行額 (千円)`,
    executedHint: '千円単位の数字。全角・カンマ付き (例: １２，３４５) でも入力できます。',
    narrative: '進捗状況',
    comment: '意見',
    issues: '課題',
    nextSteps: '今後の予定',
    person: '報告者の氏名',
    submit: 'この事業の報告を送信',
    submitComment: 'この事業への意見を送信',
    errorTitle: '入力内容を確認してください',
    errorPrefix: 'エラー: ',
    receiptTitle: '報告を受け付けました',
    receiptDuplicate: 'この報告は既に受け付けています (二重送信は記録されません)。',
    reference: '受付番号',
    keepReference: '問い合わせの際は受付番号をお知らせください。',
    recorded: '記録した内容',
    measure: '事業',
    quarter: '四半期',
    kind: '種別',
    kindReport: '報告',
    kindComment: '意見',
    version: '版',
    versionText: (v: number, s?: number) => (s ? `第${v}版 (第${s}版を訂正)` : `第${v}版`),
    submittedAt: '受付日時',
    reporter: '報告者',
    backToForm: '報告フォームに戻る',
    none: '(なし)',
  },
  en: {
    switchTo: '日本語',
    switchLang: 'ja',
    contents: 'Measures of this department',
    ownedHeading: 'Measures you own (report the status)',
    oneAtATime: "Each measure is sent on its own: its button sends that measure's report only, and what was typed into the others is not sent and is lost. Fill in and send one measure at a time.",
    relatedHeading: 'Related measures (comments only)',
    relatedIntro: 'As a related department you may leave a comment; the owning department reports the status.',
    noOwned: 'This department owns no measures.',
    prefilled: (ref: string, when: string, by?: string) => `Pre-filled from the last report (reference ${ref}, ${when}${by ? `, by ${by}` : ''}). Change what is different and submit.`,
    notPrefilled: 'No report for this measure yet.',
    outOfScope: (fy: number) => `This measure has neither schedule nor budget in FY${fy}: a report is optional, and the compile does not count it.`,
    status: 'Overall status',
    statusHint: 'When delayed or at risk, please also fill in “Issues”.',
    choose: 'Please choose',
    milestones: 'Milestones',
    milestonesHint: 'For each milestone of the plan choose its progress and give the start or completion date (done needs a date).',
    progress: 'Progress',
    noMilestones: 'The plan gives this measure no milestones; report its overall status and progress.',
    notReported: 'Not reported this time',
    date: 'Date (started / done)',
    dateHint: (date: LocalDate) => `e.g. ${date} (${formatWarekiDate(date)})`,
    span: 'Span',
    inReportedYear: (fy: number) => `runs in FY${fy}`,
    inferred: 'span inferred',
    inferredWhy: 'Why inferred',
    budget: 'Budget',
    budgetCaption: (fy: string) => `Planned budget for ${fy}`,
    budgetKey: 'Line',
    budgetItems: 'Breakdown',
    budgetAmount: 'thousand yen / year',
    noBudget: (fy: number) => `No budget is planned for FY${fy}.`,
    executed: (fy: number) => `Budget executed in FY${fy} (thousand yen)`,
    executedHint: 'In thousand yen. Full-width digits and commas (e.g. １２，３４５) are fine.',
    narrative: 'Progress',
    comment: 'Comment',
    issues: 'Issues',
    nextSteps: 'Next steps',
    person: 'Your name',
    submit: 'Submit the report for this measure',
    submitComment: 'Submit the comment for this measure',
    errorTitle: 'Please check your input',
    errorPrefix: 'Error: ',
    receiptTitle: 'Report received',
    receiptDuplicate: 'This report had already been received (a repeated submission is not recorded twice).',
    reference: 'Reference number',
    keepReference: 'Please quote the reference number in any enquiry.',
    recorded: 'What was recorded',
    measure: 'Measure',
    quarter: 'Quarter',
    kind: 'Kind',
    kindReport: 'report',
    kindComment: 'comment',
    version: 'Version',
    versionText: (v: number, s?: number) => (s ? `version ${v} (corrects version ${s})` : `version ${v}`),
    submittedAt: 'Received at',
    reporter: 'Reported by',
    backToForm: 'Back to the report form',
    none: '(none)',
  },
} as const;

// ---------------------------------------------------------------------------------------------
// Page frame
// ---------------------------------------------------------------------------------------------

/** The only styles of the pages; the Content-Security-Policy allows exactly this text by its hash. */
export const pageStyles = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#1b1b1b;font:16px/1.7 system-ui,-apple-system,"Hiragino Sans","Noto Sans JP","Yu Gothic UI",Meiryo,sans-serif}
header,main,footer{max-width:46rem;margin:0 auto;padding:0 1rem}
header{padding-top:.75rem}
.bar{display:flex;justify-content:space-between;align-items:baseline;gap:1rem;flex-wrap:wrap}
.product{font-weight:700;color:#374151}
a{color:#0b57d0;text-underline-offset:2px}
a:hover{color:#08408f}
h1{font-size:1.5rem;line-height:1.35;margin:.5rem 0}
h2{font-size:1.25rem;line-height:1.4;margin:0 0 .5rem}
h3{font-size:1.05rem;margin:1.25rem 0 .25rem}
.quarter{margin:.25rem 0 1rem;font-weight:600}
.card{background:#fff;border:1px solid #c4c8cf;border-radius:8px;padding:1rem;margin:1.25rem 0}
.id{display:inline-block;font-variant-numeric:tabular-nums;background:#e8eefc;color:#0a3a8c;border-radius:4px;padding:0 .4rem;margin-right:.4rem}
.hint{color:#4b5563;font-size:.9rem;margin:.15rem 0 .35rem}
.note{background:#eef6ee;border-left:4px solid #2e7d32;padding:.5rem .75rem;margin:.5rem 0}
label,.label{display:block;font-weight:700;margin:1rem 0 .2rem}
input,select,textarea{display:block;width:100%;font:inherit;color:#1b1b1b;background:#fff;border:2px solid #6b7280;border-radius:6px;padding:.5rem .6rem;min-height:44px}
textarea{min-height:6.5rem;resize:vertical}
fieldset{border:1px solid #c4c8cf;border-radius:6px;margin:1rem 0 0;padding:.25rem .9rem .9rem;min-width:0}
legend{font-weight:700;padding:0 .3rem}
fieldset fieldset{background:#fafafa}
fieldset fieldset legend{font-weight:600}
.badge{display:inline-block;font-size:.8rem;line-height:1.5;font-weight:600;border:1px solid currentColor;border-radius:999px;padding:0 .5rem;margin-left:.3rem;white-space:nowrap}
.badge.now{color:#1b5e20}
.badge.inferred{color:#7a4b00}
.pair{display:grid;gap:0 1rem}
@media (min-width:34rem){.pair{grid-template-columns:1fr 1fr}}
table{border-collapse:collapse;width:100%;margin:.25rem 0;font-size:.95rem}
caption{text-align:left;font-weight:700;padding:.25rem 0}
th,td{border-bottom:1px solid #d1d5db;padding:.3rem .4rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num{white-space:nowrap}
button{display:block;width:100%;min-height:48px;margin:1.25rem 0 .25rem;font:inherit;font-weight:700;color:#fff;background:#0b57d0;border:2px solid #0b57d0;border-radius:6px;padding:.6rem 1rem;cursor:pointer}
button:hover{background:#08408f}
:focus-visible{outline:3px solid #ffbf00;outline-offset:1px;box-shadow:0 0 0 6px #1b1b1b}
.error{color:#b3261e;font-weight:700;margin:.2rem 0}
[aria-invalid="true"]{border-color:#b3261e;border-width:3px}
.error-summary{border:4px solid #b3261e;background:#fff;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.error-summary h2,.error-summary h3{color:#b3261e;margin-top:.25rem}
.receipt-ref{font-size:1.6rem;font-weight:700;letter-spacing:.03em;word-break:break-all}
dl{margin:0}
dt{font-weight:700;margin-top:.75rem}
dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
ul.toc{padding-left:1.2rem}
footer{color:#4b5563;font-size:.85rem;padding-bottom:2rem}
hr{border:0;border-top:1px solid #d1d5db;margin:1rem 0}
@media (max-width:30rem){.card{padding:.75rem}fieldset{padding:.25rem .6rem .75rem}}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;white-space:nowrap!important}
`.trim();

/**
 * Headers of every page: never cached (the pages carry names and the signed link), no referrer (the
 * link is the credential and must not leak to another site), no scripts, no framing, only our CSS.
 */
export const pageHeaders: Readonly<Record<string, string>> = privatePageHeaders(pageStyles);

/** The plan a page belongs to, as its footer names it. */
export type FormPagePlan = Pick<PlanInfo, 'municipality' | 'title'>;

/** The product's own name, for a page shown before (or without) a plan, e.g. an error page. */
export const neutralFooter = '進捗管理 (shinchoku) / progress reporting (shinchoku)';

/** The footer of the form pages: the plan's city and title, or the product's name when no plan is at hand. */
export function formFooter(plan: FormPagePlan | undefined): string {
  return plan ? `${planTitleOf(plan)} 進捗管理 / progress of ${planTitleOf(plan)}` : neutralFooter;
}

/**
 * A page in the frame of the form, receipt, error and sheet-answer pages: their styles and footer
 * (naming `plan` when given), the product name of `lang` unless `product` says otherwise, and the
 * language switch if given.
 */
export function renderFormFrame(input: {
  lang: Lang;
  title: string;
  body: SafeHtml;
  langSwitch?: SafeHtml;
  product?: string;
  plan?: FormPagePlan;
}): string {
  return renderPrivatePage({
    lang: input.lang,
    title: input.title,
    styles: pageStyles,
    product: input.product ?? productName[input.lang],
    bar: input.langSwitch,
    body: input.body,
    footer: formFooter(input.plan),
  });
}

function langSwitch(lang: Lang, anchor = ''): SafeHtml {
  const w = words[lang];
  // A query-only link keeps the signed path; the link's language names itself in its own language.
  return html`<a href="?lang=${w.switchLang}${anchor}" lang="${w.switchLang}" hreflang="${w.switchLang}">${w.switchTo}</a>`;
}

/** Text from the plan (Japanese), marked so an English page still reads it in Japanese. */
function ja(lang: Lang, text: string): SafeHtml {
  return lang === 'ja' ? html`${text}` : html`<span lang="ja">${text}</span>`;
}

function quarterLabel(quarter: string): { ja: string; en: string } {
  const q = parseQuarter(quarter);
  return { ja: formatQuarterJa(q), en: formatQuarterEn(q) };
}

function spanLabel(span: FiscalYearSpan): string {
  const wareki = span.from === span.to ? formatWarekiFiscalYearShort(span.from) : `${formatWarekiFiscalYearShort(span.from)}〜${formatWarekiFiscalYearShort(span.to)}`;
  const western = span.from === span.to ? `FY${span.from}` : `FY${span.from}–FY${span.to}`;
  return `${wareki} (${western})`;
}

function yen(amount: number): string {
  return amount.toLocaleString('ja-JP');
}

/** When a report was received, in JST: "平成25年7月10日 14:03". */
export function formatReceivedAt(iso: string, lang: Lang): string {
  const at = new Date(iso);
  const time = jstTime(at);
  return lang === 'ja' ? `${formatWarekiDate(at)} ${time}` : `${jstDate(at)} ${time} JST`;
}

function bilingualBlock(message: Bilingual, lang: Lang): SafeHtml {
  // Both languages, the page's own first; each marked with its language.
  const first = lang === 'ja' ? { lang: 'ja', text: message.ja } : { lang: 'en', text: message.en };
  const second = lang === 'ja' ? { lang: 'en', text: message.en } : { lang: 'ja', text: message.ja };
  return html`<span lang="${first.lang}">${first.text}</span> <span lang="${second.lang}">/ ${second.text}</span>`;
}

// ---------------------------------------------------------------------------------------------
// The form page
// ---------------------------------------------------------------------------------------------

/** One 事業's form on the page. */
export interface MeasureForm {
  measure: Measure;
  /** owner: reports with a status; related: comments only. */
  role: 'owner' | 'related';
  values: MeasureFormValues;
  /** A fresh key per rendered form; the same key sent twice records once. */
  idempotencyKey: string;
  /** The report the values were taken from. */
  prefilledFrom?: Pick<StoredReport, 'reference' | 'quarter' | 'submittedAt'> & {
    /** The 課 that wrote it, when that is another owner of the 事業 than the one the form is for. */
    by?: string;
  };
  /** Set when this form was submitted and refused. */
  errors?: { message: Bilingual; fields: FieldError[]; milestoneOrder: string[] };
  /**
   * False when the 事業 is not in scope in the link's fiscal year (`isInScope`: neither スケジュール
   * nor budget then): nobody asks for its report then and the compile does not count it; a report is
   * still accepted.
   * @default true
   */
  inScope?: boolean;
}

export interface FormPageModel {
  lang: Lang;
  ka: { name: string; bukai: string };
  /** The link's quarter, canonical (FY2013-Q2). */
  quarter: string;
  /** The plan period: a budget line given as a year count applies to its first years. */
  period: FiscalYearSpan;
  owned: MeasureForm[];
  related: MeasureForm[];
  /** A message for the whole page, e.g. a refusal that concerns no single field. */
  notice?: { kind: 'error' | 'info'; message: Bilingual };
  /** The Excel 進捗管理シート download and upload (shared/sheet/form-section.ts); omitted = not shown. */
  sheet?: SheetFormLinks;
  /** The plan, named in the footer; omitted = the product's name. */
  plan?: FormPagePlan;
}

/** The id of a 事業's section, also the anchor the form's action returns to. */
export function measureAnchor(measureId: string): string {
  return `m-${measureId}`;
}

/** The id of a control: unique on the page, stable for tests and for `label for`. */
export function controlId(measureId: string, fieldName: string): string {
  return `${measureAnchor(measureId)}-${fieldName.replace(/[^A-Za-z0-9-]/g, '-')}`;
}

/** The whole page of a 課 for its link's quarter: one form per 事業. */
export function renderFormPage(model: FormPageModel): string {
  const w = words[model.lang];
  const q = quarterLabel(model.quarter);
  const fiscalYear = parseQuarter(model.quarter).fiscalYear;
  // The date examples are the first day of the link's quarter, a date the person might really enter.
  const exampleDate = quarterRange(parseQuarter(model.quarter)).firstDay;
  const hasErrors = model.notice?.kind === 'error' || [...model.owned, ...model.related].some((f) => f.errors);
  const title = `${hasErrors ? w.errorPrefix : ''}${productName[model.lang]} — ${model.ka.name} — ${model.lang === 'ja' ? q.ja : q.en}`;
  const toc = (forms: MeasureForm[]) =>
    forms.map((f) => html`<li><a href="#${measureAnchor(f.measure.id)}"><span class="id">${f.measure.id}</span>${ja(model.lang, f.measure.name)}</a></li>`);
  // After a refusal the keyboard and the screen reader start at what went wrong: the page's error, else
  // the summary of the first refused 事業 (no script: `autofocus` moves the focus, and the view, as the
  // page loads). The form's action has no #fragment: a browser skips autofocus on a page whose URL
  // targets an element.
  const focused = model.notice?.kind === 'error' ? undefined : [...model.owned, ...model.related].find((f) => f.errors);
  const notice = model.notice
    ? model.notice.kind === 'error'
      ? html`<div class="error-summary" role="alert" tabindex="-1" autofocus><h2>${w.errorTitle}</h2><p>${bilingualBlock(model.notice.message, model.lang)}</p></div>`
      : html`<p class="note" role="status">${bilingualBlock(model.notice.message, model.lang)}</p>`
    : '';
  const body = html`
<h1>${productName[model.lang]}: ${ja(model.lang, model.ka.name)}</h1>
<p class="hint">${ja(model.lang, model.ka.bukai)}</p>
<p class="quarter">${model.lang === 'ja' ? html`${q.ja} <span lang="en">/ ${q.en}</span>` : html`${q.en} <span lang="ja">/ ${q.ja}</span>`}</p>
${notice}
<nav class="card" aria-labelledby="toc-title">
<h2 id="toc-title">${w.contents}</h2>
${model.owned.length > 0 ? html`<ul class="toc">${toc(model.owned)}</ul>` : html`<p>${w.noOwned}</p>`}
${model.related.length > 0 ? html`<h3>${w.relatedHeading}</h3><ul class="toc">${toc(model.related)}</ul>` : ''}
</nav>
${model.sheet && model.owned.length > 0 ? sheetUploadSection(model.sheet, model.lang) : ''}
${model.owned.length > 0 ? html`<h2>${w.ownedHeading}</h2>${model.owned.length > 1 ? html`<p class="note">${w.oneAtATime}</p>` : ''}` : ''}
${model.owned.map((f) => measureForm(f, model.lang, model.period, fiscalYear, exampleDate, f === focused))}
${model.related.length > 0 ? html`<h2>${w.relatedHeading}</h2><p>${w.relatedIntro}</p>` : ''}
${model.related.map((f) => measureForm(f, model.lang, model.period, fiscalYear, exampleDate, f === focused))}
`;
  return renderFormFrame({ lang: model.lang, title, body, langSwitch: langSwitch(model.lang), ...(model.plan ? { plan: model.plan } : {}) });
}

function measureForm(form: MeasureForm, lang: Lang, period: FiscalYearSpan, fiscalYear: number, exampleDate: LocalDate, focus = false): SafeHtml {
  const w = words[lang];
  const { measure } = form;
  const anchor = measureAnchor(measure.id);
  const id = (name: string) => controlId(measure.id, name);
  const byControl = form.errors ? errorsByControl(form.errors.fields, form.errors.milestoneOrder) : new Map<string, FieldError[]>();
  const errorId = (name: string) => `${id(name)}-error`;
  const errorOf = (name: string) => {
    const errors = byControl.get(name);
    return errors
      ? html`<p class="error" id="${errorId(name)}"><span class="visually-hidden">${w.errorPrefix}</span>${joinHtml(
          errors.map((e) => bilingualBlock(e, lang)),
          html`<br>`,
        )}</p>`
      : '';
  };
  /** aria-describedby and aria-invalid for a control with an optional hint. */
  const described = (name: string, hintId?: string) => {
    const ids = [hintId, byControl.has(name) ? errorId(name) : undefined].filter(Boolean).join(' ');
    return html`${ids ? html` aria-describedby="${ids}"` : ''}${byControl.has(name) ? html` aria-invalid="true"` : ''}`;
  };
  const summary = form.errors
    ? html`<div class="error-summary" role="alert" aria-labelledby="${anchor}-errors-title" tabindex="-1"${focus ? html` autofocus` : ''}>
<h3 id="${anchor}-errors-title">${w.errorTitle}</h3>
<p>${bilingualBlock(form.errors.message, lang)}</p>
<ul>${form.errors.fields.map((e) => {
        const control = [...byControl.entries()].find(([, list]) => list.includes(e))?.[0] ?? 'form';
        const target = control === 'form' ? anchor : id(control);
        return html`<li><a href="#${target}">${bilingualBlock(e, lang)}</a></li>`;
      })}</ul>
</div>`
    : '';
  const prefilled = form.prefilledFrom
    ? html`<p class="note">${w.prefilled(form.prefilledFrom.reference, lang === 'ja' ? quarterLabel(form.prefilledFrom.quarter).ja : quarterLabel(form.prefilledFrom.quarter).en, form.prefilledFrom.by)}</p>`
    : // Shown again with what was typed (refused or already used), the section is no empty form either.
      form.role === 'owner' && !form.errors
      ? html`<p class="hint">${w.notPrefilled}</p>`
      : '';
  const textarea = (name: string, label: string, value: string, hint?: string) => html`
<label for="${id(name)}">${label}</label>
${hint ? html`<p class="hint" id="${id(name)}-hint">${hint}</p>` : ''}
${errorOf(name)}
<textarea id="${id(name)}" name="${name}" rows="4" maxlength="4000"${described(name, hint ? `${id(name)}-hint` : undefined)}>${value}</textarea>`;

  const ownerControls =
    form.role === 'owner'
      ? html`
<label for="${id(fieldNames.status)}">${w.status}</label>
<p class="hint" id="${id(fieldNames.status)}-hint">${w.statusHint}</p>
${errorOf(fieldNames.status)}
<select id="${id(fieldNames.status)}" name="${fieldNames.status}" required${described(fieldNames.status, `${id(fieldNames.status)}-hint`)}>
<option value=""${form.values.status === '' ? html` selected` : ''}>${w.choose}</option>
${reportStatuses.map(
  (s) => html`<option value="${s}"${form.values.status === s ? html` selected` : ''}>${lang === 'ja' ? s : `${statusLabelsEn[s]} (${s})`}</option>`,
)}
</select>
${measure.milestones.length === 0 ? html`<p class="hint">${w.noMilestones}</p>` : html`<fieldset>
<legend>${w.milestones}</legend>
<p class="hint">${w.milestonesHint}</p>
<p class="hint" id="${anchor}-date-hint">${w.dateHint(exampleDate)}</p>
${measure.milestones.map((m) => {
  const values = form.values.milestones[m.id] ?? { progress: '', date: '' };
  const progressName = fieldNames.milestoneProgress(m.id);
  const dateName = fieldNames.milestoneDate(m.id);
  const current = m.fiscalYears.from <= fiscalYear && fiscalYear <= m.fiscalYears.to;
  const spanId = `${id(m.id)}-span`;
  return html`<fieldset id="${id(m.id)}">
<legend><span lang="ja">${m.label}</span></legend>
<p class="hint" id="${spanId}">${w.span}: ${spanLabel(m.fiscalYears)}${current ? html`<span class="badge now">${w.inReportedYear(fiscalYear)}</span>` : ''}${
    m.inferred ? html`<span class="badge inferred">${w.inferred}</span>` : ''
  }</p>
${m.inferred && m.inferenceReason ? html`<p class="hint">${w.inferredWhy}: ${ja(lang, m.inferenceReason)}</p>` : ''}
<div class="pair">
<div>
<label for="${id(progressName)}">${w.progress}</label>
${errorOf(progressName)}
<select id="${id(progressName)}" name="${progressName}"${described(progressName, spanId)}>
<option value=""${values.progress === '' ? html` selected` : ''}>${w.notReported}</option>
${milestoneProgressValues.map(
  (p) => html`<option value="${p}"${values.progress === p ? html` selected` : ''}>${progressLabel(p, lang)}</option>`,
)}
</select>
</div>
<div>
<label for="${id(dateName)}">${w.date}</label>
${errorOf(dateName)}
<input type="date" id="${id(dateName)}" name="${dateName}" value="${values.date}" placeholder="${exampleDate}"${described(dateName, `${anchor}-date-hint`)}>
</div>
</div>
</fieldset>`;
})}
</fieldset>`}
<fieldset>
<legend>${w.budget}</legend>
${budgetTable(measure, period, fiscalYear, lang)}
<label for="${id(fieldNames.budgetExecutedThousandYen)}">${w.executed(fiscalYear)}</label>
<p class="hint" id="${id(fieldNames.budgetExecutedThousandYen)}-hint">${w.executedHint}</p>
${errorOf(fieldNames.budgetExecutedThousandYen)}
<input type="text" inputmode="decimal" autocomplete="off" id="${id(fieldNames.budgetExecutedThousandYen)}" name="${fieldNames.budgetExecutedThousandYen}" value="${form.values.budgetExecutedThousandYen}"${described(fieldNames.budgetExecutedThousandYen, `${id(fieldNames.budgetExecutedThousandYen)}-hint`)}>
</fieldset>
${textarea(fieldNames.narrative, w.narrative, form.values.narrative)}
${textarea(fieldNames.issues, w.issues, form.values.issues)}
${textarea(fieldNames.nextSteps, w.nextSteps, form.values.nextSteps)}`
      : textarea(fieldNames.narrative, w.comment, form.values.narrative);

  return html`<section class="card" id="${anchor}" aria-labelledby="${anchor}-title">
<h2 id="${anchor}-title"><span class="id">${measure.id}</span>${ja(lang, measure.name)}</h2>
${form.inScope === false ? html`<p class="note">${w.outOfScope(fiscalYear)}</p>` : ''}
${prefilled}
${summary}
<form method="post" action="?lang=${lang}" accept-charset="UTF-8">
<input type="hidden" name="${fieldNames.measureId}" value="${measure.id}">
<input type="hidden" name="${fieldNames.idempotencyKey}" value="${form.idempotencyKey}">
${ownerControls}
<label for="${id(fieldNames.person)}">${w.person}</label>
${errorOf(fieldNames.person)}
<input type="text" id="${id(fieldNames.person)}" name="${fieldNames.person}" value="${form.values.person}" autocomplete="name" maxlength="100" required${described(fieldNames.person)}>
<button type="submit">${form.role === 'owner' ? w.submit : w.submitComment}<span class="visually-hidden"> (${measure.id})</span></button>
</form>
</section>`;
}

function budgetTable(measure: Measure, period: FiscalYearSpan, fiscalYear: number, lang: Lang): SafeHtml {
  const w = words[lang];
  const lines = budgetLinesForYear(measure, period, fiscalYear);
  if (lines.length === 0) return html`<p class="hint">${w.noBudget(fiscalYear)}</p>`;
  return html`<table>
<caption>${w.budgetCaption(lang === 'ja' ? formatWarekiFiscalYearShort(fiscalYear) : `FY${fiscalYear}`)}</caption>
<thead><tr><th scope="col">${w.budgetKey}</th><th scope="col">${w.budgetItems}</th><th scope="col" class="num">${w.budgetAmount}</th></tr></thead>
<tbody>
${lines.map(
  (line) => html`<tr><th scope="row">${line.key}</th><td>${
    line.items.length > 0
      ? joinHtml(
          line.items.map((item) => html`${ja(lang, item.label)} ${yen(item.thousandYen)}${item.note ? html` (${ja(lang, item.note)})` : ''}`),
          html`<br>`,
        )
      : ''
  }${line.restriction ? html`<br><span class="hint">${ja(lang, line.restriction)}</span>` : ''}</td><td class="num">${yen(line.annualThousandYen)}</td></tr>`,
)}
</tbody>
</table>`;
}

// ---------------------------------------------------------------------------------------------
// The receipt
// ---------------------------------------------------------------------------------------------

export interface ReceiptModel {
  lang: Lang;
  ka: { name: string };
  measure: Pick<Measure, 'id' | 'name' | 'milestones'>;
  report: StoredReport;
  /** True when this submission had been recorded before (double click, reload). */
  duplicate: boolean;
  /** The plan, named in the footer; omitted = the product's name. */
  plan?: FormPagePlan;
}

/** What a person sees after submitting: the 受付番号 and what was recorded. */
export function renderReceiptPage(model: ReceiptModel): string {
  const w = words[model.lang];
  const { report, measure, lang } = model;
  const q = quarterLabel(report.quarter);
  const labels = new Map(measure.milestones.map((m) => [m.id, m.label]));
  const text = (value: string) => (value === '' ? w.none : value);
  const status = report.status ? (lang === 'ja' ? report.status : `${statusLabelsEn[report.status]} (${report.status})`) : w.none;
  const body = html`
<h1>${w.receiptTitle}</h1>
<section class="card" aria-labelledby="reference-title">
<h2 id="reference-title">${w.reference}</h2>
<p class="receipt-ref" data-reference="${report.reference}">${report.reference}</p>
<p class="hint">${w.keepReference}</p>
${model.duplicate ? html`<p class="note" role="status">${w.receiptDuplicate}</p>` : ''}
</section>
<section class="card" aria-labelledby="recorded-title">
<h2 id="recorded-title">${w.recorded}</h2>
<dl>
<dt>${w.measure}</dt><dd><span class="id">${measure.id}</span>${ja(lang, measure.name)}</dd>
<dt>${w.quarter}</dt><dd>${lang === 'ja' ? q.ja : q.en}</dd>
<dt>${w.kind}</dt><dd>${report.kind === 'report' ? w.kindReport : w.kindComment}</dd>
<dt>${w.version}</dt><dd>${w.versionText(report.version, report.supersedes)}</dd>
${report.kind === 'report'
  ? html`<dt>${w.status}</dt><dd>${status}</dd>
<dt>${w.milestones}</dt><dd>${
      report.milestones.length === 0
        ? w.none
        : html`<ul>${report.milestones.map(
            (m) => html`<li>${ja(lang, labels.get(m.milestoneId) ?? m.milestoneId)}: ${progressLabel(m.progress, lang)}${m.date ? ` (${lang === 'ja' ? formatWarekiDate(m.date) : m.date})` : ''}</li>`,
          )}</ul>`
    }</dd>
<dt>${w.executed(parseQuarter(report.quarter).fiscalYear)}</dt><dd>${report.budgetExecutedThousandYen === undefined ? w.none : yen(report.budgetExecutedThousandYen)}</dd>
<dt>${w.narrative}</dt><dd>${text(report.narrative)}</dd>
<dt>${w.issues}</dt><dd>${text(report.issues)}</dd>
<dt>${w.nextSteps}</dt><dd>${text(report.nextSteps)}</dd>`
  : html`<dt>${w.comment}</dt><dd>${text(report.narrative)}</dd>`}
<dt>${w.reporter}</dt><dd>${ja(lang, model.ka.name)} ${report.reporter.person}</dd>
<dt>${w.submittedAt}</dt><dd>${formatReceivedAt(report.submittedAt, lang)}</dd>
</dl>
</section>
<p><a href="?lang=${lang}#${measureAnchor(measure.id)}">${w.backToForm}</a></p>
`;
  // No language switch here: it would leave the receipt for the form; the form's switch is one link away.
  return renderFormFrame({ lang, title: `${w.receiptTitle} ${report.reference} — ${productName[lang]}`, body, ...(model.plan ? { plan: model.plan } : {}) });
}

// ---------------------------------------------------------------------------------------------
// Errors that are not about a field
// ---------------------------------------------------------------------------------------------

export interface ErrorPageModel {
  lang: Lang;
  status: number;
  title: Bilingual;
  message: Bilingual;
  /** What the person can do about it. */
  hint?: Bilingual;
  /** The plan, when it is known; omitted (e.g. before the catalog loads) = the product's name. */
  plan?: FormPagePlan;
}

/** An error page in both languages (the link itself may be what failed, so both are always shown). */
export function renderErrorPage(model: ErrorPageModel): string {
  const first: Lang = model.lang;
  const second: Lang = model.lang === 'ja' ? 'en' : 'ja';
  const block = (lang: Lang) => html`<div lang="${lang}">
<h2>${model.title[lang]}</h2>
<p>${model.message[lang]}</p>
${model.hint ? html`<p>${model.hint[lang]}</p>` : ''}
</div>`;
  const body = html`<h1><span lang="ja">${model.title.ja}</span> <span lang="en">/ ${model.title.en}</span></h1>
<div class="error-summary" role="alert">${block(first)}<hr>${block(second)}<p class="hint">HTTP ${model.status}</p></div>`;
  return renderFormFrame({ lang: model.lang, title: `${model.title.ja} / ${model.title.en}`, body, ...(model.plan ? { plan: model.plan } : {}) });
}
