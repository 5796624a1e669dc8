/**
 * The dashboard page of a quarter: the overall counts, the status mix per 専門部会 and per 基本目標,
 * the budget per fiscal year, who has not reported, the status of every 事業 (grouped by 基本目標 and
 * 施策分野, or by 部会) and the milestone timeline with overdue steps marked.
 * Pure: no I/O, no AWS; every interpolation is escaped by `html`, every chart comes from charts.ts.
 */
import type { Bukai } from '../../domain/directory.ts';
import { openDataFiles } from '../../domain/open-data.ts';
import type { Measure } from '../../domain/plan.ts';
import { reportBehindStatus } from '../../domain/milestone-progress.ts';
import { statusLabelsEn } from '../../domain/report.ts';
import type { ColourCounts, CompiledMeasureStatus } from '../../domain/status.ts';
import { groupedBarChart, stackedBarChart, timelineChart, timelineRowsText } from '../charts.ts';
import { html, unsafeRaw, type SafeHtml } from '../html.ts';
import { colourOrder, colourWords, outOfScopeWord, overdueWord, swatchOf, timelineStateLabels } from '../status-words.ts';
import { formatWarekiFiscalYearShort, parseQuarter } from '../../domain/fiscal.ts';
import { fiscalYearHead, jaText, queryOf, quarterText, renderFrame, thousandYen, words, type Lang, type ViewOptions } from './frame.ts';
import {
  budgetByFiscalYear,
  bukaiOf,
  milestoneBars,
  notReported,
  progressByMeasure,
  quarterEndAsFiscalYear,
  quarterStatus,
  rollupCounts,
  wholePlanCounts,
  type DashboardData,
  type QuarterStatus,
} from './model.ts';
import { planTitleOf } from '../../domain/plan-title.ts';

/** Where the dashboard's links go; built by the handler from the request. */
export interface DashboardLinks {
  /** The dashboard of the signed link, e.g. `/dashboard/<token>`. */
  base: string;
  /** A 部会's 進捗管理シート (.xlsx) for a quarter, when that export is deployed. */
  sheet?: (bukai: Bukai, quarter: string) => string;
  /**
   * The public page of a compiled quarter, when the public site's address is known; `undefined` for a
   * quarter that is not on the public site yet (before its compile day).
   */
  publicPage?: (quarter: string) => string | undefined;
}

/** `/dashboard/<token>/measures/<id>` with the view options. */
export function measureLink(links: Pick<DashboardLinks, 'base'>, measureId: string, options: ViewOptions, quarter: string): string {
  return `${links.base}/measures/${encodeURIComponent(measureId)}${queryOf(options, { quarter })}`;
}

/** `/dashboard/<token>/open-data/shinchoku-FY2013-Q2.csv` (or `.json`). */
export function openDataLink(links: Pick<DashboardLinks, 'base'>, quarter: string, format: 'csv' | 'json'): string {
  return `${links.base}/open-data/${openDataFiles[format](quarter)}`;
}

function countsList(counts: ColourCounts, lang: Lang): SafeHtml {
  return html`<ul class="counts">${colourOrder.map(
    (c) => html`<li class="c-${c}"><span class="n">${counts[c]}</span>${colourWords[c].glyph} ${colourWords[c][lang]}</li>`,
  )}</ul>`;
}

/** The status chip of a 事業: glyph, stated status (or 未報告) and colour; 期間外 when `inScope` is false. */
export function statusChip(status: Pick<CompiledMeasureStatus, 'colour' | 'reportStatus'> | undefined, lang: Lang, inScope = true): SafeHtml {
  if (!inScope) return html`<span class="chip out-of-scope" title="${outOfScopeWord[lang]}">${outOfScopeWord.glyph} ${outOfScopeWord[lang]}</span>`;
  const colour = status?.colour ?? 'unreported';
  const word = colourWords[colour];
  const stated = status?.reportStatus;
  const text = stated ? (lang === 'ja' ? stated : statusLabelsEn[stated]) : word[lang];
  return html`<span class="chip c-${colour}" title="${word[lang]}">${word.glyph} ${text}</span>`;
}

function mixChart(id: string, title: string, rows: { label: string; counts: ColourCounts }[], lang: Lang): string {
  return stackedBarChart({
    id,
    title,
    description: rows.map((r) => `${r.label}: ${colourOrder.map((c) => `${colourWords[c][lang]} ${r.counts[c]}`).join(', ')}`).join('; '),
    rows: rows.map((r) => ({
      label: r.label,
      segments: colourOrder.map((c) => ({ label: colourWords[c][lang], value: r.counts[c], swatch: swatchOf(c) })),
    })),
    legend: colourOrder.map((c) => ({ label: `${colourWords[c].glyph} ${colourWords[c][lang]}`, swatch: swatchOf(c) })),
    unit: lang === 'ja' ? ' 事業' : '',
    // Narrow enough that the labels stay legible when a phone shrinks the chart to its width.
    width: 560,
  });
}

function quarterSelector(data: DashboardData, options: ViewOptions, links: DashboardLinks): SafeHtml {
  const w = words[options.lang];
  const index = data.planQuarters.indexOf(data.quarter);
  const previous = index > 0 ? data.planQuarters[index - 1] : undefined;
  const next = index >= 0 && index < data.planQuarters.length - 1 ? data.planQuarters[index + 1] : undefined;
  return html`<form class="quarter" method="get" action="${links.base}">
<label for="quarter">${w.quarter}</label>
<select id="quarter" name="quarter">${data.planQuarters.map(
    (q) => html`<option value="${q}"${q === data.quarter ? html` selected` : ''}>${quarterText(q, options.lang)}${data.compiled.has(q) ? '' : ` (${w.notCompiled})`}</option>`,
  )}</select>
${options.lang !== 'ja' ? html`<input type="hidden" name="lang" value="${options.lang}">` : ''}
${options.large ? html`<input type="hidden" name="size" value="large">` : ''}
${options.group !== 'goal' ? html`<input type="hidden" name="group" value="${options.group}">` : ''}
<button type="submit">${w.show}</button>
${previous ? html`<a href="${links.base}${queryOf(options, { quarter: previous })}" rel="prev">← ${w.previous}</a>` : ''}
${next ? html`<a href="${links.base}${queryOf(options, { quarter: next })}" rel="next">${w.next} →</a>` : ''}
</form>`;
}

function budgetPanel(data: DashboardData, status: QuarterStatus, lang: Lang): SafeHtml {
  const w = words[lang];
  const budget = budgetByFiscalYear(data, status);
  // A year without an executed amount: 報告なし once it has begun (up to the shown quarter), 未到来 after.
  const shownYear = parseQuarter(data.quarter).fiscalYear;
  const executedMissing = budget.map((b) => (b.fiscalYear <= shownYear ? w.budgetNotReported : w.budgetNotYet));
  const plannedMissing = budget.map(() => w.budgetNotPlanned);
  const amount = (n: number | null, missing: string) => (n === null ? missing : `${thousandYen(n)} ${w.budgetUnit}`);
  const chart = groupedBarChart({
    id: 'budget-by-year',
    title: w.budget,
    description: budget
      .map((b, i) => `FY${b.fiscalYear}: ${w.budgetPlanned} ${amount(b.plannedThousandYen, plannedMissing[i]!)}, ${w.budgetExecuted} ${amount(b.executedThousandYen, executedMissing[i]!)}`)
      .join('; '),
    categories: budget.map((b) => fiscalYearHead(b.fiscalYear)),
    series: [
      { label: w.budgetPlanned, swatch: { fill: '#0b57d0', text: '#ffffff' }, values: budget.map((b) => b.plannedThousandYen), outline: true, missingLabels: plannedMissing },
      { label: w.budgetExecuted, swatch: { fill: '#0b57d0', text: '#ffffff' }, values: budget.map((b) => b.executedThousandYen), missingLabels: executedMissing },
    ],
    unit: w.budgetUnit,
    width: 600,
  });
  return html`<section class="panel" aria-labelledby="budget-h"><h2 id="budget-h">${w.budget}</h2>
<div class="chart-box">${unsafeRaw(chart)}</div><p class="muted small">${w.budgetNote}</p></section>`;
}

function notReportedPanel(data: DashboardData, options: ViewOptions, links: DashboardLinks): SafeHtml {
  const w = words[options.lang];
  const missing = notReported(data);
  const count = new Set(missing.flatMap((b) => b.ka.flatMap((k) => k.measures.map((m) => m.id)))).size;
  const body =
    count === 0
      ? html`<p>${w.allReported}</p>`
      : html`<p>${w.notReportedIntro(count)}</p>
<div class="table-scroll"><table class="unreported"><thead><tr><th>${options.lang === 'ja' ? '専門部会' : 'Committee'}</th><th>${options.lang === 'ja' ? '課' : 'Department'}</th><th>${w.colMeasure}</th></tr></thead>
<tbody>${missing
          .filter((b) => b.ka.length > 0)
          .map((b) =>
            b.ka.map(
              (k, i) => html`<tr>${i === 0 ? html`<th rowspan="${b.ka.length}" scope="rowgroup">${jaText(options.lang, b.bukai.name)}</th>` : ''}
<td>${jaText(options.lang, k.ka.name)}<br><a class="small" href="mailto:${k.ka.emails[0] ?? ''}">${k.ka.emails[0] ?? ''}</a></td>
<td><ul class="plain">${k.measures.map((m) => html`<li><a href="${measureLink(links, m.id, options, data.quarter)}"><span class="id">${m.id}</span>${jaText(options.lang, m.name)}</a></li>`)}</ul></td></tr>`,
            ),
          )}</tbody></table></div>`;
  return html`<section class="panel" id="not-reported" aria-labelledby="not-reported-h"><h2 id="not-reported-h">${w.notReported}</h2>${body}</section>`;
}

function statusRow(
  measure: Measure,
  status: CompiledMeasureStatus | undefined,
  inScope: boolean,
  data: DashboardData,
  options: ViewOptions,
  links: DashboardLinks,
): SafeHtml {
  const w = words[options.lang];
  const lang = options.lang;
  // Corrected: the report the status was built from corrects an earlier report (not a comment's version).
  const corrected = status !== undefined && reportBehindStatus(status, data.reports)?.supersedes !== undefined;
  return html`<tr>
<td><a href="${measureLink(links, measure.id, options, data.quarter)}"><span class="id">${measure.id}</span>${jaText(lang, measure.name)}</a></td>
<td class="small" data-label="${w.colOwner}">${measure.owners.map((o) => html`<div>${jaText(lang, o.ka)} <span class="muted">(${jaText(lang, o.bukai)})</span></div>`)}</td>
<td data-label="${w.colStatus}">${statusChip(status, lang, inScope)}</td>
<td class="small" data-label="${w.colOverdue}">${(status?.overdueMilestones ?? []).length === 0
    ? html`<span class="muted">—</span>`
    : html`<ul class="plain">${status!.overdueMilestones.map((m) => html`<li class="overdue">${overdueWord.glyph} ${jaText(lang, m.label)} (${lang === 'ja' ? formatWarekiFiscalYearShort(m.dueFiscalYear) : `FY${m.dueFiscalYear}`})</li>`)}</ul>`}</td>
<td class="num" data-label="${w.colBudget}">${thousandYen(status?.budget.plannedThousandYen)} / ${thousandYen(status?.budget.executedThousandYen)}</td>
<td class="small" data-label="${w.colReport}">${status?.reportReference ?? html`<span class="muted">—</span>`}${corrected ? html`<span class="badge corrected">${w.corrected}</span>` : ''}</td>
</tr>`;
}

function statusTable(data: DashboardData, statuses: ReadonlyMap<string, CompiledMeasureStatus>, options: ViewOptions, links: DashboardLinks): SafeHtml {
  const w = words[options.lang];
  const lang = options.lang;
  const head = html`<thead><tr><th scope="col">${w.colMeasure}</th><th scope="col">${w.colOwner}</th><th scope="col">${w.colStatus}</th><th scope="col">${w.colOverdue}</th><th scope="col">${w.colBudget}</th><th scope="col">${w.colReport}</th></tr></thead>`;
  // In scope: counted by the compile (or the provisional compile), as the roll-ups above count it.
  const row = (m: Measure) => statusRow(m, statuses.get(m.id), statuses.has(m.id), data, options, links);
  const groups =
    options.group === 'bukai'
      ? data.directory.bukai.map((b) => ({
          heading: html`${jaText(lang, b.name)}`,
          rows: data.plan.measures.filter((m) => bukaiOf(m).includes(b.name)).map(row),
        }))
      : data.plan.goals.flatMap((g) => [
          { heading: html`${g.id}. ${jaText(lang, g.title)}`, rows: [] as SafeHtml[], goal: true },
          ...g.areas.map((a) => ({
            heading: html`<span class="muted">${a.id}</span> ${jaText(lang, a.title)}`,
            rows: data.plan.measures.filter((m) => m.areaId === a.id).map(row),
          })),
        ]);
  const switchGroup = options.group === 'goal' ? 'bukai' : 'goal';
  return html`<section class="panel" id="status" aria-labelledby="status-h"><h2 id="status-h">${w.statusTable}</h2>
<p>${options.group === 'goal' ? html`<strong>${w.groupGoal}</strong>` : html`<a href="${links.base}${queryOf({ ...options, group: switchGroup }, { quarter: data.quarter })}#status">${w.groupGoal}</a>`} ·
${options.group === 'bukai' ? html`<strong>${w.groupBukai}</strong>` : html`<a href="${links.base}${queryOf({ ...options, group: switchGroup }, { quarter: data.quarter })}#status">${w.groupBukai}</a>`}</p>
<div class="table-scroll"><table class="status">${head}
${groups.map((g) => html`<tbody><tr class="group"><th colspan="6" scope="rowgroup">${g.heading}</th></tr>${g.rows}</tbody>`)}
</table></div></section>`;
}

function timelinePanel(data: DashboardData, statuses: ReadonlyMap<string, CompiledMeasureStatus>, lang: Lang): SafeHtml {
  const w = words[lang];
  const progress = progressByMeasure([...statuses.values()], data.reports);
  const stateLabels = timelineStateLabels(lang);
  const charts = data.plan.goals.map((goal) => {
    const measures = data.plan.measures.filter((m) => m.goalId === goal.id);
    const overdue = measures.reduce((n, m) => n + (statuses.get(m.id)?.overdueMilestones.length ?? 0), 0);
    const rows = measures.map((m) => ({ label: `${m.id} ${m.name}`, bars: milestoneBars(m, statuses.get(m.id), progress.get(m.id)) }));
    const svg = timelineChart({
      id: `timeline-${goal.id}`,
      title: w.timelineOf(`${goal.id}. ${goal.title}`),
      // The bars' own titles are not read inside an image: the description says every milestone's state.
      description: `${measures.length} ${w.measures}; ${overdueWord[lang]}: ${overdue}. ${timelineRowsText(rows, stateLabels)}`,
      fromYear: data.plan.plan.period.from,
      toYear: data.plan.plan.period.to,
      yearLabel: fiscalYearHead,
      rows,
      stateLabels,
      marker: { at: quarterEndAsFiscalYear(data.quarter), label: w.marker(data.quarter) },
    });
    return html`<h3>${goal.id}. ${jaText(lang, goal.title)}${overdue > 0 ? html` <span class="overdue">(${overdueWord.glyph} ${overdueWord[lang]} ${overdue})</span>` : ''}</h3>
<div class="chart-box wide">${unsafeRaw(svg)}</div>`;
  });
  return html`<section class="panel" id="timeline" aria-labelledby="timeline-h"><h2 id="timeline-h">${w.timeline(data.plan.plan.period)}</h2>${charts}</section>`;
}

function downloads(data: DashboardData, options: ViewOptions, links: DashboardLinks): SafeHtml {
  const w = words[options.lang];
  const compiled = data.compiled.has(data.quarter);
  const publicPage = compiled ? links.publicPage?.(data.quarter) : undefined;
  return html`<section class="panel" id="downloads" aria-labelledby="downloads-h"><h2 id="downloads-h">${w.downloads}</h2>
<ul>
${compiled
    ? html`<li><a href="${openDataLink(links, data.quarter, 'csv')}" download>${w.openDataCsv}</a></li><li><a href="${openDataLink(links, data.quarter, 'json')}">${w.openDataJson}</a></li>`
    : html`<li class="muted">${w.openDataNotYet}</li>`}
${publicPage ? html`<li><a href="${publicPage}">${w.publicPage}</a></li>` : ''}
</ul>
${links.sheet
    ? html`<h3>${w.sheets}</h3><ul>${data.directory.bukai.map((b) => html`<li><a href="${links.sheet!(b, data.quarter)}">${jaText(options.lang, b.name)} (.xlsx)</a></li>`)}</ul>`
    : ''}
</section>`;
}

/** The dashboard page of `data.quarter`. */
export function renderDashboard(data: DashboardData, options: ViewOptions, links: DashboardLinks): string {
  const w = words[options.lang];
  const lang = options.lang;
  const status = quarterStatus(data);
  const statuses = new Map(status.measures.map((m) => [m.measureId, m]));
  const counts = wholePlanCounts(status.rollups);
  const total = colourOrder.reduce((n, c) => n + counts[c], 0);
  const bukaiRows = rollupCounts(status.rollups, 'bukai', data.directory.bukai.map((b) => b.name)).map((r) => ({ label: r.id, counts: r.counts }));
  const goalRows = rollupCounts(status.rollups, 'goal', data.plan.goals.map((g) => g.id)).map((r) => ({
    label: `${r.id}. ${data.plan.goals.find((g) => g.id === r.id)?.title ?? ''}`,
    counts: r.counts,
  }));
  const body = html`<h1>${w.product}: ${quarterText(data.quarter, lang)}</h1>
<p class="muted">${jaText(lang, planTitleOf(data.plan.plan))}</p>
${quarterSelector(data, options, links)}
${status.provisional ? html`<p class="notice" role="status">${w.provisional}</p>` : ''}
<section class="panel" aria-labelledby="summary-h"><h2 id="summary-h">${w.summary}</h2>
${countsList(counts, lang)}
<p>${w.reportedShare(total - counts.unreported, total)} · <a href="#not-reported">${w.notReported}</a> · <a href="#status">${w.statusTable}</a> · <a href="#timeline">${w.timeline(data.plan.plan.period)}</a></p></section>
<div class="grid">
<section class="panel" aria-labelledby="bukai-h"><h2 id="bukai-h">${w.byBukai}</h2><div class="chart-box">${unsafeRaw(mixChart('mix-bukai', w.byBukai, bukaiRows, lang))}</div></section>
<section class="panel" aria-labelledby="goal-h"><h2 id="goal-h">${w.byGoal}</h2><div class="chart-box">${unsafeRaw(mixChart('mix-goal', w.byGoal, goalRows, lang))}</div></section>
</div>
<div class="grid">
${budgetPanel(data, status, lang)}
${downloads(data, options, links)}
</div>
${notReportedPanel(data, options, links)}
${statusTable(data, statuses, options, links)}
${timelinePanel(data, statuses, lang)}`;
  return renderFrame({
    options,
    plan: data.plan.plan,
    title: `${w.product} ${quarterText(data.quarter, lang)}`,
    body,
    switches: {
      lang: `${links.base}${queryOf({ ...options, lang: lang === 'ja' ? 'en' : 'ja' }, { quarter: data.quarter })}`,
      size: `${links.base}${queryOf({ ...options, large: !options.large }, { quarter: data.quarter })}`,
    },
  });
}

/**
 * The link to a 部会's 進捗管理シート, taken from the route table: the first `GET /dashboard/{token}/…`
 * route of another function whose path names the 部会 (`{bukaiId}`). Its `{token}`, `{bukaiId}` and
 * `{quarter}` are filled in; a path without `{quarter}` gets `?quarter=`. Undefined when no such
 * route is deployed, so the dashboard never links to a page that is not there.
 */
export function sheetLinkFromRoutes(
  routeTable: readonly { method: string; path: string; fn: string }[],
  token: string,
): DashboardLinks['sheet'] {
  const route = routeTable.find(
    (r) => r.method === 'GET' && r.fn !== 'dashboard' && r.path.startsWith('/dashboard/{token}/') && r.path.includes('{bukaiId}'),
  );
  if (!route) return undefined;
  const unknown = (route.path.match(/\{(\w+)\}/g) ?? []).filter((p) => !['{token}', '{bukaiId}', '{quarter}'].includes(p));
  if (unknown.length > 0) return undefined;
  return (bukai, quarter) => {
    const path = route.path
      .replaceAll('{token}', encodeURIComponent(token))
      .replaceAll('{bukaiId}', encodeURIComponent(bukai.id))
      .replaceAll('{quarter}', encodeURIComponent(quarter));
    return route.path.includes('{quarter}') ? path : `${path}?quarter=${encodeURIComponent(quarter)}`;
  };
}
