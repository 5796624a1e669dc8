/**
 * The outbox publisher: a DynamoDB stream batch in (inserts of report items, filtered by the event
 * source mapping), one ProgressReported event per report out, partial batch failures back to Lambda
 * so a bad record is retried and dead-lettered alone. The rule is in `events/outbox.ts`.
 */
import { lambdaHandler } from '#shared/lambda-handler';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { publishStreamRecords } from '#events/outbox';
import { createEventBridgeClient, publishEvents } from '#shared/aws/events';
import { envNames, requireEnv } from '#shared/config/env';
import { correlationIds, createLogger } from '#shared/logger';

const logger = createLogger('publish-events');
const eventBridge = createEventBridgeClient();
const busName = requireEnv(envNames.eventBusName);

export const handler = lambdaHandler<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlationIds(logger))
  .handler(async (event) =>
    publishStreamRecords(event.Records, (entries) => publishEvents(eventBridge, busName, entries), logger),
  );
