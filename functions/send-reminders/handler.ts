/**
 * The daily reminders: invoked by EventBridge Scheduler at 09:00 JST (`{ "scheduledTime": … }`, see
 * shared/schedules.ts), by the local scheduler and by `shinchoku replay`. Sends each 専門部会 at most
 * one mail per kind for the JST day of the scheduled time; a mail already sent is never sent again.
 * When a send fails the run fails after trying the others, so it is retried.
 */
import { lambdaHandler } from '#shared/lambda-handler';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { createMailer } from '#shared/aws/mailer';
import { envNames, requireEnv } from '#shared/config/env';
import { linkSecret } from '#shared/config/secrets';
import type { Bukai } from '#shared/domain/directory';
import { reminderConfigFromEnv } from '#shared/domain/reminders';
import { correlationIds, createLogger } from '#shared/logger';
import { runReminderJob, type ReminderJobResult } from '#shared/reminder-job';
import { catalogLoader } from '#shared/store/catalog-cache';
import { invocationDeadline } from '#shared/store/notification-items';
import { createStore } from '#shared/store/store';

const logger = createLogger('send-reminders');
const store = createStore(createDocumentClient(), requireEnv(envNames.tableName), requireEnv(envNames.tenant));
const loadCatalog = catalogLoader(store);
const mailer = createMailer();
// A broken configuration stops the cold start with its message, rather than sending wrong reminders.
const config = reminderConfigFromEnv(process.env);
const publicBaseUrl = requireEnv(envNames.publicBaseUrl);

export const handler = lambdaHandler<unknown, ReminderJobResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlationIds(logger))
  .handler(async (event, context) => {
    // The 課 of a 部会 with `attachSheet: true` get their own pre-filled 進捗管理シート with their
    // report-due mails. The sheet code (with the spreadsheet writer) is loaded only when one goes out.
    const attachSheet = async (bukai: Bukai, ka: { id: string }, quarter: string) => {
      const { sheetAttachment } = await import('#shared/sheet/service');
      return sheetAttachment(store, await loadCatalog(), bukai, ka, quarter, { secret: await linkSecret(), reminderConfig: config });
    };
    // The run cannot outlive the invocation: a mail it claimed and had not begun to send is free for
    // Lambda's retry once the deadline has passed.
    const deadline = invocationDeadline(context);
    const result = await runReminderJob(
      { store, loadCatalog, mailer, secret: () => linkSecret(), publicBaseUrl, config, logger, sheetAttachment: attachSheet, runsUntil: () => deadline },
      event,
    );
    logger.info('reminders done', {
      day: result.day,
      planned: result.planned,
      sent: result.sent.length,
      alreadySent: result.alreadySent.length,
      quartersRead: result.quartersRead,
    });
    return result;
  });
