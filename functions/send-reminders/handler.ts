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
  .handler(async (event) => {
    // A 部会 with `attachSheet: true` gets its pre-filled 進捗管理シート with the report-due mails
    // (the 部会's sheet to the 部会, each 課's own to the 課). The sheet code (with the spreadsheet
    // writer) is loaded only when a report-due mail goes out.
    const attachSheet = async (bukai: Bukai, quarter: string, ka?: { id: string }) => {
      const { sheetAttachment } = await import('#shared/sheet/service');
      return sheetAttachment(store, await loadCatalog(), bukai, quarter, { secret: await linkSecret(), reminderConfig: config }, ka);
    };
    const result = await runReminderJob(
      { store, loadCatalog, mailer, secret: () => linkSecret(), publicBaseUrl, config, logger, sheetAttachment: attachSheet },
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
