/**
 * Middleware: a write must carry an `Idempotency-Key` header, so that a retried request (a timeout,
 * a double click) is recognised and recorded once. The key is checked here and put on the event.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from '../zod.ts';
import { fieldProblem } from './api-error.ts';
import { headerOf } from './headers.ts';

export const idempotencyKeyHeader = 'Idempotency-Key';

/** 1–200 printable ASCII characters: a UUID, a form's hidden nonce, a client's request id. */
export const IdempotencyKeySchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(200),
    z.regex(/^[\x20-\x7E]+$/),
    z.describe(
      '同じ報告の再送を見分けるキー (例: UUID)。同じキーと同じ内容の再送は一度だけ記録されます (最新の版と同じ内容なら、キーが新しくても記録しません) / ' +
        'a key that makes retries safe (e.g. a UUID): the same key with the same report records it once (and a report saying what the newest version says is not recorded again, whatever its key). ' +
        '前後の空白は除いて読みます / spaces around it are dropped',
    ),
  );

/** What `requireIdempotencyKey` adds to the event. */
export interface IdempotentEvent {
  idempotencyKey: string;
}

/** Requires the `Idempotency-Key` header (400 when missing or malformed); the handler finds it in `event.idempotencyKey`. */
export function requireIdempotencyKey(): middy.MiddlewareObj<APIGatewayProxyEventV2 & IdempotentEvent, APIGatewayProxyResultV2> {
  return {
    before: (request) => {
      const value = headerOf(request.event, idempotencyKeyHeader)?.trim();
      if (value === undefined || value === '') {
        throw fieldProblem(
          400,
          idempotencyKeyHeader,
          `${idempotencyKeyHeader} ヘッダーが必要です (例: UUID)。再送しても二重に記録されないようにするためです`,
          `the ${idempotencyKeyHeader} header is required (e.g. a UUID), so that a retry is not recorded twice`,
        );
      }
      if (!IdempotencyKeySchema.safeParse(value).success) {
        throw fieldProblem(
          400,
          idempotencyKeyHeader,
          `${idempotencyKeyHeader} は半角の英数字・記号で 1〜200 文字です`,
          `the ${idempotencyKeyHeader} must be 1–200 printable ASCII characters`,
        );
      }
      request.event.idempotencyKey = value;
    },
  };
}
