/**
 * The request checks of the JSON API, each as its own middy middleware, run in front of a handler
 * that only echoes what they put on the event. No AWS, no server.
 */
import middy, { type MiddyfiedHandler } from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '#shared/store/catalog-cache';
import { issueDashboardToken, leadershipHolder } from '#shared/auth/dashboard-access';
import { bearerAuth, readerAuth } from '#shared/http/bearer-auth';
import { requireIdempotencyKey } from '#shared/http/idempotency-key';
import { isJsonContentType, requireJsonBody } from '#shared/http/json-body';
import { httpErrors } from '#shared/http/middleware';
import { unauthenticated } from '#shared/http/api-error';
import { contentDisposition, HttpError, json } from '#shared/http/response';
import { tokenFor } from '#shared/links';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';

const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const context = { awsRequestId: 'test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function eventOf(parts: { headers?: Record<string, string>; body?: string | Buffer; base64?: boolean }): APIGatewayProxyEventV2 {
  const body = parts.body === undefined ? undefined : Buffer.isBuffer(parts.body) ? parts.body.toString('base64') : parts.body;
  return {
    version: '2.0',
    routeKey: 'POST /test',
    rawPath: '/test',
    rawQueryString: '',
    headers: parts.headers ?? {},
    requestContext: { http: { method: 'POST', path: '/test' } } as APIGatewayProxyEventV2['requestContext'],
    body,
    isBase64Encoded: Buffer.isBuffer(parts.body) || parts.base64 === true,
  };
}

// The middlewares widen the event type; the tests hand in plain API Gateway events, as Lambda does.
type HttpHandler = MiddyfiedHandler<any, APIGatewayProxyResultV2>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(handler: HttpHandler, event: APIGatewayProxyEventV2) {
  const result = (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, headers: result.headers ?? {}, body: JSON.parse(result.body ?? 'null') as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('requireJsonBody', () => {
  const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(httpErrors(logger))
    .use(requireJsonBody({ maxBytes: 100 }))
    .handler(async (event) => json(200, { parsed: event.jsonBody }));
  const jsonType = { 'content-type': 'application/json' };

  it.each([
    ['application/json', true],
    ['Application/JSON', true],
    ['application/json; charset=utf-8', true],
    ['application/json;charset="UTF-8"', true],
    ['application/json; charset=shift_jis', false],
    ['application/json; boundary=x', false],
    ['application/jsonx', false],
    ['text/plain', false],
    ['application/x-www-form-urlencoded', false],
    [undefined, false],
  ])('content type %s: accepted %s', (value, accepted) => {
    expect(isJsonContentType(value)).toBe(accepted);
  });

  it('parses a text body, and a base64 one as UTF-8, a byte-order mark ignored', async () => {
    // Act
    const text = await call(handler, eventOf({ headers: jsonType, body: '{"a":"課"}' }));
    const bytes = await call(handler, eventOf({ headers: { 'Content-Type': 'application/json' }, body: Buffer.from('\uFEFF{"a":"課"}') }));
    // Assess
    expect(text).toMatchObject({ status: 200, body: { parsed: { a: '課' } } });
    expect(bytes).toMatchObject({ status: 200, body: { parsed: { a: '課' } } });
  });

  it.each([
    ['wrong type', { headers: { 'content-type': 'text/plain' }, body: '{}' }, 415, 'Content-Type'],
    ['no type', { body: '{}' }, 415, 'Content-Type'],
    ['101 bytes', { headers: jsonType, body: `"${'x'.repeat(99)}"` }, 413, '(本文 / body)'],
    ['101 bytes of base64', { headers: jsonType, body: Buffer.alloc(101, 0x20) }, 413, '(本文 / body)'],
    ['an empty body', { headers: jsonType }, 400, '(本文 / body)'],
    ['Shift_JIS bytes', { headers: jsonType, body: Buffer.from([0x7b, 0x22, 0x89, 0xdb, 0x22, 0x7d]) }, 400, '(本文 / body)'],
    ['broken JSON', { headers: jsonType, body: '{"a":' }, 400, '(本文 / body)'],
  ])('refuses %s', async (_, parts, status, field) => {
    // Act
    const answer = await call(handler, eventOf(parts));
    // Assess
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatchObject({ status, message: expect.stringMatching(/[\u3040-\u30ff\u4e00-\u9fff]/), messageEn: expect.any(String) });
    expect(answer.body.error.fields.map((f: { field: string }) => f.field)).toEqual([field]);
  });

  it('checks the type before the size, and the size before the encoding', async () => {
    const big = Buffer.alloc(200, 0x89);
    expect((await call(handler, eventOf({ headers: { 'content-type': 'text/plain' }, body: big }))).status).toBe(415);
    expect((await call(handler, eventOf({ headers: jsonType, body: big }))).status).toBe(413);
  });
});

describe('requireIdempotencyKey', () => {
  const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(httpErrors(logger))
    .use(requireIdempotencyKey())
    .handler(async (event) => json(200, { key: event.idempotencyKey }));

  it('passes the key on, whatever case the header name has', async () => {
    expect(await call(handler, eventOf({ headers: { 'idempotency-key': 'a-1' } }))).toMatchObject({ status: 200, body: { key: 'a-1' } });
    expect(await call(handler, eventOf({ headers: { 'Idempotency-Key': ' b 2 ' } }))).toMatchObject({ status: 200, body: { key: 'b 2' } });
  });

  it.each([
    ['missing', {}],
    ['empty', { 'idempotency-key': '  ' }],
    ['201 characters', { 'idempotency-key': 'k'.repeat(201) }],
    ['not ASCII', { 'idempotency-key': 'キー' }],
    ['a control character', { 'idempotency-key': 'a\u0007b' }],
  ])('refuses a key that is %s, naming the header', async (_, headers) => {
    // Act
    const answer = await call(handler, eventOf({ headers }));
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
  });
});

/** The link secret, clock and catalog the two authentication middlewares are tried with. */
const secret = 'unit-test-secret-unit-test-secret-0123456789';
const now = new Date('2013-07-10T00:00:00Z');
let catalog: Catalog;
beforeAll(async () => {
  catalog = { plan: (await readPlanFile()).plan, directory: await readDirectoryFile() };
});

describe('bearerAuth', () => {
  let handler: HttpHandler;

  beforeAll(async () => {
    handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
      .use(httpErrors(logger))
      .use(bearerAuth({ purpose: 'form', secret: async () => secret, catalog: async () => catalog, now: () => now }))
      .handler(async (event) => json(200, { ka: event.caller.ka.id, quarter: event.caller.claims.quarter }));
  });

  const invalidToken = 'Bearer realm="shinchoku", error="invalid_token"';
  const token = (kaId: string, options: { purpose?: 'form' | 'mail'; issuedAt?: Date; validDays?: number; secret?: string } = {}) =>
    tokenFor(
      { tenant: 'shimotsuke', kaId, quarter: 'FY2013-Q2', purpose: options.purpose ?? 'form', now: options.issuedAt ?? now, validDays: options.validDays },
      options.secret ?? secret,
    );

  it('puts the 課 of a valid token on the event', async () => {
    expect(await call(handler, eventOf({ headers: { authorization: `Bearer ${token('sogo-seisaku')}` } }))).toMatchObject({
      status: 200,
      body: { ka: 'sogo-seisaku', quarter: 'FY2013-Q2' },
    });
  });

  it.each([
    ['no header', () => ({}), 'Bearer realm="shinchoku"'],
    ['another scheme', () => ({ authorization: `Basic ${token('sogo-seisaku')}` }), 'Bearer realm="shinchoku"'],
    ['an expired token', () => ({ authorization: `Bearer ${token('sogo-seisaku', { issuedAt: new Date('2013-01-01T00:00:00Z'), validDays: 30 })}` }), invalidToken],
    ['an altered token', () => ({ authorization: `Bearer ${token('sogo-seisaku').replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'))}` }), invalidToken],
    ['another secret', () => ({ authorization: `Bearer ${token('sogo-seisaku', { secret: `${secret}-other` })}` }), invalidToken],
    ['a mail token', () => ({ authorization: `Bearer ${token('sogo-seisaku', { purpose: 'mail' })}` }), invalidToken],
    ['a 課 not in the directory', () => ({ authorization: `Bearer ${token('no-such-ka')}` }), invalidToken],
  ])('answers %s with 401 and a Bearer challenge', async (_, headers, challenge) => {
    // Act
    const answer = await call(handler, eventOf({ headers: headers() }));
    // Assess
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe(challenge);
    expect(answer.body.error.fields).toEqual([expect.objectContaining({ field: 'Authorization' })]);
    expect(answer.body.error.message).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  });
});

describe('readerAuth', () => {
  let handler: HttpHandler;

  beforeAll(async () => {
    handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
      .use(httpErrors(logger))
      .use(readerAuth({ secret: async () => secret, catalog: async () => catalog, now: () => now }))
      .handler(async (event) => json(200, event.reader.kind === 'ka' ? { ka: event.reader.ka.id } : { holder: event.reader.holder }));
  });

  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  const dashboard = (holder: string, issuedAt = now) =>
    issueDashboardToken({ tenant: 'shimotsuke', directory: catalog.directory, holder, quarter: 'FY2013-Q2', now: issuedAt }, secret);

  it('puts the 課 of a form link, or the holder of a dashboard link, on the event', async () => {
    // Prepare
    const form = tokenFor({ tenant: 'shimotsuke', kaId: 'kankyo', quarter: 'FY2013-Q2', purpose: 'form', now }, secret);
    // Act
    const answers = await Promise.all([form, dashboard('sogo-seisaku'), dashboard(leadershipHolder)].map((t) => call(handler, eventOf(bearer(t)))));
    // Assess
    expect(answers.map((a) => a.body)).toEqual([{ ka: 'kankyo' }, { holder: 'sogo-seisaku' }, { holder: leadershipHolder }]);
  });

  it.each([
    ['a mail token', () => tokenFor({ tenant: 'shimotsuke', kaId: 'kankyo', quarter: 'FY2013-Q2', purpose: 'mail', now }, secret), /signature/],
    ['an expired dashboard link', () => dashboard(leadershipHolder, new Date('2012-01-01T00:00:00Z')), /expired/],
  ])('answers %s with 401, saying why', async (_, token, reason) => {
    // Act
    const answer = await call(handler, eventOf(bearer(token())));
    // Assess
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="shinchoku", error="invalid_token"');
    expect(answer.body.error.messageEn).toMatch(reason);
  });
});

describe('json answers', () => {
  it('are not cached and not sniffed by default, errors included', () => {
    // Act
    const answers = [json(200, { ok: true }), new HttpError(404, '見つかりません', 'not found').toResponse(), unauthenticated('要', 'needed', false).toResponse()];
    // Assess
    for (const answer of answers) {
      expect(answer.headers).toMatchObject({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-type': 'application/json; charset=utf-8' });
    }
    expect(answers[2]!.headers).toMatchObject({ 'www-authenticate': 'Bearer realm="shinchoku"' });
  });

  it('take a handler\'s own cache-control, whatever case it writes the name in', () => {
    // Act
    const answer = json(200, {}, { 'Cache-Control': 'public, max-age=300' });
    // Assess
    expect(answer.headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'public, max-age=300',
      'x-content-type-options': 'nosniff',
    });
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the UTF-8 name with only RFC 5987 attr-chars, brackets and quotes encoded', () => {
    // Act
    const header = contentDisposition("進捗管理シート_企画課(IT)'s*_FY2013-Q2.xlsx");

    // Assess
    const [, ascii, encoded] = /^attachment; filename="([^"]*)"; filename\*=UTF-8''(.*)$/.exec(header) ?? [];
    expect(ascii).toBe("___________(IT)'s*_FY2013-Q2.xlsx");
    expect(encoded).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
    expect(encoded).toContain('%28IT%29%27s%2A_FY2013-Q2.xlsx');
    expect(decodeURIComponent(encoded!)).toBe("進捗管理シート_企画課(IT)'s*_FY2013-Q2.xlsx");
  });
});
