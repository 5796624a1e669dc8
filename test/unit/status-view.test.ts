/**
 * What the status API answers: which 事業 a 部会 has, which report is current, which roll-up is the 部会's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compileQuarter } from '#shared/domain/compile';
import type { Directory } from '#shared/domain/directory';
import type { PlanFile } from '#shared/domain/plan';
import type { StoredReport } from '#shared/domain/report';
import type { CompiledMeasureStatus, Rollup } from '#shared/domain/status';
import { inScopeOf } from '#shared/domain/measure-span';
import { bukaiRollup, measureStatusEntries, measuresOfBukai, ReportSummarySchema, statusReports } from '#shared/domain/status-view';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';

let plan: PlanFile;
let directory: Directory;
beforeAll(async () => {
  ({ plan } = await readPlanFile());
  directory = await readDirectoryFile();
});

const bukaiById = (id: string) => directory.bukai.find((b) => b.id === id)!;

function report(measureId: string, version: number, kind: StoredReport['kind'] = 'report'): StoredReport {
  return {
    measureId,
    quarter: 'FY2013-Q2',
    kind,
    status: kind === 'report' ? '予定どおり' : undefined,
    milestones: [],
    narrative: `v${version}`,
    issues: '',
    nextSteps: '',
    reporter: { kaId: 'sogo-seisaku', ka: '総合政策課', bukai: '企画専門部会', person: '山田' },
    version,
    reference: `FY2013-Q2-${measureId}-v${version}`,
    channel: 'api',
    submittedAt: '2013-08-01T00:00:00.000Z',
    attachments: [],
  };
}

describe('the 事業 of a 部会', () => {
  it('are those any of its 課 owns, in plan order, each once', () => {
    // Act
    const kikaku = measuresOfBukai(plan, bukaiById('kikaku')).map((m) => m.id);
    // Assess: 3-1-2 is owned by 総合政策課 and 総務課; 3-1-3 only lists 総合政策課 as related.
    const expected = plan.measures.filter((m) => m.owners.some((o) => o.bukai === '企画専門部会')).map((m) => m.id);
    expect(kikaku).toEqual(expected);
    expect(kikaku).toContain('3-1-2');
    expect(kikaku).not.toContain('3-1-3');
    expect(new Set(kikaku).size).toBe(kikaku.length);
  });

  it("are the 事業 the 部会's roll-up counts, read from the plan's owners, not from the directory's 課", () => {
    // Prepare
    const rollup = compileQuarter({ plan, quarter: 'FY2013-Q2', reports: [], now: new Date('2013-10-11T00:00:00Z') }).rollups.find(
      (r) => r.scope === 'bukai' && r.scopeId === '企画専門部会',
    )!;
    // Act
    const kikaku = measuresOfBukai(plan, bukaiById('kikaku'));
    // Assess
    expect(kikaku).toHaveLength(Object.values(rollup.counts).reduce((a, b) => a + b, 0));
  });

  it('include a 事業 shared with another 部会 in both', () => {
    // 2-2-1 is owned by 市民課 (市民生活) and 総合政策課 (企画).
    expect(measuresOfBukai(plan, bukaiById('shimin-seikatsu')).map((m) => m.id)).toContain('2-2-1');
    expect(measuresOfBukai(plan, bukaiById('kikaku')).map((m) => m.id)).toContain('2-2-1');
  });
});

describe('status entries', () => {
  it('put the current report beside the compiled status, null where there is none', () => {
    // Prepare
    const measures = plan.measures.filter((m) => ['2-2-3', '2-2-5'].includes(m.id));
    const compiled = [{ measureId: '2-2-5', quarter: 'FY2013-Q2', colour: 'red', overdueMilestones: [], budget: { plannedThousandYen: null, executedThousandYen: null } }] as CompiledMeasureStatus[];
    const current = new Map([['2-2-3', report('2-2-3', 2)]]);
    // Act
    const entries = measureStatusEntries(measures, current, compiled, inScopeOf(plan, 'FY2013-Q2'));
    // Assess
    expect(entries).toEqual([
      { measureId: '2-2-3', name: measures[0]!.name, access: 'full', current: current.get('2-2-3'), inScope: true, compiled: null },
      { measureId: '2-2-5', name: measures[1]!.name, access: 'full', current: null, inScope: true, compiled: compiled[0] },
    ]);
  });

  it('give a summary without the person, 課題, 今後の予定, attachments or 受付番号 where the reader may not see the report in full', () => {
    // Prepare
    const measures = plan.measures.filter((m) => ['2-2-3', '2-2-5'].includes(m.id));
    const full: StoredReport = {
      ...report('2-2-3', 2),
      budgetExecutedThousandYen: 441,
      milestones: [{ milestoneId: 'm1', progress: 'in_progress', date: '2013-07-01' }],
      issues: '業者との協議',
      nextSteps: '予算要求',
      attachments: [{ name: 'a.xlsx', contentType: 'application/octet-stream', key: 'mail/abc', bytes: 10 }],
    };
    const current = new Map([['2-2-3', full], ['2-2-5', report('2-2-5', 1)]]);
    // Act
    const entries = measureStatusEntries(measures, current, undefined, () => true, (m) => m.id === '2-2-5');
    // Assess
    expect(entries.map((e) => e.access)).toEqual(['summary', 'full']);
    expect(ReportSummarySchema.safeParse(entries[0]!.current).success).toBe(true);
    expect(entries[0]!.current).toEqual({
      measureId: '2-2-3',
      quarter: 'FY2013-Q2',
      kind: 'report',
      status: '予定どおり',
      milestones: [{ milestoneId: 'm1', progress: 'in_progress', date: '2013-07-01' }],
      budgetExecutedThousandYen: 441,
      narrative: 'v2',
      reporter: { kaId: full.reporter.kaId, ka: full.reporter.ka, bukai: full.reporter.bukai },
      submittedAt: full.submittedAt,
    });
    expect(entries[1]!.current).toBe(current.get('2-2-5'));
  });

  it('leave the 受付番号 and version out of the compiled status of a summary, and in where the report is read in full', () => {
    // Prepare
    const measures = plan.measures.filter((m) => ['2-2-3', '2-2-5'].includes(m.id));
    const compiledOf = (measureId: string, version: number): CompiledMeasureStatus => ({
      measureId,
      quarter: 'FY2013-Q2',
      colour: 'green',
      overdueMilestones: [],
      budget: { plannedThousandYen: null, executedThousandYen: null, fiscalYear: 2013, plannedLines: [] },
      reportStatus: '予定どおり',
      reportReference: `FY2013-Q2-${measureId}-v${version}`,
      reportVersion: version,
    });
    const current = new Map([['2-2-3', report('2-2-3', 2)], ['2-2-5', report('2-2-5', 1)]]);
    // Act
    const entries = measureStatusEntries(measures, current, [compiledOf('2-2-3', 2), compiledOf('2-2-5', 1)], () => true, (m) => m.id === '2-2-5');
    // Assess
    expect(entries[0]!.compiled).not.toHaveProperty('reportReference');
    expect(entries[0]!.compiled).not.toHaveProperty('reportVersion');
    expect(entries[0]!.compiled).toMatchObject({ measureId: '2-2-3', colour: 'green', reportStatus: '予定どおり' });
    expect(entries[1]!.compiled).toEqual(compiledOf('2-2-5', 1));
  });

  it('count only reports that state a status, not a related department\'s comment', () => {
    expect(statusReports([report('2-1-2', 1), report('2-1-2', 2, 'comment')]).map((r) => r.version)).toEqual([1]);
  });

  it('find the 部会 roll-up by the 部会\'s name (the compile job\'s key)', () => {
    // Prepare
    const counts = { green: 1, amber: 0, red: 0, unreported: 0 };
    const rollups: Rollup[] = [
      { quarter: 'FY2013-Q2', scope: 'plan', scopeId: 'all', counts },
      { quarter: 'FY2013-Q2', scope: 'bukai', scopeId: '総務専門部会', counts },
      { quarter: 'FY2013-Q2', scope: 'bukai', scopeId: '企画専門部会', counts: { ...counts, red: 2 } },
    ];
    // Act / Assess
    expect(bukaiRollup(rollups, bukaiById('kikaku'))).toEqual(rollups[2]);
    expect(bukaiRollup(rollups, bukaiById('kyoiku'))).toBeNull();
    expect(bukaiRollup(undefined, bukaiById('kikaku'))).toBeNull();
  });
});
