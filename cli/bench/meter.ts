/**
 * A counting proxy in front of DynamoDB Local. The code under measurement runs unchanged (its SDK
 * client simply has this proxy as its endpoint); the proxy counts every DynamoDB request by
 * operation, asks DynamoDB Local for `ReturnConsumedCapacity: TOTAL` on the requests that support
 * it, and keeps the consumed units and the size of the items a Query returned. DynamoDB Local does
 * not check request signatures, so adding the field to the body is safe; responses pass unchanged.
 * Units are counted as DynamoDB bills them: DynamoDB Local reports 0 for a read that finds nothing,
 * which DynamoDB charges at its minimum (`billedUnits`).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const readOps = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const writeOps = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/** One DynamoDB request seen by the meter. */
export interface MeteredRequest {
  op: string;
  kind: 'read' | 'write' | 'other';
  index?: string;
  consistent: boolean;
  /**
   * Consumed capacity units as DynamoDB bills them: what DynamoDB Local reported (read units for reads,
   * write units for writes), and for a GetItem, Query or Scan at least the minimum of one read (1 unit
   * strongly consistent, 0.5 eventually consistent), which DynamoDB charges even when nothing is found
   * and DynamoDB Local reports as 0.
   */
  units: number;
  /** The units exactly as DynamoDB Local reported them. */
  reportedUnits: number;
  /** For Query/Scan: the DynamoDB item size of each returned item, in bytes. */
  itemBytes: number[];
}

export interface DynamoMeter {
  endpoint: string;
  /** Requests since the last `take()`; `take()` returns them and starts a new count. */
  take(): MeteredRequest[];
  stop(): Promise<void>;
}

type AttributeValue = Record<string, unknown>;

/** The size DynamoDB bills for an attribute value (names + values, per the DynamoDB item-size rules). */
function valueBytes(value: AttributeValue): number {
  const [type, v] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(v));
    case 'N': {
      const digits = String(v).replace(/^-|\.|e.*$/gi, '').replace(/^0+/, '').replace(/0+$/, '');
      return Math.ceil(Math.max(1, digits.length) / 2) + 1;
    }
    case 'B':
      return Buffer.from(String(v), 'base64').length;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return (v as string[]).reduce((n, s) => n + Buffer.byteLength(s), 0);
    case 'L':
      return 3 + (v as AttributeValue[]).reduce((n, e) => n + 1 + valueBytes(e), 0);
    case 'M':
      return 3 + Object.entries(v as Record<string, AttributeValue>).reduce((n, [k, e]) => n + 1 + Buffer.byteLength(k) + valueBytes(e), 0);
    default:
      return Buffer.byteLength(JSON.stringify(v));
  }
}

/** The DynamoDB size of one item (marshalled JSON as on the wire). */
export function itemBytes(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((n, [name, value]) => n + Buffer.byteLength(name) + valueBytes(value), 0);
}

/** Single reads DynamoDB charges at least one read unit (half when eventually consistent) for, found or not. */
const minimumChargedReads = new Set(['GetItem', 'Query', 'Scan']);

/** What DynamoDB bills for a request DynamoDB Local reported `reported` units for. */
export function billedUnits(op: string, consistent: boolean, reported: number): number {
  return minimumChargedReads.has(op) ? Math.max(reported, consistent ? 1 : 0.5) : reported;
}

function unitsOf(consumed: unknown): number {
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((n: number, c: { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number }) => n + (c.CapacityUnits ?? (c.ReadCapacityUnits ?? 0) + (c.WriteCapacityUnits ?? 0)), 0);
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Start the meter on a free loopback port, forwarding to `target` (DynamoDB Local's endpoint). */
export async function startDynamoMeter(target: string): Promise<DynamoMeter> {
  const upstream = new URL(target);
  let seen: MeteredRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      let body = await readBody(req);
      let parsed: Record<string, unknown> | undefined;
      if (readOps.has(op) || writeOps.has(op)) {
        parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        parsed.ReturnConsumedCapacity ??= 'TOTAL';
        body = Buffer.from(JSON.stringify(parsed));
      }
      const headers = { ...req.headers, 'content-length': String(body.length), host: upstream.host };
      const forwarded = httpRequest(
        { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (answer) => {
          void readBody(answer).then((raw) => {
            if (parsed) {
              try {
                const out = JSON.parse(raw.toString('utf8')) as { ConsumedCapacity?: unknown; Items?: Record<string, AttributeValue>[] };
                const consistent = parsed.ConsistentRead === true;
                const reportedUnits = unitsOf(out.ConsumedCapacity);
                seen.push({
                  op,
                  kind: readOps.has(op) ? 'read' : 'write',
                  index: typeof parsed.IndexName === 'string' ? parsed.IndexName : undefined,
                  consistent,
                  units: billedUnits(op, consistent, reportedUnits),
                  reportedUnits,
                  itemBytes: (out.Items ?? []).map(itemBytes),
                });
              } catch {
                seen.push({ op, kind: readOps.has(op) ? 'read' : 'write', consistent: false, units: 0, reportedUnits: 0, itemBytes: [] });
              }
            } else if (op) {
              seen.push({ op, kind: 'other', consistent: false, units: 0, reportedUnits: 0, itemBytes: [] });
            }
            res.writeHead(answer.statusCode ?? 500, answer.headers);
            res.end(raw);
          }, (error: unknown) => res.destroy(error as Error));
        },
      );
      forwarded.on('error', (error) => res.destroy(error));
      forwarded.end(body);
    })().catch((error: unknown) => res.destroy(error as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    take() {
      const taken = seen;
      seen = [];
      return taken;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
