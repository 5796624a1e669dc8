/** HTTP responses in the API Gateway (payload 2.0) shape, and errors that become them. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * What every JSON answer carries unless the handler says otherwise: answers hold reports, names and
 * errors about a caller's request, so no browser or proxy keeps them (`no-store`), and a browser takes
 * them as JSON only, never sniffing another type (`nosniff`). A public answer that may be cached (the
 * OpenAPI document, the plan) passes its own `cache-control`.
 */
export const jsonDefaultHeaders: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/** A JSON answer; `headers` (any case) are added to, or replace, the defaults. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  const given = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...jsonDefaultHeaders, ...given },
    body: JSON.stringify(body),
  };
}

/** An error with an HTTP status and a message in Japanese and English, answered as JSON. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly ja: string,
    readonly en: string,
    readonly details?: unknown,
  ) {
    super(`${ja} / ${en}`);
    this.name = 'HttpError';
  }

  toResponse(): APIGatewayProxyStructuredResultV2 {
    return json(this.statusCode, {
      error: { status: this.statusCode, message: this.ja, messageEn: this.en, ...(this.details ? { details: this.details } : {}) },
    });
  }
}

/** `attachment; filename=…` with an ASCII fallback and the Japanese name per RFC 6266 / 5987. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  // RFC 5987's attr-char has no ' ( ) *, which encodeURIComponent leaves as they are.
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
