/**
 * `shinchoku remind [--day 2013-10-07]`: the daily reminder run of one day, now, against the local
 * stack — the same job the schedule runs at 09:00 JST (shared/reminder-job.ts), with the stack's
 * table, SES emulator, link secret, form URL and reminder rules. A day's mails go out once: running it again for the
 * same day sends only what is left. For seeing what a day's reminders say, or sending a day the local
 * scheduler (which follows the real clock) would never reach.
 */
import { envNames } from '#shared/config/env';
import { formatWarekiDate, jstDate, tryParseWarekiDate, type LocalDate } from '#shared/domain/fiscal';
import type { ReminderConfig } from '#shared/domain/reminders';
import { inputAt, occurrences, schedulesFor } from '#shared/schedules';
import { ReminderDeliveryError, runReminderJob, type ReminderJobDeps, type ReminderJobResult } from '#shared/reminder-job';
import { catalogLoader } from '#shared/store/catalog-cache';
import { createMailer } from '#shared/aws/mailer';
import { localClientConfig } from '#local/aws-local';
import { localSesEndpoint } from '#local/running-stack';
import { openLocalStore } from './compile-command.ts';
import { linkBaseUrl, localSigningSecret } from './link-options.ts';
import { stackReminderRules } from './reminder-rules.ts';
import { InputError, type Output } from './output.ts';

export interface RemindCommandOptions {
  /** The JST day whose reminders run (2013-07-03 or 平成25年7月3日). @default today in JST */
  day?: string;
  /** DynamoDB endpoint. @default SHINCHOKU_DYNAMODB_PORT, else the running `npm start`'s */
  endpoint?: string;
  /** @default "shinchoku" */
  table?: string;
  /** Plan file, for the tenant. @default the running `npm start`'s, else the embedded plan */
  plan?: string;
  /** Base URL of the form links in the mails. @default the running `npm start`'s */
  baseUrl?: string;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  /** The clock, for the default day. @default now */
  now?: Date;
}

/** The input the reminder schedule hands the job on `day`, its fire time filled in (09:00 JST). */
export function reminderRunInput(day: LocalDate, config: ReminderConfig): Record<string, unknown> {
  const schedule = schedulesFor(config).find((s) => s.fn === 'send-reminders')!;
  const [fireTime] = occurrences(schedule, day, day);
  if (!fireTime) throw new Error(`リマインダーの予定が ${day} に実行されません / the reminder schedule does not fire on ${day}`);
  return inputAt(schedule, fireTime);
}

/** When report reminders go under these rules, in words: the days before the due date, on it, and after it. */
export function reportReminderDays(config: ReminderConfig): { ja: string; en: string } {
  const { daysBefore, onDueDay, overdueDaysAfter } = config.report;
  const list = (items: string[]) => new Intl.ListFormat('en', { type: 'conjunction' }).format(items);
  const ja = [
    ...(daysBefore.length > 0 ? [`期限の${daysBefore.map((d) => `${d}日前`).join('・')}`] : []),
    ...(onDueDay ? ['期限の当日'] : []),
    ...(overdueDaysAfter.length > 0 ? [`期限の${overdueDaysAfter.map((d) => `${d}日後`).join('・')}`] : []),
  ];
  const en = [...(daysBefore.length > 0 ? [`${list(daysBefore.map(String))} day(s) before the due date`] : []), ...(onDueDay ? ['on the due date'] : [])];
  if (overdueDaysAfter.length > 0) en.push(`${list(overdueDaysAfter.map(String))} day(s) after ${en.length > 0 ? 'it' : 'the due date'}`);
  return ja.length === 0
    ? { ja: '報告のリマインダーは送らない設定です', en: 'no report reminders are set' }
    : { ja: `リマインダーは${ja.join('、')}に送ります`, en: `reminders go ${list(en)}` };
}

export async function remindCommand(options: RemindCommandOptions, out: Output): Promise<number> {
  const env = options.env ?? process.env;
  const day = options.day === undefined ? jstDate(options.now ?? new Date()) : tryParseWarekiDate(options.day);
  if (!day) {
    throw new InputError(`日付を読み取れません: ${options.day} (例: 2013-07-03, 平成25年7月3日)`, `cannot read the day: ${options.day} (e.g. 2013-07-03)`);
  }
  const opened = await openLocalStore(options, env, out);
  if (!opened) return 1;
  const { store, running } = opened;
  const sesEndpoint = localSesEndpoint(env, running);
  const loadCatalog = catalogLoader(store);
  // The rules of the stack whose scheduler sends the other days' reminders, so a day sent by hand agrees with them.
  const config = stackReminderRules(env, running);
  const secret = await localSigningSecret(env);
  const deps: ReminderJobDeps = {
    store,
    loadCatalog,
    mailer: createMailer({ connection: localClientConfig(sesEndpoint) }),
    secret: async () => secret,
    publicBaseUrl: await linkBaseUrl(options.baseUrl ?? env[envNames.publicBaseUrl], env),
    config,
    // The day may be long past (a plan of FY2013): its links count from now, so they work when read.
    linksIssuedAt: options.now ?? new Date(),
    sheetAttachment: async (bukai, ka, quarter) => {
      const { sheetAttachment } = await import('#shared/sheet/service');
      return sheetAttachment(store, await loadCatalog(), bukai, ka, quarter, { secret, reminderConfig: config });
    },
  };
  let result: ReminderJobResult;
  let failed = false;
  try {
    result = await runReminderJob(deps, reminderRunInput(day, config));
  } catch (error) {
    if (!(error instanceof ReminderDeliveryError)) throw error;
    result = error.result;
    failed = true;
  }
  // A day with nothing to send is told when report reminders go, so a quiet day does not read as a failure.
  const when = reportReminderDays(config);
  if (options.json) {
    out.data(JSON.stringify(result, null, 2));
  } else {
    for (const mail of result.sent) out.data([mail.kind, mail.to.join(', '), mail.subject].join('\t'));
    out.info(
      `${formatWarekiDate(day)} (${day}) のリマインダー: 送信 ${result.sent.length} 通、送信済み ${result.alreadySent.length} 通 (予定 ${result.planned} 通)` +
        (result.sent.length > 0 ? `。送信メールは ${sesEndpoint}/ で見られます` : '') +
        (result.planned === 0 ? `。この日に送るリマインダーはありません (報告の期限は四半期終了の${config.report.dueDaysAfterQuarterEnd}日後、${when.ja})` : ''),
      `reminders of ${day}: ${result.sent.length} sent, ${result.alreadySent.length} already sent (${result.planned} planned)` +
        (result.sent.length > 0 ? `; the mails are at ${sesEndpoint}/` : '') +
        (result.planned === 0 ? `; no reminder to send on this day (reports are due ${config.report.dueDaysAfterQuarterEnd} days after each quarter ends; ${when.en})` : ''),
    );
  }
  if (failed) {
    const open = [...result.failed.map((f) => f.key), ...result.inProgress];
    out.error(`${open.length} 通を送れませんでした (もう一度実行すると残りを送ります): ${open.join(', ')}`, `${open.length} mail(s) were not sent (run it again to send the rest): ${open.join(', ')}`);
    return 1;
  }
  return 0;
}
