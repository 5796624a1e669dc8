/**
 * The local stand-in for SQS, as far as the functions use it: a loopback HTTP server that speaks
 * SendMessage in SQS's JSON protocol (`X-Amz-Target: AmazonSQS.SendMessage`,
 * `application/x-amz-json-1.0`), so `createQueueClient` (shared/aws/sqs.ts) works unchanged with
 * `AWS_ENDPOINT_URL_SQS` pointing here. Each queue keeps what it was sent, in memory, and tells its
 * listeners: the stream poller listens on the stream-failure queue and keeps what the publisher sets
 * aside with its own dead letters, as the one queue on AWS holds both (infra/events.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { localAccount } from './aws-local.ts';
import { JsonProtocolError, startJsonProtocolServer } from './json-protocol-server.ts';

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
  const answer = (body: unknown) => {
    const request = body as { QueueUrl?: unknown; MessageBody?: unknown };
    const queue = typeof request.QueueUrl === 'string' ? queues.get(queueNameOf(request.QueueUrl) ?? '') : undefined;
    if (!queue) throw new JsonProtocolError(400, 'QueueDoesNotExist', 'The specified queue does not exist.');
    if (typeof request.MessageBody !== 'string' || request.MessageBody === '') {
      throw new JsonProtocolError(400, 'MissingParameter', 'The request must contain the parameter MessageBody.');
    }
    if (Buffer.byteLength(request.MessageBody, 'utf8') > maxMessageBytes) {
      throw new JsonProtocolError(400, 'InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${maxMessageBytes} bytes.`);
    }
    const message: LocalQueueMessage = { messageId: randomUUID(), body: request.MessageBody, at: new Date().toISOString() };
    queue.messages.push(message);
    for (const listener of queue.listeners) listener(message);
    return { MessageId: message.messageId, MD5OfMessageBody: createHash('md5').update(message.body, 'utf8').digest('hex') };
  };

  // SQS's JSON protocol names an error's code in `__type`, namespaced as AWS does.
  const server = await startJsonProtocolServer({
    target: 'AmazonSQS.SendMessage',
    version: '1.0',
    errorNamespace: 'com.amazonaws.sqs',
    name: { ja: 'ローカル SQS', en: 'local SQS' },
    stopping: { type: 'ServiceUnavailable', message: 'the local queues are stopping' },
    internalErrorType: 'InternalError',
    answer,
    port: options.port,
    onLog: log,
  });
  const { endpoint } = server;

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
    stop: () => server.stop(),
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
