/**
 * `shinchoku replay --from 2012-04-01 --to 2016-03-31 [--script reports.json] [--plan FILE]
 * [--directory FILE] [--json]`: the plan period on a simulated clock. Starts its own local stack (in
 * memory, free ports) with the given plan and directory (default: the embedded 下野市 ones), then walks day by
 * day: every schedule occurrence of the day (shared/schedules.ts) is fired through the local
 * scheduler's invoker with the simulated scheduled time, scripted reports are submitted on their
 * dates (at 12:00 JST, through `submitReport`, channel "api"), and after each compile and report
 * the event pipeline is left to settle, so compile → digest and late reports flow as they would on AWS
 * before the next step. At the end it
 * prints what happened: mails per 専門部会 and kind, compiles, digests, and whether every quarter got
 * its report reminders and every dated milestone its milestone reminders.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import * as z from 'zod';
import { localClientConfig } from '#local/aws-local';
import { createScheduleInvoker, type Firing } from '#local/scheduler';
import { fetchSentMails } from '#local/ses-local';
import type { LocalStack } from '#local/stack';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { envNames } from '#shared/config/env';
import {
  addDays,
  daysBetween,
  fiscalYearRange,
  formatQuarter,
  formatWarekiFiscalYear,
  jstDate,
  LocalDateSchema,
  parseQuarter,
  quarterOf,
  quarterRange,
  startOfJstDay,
  tryParseQuarter,
  type LocalDate,
} from '#shared/domain/fiscal';
import type { PlanFile } from '#shared/domain/plan';
import {
  dueItems,
  quarterCompileDay,
  reminderConfigFromEnv,
  reminderKinds,
  reportDueDate,
  reportQuartersInPlay,
  type ReminderConfig,
  type ReminderKind,
} from '#shared/domain/reminders';
import { fieldErrorsOf, ReportInputSchema, type ReportInput } from '#shared/domain/report-input';
import { tokenFor } from '#shared/links';
import { readPlanAndDirectory } from '#shared/plan-file';
import { ReminderDeliveryError, type ReminderJobResult, type SentReminder } from '#shared/reminder-job';
import { occurrences, schedulesFor, type ScheduleDefinition } from '#shared/schedules';
import { catalogLoader, type Catalog } from '#shared/store/catalog-cache';
import { createStore, type Store } from '#shared/store/store';
import { authenticate, submitReport } from '#shared/submit-report';
import { InputError, UsageError, type Output } from './output.ts';

// ---------------------------------------------------------------------------------------------
// The script of reports
// ---------------------------------------------------------------------------------------------

/** One scripted report: submitted by the 課 `kaId` at 12:00 JST on `date`. */
export const ReplayEntrySchema = z.strictObject({
  date: LocalDateSchema,
  kaId: z.string().min(1),
  report: z.record(z.string(), z.unknown()).superRefine((report, ctx) => {
    const parsed = ReportInputSchema.safeParse(report);
    if (parsed.success) return;
    for (const f of fieldErrorsOf(parsed.error)) ctx.addIssue({ code: 'custom', path: f.field.split('.'), message: `${f.ja} / ${f.en}` });
  }),
  /** Why the entry is there (shown nowhere; for the person editing the script). */
  note: z.string().optional(),
});
export type ReplayEntry = Omit<z.infer<typeof ReplayEntrySchema>, 'report'> & { report: ReportInput };

export const ReplayScriptSchema = z.array(ReplayEntrySchema);

/** Read and validate a script file; every problem is named with its place in the file. */
export async function readReplayScript(path: string): Promise<ReplayEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError(`スクリプトを読めません: ${path}`, `cannot read the script: ${path}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`スクリプトが JSON ではありません: ${path}`, `the script is not JSON: ${path} (${(error as Error).message})`);
  }
  const parsed = ReplayScriptSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('\n  ');
    throw new InputError(`スクリプトに誤りがあります (${path}):\n  ${problems}`, `the script has errors (${path}), see above`);
  }
  return parsed.data as ReplayEntry[];
}

// ---------------------------------------------------------------------------------------------
// The walk
// ---------------------------------------------------------------------------------------------

type Counts = Record<ReminderKind, number>;

export interface ReplaySummary {
  from: LocalDate;
  to: LocalDate;
  days: number;
  seconds: { total: number; stackStart: number; walk: number };
  /** Firings per schedule: how many ran, how many failed (after the retries Lambda would make). */
  firings: Record<string, { ok: number; failed: number }>;
  reminders: {
    total: number;
    byKind: Counts;
    /** Per 部会 id: its name and mails per kind (to the 部会 and to each of its 課). */
    byBukai: Record<string, { name: string } & Counts>;
  };
  compiles: { quarters: string[]; failed: number };
  digests: { quarters: string[] };
  reports: { scripted: number; accepted: number; duplicate: number; outsideWindow: number; refused: { index: number; date: string; kaId: string; reason: string }[] };
  mails: { total: number };
  events: { published: number; deadLetters: number };
  coverage: {
    /** Plan quarters with a report reminder (or escalation) day inside the window, and those that got one. */
    quarters: { expected: number; reminded: number; missing: string[] };
    /** Dated milestones with a reminder day inside the window, and those that got one (done ones are not reminded). */
    milestones: { expected: number; reminded: number; missing: string[] };
  };
  /** Schedule failures and refused reports, one line each. */
  problems: string[];
  /** Things to know that are not failures (a window reaching past the days the plan schedules anything), "ja / en". */
  warnings: string[];
}

export interface ReplayOptions {
  from: LocalDate;
  to: LocalDate;
  script?: readonly ReplayEntry[];
  /** Progress lines of the stack start. */
  onProgress?: (line: string) => void;
  /** Called after each simulated day. */
  onDay?: (day: LocalDate, done: number, total: number, totals: { mails: number; compiles: number; reports: number }) => void;
  /** @default an in-memory stack on free ports */
  startStack?: () => Promise<LocalStack>;
  /**
   * Replay into the local stack's own data (`.shinchoku/`, replaced), so that `npm start` afterwards
   * shows the replayed period: dashboard, public pages, open data and sheets. @default false
   */
  keepData?: boolean;
  /** The plan file the stack loads. @default the embedded 下野市 plan */
  planFile?: string;
  /** The directory file the stack loads. @default the embedded 下野市 directory */
  directoryFile?: string;
}

/**
 * The days on which the plan's schedules can do anything: from the first milestone or report
 * reminder before its first fiscal year to the last escalation (or compile) after its last quarter.
 */
export function planReplaySpan(plan: PlanFile, config: ReminderConfig): { from: LocalDate; to: LocalDate } {
  const { period } = plan.plan;
  const first = `FY${period.from}-Q1`;
  const last = `FY${period.to}-Q4`;
  const leadDays = Math.max(0, ...config.milestone.daysBeforeStart, ...config.milestone.daysBeforeEnd);
  const starts = [addDays(fiscalYearRange(period.from).firstDay, -leadDays), addDays(reportDueDate(first, config), -Math.max(0, ...config.report.daysBefore))];
  const tailDays = Math.max(0, ...config.report.overdueDaysAfter, config.escalation.chairAfterDays, config.escalation.secretariatAfterDays);
  const ends = [addDays(reportDueDate(last, config), tailDays), quarterCompileDay(last, config)];
  return { from: starts.sort()[0]!, to: ends.sort().at(-1)! };
}

/**
 * Check the window against the plan: wholly outside the days its schedules act on is refused (nothing
 * would happen), partly outside gives a warning. Returns the warnings, "ja / en".
 */
export function checkReplayWindow(plan: PlanFile, from: LocalDate, to: LocalDate, config: ReminderConfig): string[] {
  const span = planReplaySpan(plan, config);
  const { period } = plan.plan;
  const periodJa = `${plan.plan.municipality}の計画期間 ${formatWarekiFiscalYear(period.from)}〜${formatWarekiFiscalYear(period.to)}`;
  const periodEn = `the plan period of ${plan.plan.tenant}, FY${period.from}–FY${period.to}`;
  if (to < span.from || from > span.to) {
    throw new InputError(
      `再生期間 ${from}〜${to} は${periodJa}の外です (リマインダー・集計があるのは ${span.from}〜${span.to})。--plan で別の市の計画を指定するか、期間を見直してください`,
      `the window ${from} … ${to} lies outside ${periodEn} (reminders and compiles fall on ${span.from} … ${span.to}); give the city's plan with --plan, or another window`,
    );
  }
  if (from < span.from || to > span.to) {
    return [
      `再生期間 ${from}〜${to} の一部は${periodJa}の外です (リマインダー・集計があるのは ${span.from}〜${span.to}) / ` +
        `part of the window ${from} … ${to} lies outside ${periodEn} (reminders and compiles fall on ${span.from} … ${span.to})`,
    ];
  }
  return [];
}

type Step =
  | { at: Date; type: 'schedule'; schedule: ScheduleDefinition }
  | { at: Date; type: 'report'; entry: ReplayEntry; index: number };

/** Scripted reports arrive at noon JST: after the morning's compile (06:00) and reminders (09:00). */
const reportHourMs = 12 * 3_600_000;

/** A failed run is tried again twice, as Lambda does for asynchronous invocations. */
const retriesPerFiring = 2;

function emptyCounts(): Counts {
  return Object.fromEntries(reminderKinds.map((k) => [k, 0])) as Counts;
}

/** Walk the plan period and return what happened. */
export async function runReplay(options: ReplayOptions): Promise<ReplaySummary> {
  const { from, to } = options;
  if (daysBetween(from, to) < 0) throw new InputError('--from が --to より後です', '--from is after --to');
  // Said before a stack starts (and before --keep-data wipes the local data): a bad plan or directory,
  // or a window the plan has nothing in (another city's dates?), is a mistake.
  const { startLocalStack } = await import('#local/stack');
  const files = await readPlanAndDirectory(options.planFile, options.directoryFile);
  const warnings = checkReplayWindow(files.plan, from, to, reminderConfigFromEnv(process.env));
  for (const warning of warnings) options.onProgress?.(`注意: ${warning}`);
  const started = performance.now();
  // Before the stack starts and before any handler module loads: they read these once.
  process.env.MAIL_MAX_PER_SECOND = '0';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

  let dataDir: string | undefined;
  const startStack =
    options.startStack ??
    (async () => {
      const ports = { httpPort: 0, dynamoPort: 0, sesPort: 0, eventsPort: 0, s3Port: 0, smtpPort: 0 };
      if (options.keepData) {
        return startLocalStack({ ...ports, files, planFile: options.planFile, directoryFile: options.directoryFile, fresh: true, scheduler: false, onProgress: options.onProgress });
      }
      dataDir = await mkdtemp(join(tmpdir(), 'shinchoku-replay-'));
      return startLocalStack({ ...ports, files, inMemory: true, dataDir, scheduler: false, onProgress: options.onProgress });
    });
  const stack = await startStack().catch(async (error: unknown) => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const stackStarted = performance.now();
  try {
    const store = createStore(createDocumentClient(localClientConfig(stack.dynamoEndpoint)), stack.tableName, stack.tenant);
    const catalog = await catalogLoader(store)();
    const secret = stack.environment[envNames.linkSecret];
    if (!secret) throw new Error('ローカル環境に署名鍵がありません / the local stack has no link secret');
    const walk = await walkDays({ ...options, store, catalog, secret, stack });
    const walked = performance.now();
    const digests = await sentDigests(store);
    const mails = (await fetchSentMails(stack.sesEndpoint)).length;
    return {
      from,
      to,
      days: daysBetween(from, to) + 1,
      seconds: { total: seconds(walked - started), stackStart: seconds(stackStarted - started), walk: seconds(walked - stackStarted) },
      firings: walk.firings,
      reminders: walk.reminders,
      compiles: walk.compiles,
      digests: { quarters: digests },
      reports: walk.reports,
      mails: { total: mails },
      events: { published: stack.events?.published.length ?? 0, deadLetters: stack.events?.deadLetters.length ?? 0 },
      coverage: coverage(catalog, from, to, walk.sent),
      problems: walk.problems,
      warnings,
    };
  } finally {
    await stack.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

async function walkDays(context: ReplayOptions & { store: Store; catalog: Catalog; secret: string; stack: LocalStack }) {
  const { from, to, store, catalog, secret, stack } = context;
  const script = context.script ?? [];
  const invoke = createScheduleInvoker();
  // The rules the functions read (REMINDER_CONFIG): the compile runs the day after their due date.
  const schedules = schedulesFor(reminderConfigFromEnv(process.env));
  const settle = async () => {
    await stack.events?.idle();
  };

  const steps: Step[] = [
    ...schedules.flatMap((schedule) => occurrences(schedule, from, to).map((at): Step => ({ at, type: 'schedule', schedule }))),
    ...script.map((entry, index): Step => ({ at: new Date(startOfJstDay(entry.date).getTime() + reportHourMs), type: 'report', entry, index })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  const stepsByDay = new Map<LocalDate, Step[]>();
  for (const step of steps) {
    const day = jstDate(step.at);
    stepsByDay.set(day, [...(stepsByDay.get(day) ?? []), step]);
  }

  const firings: ReplaySummary['firings'] = Object.fromEntries(schedules.map((s) => [s.name, { ok: 0, failed: 0 }]));
  const reminders: ReplaySummary['reminders'] = {
    total: 0,
    byKind: emptyCounts(),
    byBukai: Object.fromEntries(catalog.directory.bukai.map((b) => [b.id, { name: b.name, ...emptyCounts() }])),
  };
  const compiles: ReplaySummary['compiles'] = { quarters: [], failed: 0 };
  const reports: ReplaySummary['reports'] = {
    scripted: script.length,
    accepted: 0,
    duplicate: 0,
    outsideWindow: script.filter((e) => e.date < from || e.date > to).length,
    refused: [],
  };
  const sent: SentReminder[] = [];
  const problems: string[] = [];

  const recordReminders = (result: ReminderJobResult | undefined) => {
    for (const mail of result?.sent ?? []) {
      sent.push(mail);
      reminders.total += 1;
      reminders.byKind[mail.kind] += 1;
      const bukai = reminders.byBukai[mail.bukaiId];
      if (bukai) bukai[mail.kind] += 1;
    }
  };

  const fire = async (schedule: ScheduleDefinition, at: Date): Promise<void> => {
    let firing: Firing | undefined;
    for (let attempt = 0; attempt <= retriesPerFiring; attempt += 1) {
      firing = await invoke(schedule, at);
      // A failed reminder run still sent the mails it could; the retry sends only the rest.
      if (schedule.fn === 'send-reminders') {
        recordReminders(firing.outcome === 'ok' ? (firing.result as ReminderJobResult) : firing.error instanceof ReminderDeliveryError ? firing.error.result : undefined);
      } else {
        // Nothing downstream of the reminders needs their events, and a settle costs a stream poll
        // cycle; other jobs (the compile → digest) are waited for, as on AWS they would have run by the next step.
        await settle();
      }
      if (firing.outcome === 'ok') break;
    }
    const counter = firings[schedule.name]!;
    if (firing?.outcome === 'ok') {
      counter.ok += 1;
      if (schedule.fn === 'compile-quarter') {
        const result = firing.result as { quarter?: unknown; outcome?: unknown } | undefined;
        // The first scheduled run names the quarter before the plan: skipped, so not a compile.
        if (typeof result?.quarter === 'string' && result.outcome !== 'outside-plan-period') compiles.quarters.push(result.quarter);
      }
    } else {
      counter.failed += 1;
      if (schedule.fn === 'compile-quarter') compiles.failed += 1;
      const message = firing?.error instanceof Error ? firing.error.message : String(firing?.error);
      problems.push(`${jstDate(at)} ${schedule.name}: ${message.split('\n')[0]}`);
    }
  };

  const submit = async (entry: ReplayEntry, index: number, at: Date): Promise<void> => {
    const quarter = tryParseQuarter(String(entry.report.quarter ?? ''));
    const refuse = (reason: string) => {
      reports.refused.push({ index, date: entry.date, kaId: entry.kaId, reason });
      problems.push(`${entry.date} 報告 / report #${index} (${entry.kaId} ${String(entry.report.measureId)}): ${reason}`);
    };
    if (!quarter) return refuse('四半期を読み取れません / cannot read the quarter');
    const token = tokenFor({ tenant: stack.tenant, kaId: entry.kaId, quarter: formatQuarter(quarter), purpose: 'form', now: at }, secret);
    const caller = authenticate(token, 'form', { secret, catalog, now: at });
    if (!('claims' in caller)) return refuse(`${caller.ja} / ${caller.en}`);
    const outcome = await submitReport(store, catalog, caller, entry.report, { channel: 'api', idempotencyKey: `replay-${index}-${entry.date}`, now: at });
    if (!('ja' in outcome)) {
      if (outcome.outcome === 'recorded') reports.accepted += 1;
      else reports.duplicate += 1;
    } else {
      const fields = outcome.outcome === 'invalid' ? ` (${outcome.fields.map((f) => `${f.field}: ${f.ja} / ${f.en}`).join('; ')})` : '';
      refuse(`${outcome.ja} / ${outcome.en}${fields}`);
    }
    await settle();
  };

  const total = daysBetween(from, to) + 1;
  let done = 0;
  for (let day = from; day <= to; day = addDays(day, 1)) {
    for (const step of stepsByDay.get(day) ?? []) {
      if (step.type === 'schedule') await fire(step.schedule, step.at);
      else await submit(step.entry, step.index, step.at);
    }
    done += 1;
    context.onDay?.(day, done, total, { mails: reminders.total, compiles: compiles.quarters.length, reports: reports.accepted });
  }
  await settle();
  return { firings, reminders, compiles, reports, sent, problems };
}

/** The quarters whose digest was sent (notifications `digest#<quarter>` in the sent state). */
async function sentDigests(store: Store): Promise<string[]> {
  const quarters: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.scan({
      TableName: store.tableName,
      FilterExpression: '#type = :type AND kind = :kind AND #state = :sent',
      ExpressionAttributeNames: { '#type': 'type', '#state': 'state' },
      ExpressionAttributeValues: { ':type': 'Notification', ':kind': 'digest', ':sent': 'sent' },
      ExclusiveStartKey: start,
    });
    for (const item of page.Items ?? []) {
      const quarter = /FY\d{4}-Q[1-4]/.exec(String(item.key))?.[0];
      if (quarter) quarters.push(quarter);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return quarters.sort();
}

/**
 * What the plan calls for inside the window — every quarter with a report reminder day, every
 * milestone with a milestone reminder day — against what was sent.
 */
function coverage(catalog: Catalog, from: LocalDate, to: LocalDate, sent: readonly SentReminder[]): ReplaySummary['coverage'] {
  const config = reminderConfigFromEnv(process.env);
  const expectedQuarters = new Set<string>();
  const expectedMilestones = new Set<string>();
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const quarters = reportQuartersInPlay(day, catalog.plan, config);
    for (const q of quarters) expectedQuarters.add(q);
    const notices = dueItems({
      plan: catalog.plan,
      directory: catalog.directory,
      today: day,
      reportsReceived: new Map(quarters.map((q) => [q, new Set<string>()])),
      milestoneDone: () => false,
      config,
    });
    for (const n of notices) {
      if (n.kind !== 'milestone') continue;
      for (const k of n.ka) for (const m of k.measures) for (const d of m.due) if (d.type === 'milestone') expectedMilestones.add(`${m.measureId} ${d.milestoneId}`);
    }
  }
  const items = sent.flatMap((s) => s.items);
  const remindedQuarters = new Set(items.map((key) => /^(?:report-due|escalation)#(FY\d{4}-Q[1-4])#/.exec(key)?.[1]).filter((q): q is string => q !== undefined));
  const remindedMilestones = new Set(
    items.map((key) => /^milestone-(?:start|end)#([^#]+)#([^#]+)#/.exec(key)).filter((m) => m !== null).map((m) => `${m[1]} ${m[2]}`),
  );
  const byQuarter = (a: string, b: string) => (parseQuarter(a).fiscalYear - parseQuarter(b).fiscalYear) || a.localeCompare(b);
  return {
    quarters: {
      expected: expectedQuarters.size,
      reminded: [...expectedQuarters].filter((q) => remindedQuarters.has(q)).length,
      missing: [...expectedQuarters].filter((q) => !remindedQuarters.has(q)).sort(byQuarter),
    },
    milestones: {
      expected: expectedMilestones.size,
      reminded: [...expectedMilestones].filter((m) => remindedMilestones.has(m)).length,
      missing: [...expectedMilestones].filter((m) => !remindedMilestones.has(m)).sort(),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

/** Terminal columns of a string: CJK and full-width characters take two. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}
const padEnd = (text: string, n: number) => text + ' '.repeat(Math.max(0, n - width(text)));
const padStart = (text: string, n: number) => ' '.repeat(Math.max(0, n - width(text))) + text;

function table(rows: string[][], numericFrom = 1): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => width(r[c] ?? ''))));
  return rows
    .map((r, i) => r.map((cell, c) => (c >= numericFrom && i > 0 ? padStart(cell, widths[c]!) : padEnd(cell, widths[c]!))).join('  ').trimEnd())
    .join('\n');
}

/** The summary for people: Japanese / English labels, one table per 部会 and kind. */
export function formatReplaySummary(s: ReplaySummary): string {
  const kindLabels: Record<ReminderKind, string> = { 'report-due': '報告依頼 report-due', milestone: 'スケジュール milestone', escalation: '督促 escalation' };
  const rows = [
    ['専門部会 / committee', ...reminderKinds.map((k) => kindLabels[k]), '計 total'],
    ...Object.entries(s.reminders.byBukai).map(([id, b]) => [`${b.name} (${id})`, ...reminderKinds.map((k) => String(b[k])), String(reminderKinds.reduce((n, k) => n + b[k], 0))]),
    ['計 / total', ...reminderKinds.map((k) => String(s.reminders.byKind[k])), String(s.reminders.total)],
  ];
  const firingLines = Object.entries(s.firings).map(([name, f]) => `  ${name}: ${f.ok} 回成功 ok${f.failed ? `, ${f.failed} 回失敗 failed` : ''}`);
  const lines = [
    '',
    `再生結果 / replay summary: ${s.from} 〜 ${s.to} (${s.days} 日 days)`,
    '',
    'リマインダー (メール数、部会と各課宛て) / reminder mails (to each 部会 and its 課):',
    table(rows),
    '',
    'スケジュール実行 / schedule firings:',
    ...firingLines,
    `集計 / compiles: ${s.compiles.quarters.length} (${s.compiles.quarters.join(', ') || '-'})${s.compiles.failed ? `, 失敗 failed ${s.compiles.failed}` : ''}`,
    `ダイジェスト / digests: ${s.digests.quarters.length} (${s.digests.quarters.join(', ') || '-'})`,
    `報告 (スクリプト) / scripted reports: ${s.reports.accepted} 受付 accepted, ${s.reports.refused.length} 不受理 refused, ${s.reports.outsideWindow} 期間外 outside the window (全 ${s.reports.scripted} of ${s.reports.scripted})`,
    `送信メール (SES エミュレーター) / mails in the SES emulator: ${s.mails.total}`,
    `イベント / events: ${s.events.published} 件発行 published, ${s.events.deadLetters} 件配信失敗 dead letters`,
    '',
    `確認 / check: 報告リマインダーのあった四半期 quarters reminded ${s.coverage.quarters.reminded}/${s.coverage.quarters.expected}` +
      (s.coverage.quarters.missing.length ? ` — なし missing: ${s.coverage.quarters.missing.join(', ')}` : ''),
    `        スケジュールのリマインダーがあった項目 milestones reminded ${s.coverage.milestones.reminded}/${s.coverage.milestones.expected}` +
      (s.coverage.milestones.missing.length ? ` — なし (完了報告済みなど) missing (e.g. reported done): ${s.coverage.milestones.missing.join(', ')}` : ''),
    '',
    `所要時間 / elapsed: ${s.seconds.total} 秒 s (起動 stack start ${s.seconds.stackStart} 秒 s, 再生 walk ${s.seconds.walk} 秒 s)`,
  ];
  if (s.warnings.length > 0) lines.push('', '注意 / warnings:', ...s.warnings.map((w) => `  - ${w}`));
  if (s.problems.length > 0) lines.push('', '問題 / problems:', ...s.problems.map((p) => `  - ${p}`));
  return lines.join('\n');
}

/** `shinchoku replay …` */
export async function replayCommand(args: string[], out: Output): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      script: { type: 'string' },
      json: { type: 'boolean', default: false },
      'keep-data': { type: 'boolean', default: false },
      plan: { type: 'string' },
      directory: { type: 'string' },
    },
  });
  const day = (flag: 'from' | 'to'): LocalDate => {
    const value = values[flag];
    if (value === undefined) throw new UsageError(`--${flag} を指定してください (例: 2012-04-01)`, `--${flag} is required, e.g. 2012-04-01`);
    if (!LocalDateSchema.safeParse(value).success) throw new InputError(`--${flag} の日付が不正です: ${value}`, `--${flag} is not a YYYY-MM-DD date: ${value}`);
    return value;
  };
  const [from, to] = [day('from'), day('to')];
  const script = values.script ? await readReplayScript(values.script) : [];

  const interactive = process.stderr.isTTY === true;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '再生中 / replaying |{bar}| {percentage}% | {value}/{total} 日 days | {date} | メール mails {mails} | 集計 compiles {compiles} | 報告 reports {reports}',
      hideCursor: true,
      barsize: 24,
      etaBuffer: 60,
    },
    cliProgress.Presets.shades_classic,
  );
  let barStarted = false;
  const summary = await runReplay({
    from,
    to,
    script,
    keepData: values['keep-data'],
    planFile: values.plan,
    directoryFile: values.directory,
    onProgress: (line) => process.stderr.write(`${line}\n`),
    onDay: (date, done, total, totals) => {
      if (interactive) {
        if (!barStarted) {
          bar.start(total, 0, { date, mails: 0, compiles: 0, reports: 0 });
          barStarted = true;
        }
        bar.update(done, { date, ...totals });
      } else if (date === quarterRange(quarterOf(date)).firstDay || done === total) {
        // Without a terminal, one line per quarter instead of a bar.
        const q = formatQuarter(quarterOf(date));
        out.info(`再生中 ${date} (${q}) ${done}/${total} 日, メール ${totals.mails}`, `replaying ${date} (${q}) ${done}/${total} days, mails ${totals.mails}`);
      }
    },
  });
  if (barStarted) bar.stop();
  if (values.json) out.data(JSON.stringify(summary, null, 2));
  else out.data(formatReplaySummary(summary));
  return summary.problems.length > 0 ? 1 : 0;
}
