/**
 * The 進捗管理シート as a download:
 * - GET /form/{token}/sheet.xlsx — the 課's own sheet for the link's quarter, pre-filled;
 * - GET /dashboard/{token}/sheets/{quarter}/{bukaiId} — a 部会's sheet, for the secretariat and the
 *   leadership (dashboard link; the dashboard finds this route in the route table and links to it).
 * A returned sheet is uploaded to functions/upload-sheet: each function bundles only its half of the
 * spreadsheet library (the writer here, the reader there). Every accepted request builds a workbook,
 * so the writer is loaded at init.
 */
import { lambdaHandler } from '#shared/lambda-handler';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { authenticateDashboard } from '#shared/auth/dashboard-access';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { envNames, requireEnv } from '#shared/config/env';
import { linkSecret } from '#shared/config/secrets';
import { formatQuarter, tryParseQuarter } from '#shared/domain/fiscal';
import { reminderConfigFromEnv } from '#shared/domain/reminders';
import { errorPage, formLinkRefusedPage, htmlErrors, type HtmlResult } from '#shared/http/html-pages';
import { contentDisposition } from '#shared/http/response';
import { correlationIds, createLogger } from '#shared/logger';
import { SheetScopeError, xlsxContentType } from '#shared/sheet/export';
import type { SheetScope } from '#shared/sheet/reference';
import { exportSheet } from '#shared/sheet/service';
import { catalogLoader, type Catalog } from '#shared/store/catalog-cache';
import { createStore } from '#shared/store/store';
import { authenticate } from '#shared/submit-report';
import { langOf, type Lang } from '#shared/web/report-form';

const logger = createLogger('report-sheet');
const store = createStore(createDocumentClient(), requireEnv(envNames.tableName), requireEnv(envNames.tenant));
const loadCatalog = catalogLoader(store);
const reminderConfig = reminderConfigFromEnv(process.env);


const noSuchSheet = { ja: 'シートがありません', en: 'No such sheet' };

async function download(lang: Lang, catalog: Catalog, secret: string, scope: SheetScope, quarter: string): Promise<HtmlResult> {
  let sheet: Awaited<ReturnType<typeof exportSheet>>;
  try {
    sheet = await exportSheet(store, catalog, { scope, quarter, secret, reminderConfig });
  } catch (error) {
    // A quarter outside the plan period (a form link issued for one), or a 課 / 部会 the directory
    // no longer has: no such sheet, as the dashboard download says, rather than a server error.
    if (!(error instanceof SheetScopeError)) throw error;
    logger.info('sheet refused', { scope, quarter, reason: error.en });
    return errorPage(lang, 404, noSuchSheet, { ja: error.ja, en: error.en });
  }
  logger.info('sheet downloaded', { scope, quarter, rows: sheet.rows.length });
  return {
    statusCode: 200,
    headers: {
      'content-type': xlsxContentType,
      'content-disposition': contentDisposition(sheet.fileName),
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    },
    body: sheet.buffer.toString('base64'),
    isBase64Encoded: true,
  };
}

/** A 部会's sheet for the dashboard's holders (secretariat, leadership). */
async function dashboardDownload(event: APIGatewayProxyEventV2, lang: Lang, catalog: Catalog, secret: string): Promise<HtmlResult> {
  const viewer = authenticateDashboard(event.pathParameters?.token, { secret, tenant: catalog.plan.plan.tenant, directory: catalog.directory });
  if ('outcome' in viewer) {
    logger.info('dashboard sheet link refused', { reason: viewer.en });
    return errorPage(lang, 401, { ja: 'このリンクは使えません', en: 'This link cannot be used' }, viewer, {
      ja: '事務局に新しいダッシュボードのリンクを依頼してください。',
      en: 'Ask the secretariat for a new dashboard link.',
    });
  }
  const parsed = tryParseQuarter(event.pathParameters?.quarter ?? '');
  const quarter = parsed ? formatQuarter(parsed) : undefined;
  const { period } = catalog.plan.plan;
  const bukaiId = event.pathParameters?.bukaiId ?? '';
  if (!quarter || parsed!.fiscalYear < period.from || parsed!.fiscalYear > period.to) {
    return errorPage(lang, 404, noSuchSheet, {
      ja: `四半期「${event.pathParameters?.quarter ?? ''}」は計画期間 (FY${period.from}–FY${period.to}) の四半期ではありません`,
      en: `"${event.pathParameters?.quarter ?? ''}" is not a quarter of the plan period FY${period.from}–FY${period.to}`,
    });
  }
  if (!catalog.directory.bukai.some((b) => b.id === bukaiId)) {
    return errorPage(lang, 404, noSuchSheet, { ja: `部会「${bukaiId}」は名簿にありません`, en: `no 部会 "${bukaiId}" in the directory` });
  }
  logger.appendKeys({ dashboardHolder: viewer.holder });
  return download(lang, catalog, secret, { kind: 'bukai', id: bukaiId }, quarter);
}

export const handler = lambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlationIds(logger))
  .use(
    htmlErrors(logger, {
      ja: 'サーバー内部でエラーが発生しました。しばらくしてからもう一度ダウンロードしてください。',
      en: 'An internal error occurred. Please download the sheet again in a moment.',
    }),
  )
  .handler(async (event) => {
    const lang = langOf(event.queryStringParameters);
    const [catalog, secret] = await Promise.all([loadCatalog(), linkSecret()]);
    if (event.pathParameters?.bukaiId !== undefined) return dashboardDownload(event, lang, catalog, secret);
    const caller = authenticate(event.pathParameters?.token, 'form', { secret, catalog });
    if ('outcome' in caller) {
      logger.info('sheet link refused', { reason: caller.en });
      return formLinkRefusedPage(lang, caller);
    }
    return download(lang, catalog, secret, { kind: 'ka', id: caller.ka.id }, caller.claims.quarter);
  });
