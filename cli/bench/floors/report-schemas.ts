/**
 * Cold-start floor: the base every handler stands on (`handler-base.ts`) plus the zod schemas of a
 * report, built as every function that accepts or reads reports builds them at load (the input a 課
 * sends and the stored report). The difference to the base is what validating with zod costs at a
 * cold start, before any of a function's own code.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { ReportInputSchema } from '#shared/domain/report-input';
import { StoredReportSchema } from '#shared/domain/report';
import { createLogger } from '#shared/logger';

const client = createDocumentClient();
const logger = createLogger('floor');

export const handler = middy<{ body: unknown; key: Record<string, string> }>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const input = ReportInputSchema.parse(event.body);
    const { Item } = await client.get({ TableName: 'floor', Key: event.key });
    return { input, stored: StoredReportSchema.parse(Item) };
  });
