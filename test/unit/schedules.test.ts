/**
 * The schedules defined once (shared/schedules.ts): EventBridge → croner conversion, fire times in
 * Asia/Tokyo across fiscal-year boundaries, and the inputs the functions receive.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CompileQuarterInputSchema } from '#events/schedule-inputs';
import { jstDate, quarterOf } from '#shared/domain/fiscal';
import { defaultReminderConfig, reportDueDate } from '#shared/domain/reminders';
import { SendRemindersInputSchema } from '#shared/reminder-job';
import {
  compileDayAfterQuarterClose,
  inputAt,
  occurrences,
  ScheduleExpressionError,
  scheduledTimePlaceholder,
  schedules,
  toCronerPattern,
  type ScheduleDefinition,
} from '#shared/schedules';

const byName = (name: string): ScheduleDefinition => {
  const schedule = schedules.find((s) => s.name === name);
  if (!schedule) throw new Error(`no schedule ${name}`);
  return schedule;
};

/** A schedule with any expression, for conversion checks through real fire times. */
const withExpression = (expression: string): ScheduleDefinition => ({ ...byName('send-reminders'), expression });

/** JST wall-clock time of an instant: "2012-07-10 09:00". */
const jstClock = (instant: Date): string => new Date(instant.getTime() + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('the schedules', () => {
  it('send reminders daily at 09:00 and compile on the configured day after each quarter closes, in Asia/Tokyo', () => {
    // Prepare / Act
    const reminders = byName('send-reminders');
    const compile = byName('compile-quarter');
    // Assess
    expect(reminders.expression).toBe('cron(0 9 * * ? *)');
    expect(compile.expression).toBe(`cron(0 6 ${compileDayAfterQuarterClose} 1,4,7,10 ? *)`);
    expect(schedules.every((s) => s.timezone === 'Asia/Tokyo')).toBe(true);
    expect(new Set(schedules.map((s) => s.name)).size).toBe(schedules.length);
  });

  it('compile a quarter after its reports are due under the default reminder rules, so the digest names only late ones', () => {
    // Prepare: FY2013-Q2 closes on 30 September
    const due = reportDueDate('FY2013-Q2', defaultReminderConfig);
    // Act
    const [compiled] = occurrences(byName('compile-quarter'), '2013-10-01', '2013-10-31');
    // Assess
    expect(due).toBe('2013-10-10');
    expect(jstDate(compiled!) > due).toBe(true);
    expect(jstDate(compiled!)).toBe('2013-10-11');
  });

  it.each(schedules.map((s) => [s.name, s] as const))('%s invokes a function that exists', (_, schedule) => {
    // Prepare / Act / Assess
    expect(existsSync(fileURLToPath(new URL(`../../functions/${schedule.fn}/handler.ts`, import.meta.url)))).toBe(true);
  });

  it('give each function the input its schema accepts, with the scheduled time filled in', () => {
    // Prepare
    const fireTime = new Date('2012-07-05T21:00:00.000Z');
    // Act
    const compileInput = inputAt(byName('compile-quarter'), fireTime);
    const reminderInput = inputAt(byName('send-reminders'), fireTime);
    // Assess
    expect(CompileQuarterInputSchema.parse(compileInput)).toEqual({ quarter: 'previous', scheduledTime: '2012-07-05T21:00:00Z' });
    expect(SendRemindersInputSchema.parse(reminderInput)).toEqual({ scheduledTime: '2012-07-05T21:00:00Z' });
    expect(JSON.stringify(byName('compile-quarter').input)).toContain(scheduledTimePlaceholder);
  });
});

describe('toCronerPattern', () => {
  it.each([
    ['cron(0 9 * * ? *)', '0 0 9 * * *'],
    ['cron(0 6 5 1,4,7,10 ? *)', '0 0 6 5 1,4,7,10 *'],
    ['cron(30 8 ? * 2-6 *)', '0 30 8 * * 1-5'],
    ['cron(0 10 ? * 1,7 *)', '0 0 10 * * 0,6'],
    ['cron(0 10 ? * 6#3 *)', '0 0 10 * * 5#3'],
    ['cron(0 10 ? * MON-FRI *)', '0 0 10 * * MON-FRI'],
    ['cron(0 12 L * ? 2013)', '0 0 12 L * * 2013'],
  ])('%s → %s', (expression, pattern) => {
    // Prepare / Act / Assess
    expect(toCronerPattern(expression)).toBe(pattern);
  });

  it.each([
    ['rate(1 day)', /only cron/],
    ['cron(0 9 * * ?)', /6 fields/],
    ['cron(0 9 * * * *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 9 ? * ? *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 9 ? * 8 *)', /1 \(SUN\) to 7 \(SAT\)/],
    ['cron(? 9 * * ? *)', /only in the day fields/],
    ['cron(61 9 * * ? *)', /a field cannot be read/],
    ['cron(0 9 * 13 ? *)', /a field cannot be read/],
  ])('refuses %s', (expression, message) => {
    // Prepare / Act / Assess
    expect(() => toCronerPattern(expression)).toThrow(ScheduleExpressionError);
    expect(() => toCronerPattern(expression)).toThrow(message);
  });

  it('numbers weekdays as EventBridge does (1 = Sunday): cron(0 9 ? * 2 *) fires on Mondays', () => {
    // Prepare: 2013-04-01 was a Monday
    // Act
    const fires = occurrences(withExpression('cron(0 9 ? * 2 *)'), '2013-03-30', '2013-04-15');
    // Assess
    expect(fires.map(jstClock)).toEqual(['2013-04-01 09:00', '2013-04-08 09:00', '2013-04-15 09:00']);
  });
});

describe('steps that start at a number, as EventBridge writes them', () => {
  it('fires cron(0/15 9 * * ? *) at 09:00, 09:15, 09:30 and 09:45', () => {
    // Act
    const fires = occurrences(withExpression('cron(0/15 9 * * ? *)'), '2013-04-01', '2013-04-01');
    // Assess
    expect(fires.map(jstClock)).toEqual(['2013-04-01 09:00', '2013-04-01 09:15', '2013-04-01 09:30', '2013-04-01 09:45']);
  });

  it('fires cron(0 9 ? * 2/2 *) on Monday, Wednesday and Friday (EventBridge numbers Sunday 1)', () => {
    // Prepare: 2013-04-01 was a Monday
    // Act
    const fires = occurrences(withExpression('cron(0 9 ? * 2/2 *)'), '2013-04-01', '2013-04-07');
    // Assess
    expect(fires.map(jstDate)).toEqual(['2013-04-01', '2013-04-03', '2013-04-05']);
  });
});

describe('occurrences', () => {
  it('fires the reminders at 09:00 JST every day across the fiscal-year boundary', () => {
    // Prepare / Act
    const fires = occurrences(byName('send-reminders'), '2013-03-30', '2013-04-02');
    // Assess
    expect(fires.map((f) => f.toISOString())).toEqual([
      '2013-03-30T00:00:00.000Z',
      '2013-03-31T00:00:00.000Z',
      '2013-04-01T00:00:00.000Z',
      '2013-04-02T00:00:00.000Z',
    ]);
    expect(fires.map((f) => quarterOf(f).fiscalYear)).toEqual([2012, 2012, 2013, 2013]);
  });

  it('covers 1,461 days of the plan period FY2012–FY2015 with one reminder run each', () => {
    // Prepare / Act
    const fires = occurrences(byName('send-reminders'), '2012-04-01', '2016-03-31');
    // Assess
    expect(fires).toHaveLength(1461);
    expect(new Set(fires.map(jstDate)).size).toBe(1461);
    expect(jstDate(fires[0]!)).toBe('2012-04-01');
    expect(jstDate(fires.at(-1)!)).toBe('2016-03-31');
  });

  it('compiles at 06:00 JST on the configured day after every quarter of the plan period, Q4 in the next calendar year', () => {
    // Prepare / Act
    const fires = occurrences(byName('compile-quarter'), '2012-04-01', '2016-04-30');
    // Assess: 06:00 JST is 21:00 UTC the day before
    expect(fires.map(jstClock)).toEqual(
      ['2012-04', '2012-07', '2012-10', '2013-01', '2013-04', '2013-07', '2013-10', '2014-01', '2014-04', '2014-07', '2014-10', '2015-01', '2015-04', '2015-07', '2015-10', '2016-01', '2016-04'].map(
        (month) => `${month}-${String(compileDayAfterQuarterClose).padStart(2, '0')} 06:00`,
      ),
    );
    expect(fires.every((f) => f.getUTCHours() === 21)).toBe(true);
  });

  it('includes a run at midnight on the first day and none after the last day', () => {
    // Prepare
    const midnight = withExpression('cron(0 0 * * ? *)');
    // Act
    const fires = occurrences(midnight, '2012-04-01', '2012-04-02');
    // Assess
    expect(fires.map(jstClock)).toEqual(['2012-04-01 00:00', '2012-04-02 00:00']);
    expect(occurrences(midnight, '2012-04-02', '2012-04-01')).toEqual([]);
  });

  it('honours a year field', () => {
    // Prepare / Act
    const fires = occurrences(withExpression('cron(0 6 5 1,4,7,10 ? 2013)'), '2012-04-01', '2016-03-31');
    // Assess
    expect(fires.map(jstDate)).toEqual(['2013-01-05', '2013-04-05', '2013-07-05', '2013-10-05']);
  });
});
