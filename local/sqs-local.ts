/**
 * The local stand-in for SQS, as far as the functions use it: a loopback HTTP server that speaks
 * SendMessage in SQS's JSON protocol (`X-Amz-Target: AmazonSQS.SendMessage`,
 * `application/x-amz-json-1.0`), so `createQueueClient` (shared/aws/sqs.ts) works unchanged with
 * `AWS_ENDPOINT_URL_SQS` pointing here. Each queue keeps what it was sent, in memory, and tells its
 * listeners: the stream poller listens on the stream-failure queue and keeps what the publisher sets
 * aside with its own dead letters, as the one queue on AWS holds both (infra/events.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localAccount } from './aws-local.ts';

/** The queue the local stack gives the outbox publisher in STREAM_FAILURE_QUEUE_URL. */
export const localStreamFailureQueue = 'shinchoku-stream-failures';

/** SQS's limit on a message, in bytes (AWS takes larger ones since 2025; what passes here passes there). */
const maxMessageBytes = 256 * 1024;

export interface LocalQueueMessage {
  messageId: string;
  body: string;
  /** When it was sent (ISO 8601). */
  at: string;
}

export interface LocalQueue {
  name: string;
  /** `http://127.0.0.1:PORT/000000000000/<name>`, shaped as SQS shapes its queue URLs. */
  url: string;
  /** Every message sent, in order. */
  readonly messages: readonly LocalQueueMessage[];
  /** Calls `listener` with each message sent from now on, before SendMessage answers; returns what stops it. */
  onMessage(listener: (message: LocalQueueMessage) => void): () => void;
}

export interface LocalSqsOptions {
  /** The queues there are; SendMessage to any other is refused as on AWS (QueueDoesNotExist). */
  queues: readonly string[];
  /** @default 0 (any free port) */
  port?: number;
  /** Where internal errors are printed. @default stderr */
  onLog?: (line: string) => void;
}

export interface LocalSqs {
  /** `http://127.0.0.1:PORT`, for AWS_ENDPOINT_URL_SQS. */
  endpoint: string;
  /** The queue named `name`, one of `LocalSqsOptions.queues`. */
  queue(name: string): LocalQueue;
  /** Closes the port; the messages stay readable. */
  stop(): Promise<void>;
}

export async function startLocalSqs(options: LocalSqsOptions): Promise<LocalSqs> {
  const log = options.onLog ?? ((line: string) => process.stderr.write(`${line}\n`));
  const queues = new Map<string, { messages: LocalQueueMessage[]; listeners: Set<(message: LocalQueueMessage) => void> }>(
    options.queues.map((name) => [name, { messages: [], listeners: new Set() }]),
  );
  let stopped = false;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`ローカル SQS のエラー / local SQS error: ${String((error as Error)?.stack ?? error)}`);
      if (!res.headersSent) writeError(res, 500, 'InternalError', 'internal error');
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = await readBody(req);
    if (req.method !== 'POST' || target !== 'AmazonSQS.SendMessage') {
      writeError(res, 400, 'UnknownOperationException', `only AmazonSQS.SendMessage is served locally, not "${target}"`);
      return;
    }
    if (stopped) {
      writeError(res, 503, 'ServiceUnavailable', 'the local queues are stopping');
      return;
    }
    let request: { QueueUrl?: unknown; MessageBody?: unknown };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      writeError(res, 400, 'SerializationException', 'request body is not JSON');
      return;
    }
    const queue = typeof request.QueueUrl === 'string' ? queues.get(queueNameOf(request.QueueUrl) ?? '') : undefined;
    if (!queue) {
      writeError(res, 400, 'QueueDoesNotExist', 'The specified queue does not exist.');
      return;
    }
    if (typeof request.MessageBody !== 'string' || request.MessageBody === '') {
      writeError(res, 400, 'MissingParameter', 'The request must contain the parameter MessageBody.');
      return;
    }
    if (Buffer.byteLength(request.MessageBody, 'utf8') > maxMessageBytes) {
      writeError(res, 400, 'InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${maxMessageBytes} bytes.`);
      return;
    }
    const message: LocalQueueMessage = { messageId: randomUUID(), body: request.MessageBody, at: new Date().toISOString() };
    queue.messages.push(message);
    for (const listener of queue.listeners) listener(message);
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify({ MessageId: message.messageId, MD5OfMessageBody: createHash('md5').update(message.body, 'utf8').digest('hex') }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    queue(name) {
      const queue = queues.get(name);
      if (!queue) throw new Error(`ローカル SQS にキュー ${name} はありません / the local SQS has no queue ${name}`);
      return {
        name,
        url: `${endpoint}/${localAccount}/${name}`,
        messages: queue.messages,
        onMessage(listener) {
          queue.listeners.add(listener);
          return () => queue.listeners.delete(listener);
        },
      };
    },
    stop: async () => {
      stopped = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The queue a URL names: the last part of `/<account>/<name>`, for this account only. */
function queueNameOf(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const [account, name, ...rest] = path.split('/').filter(Boolean);
  return account === localAccount && name && rest.length === 0 ? name : undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** An error as SQS's JSON protocol answers it: the code in `__type`, namespaced as AWS does. */
function writeError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
  res.end(JSON.stringify({ __type: `com.amazonaws.sqs#${type}`, message }));
}
