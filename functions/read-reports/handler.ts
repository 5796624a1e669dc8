/**
 * GET /api/reports/{reference} and GET /api/measures/{measureId}/reports[?quarter=]: reports read
 * back as stored, for anyone holding a valid link token of the tenant (the city's staff).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { envNames, requireEnv } from '#shared/config/env';
import { linkSecret } from '#shared/config/secrets';
import { apiErrorOf } from '#shared/http/api-error';
import { bearerAuth } from '#shared/http/bearer-auth';
import { httpErrors } from '#shared/http/middleware';
import { json } from '#shared/http/response';
import { createLogger } from '#shared/logger';
import { readReportByReference, readReportHistory } from '#shared/read-reports';
import { catalogLoader } from '#shared/store/catalog-cache';
import { createStore } from '#shared/store/store';

const logger = createLogger('read-reports');
const store = createStore(createDocumentClient(), requireEnv(envNames.tableName), requireEnv(envNames.tenant));
const loadCatalog = catalogLoader(store);

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(httpErrors(logger))
  .use(bearerAuth({ purpose: 'form', secret: () => linkSecret(), catalog: loadCatalog, logger }))
  .handler(async (event) => {
    const reference = event.pathParameters?.reference;
    const found =
      reference !== undefined
        ? await readReportByReference(store, reference)
        : await readReportHistory(store, await loadCatalog(), {
            measureId: event.pathParameters?.measureId,
            quarter: event.queryStringParameters?.quarter,
          });
    if (found.outcome !== 'found') throw apiErrorOf(found, { notFoundField: reference !== undefined ? 'reference' : 'measureId' });
    return json(200, found.value);
  });
