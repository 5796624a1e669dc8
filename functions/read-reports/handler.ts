/**
 * GET /api/reports/{reference} and GET /api/measures/{measureId}/reports[?quarter=]: reports read
 * back as stored, for anyone holding a valid link token of the tenant (the city's staff).
 */
import { apiErrorOf } from '#shared/http/api-error';
import { json } from '#shared/http/response';
import { tokenApi } from '#shared/http/token-api';
import { readReportByReference, readReportHistory } from '#shared/read-reports';

const { store, loadCatalog, api } = tokenApi('read-reports');

export const handler = api
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
