/**
 * The answer to an imported 進捗管理シート, the same facts for every way in: a page after an upload,
 * the body of the confirmation or rejection mail, and the lines of `shinchoku import-sheet`. Every
 * refusal names the sheet, the cell and the reason in Japanese and English; a refused sheet says that
 * nothing was recorded.
 * Pure: no I/O, no AWS; the HTML goes through the escaping `html` template.
 */
import { renderFormFrame } from '../web/form-pages.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { capList, type SheetImportResult, type SheetProblem } from './import.ts';

/** Where a problem is: `進捗管理シート!F12`, the sheet alone, or the file. */
export function problemPlace(problem: SheetProblem, fileName?: string): string {
  if (problem.sheet && problem.cell) return `${problem.sheet}!${problem.cell}`;
  if (problem.sheet) return problem.sheet;
  return fileName ?? 'ファイル / file';
}

/** A one-line summary, Japanese and English. */
export function importHeadline(result: SheetImportResult): { ja: string; en: string } {
  if (result.outcome === 'refused') {
    return {
      ja: `受け付けられませんでした。${result.problems.length} 件の問題があるため、このシートからは何も記録していません (すべての行を直してから、もう一度送ってください)`,
      en: `Refused: ${result.problems.length} problem(s); nothing from this sheet was recorded (fix every row, then send it again)`,
    };
  }
  const fresh = result.recorded.filter((r) => !r.duplicate).length;
  const again = result.recorded.length - fresh;
  const failed = result.failed.length;
  // Rows that passed every check but could not be written (a full quarter, a busy 事業) are never "unchanged".
  const notRecorded = {
    ja: `${failed} 行を記録できませんでした (理由は「記録できなかった行」のとおり)`,
    en: `${failed} row(s) could not be recorded (see "Rows not recorded")`,
  };
  if (result.recorded.length === 0) {
    if (failed > 0) return { ja: `${notRecorded.ja}。報告は記録していません`, en: `${notRecorded.en}; no report was recorded` };
    return {
      ja: '変更された行がないため、報告は記録していません (記入済みの内容は前回の報告と同じです)',
      en: 'No row was changed, so no report was recorded (the rows still hold the previous report)',
    };
  }
  return {
    ja: `${fresh} 件の報告を記録しました${again > 0 ? ` (${again} 件は同じ内容で受付済みのため、受付番号のみ示します)` : ''}${failed > 0 ? `。${notRecorded.ja}` : ''}`,
    en: `${fresh} report(s) recorded${again > 0 ? ` (${again} already recorded with the same content; their references are shown)` : ''}${failed > 0 ? `; ${notRecorded.en}` : ''}`,
  };
}

function problemLines(title: { ja: string; en: string }, problems: readonly SheetProblem[], fileName: string): string[] {
  if (problems.length === 0) return [];
  const { shown, more } = capList(problems);
  return [
    `■ ${title.ja} / ${title.en}`,
    ...shown.flatMap((p) => [`  - ${problemPlace(p, fileName)}: ${p.ja}`, `    ${p.en}`]),
    ...(more > 0 ? [`  … ほか ${more} 件 / ${more} more`] : []),
  ];
}

/** The answer as plain text: a mail body or the CLI's per-file block. */
export function importAnswerText(result: SheetImportResult): string {
  const headline = importHeadline(result);
  const lines = [`ファイル / file: ${result.fileName}`, headline.ja, headline.en, ''];
  if (result.outcome === 'refused') {
    lines.push(...problemLines({ ja: '直してほしい箇所', en: 'Please fix' }, result.problems, result.fileName));
  } else {
    if (result.recorded.length > 0) {
      lines.push('■ 記録した報告 / Recorded reports');
      for (const r of result.recorded) {
        lines.push(`  - 行 ${r.row} / row ${r.row}: ${r.measureId} ${r.measureName} — 受付番号 / reference ${r.reference}${r.duplicate ? ' (受付済み / already recorded)' : ''}`);
      }
    }
    if (result.unchanged.length > 0) {
      lines.push(`■ 前回から変更がないため報告しなかった行 / Rows unchanged, not reported again: ${result.unchanged.map((r) => `${r.row} (${r.measureId})`).join(', ')}`);
    }
    if (result.blank.length > 0) {
      lines.push(`■ 空欄の行 (報告なし) / Blank rows (not reported): ${result.blank.map((r) => `${r.row} (${r.measureId})`).join(', ')}`);
    }
    if (result.otherKaRows.length > 0) {
      lines.push(`■ ほかの課が担当する行 (読み取りなし) / Rows of other departments (not read): ${result.otherKaRows.map((r) => `${r.row} (${r.measureId})`).join(', ')}`);
    }
    lines.push(...problemLines({ ja: '記録できなかった行 (理由は各行のとおり)', en: 'Rows not recorded (each with its reason)' }, result.failed, result.fileName));
  }
  lines.push(...problemLines({ ja: '記入欄以外の変更 (無視しました)', en: 'Edits outside the input cells (ignored)' }, result.ignored, result.fileName));
  lines.push(...problemLines({ ja: '読み取りについて', en: 'How cells were read' }, result.notes, result.fileName));
  return `${lines.join('\n').trimEnd()}\n`;
}

export type Lang = 'ja' | 'en';

function problemList(problems: readonly SheetProblem[], fileName: string, lang: Lang): SafeHtml {
  const { shown, more } = capList(problems);
  const [first, second] = lang === 'ja' ? (['ja', 'en'] as const) : (['en', 'ja'] as const);
  return html`<ul>${shown.map(
    (p) => html`<li data-cell="${p.cell ?? ''}"><strong>${problemPlace(p, fileName)}</strong>: <span lang="${first}">${p[first]}</span> <span lang="${second}" class="hint">/ ${p[second]}</span></li>`,
  )}${more > 0 ? html`<li>… ${lang === 'ja' ? `ほか ${more} 件` : `${more} more`}</li>` : ''}</ul>`;
}

const pageWords = {
  ja: {
    title: '進捗管理シートの取り込み結果',
    recorded: '記録した報告',
    row: '行',
    measure: '事業',
    reference: '受付番号',
    already: '受付済み',
    unchanged: '前回から変更がないため報告しなかった行',
    blank: '空欄の行 (報告なし)',
    otherKa: 'ほかの課が担当する行 (読み取りなし)',
    problems: '直してほしい箇所',
    failed: '記録できなかった行 (理由は各行のとおり)',
    ignored: '記入欄以外の変更 (無視しました)',
    notes: '読み取りについて',
    back: '報告フォームに戻る',
    file: 'ファイル',
  },
  en: {
    title: 'Progress sheet import result',
    recorded: 'Recorded reports',
    row: 'Row',
    measure: 'Measure',
    reference: 'Reference',
    already: 'already recorded',
    unchanged: 'Rows unchanged, not reported again',
    blank: 'Blank rows (not reported)',
    otherKa: 'Rows of other departments (not read)',
    problems: 'Please fix',
    failed: 'Rows not recorded (each with its reason)',
    ignored: 'Edits outside the input cells (ignored)',
    notes: 'How cells were read',
    back: 'Back to the report form',
    file: 'File',
  },
} as const;

/** The page shown after an upload: what was recorded with its 受付番号, or every refusal with its cell. */
export function renderImportPage(result: SheetImportResult, options: { lang: Lang; backHref: string }): string {
  const { lang } = options;
  const w = pageWords[lang];
  const headline = importHeadline(result);
  const [first, second] = lang === 'ja' ? (['ja', 'en'] as const) : (['en', 'ja'] as const);
  const rowList = (rows: readonly { row: number; measureId: string }[]) => rows.map((r) => `${r.row} (${r.measureId})`).join(', ');
  const other = pageWords[second];
  const titles = new Map<string, string>(Object.entries(w).map(([key, value]) => [value, other[key as keyof typeof other]]));
  // Headings in the page's language, the other one after it (people read either).
  const section = (id: string, title: string, content: SafeHtml) =>
    html`<section class="card" aria-labelledby="${id}"><h2 id="${id}">${title} <span lang="${second}" class="hint">/ ${titles.get(title) ?? ''}</span></h2>${content}</section>`;
  const body = html`
<h1>${w.title} <span lang="${second}" class="hint">/ ${other.title}</span></h1>
<p class="hint">${w.file} / ${other.file}: ${result.fileName}</p>
<div class="${result.outcome === 'refused' ? 'error-summary' : 'note'}" role="${result.outcome === 'refused' ? 'alert' : 'status'}" data-outcome="${result.outcome}">
<p><span lang="${first}">${headline[first]}</span></p><p lang="${second}">${headline[second]}</p>
</div>
${result.outcome === 'refused' ? section('problems-title', w.problems, problemList(result.problems, result.fileName, lang)) : ''}
${result.outcome === 'recorded' && result.recorded.length > 0
  ? section(
      'recorded-title',
      w.recorded,
      html`<table><thead><tr><th>${w.row}</th><th>${w.measure}</th><th>${w.reference}</th></tr></thead><tbody>${result.recorded.map(
        (r) => html`<tr><td class="num">${r.row}</td><td><span class="id">${r.measureId}</span><span lang="ja">${r.measureName}</span></td><td><span data-reference="${r.reference}">${r.reference}</span>${r.duplicate ? html` <span class="badge">${w.already}</span>` : ''}</td></tr>`,
      )}</tbody></table>`,
    )
  : ''}
${result.outcome === 'recorded' && result.failed.length > 0 ? section('failed-title', w.failed, problemList(result.failed, result.fileName, lang)) : ''}
${result.outcome === 'recorded' && result.unchanged.length > 0 ? section('unchanged-title', w.unchanged, html`<p>${rowList(result.unchanged)}</p>`) : ''}
${result.outcome === 'recorded' && result.blank.length > 0 ? section('blank-title', w.blank, html`<p>${rowList(result.blank)}</p>`) : ''}
${result.outcome === 'recorded' && result.otherKaRows.length > 0 ? section('other-title', w.otherKa, html`<p>${rowList(result.otherKaRows)}</p>`) : ''}
${result.ignored.length > 0 ? section('ignored-title', w.ignored, problemList(result.ignored, result.fileName, lang)) : ''}
${result.notes.length > 0 ? section('notes-title', w.notes, problemList(result.notes, result.fileName, lang)) : ''}
<p><a href="${options.backHref}">${w.back}</a> <span lang="${second}" class="hint">/ ${other.back}</span></p>`;
  return renderFormFrame({ lang, title: `${w.title} — ${headline[first]}`, body, product: '進捗報告 / progress report' });
}
