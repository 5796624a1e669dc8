/** HTTP responses in the API Gateway (payload 2.0) shape, and errors that become them. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
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
