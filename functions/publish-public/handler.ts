/**
 * The public progress page: the target of QuarterCompiled. Publishes the compiled quarter's static
 * page and open data (CSV, JSON) to the public site's bucket and refreshes the index
 * (shared/publish-public.ts), once the quarter's reports are due (REMINDER_CONFIG's due dates; a
 * compile before then publishes nothing). Idempotent: the same event again writes the same objects.
 */
import { lambdaHandler } from '#shared/lambda-handler';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { eventEnvelopeSchema } from '#events/catalog';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { s3PublicSiteWriter } from '#shared/aws/public-site-bucket';
import { createObjectStore } from '#shared/aws/s3';
import { envNames, requireEnv } from '#shared/config/env';
import { reminderConfigFromEnv } from '#shared/domain/reminders';
import { correlationIds, createLogger } from '#shared/logger';
import { publishPublicPage, type PublishOutcome } from '#shared/publish-public';
import { CompiledQuarterMissingError } from '#shared/quarter-compile';
import { catalogLoader } from '#shared/store/catalog-cache';
import { createStore } from '#shared/store/store';

const logger = createLogger('publish-public');
const store = createStore(createDocumentClient(), requireEnv(envNames.tableName), requireEnv(envNames.tenant));
const loadCatalog = catalogLoader(store);
const site = s3PublicSiteWriter(createObjectStore(), requireEnv(envNames.publicBucket));
const envelopeSchema = eventEnvelopeSchema('QuarterCompiled');
// The reminder rules' due dates decide from when a quarter may be published (as for the digest).
const reminderConfig = reminderConfigFromEnv(process.env);

export const handler = lambdaHandler<unknown, { outcome: PublishOutcome['outcome'] | 'other-tenant'; objects?: number }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlationIds(logger))
  .handler(async (event) => {
    const { detail } = envelopeSchema.parse(event);
    if (detail.tenant !== store.tenant) {
      logger.warn('event of another tenant ignored', { quarter: detail.quarter, tenant: detail.tenant });
      return { outcome: 'other-tenant' };
    }
    const { plan } = await loadCatalog();
    // Events published before `ranAt` existed carry only `compiledAt`.
    const compileRanAt = new Date(detail.ranAt ?? detail.compiledAt);
    const result = await publishPublicPage(detail.quarter, { store, plan, site, reminderConfig, compileRanAt });
    if (result.outcome === 'not-compiled') throw new CompiledQuarterMissingError(detail.quarter);
    if (result.outcome === 'before-reports-due') {
      logger.info('public page waits for the compile after the reports are due', { quarter: detail.quarter, publishFrom: result.publishFrom });
      return { outcome: result.outcome };
    }
    logger.info('public page published', { quarter: detail.quarter, objects: result.keys.length });
    return { outcome: result.outcome, objects: result.keys.length };
  });
