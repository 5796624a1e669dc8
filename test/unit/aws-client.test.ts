/**
 * The functions' AWS client against a loopback server that answers as AWS does: what it signs (checked
 * against the SDK's own Signature V4 signer, since DynamoDB Local and the emulators accept any
 * signature), which refusals it retries, and how each protocol's errors come back. The services
 * themselves are exercised through the local parts in test/integration.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsError, awsClient, endpointFor } from '#shared/aws/client';
import { createMailer } from '#shared/aws/mailer';
import { createObjectStore, objectAddress } from '#shared/aws/s3';
import { createQueueClient } from '#shared/aws/sqs';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session' };

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}
type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang-up';

let server: Server;
let endpoint: string;
let seen: Seen[] = [];
let answers: Answer[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      const answer = answers.shift() ?? { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{}' };
      if (answer === 'hang-up') {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
  answers = [];
});

const bytes = (data: string | ArrayBuffer | ArrayBufferView) =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);

/** Node's hash for the SDK's signer. */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

/** The Authorization header the SDK would send for what the server saw, at the same instant. */
async function sdkAuthorization(request: Seen, service: string, region: string): Promise<string> {
  const [path, query] = request.path.split('?');
  const { authorization: _authorization, connection: _connection, ...headers } = request.headers as Record<string, string>;
  const s3 = service === 's3';
  // The SDK adds a payload hash header to every service unless told not to; only S3 asks for one.
  const signer = new SignatureV4({ service, region, credentials, sha256: NodeSha256, uriEscapePath: !s3, applyChecksum: s3 });
  const amzDate = headers['x-amz-date']!;
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: headers.host!.split(':')[0]!,
      port: Number(headers.host!.split(':')[1]),
      path: path!,
      query: Object.fromEntries(new URLSearchParams(query ?? '')),
      headers,
      body: request.body,
    },
    { signingDate },
  );
  return signed.headers.authorization as string;
}

describe('the functions’ AWS client', () => {
  it('takes a service’s endpoint from its own variable first, then the general one, else none (AWS)', () => {
    // Prepare
    const both = { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000', AWS_ENDPOINT_URL: 'http://127.0.0.1:9999' };
    // Act / Assess
    expect(endpointFor('DYNAMODB', both)).toBe('http://127.0.0.1:8000');
    expect(endpointFor('S3', both)).toBe('http://127.0.0.1:9999');
    expect(endpointFor('SESV2', { AWS_ENDPOINT_URL_SESV2: '' })).toBeUndefined();
    expect(endpointFor('EVENTBRIDGE', {})).toBeUndefined();
    expect(endpointFor('SQS', { AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324' })).toBe('http://127.0.0.1:9324');
  });

  it('settles its region and endpoint at the first call, from what it was given or the environment', () => {
    // Prepare
    const local = awsClient('DYNAMODB', { endpoint: 'http://127.0.0.1:8000', region: 'ap-northeast-1', credentials });
    const aws = awsClient('SESV2', { region: 'us-east-1', credentials });
    // Act
    const first = local.settings();
    // Assess
    expect(local.settings()).toBe(first);
    expect(first.region).toBe('ap-northeast-1');
    expect(first.endpoint?.host).toBe('127.0.0.1:8000');
    expect(aws.settings()).toEqual({ region: 'us-east-1', endpoint: undefined });
  });

  it('signs an AWS JSON call exactly as the SDK signs it, session token and port included', async () => {
    // Prepare
    const dynamodb = awsClient('DYNAMODB', { endpoint, region: 'ap-northeast-1', credentials });
    answers = [{ status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{"Count":0,"Items":[]}' }];
    // Act
    const answer = await dynamodb.json('DynamoDB_20120810.Query', { TableName: '表', KeyConditionExpression: 'pk = :pk' }, '1.0');
    // Assess
    const [request] = seen;
    expect(answer).toEqual({ Count: 0, Items: [] });
    expect(request!.headers['x-amz-target']).toBe('DynamoDB_20120810.Query');
    expect(request!.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request!.headers['x-amz-security-token']).toBe('session');
    expect(request!.headers.host).toBe(new URL(endpoint).host);
    expect(request!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/ap-northeast-1\/dynamodb\/aws4_request, /);
    expect(request!.headers.authorization).toBe(await sdkAuthorization(request!, 'dynamodb', 'ap-northeast-1'));
  });

  it('signs an S3 put of a Japanese key with its payload hash as the SDK does, path-style at an endpoint', async () => {
    // Prepare
    const store = createObjectStore({ endpoint, region: 'ap-northeast-1', credentials });
    answers = [{ status: 200 }];
    // Act
    await store.put({ bucket: 'mail', key: 'inbound/進捗 (1).eml', body: '本文', contentType: 'message/rfc822' });
    // Assess
    const [request] = seen;
    expect(request!.method).toBe('PUT');
    expect(request!.path).toBe('/mail/inbound/%E9%80%B2%E6%8D%97%20%281%29.eml');
    expect(request!.body.toString('utf8')).toBe('本文');
    expect(request!.headers['x-amz-content-sha256']).toBe(createHash('sha256').update('本文').digest('hex'));
    expect(request!.headers.authorization).toBe(await sdkAuthorization(request!, 's3', 'ap-northeast-1'));
  });

  it('sends an SQS message in SQS’s JSON protocol, signed for sqs as the SDK signs it, and names a missing queue', async () => {
    // Prepare
    const sqs = createQueueClient({ endpoint, region: 'ap-northeast-1', credentials });
    const queueUrl = 'https://sqs.ap-northeast-1.amazonaws.com/123456789012/stream-failures';
    answers = [
      { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{"MessageId":"m-1","MD5OfMessageBody":"x"}' },
      { status: 400, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}' },
    ];
    // Act
    const sent = await sqs.sendMessage({ QueueUrl: queueUrl, MessageBody: '{"kind":"記録"}' });
    const missing = await sqs.sendMessage({ QueueUrl: `${queueUrl}-gone`, MessageBody: 'x' }).catch((e: unknown) => e);
    // Assess
    const [request] = seen;
    expect(sent.MessageId).toBe('m-1');
    expect(request!.path).toBe('/');
    expect(request!.headers['x-amz-target']).toBe('AmazonSQS.SendMessage');
    expect(request!.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(JSON.parse(request!.body.toString('utf8'))).toEqual({ QueueUrl: queueUrl, MessageBody: '{"kind":"記録"}' });
    expect(request!.headers.authorization).toBe(await sdkAuthorization(request!, 'sqs', 'ap-northeast-1'));
    expect(missing).toMatchObject({ name: 'QueueDoesNotExist', statusCode: 400 });
  });

  it('retries a 5xx answer, throttling and a dropped connection, sending the same call, and answers once', async () => {
    // Prepare
    const client = awsClient('DYNAMODB', { endpoint, region: 'ap-northeast-1', credentials, maxAttempts: 4 });
    answers = [
      { status: 500, body: '{"__type":"com.amazon.coral.service#InternalServerError"}' },
      { status: 400, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate exceeded"}' },
      'hang-up',
      { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{"Item":{"pk":{"S":"x"}}}' },
    ];
    // Act
    const answer = await client.json('DynamoDB_20120810.GetItem', { TableName: 't', Key: { pk: { S: 'x' } } }, '1.0');
    // Assess
    expect(answer).toEqual({ Item: { pk: { S: 'x' } } });
    expect(seen).toHaveLength(4);
    expect(seen.every((s) => s.body.toString() === seen[0]!.body.toString())).toBe(true);
  });

  it('gives up after its attempts with the last answer’s error', async () => {
    // Prepare
    const client = awsClient('EVENTBRIDGE', { endpoint, region: 'ap-northeast-1', credentials, maxAttempts: 2 });
    answers = [
      { status: 503, body: '{"__type":"ServiceUnavailable","message":"try later"}' },
      { status: 503, body: '{"__type":"ServiceUnavailable","message":"still busy"}' },
    ];
    // Act
    const error = await client.json('AWSEvents.PutEvents', { Entries: [] }).catch((e: unknown) => e);
    // Assess
    expect(seen).toHaveLength(2);
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toMatchObject({ name: 'ServiceUnavailable', code: 'ServiceUnavailable', statusCode: 503, message: 'still busy' });
  });

  it('does not retry a refusal, and keeps its code and fields: a cancelled transaction’s reasons', async () => {
    // Prepare
    const client = awsClient('DYNAMODB', { endpoint, region: 'ap-northeast-1', credentials });
    const reasons = [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }];
    answers = [
      {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'req-1' },
        body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException', Message: 'Transaction cancelled', CancellationReasons: reasons }),
      },
    ];
    // Act
    const error = await client.json('DynamoDB_20120810.TransactWriteItems', { TransactItems: [] }, '1.0').catch((e: unknown) => e);
    // Assess
    expect(seen).toHaveLength(1);
    expect(error).toMatchObject({ name: 'TransactionCanceledException', message: 'Transaction cancelled', statusCode: 400, requestId: 'req-1', CancellationReasons: reasons });
  });

  it('reads the error code of S3 (XML) and of a REST JSON service (the x-amzn-errortype header)', async () => {
    // Prepare
    const store = createObjectStore({ endpoint, region: 'ap-northeast-1', credentials });
    const ses = awsClient('SESV2', { endpoint, region: 'ap-northeast-1', credentials });
    answers = [
      { status: 404, headers: { 'content-type': 'application/xml' }, body: '<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>none</Message></Error>' },
      { status: 403, headers: { 'content-type': 'application/xml' }, body: '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>' },
      { status: 400, headers: { 'x-amzn-errortype': 'MessageRejected:http://internal.amazon.com/coral/com.amazon.ses/' }, body: '{"message":"Email address is not verified."}' },
    ];
    // Act
    const missing = await store.get('mail', 'inbound/none');
    const denied = await store.get('mail', 'inbound/secret').catch((e: unknown) => e);
    const rejected = await ses.send({ method: 'POST', path: '/v2/email/outbound-emails', body: '{}' }).catch((e: unknown) => e);
    // Assess
    expect(missing).toBeUndefined();
    expect(denied).toMatchObject({ name: 'AccessDenied', statusCode: 403, message: 'Access Denied' });
    expect(rejected).toMatchObject({ name: 'MessageRejected', statusCode: 400, message: 'Email address is not verified.' });
  });

  it('sends a mail once when the answer may mean SES took it: no retry of a 5xx answer or a dropped connection', async () => {
    // Prepare
    const mailer = createMailer({ connection: { endpoint, region: 'ap-northeast-1', credentials, maxAttempts: 3 }, maxPerSecond: 0 });
    const mail = { from: 'shinchoku@shimotsuke.example', to: ['bukai-kikaku@shimotsuke.example'], subject: '進捗報告のお願い', text: '本文' };
    answers = [{ status: 500, headers: { 'x-amzn-errortype': 'InternalFailure' }, body: '{"message":"internal"}' }, 'hang-up'];
    // Act
    const afterError = await mailer.send(mail).catch((e: unknown) => e);
    const sentAfterError = seen.length;
    const afterHangUp = await mailer.send(mail).catch((e: unknown) => e);
    // Assess
    expect(sentAfterError).toBe(1);
    expect(seen).toHaveLength(2);
    expect(afterError).toMatchObject({ name: 'InternalFailure', statusCode: 500 });
    expect(afterHangUp).toMatchObject({ code: 'ECONNRESET' });
  });

  it('sends each mail on a connection of its own, so no reset of a kept-alive connection closed meanwhile can make a mail fail', async () => {
    // Prepare: the port each request came from
    const ports: number[] = [];
    const note = (req: IncomingMessage) => ports.push(req.socket.remotePort!);
    server.on('request', note);
    const dynamo = awsClient('DYNAMODB', { endpoint, region: 'ap-northeast-1', credentials });
    const mailer = createMailer({ connection: { endpoint, region: 'ap-northeast-1', credentials, maxAttempts: 3 }, maxPerSecond: 0 });
    answers = [
      { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{}' },
      { status: 200, headers: { 'content-type': 'application/json' }, body: '{"MessageId":"a"}' },
      { status: 200, headers: { 'content-type': 'application/json' }, body: '{"MessageId":"b"}' },
      { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{}' },
    ];
    try {
      // Act
      await dynamo.json('DynamoDB_20120810.ListTables', {}, '1.0');
      await mailer.send({ from: 'shinchoku@shimotsuke.example', to: ['a@shimotsuke.example'], subject: 'a', text: 'a' });
      await mailer.send({ from: 'shinchoku@shimotsuke.example', to: ['b@shimotsuke.example'], subject: 'b', text: 'b' });
      await dynamo.json('DynamoDB_20120810.ListTables', {}, '1.0');
    } finally {
      server.off('request', note);
    }
    // Assess: the two DynamoDB calls share their kept-alive connection; each mail had one of its own
    const [firstCall, mailA, mailB, lastCall] = ports;
    expect(ports).toHaveLength(4);
    expect(lastCall).toBe(firstCall);
    expect(new Set([firstCall, mailA, mailB]).size).toBe(3);
  });

  it('sends a mail again when SES refused it for its rate (throttling: nothing was sent)', async () => {
    // Prepare
    const mailer = createMailer({ connection: { endpoint, region: 'ap-northeast-1', credentials, maxAttempts: 3 }, maxPerSecond: 0 });
    answers = [
      { status: 429, headers: { 'x-amzn-errortype': 'TooManyRequestsException' }, body: '{"message":"Too many requests"}' },
      { status: 400, headers: { 'x-amzn-errortype': 'Throttling' }, body: '{"message":"Maximum sending rate exceeded."}' },
      { status: 200, headers: { 'content-type': 'application/json' }, body: '{"MessageId":"sent-1"}' },
    ];
    // Act
    const sent = await mailer.send({ from: 'shinchoku@shimotsuke.example', to: ['bukai-kikaku@shimotsuke.example'], subject: '件名', text: '本文' });
    // Assess
    expect(sent).toEqual({ messageId: 'sent-1' });
    expect(seen).toHaveLength(3);
    expect(seen.every((s) => s.path === '/v2/email/outbound-emails')).toBe(true);
  });

  it('addresses an S3 object at the bucket’s virtual host on AWS, path-style at an endpoint', () => {
    // Prepare
    const local = { region: 'ap-northeast-1', endpoint: new URL(endpoint) };
    const aws = { region: 'ap-northeast-1', endpoint: undefined };
    // Act / Assess
    expect(objectAddress('public', 'data/状況.json', aws)).toEqual({ host: 'public.s3.ap-northeast-1.amazonaws.com', path: '/data/%E7%8A%B6%E6%B3%81.json' });
    expect(objectAddress('public', 'data/状況.json', local)).toEqual({ path: '/public/data/%E7%8A%B6%E6%B3%81.json' });
  });
});
