/**
 * POST /api/reports: a 課 submits a progress report with its signed link token. The middlewares
 * answer what is wrong with the request itself (401, 400 for the idempotency key, 415, 413, 400 for
 * UTF-8 and JSON); `submitReport` decides the rest, as for every other channel.
 */
import { largestReportBody } from '#shared/domain/report';
import { receiptOf } from '#shared/domain/report-query';
import { apiErrorOf } from '#shared/http/api-error';
import { requireIdempotencyKey } from '#shared/http/idempotency-key';
import { requireJsonBody } from '#shared/http/json-body';
import { json } from '#shared/http/response';
import { tokenApi } from '#shared/http/token-api';
import { submitReport } from '#shared/submit-report';

/** The largest report the schema allows, each character escaped as `\uXXXX`; anything beyond is a mistake or an attack. */
export const maxReportBytes = largestReportBody(6);

const { logger, store, loadCatalog, api } = tokenApi('submit-report');

export const handler = api
  .use(requireIdempotencyKey())
  .use(requireJsonBody({ maxBytes: maxReportBytes }))
  .handler(async (event) => {
    const outcome = await submitReport(store, await loadCatalog(), event.caller, event.jsonBody, {
      channel: 'api',
      idempotencyKey: event.idempotencyKey,
    });
    if ('ja' in outcome) {
      logger.info('report refused', { outcome: outcome.outcome });
      throw apiErrorOf(outcome);
    }
    const { report } = outcome;
    logger.info(outcome.outcome === 'recorded' ? 'report recorded' : 'report replayed', {
      reference: report.reference,
      measureId: report.measureId,
      kind: report.kind,
    });
    const location = { location: `/api/reports/${encodeURIComponent(report.reference)}` };
    return outcome.outcome === 'recorded'
      ? json(201, receiptOf(report), location)
      : json(200, receiptOf(report), { ...location, 'idempotent-replayed': 'true' });
  });
