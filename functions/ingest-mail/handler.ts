/**
 * The SES receipt rule's Lambda action (invocation type Event): one received report mail per
 * invocation. SES's S3 action has stored the raw message before (`inbound/<messageId>` in
 * MAIL_BUCKET); `ingestMail` reads, checks, records and answers it. An error fails the invocation,
 * so Lambda retries it and finally hands the event to the function's on-failure queue.
 */
import { lambdaHandler } from '#shared/lambda-handler';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SesReceiptEventSchema } from '#events/ses-receipt';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { createMailer } from '#shared/aws/mailer';
import { createObjectStore } from '#shared/aws/s3';
import { envNames, requireEnv } from '#shared/config/env';
import { linkSecret } from '#shared/config/secrets';
import { correlationIds, createLogger } from '#shared/logger';
import { catalogLoader } from '#shared/store/catalog-cache';
import { invocationDeadline } from '#shared/store/notification-items';
import { createStore } from '#shared/store/store';
import { ingestMail, type IngestOutcome } from './ingest.ts';

const logger = createLogger('ingest-mail');
const store = createStore(createDocumentClient(), requireEnv(envNames.tableName), requireEnv(envNames.tenant));
const loadCatalog = catalogLoader(store);
const s3 = createObjectStore();
const mailer = createMailer();
const bucket = requireEnv(envNames.mailBucket);

export const handler = lambdaHandler<unknown, IngestOutcome[]>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlationIds(logger))
  .handler(async (event, context) => {
    const parsed = SesReceiptEventSchema.safeParse(event);
    if (!parsed.success) {
      // Not an SES receipt event: retrying cannot help, and there is no one to answer.
      logger.error('not an SES receipt event', { issues: parsed.error.issues.slice(0, 5) });
      return [];
    }
    logger.appendKeys({ sesMessageId: parsed.data.Records[0]?.ses.mail.messageId });
    const deadline = invocationDeadline(context);
    return ingestMail(parsed.data, { store, loadCatalog, s3, mailer, secret: () => linkSecret(), bucket, logger, runsUntil: () => deadline });
  });
