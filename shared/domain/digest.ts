/**
 * The leadership digest sent after each quarterly compile: what the mayor's office reads.
 * Pure: no I/O, no AWS. {@link buildDigest} turns a compiled quarter (and the one before it) into a
 * subject, an HTML body and a plain-text body.
 *
 * Content, in this order: the whole plan's counts; status per 基本目標 and per 専門部会 with bar
 * charts; the 事業 that turned red since the previous quarter; overdue milestones (the plan's own
 * words); reports not received per 部会 (the non-response figure); budget execution against the
 * fiscal year's planned lines.
 *
 * Mail-client rules for the HTML: tables and inline `style` attributes only (no `<style>` block, no
 * classes, no scripts, no images, no external resources), so Outlook, Gmail and phone clients show the
 * same bars. Every heading and label is Japanese first with English below it; 事業 names and
 * milestone labels are the plan's Japanese words. Dates are given in 和暦 and Western form.
 */
import type { Directory } from './directory.ts';
import { countEn } from './english.ts';
import type { BudgetTotals, CompiledQuarterStatus } from './compile.ts';
import { budgetTotals, planCounts } from './compile.ts';
import {
  formatQuarter,
  formatQuarterEn,
  formatQuarterJa,
  formatWarekiDate,
  formatWarekiFiscalYear,
  jstDate,
  parseQuarter,
  previousQuarter,
  type FiscalQuarter,
} from './fiscal.ts';
import type { Measure, PlanFile } from './plan.ts';
import { statusLabelsEn, type ReportStatus } from './report.ts';
import { compiledColours, emptyCounts, type ColourCounts, type CompiledColour, type CompiledMeasureStatus } from './status.ts';
import { planTitleOf } from './plan-title.ts';

/** What the digest is built from. */
export interface DigestInput {
  /** Canonical quarter, e.g. "FY2013-Q2". */
  quarter: string;
  compiled: CompiledQuarterStatus;
  /** The previous quarter's compiled status; undefined when it was never compiled. */
  previous?: CompiledQuarterStatus;
  plan: PlanFile;
  directory: Directory;
  /**
   * As of when the compiled status holds (shown in the digest as 集計日): the compile that sends it
   * (QuarterCompiled's `ranAt`), which may have found the stored result of an earlier compile unchanged,
   * or a later compile that changed the status before the digest was sent.
   */
  compiledAt: Date;
}

/** A 事業 that is red now and was not red in the previous quarter. */
export interface TurnedRed {
  measureId: string;
  name: string;
  owners: string[];
  reportStatus?: ReportStatus;
  /** The previous quarter's colour; undefined when that quarter was not compiled, or compiled without this 事業. */
  previousColour?: CompiledColour;
  /** True when the previous quarter was compiled without this 事業: it was not in scope then (期間外). */
  previousOutOfScope: boolean;
  overdueLabels: string[];
}

/** Reports not received from one 専門部会. */
export interface NonResponse {
  bukai: string;
  /** 事業 the 部会's 課 own (a 事業 counts once per 部会). */
  owned: number;
  unreported: number;
  /** unreported / owned × 100, one decimal; 0 when the 部会 owns nothing. */
  percent: number;
  /** Per 課: the 事業 without a report. */
  missing: { ka: string; measureIds: string[] }[];
}

/** The budget execution of one 基本目標 (or of the whole plan, `all`), by `budgetTotals`. */
export interface BudgetRow extends Omit<BudgetTotals, 'withoutLines'> {
  goalId: string;
  title: string;
}

/** Everything the digest states, before rendering; tests and other views can use it directly. */
export interface DigestFacts {
  quarter: FiscalQuarter;
  previousQuarter: FiscalQuarter;
  previousCompiled: boolean;
  /** The previous quarter lies before the plan period (the plan's first quarter): nothing to compare. */
  previousBeforePlan: boolean;
  compiledDay: string;
  plan: ColourCounts;
  goals: { id: string; title: string; counts: ColourCounts }[];
  bukai: { name: string; counts: ColourCounts }[];
  turnedRed: TurnedRed[];
  overdue: { measureId: string; name: string; colour: CompiledColour; milestones: CompiledMeasureStatus['overdueMilestones'] }[];
  nonResponse: NonResponse[];
  nonResponseTotal: { owned: number; unreported: number; percent: number };
  budget: { fiscalYear: number; rows: BudgetRow[]; total: BudgetRow; withoutLines: number };
}

export interface LeadershipDigest {
  subject: string;
  text: string;
  html: string;
  facts: DigestFacts;
}

const colourLabel: Record<CompiledColour, { ja: string; en: string; hex: string }> = {
  green: { ja: '順調', en: 'on track', hex: '#2e7d32' },
  amber: { ja: '注意', en: 'attention', hex: '#f9a825' },
  red: { ja: '遅延', en: 'delayed', hex: '#c62828' },
  unreported: { ja: '未報告', en: 'not reported', hex: '#9e9e9e' },
};

const textBarSymbol: Record<CompiledColour, string> = { green: '■', amber: '▲', red: '×', unreported: '・' };
const textBarWidth = 20;

/** Build the digest of a compiled quarter. */
export function buildDigest(input: DigestInput): LeadershipDigest {
  const facts = digestFacts(input);
  return { subject: digestSubject(facts), text: renderText(facts, input.plan), html: renderHtml(facts, input.plan), facts };
}

/** The facts the digest states (see the module documentation). */
export function digestFacts(input: DigestInput): DigestFacts {
  const quarter = parseQuarter(input.quarter);
  const measures = new Map(input.plan.measures.map((m) => [m.id, m]));
  const rollup = (scope: string, id: string) =>
    input.compiled.rollups.find((r) => r.scope === scope && r.scopeId === id)?.counts ?? emptyCounts();
  const previousColours = new Map(input.previous?.measures.map((m) => [m.measureId, m.colour]) ?? []);

  const turnedRed = input.compiled.measures
    .filter((s) => s.colour === 'red' && previousColours.get(s.measureId) !== 'red')
    .map((s): TurnedRed => {
      const measure = measures.get(s.measureId);
      return {
        measureId: s.measureId,
        name: measure?.name ?? s.measureId,
        owners: measure ? ownerNames(measure) : [],
        reportStatus: s.reportStatus,
        previousColour: previousColours.get(s.measureId),
        previousOutOfScope: input.previous !== undefined && !previousColours.has(s.measureId),
        overdueLabels: s.overdueMilestones.map((m) => m.label),
      };
    });

  const overdue = input.compiled.measures
    .filter((s) => s.overdueMilestones.length > 0)
    .map((s) => ({
      measureId: s.measureId,
      name: measures.get(s.measureId)?.name ?? s.measureId,
      colour: s.colour,
      milestones: s.overdueMilestones,
    }));

  const nonResponse = bukaiOrder(input).map((bukai) => nonResponseOf(bukai, input));
  const ownedTotal = input.compiled.measures.length;
  const unreportedTotal = input.compiled.measures.filter((s) => s.colour === 'unreported').length;

  return {
    quarter,
    previousQuarter: previousQuarter(quarter),
    previousCompiled: input.previous !== undefined,
    previousBeforePlan: previousQuarter(quarter).fiscalYear < input.plan.plan.period.from,
    compiledDay: jstDate(input.compiledAt),
    plan: planCounts(input.compiled.rollups),
    goals: input.plan.goals.map((g) => ({ id: g.id, title: g.title, counts: rollup('goal', g.id) })),
    bukai: bukaiOrder(input).map((name) => ({ name, counts: rollup('bukai', name) })),
    turnedRed,
    overdue,
    nonResponse,
    nonResponseTotal: { owned: ownedTotal, unreported: unreportedTotal, percent: percentOf(unreportedTotal, ownedTotal) },
    budget: budgetFacts(input, quarter.fiscalYear),
  };
}

/** The directory's 部会 in its order, then any 部会 the plan or the roll-ups name that it lacks. */
function bukaiOrder(input: DigestInput): string[] {
  const names = input.directory.bukai.map((b) => b.name);
  const extra = new Set<string>();
  for (const m of input.plan.measures) for (const o of m.owners) if (!names.includes(o.bukai)) extra.add(o.bukai);
  return [...names, ...[...extra].sort()];
}

function ownerNames(measure: Measure): string[] {
  return measure.owners.map((o) => `${o.bukai} ${o.ka}`);
}

function nonResponseOf(bukai: string, input: DigestInput): NonResponse {
  // The compiled 事業 only: one outside its スケジュール's years is not asked for a report.
  const colours = new Map(input.compiled.measures.map((s) => [s.measureId, s.colour]));
  const owned = input.plan.measures.filter((m) => colours.has(m.id) && m.owners.some((o) => o.bukai === bukai));
  const unreported = owned.filter((m) => colours.get(m.id) === 'unreported');
  const missingByKa = new Map<string, string[]>();
  for (const m of unreported) {
    for (const o of m.owners.filter((o) => o.bukai === bukai)) {
      missingByKa.set(o.ka, [...(missingByKa.get(o.ka) ?? []), m.id]);
    }
  }
  return {
    bukai,
    owned: owned.length,
    unreported: unreported.length,
    percent: percentOf(unreported.length, owned.length),
    missing: [...missingByKa].map(([ka, measureIds]) => ({ ka, measureIds })),
  };
}

/** What share of the planned amount was executed, or "—" where nothing is planned (0 of 0 is no 0%). */
function executedShare(row: { executedThousandYen: number; plannedThousandYen: number }): string {
  return row.plannedThousandYen > 0 ? `${percentOf(row.executedThousandYen, row.plannedThousandYen)}%` : '—';
}

function percentOf(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}

function budgetFacts(input: DigestInput, fiscalYear: number): DigestFacts['budget'] {
  const goalOf = new Map(input.plan.measures.map((m) => [m.id, m.goalId]));
  const row = (goalId: string, title: string, { withoutLines: _withoutLines, ...totals }: BudgetTotals): BudgetRow => ({ goalId, title, ...totals });
  const rows = input.plan.goals.map((g) =>
    row(g.id, g.title, budgetTotals(input.compiled.measures.filter((s) => goalOf.get(s.measureId) === g.id))),
  );
  const total = budgetTotals(input.compiled.measures);
  return { fiscalYear, rows, total: row('all', '計画全体', total), withoutLines: total.withoutLines };
}

function digestSubject(f: DigestFacts): string {
  const ja = `【進捗】${formatWarekiFiscalYear(f.quarter.fiscalYear)} 第${f.quarter.quarter}四半期 集計 — 遅延 ${f.plan.red}・未報告 ${f.plan.unreported}`;
  const en = `Progress digest FY${f.quarter.fiscalYear} Q${f.quarter.quarter}: ${f.plan.red} delayed, ${f.plan.unreported} not reported`;
  return `${ja} / ${en}`;
}

// ---------------------------------------------------------------------------------------------
// Shared wording
// ---------------------------------------------------------------------------------------------

function dateBoth(day: string): string {
  return `${formatWarekiDate(day)} (${day})`;
}

function fiscalYearBoth(fy: number): string {
  return `${formatWarekiFiscalYear(fy)} (FY${fy})`;
}

function spanJa(m: { fromFiscalYear?: number; dueFiscalYear: number }): string {
  const from = m.fromFiscalYear ?? m.dueFiscalYear;
  return from === m.dueFiscalYear
    ? formatWarekiFiscalYear(m.dueFiscalYear)
    : `${formatWarekiFiscalYear(from)}〜${formatWarekiFiscalYear(m.dueFiscalYear)}`;
}

function spanEn(m: { fromFiscalYear?: number; dueFiscalYear: number }): string {
  const from = m.fromFiscalYear ?? m.dueFiscalYear;
  return from === m.dueFiscalYear ? `FY${m.dueFiscalYear}` : `FY${from}–FY${m.dueFiscalYear}`;
}

const progressLabel = {
  in_progress: { ja: '実施中', en: 'in progress' },
  not_started: { ja: '未着手', en: 'not started' },
  none: { ja: '報告なし', en: 'not reported' },
} as const;

function statusBoth(status: ReportStatus | undefined): string {
  return status ? `${status} (${statusLabelsEn[status]})` : `${colourLabel.unreported.ja} (${colourLabel.unreported.en})`;
}

function previousMissing(f: DigestFacts): { ja: string; en: string } {
  return f.previousBeforePlan
    ? { ja: '計画期間の最初の四半期のため、前四半期との比較はありません。赤の事業をすべて示します。', en: 'The first quarter of the plan: there is no previous quarter, so every red measure is listed.' }
    : { ja: '前四半期は集計されていません。赤の事業をすべて示します。', en: 'The previous quarter was not compiled, so every red measure is listed.' };
}

function previousBoth(colour: CompiledColour | undefined, outOfScope: boolean): string {
  if (outOfScope) return '期間外 (out of scope)';
  return colour ? `${colourLabel[colour].ja} (${colourLabel[colour].en})` : '集計なし (not compiled)';
}

function yen(thousandYen: number): string {
  // Grouped by hand rather than toLocaleString: the output must not depend on the runtime's ICU data.
  const [whole = '0', fraction] = String(Math.round(thousandYen * 10) / 10).split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction ? `.${fraction}` : ''} 千円`;
}

function total(counts: ColourCounts): number {
  return counts.green + counts.amber + counts.red + counts.unreported;
}

/** Widths that add up to exactly `width` (largest remainder), so bars of equal totals line up. */
function shares(counts: ColourCounts, width: number): Record<CompiledColour, number> {
  const sum = total(counts);
  const result = { green: 0, amber: 0, red: 0, unreported: 0 };
  if (sum === 0) return result;
  const raw = compiledColours.map((c) => ({ c, exact: (counts[c] / sum) * width }));
  for (const r of raw) result[r.c] = Math.floor(r.exact);
  let left = width - compiledColours.reduce((s, c) => s + result[c], 0);
  for (const r of [...raw].sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)))) {
    if (left <= 0) break;
    result[r.c] += 1;
    left -= 1;
  }
  return result;
}

function countsInline(counts: ColourCounts): { ja: string; en: string } {
  return {
    ja: compiledColours.map((c) => `${colourLabel[c].ja} ${counts[c]}`).join('・'),
    en: compiledColours.map((c) => `${counts[c]} ${colourLabel[c].en}`).join(', '),
  };
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

function textBar(counts: ColourCounts): string {
  const w = shares(counts, textBarWidth);
  return compiledColours.map((c) => textBarSymbol[c].repeat(w[c])).join('');
}

function renderText(f: DigestFacts, plan: PlanFile): string {
  const lines: string[] = [];
  const heading = (ja: string, en: string) => lines.push('', `■ ${ja}`, `  ${en}`, '');
  const counts = countsInline(f.plan);

  lines.push(
    planTitleOf(plan.plan),
    `四半期集計報告: ${formatQuarterJa(f.quarter)}`,
    `Quarterly progress digest: ${formatQuarterEn(f.quarter)}`,
    `集計日 / compiled: ${dateBoth(f.compiledDay)}`,
    '',
    `全 ${total(f.plan)} 事業: ${counts.ja}`,
    `All ${countEn(total(f.plan), 'measure')}: ${counts.en}`,
    `凡例 / legend: ${compiledColours.map((c) => `${textBarSymbol[c]} ${colourLabel[c].ja} (${colourLabel[c].en})`).join('  ')}`,
  );

  heading('基本目標別の状況', 'Status by basic goal (基本目標)');
  for (const g of f.goals) {
    lines.push(`${g.id}. ${g.title}`, `   ${textBar(g.counts)}  ${countsInline(g.counts).ja} / ${countsInline(g.counts).en}`);
  }

  heading('専門部会別の状況', 'Status by committee (専門部会)');
  for (const b of f.bukai) {
    lines.push(`${b.name}`, `   ${textBar(b.counts)}  ${countsInline(b.counts).ja} / ${countsInline(b.counts).en}`);
  }

  heading(
    `前四半期から赤 (遅延) になった事業 (${formatQuarterJa(f.previousQuarter)} との比較)`,
    `Measures that turned red since ${formatQuarterEn(f.previousQuarter)}`,
  );
  if (!f.previousCompiled) lines.push(`※ ${previousMissing(f).ja} / ${previousMissing(f).en}`, '');
  if (f.turnedRed.length === 0) lines.push('なし / none');
  for (const r of f.turnedRed) {
    lines.push(
      `事業 ${r.measureId} ${r.name}`,
      `   状況 / status: ${statusBoth(r.reportStatus)}　前四半期 / previous: ${previousBoth(r.previousColour, r.previousOutOfScope)}`,
      `   担当 / owners: ${r.owners.join('、')}`,
    );
    if (r.overdueLabels.length > 0) lines.push(`   期限を過ぎた工程 / overdue steps: ${r.overdueLabels.join('、')}`);
  }

  heading('期限を過ぎた工程 (計画のスケジュール)', 'Overdue milestones (the plan\'s schedule)');
  if (f.overdue.length === 0) lines.push('なし / none');
  for (const o of f.overdue) {
    lines.push(`事業 ${o.measureId} ${o.name} [${colourLabel[o.colour].ja} / ${colourLabel[o.colour].en}]`);
    for (const m of o.milestones) {
      const p = progressLabel[m.progress ?? 'none'];
      lines.push(`   ・${m.label} — ${spanJa(m)} / ${spanEn(m)} — ${p.ja} / ${p.en}`);
    }
  }

  heading('報告が届いていない事業 (専門部会別)', 'Reports not received, by committee');
  for (const n of f.nonResponse) {
    lines.push(`${n.bukai}: 未報告 ${n.unreported} / ${n.owned} 事業 (${n.percent}%) — ${n.unreported} of ${n.owned} not reported`);
    for (const m of n.missing) lines.push(`   ${m.ka}: ${m.measureIds.join(', ')}`);
  }
  const t = f.nonResponseTotal;
  lines.push(`計画全体 / whole plan: 未報告 ${t.unreported} / ${t.owned} 事業 (${t.percent}%)`);

  heading(`予算の執行状況 (${fiscalYearBoth(f.budget.fiscalYear)})`, `Budget execution, ${fiscalYearBoth(f.budget.fiscalYear)}`);
  for (const row of [...f.budget.rows, f.budget.total]) {
    const label = row.goalId === 'all' ? '計画全体 / whole plan' : `${row.goalId}. ${row.title}`;
    lines.push(
      label,
      `   執行 ${yen(row.executedThousandYen)} / 計画 ${yen(row.plannedThousandYen)} (${executedShare(row)})` +
        ` — 報告 ${row.reported}/${row.measures} 事業 / executed vs planned, ${row.reported} of ${row.measures} reported`,
    );
  }
  lines.push(
    '',
    '※ 執行額は各課が最新の報告で示した年度内の累計です。未報告の事業は執行額に含まれません。',
    '  Executed amounts are the fiscal year\'s totals as last reported; measures without a report add nothing.',
  );
  if (f.budget.withoutLines > 0) {
    lines.push(
      `※ 計画に予算額のない事業 (${f.budget.withoutLines} 件) は含みません。`,
      `  ${countEn(f.budget.withoutLines, 'measure')} without budget lines in the plan are not included.`,
    );
  }
  lines.push('', '— shinchoku (進捗) 自動送信 / sent automatically');
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// HTML (tables and inline styles only)
// ---------------------------------------------------------------------------------------------

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const e = escapeHtml;
const font = "font-family:'Hiragino Sans','Meiryo','Yu Gothic',Arial,sans-serif";
const cell = 'padding:4px 8px;border-bottom:1px solid #e0e0e0;vertical-align:top;font-size:14px';
const headCell = 'padding:4px 8px;border-bottom:2px solid #9e9e9e;text-align:left;font-size:13px;vertical-align:bottom';
const enStyle = 'color:#616161;font-size:12px';

function bilingual(ja: string, en: string): string {
  return `${e(ja)}<br><span style="${enStyle}">${e(en)}</span>`;
}

function h2(ja: string, en: string): string {
  return (
    `<h2 style="${font};font-size:17px;margin:24px 0 8px;padding-bottom:4px;border-bottom:3px solid #1565c0">` +
    `${e(ja)}<br><span style="${enStyle};font-weight:normal">${e(en)}</span></h2>`
  );
}

function htmlBar(counts: ColourCounts): string {
  const w = shares(counts, 100);
  const cells = compiledColours
    .filter((c) => w[c] > 0)
    .map(
      (c) =>
        `<td width="${w[c]}%" bgcolor="${colourLabel[c].hex}" style="width:${w[c]}%;background-color:${colourLabel[c].hex};height:14px;font-size:1px;line-height:1px">&nbsp;</td>`,
    )
    .join('');
  const inner = cells === '' ? '<td style="height:14px;font-size:1px;line-height:1px">&nbsp;</td>' : cells;
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse"><tr>${inner}</tr></table>`;
}

function countCells(counts: ColourCounts): string {
  return compiledColours
    .map((c) => `<td style="${cell};text-align:right;color:${c === 'amber' ? '#8d6e00' : colourLabel[c].hex};font-weight:bold">${counts[c]}</td>`)
    .join('');
}

function countHeads(): string {
  return compiledColours
    .map((c) => `<th style="${headCell};text-align:right">${bilingual(colourLabel[c].ja, colourLabel[c].en)}</th>`)
    .join('');
}

function table(head: string, rows: string[]): string {
  return (
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;${font}">` +
    `<tr>${head}</tr>${rows.join('')}</table>`
  );
}

function statusTable(firstHead: { ja: string; en: string }, rows: { label: string; counts: ColourCounts }[]): string {
  const head =
    `<th style="${headCell}">${bilingual(firstHead.ja, firstHead.en)}</th>` +
    `<th style="${headCell};width:30%">${bilingual('グラフ', 'chart')}</th>${countHeads()}`;
  return table(
    head,
    rows.map(
      (r) => `<tr><td style="${cell}">${e(r.label)}</td><td style="${cell};width:30%">${htmlBar(r.counts)}</td>${countCells(r.counts)}</tr>`,
    ),
  );
}

function paragraph(ja: string, en: string): string {
  return `<p style="${font};font-size:14px;margin:8px 0">${e(ja)}<br><span style="${enStyle}">${e(en)}</span></p>`;
}

function renderHtml(f: DigestFacts, plan: PlanFile): string {
  const parts: string[] = [];
  const counts = countsInline(f.plan);
  const title = planTitleOf(plan.plan);

  parts.push(
    `<h1 style="${font};font-size:20px;margin:0 0 4px">${e(`四半期集計報告 ${formatQuarterJa(f.quarter)}`)}</h1>`,
    `<p style="${font};${enStyle};margin:0 0 8px">${e(`Quarterly progress digest, ${formatQuarterEn(f.quarter)}`)}</p>`,
    paragraph(`${title}　集計日 ${dateBoth(f.compiledDay)}`, `${plan.plan.municipality} ICT plan — compiled ${dateBoth(f.compiledDay)}`),
    paragraph(`全 ${total(f.plan)} 事業: ${counts.ja}`, `All ${countEn(total(f.plan), 'measure')}: ${counts.en}`),
    htmlBar(f.plan),
    legend(),
  );

  parts.push(
    h2('基本目標別の状況', 'Status by basic goal (基本目標)'),
    statusTable({ ja: '基本目標', en: 'basic goal' }, f.goals.map((g) => ({ label: `${g.id}. ${g.title}`, counts: g.counts }))),
    h2('専門部会別の状況', 'Status by committee (専門部会)'),
    statusTable({ ja: '専門部会', en: 'committee' }, f.bukai.map((b) => ({ label: b.name, counts: b.counts }))),
  );

  parts.push(
    h2(
      `前四半期から赤 (遅延) になった事業 (${formatQuarterJa(f.previousQuarter)} との比較)`,
      `Measures that turned red since ${formatQuarterEn(f.previousQuarter)}`,
    ),
  );
  if (!f.previousCompiled) parts.push(paragraph(`※ ${previousMissing(f).ja}`, previousMissing(f).en));
  parts.push(
    f.turnedRed.length === 0
      ? paragraph('なし', 'none')
      : table(
          `<th style="${headCell}">${bilingual('事業', 'measure')}</th><th style="${headCell}">${bilingual('状況', 'status')}</th>` +
            `<th style="${headCell}">${bilingual('前四半期', 'previous')}</th><th style="${headCell}">${bilingual('担当', 'owners')}</th>`,
          f.turnedRed.map(
            (r) =>
              `<tr><td style="${cell}"><b>${e(r.measureId)}</b> ${e(r.name)}` +
              (r.overdueLabels.length > 0
                ? `<br><span style="${enStyle}">${e(`期限を過ぎた工程 / overdue: ${r.overdueLabels.join('、')}`)}</span>`
                : '') +
              `</td><td style="${cell};color:${colourLabel.red.hex};font-weight:bold">${e(statusBoth(r.reportStatus))}</td>` +
              `<td style="${cell}">${e(previousBoth(r.previousColour, r.previousOutOfScope))}</td><td style="${cell}">${r.owners.map(e).join('<br>')}</td></tr>`,
          ),
        ),
  );

  parts.push(h2('期限を過ぎた工程 (計画のスケジュール)', "Overdue milestones (the plan's schedule)"));
  parts.push(
    f.overdue.length === 0
      ? paragraph('なし', 'none')
      : table(
          `<th style="${headCell}">${bilingual('事業', 'measure')}</th><th style="${headCell}">${bilingual('工程 (計画の記載)', "step (the plan's words)")}</th>` +
            `<th style="${headCell}">${bilingual('期間', 'span')}</th><th style="${headCell}">${bilingual('報告', 'reported')}</th>`,
          f.overdue.flatMap((o) =>
            o.milestones.map((m, i) => {
              const p = progressLabel[m.progress ?? 'none'];
              const measureCell =
                i === 0
                  ? `<td style="${cell}" rowspan="${o.milestones.length}"><b>${e(o.measureId)}</b> ${e(o.name)}<br>` +
                    `<span style="color:${colourLabel[o.colour].hex};font-size:12px">● ${e(`${colourLabel[o.colour].ja} / ${colourLabel[o.colour].en}`)}</span></td>`
                  : '';
              return (
                `<tr>${measureCell}<td style="${cell}">${e(m.label)}</td>` +
                `<td style="${cell}">${bilingual(spanJa(m), spanEn(m))}</td><td style="${cell}">${bilingual(p.ja, p.en)}</td></tr>`
              );
            }),
          ),
        ),
  );

  parts.push(h2('報告が届いていない事業 (専門部会別)', 'Reports not received, by committee'));
  const t = f.nonResponseTotal;
  parts.push(
    table(
      `<th style="${headCell}">${bilingual('専門部会', 'committee')}</th><th style="${headCell};text-align:right">${bilingual('未報告', 'missing')}</th>` +
        `<th style="${headCell};text-align:right">${bilingual('未報告率', 'non-response')}</th><th style="${headCell}">${bilingual('課: 事業', 'division: measures')}</th>`,
      [
        ...f.nonResponse.map(
          (n) =>
            `<tr><td style="${cell}">${e(n.bukai)}</td><td style="${cell};text-align:right">${n.unreported} / ${n.owned}</td>` +
            `<td style="${cell};text-align:right;${n.unreported > 0 ? 'color:#c62828;font-weight:bold' : ''}">${n.percent}%</td>` +
            `<td style="${cell}">${n.missing.map((m) => e(`${m.ka}: ${m.measureIds.join(', ')}`)).join('<br>')}</td></tr>`,
        ),
        `<tr><td style="${cell};font-weight:bold">${bilingual('計画全体', 'whole plan')}</td><td style="${cell};text-align:right;font-weight:bold">${t.unreported} / ${t.owned}</td>` +
          `<td style="${cell};text-align:right;font-weight:bold">${t.percent}%</td><td style="${cell}"></td></tr>`,
      ],
    ),
  );

  parts.push(h2(`予算の執行状況 (${fiscalYearBoth(f.budget.fiscalYear)})`, `Budget execution, ${fiscalYearBoth(f.budget.fiscalYear)}`));
  parts.push(
    table(
      `<th style="${headCell}">${bilingual('基本目標', 'basic goal')}</th><th style="${headCell};width:25%">${bilingual('執行率', 'execution rate')}</th>` +
        `<th style="${headCell};text-align:right">${bilingual('執行額', 'executed')}</th><th style="${headCell};text-align:right">${bilingual('計画額', 'planned')}</th>` +
        `<th style="${headCell};text-align:right">${bilingual('報告', 'reported')}</th>`,
      [...f.budget.rows, f.budget.total].map((row) => {
        const label = row.goalId === 'all' ? bilingual('計画全体', 'whole plan') : e(`${row.goalId}. ${row.title}`);
        const weight = row.goalId === 'all' ? ';font-weight:bold' : '';
        return (
          `<tr><td style="${cell}${weight}">${label}</td><td style="${cell};width:25%">${row.plannedThousandYen > 0 ? budgetBar(percentOf(row.executedThousandYen, row.plannedThousandYen)) : '—'}</td>` +
          `<td style="${cell};text-align:right${weight}">${e(yen(row.executedThousandYen))}</td><td style="${cell};text-align:right${weight}">${e(yen(row.plannedThousandYen))}</td>` +
          `<td style="${cell};text-align:right">${row.reported}/${row.measures}</td></tr>`
        );
      }),
    ),
    paragraph(
      '※ 執行額は各課が最新の報告で示した年度内の累計です。未報告の事業は執行額に含まれません。' +
        (f.budget.withoutLines > 0 ? `計画に予算額のない事業 (${f.budget.withoutLines} 件) は含みません。` : ''),
      "Executed amounts are the fiscal year's totals as last reported; measures without a report add nothing." +
        (f.budget.withoutLines > 0 ? ` ${countEn(f.budget.withoutLines, 'measure')} without budget lines in the plan are not included.` : ''),
    ),
  );

  parts.push(paragraph('— shinchoku (進捗) 自動送信', '— sent automatically by shinchoku'));

  return (
    '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
    `<title>${e(digestSubject(f))}</title></head>` +
    `<body style="margin:0;padding:16px;background-color:#ffffff;color:#212121;${font}">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:760px;width:100%"><tr><td style="${font}">` +
    parts.join('\n') +
    '</td></tr></table></body></html>'
  );
}

function legend(): string {
  return (
    `<p style="${font};font-size:12px;margin:6px 0 0">` +
    compiledColours
      .map(
        (c) =>
          `<span style="display:inline-block;width:10px;height:10px;background-color:${colourLabel[c].hex}">&nbsp;</span> ` +
          `${e(colourLabel[c].ja)} <span style="${enStyle}">${e(colourLabel[c].en)}</span>`,
      )
      .join('&nbsp;&nbsp; ') +
    '</p>'
  );
}

function budgetBar(percent: number): string {
  const filled = Math.max(0, Math.min(100, Math.round(percent)));
  const cells =
    (filled > 0
      ? `<td width="${filled}%" bgcolor="#1565c0" style="width:${filled}%;background-color:#1565c0;height:12px;font-size:1px;line-height:1px">&nbsp;</td>`
      : '') +
    (filled < 100
      ? `<td width="${100 - filled}%" bgcolor="#e3f2fd" style="width:${100 - filled}%;background-color:#e3f2fd;height:12px;font-size:1px;line-height:1px">&nbsp;</td>`
      : '');
  return (
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse"><tr>${cells}</tr></table>` +
    `<span style="font-size:12px">${percent}%</span>`
  );
}

/** The notification key of a quarter's digest: one digest per quarter, however often it is triggered. */
export function digestNotificationKey(quarter: string): string {
  return `digest#${formatQuarter(parseQuarter(quarter))}`;
}

