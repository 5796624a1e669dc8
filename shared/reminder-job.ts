/**
 * The daily reminder job against the store and the mailer: decide what is due on the JST day of the
 * scheduled time (shared/domain/reminders.ts), write each mail (shared/domain/reminder-mail.ts),
 * and send it once — claim the notification with a conditional write, send, mark it sent; when a send
 * fails, give the claim back and go on with the others, then fail the run so it is retried. A mail
 * already sent is skipped, so running the job again for the same day sends nothing new.
 *
 * Used by `functions/send-reminders` (EventBridge Scheduler, the local scheduler, `shinchoku replay`)
 * and by the integration tests with real DynamoDB Local and the SES emulator.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from './zod.ts';
import { SendRemindersInputSchema } from '#events/schedule-inputs';
import { jstDate, type LocalDate } from './domain/fiscal.ts';
import { reminderMails, signedLinks, type ReminderMail } from './domain/reminder-mail.ts';
import {
  dueItems,
  milestonesDoneOf,
  reportQuartersNeeded,
  reportsReceivedOf,
  type ReminderConfig,
  type ReminderKind,
  type ReminderNotice,
} from './domain/reminders.ts';
import type { SheetAttachment } from './sheet/service.ts';
import type { Catalog } from './store/catalog-cache.ts';
import { claimNotification, markNotificationSending, markNotificationSent, releaseNotification } from './store/notification-items.ts';
import { reportsOfQuarter } from './store/report-items.ts';
import type { Store } from './store/store.ts';


export interface ReminderJobDeps {
  store: Store;
  loadCatalog: () => Promise<Catalog>;
  mailer: { send(mail: ReminderMail & { attachments?: SheetAttachment[] }): Promise<{ messageId: string }> };
  /**
   * A 課's own pre-filled 進捗管理シート for a quarter, when its 部会 asked for it (`attachSheet` in
   * the directory; shared/sheet/service.ts `sheetAttachment`): attached to the 課's report-due mail.
   */
  sheetAttachment?: (bukai: ReminderNotice['bukai'], ka: { id: string }, quarter: string) => Promise<SheetAttachment | undefined>;
  /** The link-signing secret; read only on days something is due (on its day or caught up). */
  secret: () => Promise<string>;
  /** Base URL of the report forms in the mails. */
  publicBaseUrl: string;
  config: ReminderConfig;
  logger?: Pick<Logger, 'info' | 'error'>;
  /** The clock for claim timestamps. @default () => new Date() */
  clock?: () => Date;
  /**
   * When the mails' signed links are issued, which their expiry counts from. A retry of the scheduled
   * run then writes the same mail; a day run by hand long after it (`shinchoku remind --day`) passes
   * the real time, or its links would have expired before they were sent.
   * @default the scheduled time
   */
  linksIssuedAt?: Date;
  /**
   * The latest this run can still be running (its Lambda deadline and a margin): a mail it claimed and
   * had not begun to send is free for a retry after it, should the run die (a timeout) in between.
   * @default none: such a claim is free 15 minutes after it was made
   */
  runsUntil?: () => Date;
}

/** One mail sent by the run. */
export interface SentReminder {
  /** The notice's key for the 部会's or the escalation's mail, `<notice key>#<課 id>` for a 課's own. */
  key: string;
  kind: ReminderKind;
  bukaiId: string;
  /** The 課 of a 課's own mail. */
  kaId?: string;
  to: string[];
  cc: string[];
  subject: string;
  messageId: string;
  /** Keys of the items the mail listed (`report-due#FY2012-Q1#kikaku#before-14`, `milestone-end#…`). */
  items: string[];
}

export interface ReminderJobResult {
  day: LocalDate;
  /** The quarters whose reports were read (one query each). */
  quartersRead: string[];
  /** Notices (per 部会 and kind) the day calls for. */
  notices: number;
  /** Mails the day calls for (a notice is a mail to each 課 and one to the 部会, or one escalation). */
  planned: number;
  sent: SentReminder[];
  /** Keys of mails an earlier run already sent. */
  alreadySent: string[];
  /** Keys claimed by another run that has not finished (or died before its deadline passed, or while sending within the last 15 minutes). */
  inProgress: string[];
  failed: { key: string; error: string }[];
  /** Keys of 課 mails sent without the 進捗管理シート their 部会 asked for, because it could not be made. */
  sentWithoutSheet: string[];
}

/** Some mails could not be sent: the run fails so it is retried; the sent ones are not sent again. */
export class ReminderDeliveryError extends Error {
  constructor(readonly result: ReminderJobResult) {
    const open = [...result.failed.map((f) => f.key), ...result.inProgress];
    super(
      `${result.day} のリマインダーのうち ${open.length} 通を送れませんでした (再試行で送ります) / ` +
        `${open.length} reminder(s) of ${result.day} were not sent (a retry will send them): ${open.join(', ')}`,
    );
    this.name = 'ReminderDeliveryError';
  }
}

/** The input was not a reminder request: nothing is read or sent. */
export class InvalidReminderInputError extends Error {
  constructor(detail: string) {
    super(`リマインダーの指定が不正です / invalid reminder input: ${detail}`);
    this.name = 'InvalidReminderInputError';
  }
}

/** Run the reminders of one day. Throws {@link ReminderDeliveryError} when a mail is left unsent. */
export async function runReminderJob(deps: ReminderJobDeps, event: unknown): Promise<ReminderJobResult> {
  const parsed = SendRemindersInputSchema.safeParse(event ?? {});
  if (!parsed.success) throw new InvalidReminderInputError(z.prettifyError(parsed.error));
  const clock = deps.clock ?? (() => new Date());
  const scheduledAt = parsed.data.scheduledTime ? new Date(parsed.data.scheduledTime) : clock();
  const today = jstDate(scheduledAt);

  const { plan, directory } = await deps.loadCatalog();
  const quartersRead = reportQuartersNeeded(today, plan, deps.config);
  const reports = (await Promise.all(quartersRead.map((q) => reportsOfQuarter(deps.store, q)))).flat();
  const notices = dueItems({
    plan,
    directory,
    today,
    reportsReceived: reportsReceivedOf(reports, quartersRead),
    milestoneDone: milestonesDoneOf(reports),
    config: deps.config,
  });
  const result: ReminderJobResult = { day: today, quartersRead, notices: notices.length, planned: 0, sent: [], alreadySent: [], inProgress: [], failed: [], sentWithoutSheet: [] };
  if (notices.length === 0) return result;

  // Links are issued as of the scheduled time, so a retry writes the same mail.
  const linksFor = signedLinks({ tenant: plan.plan.tenant, directory, publicBaseUrl: deps.publicBaseUrl, secret: await deps.secret(), now: deps.linksIssuedAt ?? scheduledAt });
  for (const notice of notices) {
    const mails = reminderMails({ notice, directory, plan, linksFor });
    result.planned += mails.length;
    for (const { key, kaId, items, mail } of mails) {
      const claim = await claimNotification(
        deps.store,
        { key, kind: notice.kind, recipients: [...mail.to, ...mail.cc], subject: mail.subject, day: today },
        clock(),
        deps.runsUntil ? { heldUntil: deps.runsUntil() } : {},
      );
      if (claim.outcome === 'already-sent') {
        result.alreadySent.push(key);
        continue;
      }
      if (claim.outcome === 'in-progress') {
        result.inProgress.push(key);
        continue;
      }
      const { claimId } = claim;
      let messageId: string;
      let withoutSheet = false;
      try {
        // The 課's own sheet, when its 部会 asked for one (the 部会's mail lists, and carries no report).
        // The reminder matters more than its attachment: a sheet that cannot be made is left out.
        let attachment: SheetAttachment | undefined;
        try {
          attachment = notice.kind === 'report-due' && kaId ? await deps.sheetAttachment?.(notice.bukai, { id: kaId }, notice.quarter) : undefined;
        } catch (error) {
          withoutSheet = true;
          deps.logger?.error('the sheet could not be made: the reminder goes without it', { key, error: String(error) });
        }
        // From here the mail may go out: a run that finds this claim left behind no longer takes it over.
        if ((await markNotificationSending(deps.store, key, claimId, clock())) === 'lost') {
          result.inProgress.push(key);
          deps.logger?.error('reminder not sent: its claim was taken over by another run', { key });
          continue;
        }
        ({ messageId } = await deps.mailer.send(attachment ? { ...mail, attachments: [attachment] } : mail));
      } catch (error) {
        // Give the claim back so the retry sends it; if even that fails, the claim turns stale after 15 minutes.
        // A claim taken over by another run (ours went stale during the send) is left to that run.
        await releaseNotification(deps.store, key, claimId).then(
          (released) => {
            if (released === 'lost') deps.logger?.error('claim not released: another run took it over', { key });
          },
          (releaseError: unknown) => deps.logger?.error('could not release the claim', { key, error: String(releaseError) }),
        );
        result.failed.push({ key, error: error instanceof Error ? error.message : String(error) });
        deps.logger?.error('reminder not sent', { key, error: String(error) });
        continue;
      }
      // The mail went out either way; a claim another run took over meanwhile is left to it (it sends
      // its own copy), and the loss is reported rather than failing the job into a third send.
      if ((await markNotificationSent(deps.store, key, claimId, messageId, clock())) === 'lost') {
        deps.logger?.error('reminder sent, but its claim was taken over by another run, which may send it again', { key, messageId });
      }
      result.sent.push({ key, kind: notice.kind, bukaiId: notice.bukai.id, ...(kaId ? { kaId } : {}), to: mail.to, cc: mail.cc, subject: mail.subject, messageId, items });
      if (withoutSheet) result.sentWithoutSheet.push(key);
      deps.logger?.info('reminder sent', { key, kind: notice.kind, bukai: notice.bukai.id, ...(kaId ? { ka: kaId } : {}), recipients: mail.to.length + mail.cc.length, messageId });
    }
  }
  if (result.failed.length > 0 || result.inProgress.length > 0) throw new ReminderDeliveryError(result);
  return result;
}
