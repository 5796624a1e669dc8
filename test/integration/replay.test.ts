/**
 * `shinchoku replay` end to end on a short window (its own in-memory local stack, so this file runs
 * alone in its worker): 2012-06-24 … 2012-07-12 covers the FY2012-Q1 reminders before, on and after
 * the due date and the compile of FY2012-Q1 on 11 July (the day after the reports are due) with its
 * digest; one scripted report is accepted, one (a 課 reporting a 事業 it does not own) refused.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { formatReplaySummary, runReplay, type ReplayEntry, type ReplaySummary } from '#cli/replay';
import type { Directory } from '#shared/domain/directory';
import { measuresOwnedBy } from '#shared/domain/ownership';
import type { PlanFile } from '#shared/domain/plan';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';

const script: ReplayEntry[] = [
  { date: '2012-07-03', kaId: 'sogo-seisaku', report: { measureId: '2-2-3', quarter: 'FY2012-Q1', status: '予定どおり', person: '山田 太郎' } },
  { date: '2012-07-04', kaId: 'zeimu', report: { measureId: '2-2-7', quarter: 'FY2012-Q1', status: '予定どおり', person: '佐藤 花子' } },
];

let summary: ReplaySummary;
let plan: PlanFile;
let directory: Directory;
beforeAll(async () => {
  ({ plan } = await readPlanFile());
  directory = await readDirectoryFile();
  summary = await runReplay({ from: '2012-06-24', to: '2012-07-12', script });
}, 180_000);

/** Mails of one reminder day to a 部会: its own and one to each of its 課 that owns 事業. */
const mailsPerDay = (bukaiName: string) => 1 + directory.ka.filter((ka) => ka.bukai === bukaiName && measuresOwnedBy(plan, ka).length > 0).length;

describe('replay of 2012-06-24 … 2012-07-12', () => {
  it('fires the reminders every day and the compile once, on its day', () => {
    // Prepare / Act / Assess
    expect(summary.days).toBe(19);
    expect(summary.firings['send-reminders']).toEqual({ ok: 19, failed: 0 });
    expect(summary.firings['compile-quarter']).toEqual({ ok: 1, failed: 0 });
    expect(summary.compiles.quarters).toEqual(['FY2012-Q1']);
  });

  it('sends each 部会 the four FY2012-Q1 report reminders (14 and 3 days before, on the day, 1 day after), nothing else', () => {
    // Prepare / Act
    const perBukai = Object.values(summary.reminders.byBukai);
    // Assess
    expect(perBukai).toHaveLength(6);
    for (const bukai of perBukai) expect(bukai).toMatchObject({ 'report-due': 4 * mailsPerDay(bukai.name), milestone: 0, escalation: 0 });
    expect(summary.reminders.total).toBe(directory.bukai.reduce((n, b) => n + 4 * mailsPerDay(b.name), 0));
    expect(summary.coverage.quarters).toEqual({ expected: 1, reminded: 1, missing: [] });
  });

  it('lets compile → digest flow: the FY2012-Q1 digest is sent, and it is the only other mail', () => {
    // Prepare / Act / Assess
    expect(summary.digests.quarters).toEqual(['FY2012-Q1']);
    expect(summary.mails.total).toBe(summary.reminders.total + summary.digests.quarters.length);
  });

  it('submits scripted reports through submitReport: the owner is accepted, a 課 that does not own the 事業 is refused', () => {
    // Prepare / Act / Assess
    expect(summary.reports).toMatchObject({ scripted: 2, accepted: 1, duplicate: 0, outsideWindow: 0 });
    expect(summary.reports.refused).toEqual([expect.objectContaining({ index: 1, kaId: 'zeimu', reason: expect.stringContaining('担当部署ではありません') })]);
    expect(summary.problems).toHaveLength(1);
  });

  it('prints a bilingual summary with the time it took', () => {
    // Prepare / Act
    const text = formatReplaySummary(summary);
    // Assess
    expect(text).toContain('再生結果 / replay summary: 2012-06-24 〜 2012-07-12');
    const kikaku = 4 * mailsPerDay('企画専門部会');
    expect(text).toMatch(new RegExp(`企画専門部会 \\(kikaku\\)\\s+${kikaku}\\s+0\\s+0\\s+${kikaku}`));
    expect(text).toContain('所要時間 / elapsed');
    expect(summary.seconds.total).toBeGreaterThan(0);
  });
});
