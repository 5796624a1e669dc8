/**
 * `shinchoku replay` checks its window against the plan it loads (cli/replay.ts): a window wholly
 * outside the days the plan's schedules act on is refused before any stack starts, in Japanese and
 * English; one partly outside is replayed with a warning.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '#cli/main';
import { UsageError, type Output } from '#cli/output';
import { checkReplayWindow, planReplaySpan, runReplay } from '#cli/replay';
import { defaultReminderConfig } from '#shared/domain/reminders';
import { readPlanFile } from '#shared/plan-file';

const sakuradaiPlan = fileURLToPath(new URL('../fixtures/sakuradai/plan.json', import.meta.url));
const sakuradaiDirectory = fileURLToPath(new URL('../fixtures/sakuradai/directory.json', import.meta.url));

describe('the replay window and the plan period', () => {
  it('spans the plan from the first reminder before its first April to the last escalation after its last quarter', async () => {
    // Prepare
    const { plan } = await readPlanFile(sakuradaiPlan);
    // Act
    const span = planReplaySpan(plan, defaultReminderConfig);
    // Assess: FY2019–FY2023, milestone reminders 30 days before 2019-04-01, FY2023-Q4 due 2024-04-10
    expect(span.from).toBe('2019-03-02');
    expect(span.to > '2024-04-10').toBe(true);
    expect(span.to < '2024-06-01').toBe(true);
  });

  it('refuses a window wholly outside the plan (the 下野市 dates with the 令和 plan), saying so in both languages', async () => {
    // Prepare
    const { plan } = await readPlanFile(sakuradaiPlan);
    // Act
    const act = () => checkReplayWindow(plan, '2012-06-24', '2012-07-12', defaultReminderConfig);
    // Assess
    expect(act).toThrow(UsageError);
    try {
      act();
    } catch (error) {
      const { ja, en } = error as UsageError;
      expect(ja).toContain('再生期間 2012-06-24〜2012-07-12 は桜台市の計画期間 令和元年度〜令和5年度の外です');
      expect(en).toContain('lies outside the plan period of sakuradai, FY2019–FY2023');
    }
  });

  it('warns about a window partly outside the plan, and accepts one inside without a word', async () => {
    // Prepare
    const { plan } = await readPlanFile(sakuradaiPlan);
    // Act
    const partly = checkReplayWindow(plan, '2018-12-01', '2019-07-12', defaultReminderConfig);
    const inside = checkReplayWindow(plan, '2019-06-24', '2019-07-12', defaultReminderConfig);
    // Assess
    expect(partly).toEqual([expect.stringMatching(/^再生期間 2018-12-01〜2019-07-12 の一部は桜台市の計画期間.* \/ part of the window 2018-12-01 … 2019-07-12 lies outside/)]);
    expect(inside).toEqual([]);
  });

  it('refuses before starting a stack', async () => {
    // Prepare
    let started = false;
    // Act
    const replay = runReplay({
      from: '2030-04-01',
      to: '2030-06-30',
      planFile: sakuradaiPlan,
      directoryFile: sakuradaiDirectory,
      startStack: () => {
        started = true;
        throw new Error('no stack expected');
      },
    });
    // Assess
    await expect(replay).rejects.toThrow(UsageError);
    expect(started).toBe(false);
  });
});

describe('shinchoku replay --plan', () => {
  it('reads the given plan: 下野市 dates with 桜台市’s plan are refused with exit code 2, in both languages', async () => {
    // Prepare
    const err: string[] = [];
    const out: Output = { data: () => undefined, info: () => undefined, error: (ja, en) => err.push(`${ja}\n${en}`) };
    // Act
    const code = await main(['replay', '--from', '2012-06-24', '--to', '2012-07-12', '--plan', sakuradaiPlan, '--directory', sakuradaiDirectory], out);
    // Assess
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/桜台市の計画期間 令和元年度〜令和5年度の外です[\s\S]*outside the plan period of sakuradai, FY2019–FY2023/);
  });
});
