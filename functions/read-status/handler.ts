/**
 * GET /api/measures/{measureId}/status, /api/bukai/{bukaiId}/status and /api/status (each with
 * `?quarter=`): the latest reports beside the compiled status, for anyone holding a valid link token
 * of the tenant (the city's staff).
 */
import { apiErrorOf } from '#shared/http/api-error';
import { json } from '#shared/http/response';
import { tokenApi } from '#shared/http/token-api';
import { readBukaiStatus, readMeasureStatus, readPlanStatus } from '#shared/read-status';

const { store, loadCatalog, api } = tokenApi('read-status');

export const handler = api
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
