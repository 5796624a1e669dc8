/**
 * The leadership digest: the target of QuarterCompiled. Builds the digest of the compiled quarter
 * (shared/domain/digest.ts), claims the notification `digest#<quarter>`, sends it to the directory's
 * leadership list and marks it sent — so it goes out once per quarter, however often QuarterCompiled
 * fires. A failed send gives the claim back and fails the invocation, so the retry sends it.
 *
 * Only a compile run on or after the day after the quarter's reports are due (`quarterCompileDay`,
 * with the reminder rules of REMINDER_CONFIG, as the reminders count the due date) sends it: an
 * earlier compile (`shinchoku compile` before the due date, or a report sent before the due date
 * recompiling such a quarter) would name as not received reports that are not due yet. For such a
 * compile nothing is claimed, and the scheduled compile of the day after the due date sends it.
 */
import { lambdaHandler } from '#shared/lambda-handler';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { eventEnvelopeSchema } from '#events/catalog';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { createMailer } from '#shared/aws/mailer';
import { envNames, requireEnv } from '#shared/config/env';
import { buildDigest, digestNotificationKey } from '#shared/domain/digest';
import { formatQuarter, jstDate, parseQuarter, previousQuarter } from '#shared/domain/fiscal';
import { quarterCompileDay, reminderConfigFromEnv, reportDueDate } from '#shared/domain/reminders';
import { correlationIds, createLogger } from '#shared/logger';
import { CompiledQuarterMissingError } from '#shared/quarter-compile';
import { catalogLoader } from '#shared/store/catalog-cache';
import {
  claimNotification,
  getNotification,
  invocationDeadline,
  markNotificationSending,
  markNotificationSent,
  releaseNotification,
} from '#shared/store/notification-items';
import { loadCompiledQuarter } from '#shared/store/status-items';
import { createStore } from '#shared/store/store';

const logger = createLogger('send-digest');
const store = createStore(createDocumentClient(), requireEnv(envNames.tableName), requireEnv(envNames.tenant));
const loadCatalog = catalogLoader(store);
const mailer = createMailer();
const envelopeSchema = eventEnvelopeSchema('QuarterCompiled');
// The same rules the reminders and the schedules use; a wrong REMINDER_CONFIG fails the cold start.
const reminderConfig = reminderConfigFromEnv(process.env);

/** `before-reports-due`: the compile ran before the day after the due date; nothing was claimed or sent. */
export type SendDigestOutcome = 'sent' | 'already-sent' | 'other-tenant' | 'before-reports-due';

export const handler = lambdaHandler<unknown, { outcome: SendDigestOutcome; messageId?: string }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlationIds(logger))
  .handler(async (event, context) => {
    const { detail } = envelopeSchema.parse(event);
    if (detail.tenant !== store.tenant) {
      logger.warn('event of another tenant ignored', { quarter: detail.quarter, tenant: detail.tenant });
      return { outcome: 'other-tenant' };
    }
    // Events published before `ranAt` existed carry only `compiledAt`.
    const ranAt = new Date(detail.ranAt ?? detail.compiledAt);
    const compileDay = quarterCompileDay(detail.quarter, reminderConfig);
    if (jstDate(ranAt) < compileDay) {
      logger.info('ダイジェストは報告期限後の集計を待ちます / the digest waits for a compile after the report due date', {
        quarter: detail.quarter,
        ranAt: ranAt.toISOString(),
        dueDate: reportDueDate(detail.quarter, reminderConfig),
        firstCompileDay: compileDay,
      });
      return { outcome: 'before-reports-due' };
    }
    const key = digestNotificationKey(detail.quarter);
    // Cheap early exit for the common repeat; the conditional claim below is what guarantees once.
    if ((await getNotification(store, key))?.state === 'sent') return { outcome: 'already-sent' };

    const quarter = parseQuarter(detail.quarter);
    const [{ plan, directory }, compiled, previous] = await Promise.all([
      loadCatalog(),
      loadCompiledQuarter(store, formatQuarter(quarter)),
      loadCompiledQuarter(store, formatQuarter(previousQuarter(quarter))),
    ]);
    if (!compiled) throw new CompiledQuarterMissingError(detail.quarter);
    // The figures are the stored ones. They stand as of the compile that sends the digest (on or after the
    // compile day), also when it found nothing new and the stored result keeps the time of an earlier
    // compile, maybe one made before the reports were due; and as of a later compile when one changed them
    // before this event was handled (a late report, while the digest waited for a retry).
    const storedAt = compiled.compiledAt === undefined ? undefined : new Date(compiled.compiledAt);
    const asOf = storedAt !== undefined && storedAt > ranAt ? storedAt : ranAt;
    const digest = buildDigest({ quarter: detail.quarter, compiled, previous, plan, directory, compiledAt: asOf });
    const recipients = [...new Set(directory.leadership.map((c) => c.email))];

    const claim = await claimNotification(
      store,
      {
        key,
        kind: 'digest',
        recipients,
        subject: digest.subject,
        // The day of the compile that sends it (a compile that found nothing new keeps the earlier compiledAt).
        day: jstDate(ranAt),
      },
      new Date(),
      // This attempt cannot outlive the invocation: should it die before sending, the retry takes over.
      { heldUntil: invocationDeadline(context) },
    );
    if (claim.outcome === 'already-sent') {
      logger.info('digest not sent by this invocation', { key, claim: claim.outcome });
      return { outcome: claim.outcome };
    }
    if (claim.outcome === 'in-progress') {
      // Another attempt is sending it right now, or one died while sending (a timeout during the send).
      // Fail, so the event is retried and, if the claim is still held then, lands in the on-failure
      // queue to be replayed, rather than the digest being silently dropped.
      throw new Error(`ダイジェストは別の実行が送信中です / the digest is being sent by another attempt: ${key}`);
    }
    let messageId: string;
    try {
      // From here the digest may go out: an attempt that finds this claim left behind no longer takes it over.
      if ((await markNotificationSending(store, key, claim.claimId)) === 'lost') {
        throw new Error(`ダイジェストの送信は別の実行に引き継がれました / the digest was taken over by another attempt: ${key}`);
      }
      ({ messageId } = await mailer.send({
        from: directory.sender,
        to: recipients,
        subject: digest.subject,
        text: digest.text,
        html: digest.html,
      }));
    } catch (error) {
      // The send error is the one to report; if the release fails too, the retry finds the claim held and
      // fails in turn, and the event ends in the on-failure queue (a replay after the claim is stale sends it).
      // A claim another attempt took over (ours went stale during the send) is left to that attempt.
      await releaseNotification(store, key, claim.claimId).then(
        (released) => {
          if (released === 'lost') logger.warn('claim not released after a failed send: another attempt took it over', { key });
        },
        (releaseError: unknown) => logger.error('claim not released after a failed send', { key, error: releaseError as Error }),
      );
      throw error;
    }
    // The digest went out; a claim another attempt took over meanwhile is left to it (it sends its own
    // copy and records it), and this attempt still reports the send rather than failing into a retry.
    if ((await markNotificationSent(store, key, claim.claimId, messageId)) === 'lost') {
      logger.warn('digest sent, but its claim was taken over by another attempt, which may send it again', { key, messageId });
    }
    logger.info('digest sent', { key, messageId, recipients: recipients.length, turnedRed: digest.facts.turnedRed.length });
    return { outcome: 'sent', messageId };
  });
