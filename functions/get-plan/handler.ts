/**
 * GET /api/plan and GET /api/plan/measures/{measureId}: the plan catalog as stored. The plan is
 * public and changes only when it is loaded again, so its answers may be cached for a while, as the
 * OpenAPI document's are; errors are not (the default of `json`).
 */
import { lambdaHandler } from '#shared/lambda-handler';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { envNames, requireEnv } from '#shared/config/env';
import { ApiError, fieldProblem } from '#shared/http/api-error';
import { httpErrors } from '#shared/http/middleware';
import { measureIdOfPath } from '#shared/http/path-ids';
import { HttpError, json } from '#shared/http/response';
import { correlationIds, createLogger } from '#shared/logger';
import { getMeasure, loadPlan } from '#shared/store/plan-items';
import { createStore } from '#shared/store/store';

const logger = createLogger('get-plan');
const store = createStore(createDocumentClient(), requireEnv(envNames.tableName), requireEnv(envNames.tenant));
const publicCache = { 'cache-control': 'public, max-age=300' };

export const handler = lambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlationIds(logger))
  .use(httpErrors(logger))
  .handler(async (event) => {
    if (event.pathParameters?.measureId !== undefined) {
      const path = measureIdOfPath(event.pathParameters.measureId);
      if ('problem' in path) throw new ApiError(400, '事業 id が正しくありません', 'invalid measure id', [path.problem]);
      const measure = await getMeasure(store, path.id);
      // Worded and shaped as every other route's unknown 事業 (shared/read-reports.ts).
      if (!measure) throw fieldProblem(404, 'measureId', `事業 ${path.id} は計画にありません`, `measure ${path.id} is not in the plan`);
      return json(200, measure, publicCache);
    }
    const plan = await loadPlan(store);
    if (!plan) throw new HttpError(404, '計画が読み込まれていません', 'no plan has been loaded');
    return json(200, plan, publicCache);
  });
