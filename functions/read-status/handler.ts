/**
 * GET /api/measures/{measureId}/status, /api/bukai/{bukaiId}/status and /api/status (each with
 * `?quarter=`): the latest reports beside the compiled status, for anyone holding a valid link token
 * of the tenant (the city's staff).
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
import { readBukaiStatus, readMeasureStatus, readPlanStatus } from '#shared/read-status';
import { catalogLoader } from '#shared/store/catalog-cache';
import { createStore } from '#shared/store/store';

const logger = createLogger('read-status');
const store = createStore(createDocumentClient(), requireEnv(envNames.tableName), requireEnv(envNames.tenant));
const loadCatalog = catalogLoader(store);

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(httpErrors(logger))
  .use(bearerAuth({ purpose: 'form', secret: () => linkSecret(), catalog: loadCatalog, logger }))
  .handler(async (event) => {
    const catalog = await loadCatalog();
    const quarter = event.queryStringParameters?.quarter;
    const { measureId, bukaiId } = event.pathParameters ?? {};
    const found =
      measureId !== undefined
        ? await readMeasureStatus(store, catalog, { measureId, quarter })
        : bukaiId !== undefined
          ? await readBukaiStatus(store, catalog, { bukaiId, quarter })
          : await readPlanStatus(store, catalog, { quarter });
    if (found.outcome !== 'found') throw apiErrorOf(found, { notFoundField: bukaiId !== undefined ? 'bukaiId' : 'measureId' });
    return json(200, found.value);
  });
