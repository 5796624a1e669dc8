/**
 * The 進捗管理シート section of a 課's form page: download the pre-filled sheet, upload it filled
 * in. It works on its own, without mail: many city mail gateways strip or neutralise attachments
 * (無害化), so the upload on the signed form page is the way in that always works.
 * Pure: no I/O, no AWS; every interpolation is escaped.
 */
import { html, type SafeHtml } from '../web/html.ts';
import { sheetLimits } from './limits.ts';

/** The form field the file is sent in (functions/report-sheet reads the same name). */
export const sheetUploadField = 'sheet';

/** Where the section points, relative to the form page `/form/<token>`. */
export interface SheetFormLinks {
  downloadHref: string;
  uploadAction: string;
}

/** The links for a form token: `<token>/sheet.xlsx` and `<token>/sheet`, relative, so any base path works. */
export function sheetFormLinks(token: string, lang: 'ja' | 'en'): SheetFormLinks {
  const base = encodeURIComponent(token);
  return { downloadHref: `${base}/sheet.xlsx`, uploadAction: `${base}/sheet?lang=${lang}` };
}

const words = {
  ja: {
    title: 'Excel の進捗管理シートで報告する',
    intro: '担当する事業を一覧にした記入済みのシートをダウンロードし、黄色のセルに記入して、ここからアップロードできます。変更した行だけが報告になります。',
    download: '進捗管理シート (.xlsx) をダウンロード',
    file: '記入した進捗管理シート (.xlsx)',
    hint: (mb: number) => `「Excel ブック (*.xlsx)」形式、${mb} MB まで。マクロ・外部リンクを含むファイルは受け付けません。1 行でも誤りがあると何も記録されず、直す箇所をセル番地で示します。`,
    submit: 'シートをアップロードして報告',
  },
  en: {
    title: 'Report with the Excel progress sheet',
    intro: 'Download the pre-filled sheet of the measures you own, fill in the yellow cells, and upload it here. Only changed rows become reports.',
    download: 'Download the progress sheet (.xlsx)',
    file: 'Filled-in progress sheet (.xlsx)',
    hint: (mb: number) => `"Excel Workbook (*.xlsx)", up to ${mb} MB; files with macros or external links are refused. If any row is wrong nothing is recorded, and each cell to fix is named.`,
    submit: 'Upload the sheet and report',
  },
} as const;

/** The section: a download link and a file upload form (multipart, no script needed). */
export function sheetUploadSection(links: SheetFormLinks, lang: 'ja' | 'en'): SafeHtml {
  const w = words[lang];
  return html`<section class="card" id="sheet" aria-labelledby="sheet-title">
<h2 id="sheet-title">${w.title}</h2>
<p>${w.intro}</p>
<p><a href="${links.downloadHref}" download>${w.download}</a></p>
<form method="post" action="${links.uploadAction}" enctype="multipart/form-data">
<label for="sheet-file">${w.file}</label>
<p class="hint" id="sheet-file-hint">${w.hint(sheetLimits.maxFileBytes / 1024 / 1024)}</p>
<input type="file" id="sheet-file" name="${sheetUploadField}" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required aria-describedby="sheet-file-hint">
<button type="submit">${w.submit}</button>
</form>
</section>`;
}
