/**
 * The answers of the HTML routes a person opens in a browser (the form, the sheet upload, the
 * dashboard): a page with the form pages' headers, an error page, the 401 page of a refused form link,
 * and a middleware that answers an unexpected failure with an error page instead of JSON.
 */
import type middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { pageHeaders, renderErrorPage, type Bilingual } from '../web/form-pages.ts';
import { langOf, type Lang } from '../web/report-form.ts';
import { invalidTokenChallenge } from './challenge.ts';

/** An HTML answer: status, headers and the page. */
export type HtmlResult = APIGatewayProxyStructuredResultV2;

/** A page rendered by shared/web/form-pages.ts (or in its frame), with the headers its CSP allows. */
export function htmlPage(statusCode: number, body: string): HtmlResult {
  return { statusCode, headers: { ...pageHeaders }, body };
}

/**
 * An error page: what went wrong, and what the person can do about it. A 401 carries its challenge: a
 * page's link always carries its token (in the path), so a refusal says the token given is not valid.
 */
export function errorPage(lang: Lang, statusCode: number, title: Bilingual, message: Bilingual, hint?: Bilingual): HtmlResult {
  const page = htmlPage(statusCode, renderErrorPage({ lang, status: statusCode, title, message, hint }));
  return statusCode === 401 ? { ...page, headers: { ...page.headers, 'www-authenticate': invalidTokenChallenge } } : page;
}

/** The 401 page of a form link that is expired, altered or not the tenant's: nothing was recorded. */
export function formLinkRefusedPage(lang: Lang, refusal: Bilingual): HtmlResult {
  return errorPage(
    lang,
    401,
    { ja: 'このリンクは使えません', en: 'This link cannot be used' },
    refusal,
    {
      ja: '報告依頼メールに記載の最新のリンクを開くか、事務局に新しいリンクを依頼してください。何も記録されていません。',
      en: 'Open the latest link from the reminder mail, or ask the secretariat for a new one. Nothing has been recorded.',
    },
  );
}

/**
 * An unexpected failure as a 500 page, not JSON: the person is in a browser. `message` and `hint`
 * say what the failure means for what the page was doing (e.g. whether anything was recorded).
 */
export function htmlErrors(log: Logger, message: Bilingual, hint?: Bilingual): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    onError: async (request) => {
      log.error('unexpected error', { error: request.error as Error });
      request.response = errorPage(langOf(request.event.queryStringParameters), 500, { ja: 'エラーが発生しました', en: 'Something went wrong' }, message, hint);
    },
  };
}
