/**
 * Naming reports and quarters when reading: references, the default quarter, `?quarter=`.
 */
import { describe, expect, it } from 'vitest';
import { defaultQuarter, parseReportReference, receiptOf, ReportReceiptSchema, resolveQuarter } from '#shared/domain/report-query';
import { reportReference, type StoredReport } from '#shared/domain/report';

const period = { from: 2012, to: 2015 };

describe('report references', () => {
  it.each([
    ['2-2-3', 'FY2013-Q2', 1],
    ['1-10-12', 'FY2015-Q4', 27],
  ])('reads back what reportReference writes (%s %s v%d)', (measureId, quarter, version) => {
    // Prepare
    const reference = reportReference(measureId, quarter, version);
    // Act
    const key = parseReportReference(reference);
    // Assess
    expect(key).toEqual({ measureId, quarter, version });
  });

  it('reads a reference typed in lower case or with full-width characters', () => {
    expect(parseReportReference('fy2013-q2-2-2-3-v1')).toEqual({ quarter: 'FY2013-Q2', measureId: '2-2-3', version: 1 });
    expect(parseReportReference('ＦＹ２０１３－Ｑ２－２－２－３－ｖ２')).toEqual({ quarter: 'FY2013-Q2', measureId: '2-2-3', version: 2 });
  });

  it.each(['', 'FY2013-Q2-2-2-3', 'FY2013-Q5-2-2-3-v1', 'FY2013-Q2-2-2-v1', 'FY2013-Q2-2-2-3-v0', 'FY13-Q2-2-2-3-v1', 'FY2013-Q2-2-2-3-v1x'])(
    'refuses "%s"',
    (text) => {
      expect(parseReportReference(text)).toBeUndefined();
    },
  );
});

describe('the quarter asked for', () => {
  it.each([
    // JST: 2013-03-31T15:00Z is already 2013-04-01, the first day of FY2013.
    ['2013-03-31T14:59:59Z', 'FY2012-Q4'],
    ['2013-03-31T15:00:00Z', 'FY2013-Q1'],
    ['2013-08-15T00:00:00Z', 'FY2013-Q2'],
    // Before the plan: its first quarter; after it: its last.
    ['2011-06-01T00:00:00Z', 'FY2012-Q1'],
    ['2026-11-25T00:00:00Z', 'FY2015-Q4'],
  ])('defaults at %s to %s', (instant, expected) => {
    expect(defaultQuarter(period, new Date(instant))).toBe(expected);
    expect(resolveQuarter(undefined, period, new Date(instant))).toEqual({ quarter: expected });
    expect(resolveQuarter('  ', period, new Date(instant))).toEqual({ quarter: expected });
  });

  it('reads a quarter as offices write it and answers the canonical form', () => {
    expect(resolveQuarter('平成25年度第2四半期', period, new Date())).toEqual({ quarter: 'FY2013-Q2' });
    expect(resolveQuarter('FY2013-Q2', period, new Date())).toEqual({ quarter: 'FY2013-Q2' });
  });

  it.each([
    ['Q9', /読み取れません/],
    ['FY2016-Q1', /計画期間/],
    ['FY2011-Q4', /計画期間/],
  ])('refuses "%s", naming the field in both languages', (text, ja) => {
    // Act
    const resolved = resolveQuarter(text, period, new Date());
    // Assess
    expect(resolved).toMatchObject({ problem: { field: 'quarter', ja: expect.stringMatching(ja), en: expect.stringContaining(text) } });
  });
});

describe('receipts', () => {
  it('carry what a receipt shows and nothing of the report body', () => {
    // Prepare
    const report: StoredReport = {
      measureId: '2-2-3',
      quarter: 'FY2013-Q2',
      kind: 'report',
      status: '予定どおり',
      milestones: [],
      narrative: 'x',
      issues: '',
      nextSteps: '',
      reporter: { kaId: 'sogo-seisaku', ka: '総合政策課', bukai: '企画専門部会', person: '山田' },
      version: 2,
      supersedes: 1,
      reference: 'FY2013-Q2-2-2-3-v2',
      channel: 'api',
      submittedAt: '2013-08-01T00:00:00.000Z',
      attachments: [],
    };
    // Act
    const receipt = receiptOf(report);
    // Assess
    expect(receipt).toEqual({
      reference: 'FY2013-Q2-2-2-3-v2',
      version: 2,
      supersedes: 1,
      measureId: '2-2-3',
      quarter: 'FY2013-Q2',
      submittedAt: '2013-08-01T00:00:00.000Z',
      kind: 'report',
    });
    expect(ReportReceiptSchema.parse(receipt)).toEqual(receipt);
    const { supersedes: _none, ...first } = report;
    expect(Object.keys(receiptOf({ ...first, version: 1 }))).not.toContain('supersedes');
  });
});
