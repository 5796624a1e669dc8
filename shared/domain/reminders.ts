/**
 * What is due on a given day, and for whom: the rules of the daily reminder job.
 *
 * - A quarterly report is due `report.dueDaysAfterQuarterEnd` days after the quarter ends. Each
 *   owning 課 is reminded `report.daysBefore` days before, on the day (`report.onDueDay`) and
 *   `report.overdueDaysAfter` days after; a report still missing `escalation.chairAfterDays` after
 *   the due date goes to the 部会長, `escalation.secretariatAfterDays` after it also to the plan's
 *   secretariat (総合政策課).
 * - A plan milestone (スケジュール) spans fiscal years; its 課 are reminded
 *   `milestone.daysBeforeStart` days before its first day (1 April of its first year) and
 *   `milestone.daysBeforeEnd` days before its last day (31 March after its last year), unless a
 *   report already marked it done.
 * - A report received for a 事業 and quarter silences that 事業's reminders and escalations.
 * - A report reminder or escalation whose day the job missed (it did not run, or every retry failed)
 *   goes out on a later run, up to `catchUpDays` days late, unless a later step of the same chase
 *   (report reminders; escalations) has come by then; its words count the days from the day it is
 *   sent. Each is named by its quarter, 部会 and step, so whichever run sends it, it goes once.
 *   Milestone reminders go on their day only: their mails are named by the day (their items vary),
 *   so a later run could not tell what went out.
 * - A 事業 is chased for a quarter only when its スケジュール or budget runs in that fiscal year (`isInScope`
 *   in measure-span.ts), as the compile counts it.
 * - Everything due is grouped into one notice per 専門部会 and kind (report-due, milestone,
 *   escalation): each notice becomes one mail. A 事業 owned by 課 of two 部会 is in both notices.
 *
 * Pure: no I/O, no clock, no AWS. Dates come from shared/domain/fiscal.ts only.
 */
import * as z from '../zod.ts';
import { envNames } from '../config/env.ts';
import type { Bukai, Directory, Ka } from './directory.ts';
import {
  addDays,
  daysBetween,
  fiscalYearRange,
  formatQuarter,
  parseQuarter,
  quarterOf,
  quarterRange,
  quartersBetween,
  type LocalDate,
} from './fiscal.ts';
import { inScopeOf } from './measure-span.ts';
import type { FiscalYearSpan, PlanFile } from './plan.ts';
import type { StoredReport } from './report.ts';

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

const dayCount = z
  .int({ error: '日数は整数で指定してください / day counts must be whole numbers' })
  .check(
    z.gte(1, { error: '日数は1以上です / day counts start at 1' }),
    z.lte(120, { error: '日数は120日以内です / day counts are at most 120' }),
  );

/** A list of day offsets, duplicates removed, largest first (the order reminders go out). */
const dayList = z.pipe(
  z
    .array(dayCount, { error: '日数の一覧で指定してください (例: [14, 3]) / expected a list of day counts, e.g. [14, 3]' })
    .check(z.maxLength(10)),
  z.transform((days) => [...new Set(days)].sort((a, b) => b - a)),
);

/**
 * The reminder rules, as a config file section (`"reminders": {…}`) or the REMINDER_CONFIG
 * variable (the same JSON). Every field has a default, so `{}` is the standard configuration.
 */
export const ReminderConfigSchema = z
  .strictObject({
    report: z.prefault(
      z.strictObject({
        dueDaysAfterQuarterEnd: z
          ._default(z.int().check(z.gte(0), z.lte(60)), 10)
          .check(z.describe('report due N days after the quarter ends')),
        daysBefore: z._default(dayList, [14, 3]).check(z.describe('reminders N days before the due date')),
        onDueDay: z._default(z.boolean(), true).check(z.describe('a reminder on the due date itself')),
        overdueDaysAfter: z._default(dayList, [1]).check(z.describe('reminders N days after the due date (to the 部会 and its 課)')),
      }),
      {},
    ),
    escalation: z
      .prefault(
        z.strictObject({
          chairAfterDays: z._default(dayCount, 7).check(z.describe('days after the due date: escalate to the 部会長')),
          secretariatAfterDays: z._default(dayCount, 14).check(z.describe('days after the due date: escalate to the secretariat as well')),
        }),
        {},
      )
      .check(
        z.refine((e) => e.secretariatAfterDays > e.chairAfterDays, {
          error: '事務局への連絡は部会長より後にしてください / secretariatAfterDays must be later than chairAfterDays',
        }),
      ),
    catchUpDays: z
      ._default(z.int().check(z.gte(0), z.lte(14)), 3)
      .check(z.describe('a report reminder or escalation whose day was missed is sent up to N days late (0: on its day only)')),
    milestone: z.prefault(
      z.strictObject({
        daysBeforeStart: z._default(dayList, [30, 7]).check(z.describe('reminders N days before a milestone span starts')),
        daysBeforeEnd: z._default(dayList, [30, 7]).check(z.describe('reminders N days before a milestone span ends')),
      }),
      {},
    ),
  })
  .check(
    z.refine((c) => reportWindow(c).before + reportWindow(c).after < 85, {
      // Keeps the reminders of two quarters from overlapping, so a day's report notice is about one quarter.
      error:
        '報告の通知期間 (期限前の最大日数 + 期限後の最大日数 + 遅れて送る日数 catchUpDays) は85日未満にしてください / ' +
        'the report reminder window (largest days before + largest days after the due date + catchUpDays) must be under 85 days',
    }),
  );

export type ReminderConfig = z.output<typeof ReminderConfigSchema>;
export type ReminderConfigInput = z.input<typeof ReminderConfigSchema>;

/** The name of the variable the functions read the configuration from (JSON). */
export const reminderConfigVariable = envNames.reminderConfig;

/** A reminder configuration that cannot be used; the message names each problem in both languages. */
export class ReminderConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(['リマインダー設定が不正です / invalid reminder configuration:', ...problems.map((p) => `  - ${p}`)].join('\n'));
    this.name = 'ReminderConfigError';
  }
}

/** Validate a configuration section (`undefined` = all defaults). */
export function parseReminderConfig(section: unknown): ReminderConfig {
  const result = ReminderConfigSchema.safeParse(section ?? {});
  if (!result.success) {
    throw new ReminderConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(reminders)'}: ${i.message}`));
  }
  return result.data;
}

/** The configuration from REMINDER_CONFIG (JSON), or the defaults when it is unset. */
export function reminderConfigFromEnv(env: Readonly<Record<string, string | undefined>> = {}): ReminderConfig {
  const text = env[reminderConfigVariable];
  if (text === undefined || text.trim() === '') return parseReminderConfig(undefined);
  let section: unknown;
  try {
    section = JSON.parse(text);
  } catch {
    throw new ReminderConfigError([`${reminderConfigVariable} は JSON ではありません / ${reminderConfigVariable} is not JSON`]);
  }
  return parseReminderConfig(section);
}

/** The standard configuration (every default). */
export const defaultReminderConfig: ReminderConfig = parseReminderConfig(undefined);

function reportWindow(c: {
  report: { daysBefore: number[]; overdueDaysAfter: number[] };
  escalation: { chairAfterDays: number; secretariatAfterDays: number };
  catchUpDays: number;
}) {
  return {
    before: Math.max(0, ...c.report.daysBefore),
    // The last step may still be caught up `catchUpDays` after its day.
    after: Math.max(0, ...c.report.overdueDaysAfter, c.escalation.chairAfterDays, c.escalation.secretariatAfterDays) + c.catchUpDays,
  };
}

// ---------------------------------------------------------------------------------------------
// What is due
// ---------------------------------------------------------------------------------------------

/** The three kinds of reminder mail; each 部会 gets at most one of each per day. */
export const reminderKinds = ['report-due', 'milestone', 'escalation'] as const;
export type ReminderKind = (typeof reminderKinds)[number];

/** A quarterly report to send: before, on or after its due date. */
export interface ReportDue {
  type: 'report';
  key: string;
  quarter: string;
  dueDate: LocalDate;
  /** The step of the chase (it names the mail); a step caught up late is still its own step. */
  step: 'before' | 'on-day' | 'overdue';
  /** The step's days before the due date (`before`), after it (`overdue`), 0 on the day: its name. */
  days: number;
  /** Days from the day the mail goes out to the due date: negative once it has passed. Its words count these. */
  daysToDue: number;
}

/** A missing report escalated past its grace period. */
export interface EscalationDue {
  type: 'escalation';
  key: string;
  quarter: string;
  dueDate: LocalDate;
  level: 'chair' | 'secretariat';
  /** Days past the due date on the day the mail goes out. */
  daysOverdue: number;
}

/** A plan milestone whose span starts or ends soon. */
export interface MilestoneDue {
  type: 'milestone';
  key: string;
  edge: 'start' | 'end';
  milestoneId: string;
  /** The plan's own words. */
  label: string;
  fiscalYears: FiscalYearSpan;
  /** The plan's year columns were not legible and the span was inferred. */
  inferred: boolean;
  /** First day (start) or last day (end) of the span. */
  date: LocalDate;
  daysBefore: number;
}

export type DueWhat = ReportDue | EscalationDue | MilestoneDue;

/** One 事業 in a notice, with everything due for it. */
export interface MeasureDue {
  measureId: string;
  name: string;
  due: DueWhat[];
}

/** One 課 in a notice: the 事業 it owns that have something due. */
export interface KaDue {
  ka: Ka;
  measures: MeasureDue[];
}

/** One mail's worth: a 部会, a kind, a day. */
export interface ReminderNotice {
  /** Notification key: claimed before the mail is sent, so it goes out once. */
  key: string;
  kind: ReminderKind;
  day: LocalDate;
  bukai: Bukai;
  /** The quarter the report links are for: the report's quarter, or the current one for milestones. */
  quarter: string;
  /** For escalations: who is being told. */
  escalation?: EscalationDue['level'];
  ka: KaDue[];
}

export interface DueInput {
  plan: PlanFile;
  directory: Directory;
  today: LocalDate;
  /**
   * Per quarter, the 事業 with a report received. Must hold every quarter
   * {@link reportQuartersInPlay} names for `today`.
   */
  reportsReceived: ReadonlyMap<string, ReadonlySet<string>>;
  milestoneDone: (measureId: string, milestoneId: string) => boolean;
  config: ReminderConfig;
}

/** A report quarter and its due date. */
interface QuarterDue {
  quarter: string;
  dueDate: LocalDate;
}

/** The due date of a quarter's report (`FY2012-Q1` → 2012-07-10 with the defaults). */
export function reportDueDate(quarter: string, config: ReminderConfig): LocalDate {
  return addDays(quarterRange(parseQuarter(quarter)).lastDay, config.report.dueDaysAfterQuarterEnd);
}

/**
 * The day the quarterly compile of `quarter` runs: the day after its reports are due (the reminders'
 * own {@link reportDueDate}, so `report.dueDaysAfterQuarterEnd` moves both). Only a compile made on or
 * after this day is the quarter's compile the digest reports: one made earlier (an on-demand compile,
 * or a report sent before the due date recompiling it) would list as not received reports that are
 * not due yet. The schedules (shared/schedules.ts) are derived from it.
 */
export function quarterCompileDay(quarter: string, config: ReminderConfig): LocalDate {
  return addDays(reportDueDate(formatQuarter(parseQuarter(quarter)), config), 1);
}

/**
 * The quarters whose reports matter on `today`: those with a report reminder or escalation due
 * today, on its day or caught up (at most one with a valid configuration). The job loads exactly these.
 */
export function reportQuartersInPlay(today: LocalDate, plan: PlanFile, config: ReminderConfig): string[] {
  return reportOccasions(today, plan, config).map((o) => o.quarter).filter((q, i, all) => all.indexOf(q) === i);
}

/** True when some milestone reminder falls on `today` (before looking at what is done). */
export function hasMilestoneOccasion(today: LocalDate, plan: PlanFile, config: ReminderConfig): boolean {
  return plan.measures.some((m) => m.milestones.some((ms) => milestoneEdges(today, ms.fiscalYears, config).length > 0));
}

/**
 * Every quarter whose reports the job should read on `today`: the report quarters in play, and
 * when a milestone reminder is due, every quarter of the plan up to today's (a milestone marked done
 * once stays done: a later report, by mail say, need not repeat it). Sorted, without duplicates.
 */
export function reportQuartersNeeded(today: LocalDate, plan: PlanFile, config: ReminderConfig): string[] {
  const quarters = new Set(reportQuartersInPlay(today, plan, config));
  if (hasMilestoneOccasion(today, plan, config)) {
    const current = formatQuarter(quarterOf(today));
    for (const quarter of quartersBetween(plan.plan.period.from, plan.plan.period.to).map(formatQuarter)) {
      if (quarter <= current) quarters.add(quarter);
    }
  }
  return [...quarters].sort();
}

type ReportOccasion = QuarterDue &
  ({ type: 'report'; step: ReportDue['step']; days: number; daysToDue: number } | { type: 'escalation'; level: EscalationDue['level']; daysOverdue: number });

function reportOccasions(today: LocalDate, plan: PlanFile, config: ReminderConfig): ReportOccasion[] {
  const occasions: ReportOccasion[] = [];
  for (const quarter of quartersBetween(plan.plan.period.from, plan.plan.period.to).map(formatQuarter)) {
    const dueDate = reportDueDate(quarter, config);
    const daysToDue = daysBetween(today, dueDate);
    const base = { quarter, dueDate };
    const report: (QuarterDue & { type: 'report'; step: ReportDue['step']; days: number; daysToDue: number; at: number })[] = [
      ...config.report.daysBefore.map((days) => ({ step: 'before' as const, days, at: -days })),
      ...(config.report.onDueDay ? [{ step: 'on-day' as const, days: 0, at: 0 }] : []),
      ...config.report.overdueDaysAfter.map((days) => ({ step: 'overdue' as const, days, at: days })),
    ].map((s) => ({ ...base, type: 'report', ...s, daysToDue }));
    const escalation = (['chair', 'secretariat'] as const).map((level) => {
      const at = level === 'chair' ? config.escalation.chairAfterDays : config.escalation.secretariatAfterDays;
      return { ...base, type: 'escalation' as const, level, daysOverdue: -daysToDue, at };
    });
    const reportStep = latestStep(report, -daysToDue, config.catchUpDays);
    if (reportStep) occasions.push(withoutDay(reportStep));
    const escalationStep = latestStep(escalation, -daysToDue, config.catchUpDays);
    if (escalationStep) occasions.push(withoutDay(escalationStep));
  }
  return occasions;
}

function withoutDay<S extends { at: number }>({ at: _at, ...rest }: S): Omit<S, 'at'> {
  return rest;
}

/**
 * The step of a chase due on a day `dayAfterDue` days after the due date: the latest step whose day
 * has come, if it came at most `catchUpDays` days ago (a step is normally sent on its day; a later
 * run sends it only when that day was missed, and the sent-once claim keeps it from going twice).
 * `at` is each step's day, in days after the due date.
 */
function latestStep<S extends { at: number }>(steps: readonly S[], dayAfterDue: number, catchUpDays: number): S | undefined {
  let latest: S | undefined;
  for (const step of steps) if (step.at <= dayAfterDue && (latest === undefined || step.at > latest.at)) latest = step;
  return latest !== undefined && dayAfterDue - latest.at <= catchUpDays ? latest : undefined;
}

function milestoneEdges(today: LocalDate, span: FiscalYearSpan, config: ReminderConfig): { edge: 'start' | 'end'; date: LocalDate; daysBefore: number }[] {
  const start = fiscalYearRange(span.from).firstDay;
  const end = fiscalYearRange(span.to).lastDay;
  const edges: { edge: 'start' | 'end'; date: LocalDate; daysBefore: number }[] = [];
  const toStart = daysBetween(today, start);
  const toEnd = daysBetween(today, end);
  if (config.milestone.daysBeforeStart.includes(toStart)) edges.push({ edge: 'start', date: start, daysBefore: toStart });
  if (config.milestone.daysBeforeEnd.includes(toEnd)) edges.push({ edge: 'end', date: end, daysBefore: toEnd });
  return edges;
}

/** The step part of a report reminder's key: `before-14`, `on-day`, `overdue-1`. */
function stepKey(step: ReportDue['step'], days: number): string {
  return step === 'on-day' ? 'on-day' : `${step}-${days}`;
}

/**
 * The quarter the links of a milestone notice are for: the quarter of `today`, kept inside the plan
 * period. A start notice 30 days before the plan's first April links to its first quarter: a link
 * for a quarter before the plan would be refused by the form and the mail intake.
 */
export function milestoneNoticeQuarter(today: LocalDate, period: FiscalYearSpan): string {
  const quarter = quarterOf(today);
  if (quarter.fiscalYear < period.from) return formatQuarter({ fiscalYear: period.from, quarter: 1 });
  if (quarter.fiscalYear > period.to) return formatQuarter({ fiscalYear: period.to, quarter: 4 });
  return formatQuarter(quarter);
}

const kindOrder: Record<ReminderKind, number> = { 'report-due': 0, milestone: 1, escalation: 2 };

/**
 * Everything due on `today`, as one notice per 部会 and kind. Owners the directory cannot route
 * (see `unroutableOwners`) are left out; the job reports them separately.
 */
export function dueItems(input: DueInput): ReminderNotice[] {
  const { plan, directory, today, config } = input;
  const bukaiByName = new Map(directory.bukai.map((b) => [b.name, b] as const));
  // (kind, 部会 id) → 課 id → 事業 id → what is due
  const grouped = new Map<string, { kind: ReminderKind; bukai: Bukai; ka: Map<string, { ka: Ka; measures: Map<string, MeasureDue> }> }>();

  const add = (kind: ReminderKind, ka: Ka, measure: { id: string; name: string }, what: (bukai: Bukai) => DueWhat) => {
    const bukai = bukaiByName.get(ka.bukai);
    if (!bukai) return;
    const groupKey = `${kind}|${bukai.id}`;
    let group = grouped.get(groupKey);
    if (!group) grouped.set(groupKey, (group = { kind, bukai, ka: new Map() }));
    let kaEntry = group.ka.get(ka.id);
    if (!kaEntry) group.ka.set(ka.id, (kaEntry = { ka, measures: new Map() }));
    let measureEntry = kaEntry.measures.get(measure.id);
    if (!measureEntry) kaEntry.measures.set(measure.id, (measureEntry = { measureId: measure.id, name: measure.name, due: [] }));
    const due = what(bukai);
    if (!measureEntry.due.some((d) => d.key === due.key)) measureEntry.due.push(due);
  };

  const owningKa = (measure: PlanFile['measures'][number]): Ka[] =>
    measure.owners
      .map((o) => directory.ka.find((k) => k.name === o.ka && k.bukai === o.bukai))
      .filter((k): k is Ka => k !== undefined);

  for (const occasion of reportOccasions(today, plan, config)) {
    const received = input.reportsReceived.get(occasion.quarter);
    if (!received) {
      throw new Error(
        `${occasion.quarter} の受領済み報告が渡されていません / reportsReceived lacks quarter ${occasion.quarter} (see reportQuartersInPlay)`,
      );
    }
    const inScope = inScopeOf(plan, occasion.quarter);
    for (const measure of plan.measures) {
      if (received.has(measure.id) || !inScope(measure)) continue;
      for (const ka of owningKa(measure)) {
        if (occasion.type === 'report') {
          add('report-due', ka, measure, (bukai) => ({
            type: 'report',
            key: `report-due#${occasion.quarter}#${bukai.id}#${stepKey(occasion.step, occasion.days)}`,
            quarter: occasion.quarter,
            dueDate: occasion.dueDate,
            step: occasion.step,
            days: occasion.days,
            daysToDue: occasion.daysToDue,
          }));
        } else {
          add('escalation', ka, measure, (bukai) => ({
            type: 'escalation',
            key: `escalation#${occasion.quarter}#${bukai.id}#${occasion.level}`,
            quarter: occasion.quarter,
            dueDate: occasion.dueDate,
            level: occasion.level,
            daysOverdue: occasion.daysOverdue,
          }));
        }
      }
    }
  }

  for (const measure of plan.measures) {
    for (const milestone of measure.milestones) {
      const edges = milestoneEdges(today, milestone.fiscalYears, config);
      if (edges.length === 0 || input.milestoneDone(measure.id, milestone.id)) continue;
      for (const edge of edges) {
        for (const ka of owningKa(measure)) {
          add('milestone', ka, measure, (bukai) => ({
            type: 'milestone',
            key: `milestone-${edge.edge}#${measure.id}#${milestone.id}#${bukai.id}#before-${edge.daysBefore}`,
            edge: edge.edge,
            milestoneId: milestone.id,
            label: milestone.label,
            fiscalYears: milestone.fiscalYears,
            inferred: milestone.inferred,
            date: edge.date,
            daysBefore: edge.daysBefore,
          }));
        }
      }
    }
  }

  const bukaiOrder = new Map(directory.bukai.map((b, i) => [b.id, i] as const));
  const kaOrder = new Map(directory.ka.map((k, i) => [k.id, i] as const));
  const measureOrder = new Map(plan.measures.map((m, i) => [m.id, i] as const));
  return [...grouped.values()]
    .sort((a, b) => bukaiOrder.get(a.bukai.id)! - bukaiOrder.get(b.bukai.id)! || kindOrder[a.kind] - kindOrder[b.kind])
    .map((group): ReminderNotice => {
      const ka = [...group.ka.values()]
        .sort((a, b) => kaOrder.get(a.ka.id)! - kaOrder.get(b.ka.id)!)
        .map((k) => ({ ka: k.ka, measures: [...k.measures.values()].sort((a, b) => measureOrder.get(a.measureId)! - measureOrder.get(b.measureId)!) }));
      const dues = ka.flatMap((k) => k.measures.flatMap((m) => m.due));
      const keys = [...new Set(dues.map((d) => d.key))];
      const reportQuarter = dues.find((d): d is ReportDue | EscalationDue => d.type !== 'milestone')?.quarter;
      const escalation = dues.find((d): d is EscalationDue => d.type === 'escalation')?.level;
      return {
        // A report or escalation mail is named by its occasion (quarter, 部会, step), shared by all its
        // items; a milestone mail, whose items vary, by its day and 部会. Either way the name does not
        // change when a retry finds fewer items (a report came in meanwhile), so it is sent once.
        key: group.kind !== 'milestone' && keys.length === 1 ? keys[0]! : `${group.kind}#${today}#${group.bukai.id}`,
        kind: group.kind,
        day: today,
        bukai: group.bukai,
        quarter: reportQuarter ?? milestoneNoticeQuarter(today, plan.plan.period),
        ...(escalation ? { escalation } : {}),
        ka,
      };
    });
}

// ---------------------------------------------------------------------------------------------
// From stored reports
// ---------------------------------------------------------------------------------------------

/** Per quarter, the 事業 with at least one report (comments of related departments do not count). */
export function reportsReceivedOf(reports: readonly StoredReport[], quarters: readonly string[]): Map<string, Set<string>> {
  const received = new Map(quarters.map((q) => [q, new Set<string>()] as const));
  for (const report of reports) {
    if (report.kind !== 'report') continue;
    received.get(report.quarter)?.add(report.measureId);
  }
  return received;
}

/**
 * Whether a milestone is done: the last report that states its progress (by quarter, then version)
 * says done. A report that leaves the milestone out (a mail without its `m1:` line, a correction of
 * the amount only) changes nothing; a later "in progress", also a correction in the same quarter,
 * takes "done" back.
 */
export function milestonesDoneOf(reports: readonly StoredReport[]): (measureId: string, milestoneId: string) => boolean {
  // Canonical quarters (FY2012-Q1) sort as text.
  const ordered = reports
    .filter((report) => report.kind === 'report')
    .toSorted((a, b) => (a.quarter < b.quarter ? -1 : a.quarter > b.quarter ? 1 : a.version - b.version));
  const done = new Map<string, boolean>();
  for (const report of ordered) {
    for (const m of report.milestones) done.set(`${report.measureId}|${m.milestoneId}`, m.progress === 'done');
  }
  return (measureId, milestoneId) => done.get(`${measureId}|${milestoneId}`) ?? false;
}
