/**
 * Middleware: the request body is JSON — declared as `application/json` (415 otherwise), at most
 * `maxBytes` (413), UTF-8 (400) and well-formed (400) — and its parsed value is put on the event.
 * The checks run in that order, so a client learns the first thing to fix.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { bodyField } from '../domain/field-error.ts';
import { fieldProblem } from './api-error.ts';
import { headerOf } from './headers.ts';

/** What `requireJsonBody` adds to the event: the parsed body, not yet validated. */
export interface JsonBodyEvent {
  jsonBody: unknown;
}

export interface JsonBodyOptions {
  /** The largest body accepted, in bytes as received (after base64 decoding). */
  maxBytes: number;
}

/**
 * True for `application/json`, optionally with `charset=utf-8` (any case, quoted or not). Any other
 * type or parameter is refused rather than guessed at.
 */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const [type, ...parameters] = value.split(';').map((part) => part.trim());
  if (type?.toLowerCase() !== 'application/json') return false;
  return parameters.every((parameter) => {
    if (parameter === '') return true;
    const [name, raw] = parameter.split('=').map((s) => s.trim());
    return name?.toLowerCase() === 'charset' && raw?.replace(/^"(.*)"$/, '$1').toLowerCase() === 'utf-8';
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Requires a JSON body (415, 413, 400 as above); the handler finds the parsed value in `event.jsonBody`. */
export function requireJsonBody(
  options: JsonBodyOptions,
): middy.MiddlewareObj<APIGatewayProxyEventV2 & JsonBodyEvent, APIGatewayProxyResultV2> {
  return {
    before: (request) => {
      const { event } = request;
      const contentType = headerOf(event, 'content-type');
      if (!isJsonContentType(contentType)) {
        throw fieldProblem(
          415,
          'Content-Type',
          `本文は JSON で送ってください (Content-Type: application/json)。受け取った形式: ${contentType ?? 'なし'}`,
          `send the body as JSON (Content-Type: application/json); got ${contentType ?? 'none'}`,
        );
      }
      // Only a base64 body needs decoding; a text body's size is counted without copying it.
      const bytes = event.body !== undefined && event.isBase64Encoded ? Buffer.from(event.body, 'base64') : undefined;
      const size = bytes?.length ?? (event.body === undefined ? 0 : Buffer.byteLength(event.body, 'utf8'));
      if (size > options.maxBytes) {
        throw fieldProblem(
          413,
          bodyField,
          `本文が大きすぎます (${size} バイト、上限 ${options.maxBytes} バイト)`,
          `the body is too large (${size} bytes; the limit is ${options.maxBytes})`,
        );
      }
      if (size === 0) {
        throw fieldProblem(400, bodyField, '本文が空です。報告を JSON で送ってください', 'the body is empty; send the report as JSON');
      }
      let text: string;
      try {
        // A text body the gateway already decoded is a JS string; only raw bytes can be invalid UTF-8.
        text = bytes ? utf8.decode(bytes) : (event.body as string);
      } catch {
        throw fieldProblem(
          400,
          bodyField,
          '本文が UTF-8 ではありません (Shift_JIS などで送られていませんか)',
          'the body is not valid UTF-8 (was it sent as Shift_JIS or another encoding?)',
        );
      }
      try {
        // A byte-order mark from a Windows editor is not part of the JSON.
        event.jsonBody = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
      } catch (error) {
        throw fieldProblem(
          400,
          bodyField,
          // The parser's own words are English: the Japanese says where, from the position it names.
          `本文を JSON として読めません${jsonErrorPlace((error as Error).message)}`,
          `the body is not valid JSON: ${(error as Error).message}`,
        );
      }
    },
  };
}

/** " (12 文字目)" from a JSON.parse message naming a position (0-based), else nothing. */
function jsonErrorPlace(message: string): string {
  const position = /position (\d+)/.exec(message)?.[1];
  return position === undefined ? '' : ` (${Number(position) + 1} 文字目)`;
}
