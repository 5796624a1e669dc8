/**
 * `shinchoku replay --plan … --directory …`: another city's plan (桜台市, a 令和 plan FY2019–FY2023,
 * test/fixtures/sakuradai) is what the replay's stack loads and walks. 2019-06-24 … 2019-07-12 covers
 * the FY2019-Q1 report reminders (14 and 3 days before, on the day, 1 day after the due date
 * 2019-07-10) and its compile on 11 July; each of 桜台市's three 部会 gets them, none of 下野市's.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runReplay, type ReplaySummary } from '#cli/replay';
import type { Directory } from '#shared/domain/directory';
import { isInScope } from '#shared/domain/measure-span';
import { measuresOwnedBy } from '#shared/domain/ownership';
import type { PlanFile } from '#shared/domain/plan';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';

const planFile = fileURLToPath(new URL('../fixtures/sakuradai/plan.json', import.meta.url));
const directoryFile = fileURLToPath(new URL('../fixtures/sakuradai/directory.json', import.meta.url));

let summary: ReplaySummary;
let plan: PlanFile;
let directory: Directory;
beforeAll(async () => {
  ({ plan } = await readPlanFile(planFile));
  directory = await readDirectoryFile(directoryFile);
  summary = await runReplay({ from: '2019-06-24', to: '2019-07-12', planFile, directoryFile });
}, 180_000);

/**
 * Mails of one FY2019 reminder day to a 部会: its own and one to each of its 課 that owns 事業 in
 * scope in FY2019 (高齢福祉課's 2-1-1 has its スケジュール from FY2021, but its budget lines from FY2019).
 */
const mailsPerDay = (bukaiName: string) =>
  1 +
  directory.ka.filter((ka) => ka.bukai === bukaiName && measuresOwnedBy(plan, ka).some((m) => isInScope(m, plan.plan.period, 2019))).length;

describe('replay of another city’s plan, 2019-06-24 … 2019-07-12', () => {
  it('sends 桜台市’s three 部会 their four FY2019-Q1 report reminders', () => {
    // Prepare / Act
    const byBukai = summary.reminders.byBukai;
    // Assess
    expect(Object.keys(byBukai).sort()).toEqual(['gyosei', 'kyoiku', 'shimin']);
    for (const bukai of Object.values(byBukai)) expect(bukai).toMatchObject({ 'report-due': 4 * mailsPerDay(bukai.name), escalation: 0 });
    expect(byBukai.shimin).toMatchObject({ 'report-due': 4 * 3 });
    expect(summary.coverage.quarters).toEqual({ expected: 1, reminded: 1, missing: [] });
    expect(summary.reminders.byKind['report-due']).toBeGreaterThan(0);
  });

  it('compiles FY2019-Q1 on its day, with no problems and no warning', () => {
    // Prepare / Act / Assess
    expect(summary.compiles.quarters).toEqual(['FY2019-Q1']);
    expect(summary.digests.quarters).toEqual(['FY2019-Q1']);
    expect(summary.problems).toEqual([]);
    expect(summary.warnings).toEqual([]);
  });
});
