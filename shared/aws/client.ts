/**
 * The AWS client every function uses: one HTTPS request per API call, signed with Signature V4 by
 * aws4 (the signer aws-lite and many other small clients use), sent with Node's own http/https over a
 * keep-alive connection, and retried as the SDK's standard mode retries. The functions call six
 * services with a handful of operations (DynamoDB, S3 get/put, SES v2 SendEmail, EventBridge PutEvents,
 * SQS SendMessage, Secrets Manager GetSecretValue), so this is all a function loads to reach AWS: about
 * 20 KB at a cold start instead of the 115 KB of aws-lite with its DynamoDB plugin or the SDK's 220 KB
 * and more per service (docs/BENCHMARKS.md, cold start).
 *
 * Each service gets one client per module, configured by its first call (region, endpoint, credentials
 * and attempts are read then, so a test or the local stack may set the environment after importing a
 * handler). Endpoints follow the SDK's own variables,
 * `AWS_ENDPOINT_URL_<SERVICE>` then `AWS_ENDPOINT_URL`, which the local stack points at DynamoDB Local,
 * the SES emulator, the local S3, the loopback EventBridge and SQS, so the same code runs on AWS and on a
 * laptop. Region and credentials come from the environment as on Lambda (AWS_REGION,
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) unless given.
 *
 * A call that must not be made twice (sending a mail) is marked `idempotent: false` and is sent again
 * only where the service surely did nothing: a throttling refusal, a connection that never opened.
 */
import aws4 from 'aws4';
import type * as http from 'node:http';
import * as https from 'node:https';
import { requireEnv } from '../config/env.ts';
import { keptFor } from '../kept.ts';

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** Where and as whom a client connects; everything unset comes from the environment. */
export interface AwsConnection {
  /** @default `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, else the service's AWS endpoint */
  endpoint?: string;
  /** @default AWS_REGION, else AWS_DEFAULT_REGION */
  region?: string;
  /** @default the environment's credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) */
  credentials?: Credentials;
  /** Attempts per call, the first included. @default AWS_MAX_ATTEMPTS, else 3 (the SDK's standard mode) */
  maxAttempts?: number;
}

/** The SDK's endpoint variable suffix of each service this project calls. */
export type EndpointService = keyof typeof services;

/** How each service is signed and where it answers on AWS. */
const services = {
  DYNAMODB: { signingName: 'dynamodb', host: (region: string) => `dynamodb.${region}.amazonaws.com` },
  S3: { signingName: 's3', host: (region: string) => `s3.${region}.amazonaws.com` },
  SESV2: { signingName: 'ses', host: (region: string) => `email.${region}.amazonaws.com` },
  EVENTBRIDGE: { signingName: 'events', host: (region: string) => `events.${region}.amazonaws.com` },
  SQS: { signingName: 'sqs', host: (region: string) => `sqs.${region}.amazonaws.com` },
  SECRETS_MANAGER: { signingName: 'secretsmanager', host: (region: string) => `secretsmanager.${region}.amazonaws.com` },
} as const;

/** The endpoint override for a service, as the SDK reads it; undefined = the AWS endpoint. */
export function endpointFor(service: EndpointService, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL;
  return value ? value : undefined;
}

/** One API request. */
export interface AwsRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** The path (with its query), percent-encoded as the service expects it. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The AWS host of this call when it is not the service's regional one (an S3 bucket's virtual host). Unused where an endpoint was given. */
  host?: string;
  /**
   * False for a call that must not be made twice (SES SendEmail: a mail SES took would go out again).
   * Such a call is sent again only when it certainly did nothing: a 4xx throttling refusal, or a
   * connection that never opened; after a 5xx answer or a connection lost on the way, it fails, and
   * the caller decides. It goes out on a connection of its own: a kept-alive one may have been closed
   * by the other end while the sandbox was frozen, and its reset could not be told from one after the
   * request arrived. @default true
   */
  idempotent?: boolean;
}

export interface AwsResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A call AWS refused. `name` is the AWS error code (e.g. `ConditionalCheckFailedException`, `NoSuchKey`),
 * as the SDK names its errors, and the fields of a JSON error body are kept on the error (DynamoDB's
 * `CancellationReasons`, say).
 */
export class AwsError extends Error {
  [field: string]: unknown;
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
    readonly requestId: string | undefined,
    fields: Record<string, unknown> = {},
  ) {
    super(message || code);
    Object.assign(this, fields);
    this.name = code;
  }
}

/** What a client resolved at its first call. */
export interface ClientSettings {
  region: string;
  /** The endpoint given for the service (the local parts), which then takes every call. */
  endpoint: URL | undefined;
}

export interface AwsClient {
  /** The region and endpoint; resolved by the first call to this or `send`. */
  settings(): ClientSettings;
  /**
   * Sends one request, retrying throttling, 5xx answers and broken connections (a call not idempotent:
   * throttling refusals and connections never opened only); a refusal throws an `AwsError`.
   */
  send(request: AwsRequest): Promise<AwsResponse>;
  /** One call of an AWS JSON API (`X-Amz-Target`, e.g. `DynamoDB_20120810.Query`), its answer parsed. */
  json<T>(target: string, payload: object, version?: '1.0' | '1.1'): Promise<T>;
}

/**
 * Throttling codes, as the SDK classifies them (smithy's service-error-classification): the service
 * refused the call for its rate and did nothing.
 */
const throttlingCodes = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
/** Codes the SDK retries besides 5xx and 429 answers: throttling and the transient ones. */
const retryableCodes = new Set([...throttlingCodes, 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
/** Connection failures worth another attempt (a kept-alive socket closed while the sandbox was frozen, say). */
const retryableNetworkCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);
/** Of those, the failures before any connection opened: the request went nowhere. */
const unsentNetworkCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** The SDK's backoff: full jitter over 100 ms × 2^attempt, at most 20 s. */
const backoffMs = (attempt: number) => Math.min(Math.random() * 100 * 2 ** attempt, 20_000);

/** How a request goes out: `node:https`'s request with a keep-alive agent, or `node:http`'s. */
interface Transport {
  request: typeof https.request;
  agent: http.Agent;
}

const secure: Transport = { request: https.request, agent: new https.Agent({ keepAlive: true }) };

/**
 * Plain HTTP, for the local parts only, loaded by the first call to one: on Node 24, importing
 * `node:http` as an ES module also loads the runtime's fetch implementation (undici, about 30 ms at a
 * cold start), which a function on AWS, whose endpoints are all HTTPS, has no use for.
 */
const plain = keptFor<Transport>(Infinity);
const plainTransport = () =>
  plain(() => import('node:http').then(({ request, Agent }) => ({ request: request as typeof https.request, agent: new Agent({ keepAlive: true }) })));

/** A client for one service, configured by its first call. */
export function awsClient(service: EndpointService, connection: AwsConnection = {}): AwsClient {
  const { signingName, host: serviceHost } = services[service];
  // Everything the environment decides, read once by the first call (as the SDK reads it once per client).
  let resolved: { settings: ClientSettings; credentials: Credentials; maxAttempts: number } | undefined;
  const resolve = () => {
    if (!resolved) {
      const endpoint = connection.endpoint ?? endpointFor(service);
      const region = connection.region ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || requireEnv('AWS_REGION'));
      resolved = {
        settings: { region, endpoint: endpoint ? new URL(endpoint) : undefined },
        credentials: connection.credentials ?? environmentCredentials(),
        maxAttempts: connection.maxAttempts ?? (Number(process.env.AWS_MAX_ATTEMPTS) || 3),
      };
    }
    return resolved;
  };
  const settings = () => resolve().settings;

  const sendOnce = async (request: AwsRequest): Promise<AwsResponse> => {
    const { settings: { region, endpoint }, credentials } = resolve();
    const protocol = endpoint?.protocol === 'http:' ? 'http:' : 'https:';
    const transport = protocol === 'http:' ? await plainTransport() : secure;
    const hostname = endpoint ? endpoint.hostname : (request.host ?? serviceHost(region));
    const port = endpoint?.port || undefined;
    // aws4 adds the signature headers to a copy; signed anew per attempt, so a retry never replays an old timestamp.
    const signed = aws4.sign(
      { service: signingName, region, method: request.method, host: hostname, port, path: request.path, headers: { ...request.headers }, body: request.body },
      credentials,
    );
    return new Promise((resolve, reject) => {
      const outgoing = transport.request(
        {
          protocol,
          hostname,
          port,
          method: request.method,
          path: signed.path,
          headers: signed.headers as http.OutgoingHttpHeaders,
          // `false`: a new connection, closed after the answer (see AwsRequest.idempotent).
          agent: request.idempotent === false ? false : transport.agent,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => resolve({ statusCode: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }));
        },
      );
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
  };

  const send = async (request: AwsRequest): Promise<AwsResponse> => {
    const attempts = resolve().maxAttempts;
    for (let attempt = 1; ; attempt += 1) {
      let failure: unknown;
      try {
        const response = await sendOnce(request);
        if (response.statusCode < 300) return response;
        failure = errorOf(response);
      } catch (error) {
        failure = error;
      }
      if (attempt >= attempts || !isRetryable(failure, request.idempotent ?? true)) throw failure;
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt - 1)));
    }
  };

  return {
    settings,
    send,
    async json<T>(target: string, payload: object, version: '1.0' | '1.1' = '1.1') {
      const response = await send({
        method: 'POST',
        path: '/',
        headers: { 'Content-Type': `application/x-amz-json-${version}`, 'X-Amz-Target': target },
        body: JSON.stringify(payload),
      });
      return (response.body.length > 0 ? JSON.parse(response.body.toString('utf8')) : {}) as T;
    },
  };
}

function environmentCredentials(): Credentials {
  const sessionToken = process.env.AWS_SESSION_TOKEN;
  return {
    accessKeyId: requireEnv('AWS_ACCESS_KEY_ID'),
    secretAccessKey: requireEnv('AWS_SECRET_ACCESS_KEY'),
    ...(sessionToken ? { sessionToken } : {}),
  };
}

/**
 * Whether another attempt may follow `failure`. A call that is not idempotent gets one only when the
 * first certainly did nothing: a refusal for the rate answered with a 4xx (a 5xx may come after the
 * work was done), or a connection that never opened (a reset or a timeout may come after the request
 * arrived).
 */
function isRetryable(failure: unknown, idempotent: boolean): boolean {
  if (failure instanceof AwsError) {
    if (!idempotent) return failure.statusCode < 500 && (failure.statusCode === 429 || throttlingCodes.has(failure.code));
    return failure.statusCode >= 500 || failure.statusCode === 429 || retryableCodes.has(failure.code);
  }
  const code = (failure as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (idempotent ? retryableNetworkCodes : unsentNetworkCodes).has(code);
}

/**
 * The error an answer carries, as each protocol reports it: a JSON body with `__type` (AWS JSON, with
 * a namespace before `#`), the `x-amzn-errortype` header (REST JSON) or an XML `<Code>` (S3).
 */
function errorOf(response: AwsResponse): AwsError {
  const text = response.body.toString('utf8');
  const requestId = headerOf(response, 'x-amzn-requestid') ?? headerOf(response, 'x-amz-request-id');
  let fields: Record<string, unknown> = {};
  let code: string | undefined;
  let message: string | undefined;
  if (text.trimStart().startsWith('{')) {
    try {
      const { __type, code: bodyCode, Code, message: lower, Message: upper, ...rest } = JSON.parse(text) as Record<string, unknown>;
      fields = rest;
      code = [__type, bodyCode, Code].find((c): c is string => typeof c === 'string');
      message = [lower, upper].find((m): m is string => typeof m === 'string');
    } catch {
      // Not JSON after all: the header or the status names it.
    }
  } else if (text.trimStart().startsWith('<')) {
    code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
    message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  }
  code ??= headerOf(response, 'x-amzn-errortype');
  // `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`, `Code:http://internal…`
  const name = code ? code.split(',')[0]!.split(':')[0]!.split('#').pop()! : response.statusCode === 404 ? 'NotFound' : `Http${response.statusCode}`;
  return new AwsError(name, message ?? '', response.statusCode, requestId, fields);
}

/** A header of an answer (the first, where it came more than once); `name` in lower case. */
export function headerOf(response: AwsResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
