/**
 * GET /api/measures/{measureId}/status, /api/bukai/{bukaiId}/status and /api/status (each with
 * `?quarter=`): the latest reports beside the compiled status. A 課 (its form link token) reads the
 * 事業 it owns or is related to, and its own 部会, whose other 事業 it sees as compiled status and a
 * report summary without names or internal fields; the whole plan and anything else need the
 * dashboard link token of the secretariat or the leadership, else 403 (shared/auth/read-access.ts).
 */
import { apiErrorOf } from '#shared/http/api-error';
import { json } from '#shared/http/response';
import { readApi } from '#shared/http/token-api';
import { readBukaiStatus, readMeasureStatus, readPlanStatus } from '#shared/read-status';

const { store, loadCatalog, api } = readApi('read-status');

export const handler = api
  .handler(async (event) => {
    const catalog = await loadCatalog();
    const quarter = event.queryStringParameters?.quarter;
    const { measureId, bukaiId } = event.pathParameters ?? {};
    const found =
      measureId !== undefined
        ? await readMeasureStatus(store, catalog, event.reader, { measureId, quarter })
        : bukaiId !== undefined
          ? await readBukaiStatus(store, catalog, event.reader, { bukaiId, quarter })
          : await readPlanStatus(store, catalog, event.reader, { quarter });
    if (found.outcome !== 'found') throw apiErrorOf(found, { notFoundField: bukaiId !== undefined ? 'bukaiId' : 'measureId' });
    return json(200, found.value);
  });
