/**
 * GET /openapi.json: the API's OpenAPI 3.1 document, generated from the route table and the zod
 * schemas. It depends only on the deployed code, so it ships as a file (`npm run openapi` writes it,
 * and a test holds it to what the code generates) instead of being built at every cold start.
 */
import { lambdaHandler } from '#shared/lambda-handler';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { httpErrors } from '#shared/http/middleware';
import { json } from '#shared/http/response';
import { correlationIds, createLogger } from '#shared/logger';
import document from '../../shared/http/openapi.json' with { type: 'json' };

const logger = createLogger('openapi');

export const handler = lambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlationIds(logger))
  .use(httpErrors(logger))
  .handler(async () => json(200, document, { 'cache-control': 'public, max-age=300' }));
