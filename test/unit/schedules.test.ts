/**
 * The schedules defined once (shared/schedules.ts): EventBridge → croner conversion, fire times in
 * Asia/Tokyo across fiscal-year boundaries, and the inputs the functions receive.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CompileQuarterInputSchema, scheduledTimePlaceholder, SendRemindersInputSchema } from '#events/schedule-inputs';
import { resolveQuarter } from '#shared/domain/compile';
import { addDays, formatQuarter, jstDate, jstTime, quarterOf, type Quarter } from '#shared/domain/fiscal';
import { defaultReminderConfig, parseReminderConfig, quarterCompileDay, reportDueDate } from '#shared/domain/reminders';
import {
  compileDays,
  compileSchedules,
  compilesAroundScheduledCompile,
  inputAt,
  occurrences,
  ScheduleExpressionError,
  scheduledCompileTime,
  schedulesFor,
  toCronerPattern,
  type ScheduleDefinition,
} from '#shared/schedules';

/** The schedules under the default reminder rules (reports due 10 days after the quarter ends). */
const schedules = schedulesFor(defaultReminderConfig);

/** The reminder rules with reports due `days` after the quarter ends. */
const dueAfter = (days: number) => parseReminderConfig({ report: { dueDaysAfterQuarterEnd: days } });

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
  it('send reminders daily at 09:00 and compile on day 11 after each quarter closes (the default rules), in Asia/Tokyo', () => {
    // Prepare / Act
    const reminders = byName('send-reminders');
    const compile = byName('compile-quarter');
    // Assess
    expect(reminders.expression).toBe('cron(0 9 * * ? *)');
    expect(compile.expression).toBe('cron(0 6 11 1,4,7,10 ? *)');
    expect(schedules).toHaveLength(2);
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

describe('the compile follows the reminder rules\' due date', () => {
  it('runs on day 21 when the reports are due 20 days after the quarter ends, not 9 days before they are due', () => {
    // Prepare
    const config = dueAfter(20);
    // Act
    const compile = compileSchedules(config);
    const [fired] = occurrences(compile[0]!, '2013-10-01', '2013-12-31');
    // Assess
    expect(compile.map((s) => [s.name, s.expression])).toEqual([['compile-quarter', 'cron(0 6 21 1,4,7,10 ? *)']]);
    expect(reportDueDate('FY2013-Q2', config)).toBe('2013-10-20');
    expect(jstClock(fired!)).toBe('2013-10-21 06:00');
    expect(schedulesFor(config).map((s) => s.name)).toEqual(['send-reminders', 'compile-quarter']);
  });

  it('says in both languages when it runs', () => {
    // Prepare / Act
    const [compile] = compileSchedules(dueAfter(20));
    // Assess
    expect(compile!.description).toBe(
      '報告期限 (四半期終了の20日後) の翌日 6:00 (日本時間) に前四半期を集計 (1月21日・4月21日・7月21日・10月21日) / ' +
        '06:00 JST on the day after the reports are due (20 days after the quarter ends): compile the previous quarter (21 Jan, 21 Apr, 21 Jul, 21 Oct)',
    );
  });

  it('splits into one schedule per day of the month when a due date crosses a month end (30 days: 1 May after Q4)', () => {
    // Prepare
    const config = dueAfter(30);
    // Act
    const compile = compileSchedules(config);
    // Assess
    expect(compileDays(config)).toEqual([
      { quarter: 1, month: 7, day: 31 },
      { quarter: 2, month: 10, day: 31 },
      { quarter: 3, month: 1, day: 31 },
      { quarter: 4, month: 5, day: 1 },
    ]);
    expect(compile.map((s) => [s.name, s.expression])).toEqual([
      ['compile-quarter-q1-q2-q3', 'cron(0 6 31 1,7,10 ? *)'],
      ['compile-quarter-q4', 'cron(0 6 1 5 ? *)'],
    ]);
  });

  it('compiles with 60 days in the second month after the close, Q3 on 2 March (a common year\'s day)', () => {
    // Prepare / Act
    const days = compileDays(dueAfter(60));
    // Assess: 30 June + 61 = 30 August, 30 September + 61 = 30 November, 31 December + 61 = 2 March, 31 March + 61 = 31 May
    expect(days.map((d) => `${d.month}/${d.day}`)).toEqual(['8/30', '11/30', '3/2', '5/31']);
  });

  it.each(Array.from({ length: 61 }, (_, days) => days))(
    'with reports due %i days after the quarter ends, compiles every quarter of FY2012–FY2031 once, at 06:00 JST on the day after the due date (a leap year\'s Q3 at most a day later), as the quarter "previous" names',
    (days) => {
      // Prepare
      const config = dueAfter(days);
      const list = compileSchedules(config);
      // Act
      const fires = list.flatMap((s) => occurrences(s, '2012-07-01', '2032-06-30'));
      // Assess
      const quarters: { q: string; expected: string }[] = [];
      for (let fiscalYear = 2012; fiscalYear <= 2031; fiscalYear += 1) {
        for (const quarter of [1, 2, 3, 4] as Quarter[]) {
          const q = formatQuarter({ fiscalYear, quarter });
          quarters.push({ q, expected: quarterCompileDay(q, config) });
        }
      }
      expect(fires).toHaveLength(quarters.length);
      for (const { q, expected } of quarters) {
        const due = reportDueDate(q, config);
        const fired = fires.filter((f) => resolveQuarter('previous', f) === q);
        expect(fired, q).toHaveLength(1);
        const day = jstDate(fired[0]!);
        expect(jstTime(fired[0]!), q).toBe('06:00');
        expect(day > due, `${q}: compiled ${day}, due ${due}`).toBe(true);
        // Only where February's length matters (Q3, 59 or 60 days, a leap year) is it a day later.
        const februaryAfter = `${Number(q.slice(2, 6)) + 1}-02-28`;
        const leapQ3 = q.endsWith('-Q3') && days >= 59 && addDays(februaryAfter, 1).endsWith('-02-29');
        expect(day, q).toBe(leapQ3 ? addDays(expected, 1) : expected);
        expect(scheduledCompileTime(q, config).getTime(), q).toBe(fired[0]!.getTime());
      }
    },
  );
});

describe('a report written around the scheduled compile', () => {
  // FY2013-Q2 is compiled at 06:00 JST on 2013-10-11 (21:00 UTC the day before)
  const at = (iso: string) => compilesAroundScheduledCompile('FY2013-Q2', new Date(iso), defaultReminderConfig);

  it.each([
    ['2013-10-10T20:54:59.999Z', false], // more than 5 minutes before: the compile's read of the index will show it
    ['2013-10-10T20:55:00.000Z', true],
    ['2013-10-10T21:00:00.000Z', true],
    ['2013-10-11T09:00:00.000Z', true], // 12 hours after: the scheduled run may still start (Scheduler's retries, then Lambda's)
    ['2013-10-11T09:00:00.001Z', false], // after that, a quarter never compiled is compiled on demand
  ])('submitted at %s compiles its quarter itself: %s', (iso, expected) => {
    // Prepare / Act / Assess
    expect(at(iso)).toBe(expected);
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
        (month) => `${month}-11 06:00`,
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
