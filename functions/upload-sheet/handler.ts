/**
 * A returned 進捗管理シート over HTTP: POST /form/{token}/sheet (multipart/form-data, field `sheet`),
 * imported through `importSheet` (every row through `submitReport`, all or nothing). The answer is a
 * page with the 受付番号 of each recorded row, or every refusal with its cell (JSON when asked for).
 * The downloads are functions/report-sheet: each function bundles only its half of the spreadsheet
 * library (the reader here, the writer there).
 *
 * Multipart is parsed by Node's own Fetch implementation (`Response#formData`, undici): the only
 * maintained multipart parser installed — the busboy in node_modules is 0.3 (a dependency of s3rver),
 * which relies on dicer, unmaintained and with a known crash on malformed input. The body size is
 * checked before parsing.
 */
import { lambdaHandler } from '#shared/lambda-handler';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { envNames, requireEnv } from '#shared/config/env';
import { linkSecret } from '#shared/config/secrets';
import { headerOf } from '#shared/http/headers';
import { json } from '#shared/http/response';
import { errorPage, formLinkRefusedPage, htmlErrors, htmlPage, type HtmlResult } from '#shared/http/html-pages';
import { correlationIds, createLogger } from '#shared/logger';
import { renderImportPage } from '#shared/sheet/answer';
import { sheetUploadField } from '#shared/sheet/form-section';
import { importSheet, type SheetImportResult } from '#shared/sheet/import';
import { sheetLimits } from '#shared/sheet/limits';
import { catalogLoader, type Catalog } from '#shared/store/catalog-cache';
import { createStore } from '#shared/store/store';
import { authenticate, type Caller } from '#shared/submit-report';
import type { Bilingual } from '#shared/web/form-pages';
import { langOf, type Lang } from '#shared/web/report-form';

/** Room for the multipart framing around the file. */
const multipartOverheadBytes = 64 * 1024;

const logger = createLogger('upload-sheet');
const store = createStore(createDocumentClient(), requireEnv(envNames.tableName), requireEnv(envNames.tenant));
const loadCatalog = catalogLoader(store);

const uploadTitle: Bilingual = { ja: 'ファイルを受け取れませんでした', en: 'The file could not be received' };
const nothingRecorded: Bilingual = { ja: '何も記録されていません。', en: 'Nothing has been recorded.' };

/** The uploaded file from a multipart body, or an error page. */
async function uploadedFile(event: APIGatewayProxyEventV2, lang: Lang): Promise<{ name: string; bytes: Buffer } | HtmlResult> {
  const contentType = headerOf(event, 'content-type') ?? '';
  if (!/^multipart\/form-data;/i.test(contentType.trim())) {
    return errorPage(
      lang,
      415,
      uploadTitle,
      { ja: `ファイルは multipart/form-data で送信してください (受信: ${contentType || 'なし'})`, en: `send the file as multipart/form-data (received: ${contentType || 'none'})` },
      nothingRecorded,
    );
  }
  const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (body.length > sheetLimits.maxFileBytes + multipartOverheadBytes) {
    const limit = `${sheetLimits.maxFileBytes / 1024 / 1024} MB`;
    return errorPage(lang, 413, uploadTitle, { ja: `ファイルが大きすぎます (上限 ${limit})`, en: `the file is too large (limit ${limit})` }, nothingRecorded);
  }
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return errorPage(lang, 400, uploadTitle, { ja: '送信内容を読み取れません', en: 'the upload could not be read' }, nothingRecorded);
  }
  const file = form.get(sheetUploadField);
  if (!(file instanceof Blob) || file.size === 0) {
    return errorPage(
      lang,
      400,
      uploadTitle,
      { ja: '進捗管理シートのファイルを選んでから送信してください', en: 'choose the progress sheet file, then send' },
      nothingRecorded,
    );
  }
  const name = 'name' in file && typeof file.name === 'string' && file.name !== '' ? file.name : 'upload.xlsx';
  return { name, bytes: Buffer.from(await file.arrayBuffer()) };
}

function wantsJson(event: APIGatewayProxyEventV2): boolean {
  const accept = event.headers?.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

async function upload(event: APIGatewayProxyEventV2, lang: Lang, caller: Caller, catalog: Catalog, secret: string): Promise<HtmlResult> {
  const file = await uploadedFile(event, lang);
  if (!('bytes' in file)) return file;
  const result: SheetImportResult = await importSheet(store, catalog, caller, file.bytes, { fileName: file.name, secret });
  logger.info('sheet imported', {
    kaId: caller.ka.id,
    quarter: caller.claims.quarter,
    outcome: result.outcome,
    sha256: result.sha256,
    ...(result.outcome === 'recorded'
      ? { recorded: result.recorded.map((r) => r.reference), failed: result.failed.length }
      : { problems: result.problems.length }),
  });
  const statusCode = result.outcome === 'refused' ? 422 : result.failed.length > 0 ? 500 : 200;
  if (wantsJson(event)) {
    return json(statusCode, result);
  }
  const token = event.pathParameters?.token ?? '';
  return htmlPage(statusCode, renderImportPage(result, { lang, backHref: `../${encodeURIComponent(token)}?lang=${lang}` }));
}

export const handler = lambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlationIds(logger))
  .use(
    htmlErrors(logger, {
      ja: 'サーバー内部でエラーが発生しました。同じファイルをもう一度送っても二重には記録されません。',
      en: 'An internal error occurred. Sending the same file again will not record anything twice.',
    }),
  )
  .handler(async (event) => {
    const lang = langOf(event.queryStringParameters);
    const [catalog, secret] = await Promise.all([loadCatalog(), linkSecret()]);
    const caller = authenticate(event.pathParameters?.token, 'form', { secret, catalog });
    if ('outcome' in caller) {
      logger.info('sheet link refused', { reason: caller.en });
      return formLinkRefusedPage(lang, caller);
    }
    return upload(event, lang, caller, catalog, secret);
  });
