/**
 * Errors of the JSON API: an `HttpError` that also names the fields at fault (`fields`, each in
 * Japanese and English) and may carry response headers (`WWW-Authenticate` on a 401). The shape is
 * `ApiErrorSchema` in api-schemas.ts, which the OpenAPI document publishes.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FieldError } from '../domain/report-input.ts';
import { bodyField } from '../domain/field-error.ts';
import type { Refusal } from '../submit-report.ts';
import { HttpError, json } from './response.ts';
import { bearerChallenge, invalidTokenChallenge } from './challenge.ts';


/** An `HttpError` answered as `{ error: { status, message, messageEn, fields? } }`, with optional headers. */
export class ApiError extends HttpError {
  constructor(
    statusCode: number,
    ja: string,
    en: string,
    readonly fields: readonly FieldError[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(statusCode, ja, en);
    this.name = 'ApiError';
  }

  override toResponse(): APIGatewayProxyStructuredResultV2 {
    return json(
      this.statusCode,
      {
        error: {
          status: this.statusCode,
          message: this.ja,
          messageEn: this.en,
          ...(this.fields.length > 0 ? { fields: this.fields } : {}),
        },
      },
      { ...this.headers },
    );
  }
}

/** An error about one field (or header), with the same words in the message and in `fields`. */
export function fieldProblem(statusCode: number, field: string, ja: string, en: string, headers: Record<string, string> = {}): ApiError {
  return new ApiError(statusCode, ja, en, [{ field, ja, en }], headers);
}

/** RFC 6750: a 401 says which scheme to use, and whether the token given was bad. */
export function unauthenticated(ja: string, en: string, tokenGiven: boolean): ApiError {
  const challenge = tokenGiven ? invalidTokenChallenge : bearerChallenge;
  return fieldProblem(401, 'Authorization', ja, en, { 'www-authenticate': challenge });
}

/**
 * The HTTP answer to a refusal of `submitReport` or of a read: 401, 403, 404, 400 with the fields,
 * 409 for an idempotency key reused with other content or a 事業 and quarter with no version left,
 * 503 with `Retry-After` when concurrent submissions kept taking the next version.
 */
export function apiErrorOf(refusal: Refusal, options: { notFoundField?: string } = {}): ApiError {
  switch (refusal.outcome) {
    case 'unauthenticated':
      return unauthenticated(refusal.ja, refusal.en, true);
    case 'forbidden':
      return new ApiError(403, refusal.ja, refusal.en);
    case 'not-found':
      // submitReport refuses only an unknown 事業 this way.
      return fieldProblem(404, options.notFoundField ?? 'measureId', refusal.ja, refusal.en);
    case 'invalid': {
      // The fields at fault in the message; the body as a whole named in each language.
      const named = (body: string) => [...new Set(refusal.fields.map((f) => (f.field === bodyField ? body : f.field)))].join(', ');
      return new ApiError(400, `${refusal.ja} (${named('本文')})`, `${refusal.en} (${named('body')})`, refusal.fields);
    }
    case 'full':
      return new ApiError(409, refusal.ja, refusal.en, refusal.fields);
    case 'conflict':
      return fieldProblem(409, 'Idempotency-Key', refusal.ja, refusal.en);
    case 'busy':
      return new ApiError(503, refusal.ja, refusal.en, [], { 'retry-after': '1' });
  }
}
