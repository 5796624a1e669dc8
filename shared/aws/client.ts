/**
 * The AWS API client every function uses: aws-lite (https://aws-lite.org), which signs and sends the
 * same API calls as the AWS SDK with a fraction of its code: a function's cold start parses about
 * 120 KB for the DynamoDB client (and little more for each further service) instead of the SDK's
 * 220 KB and more per service (docs/BENCHMARKS.md, cold start).
 *
 * One client per service and module, created by the first call (the configuration is read then, so a
 * test or the local stack may set the environment after importing a handler). Endpoints follow the
 * SDK's own variables, `AWS_ENDPOINT_URL_<SERVICE>` then `AWS_ENDPOINT_URL`, which the local stack
 * points at DynamoDB Local, the SES emulator, the local S3 and the loopback EventBridge, so the same
 * code runs on AWS and on a laptop. Region and credentials come from the environment as on Lambda
 * (AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) unless given.
 */
import awsLite from '@aws-lite/client';
import { keptFor } from '../kept.ts';

export type AwsLiteClient = Awaited<ReturnType<typeof awsLite>>;
/** One plain API request of an aws-lite client. */
export type AwsClientRequest = Parameters<AwsLiteClient>[0] & { rawResponsePayload?: boolean };

/** Where and as whom a client connects; everything unset comes from the environment. */
export interface AwsConnection {
  /** @default `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, else the service's AWS endpoint */
  endpoint?: string;
  /** @default AWS_REGION */
  region?: string;
  /** @default the environment's credentials (AWS_ACCESS_KEY_ID …) */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** The SDK's endpoint variable suffix of each service this project calls. */
export type EndpointService = 'DYNAMODB' | 'S3' | 'SESV2' | 'EVENTBRIDGE' | 'SECRETS_MANAGER';

/** The endpoint override for a service, as the SDK reads it; undefined = the AWS endpoint. */
export function endpointFor(service: EndpointService, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL;
  return value ? value : undefined;
}

/**
 * A lazily created aws-lite client for one service: the returned function gives the same client on
 * every call. `plugins` are the aws-lite service plugins it uses (none for plain API requests).
 */
export function lazyAwsClient(
  service: EndpointService,
  connection: AwsConnection = {},
  plugins: readonly unknown[] = [],
  /** Further aws-lite options, e.g. a plugin's marshalling options. */
  options: Record<string, unknown> = {},
): () => Promise<AwsLiteClient> {
  // A failed creation (say, no credentials yet) is not kept: the next call tries again.
  const kept = keptFor<AwsLiteClient>(Infinity);
  return () => kept(() => createClient(service, connection, plugins, options));
}

function createClient(
  service: EndpointService,
  connection: AwsConnection,
  plugins: readonly unknown[],
  options: Record<string, unknown>,
): Promise<AwsLiteClient> {
  const endpoint = connection.endpoint ?? endpointFor(service);
  return awsLite({
    ...options,
    ...(endpoint ? { endpoint } : {}),
    ...(connection.region ? { region: connection.region } : {}),
    ...(connection.credentials ?? {}),
    plugins: [...plugins],
    // Only the plugins named here: no scan of node_modules for others.
    autoloadPlugins: false,
    // Reuse connections everywhere, DynamoDB Local and the emulators included.
    keepAlive: true,
  });
}

/** A client's region, and the host of its endpoint when one was given (local parts). */
export function clientSettings(aws: AwsLiteClient): { region: string; endpointHost: string | undefined } {
  const config = (aws as unknown as { config: { region: string; host?: string } }).config;
  return { region: config.region, endpointHost: config.host };
}

/**
 * The AWS host of a call whose service answers at a host of its own (`host(region)`), or undefined
 * when the client was given an endpoint (the local parts), which then takes every call.
 */
export function awsHost(aws: AwsLiteClient, host: (region: string) => string): string | undefined {
  const { region, endpointHost } = clientSettings(aws);
  return endpointHost ? undefined : host(region);
}

/**
 * A lazily created client for an AWS JSON API (EventBridge, Secrets Manager), for `awsJsonCall`: its
 * answers, errors included, are read as plain JSON. aws-lite would otherwise take the
 * `application/x-amz-json` bodies for DynamoDB attribute values.
 */
export function lazyAwsJsonClient(service: EndpointService, connection: AwsConnection = {}): () => Promise<AwsLiteClient> {
  return lazyAwsClient(service, connection, [], { responseContentType: 'application/json' });
}

/**
 * One call of an AWS JSON API (`X-Amz-Target`, e.g. EventBridge's `AWSEvents.PutEvents`) with a client
 * of `lazyAwsJsonClient`: the payload is sent as plain JSON. Errors keep their AWS code as `name`, so
 * throttling is retried by the client and callers can tell errors apart.
 */
export async function awsJsonCall<T>(aws: AwsLiteClient, service: string, target: string, payload: object): Promise<T> {
  const answer = await aws({
    service,
    method: 'POST',
    path: '/',
    headers: { 'X-Amz-Target': target, 'Content-Type': 'application/x-amz-json-1.1' },
    awsjson: false,
    payload,
  });
  return (answer.payload ?? {}) as T;
}
