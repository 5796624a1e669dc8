/**
 * GET /api/reports/{reference} and GET /api/measures/{measureId}/reports[?quarter=]: reports read
 * back as stored. A 課 (its form link token) reads the 事業 it owns or is related to; the secretariat
 * and the leadership (their dashboard link token) read every 事業; any other 事業 is answered 403
 * (shared/auth/read-access.ts).
 */
import { apiErrorOf } from '#shared/http/api-error';
import { json } from '#shared/http/response';
import { readApi } from '#shared/http/token-api';
import { readReportByReference, readReportHistory } from '#shared/read-reports';

const { store, loadCatalog, api } = readApi('read-reports');

export const handler = api
  .handler(async (event) => {
    const reference = event.pathParameters?.reference;
    const catalog = await loadCatalog();
    const found =
      reference !== undefined
        ? await readReportByReference(store, catalog, event.reader, reference)
        : await readReportHistory(store, catalog, event.reader, {
            measureId: event.pathParameters?.measureId,
            quarter: event.queryStringParameters?.quarter,
          });
    if (found.outcome !== 'found') throw apiErrorOf(found, { notFoundField: reference !== undefined ? 'reference' : 'measureId' });
    return json(200, found.value);
  });
