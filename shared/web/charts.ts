/**
 * Charts as SVG, drawn on the server: no chart library, no script, nothing to load. Each function
 * returns an `<svg>` string with `role="img"`, a `<title>` and `<desc>` for screen readers, a `<title>`
 * on every bar (the tooltip on a desk, the detail a screen reader reads out) and text labels on the
 * chart itself, so the numbers are readable on a projector and in a grey-scale print, not only as
 * colours. Sizes are in viewBox units; the SVG scales to its container.
 * Pure: no I/O, no AWS; every text is escaped.
 */
import { escapeHtml } from './html.ts';

/** A fill and the text colour readable on it (contrast ≥ 4.5:1). */
export interface Swatch {
  fill: string;
  text: string;
}

/** The traffic-light colours used by every chart and page. */
export const statusSwatches = {
  green: { fill: '#1b7f3b', text: '#ffffff' },
  amber: { fill: '#f2a900', text: '#1b1b1b' },
  red: { fill: '#c4262e', text: '#ffffff' },
  unreported: { fill: '#6b7280', text: '#ffffff' },
} as const satisfies Record<string, Swatch>;

const font = 'system-ui,-apple-system,&quot;Hiragino Sans&quot;,&quot;Noto Sans JP&quot;,&quot;Yu Gothic UI&quot;,Meiryo,sans-serif';
const ink = '#1b1b1b';
const muted = '#4b5563';
const grid = '#d1d5db';

const esc = (text: string | number) => escapeHtml(String(text));
const num = (n: number) => Number(n.toFixed(2)).toString();

/** Approximate width of a text in viewBox units: CJK and full-width characters are about one em. */
export function textWidth(text: string, fontSize: number): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 1 : 0.58;
  return width * fontSize;
}

/** `text` cut with an ellipsis so it fits `maxWidth` at `fontSize`. */
export function fitText(text: string, maxWidth: number, fontSize: number): string {
  if (textWidth(text, fontSize) <= maxWidth) return text;
  let out = '';
  for (const ch of text) {
    if (textWidth(`${out}${ch}…`, fontSize) > maxWidth) break;
    out += ch;
  }
  return out === '' ? '' : `${out}…`;
}

function svgOpen(id: string, width: number, height: number, title: string, description: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${esc(id)}" viewBox="0 0 ${num(width)} ${num(height)}" ` +
    `width="100%" preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="${esc(id)}-title ${esc(id)}-desc" ` +
    `font-family="${font}" fill="${ink}">` +
    `<title id="${esc(id)}-title">${esc(title)}</title><desc id="${esc(id)}-desc">${esc(description)}</desc>`
  );
}

/** The legend: swatches with their words, wrapped onto more lines when wider than `maxWidth`. */
function legendItems(
  items: readonly { label: string; swatch: Swatch; stroke?: string; dashed?: boolean }[],
  x: number,
  y: number,
  fontSize: number,
  maxWidth: number,
): { svg: string; height: number } {
  const lineHeight = fontSize * 1.6;
  let cx = x;
  let cy = y;
  let svg = '<g class="legend">';
  for (const item of items) {
    const itemWidth = fontSize * 2.2 + textWidth(item.label, fontSize);
    if (cx > x && cx + itemWidth - fontSize * 0.9 > x + maxWidth) {
      cx = x;
      cy += lineHeight;
    }
    const stroke = item.stroke ? ` stroke="${item.stroke}" stroke-width="2"${item.dashed ? ' stroke-dasharray="4 3"' : ''}` : '';
    svg += `<rect x="${num(cx)}" y="${num(cy)}" width="${fontSize}" height="${fontSize}" rx="3" fill="${item.swatch.fill}"${stroke}/>`;
    svg += `<text x="${num(cx + fontSize * 1.3)}" y="${num(cy + fontSize * 0.85)}" font-size="${fontSize}">${esc(item.label)}</text>`;
    cx += itemWidth;
  }
  return { svg: `${svg}</g>`, height: cy - y + fontSize * 1.8 };
}

// ---------------------------------------------------------------------------------------------
// Stacked bars
// ---------------------------------------------------------------------------------------------

export interface StackedSegment {
  /** Series name, e.g. 順調. */
  label: string;
  value: number;
  swatch: Swatch;
}

export interface StackedBarRow {
  label: string;
  segments: readonly StackedSegment[];
}

export interface StackedBarChartInput {
  /** Unique on the page: ids of the title and description derive from it. */
  id: string;
  title: string;
  description: string;
  rows: readonly StackedBarRow[];
  /** Legend entries in order (usually the series of the segments). */
  legend: readonly { label: string; swatch: Swatch }[];
  /** Word after the total at the end of each bar, e.g. 件 / measures. */
  unit?: string;
  width?: number;
}

/** Horizontal stacked bars, one row per category, each segment labelled with its count. */
export function stackedBarChart(input: StackedBarChartInput): string {
  const width = input.width ?? 760;
  const fontSize = 18;
  const rowHeight = 40;
  const barHeight = 28;
  const labelWidth = Math.min(260, Math.max(...input.rows.map((r) => textWidth(r.label, fontSize)), 60) + 16);
  const totalOf = (row: StackedBarRow) => row.segments.reduce((s, x) => s + x.value, 0);
  const totalWidth = Math.max(...input.rows.map((r) => textWidth(`${totalOf(r)}${input.unit ?? ''}`, fontSize - 2)), 20) + 14;
  const barWidth = width - labelWidth - totalWidth;
  const max = Math.max(1, ...input.rows.map((r) => r.segments.reduce((s, x) => s + x.value, 0)));
  const legend = legendItems(input.legend.map((l) => ({ label: l.label, swatch: l.swatch })), 0, 4, 16, width);
  const top = legend.height + 8;
  const height = top + input.rows.length * rowHeight + 4;

  let body = legend.svg;
  input.rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    const total = row.segments.reduce((s, x) => s + x.value, 0);
    body += `<g class="bar-row">`;
    body += `<text x="${num(labelWidth - 10)}" y="${num(y + barHeight * 0.75)}" font-size="${fontSize}" text-anchor="end">${esc(fitText(row.label, labelWidth - 14, fontSize))}</text>`;
    let x = labelWidth;
    for (const segment of row.segments) {
      if (segment.value <= 0) continue;
      const w = (segment.value / max) * barWidth;
      body += `<g class="segment"><title>${esc(`${row.label}: ${segment.label} ${segment.value}`)}</title>`;
      body += `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${barHeight}" fill="${segment.swatch.fill}" stroke="#ffffff" stroke-width="1"/>`;
      if (w >= textWidth(String(segment.value), fontSize) + 4) {
        body += `<text x="${num(x + w / 2)}" y="${num(y + barHeight * 0.75)}" font-size="${fontSize}" font-weight="700" text-anchor="middle" fill="${segment.swatch.text}">${segment.value}</text>`;
      }
      body += `</g>`;
      x += w;
    }
    body += `<text x="${num(x + 8)}" y="${num(y + barHeight * 0.75)}" font-size="${fontSize - 2}" fill="${muted}">${esc(`${total}${input.unit ?? ''}`)}</text>`;
    body += `</g>`;
  });
  return `${svgOpen(input.id, width, height, input.title, input.description)}${body}</svg>`;
}

// ---------------------------------------------------------------------------------------------
// Grouped vertical bars
// ---------------------------------------------------------------------------------------------

export interface BarSeries {
  label: string;
  swatch: Swatch;
  /** One value per category; null = no value (no bar, labelled with `missingLabel`). */
  values: readonly (number | null)[];
  /** Draw this series hollow (outline), e.g. the plan next to what was done. */
  outline?: boolean;
  /** What a null value of this series says, per category; falls back to the chart's `missingLabel`. */
  missingLabels?: readonly (string | undefined)[];
}

export interface GroupedBarChartInput {
  id: string;
  title: string;
  description: string;
  /** Category labels; a line break splits a label onto two lines. */
  categories: readonly string[];
  series: readonly BarSeries[];
  /** Unit shown at the axis, e.g. 千円. */
  unit: string;
  format?: (value: number) => string;
  missingLabel?: string;
  width?: number;
}

/** A round upper bound and step for an axis from 0 to `max`. */
export function niceScale(max: number, ticks = 4): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 1 };
  const rough = max / ticks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  return { max: Math.ceil(max / step) * step, step };
}

/** Vertical bars grouped per category (e.g. planned and executed budget per fiscal year). */
export function groupedBarChart(input: GroupedBarChartInput): string {
  const width = input.width ?? 760;
  const fontSize = 16;
  const format = input.format ?? ((v: number) => v.toLocaleString('ja-JP'));
  const values = input.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const scale = niceScale(Math.max(0, ...values));
  const legend = legendItems(
    input.series.map((s) => ({ label: s.label, swatch: s.outline ? { fill: '#ffffff', text: ink } : s.swatch, stroke: s.outline ? s.swatch.fill : undefined })),
    0,
    4,
    fontSize,
    width,
  );
  const plotTop = legend.height + 28;
  const plotHeight = 260;
  const axisWidth = Math.max(textWidth(format(scale.max), 14), textWidth(input.unit, 14)) + 14;
  const plotLeft = axisWidth;
  const plotWidth = width - plotLeft - 8;
  const categoryLines = Math.max(...input.categories.map((c) => c.split('\n').length), 1);
  const height = plotTop + plotHeight + 10 + categoryLines * (fontSize + 4) + 4;
  const yOf = (v: number) => plotTop + plotHeight - (v / scale.max) * plotHeight;

  let body = legend.svg;
  body += `<text x="0" y="${num(plotTop - 12)}" font-size="14" fill="${muted}">${esc(input.unit)}</text>`;
  for (let v = 0; v <= scale.max + scale.step / 2; v += scale.step) {
    const y = yOf(v);
    body += `<line x1="${num(plotLeft)}" x2="${num(plotLeft + plotWidth)}" y1="${num(y)}" y2="${num(y)}" stroke="${grid}" stroke-width="1"/>`;
    body += `<text x="${num(plotLeft - 6)}" y="${num(y + 5)}" font-size="14" text-anchor="end" fill="${muted}">${esc(format(v))}</text>`;
  }
  const groupWidth = plotWidth / Math.max(1, input.categories.length);
  const barWidth = Math.min(70, (groupWidth * 0.8) / Math.max(1, input.series.length));
  input.categories.forEach((category, c) => {
    const groupLeft = plotLeft + c * groupWidth + (groupWidth - barWidth * input.series.length) / 2;
    input.series.forEach((series, s) => {
      const value = series.values[c] ?? null;
      const x = groupLeft + s * barWidth;
      const name = `${category.replace(/\n/g, ' ')} ${series.label}`;
      if (value === null) {
        const missing = series.missingLabels?.[c] ?? input.missingLabel ?? '—';
        body += `<g class="bar missing"><title>${esc(`${name}: ${missing}`)}</title>`;
        body += `<text x="${num(x + barWidth / 2)}" y="${num(yOf(0) - 6)}" font-size="13" text-anchor="middle" fill="${muted}">${esc(missing)}</text></g>`;
        return;
      }
      const y = yOf(value);
      const h = Math.max(0, yOf(0) - y);
      const paint = series.outline
        ? `fill="#ffffff" stroke="${series.swatch.fill}" stroke-width="3"`
        : `fill="${series.swatch.fill}"`;
      body += `<g class="bar"><title>${esc(`${name}: ${format(value)} ${input.unit}`)}</title>`;
      body += `<rect x="${num(x + 2)}" y="${num(y)}" width="${num(barWidth - 4)}" height="${num(h)}" ${paint}/>`;
      body += `<text x="${num(x + barWidth / 2)}" y="${num(y - 6)}" font-size="13" font-weight="700" text-anchor="middle">${esc(format(value))}</text></g>`;
    });
    category.split('\n').forEach((line, l) => {
      body += `<text x="${num(plotLeft + c * groupWidth + groupWidth / 2)}" y="${num(plotTop + plotHeight + 6 + (l + 1) * (fontSize + 2))}" font-size="${fontSize}" text-anchor="middle">${esc(line)}</text>`;
    });
  });
  body += `<line x1="${num(plotLeft)}" x2="${num(plotLeft + plotWidth)}" y1="${num(yOf(0))}" y2="${num(yOf(0))}" stroke="${ink}" stroke-width="1.5"/>`;
  return `${svgOpen(input.id, width, height, input.title, input.description)}${body}</svg>`;
}

// ---------------------------------------------------------------------------------------------
// Milestone timeline
// ---------------------------------------------------------------------------------------------

export const timelineStates = ['done', 'in_progress', 'not_started', 'unknown'] as const;
export type TimelineState = (typeof timelineStates)[number];

/** How each milestone state is drawn; `overdue` adds a red outline and a ! mark. */
export const timelineStyles: Record<TimelineState, { swatch: Swatch; stroke?: string; dashed?: boolean }> = {
  done: { swatch: { fill: '#1b7f3b', text: '#ffffff' } },
  in_progress: { swatch: { fill: '#0b57d0', text: '#ffffff' } },
  not_started: { swatch: { fill: '#e5e7eb', text: ink }, stroke: '#6b7280' },
  unknown: { swatch: { fill: '#ffffff', text: ink }, stroke: '#6b7280', dashed: true },
};
export const overdueStroke = '#c4262e';

export interface TimelineBar {
  label: string;
  /** First and last fiscal year, inclusive. */
  from: number;
  to: number;
  state: TimelineState;
  overdue: boolean;
}

export interface TimelineRow {
  label: string;
  bars: readonly TimelineBar[];
}

/**
 * A milestone bar in words, "検討 (FY2012): 実施中・期限超過": the bar's title, and what a chart's
 * description says of it, so a screen reader hears each milestone's state, not only its colour.
 */
export function milestoneBarText(bar: TimelineBar, stateLabels: Record<TimelineState | 'overdue', string>): string {
  const state = `${stateLabels[bar.state]}${bar.overdue ? `・${stateLabels.overdue}` : ''}`;
  const years = bar.from === bar.to ? `FY${bar.from}` : `FY${bar.from}–FY${bar.to}`;
  return `${bar.label} (${years}): ${state}`;
}

/** The rows of a timeline in words, for its description: "1-1-1 …: 検討 (FY2012): 実施中, …; 1-1-2 …". */
export function timelineRowsText(rows: readonly TimelineRow[], stateLabels: Record<TimelineState | 'overdue', string>): string {
  return rows.map((row) => `${row.label}: ${row.bars.map((bar) => milestoneBarText(bar, stateLabels)).join(', ') || '—'}`).join('; ');
}

export interface TimelineChartInput {
  id: string;
  title: string;
  description: string;
  fromYear: number;
  toYear: number;
  /** Column heading of a fiscal year, e.g. "H24年度 (FY2012)"; a line break makes two lines. */
  yearLabel: (fiscalYear: number) => string;
  rows: readonly TimelineRow[];
  /** Names of the states and of "overdue", for the legend and the bar titles. */
  stateLabels: Record<TimelineState | 'overdue', string>;
  /** A vertical line at a point in time, in fiscal years (2013.5 = the end of FY2013 Q2). */
  marker?: { at: number; label: string };
  labelWidth?: number;
  width?: number;
}

/** Milestones on a fiscal-year axis: one row per 事業 (or per milestone), one lane per milestone. */
export function timelineChart(input: TimelineChartInput): string {
  const width = input.width ?? 960;
  const fontSize = 15;
  const laneHeight = 22;
  const rowGap = 10;
  const labelWidth = input.labelWidth ?? 300;
  const years = input.toYear - input.fromYear + 1;
  const plotWidth = width - labelWidth - 28;
  const yearWidth = plotWidth / years;
  const xOf = (fy: number) => labelWidth + (fy - input.fromYear) * yearWidth;

  const legend = legendItems(
    [
      ...timelineStates.map((s) => ({ label: input.stateLabels[s], swatch: timelineStyles[s].swatch, stroke: timelineStyles[s].stroke, dashed: timelineStyles[s].dashed })),
      { label: `! ${input.stateLabels.overdue}`, swatch: { fill: '#ffffff', text: ink }, stroke: overdueStroke },
    ],
    0,
    4,
    14,
    width,
  );
  const headLines = Math.max(...Array.from({ length: years }, (_, i) => input.yearLabel(input.fromYear + i).split('\n').length));
  const headTop = legend.height + 8;
  const plotTop = headTop + headLines * 18 + 8;
  // Milestones that do not overlap in time share a lane, so a 事業 of many short steps stays compact.
  const lanesOf = input.rows.map((r) => packLanes(r.bars));
  const rowHeights = lanesOf.map((lanes) => Math.max(1, ...lanes.map((l) => l + 1)) * laneHeight + rowGap);
  const plotHeight = rowHeights.reduce((a, b) => a + b, 0);
  const height = plotTop + plotHeight + (input.marker ? 26 : 6);

  let body = legend.svg;
  for (let i = 0; i < years; i += 1) {
    const fy = input.fromYear + i;
    const x = xOf(fy);
    if (i % 2 === 1) body += `<rect x="${num(x)}" y="${num(headTop - 2)}" width="${num(yearWidth)}" height="${num(plotTop - headTop + plotHeight + 2)}" fill="#f3f4f6"/>`;
    input.yearLabel(fy).split('\n').forEach((line, l) => {
      body += `<text x="${num(x + yearWidth / 2)}" y="${num(headTop + (l + 1) * 18 - 4)}" font-size="14" font-weight="${l === 0 ? 700 : 400}" text-anchor="middle">${esc(line)}</text>`;
    });
    body += `<line x1="${num(x)}" x2="${num(x)}" y1="${num(headTop)}" y2="${num(plotTop + plotHeight)}" stroke="${grid}"/>`;
  }
  body += `<line x1="${num(xOf(input.toYear + 1))}" x2="${num(xOf(input.toYear + 1))}" y1="${num(headTop)}" y2="${num(plotTop + plotHeight)}" stroke="${grid}"/>`;

  let y = plotTop;
  input.rows.forEach((row, r) => {
    const h = rowHeights[r]!;
    body += `<g class="timeline-row">`;
    body += `<line x1="0" x2="${num(width)}" y1="${num(y)}" y2="${num(y)}" stroke="${grid}"/>`;
    body += `<text x="4" y="${num(y + rowGap / 2 + laneHeight * 0.72)}" font-size="${fontSize}"><title>${esc(row.label)}</title>${esc(fitText(row.label, labelWidth - 12, fontSize))}</text>`;
    row.bars.forEach((bar, b) => {
      const style = timelineStyles[bar.state];
      const by = y + rowGap / 2 + lanesOf[r]![b]! * laneHeight + 2;
      const bx = xOf(Math.max(bar.from, input.fromYear)) + 3;
      const bw = Math.max(8, xOf(Math.min(bar.to, input.toYear) + 1) - bx - 3);
      const bh = laneHeight - 4;
      const stroke = bar.overdue
        ? ` stroke="${overdueStroke}" stroke-width="3"`
        : style.stroke
          ? ` stroke="${style.stroke}" stroke-width="1.5"${style.dashed ? ' stroke-dasharray="4 3"' : ''}`
          : '';
      body += `<g class="milestone${bar.overdue ? ' overdue' : ''}" data-state="${bar.state}"><title>${esc(milestoneBarText(bar, input.stateLabels))}</title>`;
      body += `<rect x="${num(bx)}" y="${num(by)}" width="${num(bw)}" height="${bh}" rx="4" fill="${style.swatch.fill}"${stroke}/>`;
      const mark = bar.overdue ? '! ' : '';
      const text = fitText(`${mark}${bar.label}`, bw - 8, 12);
      if (text !== '') {
        body += `<text x="${num(bx + 5)}" y="${num(by + bh * 0.74)}" font-size="12" fill="${bar.overdue && bar.state !== 'done' && bar.state !== 'in_progress' ? overdueStroke : style.swatch.text}" font-weight="${bar.overdue ? 700 : 400}">${esc(text)}</text>`;
      }
      body += `</g>`;
    });
    body += `</g>`;
    y += h;
  });

  if (input.marker && input.marker.at >= input.fromYear && input.marker.at <= input.toYear + 1) {
    const x = xOf(input.marker.at);
    body += `<g class="marker"><title>${esc(input.marker.label)}</title>`;
    body += `<line x1="${num(x)}" x2="${num(x)}" y1="${num(plotTop)}" y2="${num(plotTop + plotHeight + 4)}" stroke="${overdueStroke}" stroke-width="2" stroke-dasharray="6 4"/>`;
    const anchor = x > width - 160 ? 'end' : 'start';
    body += `<text x="${num(anchor === 'end' ? x - 4 : x + 4)}" y="${num(plotTop + plotHeight + 20)}" font-size="14" font-weight="700" fill="${overdueStroke}" text-anchor="${anchor}">${esc(input.marker.label)}</text></g>`;
  }
  return `${svgOpen(input.id, width, height, input.title, input.description)}${body}</svg>`;
}

/** The lane of each bar: the first lane whose bars all end before it starts (bars in given order). */
export function packLanes(bars: readonly Pick<TimelineBar, 'from' | 'to'>[]): number[] {
  const laneEnds: number[] = [];
  return bars.map((bar) => {
    let lane = laneEnds.findIndex((end) => end < bar.from);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(bar.to);
    } else {
      laneEnds[lane] = bar.to;
    }
    return lane;
  });
}

// ---------------------------------------------------------------------------------------------
// Status strip (one cell per quarter)
// ---------------------------------------------------------------------------------------------

export interface StripCell {
  /** Heading of the cell, e.g. "H25 Q2"; a line break makes two lines. */
  label: string;
  /** Text inside the cell (kept short: a glyph or a word). */
  text: string;
  swatch: Swatch;
  /** Full description for the cell's title. */
  title: string;
}

/** A row of coloured cells with a label above each: a 事業's status quarter by quarter. */
export function statusStrip(input: { id: string; title: string; description: string; cells: readonly StripCell[]; width?: number }): string {
  const width = input.width ?? 960;
  const cellWidth = width / Math.max(1, input.cells.length);
  const headLines = Math.max(1, ...input.cells.map((c) => c.label.split('\n').length));
  const top = headLines * 16 + 4;
  const cellHeight = 40;
  const height = top + cellHeight + 2;
  let body = '';
  input.cells.forEach((cell, i) => {
    const x = i * cellWidth;
    cell.label.split('\n').forEach((line, l) => {
      body += `<text x="${num(x + cellWidth / 2)}" y="${num((l + 1) * 16 - 2)}" font-size="13" text-anchor="middle" fill="${muted}">${esc(line)}</text>`;
    });
    body += `<g class="cell"><title>${esc(cell.title)}</title>`;
    body += `<rect x="${num(x + 1)}" y="${top}" width="${num(cellWidth - 2)}" height="${cellHeight}" rx="4" fill="${cell.swatch.fill}"/>`;
    body += `<text x="${num(x + cellWidth / 2)}" y="${num(top + cellHeight * 0.66)}" font-size="16" font-weight="700" text-anchor="middle" fill="${cell.swatch.text}">${esc(fitText(cell.text, cellWidth - 6, 16))}</text></g>`;
  });
  return `${svgOpen(input.id, width, height, input.title, input.description)}${body}</svg>`;
}
