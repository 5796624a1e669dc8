/**
 * The public progress pages: one static HTML page per compiled quarter and an index of the quarters,
 * written to the public bucket by `publishPublicPage`. They show only the public projection
 * (`PublicQuarter`, shared/domain/public-status.ts): nothing about people, nothing internal.
 * Both languages on one page (a static page cannot switch): Japanese first, English beside it; the
 * plan's and the departments' own words stay Japanese. No script, one inline style (allowed by its
 * hash in the CloudFront Content-Security-Policy), links relative so the same files work under
 * CloudFront and under `/public/` on the local stack.
 * Pure: no I/O, no AWS; every interpolation is escaped by `html`.
 */
import { createHash } from 'node:crypto';
import { formatQuarterEn, formatQuarterJa, formatWarekiDate, formatWarekiFiscalYear, formatWarekiFiscalYearShort, parseQuarter } from '../../domain/fiscal.ts';
import { openDataColumns, openDataFiles } from '../../domain/open-data.ts';
import type { PublicMeasureStatus, PublicQuarter } from '../../domain/public-status.ts';
import type { ColourCounts } from '../../domain/status.ts';
import { stackedBarChart } from '../charts.ts';
import { html, joinHtml, unsafeRaw, type SafeHtml } from '../html.ts';
import { colourOrder, colourWords, milestoneWords, overdueWord, swatchOf } from '../status-words.ts';
import { planTitleOf } from '../../domain/plan-title.ts';
import { countEn } from '../../domain/english.ts';

/** Object keys of the public site, relative to the bucket root. */
export const publicSiteKeys = {
  index: 'index.html',
  /** What the distribution answers for an address it has nothing at (status 404). */
  notFound: '404.html',
  quarterPage: (quarter: string) => `${quarter}/index.html`,
  csv: (quarter: string) => `${quarter}/${openDataFiles.csv(quarter)}`,
  json: (quarter: string) => `${quarter}/${openDataFiles.json(quarter)}`,
};

/** The only styles of the public pages; the CSP of the distribution allows exactly this by hash. */
export const publicStyles = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:#f6f7f9;color:#1b1b1b;font:17px/1.75 system-ui,-apple-system,"Hiragino Sans","Noto Sans JP","Yu Gothic UI",Meiryo,sans-serif}
header,main,footer{max-width:62rem;margin:0 auto;padding:0 1rem}
header{padding-top:1rem}
a{color:#0b57d0;text-underline-offset:2px}
h1{font-size:1.6rem;line-height:1.35;margin:.25rem 0 .5rem}
h2{font-size:1.35rem;margin:2rem 0 .5rem;border-bottom:3px solid #1b1b1b}
h3{font-size:1.1rem;margin:1.5rem 0 .5rem}
.en{color:#4b5563;font-size:.9em}
.sub{margin:0;color:#374151;font-weight:600}
.counts{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.5rem;margin:1rem 0;padding:0;list-style:none}
.counts li{border-radius:8px;padding:.5rem .75rem;font-weight:700}
.counts .n{display:block;font-size:2rem;line-height:1.2}
.c-green{background:#1b7f3b;color:#fff}.c-amber{background:#f2a900;color:#1b1b1b}.c-red{background:#c4262e;color:#fff}.c-unreported{background:#6b7280;color:#fff}
.chip{display:inline-block;border-radius:999px;padding:0 .6rem;font-weight:700;font-size:.95rem;white-space:nowrap}
.card{background:#fff;border:1px solid #c4c8cf;border-radius:8px;padding:.75rem 1rem;margin:.75rem 0}
.card h4{margin:0 0 .25rem;font-size:1.05rem}
.id{font-variant-numeric:tabular-nums;color:#0a3a8c;margin-right:.4rem}
.meta{color:#4b5563;font-size:.9rem;margin:.1rem 0}
.narrative{white-space:pre-wrap;overflow-wrap:anywhere;margin:.5rem 0}
ul.ms{margin:.25rem 0;padding-left:0;list-style:none}
ul.ms li{margin:.15rem 0}
.overdue{color:#b3261e;font-weight:700}
nav ul{padding-left:1.2rem}
.downloads a{font-weight:700}
table{border-collapse:collapse;width:100%;font-size:.9rem;background:#fff}
th,td{border:1px solid #d1d5db;padding:.25rem .4rem;text-align:left;vertical-align:top}
.table-scroll{overflow-x:auto}
.chart-box{background:#fff;border:1px solid #c4c8cf;border-radius:8px;padding:.5rem;margin:1rem 0}
svg.chart{display:block;max-width:100%;height:auto}
footer{color:#4b5563;font-size:.85rem;padding:2rem 1rem}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;white-space:nowrap!important}
:focus-visible{outline:3px solid #ffbf00;outline-offset:2px}
`.trim();

/** `'sha256-…'` of {@link publicStyles}, for the Content-Security-Policy of the public site. */
export const publicStylesHash = `sha256-${createHash('sha256').update(publicStyles).digest('base64')}`;

/** The Content-Security-Policy the public site is served with (CloudFront response headers). */
export const publicContentSecurityPolicy = `default-src 'none'; style-src '${publicStylesHash}'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

function quarterWords(quarter: string): { ja: string; en: string } {
  const q = parseQuarter(quarter);
  return { ja: formatQuarterJa(q), en: formatQuarterEn(q) };
}

function both(ja: string, en: string): SafeHtml {
  return html`${ja} <span class="en" lang="en">${en}</span>`;
}

function frame(input: { title: string; heading: SafeHtml; body: SafeHtml; plan: Pick<PublicQuarter, 'municipality' | 'planTitle'>; home?: string }): string {
  return html`<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title}</title>
<style>${unsafeRaw(publicStyles)}</style>
</head>
<body>
<header>
<p class="sub">${planTitleOf({ municipality: input.plan.municipality, title: input.plan.planTitle })}</p>
${input.heading}
${input.home ? html`<p><a href="${input.home}">${both('四半期の一覧', 'all quarters')}</a></p>` : ''}
</header>
<main id="main">
${input.body}
</main>
<footer>
<p>${both(
    'このページは各課の四半期報告を集計して自動で作成しています。担当者名や内部の検討事項は掲載していません。',
    'Generated automatically from the departments\' quarterly reports. Names of staff and internal discussion are not published.',
  )}</p>
</footer>
</body>
</html>
`.value;
}

function countsList(counts: ColourCounts): SafeHtml {
  return html`<ul class="counts">${colourOrder.map(
    (c) => html`<li class="c-${c}"><span class="n">${counts[c]}</span>${colourWords[c].glyph} ${colourWords[c].ja} <span lang="en">${colourWords[c].en}</span></li>`,
  )}</ul>`;
}

function chip(m: PublicMeasureStatus): SafeHtml {
  const word = colourWords[m.colour];
  return html`<span class="chip c-${m.colour}">${word.glyph} ${m.status ?? word.ja}<span lang="en"> (${m.statusEn})</span></span>`;
}

function fySpan(from: number, to: number): string {
  return from === to ? `${formatWarekiFiscalYearShort(from)}` : `${formatWarekiFiscalYearShort(from)}〜${formatWarekiFiscalYearShort(to)}`;
}

function yen(n: number | null): string {
  return n === null ? '—' : `${n.toLocaleString('ja-JP')} 千円`;
}

/** One 事業 of the quarter; `fiscalYear` is the quarter's, the year its budget figures are of. */
function measureCard(m: PublicMeasureStatus, fiscalYear: number): SafeHtml {
  const done = m.milestones.filter((x) => x.progress === 'done').length;
  return html`<article class="card" id="m-${m.measureId}">
<h4><span class="id">${m.measureId}</span>${m.name}</h4>
<p>${chip(m)}</p>
<p class="meta">${both('担当部署', 'owner')}: ${m.owners.map((o) => `${o.bukai} ${o.ka}`).join('、')}</p>
<p class="meta">${both('工程', 'milestones')}: ${done} / ${m.milestones.length} ${both('完了', 'done')}</p>
<ul class="ms">${m.milestones.map((x) => {
    const word = milestoneWords[x.progress];
    return html`<li${x.overdue ? html` class="overdue"` : ''}>${word.glyph} ${x.label} (${fySpan(x.fromFiscalYear, x.toFiscalYear)}) — ${word.ja} <span lang="en">${word.en}</span>${x.overdue ? html` ${overdueWord.glyph} ${overdueWord.ja} <span lang="en">${overdueWord.en}</span>` : ''}</li>`;
  })}</ul>
<p class="meta">${both(`予算 (${formatWarekiFiscalYear(fiscalYear)})`, `budget, FY${fiscalYear}`)}: ${both('計画', 'planned')} ${yen(m.budget.plannedThousandYen)} / ${both('執行', 'executed')} ${yen(m.budget.executedThousandYen)}</p>
${m.narrative ? html`<p class="narrative">${m.narrative}</p>` : html`<p class="meta">${both('取組状況の記載はありません', 'no account of progress given')}</p>`}
${m.reportedOn ? html`<p class="meta">${both('報告日', 'reported')}: ${both(formatWarekiDate(m.reportedOn), m.reportedOn)}</p>` : ''}
</article>`;
}

/** The static page of one quarter. */
export function renderPublicQuarterPage(data: PublicQuarter): string {
  const words = quarterWords(data.quarter);
  const { fiscalYear } = parseQuarter(data.quarter);
  const goals = [...new Map(data.measures.map((m) => [m.goalId, m.goalTitle])).entries()];
  const goalRows = goals.map(([goalId, title]) => {
    const ms = data.measures.filter((m) => m.goalId === goalId);
    return {
      label: `${goalId}. ${title}`,
      segments: colourOrder.map((c) => ({ label: colourWords[c].ja, value: ms.filter((m) => m.colour === c).length, swatch: swatchOf(c) })),
    };
  });
  const chart = stackedBarChart({
    id: 'goal-mix',
    title: `基本目標別の進捗 ${words.ja} / status by basic goal`,
    description: goalRows
      .map((r) => `${r.label}: ${r.segments.map((s) => `${s.label} ${s.value}`).join('、')}`)
      .join('。'),
    rows: goalRows.map((r) => ({ ...r, label: r.label })),
    legend: colourOrder.map((c) => ({ label: `${colourWords[c].ja} ${colourWords[c].en}`, swatch: swatchOf(c) })),
    unit: ' 事業',
    // Narrow enough that the labels stay legible when a phone shrinks the chart to its width.
    width: 600,
  });
  const sections = goals.map(([goalId, goalTitle]) => {
    const ms = data.measures.filter((m) => m.goalId === goalId);
    const areas = [...new Map(ms.map((m) => [m.areaId, m.areaTitle])).entries()];
    return html`<section id="goal-${goalId}"><h2>${goalId}. ${goalTitle}</h2>
${areas.map(([areaId, areaTitle]) => html`<h3>${areaId} ${areaTitle}</h3>${ms.filter((m) => m.areaId === areaId).map((m) => measureCard(m, fiscalYear))}`)}
</section>`;
  });
  const body = html`<p>${both(`${data.measures.length} 事業の進捗 (この四半期の年度にスケジュールか予算のある事業)`, `progress of ${countEn(data.measures.length, 'measure')} (those scheduled or budgeted in the quarter's fiscal year)`)}</p>
${countsList(data.counts)}
<div class="chart-box">${unsafeRaw(chart)}</div>
<section class="downloads" aria-labelledby="downloads"><h2 id="downloads">${both('オープンデータ', 'open data')}</h2>
<ul>
<li><a href="${openDataFiles.csv(data.quarter)}" download>CSV (UTF-8, BOM)</a> — ${both('表計算ソフトで開けます', 'opens in a spreadsheet')}</li>
<li><a href="${openDataFiles.json(data.quarter)}">JSON</a> — ${both('列の説明つき', 'with the column descriptions')}</li>
</ul>
<details><summary>${both('列の説明', 'columns')}</summary>
<div class="table-scroll"><table><thead><tr><th>列名 <span lang="en">column</span></th><th>key</th><th>${both('内容', 'meaning')}</th></tr></thead>
<tbody>${openDataColumns.map((c) => html`<tr><td>${c.name}</td><td><code>${c.key}</code></td><td>${c.ja}<br><span class="en" lang="en">${c.en}</span></td></tr>`)}</tbody></table></div>
</details>
</section>
<nav aria-labelledby="goals"><h2 id="goals">${both('基本目標', 'basic goals')}</h2><ul>${goals.map(([id, title]) => html`<li><a href="#goal-${id}">${id}. ${title}</a></li>`)}</ul></nav>
${sections}`;
  return frame({
    title: `${data.planTitle} 進捗状況 ${words.ja}`,
    heading: html`<h1>進捗状況 ${words.ja}<br><span class="en" lang="en">Progress, ${words.en}</span></h1>`,
    body,
    plan: data,
    home: `../${publicSiteKeys.index}`,
  });
}

/** One row of the index of quarters. */
export interface PublishedQuarter {
  quarter: string;
  counts: ColourCounts;
}

/** The index page: every published quarter with its counts. */
/**
 * The page for an address the site has nothing at (a mistyped one, a quarter not published yet). It
 * is answered at any depth, so its link to the quarters is the site's root.
 */
export function renderPublicNotFound(input: { municipality: string; planTitle: string }): string {
  return frame({
    title: `ページが見つかりません / Page not found — ${input.planTitle}`,
    heading: html`<h1>ページが見つかりません <span class="en" lang="en">Page not found</span></h1>`,
    body: html`<p>${both(
      'このアドレスにはページがありません。四半期のページは、その四半期の報告を集計した後に公開されます。',
      'There is no page at this address. A quarter\'s page is published once its reports are compiled.',
    )}</p>`,
    plan: input,
    home: '/',
  });
}

export function renderPublicIndex(input: { municipality: string; planTitle: string; quarters: readonly PublishedQuarter[] }): string {
  const rows = [...input.quarters].reverse();
  const body = rows.length === 0
    ? html`<p>${both('公開された四半期はまだありません。', 'No quarter has been published yet.')}</p>`
    : html`<div class="table-scroll"><table><caption class="visually-hidden">${both('四半期別の進捗', 'progress by quarter')}</caption>
<thead><tr><th>${both('四半期', 'quarter')}</th>${colourOrder.map((c) => html`<th>${colourWords[c].glyph} ${both(colourWords[c].ja, colourWords[c].en)}</th>`)}<th>${both('データ', 'data')}</th></tr></thead>
<tbody>${rows.map((r) => {
        const w = quarterWords(r.quarter);
        return html`<tr><td><a href="${publicSiteKeys.quarterPage(r.quarter)}">${w.ja}</a><br><span class="en" lang="en">${w.en}</span></td>${colourOrder.map((c) => html`<td>${r.counts[c]}</td>`)}<td><a href="${publicSiteKeys.csv(r.quarter)}">CSV</a> · <a href="${publicSiteKeys.json(r.quarter)}">JSON</a></td></tr>`;
      })}</tbody></table></div>`;
  return frame({
    title: `${input.planTitle} 進捗状況`,
    heading: html`<h1>進捗状況 <span class="en" lang="en">Progress of the plan</span></h1>`,
    body: joinHtml([html`<p>${both('四半期ごとに、計画の事業の進捗を公開しています。', 'The progress of the plan\'s measures, quarter by quarter.')}</p>`, body]),
    plan: input,
  });
}
