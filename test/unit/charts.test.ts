/**
 * The SVG charts (shared/web/charts.ts): accessible (role, title, desc, a title per mark), labelled
 * with text, escaped, and drawn to scale.
 */
import { describe, expect, it } from 'vitest';
import { fitText, groupedBarChart, niceScale, stackedBarChart, statusStrip, statusSwatches, textWidth, timelineChart } from '#shared/web/charts';

const stateLabels = { done: '完了', in_progress: '実施中', not_started: '未着手', unknown: '報告なし', overdue: '期限超過' };

function count(svg: string, pattern: RegExp): number {
  return svg.match(pattern)?.length ?? 0;
}

describe('stackedBarChart', () => {
  const input = {
    id: 'mix',
    title: '専門部会別の状況',
    description: 'desc',
    rows: [
      { label: '企画専門部会', segments: [{ label: '順調', value: 6, swatch: statusSwatches.green }, { label: '遅延', value: 2, swatch: statusSwatches.red }] },
      { label: '<script>alert(1)</script>', segments: [{ label: '順調', value: 0, swatch: statusSwatches.green }, { label: '遅延', value: 4, swatch: statusSwatches.red }] },
    ],
    legend: [{ label: '順調', swatch: statusSwatches.green }],
  };

  it('is an accessible image with a title, a description and a title on every segment', () => {
    // Act
    const svg = stackedBarChart(input);
    // Assess
    expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*aria-labelledby="mix-title mix-desc"/);
    expect(svg).toContain('<title id="mix-title">専門部会別の状況</title>');
    expect(svg).toContain('<desc id="mix-desc">desc</desc>');
    // three non-zero segments, each with its own title
    expect(count(svg, /<g class="segment"><title>/g)).toBe(3);
    expect(svg).toContain('<title>企画専門部会: 遅延 2</title>');
  });

  it('writes the counts and the totals as text, and escapes labels', () => {
    // Act
    const svg = stackedBarChart(input);
    // Assess
    expect(svg).toMatch(/>6<\/text>/);
    expect(svg).toMatch(/>8<\/text>/); // total of the first row
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('draws segments in proportion to the largest row', () => {
    // Act
    const svg = stackedBarChart(input);
    const widths = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="28"/g)].map((m) => Number(m[1]));
    // Assess: 6, 2 and 4 of a scale of 8
    expect(widths).toHaveLength(3);
    expect(widths[0]! / widths[1]!).toBeCloseTo(3, 5);
    expect(widths[2]! / widths[1]!).toBeCloseTo(2, 5);
  });
});

describe('groupedBarChart', () => {
  it('labels each bar with its value and says when a value is missing', () => {
    // Act
    const svg = groupedBarChart({
      id: 'budget',
      title: '予算',
      description: 'd',
      categories: ['H24年度\nFY2012', 'H25年度\nFY2013'],
      series: [
        { label: '計画額', swatch: statusSwatches.green, values: [12000, 15000], outline: true },
        { label: '執行額', swatch: statusSwatches.green, values: [9000, null] },
      ],
      unit: '千円',
      missingLabel: '未到来',
    });
    // Assess
    expect(count(svg, /<g class="bar"><title>/g)).toBe(3);
    expect(svg).toContain('>12,000</text>');
    expect(svg).toContain('<title>H25年度 FY2013 執行額: 未到来</title>');
    expect(svg).toContain('>FY2012</text>');
  });

  it('chooses round axis steps', () => {
    // Assess
    expect(niceScale(87_000)).toEqual({ max: 100_000, step: 25_000 });
    expect(niceScale(0)).toEqual({ max: 1, step: 1 });
  });
});

describe('timelineChart', () => {
  it('draws one bar per milestone, marks overdue ones with ! and a title, and the quarter marker', () => {
    // Act
    const svg = timelineChart({
      id: 'tl',
      title: '工程',
      description: 'd',
      fromYear: 2012,
      toYear: 2015,
      yearLabel: (fy) => `FY${fy}`,
      rows: [
        {
          label: '1-1-1 市内情報通信ネットワーク基盤の利用促進',
          bars: [
            { label: '検討', from: 2012, to: 2012, state: 'in_progress', overdue: true },
            { label: '運用', from: 2013, to: 2015, state: 'done', overdue: false },
          ],
        },
        { label: '1-1-2', bars: [{ label: '整備', from: 2014, to: 2015, state: 'unknown', overdue: false }] },
      ],
      stateLabels,
      marker: { at: 2013.5, label: 'FY2013-Q2 末' },
    });
    // Assess
    expect(count(svg, /<g class="milestone/g)).toBe(3);
    expect(count(svg, /<g class="milestone overdue"/g)).toBe(1);
    expect(svg).toContain('<title>検討 (FY2012): 実施中・期限超過</title>');
    expect(svg).toMatch(/>! 検[^<]*<\/text>/);
    expect(svg).toContain('FY2013-Q2 末</text>');
    for (const word of Object.values(stateLabels)) expect(svg).toContain(word);
  });
});

describe('statusStrip', () => {
  it('gives every cell a heading, a glyph and a title', () => {
    // Act
    const svg = statusStrip({
      id: 's',
      title: 't',
      description: 'd',
      cells: [
        { label: 'FY2013\nQ1', text: '○', swatch: statusSwatches.green, title: 'FY2013 Q1: 予定どおり' },
        { label: 'FY2013\nQ2', text: '×', swatch: statusSwatches.red, title: 'FY2013 Q2: 遅延' },
      ],
    });
    // Assess
    expect(count(svg, /<g class="cell"><title>/g)).toBe(2);
    expect(svg).toContain('>Q2</text>');
    expect(svg).toContain('>×</text>');
  });
});

describe('fitText', () => {
  it('cuts long Japanese text with an ellipsis to the width it may take', () => {
    // Act
    const cut = fitText('市内情報通信ネットワーク基盤の利用促進', 160, 16);
    // Assess
    expect(cut.endsWith('…')).toBe(true);
    expect(textWidth(cut, 16)).toBeLessThanOrEqual(160);
    expect(fitText('短い', 160, 16)).toBe('短い');
  });
});
