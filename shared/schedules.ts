/**
 * Every scheduled job, defined once. The CDK stack turns each entry into an EventBridge Scheduler
 * schedule (infra/schedules.ts); the local stack fires the same entries with croner
 * (local/scheduler.ts); `shinchoku replay` walks their occurrences on a simulated clock. So the three
 * cannot disagree about when a job runs. The quarterly compile follows the reminder rules (the day
 * after the reports are due), so all three take the schedules from {@link schedulesFor} with the rules
 * the functions get (the CDK context `reminders`, REMINDER_CONFIG locally).
 *
 * Expressions use EventBridge Scheduler syntax — `cron(minutes hours day-of-month month day-of-week
 * year)`, day-of-week 1–7 = SUN–SAT, `?` in one of the two day fields — and are read in Asia/Tokyo.
 * {@link toCronerPattern} translates them for croner; {@link occurrences} lists the fire times.
 */
import { Cron, type CronOptions } from 'croner';
import { scheduledCompileInput, scheduledRemindersInput, scheduledTimePlaceholder } from '#events/schedule-inputs';
import { formatQuarter, parseQuarter, startOfJstDay, type LocalDate, type Quarter } from './domain/fiscal.ts';
import { quarterCompileDay, type ReminderConfig } from './domain/reminders.ts';

/** The one time zone every schedule is read in. */
export const scheduleTimezone = 'Asia/Tokyo';

/** One scheduled job. */
export interface ScheduleDefinition {
  /** Stable name (also the Scheduler schedule's logical id). */
  readonly name: string;
  /** EventBridge Scheduler cron expression, e.g. `cron(0 9 * * ? *)`. */
  readonly expression: string;
  /** Time zone the expression is read in. */
  readonly timezone: typeof scheduleTimezone;
  /** Folder under `functions/` whose handler the schedule invokes. */
  readonly fn: string;
  /** The handler's input; {@link scheduledTimePlaceholder} is filled with the fire time. */
  readonly input: Readonly<Record<string, unknown>>;
  /** One line for the console and the README, Japanese / English. */
  readonly description: string;
}

/** The calendar day (in the months after it closes) the compile of a quarter runs on. */
export interface CompileDay {
  /** The quarter compiled: 1 = April–June (compiled in July or August) … 4 = January–March. */
  readonly quarter: Quarter;
  readonly month: number;
  readonly day: number;
}

/**
 * Fiscal years whose Q4 spans a leap year (FY2015: 2016) and common years: the compile day of a
 * quarter is computed in each, and the later one kept (see {@link compileDays}).
 */
const referenceFiscalYears = [2012, 2013, 2014, 2015] as const;

/**
 * Per quarter, the month and day its compile runs: the day after its reports are due,
 * {@link quarterCompileDay} (quarter end + `report.dueDaysAfterQuarterEnd` + 1), which can fall in the
 * month after the one following the close (30 days after 31 March is 1 May). A cron expression has no
 * year arithmetic, so where leap years differ — Q3 (closing 31 December) with 59 or 60 days — the
 * common year's day is kept: in a leap year that compile runs one day later than the day after the
 * due date (1 or 2 March), never before it.
 */
export function compileDays(config: ReminderConfig): CompileDay[] {
  return ([1, 2, 3, 4] as const).map((quarter) => {
    const latest = referenceFiscalYears
      .map((fiscalYear) => quarterCompileDay(formatQuarter({ fiscalYear, quarter }), config))
      // The candidate days of one quarter lie in the same calendar year, so MM-DD compares them.
      .reduce((a, b) => (b.slice(5) > a.slice(5) ? b : a));
    return { quarter, month: Number(latest.slice(5, 7)), day: Number(latest.slice(8, 10)) };
  });
}

/** The hour (JST) of the quarterly compile. */
const compileHourJst = 6;

const monthNamesEn = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/**
 * The quarterly compile at 06:00 JST on {@link compileDays}: one schedule when the day of the month is
 * the same for every quarter (`compile-quarter`, e.g. `cron(0 6 11 1,4,7,10 ? *)` with the default 10
 * days), else one per day of the month, named by the quarters it compiles (`compile-quarter-q1-q2-q3`,
 * `compile-quarter-q4`). Each fires once a year per quarter it names, so each quarter is compiled once.
 */
export function compileSchedules(config: ReminderConfig): ScheduleDefinition[] {
  const dueDays = config.report.dueDaysAfterQuarterEnd;
  const byDay = new Map<number, CompileDay[]>();
  for (const c of compileDays(config)) byDay.set(c.day, [...(byDay.get(c.day) ?? []), c]);
  const groups = [...byDay.values()];
  return groups.map((days) => {
    const months = days.map((d) => d.month).sort((a, b) => a - b);
    const day = days[0]!.day;
    return {
      name: groups.length === 1 ? 'compile-quarter' : `compile-quarter-${days.map((d) => `q${d.quarter}`).join('-')}`,
      expression: `cron(0 ${compileHourJst} ${day} ${months.join(',')} ? *)`,
      timezone: scheduleTimezone,
      fn: 'compile-quarter',
      // { quarter: 'previous', scheduledTime: <placeholder> }, as the compile's input schema defines it.
      input: scheduledCompileInput,
      description:
        `報告期限 (四半期終了の${dueDays}日後) の翌日 6:00 (日本時間) に前四半期を集計 (${months.map((m) => `${m}月${day}日`).join('・')}) / ` +
        `06:00 JST on the day after the reports are due (${dueDays} days after the quarter ends): compile the previous quarter ` +
        `(${months.map((m) => `${day} ${monthNamesEn[m - 1]}`).join(', ')})`,
    };
  });
}

/**
 * How long Scheduler, and then Lambda's asynchronous invocation, each keep retrying a scheduled run
 * (the stack's `maximumEventAge`) before it goes to the dead-letter queue. Lambda counts its own from
 * when Scheduler handed the run over, so a run may first start up to twice this after its time.
 */
export const scheduledRunMaxAgeHours = 6;

/**
 * The instant the scheduled compile of `quarter` fires: 06:00 JST on its compile day
 * ({@link quarterCompileDay}), or the day after in a leap year's Q3 (see {@link compileDays}).
 */
export function scheduledCompileTime(quarter: string, config: ReminderConfig): Date {
  const { month, day } = compileDays(config).find((d) => d.quarter === parseQuarter(quarter).quarter)!;
  // The schedule's month and day, in the calendar year of the compile day (they never straddle a new year).
  const year = quarterCompileDay(quarter, config).slice(0, 4);
  const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return new Date(startOfJstDay(date).getTime() + compileHourJst * 3_600_000);
}

/**
 * How long before its scheduled compile a report may still be missing from the quarter index the
 * compile reads (the index is eventually consistent: normally well under a second behind).
 */
export const quarterIndexLagAllowanceMs = 5 * 60_000;

/**
 * Whether a report submitted at `submittedAt` must compile its quarter itself even when no compile has
 * stored the quarter yet: from {@link quarterIndexLagAllowanceMs} before the scheduled compile of its
 * quarter, whose read of the index may not show it yet, until that compile can no longer start (twice
 * {@link scheduledRunMaxAgeHours}: Scheduler's retries, then Lambda's). Before that window the scheduled compile will read the report;
 * after it, a quarter never compiled (a plan loaded after its quarters closed) is compiled on demand.
 * The compile lease orders the two compiles, so whichever runs second sees the report.
 */
export function compilesAroundScheduledCompile(quarter: string, submittedAt: Date, config: ReminderConfig): boolean {
  const at = scheduledCompileTime(quarter, config).getTime();
  const t = submittedAt.getTime();
  return t >= at - quarterIndexLagAllowanceMs && t <= at + 2 * scheduledRunMaxAgeHours * 3_600_000;
}

/** The schedules of the system under the reminder rules `config` (the compile follows their due date). */
export function schedulesFor(config: ReminderConfig): ScheduleDefinition[] {
  return [
    {
      name: 'send-reminders',
      expression: 'cron(0 9 * * ? *)',
      timezone: scheduleTimezone,
      fn: 'send-reminders',
      input: scheduledRemindersInput,
      description: '毎日 9:00 (日本時間) に期限の近い報告・スケジュールを各専門部会へ通知 / daily 09:00 JST: reminders to each 専門部会',
    },
    ...compileSchedules(config),
  ];
}

/** The distinct functions the schedules invoke, in schedule order (the same whatever the reminder rules). */
export function scheduleFunctions(list: readonly ScheduleDefinition[]): string[] {
  return [...new Set(list.map((s) => s.fn))];
}

/** An expression this module cannot read. */
export class ScheduleExpressionError extends Error {
  constructor(
    readonly expression: string,
    ja: string,
    en: string,
  ) {
    super(`スケジュール式を読み取れません / cannot read schedule expression ${JSON.stringify(expression)}: ${ja} / ${en}`);
    this.name = 'ScheduleExpressionError';
  }
}

/** The six fields of an EventBridge cron expression. */
export interface EventBridgeCron {
  minutes: string;
  hours: string;
  dayOfMonth: string;
  month: string;
  dayOfWeek: string;
  year: string;
}

/** Splits `cron(…)` into its six fields, checking the rules EventBridge itself enforces. */
export function parseEventBridgeCron(expression: string): EventBridgeCron {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  if (!match) {
    throw new ScheduleExpressionError(expression, 'cron(…) 式だけを扱います', 'only cron(…) expressions are supported');
  }
  const fields = match[1]!.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new ScheduleExpressionError(
      expression,
      `項目は6つ (分 時 日 月 曜日 年) です。${fields.length}個あります`,
      `expected 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`,
    );
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new ScheduleExpressionError(
      expression,
      '日と曜日のどちらか一方だけを ? にしてください',
      'exactly one of day-of-month and day-of-week must be "?"',
    );
  }
  if ([minutes, hours, month, year].includes('?')) {
    throw new ScheduleExpressionError(expression, '? は日か曜日にだけ使えます', '"?" is allowed only in the day fields');
  }
  return { minutes, hours, dayOfMonth, month, dayOfWeek, year };
}

/** EventBridge numbers weekdays 1–7 from Sunday, croner 0–6; names (MON-FRI) mean the same in both. */
function toCronerWeekdays(field: string, expression: string): string {
  // Numbers after '#' (the n-th weekday) or '/' (a step) are counts, not weekdays.
  return field.replace(/(?<![#/\d])(\d+)/g, (digits) => {
    const day = Number(digits);
    if (day < 1 || day > 7) {
      throw new ScheduleExpressionError(expression, '曜日は 1 (日) 〜 7 (土) です', 'day-of-week numbers are 1 (SUN) to 7 (SAT)');
    }
    return String(day - 1);
  });
}

/**
 * The croner pattern for an EventBridge cron expression: seconds first, `?` as `*` (in croner `?`
 * means "the value at start-up"), weekdays renumbered, the year field kept when it is not `*`.
 * `cron(0 9 * * ? *)` → `0 0 9 * * *`.
 */
export function toCronerPattern(expression: string): string {
  const f = parseEventBridgeCron(expression);
  const wild = (field: string) => (field === '?' ? '*' : field);
  const dayOfWeek = f.dayOfWeek === '?' ? '*' : toCronerWeekdays(f.dayOfWeek, expression);
  const parts = ['0', f.minutes, f.hours, wild(f.dayOfMonth), f.month, dayOfWeek];
  if (f.year !== '*') parts.push(f.year);
  const pattern = parts.join(' ');
  try {
    // croner checks every field (ranges, steps, names); its complaint is passed on as ours.
    new Cron(pattern, { ...cronSyntax, paused: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ScheduleExpressionError(expression, `読み取れない項目があります (${reason})`, `a field cannot be read (${reason})`);
  }
  return pattern;
}

/**
 * EventBridge's step syntax: a step may start at a number (`0/15` = 0, 15, 30, 45), which croner
 * reads only with `sloppyRanges`.
 */
const cronSyntax: CronOptions = { sloppyRanges: true };

/** The croner options every schedule runs with. */
export function cronerOptions(schedule: Pick<ScheduleDefinition, 'timezone'>): CronOptions {
  // OR-ing day-of-month with day-of-week only matters when both are set; EventBridge never allows that.
  return { ...cronSyntax, timezone: schedule.timezone, domAndDow: false };
}

/**
 * A croner job for a schedule: paused (for computing fire times) when `run` is omitted, running
 * `run` at each fire time otherwise.
 */
export function cronFor(
  schedule: ScheduleDefinition,
  run?: (fireTime: Date) => void | Promise<void>,
  options: CronOptions = {},
): Cron {
  const pattern = toCronerPattern(schedule.expression);
  const merged: CronOptions = { ...cronerOptions(schedule), ...options };
  if (!run) return new Cron(pattern, { ...merged, paused: true });
  // EventBridge schedules have minute precision: the run a timer woke up for is the start of its minute,
  // even when the timer fired a little late.
  return new Cron(pattern, merged, (self: Cron) => run(new Date(Math.floor((self.currentRun() ?? new Date()).getTime() / 60_000) * 60_000)));
}

/**
 * Every instant `schedule` fires from the start of JST day `from` through the end of JST day `to`,
 * in order. Used by `shinchoku replay` to walk a simulated clock.
 */
export function occurrences(schedule: ScheduleDefinition, from: LocalDate, to: LocalDate): Date[] {
  const start = startOfJstDay(from);
  const end = startOfJstDay(to).getTime() + 86_400_000;
  if (start.getTime() >= end) return [];
  const cron = cronFor(schedule);
  const found: Date[] = [];
  // nextRun(t) is strictly after t, so start one millisecond early to include a run at 00:00.
  for (let next = cron.nextRun(new Date(start.getTime() - 1)); next && next.getTime() < end; next = cron.nextRun(next)) {
    found.push(next);
  }
  return found;
}

/** EventBridge's form of a scheduled time: ISO 8601 UTC without milliseconds. */
export function scheduledTimeText(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The schedule's input for one fire time: every placeholder replaced, as EventBridge Scheduler does. */
export function inputAt(schedule: Pick<ScheduleDefinition, 'input'>, fireTime: Date): Record<string, unknown> {
  const text = JSON.stringify(schedule.input).split(scheduledTimePlaceholder).join(scheduledTimeText(fireTime));
  return JSON.parse(text) as Record<string, unknown>;
}
