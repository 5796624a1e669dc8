/**
 * A loopback HTTP server that answers one operation of an AWS JSON protocol (`POST /` with
 * `X-Amz-Target: <service>.<operation>`), as the local EventBridge (PutEvents) and the local SQS
 * (SendMessage) do: it reads the body, refuses other targets, refuses while stopping, parses the
 * JSON and writes the answer or the error the way the service writes them. What the operation does
 * is the caller's `answer`; a refusal is a thrown {@link JsonProtocolError}.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A refusal the operation answers: HTTP status, the service's error code, its message. */
export class JsonProtocolError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'JsonProtocolError';
  }
}

export interface JsonProtocolServerOptions {
  /** The one target served, e.g. `AWSEvents.PutEvents`. */
  target: string;
  /** `1.0` (SQS) or `1.1` (EventBridge): the answers' `application/x-amz-json-*`. */
  version: '1.0' | '1.1';
  /**
   * How an error names its code: `__type` as is with an `x-amzn-errortype` header (EventBridge), or
   * namespaced in `__type` only (SQS: `com.amazonaws.sqs#QueueDoesNotExist`).
   */
  errorNamespace?: string;
  /** Who answers, for the log of an unexpected failure. */
  name: { ja: string; en: string };
  /** The error answered once `stop` has begun (503). */
  stopping: { type: string; message: string };
  /** The code of an unexpected failure (500), e.g. `InternalException`. */
  internalErrorType: string;
  /** The operation: the parsed request in, the answer out (or a thrown {@link JsonProtocolError}). */
  answer(request: unknown): unknown;
  /** @default a free port */
  port?: number;
  /** @default stderr */
  onLog?: (line: string) => void;
}

export interface JsonProtocolServer {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  port: number;
  /** Refuses new requests (503) from now on, then closes the port. `beforeClose` runs in between. */
  stop(beforeClose?: () => Promise<void>): Promise<void>;
}

export async function startJsonProtocolServer(options: JsonProtocolServerOptions): Promise<JsonProtocolServer> {
  const log = options.onLog ?? ((line: string) => process.stderr.write(`${line}\n`));
  const contentType = `application/x-amz-json-${options.version}`;
  let stopped = false;

  const writeError = (res: ServerResponse, status: number, type: string, message: string) => {
    const headers: Record<string, string> = { 'content-type': contentType, 'x-amzn-requestid': randomUUID() };
    if (!options.errorNamespace) headers['x-amzn-errortype'] = type;
    res.writeHead(status, headers);
    res.end(JSON.stringify({ __type: options.errorNamespace ? `${options.errorNamespace}#${type}` : type, message }));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = await readBody(req);
    if (req.method !== 'POST' || target !== options.target) {
      writeError(res, 400, 'UnknownOperationException', `only ${options.target} is served locally, not "${target}"`);
      return;
    }
    if (stopped) {
      writeError(res, 503, options.stopping.type, options.stopping.message);
      return;
    }
    let request: unknown;
    try {
      request = JSON.parse(body);
    } catch {
      writeError(res, 400, 'SerializationException', 'request body is not JSON');
      return;
    }
    let answer: unknown;
    try {
      answer = options.answer(request);
    } catch (error) {
      if (!(error instanceof JsonProtocolError)) throw error;
      writeError(res, error.status, error.type, error.message);
      return;
    }
    res.writeHead(200, { 'content-type': contentType, 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify(answer));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`${options.name.ja} のエラー / ${options.name.en} error: ${String((error as Error)?.stack ?? error)}`);
      if (!res.headersSent) writeError(res, 500, options.internalErrorType, 'internal error');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: async (beforeClose) => {
      stopped = true;
      await beforeClose?.();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
