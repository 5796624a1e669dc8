/**
 * The start every link-token API handler shares (POST /api/reports and the read routes): its logger,
 * the store of the tenant, the cached catalog, and a middy chain that logs with the Lambda context,
 * answers errors as JSON and lets only holders of a valid link token through: a 課's form link
 * (`tokenApi`, `event.caller`), or for the read routes also a dashboard link of the secretariat or the
 * leadership (`readApi`, `event.reader`). The handler module adds its own middlewares and handler, so
 * it stays thin and the event stays typed.
 */
import { lambdaHandler } from '../lambda-handler.ts';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { createDocumentClient } from '../aws/dynamodb.ts';
import { envNames, requireEnv } from '../config/env.ts';
import { linkSecret } from '../config/secrets.ts';
import { correlationIds, createLogger } from '../logger.ts';
import { catalogLoader } from '../store/catalog-cache.ts';
import { createStore } from '../store/store.ts';
import { bearerAuth, readerAuth } from './bearer-auth.ts';
import { httpErrors } from './middleware.ts';

/**
 * Builds, once per handler module (so at cold start, from that module's environment), what a
 * link-token API function needs. `fn` is the function's name, as in shared/http/routes.ts.
 */
export function tokenApi(fn: string) {
  const { logger, store, loadCatalog, chain } = apiBase(fn);
  const api = chain.use(bearerAuth({ purpose: 'form', secret: () => linkSecret(), catalog: loadCatalog, logger }));
  return { logger, store, loadCatalog, api };
}

/**
 * As `tokenApi`, for the read routes: a 課's form link or a dashboard link (secretariat, leadership)
 * gets through, as `event.reader`; the read functions check its scope (shared/auth/read-access.ts).
 */
export function readApi(fn: string) {
  const { logger, store, loadCatalog, chain } = apiBase(fn);
  const api = chain.use(readerAuth({ secret: () => linkSecret(), catalog: loadCatalog, logger }));
  return { logger, store, loadCatalog, api };
}

function apiBase(fn: string) {
  const logger = createLogger(fn);
  const store = createStore(createDocumentClient(), requireEnv(envNames.tableName), requireEnv(envNames.tenant));
  const loadCatalog = catalogLoader(store);
  const chain = lambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    // resetKeys: the caller the auth middleware appends to the log keys must not leak into the next request.
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationIds(logger))
    .use(httpErrors(logger));
  return { logger, store, loadCatalog, chain };
}
