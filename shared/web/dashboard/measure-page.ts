/**
 * The history of one 事業 on the dashboard: its place in the plan, its status quarter by quarter, its
 * milestones on the plan's timeline, its budget per fiscal year and every report in the order it was
 * made — every version, corrections and related departments' comments included, with the full text.
 * Internal page: it shows who reported.
 * Pure: no I/O, no AWS; every interpolation is escaped by `html`.
 */
import { latestReports, plannedBudget } from '../../domain/compile.ts';
import { compareReports, progressOf, reportBehindStatus } from '../../domain/milestone-progress.ts';
import { formatWarekiDate, parseQuarter } from '../../domain/fiscal.ts';
import { inScopeOf } from '../../domain/measure-span.ts';
import type { Goal, Measure, PlanFile } from '../../domain/plan.ts';
import { statusLabelsEn, type StoredReport } from '../../domain/report.ts';
import type { CompiledMeasureStatus } from '../../domain/status.ts';
import { milestoneBarText, statusStrip, timelineChart } from '../charts.ts';
import { html, unsafeRaw, type SafeHtml } from '../html.ts';
import { colourWords, milestoneWords, outOfScopeWord, swatchOf, timelineStateLabels } from '../status-words.ts';
import { formatReceivedAt } from '../form-pages.ts';
import { fiscalYearHead, jaText, queryOf, quarterText, renderFrame, thousandYen, words, type Lang, type ViewOptions } from './frame.ts';
import { budgetQuarterOf, milestoneBars, quarterEndAsFiscalYear, quarterStatus } from './model.ts';
import { statusChip } from './page.ts';

export interface MeasureHistoryData {
  plan: PlanFile;
  measure: Measure;
  /** The quarter the person came from (the timeline and the back link use it). */
  quarter: string;
  planQuarters: readonly string[];
  /** The 事業's compiled status per quarter (compiled quarters only). */
  statusByQuarter: ReadonlyMap<string, CompiledMeasureStatus>;
  /** Every compiled quarter, also one compiled without this 事業 (out of scope then). @default those of `statusByQuarter` */
  compiledQuarters?: ReadonlySet<string>;
  /** Every report of the 事業, any order. */
  reports: readonly StoredReport[];
  /** The clock of a provisional compile (a quarter not compiled yet), as on the dashboard. */
  now: Date;
}

function shortQuarter(quarter: string): string {
  // "FY2013-Q2" → "FY2013\nQ2": two short lines fit a narrow cell.
  return quarter.replace('-', '\n');
}

function reportArticle(report: StoredReport, measure: Measure, lang: Lang): SafeHtml {
  const w = words[lang];
  const labels = new Map(measure.milestones.map((m) => [m.id, m.label]));
  const status = report.status;
  return html`<article class="report" id="${report.reference}">
<h3>${quarterText(report.quarter, lang)} — ${report.kind === 'comment' ? w.commentOn(report.version, report.followsReport) : w.version(report.version, report.supersedes)}${report.supersedes ? html`<span class="badge corrected">${w.corrected}</span>` : ''}</h3>
<dl class="fields">
<dt>${w.reference}</dt><dd>${report.reference}</dd>
<dt>${w.submittedAt}</dt><dd>${formatReceivedAt(report.submittedAt, lang)} (${w.channels[report.channel] ?? report.channel})</dd>
<dt>${w.reporter}</dt><dd>${jaText(lang, `${report.reporter.person} — ${report.reporter.ka} (${report.reporter.bukai})`)} · ${report.kind === 'report' ? w.kindReport : w.kindComment}</dd>
${status ? html`<dt>${w.status}</dt><dd>${lang === 'ja' ? status : `${statusLabelsEn[status]} (${status})`}</dd>` : ''}
${report.milestones.length > 0
    ? html`<dt>${w.milestoneProgress}</dt><dd><ul class="plain">${report.milestones.map((m) => {
        const word = milestoneWords[m.progress];
        return html`<li>${word.glyph} ${jaText(lang, labels.get(m.milestoneId) ?? m.milestoneId)}: ${word[lang]}${m.date ? ` (${lang === 'ja' ? formatWarekiDate(m.date) : m.date})` : ''}</li>`;
      })}</ul></dd>`
    : ''}
${report.budgetExecutedThousandYen !== undefined ? html`<dt>${w.executed(parseQuarter(report.quarter).fiscalYear)}</dt><dd>${thousandYen(report.budgetExecutedThousandYen)} ${lang === 'ja' ? '千円' : 'thousand yen'}</dd>` : ''}
<dt>${w.narrative}</dt><dd>${report.narrative ? jaText(lang, report.narrative) : w.none}</dd>
<dt>${w.issues}</dt><dd>${report.issues ? jaText(lang, report.issues) : w.none}</dd>
<dt>${w.nextSteps}</dt><dd>${report.nextSteps ? jaText(lang, report.nextSteps) : w.none}</dd>
${report.attachments.length > 0 ? html`<dt>${w.attachments}</dt><dd>${report.attachments.map((a) => a.name).join(', ')}</dd>` : ''}
</dl>
</article>`;
}

/** The history page of a 事業. */
export function renderMeasureHistory(data: MeasureHistoryData, options: ViewOptions, links: { base: string }): string {
  const lang = options.lang;
  const w = words[lang];
  const { measure, plan } = data;
  const goal: Goal | undefined = plan.goals.find((g) => g.id === measure.goalId);
  const area = goal?.areas.find((a) => a.id === measure.areaId);
  const reports = [...data.reports].sort(compareReports);
  // A compiled quarter: as the compile counted it (also after a revised plan moved the スケジュール); else by the plan.
  const compiledQuarters = data.compiledQuarters ?? new Set(data.statusByQuarter.keys());
  const provisional = !compiledQuarters.has(data.quarter);
  // The dashboard's rule (quarterStatus): the compiled status, else the provisional compile of the reports so far.
  const status = provisional
    ? quarterStatus({ plan, quarter: data.quarter, compiled: new Map(), reports, now: data.now }).measures.find((s) => s.measureId === measure.id)
    : data.statusByQuarter.get(data.quarter);
  // As the compile saw it (or would see it now).
  const progress = progressOf(status ? reportBehindStatus(status, reports) : undefined);

  const inScopeIn = (quarter: string) =>
    data.statusByQuarter.has(quarter) || (!compiledQuarters.has(quarter) && inScopeOf(plan, quarter)(measure));
  const strip = statusStrip({
    id: 'status-over-time',
    title: `${w.statusOverTime}: ${measure.id}`,
    description: data.planQuarters
      .map((q) => {
        const s = data.statusByQuarter.get(q);
        if (!inScopeIn(q)) return `${q}: ${outOfScopeWord[lang]}`;
        return `${q}: ${s ? (s.reportStatus ?? colourWords[s.colour][lang]) : w.notCompiled}`;
      })
      .join('; '),
    cells: data.planQuarters.map((q) => {
      const s = data.statusByQuarter.get(q);
      if (!inScopeIn(q)) {
        return {
          label: shortQuarter(q),
          text: outOfScopeWord.glyph,
          swatch: { fill: '#ffffff', text: '#374151' },
          title: `${quarterText(q, lang)}: ${outOfScopeWord[lang]}`,
        };
      }
      const colour = s?.colour ?? 'unreported';
      const word = colourWords[colour];
      return {
        label: shortQuarter(q),
        text: s ? word.glyph : '',
        swatch: s ? swatchOf(colour) : { fill: '#f3f4f6', text: '#4b5563' },
        title: `${quarterText(q, lang)}: ${s ? `${s.reportStatus ? (lang === 'ja' ? s.reportStatus : statusLabelsEn[s.reportStatus]) : word[lang]} (${word[lang]})` : w.notCompiled}`,
      };
    }),
  });

  const stateLabels = timelineStateLabels(lang);
  const bars = milestoneBars(measure, status, progress);
  const timeline = timelineChart({
    id: 'measure-timeline',
    title: `${w.milestones}: ${measure.id} ${measure.name}`,
    description: bars.map((bar) => milestoneBarText(bar, stateLabels)).join('; '),
    fromYear: plan.plan.period.from,
    toYear: plan.plan.period.to,
    yearLabel: fiscalYearHead,
    rows: bars.map((bar) => ({ label: bar.label, bars: [bar] })),
    stateLabels,
    marker: { at: quarterEndAsFiscalYear(data.quarter), label: w.marker(data.quarter) },
    labelWidth: 340,
  });

  const years: number[] = [];
  for (let fy = plan.plan.period.from; fy <= plan.plan.period.to; fy += 1) years.push(fy);
  // The dashboard's rule (budgetByFiscalYear): a year before the shown quarter's is read at its Q4, the
  // shown quarter's year at that quarter, each as compiled, else from that quarter's latest report.
  const shownYear = parseQuarter(data.quarter).fiscalYear;
  const executedIn = (fy: number): number | null | undefined => {
    if (fy > shownYear) return undefined;
    const quarter = budgetQuarterOf(fy, data.quarter);
    const compiled = data.statusByQuarter.get(quarter);
    if (compiled) return compiled.budget.executedThousandYen;
    return latestReports(reports, quarter).get(measure.id)?.budgetExecutedThousandYen;
  };

  // Planned likewise: as the compiled status of that quarter states it (the plan's lines when it was
  // compiled), else by the plan's lines now.
  const plannedIn = (fy: number): number | null => {
    const compiled = fy <= shownYear ? data.statusByQuarter.get(budgetQuarterOf(fy, data.quarter)) : undefined;
    return compiled ? compiled.budget.plannedThousandYen : plannedBudget(measure, plan.plan.period, fy).plannedThousandYen;
  };

  const body = html`<p><a href="${links.base}${queryOf(options, { quarter: data.quarter })}">← ${w.backToDashboard}</a></p>
<h1><span class="id">${measure.id}</span>${jaText(lang, measure.name)}</h1>
<p class="muted">${goal ? html`${goal.id}. ${jaText(lang, goal.title)}` : ''}${area ? html` › ${area.id} ${jaText(lang, area.title)}` : ''}</p>
<p>${w.colOwner}: ${measure.owners.map((o) => html`${jaText(lang, `${o.ka} (${o.bukai})`)} `)}
${measure.related.length > 0 ? html`<br>${w.related}: ${jaText(lang, measure.related.map((r) => r.ka).join('、'))}` : ''}</p>
${provisional ? html`<p class="notice" role="status">${w.provisional}</p>` : ''}
<section class="panel" aria-labelledby="now-h"><h2 id="now-h">${quarterText(data.quarter, lang)}</h2><p>${statusChip(status, lang, inScopeIn(data.quarter))}</p></section>
<section class="panel" aria-labelledby="strip-h"><h2 id="strip-h">${w.statusOverTime}</h2><div class="chart-box wide">${unsafeRaw(strip)}</div></section>
<section class="panel" aria-labelledby="ms-h"><h2 id="ms-h">${w.milestones}</h2><div class="chart-box wide">${unsafeRaw(timeline)}</div></section>
<section class="panel" aria-labelledby="budget-h"><h2 id="budget-h">${w.budget}</h2>
<div class="table-scroll"><table><thead><tr><th></th>${years.map((fy) => html`<th scope="col">${fiscalYearHead(fy).replace('\n', ' ')}</th>`)}</tr></thead>
<tbody><tr><th scope="row">${w.budgetPlanned}</th>${years.map((fy) => html`<td class="num">${thousandYen(plannedIn(fy))}</td>`)}</tr>
<tr><th scope="row">${w.budgetExecuted}</th>${years.map((fy) => html`<td class="num">${thousandYen(executedIn(fy))}</td>`)}</tr></tbody></table></div>
<p class="muted small">${w.budgetUnit}</p></section>
<section class="panel"><details><summary>${w.summaryOfMeasure}</summary><p class="small pre">${jaText(lang, measure.summary)}</p>
${measure.actions.length > 0 ? html`<ul>${measure.actions.map((a) => html`<li>${jaText(lang, a)}</li>`)}</ul>` : ''}</details></section>
<section class="panel" aria-labelledby="reports-h"><h2 id="reports-h">${w.reports}</h2>
${reports.length === 0 ? html`<p>${w.noReports}</p>` : reports.map((r) => reportArticle(r, measure, lang))}
</section>`;
  return renderFrame({
    options,
    plan: plan.plan,
    title: `${measure.id} ${measure.name} — ${w.measureHistory}`,
    body,
    switches: {
      lang: `${links.base}/measures/${encodeURIComponent(measure.id)}${queryOf({ ...options, lang: lang === 'ja' ? 'en' : 'ja' }, { quarter: data.quarter })}`,
      size: `${links.base}/measures/${encodeURIComponent(measure.id)}${queryOf({ ...options, large: !options.large }, { quarter: data.quarter })}`,
    },
  });
}
