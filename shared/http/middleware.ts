/**
 * Middy middlewares for the HTTP handlers, one concern each.
 */
import type middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { HttpError } from './response.ts';

type HttpMiddleware = middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2>;

/**
 * Turns an `HttpError` into its JSON answer and anything else into a 500 that reveals nothing,
 * logging the cause with the request id so it can be found.
 */
export function httpErrors(logger: Logger): HttpMiddleware {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof HttpError) {
        if (error.statusCode >= 500) logger.error('request failed', { error });
        request.response = error.toResponse();
        return;
      }
      logger.error('unexpected error', { error: error as Error });
      request.response = new HttpError(
        500,
        'サーバー内部でエラーが発生しました。時間をおいて再度お試しください',
        'internal server error; please try again later',
      ).toResponse();
    },
  };
}
