/**
 * Middlewares: the caller is the holder of a signed link token sent as `Authorization: Bearer <token>`.
 * Missing, malformed, expired or altered tokens are answered 401 before anything else runs; a valid
 * one puts who it is on the event for the handler: `bearerAuth` the 課 of a link of one purpose
 * (`caller`), `readerAuth` a 課's form link or a dashboard link of the secretariat or leadership
 * (`reader`, for the read routes, which check the reader's scope).
 */
import type middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { TokenPurpose } from '../auth/link-token.ts';
import { authenticateReader, type Reader } from '../auth/read-access.ts';
import type { Catalog } from '../store/catalog-cache.ts';
import { authenticate, type Caller } from '../submit-report.ts';
import { apiErrorOf, unauthenticated } from './api-error.ts';
import { headerOf } from './headers.ts';

/** What `bearerAuth` adds to the event. */
export interface AuthenticatedEvent {
  caller: Caller;
}

/** What `readerAuth` adds to the event. */
export interface ReaderEvent {
  reader: Reader;
}

export interface BearerAuthOptions {
  /** Which kind of link the route accepts; a token issued for another use fails its signature. */
  purpose: TokenPurpose;
  /** The link-signing secret (`linkSecret` from shared/config/secrets.ts). */
  secret: () => Promise<string>;
  /** The plan and directory (`catalogLoader(store)`), which name the tenant and the 課. */
  catalog: () => Promise<Catalog>;
  /** When set, the 課 is added to every log line of the request (an audit trail per caller). */
  logger?: Logger;
  /** The clock, for tests. */
  now?: () => Date;
}

const bearerPattern = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/** The token of the request's `Authorization: Bearer` header; throws the 401 when there is none. */
function bearerToken(event: APIGatewayProxyEventV2): string {
  const header = headerOf(event, 'authorization');
  if (header === undefined || header.trim() === '') {
    throw unauthenticated(
      'Authorization: Bearer <トークン> で署名付きリンクのトークンを送ってください',
      'send the signed link token as Authorization: Bearer <token>',
      false,
    );
  }
  const match = bearerPattern.exec(header);
  if (!match?.[1]) {
    // RFC 6750 §3.1: another scheme is no attempt at a bearer token, so no error code.
    throw unauthenticated('Authorization ヘッダーは "Bearer <トークン>" の形式です', 'the Authorization header must be "Bearer <token>"', false);
  }
  return match[1];
}

/** Requires a valid link token of the tenant; the handler then finds the 課 in `event.caller`. */
export function bearerAuth(
  options: BearerAuthOptions,
): middy.MiddlewareObj<APIGatewayProxyEventV2 & AuthenticatedEvent, APIGatewayProxyResultV2> {
  return {
    before: async (request) => {
      const token = bearerToken(request.event);
      const [secret, catalog] = await Promise.all([options.secret(), options.catalog()]);
      const result = authenticate(token, options.purpose, { secret, catalog, now: options.now?.() });
      if ('outcome' in result) throw apiErrorOf(result);
      options.logger?.appendKeys({ kaId: result.ka.id, linkQuarter: result.claims.quarter });
      request.event.caller = result;
    },
  };
}

/**
 * Requires a 課's valid `form` link token or a `dashboard` link token of the secretariat or the
 * leadership; the handler finds who it is in `event.reader` and checks what it may read.
 */
export function readerAuth(
  options: Omit<BearerAuthOptions, 'purpose'>,
): middy.MiddlewareObj<APIGatewayProxyEventV2 & ReaderEvent, APIGatewayProxyResultV2> {
  return {
    before: async (request) => {
      const token = bearerToken(request.event);
      const [secret, catalog] = await Promise.all([options.secret(), options.catalog()]);
      const result = authenticateReader(token, {
        secret,
        tenant: catalog.plan.plan.tenant,
        directory: catalog.directory,
        now: options.now?.(),
      });
      if ('outcome' in result) throw apiErrorOf(result);
      options.logger?.appendKeys(
        result.kind === 'ka'
          ? { kaId: result.ka.id, linkQuarter: result.claims.quarter }
          : { dashboardHolder: result.holder, linkQuarter: result.claims.quarter },
      );
      request.event.reader = result;
    },
  };
}
