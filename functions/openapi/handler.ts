/** GET /openapi.json: the API's OpenAPI 3.1 document, generated from the route table and the zod schemas. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { httpErrors } from '#shared/http/middleware';
import { buildOpenApiDocument } from '#shared/http/openapi';
import { json } from '#shared/http/response';
import { correlationIds, createLogger } from '#shared/logger';

const logger = createLogger('openapi');
// The document depends only on the deployed code: build it once per container.
const document = buildOpenApiDocument();

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlationIds(logger))
  .use(httpErrors(logger))
  .handler(async () => json(200, document, { 'cache-control': 'public, max-age=300' }));
