/**
 * The outbox publisher: a DynamoDB stream batch in (inserts of report items, filtered by the event
 * source mapping), one ProgressReported event per report out. A record that can never become an event
 * (a report item without a valid report) is sent alone to the stream-failure queue
 * (STREAM_FAILURE_QUEUE_URL) and the records after it are published; what may succeed later (EventBridge
 * refusing, the queue unreachable) goes back to Lambda as a partial batch failure and is retried from
 * there. The rule is in `events/outbox.ts`.
 */
import { lambdaHandler } from '#shared/lambda-handler';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { publishStreamRecords } from '#events/outbox';
import { createEventBridgeClient, publishEvents } from '#shared/aws/events';
import { createQueueClient } from '#shared/aws/sqs';
import { envNames, requireEnv } from '#shared/config/env';
import { correlationIds, createLogger } from '#shared/logger';

const logger = createLogger('publish-events');
const eventBridge = createEventBridgeClient();
const sqs = createQueueClient();
const busName = requireEnv(envNames.eventBusName);
const failureQueueUrl = requireEnv(envNames.streamFailureQueueUrl);

export const handler = lambdaHandler<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlationIds(logger))
  .handler(async (event) =>
    publishStreamRecords(
      event.Records,
      {
        publish: (entries) => publishEvents(eventBridge, busName, entries),
        setAside: async (message) => {
          await sqs.sendMessage({ QueueUrl: failureQueueUrl, MessageBody: JSON.stringify(message) });
        },
      },
      logger,
    ),
  );
