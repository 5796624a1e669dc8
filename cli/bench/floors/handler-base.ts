/**
 * Cold-start floor: what every DynamoDB handler of this stack loads before its own code — the
 * document client (`shared/aws/dynamodb.ts`), the Powertools logger with its middy middleware, middy
 * itself and zod/mini (`shared/zod.ts`) with one schema. The difference between a function and this
 * floor is the part its own code controls.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { createLogger } from '#shared/logger';
import * as z from '#shared/zod';

const client = createDocumentClient();
const logger = createLogger('floor');
const Key = z.object({ pk: z.string().check(z.minLength(1)), sk: z.string() });

export const handler = middy()
  .use(injectLambdaContext(logger))
  .handler(async (event: unknown) => client.get({ TableName: 'floor', Key: Key.parse(event) }));
