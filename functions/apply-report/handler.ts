/**
 * A late report updates a compiled quarter: the target of ProgressReported. When the report's quarter
 * has been compiled already, it is compiled again (the 事業's status and every roll-up follow) and
 * QuarterCompiled is published again, so the public page and the open data follow too (the digest,
 * sent once per quarter, is not sent again); when it has not, nothing happens — the scheduled compile
 * will read the report — unless the report was written around that compile
 * (`compilesAroundScheduledCompile`): its read of the quarter index, which is eventually consistent,
 * may not show the report yet, so the report compiles the quarter itself, and the compile lease makes
 * whichever of the two runs second see it. Comments do not set a status and are skipped. Idempotent: the same event
 * again finds the result unchanged and writes nothing; it publishes again, as the scheduled compile
 * does, so a retry after a failed publish still updates the public page.
 */
import { lambdaHandler } from '#shared/lambda-handler';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { eventEnvelopeSchema } from '#events/catalog';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { createEventBridgeClient, publishEvents } from '#shared/aws/events';
import { envNames, requireEnv } from '#shared/config/env';
import { correlationIds, createLogger } from '#shared/logger';
import { quarterCompileDay, reminderConfigFromEnv } from '#shared/domain/reminders';
import { compileAndSave } from '#shared/quarter-compile';
import { compilesAroundScheduledCompile } from '#shared/schedules';
import { catalogLoader } from '#shared/store/catalog-cache';
import { createStore } from '#shared/store/store';

const logger = createLogger('apply-report');
const store = createStore(createDocumentClient(), requireEnv(envNames.tableName), requireEnv(envNames.tenant));
const loadCatalog = catalogLoader(store);
const eventBridge = createEventBridgeClient();
const busName = requireEnv(envNames.eventBusName);
const envelopeSchema = eventEnvelopeSchema('ProgressReported');
const reminderConfig = reminderConfigFromEnv(process.env);

export type ApplyReportOutcome = 'updated' | 'unchanged' | 'not-compiled' | 'comment' | 'other-tenant';

export const handler = lambdaHandler<unknown, { outcome: ApplyReportOutcome }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlationIds(logger))
  .handler(async (event) => {
    const { detail } = envelopeSchema.parse(event);
    const about = { quarter: detail.quarter, measureId: detail.measureId, version: detail.version };
    if (detail.tenant !== store.tenant) {
      logger.warn('event of another tenant ignored', { ...about, tenant: detail.tenant });
      return { outcome: 'other-tenant' };
    }
    if (detail.kind !== 'report') return { outcome: 'comment' };

    const { plan } = await loadCatalog();
    const submittedAt = new Date(detail.submittedAt);
    const outcome = await compileAndSave(store, plan, detail.quarter, {
      clock: submittedAt,
      compileDay: quarterCompileDay(detail.quarter, reminderConfig),
      ensureReport: { measureId: detail.measureId, version: detail.version },
      onlyIfCompiled: !compilesAroundScheduledCompile(detail.quarter, submittedAt, reminderConfig),
    });
    if (!outcome) return { outcome: 'not-compiled' };
    await publishEvents(eventBridge, busName, [{ name: 'QuarterCompiled', detail: outcome.event, time: outcome.compiledAt }]);
    logger.info(outcome.changed ? 'compiled quarter updated' : 'compiled quarter already up to date', {
      ...about,
      counts: outcome.event.counts,
    });
    return { outcome: outcome.changed ? 'updated' : 'unchanged' };
  });
