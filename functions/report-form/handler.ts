/**
 * GET /form/{token} and POST /form/{token}: a 課's web form for the quarter of its signed link.
 * GET shows one form per 事業, pre-filled with the last report; POST records one report through
 * `submitReport` (as every channel does) and answers with the receipt, or with the form again, the
 * person's input kept and each error next to its field. The pages are rendered by shared/web.
 */
import { randomUUID } from 'node:crypto';
import { lambdaHandler } from '#shared/lambda-handler';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { envNames, requireEnv } from '#shared/config/env';
import { linkSecret } from '#shared/config/secrets';
import { parseQuarter } from '#shared/domain/fiscal';
import { isInScope } from '#shared/domain/measure-span';
import { largestReportBody } from '#shared/domain/report';
import { normaliseMeasureId } from '#shared/domain/ids';
import { roleOf, type FieldError } from '#shared/domain/report-input';
import { headerOf } from '#shared/http/headers';
import { errorPage, formLinkRefusedPage, htmlErrors, htmlPage, type HtmlResult } from '#shared/http/html-pages';
import { correlationIds, createLogger } from '#shared/logger';
import { catalogLoader, type Catalog } from '#shared/store/catalog-cache';
import { reportHistory } from '#shared/store/report-items';
import { createStore } from '#shared/store/store';
import { sheetFormLinks } from '#shared/sheet/form-section';
import { authenticate, submitReport, type Caller, type Refusal, type SubmitOutcome } from '#shared/submit-report';
import {
  renderFormPage,
  renderReceiptPage,
  type Bilingual,
  type FormPageModel,
  type MeasureForm,
} from '#shared/web/form-pages';
import {
  FormBodyError,
  isIdempotencyKey,
  langOf,
  lastReportFor,
  measuresOfKa,
  readUrlEncoded,
  submittedForm,
  toReportInput,
  valuesFromReport,
  type Lang,
} from '#shared/web/report-form';

/** The largest form body accepted: the largest report the form allows, each character sent as three `%XX`. */
export const maxFormBytes = largestReportBody(9);

const logger = createLogger('report-form');
const store = createStore(createDocumentClient(), requireEnv(envNames.tableName), requireEnv(envNames.tenant));
const loadCatalog = catalogLoader(store);

const refusalStatus: Record<Refusal['outcome'], number> = {
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  invalid: 400,
  full: 409,
  conflict: 409,
  busy: 503,
};

function isAccepted(outcome: SubmitOutcome): outcome is Exclude<SubmitOutcome, Refusal> {
  return outcome.outcome === 'recorded' || outcome.outcome === 'duplicate';
}

/** Changes to one 事業's form on a re-rendered page: what the person typed and what was wrong. */
interface FormOverride {
  measureId: string;
  form: Pick<MeasureForm, 'values' | 'idempotencyKey' | 'errors'>;
}

async function formPage(
  catalog: Catalog,
  caller: Caller,
  lang: Lang,
  options: { override?: FormOverride; notice?: FormPageModel['notice'] } = {},
): Promise<FormPageModel> {
  const { quarter } = caller.claims;
  const fiscalYear = parseQuarter(quarter).fiscalYear;
  const { owned, related } = measuresOfKa(catalog.plan, caller.ka);
  const histories = await Promise.all(owned.map((m) => reportHistory(store, m.id)));
  const ownedForms: MeasureForm[] = owned.map((measure, i) => {
    const last = lastReportFor(histories[i] ?? [], quarter);
    return {
      measure,
      role: 'owner',
      values: valuesFromReport(last, fiscalYear, caller.ka.id),
      idempotencyKey: randomUUID(),
      // A 事業 several 課 own has one report: the form says when another 課 wrote the one it shows.
      ...(last ? { prefilledFrom: { ...last, ...(last.reporter.kaId === caller.ka.id ? {} : { by: last.reporter.ka }) } } : {}),
      inScope: isInScope(measure, catalog.plan.plan.period, fiscalYear),
    };
  });
  const relatedForms: MeasureForm[] = related.map((measure) => ({
    measure,
    role: 'related',
    values: { ...valuesFromReport(undefined, fiscalYear) },
    idempotencyKey: randomUUID(),
  }));
  // A re-rendered 事業 shows what the person typed, not the last report: no note that it does.
  const apply = (form: MeasureForm): MeasureForm => {
    if (options.override?.measureId !== form.measure.id) return form;
    const { prefilledFrom: _shownNoMore, ...typed } = form;
    return { ...typed, ...options.override.form };
  };
  return {
    lang,
    ka: { name: caller.ka.name, bukai: caller.ka.bukai },
    quarter,
    period: catalog.plan.plan.period,
    plan: catalog.plan.plan,
    owned: ownedForms.map(apply),
    related: relatedForms.map(apply),
    ...(options.notice ? { notice: options.notice } : {}),
  };
}

const badRequestTitle: Bilingual = { ja: '送信内容を読み取れません', en: 'The form could not be read' };
const reloadHint: Bilingual = {
  ja: 'ブラウザーの「戻る」でフォームに戻り、ページを読み込み直してから送信してください。',
  en: 'Go back to the form, reload the page, and submit again.',
};

async function submit(event: APIGatewayProxyEventV2, lang: Lang, caller: Caller, catalog: Catalog): Promise<HtmlResult> {
  const contentType = (headerOf(event, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/x-www-form-urlencoded') {
    return errorPage(
      lang,
      415,
      { ja: '送信形式が違います', en: 'Unsupported content type' },
      {
        ja: `このフォームは application/x-www-form-urlencoded で送信してください (受信: ${contentType || 'なし'})`,
        en: `this form accepts application/x-www-form-urlencoded (received: ${contentType || 'none'})`,
      },
      reloadHint,
    );
  }
  const bytes = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > maxFormBytes) {
    return errorPage(
      lang,
      413,
      { ja: '送信内容が大きすぎます', en: 'The form is too large' },
      {
        ja: `送信できるのは ${Math.floor(maxFormBytes / 1024)} KB までです (受信: ${Math.ceil(bytes.length / 1024)} KB)`,
        en: `at most ${Math.floor(maxFormBytes / 1024)} KB can be sent (received: ${Math.ceil(bytes.length / 1024)} KB)`,
      },
      { ja: '記述を短くして、もう一度送信してください。', en: 'Please shorten the text and submit again.' },
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return errorPage(lang, 400, badRequestTitle, { ja: '送信内容が UTF-8 ではありません', en: 'the form data is not UTF-8' }, reloadHint);
  }
  let fields: Map<string, string>;
  try {
    fields = readUrlEncoded(text);
  } catch (error) {
    if (error instanceof FormBodyError) return errorPage(lang, 400, badRequestTitle, { ja: error.ja, en: error.en }, reloadHint);
    throw error;
  }
  // Read as the submission reads it (２－２－３ is 2-2-3), so the receipt names the 事業 recorded.
  const measureId = normaliseMeasureId(fields.get('measureId') ?? '');
  const measure = catalog.plan.measures.find((m) => m.id === measureId);
  const form = submittedForm(fields, measure);
  const page = async (statusCode: number, options: Parameters<typeof formPage>[3]) =>
    htmlPage(statusCode, renderFormPage(await formPage(catalog, caller, lang, options)));
  if (!isIdempotencyKey(form.idempotencyKey)) {
    return page(400, {
      notice: {
        kind: 'error',
        message: { ja: 'フォームの識別情報がないか、正しくありません。このページから送信し直してください', en: 'the submission key of the form is missing or malformed; please submit again from this page' },
      },
    });
  }

  const role = measure ? roleOf(measure, caller.reporter) : 'none';
  const { input, milestoneOrder } = toReportInput(form, { quarter: caller.claims.quarter, role: role === 'related' ? 'related' : 'owner', measure });
  const outcome = await submitReport(store, catalog, caller, input, { channel: 'web', idempotencyKey: form.idempotencyKey });
  const context = { kaId: caller.ka.id, measureId: form.measureId, quarter: caller.claims.quarter, outcome: outcome.outcome };

  if (isAccepted(outcome)) {
    logger.info('report received by web form', { ...context, reference: outcome.report.reference });
    return htmlPage(
      200,
      renderReceiptPage({
        lang,
        ka: caller.ka,
        measure: measure!,
        report: outcome.report,
        duplicate: outcome.outcome === 'duplicate',
        plan: catalog.plan.plan,
      }),
    );
  }
  logger.info('web form submission refused', context);
  const onPage = measure !== undefined && role !== 'none';
  /** The 事業's section shown again with what was typed and why it was not recorded; a notice when the page has no such section. */
  const keptInput = (status: number, message: Bilingual, fields: FieldError[], options: { idempotencyKey?: string; notice?: Bilingual } = {}) =>
    onPage
      ? page(status, {
          override: {
            measureId: form.measureId,
            form: { values: form.values, idempotencyKey: options.idempotencyKey ?? form.idempotencyKey, errors: { message, fields, milestoneOrder } },
          },
        })
      : page(status, { notice: { kind: 'error', message: options.notice ?? message } });
  if (outcome.outcome === 'invalid' || outcome.outcome === 'full') {
    const details = outcome.fields.map((f) => `${f.field}: ${f.ja}`).join('; ');
    const detailsEn = outcome.fields.map((f) => `${f.field}: ${f.en}`).join('; ');
    // A full quarter is no fault of a field: the message alone says it.
    return keptInput(refusalStatus[outcome.outcome], outcome, outcome.outcome === 'full' ? [] : outcome.fields, {
      notice: { ja: `${outcome.ja} (${details})`, en: `${outcome.en} (${detailsEn})` },
    });
  }
  if (outcome.outcome === 'conflict') {
    // The page was already used to submit something else (e.g. back, edit, submit): keep the edits,
    // say what was recorded, and give the form a new key so that submitting again records a correction.
    const message = {
      ja: `このフォームからは既に報告 (受付番号 ${outcome.report.reference}) が送信されています。入力した内容を修正版として記録するには、もう一度送信してください`,
      en: `this form was already used to submit report ${outcome.report.reference}; submit again to record your input as a correction`,
    };
    return keptInput(409, message, [], { idempotencyKey: randomUUID() });
  }
  // Nothing was recorded: the same key sent again records it once.
  if (outcome.outcome === 'busy') return keptInput(503, outcome, []);
  if (outcome.outcome === 'forbidden' || outcome.outcome === 'not-found') {
    return page(refusalStatus[outcome.outcome], { notice: { kind: 'error', message: outcome } });
  }
  return formLinkRefusedPage(lang, outcome);
}

export const handler = lambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlationIds(logger))
  .use(
    htmlErrors(
      logger,
      { ja: 'サーバー内部でエラーが発生しました。報告は記録されていない可能性があります。', en: 'An internal error occurred; the report may not have been recorded.' },
      { ja: '時間をおいて、もう一度お試しください。', en: 'Please try again later.' },
    ),
  )
  .handler(async (event) => {
    const lang = langOf(event.queryStringParameters);
    const [catalog, secret] = await Promise.all([loadCatalog(), linkSecret()]);
    const caller = authenticate(event.pathParameters?.token, 'form', { secret, catalog });
    if ('outcome' in caller) {
      logger.info('form link refused', { reason: caller.en });
      return formLinkRefusedPage(lang, caller);
    }
    if (event.requestContext.http.method === 'POST') return submit(event, lang, caller, catalog);
    // The Excel 進捗管理シート section (download / upload, functions/report-sheet) needs the link's token.
    const sheet = sheetFormLinks(event.pathParameters?.token ?? '', lang);
    return htmlPage(200, renderFormPage({ ...(await formPage(catalog, caller, lang)), sheet }));
  });
