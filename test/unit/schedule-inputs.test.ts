/**
 * The compile-quarter input (events/schedule-inputs.ts), its samples, the schedule that sends it
 * (shared/schedules.ts) and which quarter "previous" means (resolveQuarter in shared/domain/compile.ts).
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CompileQuarterInputSchema, scheduledCompileInput } from '#events/schedule-inputs';
import { isWithinPlanPeriod, resolveQuarter } from '#shared/domain/compile';
import { formatQuarter, quartersBetween } from '#shared/domain/fiscal';
import { readPlanFile } from '#shared/plan-file';
import { defaultReminderConfig } from '#shared/domain/reminders';
import { inputAt, occurrences, schedulesFor } from '#shared/schedules';

async function sample(name: string): Promise<unknown> {
  return JSON.parse(await readFile(new URL(`../../events/samples/${name}`, import.meta.url), 'utf8'));
}

describe('compile-quarter input', () => {
  it.each(['compile-quarter-scheduled.json', 'compile-quarter-on-demand.json'])('accepts the sample %s', async (name) => {
    expect(CompileQuarterInputSchema.safeParse(await sample(name)).success).toBe(true);
  });

  it.each([
    [{ quarter: '2013-Q2' }],
    [{ quarter: 'FY2013-Q5' }],
    [{ quarter: 'previous', scheduledTime: 'yesterday' }],
    [{}],
  ])('refuses %j with a bilingual message', (input) => {
    // Act
    const parsed = CompileQuarterInputSchema.safeParse(input);
    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message).join('\n')).toMatch(/[ぁ-んァ-ヶ一-龠].* \/ [a-z]/);
  });

  it('is what the quarterly schedule sends, for every fire time of the plan period', async () => {
    // Prepare
    const { plan } = await readPlanFile();
    const schedule = schedulesFor(defaultReminderConfig).find((s) => s.fn === 'compile-quarter');
    // Act
    const fires = schedule ? occurrences(schedule, '2012-04-01', '2016-06-30') : [];
    const quarters = fires.map((at) => {
      const input = CompileQuarterInputSchema.parse(inputAt(schedule!, at));
      return resolveQuarter(input.quarter, new Date(input.scheduledTime!));
    });
    // Assess
    // The first run (5 April 2012) names the quarter before the plan, which the handler skips.
    expect(schedule?.input).toEqual(scheduledCompileInput);
    expect(quarters).toEqual(['FY2011-Q4', ...quartersBetween(2012, 2015).map(formatQuarter)]);
    expect(quarters.map((q) => isWithinPlanPeriod(plan, q))).toEqual([false, ...Array<boolean>(16).fill(true)]);
  });
});

describe('resolveQuarter', () => {
  it.each([
    ['2013-09-30T14:59:59Z', 'FY2013-Q1'], // 23:59 JST on 30 September: still Q2, so Q1
    ['2013-09-30T15:00:00Z', 'FY2013-Q2'], // 00:00 JST on 1 October: Q3, so Q2
    ['2014-01-05T06:00:00+09:00', 'FY2013-Q3'],
    ['2014-04-05T06:00:00+09:00', 'FY2013-Q4'], // across the fiscal-year boundary
    ['2013-04-05T06:00:00+09:00', 'FY2012-Q4'],
  ])('"previous" at %s is %s', (at, expected) => {
    expect(resolveQuarter('previous', new Date(at))).toBe(expected);
  });

  it('writes a named quarter canonically, whatever the clock', () => {
    expect(resolveQuarter('H25 Q2', new Date('2020-01-01T00:00:00Z'))).toBe('FY2013-Q2');
  });
});
