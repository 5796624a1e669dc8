/**
 * The local stand-in for Lambda's DynamoDB stream event source: reads the table's stream from
 * DynamoDB Local and calls `functions/publish-events/handler.ts` in this process with the same
 * DynamoDBStreamEvent Lambda would send, honouring the same filter (events/outbox.ts), batch size and
 * partial batch failures: a batch resumes at the lowest record the handler reports failed; a record
 * that keeps failing is kept in `deadLetters` (the on-failure destination on AWS) and the shard moves on.
 *
 * DynamoDB Local 1.25 serves the DynamoDB Streams API (DescribeStream, GetShardIterator, GetRecords)
 * on its own endpoint. The project has no `@aws-sdk/client-dynamodb-streams`, so the three calls
 * are made here directly in the service's JSON protocol; DynamoDB Local reads the access key id from
 * the Authorization header and does not check the signature.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { reportInsertFilter } from '#events/outbox';
import { matchesPattern, type EventPattern } from '#events/rules';
import { createDynamoDbClient } from '#shared/aws/dynamodb';
import { localClientConfig, localCredentials, localRegion } from './aws-local.ts';
import { MissingTargetError } from './eventbridge-local.ts';
import { localLambdaContext } from './lambda-context.ts';

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;
export type StreamHandlerLoader = (fn: string) => Promise<StreamHandler>;

/** `functions/<fn>/handler.ts`, imported once. */
export const loadStreamHandler: StreamHandlerLoader = async (fn) => {
  const url = new URL(`../functions/${fn}/handler.ts`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) throw new MissingTargetError(fn);
  const module = (await import(url.href)) as { handler?: StreamHandler };
  if (typeof module.handler !== 'function') {
    throw new Error(`functions/${fn}/handler.ts が handler を export していません / functions/${fn}/handler.ts exports no handler`);
  }
  return module.handler;
};

export interface StreamDeadLetter {
  sequenceNumber: string;
  eventName: string | undefined;
  keys: unknown;
  attempts: number;
  error: string;
  at: string;
  record: DynamoDBRecord;
}

export interface StreamPollerOptions {
  /** DynamoDB Local, e.g. http://127.0.0.1:8000 */
  endpoint: string;
  tableName: string;
  /** @default "publish-events" */
  fn?: string;
  /** @default loadStreamHandler */
  loadHandler?: StreamHandlerLoader;
  /** Records that do not match are dropped before the handler, as Lambda's filter criteria do. @default reportInsertFilter; null = every record */
  filter?: EventPattern | null;
  /** Most records per invocation (the event source mapping's batch size). @default 100 */
  batchSize?: number;
  /** Invocations before a failing record is dead-lettered (retryAttempts + 1 on AWS). @default 3 */
  maxAttempts?: number;
  /** Pause between polls. @default 100 */
  pollIntervalMs?: number;
  /** Wait before retrying a failed batch; doubles per retry. @default 50 */
  retryDelayMs?: number;
  /** Where to start in the open shards: LATEST skips what was written before the stack started. @default "LATEST" */
  startAt?: 'LATEST' | 'TRIM_HORIZON';
  /** Where errors and dead letters are printed. @default stderr */
  onLog?: (line: string) => void;
}

export interface StreamPoller {
  streamArn: string;
  /** Records that failed every attempt. */
  readonly deadLetters: readonly StreamDeadLetter[];
  /** Grows with every record read and every invocation. */
  activity(): number;
  /**
   * Resolves after a complete poll that started after this call found nothing new and nothing left
   * to retry: everything written to the table before the call has been handed to the handler.
   */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

interface ShardState {
  shardId: string;
  /** undefined once the shard is closed and read to its end. */
  iterator: string | undefined;
  lastSequenceNumber: string | undefined;
  /** Records read and not yet handled successfully, oldest first. */
  pending: DynamoDBRecord[];
  attempts: number;
  /** Batch limit while bisecting a batch whose invocation threw. */
  batchLimit: number;
  retryAt: number;
}

interface Shard {
  ShardId: string;
  ParentShardId?: string;
  SequenceNumberRange?: { StartingSequenceNumber?: string; EndingSequenceNumber?: string };
}

export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const fn = options.fn ?? 'publish-events';
  const load = options.loadHandler ?? loadStreamHandler;
  const filter = options.filter === undefined ? reportInsertFilter : options.filter;
  const batchSize = options.batchSize ?? 100;
  const maxAttempts = options.maxAttempts ?? 3;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const retryDelayMs = options.retryDelayMs ?? 50;
  const log = options.onLog ?? ((line: string) => process.stderr.write(`${line}\n`));
  const streams = streamsApi(options.endpoint);

  const streamArn = await latestStreamArn(options.endpoint, options.tableName);
  const known = new Set<string>();
  const shards = new Map<string, ShardState>();
  const open = async (shard: Shard, type: 'LATEST' | 'TRIM_HORIZON') => {
    known.add(shard.ShardId);
    const { ShardIterator } = await streams.call<{ ShardIterator?: string }>('GetShardIterator', {
      StreamArn: streamArn,
      ShardId: shard.ShardId,
      ShardIteratorType: type,
    });
    shards.set(shard.ShardId, {
      shardId: shard.ShardId,
      iterator: ShardIterator,
      lastSequenceNumber: undefined,
      pending: [],
      attempts: 0,
      batchLimit: batchSize,
      retryAt: 0,
    });
  };
  for (const shard of await describeShards(streams, streamArn)) {
    // Closed shards hold only what was written before the start; remember them so they are never read.
    if (shard.SequenceNumberRange?.EndingSequenceNumber) known.add(shard.ShardId);
    else await open(shard, options.startAt ?? 'LATEST');
  }

  const deadLetters: StreamDeadLetter[] = [];
  let activity = 0;
  let cyclesStarted = 0;
  let stopped = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let handler: Promise<StreamHandler> | undefined;
  let lastError = '';
  let waiters: { after: number; resolve: () => void }[] = [];

  const handlerOnce = () => {
    if (!handler) {
      handler = load(fn);
      handler.catch(() => (handler = undefined));
    }
    return handler;
  };

  const deadLetter = (state: ShardState, record: DynamoDBRecord, error: string) => {
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? '?';
    deadLetters.push({
      sequenceNumber,
      eventName: record.eventName,
      keys: record.dynamodb?.Keys,
      attempts: state.attempts,
      error,
      at: new Date().toISOString(),
      record,
    });
    log(
      `ストリームの記録を処理できずデッドレターに入れました / stream record dead-lettered: ${fn}, ` +
        `${record.eventName ?? '?'} ${sequenceNumber} ${JSON.stringify(record.dynamodb?.Keys ?? {})}, ${state.attempts} 回 / attempt(s): ${error}`,
    );
  };

  /** One invocation on the oldest pending records of a shard, and what follows from its answer. */
  const invoke = async (state: ShardState): Promise<void> => {
    const batch = state.pending.slice(0, Math.min(state.batchLimit, batchSize));
    activity += 1;
    let failedAt: number | undefined;
    let thrown = false;
    let error = '';
    try {
      const answer = await (await handlerOnce())({ Records: structuredClone(batch) }, localLambdaContext(fn, randomUUID()));
      const failed = new Set((answer?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      if (failed.size > 0) {
        const index = batch.findIndex((record) => failed.has(record.dynamodb?.SequenceNumber ?? ''));
        // An identifier that is not in the batch makes Lambda retry the whole batch.
        failedAt = index === -1 ? 0 : index;
        error = `batchItemFailures: ${[...failed].join(', ')}`;
      }
    } catch (caught) {
      failedAt = 0;
      thrown = true;
      error = caught instanceof Error ? caught.message : String(caught);
    }
    if (failedAt === undefined) {
      state.pending.splice(0, batch.length);
      state.attempts = 0;
      state.batchLimit = batchSize;
      return;
    }
    // Everything before the failed record is checkpointed; the rest is delivered again.
    state.pending.splice(0, failedAt);
    state.attempts += 1;
    const remaining = batch.length - failedAt;
    if (state.attempts < maxAttempts) {
      state.retryAt = Date.now() + retryDelayMs * 2 ** (state.attempts - 1);
      return;
    }
    if (thrown && remaining > 1) {
      // bisectBatchOnError: split the batch and give each half its own attempts.
      state.batchLimit = Math.ceil(remaining / 2);
    } else {
      deadLetter(state, state.pending.shift()!, error);
      state.batchLimit = batchSize;
    }
    state.attempts = 0;
    state.retryAt = 0;
  };

  /** One pass over every shard; true when there was nothing to do. */
  const cycle = async (): Promise<boolean> => {
    let quiet = true;
    let drained = false;
    for (const state of [...shards.values()]) {
      if (state.pending.length === 0 && state.iterator) {
        try {
          const page = await streams.call<{ Records?: DynamoDBRecord[]; NextShardIterator?: string }>('GetRecords', {
            ShardIterator: state.iterator,
            Limit: 1000,
          });
          state.iterator = page.NextShardIterator ?? undefined;
          for (const record of page.Records ?? []) {
            quiet = false;
            activity += 1;
            state.lastSequenceNumber = record.dynamodb?.SequenceNumber ?? state.lastSequenceNumber;
            const lambdaRecord: DynamoDBRecord = { ...record, awsRegion: localRegion, eventSourceARN: streamArn };
            if (filter === null || matchesPattern(filter, lambdaRecord)) state.pending.push(lambdaRecord);
          }
        } catch (caught) {
          quiet = false;
          await recover(state, caught);
          continue;
        }
      }
      if (state.pending.length > 0) {
        quiet = false;
        if (Date.now() >= state.retryAt) await invoke(state);
      } else if (!state.iterator) {
        shards.delete(state.shardId);
        drained = true;
      }
    }
    if (drained || cyclesStarted % 50 === 0) await discoverShards().catch((caught: unknown) => report(caught));
    return quiet;
  };

  /** Children of a drained shard (and shards created since) are read from their start. */
  const discoverShards = async () => {
    for (const shard of await describeShards(streams, streamArn)) {
      if (known.has(shard.ShardId)) continue;
      if (shard.ParentShardId && shards.has(shard.ParentShardId)) continue; // parent first, to keep order
      await open(shard, 'TRIM_HORIZON');
    }
  };

  const recover = async (state: ShardState, caught: unknown) => {
    if ((caught as { type?: string }).type === 'ExpiredIteratorException') {
      const { ShardIterator } = await streams
        .call<{ ShardIterator?: string }>('GetShardIterator', {
          StreamArn: streamArn,
          ShardId: state.shardId,
          ...(state.lastSequenceNumber
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: state.lastSequenceNumber }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        })
        .catch((error: unknown) => {
          report(error);
          return { ShardIterator: state.iterator };
        });
      state.iterator = ShardIterator;
      return;
    }
    report(caught);
  };

  const report = (caught: unknown) => {
    const message = caught instanceof Error ? caught.message : String(caught);
    // The same failure on every poll (DynamoDB Local stopped) is printed once.
    if (message === lastError) return;
    lastError = message;
    log(`ストリームを読めません / cannot read the stream: ${message}`);
  };

  const loop = () => {
    if (stopped) return;
    cyclesStarted += 1;
    const number = cyclesStarted;
    running = cycle()
      .then((quiet) => {
        if (!quiet) return;
        const ready = waiters.filter((w) => w.after < number);
        waiters = waiters.filter((w) => w.after >= number);
        for (const w of ready) w.resolve();
      })
      .catch((caught: unknown) => report(caught))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(loop, pollIntervalMs);
      });
  };
  loop();

  return {
    streamArn,
    deadLetters,
    activity: () => activity,
    idle: () => new Promise<void>((resolve) => waiters.push({ after: cyclesStarted, resolve })),
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      for (const w of waiters) w.resolve();
      waiters = [];
    },
  };
}

async function latestStreamArn(endpoint: string, tableName: string): Promise<string> {
  const client = createDynamoDbClient(localClientConfig(endpoint));
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.LatestStreamArn || !Table.StreamSpecification?.StreamEnabled) {
      throw new Error(
        `テーブル ${tableName} にストリームがありません（shared/store/table.ts の StreamSpecification） / ` +
          `table ${tableName} has no stream (StreamSpecification in shared/store/table.ts)`,
      );
    }
    return Table.LatestStreamArn;
  } finally {
    client.destroy();
  }
}

async function describeShards(streams: StreamsApi, streamArn: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let start: string | undefined;
  do {
    const { StreamDescription } = await streams.call<{ StreamDescription?: { Shards?: Shard[]; LastEvaluatedShardId?: string } }>(
      'DescribeStream',
      { StreamArn: streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) },
    );
    shards.push(...(StreamDescription?.Shards ?? []));
    start = StreamDescription?.LastEvaluatedShardId;
  } while (start);
  return shards;
}

interface StreamsApi {
  call<T>(operation: 'DescribeStream' | 'GetShardIterator' | 'GetRecords', body: unknown): Promise<T>;
}

/** The DynamoDB Streams JSON protocol (awsJson1_0, target prefix DynamoDBStreams_20120810). */
function streamsApi(endpoint: string): StreamsApi {
  return {
    async call<T>(operation: string, body: unknown): Promise<T> {
      const now = new Date();
      const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDBStreams_20120810.${operation}`,
          'x-amz-date': amzDate,
          authorization:
            `AWS4-HMAC-SHA256 Credential=${localCredentials.accessKeyId}/${amzDate.slice(0, 8)}/${localRegion}/dynamodb/aws4_request, ` +
            `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
        },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) {
        const parsed = safeJson(text) as { __type?: string; message?: string; Message?: string } | undefined;
        const type = parsed?.__type?.split('#').pop() ?? `HTTP ${response.status}`;
        throw Object.assign(new Error(`${operation}: ${type}: ${parsed?.message ?? parsed?.Message ?? text}`), { type });
      }
      return JSON.parse(text) as T;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
