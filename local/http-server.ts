/**
 * The local stand-in for API Gateway: an HTTP server on loopback that turns each request into the
 * same payload-2.0 event API Gateway sends, calls the same Lambda handler the CDK stack deploys
 * (routes come from `shared/http/routes.ts`), and writes the handler's answer back.
 */
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { ApiError } from '#shared/http/api-error';
import { matchPath, routeKey, routes, type RouteDefinition } from '#shared/http/routes';
import { localLambdaContext } from './lambda-context.ts';

/** API Gateway's payload limit for HTTP APIs. */
export const maxPayloadBytes = 10 * 1024 * 1024;

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/** Loads the handler module of a function, once. */
export type HandlerLoader = (fn: string) => Promise<HttpHandler>;

export const loadFunctionHandler: HandlerLoader = async (fn) => {
  const module = (await import(`../functions/${fn}/handler.ts`)) as { handler: HttpHandler };
  return module.handler;
};

export interface LocalHttpServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface HttpServerOptions {
  port?: number;
  routeTable?: readonly RouteDefinition[];
  loadHandler?: HandlerLoader;
  /** Extra pages only the local stack serves (e.g. its index page); tried before 404. */
  extra?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export async function startHttpServer(options: HttpServerOptions = {}): Promise<LocalHttpServer> {
  const table = options.routeTable ?? routes;
  // The routes of each method, in table order, looked up once rather than for every request.
  const routesByMethod = new Map<string, RouteDefinition[]>();
  for (const route of table) routesByMethod.set(route.method, [...(routesByMethod.get(route.method) ?? []), route]);
  const load = options.loadHandler ?? loadFunctionHandler;
  const handlers = new Map<string, Promise<HttpHandler>>();
  const handlerFor = (fn: string) => {
    let handler = handlers.get(fn);
    if (!handler) {
      handler = load(fn);
      handlers.set(fn, handler);
    }
    return handler;
  };

  const server: Server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      process.stderr.write(`ローカル HTTP エラー / local HTTP error: ${String((error as Error)?.stack ?? error)}\n`);
      if (!res.headersSent) writeError(res, 500, '内部エラー', 'internal error');
      else res.end();
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const found = findRoute(routesByMethod.get(method), url.pathname);
    if (!found) {
      if (options.extra?.(req, res)) return;
      const allowed = [...new Set(table.filter((route) => matchPath(route.path, url.pathname) !== undefined).map((route) => route.method))];
      if (allowed.length > 0) {
        writeError(res, 405, `このメソッドは使えません (使えるのは ${allowed.join(', ')})`, `method not allowed (allowed: ${allowed.join(', ')})`, { allow: allowed.join(', ') });
      } else {
        writeError(res, 404, '見つかりません', 'not found');
      }
      return;
    }
    const body = await readBody(req);
    if (body === 'too-large') {
      writeError(res, 413, '本文が大きすぎます', 'payload too large');
      return;
    }
    const event = toEvent(req, url, method, found.route, found.params, body);
    const handler = await handlerFor(found.route.fn);
    const result = await handler(event, localLambdaContext(found.route.fn, event.requestContext.requestId));
    writeResult(res, result);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The first route of the method whose path matches, with its path parameters. */
function findRoute(candidates: readonly RouteDefinition[] | undefined, pathname: string) {
  for (const route of candidates ?? []) {
    const params = matchPath(route.path, pathname);
    if (params !== undefined) return { route, params };
  }
  return undefined;
}

/**
 * The request body, read with plain stream events (an async iterator costs several promise turns
 * per request). Above API Gateway's limit reading stops, the rest is discarded, and 413 is answered.
 */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxPayloadBytes) {
        req.off('data', onData).off('end', onEnd);
        req.resume(); // discard the rest unread, so the answer can still be written
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    req.on('data', onData).once('end', onEnd).once('error', reject);
  });
}

const textTypes = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript))/;

function toEvent(
  req: IncomingMessage,
  url: URL,
  method: string,
  route: RouteDefinition,
  pathParameters: Record<string, string>,
  body: Buffer,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') cookies.push(...String(value).split(/;\s*/));
    else headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  // API Gateway passes bodies that are not text as base64; text bodies as UTF-8 strings.
  const isText = textTypes.test(headers['content-type'] ?? '') && isUtf8(body);
  const now = new Date();
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey: routeKey(route),
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    cookies: cookies.length > 0 ? cookies : undefined,
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: routeKey(route),
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body: body.length === 0 ? undefined : isText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (typeof result === 'string' || typeof result !== 'object' || result === null || !('statusCode' in result)) {
    // API Gateway's rule for payload 2.0: anything else is JSON with status 200.
    writeJson(res, 200, result);
    return;
  }
  const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'));
}

/** An answer of the server itself, in the API's error shape (`ApiError`), as the handlers answer theirs. */
function writeError(res: ServerResponse, status: number, ja: string, en: string, headers: Record<string, string> = {}): void {
  writeResult(res, new ApiError(status, ja, en, [], headers).toResponse());
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
