/**
 * The quarterly compile: invoked by EventBridge Scheduler a few days after each quarter closes
 * (`{ "quarter": "previous", "scheduledTime": … }`, see events/schedule-inputs.ts) or on demand
 * (`{ "quarter": "FY2013-Q2" }`, e.g. by `shinchoku compile`). Compiles the quarter from its reports
 * (one paginated query), stores it, and publishes QuarterCompiled — also when the stored result was
 * already the same, so a run retried after a failed publish still triggers the digest (which is
 * sent once per quarter however often the event comes). A quarter outside the plan period (the
 * schedule's first run names the quarter before the plan) is skipped.
 */
import { lambdaHandler } from '#shared/lambda-handler';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import * as z from '#shared/zod';
import { CompileQuarterInputSchema } from '#events/schedule-inputs';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { createEventBridgeClient, publishEvents } from '#shared/aws/events';
import { envNames, requireEnv } from '#shared/config/env';
import { isWithinPlanPeriod, resolveQuarter } from '#shared/domain/compile';
import { quarterCompileDay, reminderConfigFromEnv } from '#shared/domain/reminders';
import type { ColourCounts } from '#shared/domain/status';
import { correlationIds, createLogger } from '#shared/logger';
import { compileAndSave } from '#shared/quarter-compile';
import { catalogLoader } from '#shared/store/catalog-cache';
import { createStore } from '#shared/store/store';

const logger = createLogger('compile-quarter');
const store = createStore(createDocumentClient(), requireEnv(envNames.tableName), requireEnv(envNames.tenant));
const loadCatalog = catalogLoader(store);
const eventBridge = createEventBridgeClient();
const busName = requireEnv(envNames.eventBusName);
/** The reminder rules (REMINDER_CONFIG): they set each quarter's compile day. */
const reminderConfig = reminderConfigFromEnv(process.env);

/** What the invocation returns (shown by `shinchoku compile`). */
export type CompileQuarterResult =
  | { outcome: 'compiled'; quarter: string; changed: boolean; compiledAt: string; reportsRead: number; counts: ColourCounts }
  /** A quarter before or after the plan period: nothing is compiled, stored or published. */
  | { outcome: 'outside-plan-period'; quarter: string };

/** The input was not a compile request: nothing is compiled or written. */
export class InvalidCompileInputError extends Error {
  constructor(detail: string) {
    super(`集計の指定が不正です / invalid compile input: ${detail}`);
    this.name = 'InvalidCompileInputError';
  }
}

export const handler = lambdaHandler<unknown, CompileQuarterResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlationIds(logger))
  .handler(async (event) => {
    const parsed = CompileQuarterInputSchema.safeParse(event);
    if (!parsed.success) throw new InvalidCompileInputError(z.prettifyError(parsed.error));
    const clock = parsed.data.scheduledTime ? new Date(parsed.data.scheduledTime) : new Date();
    const quarter = resolveQuarter(parsed.data.quarter, clock);

    const { plan } = await loadCatalog();
    if (!isWithinPlanPeriod(plan, quarter)) {
      logger.info('quarter outside the plan period: nothing to compile', { quarter, period: plan.plan.period });
      return { outcome: 'outside-plan-period', quarter };
    }
    const outcome = (await compileAndSave(store, plan, quarter, { clock, compileDay: quarterCompileDay(quarter, reminderConfig) }))!;
    await publishEvents(eventBridge, busName, [{ name: 'QuarterCompiled', detail: outcome.event, time: outcome.compiledAt }]);

    const result: CompileQuarterResult = {
      outcome: 'compiled',
      quarter,
      changed: outcome.changed,
      compiledAt: outcome.event.compiledAt,
      reportsRead: outcome.reportsRead,
      counts: outcome.event.counts,
    };
    logger.info('quarter compiled', { ...result });
    return result;
  });
