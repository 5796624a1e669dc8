/**
 * The local stand-in for Lambda's DynamoDB stream event source: reads the table's stream from
 * DynamoDB Local and calls `functions/publish-events/handler.ts` in this process with the same
 * DynamoDBStreamEvent Lambda would send, honouring the same filter (events/outbox.ts), batch size and
 * partial batch failures, and giving up as Lambda gives up: a batch resumes at the lowest record the
 * handler reports failed, and when that keeps failing, that record and every one after it in the batch
 * go to `deadLetters` (the on-failure destination on AWS) and the shard moves on; a batch whose
 * invocation keeps throwing is split in halves until the record it fails on is dead-lettered alone
 * (bisectBatchOnError). What the handler sends to the stream-failure queue itself (`failureQueue`, a
 * record it can never read) is kept in `deadLetters` too, as the one queue on AWS holds both.
 * With `checkpointFile`, each shard's position is kept on disk as the event source mapping keeps it
 * on AWS, so a record accepted but not yet handled when the stack stopped is delivered after the
 * next start, and nothing handled before is delivered again.
 *
 * DynamoDB Local 1.25 serves the DynamoDB Streams API (DescribeStream, GetShardIterator, GetRecords)
 * on its own endpoint. The project has no `@aws-sdk/client-dynamodb-streams`, so the three calls
 * are made here directly in the service's JSON protocol; DynamoDB Local reads the access key id from
 * the Authorization header and does not check the signature.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from 'zod';
import { reportInsertFilter, streamConsumer, unreadableRecordKind, type UnreadableRecordMessage } from '#events/outbox';
import { matchesPattern, type EventPattern } from '#events/rules';
import { createDynamoDbClient, localClientConfig, localCredentials, localRegion } from './aws-local.ts';
import { MissingTargetError } from './eventbridge-local.ts';
import { localLambdaContext } from './lambda-context.ts';
import type { LocalQueue, LocalQueueMessage } from './sqs-local.ts';

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
  /** Invocations that failed on it; 1 for a record the handler set aside itself. */
  attempts: number;
  error: string;
  at: string;
  /**
   * Who put it there: the poller when the retries were spent (Lambda's on-failure destination), or the
   * handler, which sent it to the stream-failure queue itself (`failureQueue`).
   */
  from: 'retries' | 'handler';
  /** The record as delivered; absent for one the handler set aside (its message names the keys, as on AWS). */
  record?: DynamoDBRecord;
  /** What the handler sent to the queue, for one it set aside. */
  message?: UnreadableRecordMessage;
}

export interface StreamPollerOptions {
  /** DynamoDB Local, e.g. http://127.0.0.1:8000 */
  endpoint: string;
  tableName: string;
  /** @default streamConsumer.fn ("publish-events") */
  fn?: string;
  /** @default loadStreamHandler */
  loadHandler?: StreamHandlerLoader;
  /** Records that do not match are dropped before the handler, as Lambda's filter criteria do. @default reportInsertFilter; null = every record */
  filter?: EventPattern | null;
  /** Most records per invocation (the event source mapping's batch size). @default streamConsumer.batchSize (100) */
  batchSize?: number;
  /** Invocations before a failing record is dead-lettered (retryAttempts + 1 on AWS). @default 3 */
  maxAttempts?: number;
  /**
   * The local stream-failure queue (`local/sqs-local.ts`) the handler is told of in
   * STREAM_FAILURE_QUEUE_URL: what it sends there while this poller runs is kept in `deadLetters`.
   * @default none
   */
  failureQueue?: LocalQueue;
  /** Pause between polls. @default 100 */
  pollIntervalMs?: number;
  /** Wait before retrying a failed batch; doubles per retry. @default 50 */
  retryDelayMs?: number;
  /**
   * Where to start in the open shards that have no saved position: LATEST skips what was written
   * before the stack started. @default "LATEST"
   */
  startAt?: 'LATEST' | 'TRIM_HORIZON';
  /**
   * A JSON file holding each shard's position between runs. At start a shard resumes after the last
   * record handled (or dead-lettered) in the previous run; a file written for another stream (the
   * table was created again) or one that cannot be read is ignored with a warning.
   * @default none: positions live in memory only and every start begins at `startAt`
   */
  checkpointFile?: string;
  /** Where errors and dead letters are printed. @default stderr */
  onLog?: (line: string) => void;
}

export interface StreamPoller {
  streamArn: string;
  /** Records that failed every attempt, and those the handler set aside in `failureQueue`. */
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
  /** The last record handled or dead-lettered: where the next run resumes (from the shard's start when none). */
  handledThrough: string | undefined;
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

/** Reads the stream, opens its shards and starts polling; `stop()` ends it. */
export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const log = options.onLog ?? ((line: string) => process.stderr.write(`${line}\n`));
  const streams = streamsApi(options.endpoint);
  const streamArn = await latestStreamArn(options.endpoint, options.tableName);
  const checkpoint = options.checkpointFile ? shardCheckpoint(options.checkpointFile, streamArn, log) : undefined;
  const poller = new LocalStreamPoller(options, { streams, streamArn, checkpoint, log });
  await poller.openShards(await checkpoint?.read());
  poller.start();
  return poller;
}

/** What `startStreamPoller` finds out before the poller exists. */
interface PollerParts {
  streams: StreamsApi;
  streamArn: string;
  checkpoint: ShardCheckpoint | undefined;
  log: (line: string) => void;
}

/**
 * One poller of one stream. Its parts, in the order a record meets them: the shards and their
 * positions (`openShards`, `open`, `discoverShards`, `recover`, `handled`, `positions`), the
 * invocations and what gives up on a record (`invoke`, `deadLetter`, `setAside`), and the loop
 * (`loop`, `cycle`) that `idle()` and `stop()` wait on.
 */
class LocalStreamPoller implements StreamPoller {
  readonly streamArn: string;
  readonly deadLetters: StreamDeadLetter[] = [];

  private readonly fn: string;
  private readonly load: StreamHandlerLoader;
  private readonly filter: EventPattern | null;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly pollIntervalMs: number;
  private readonly retryDelayMs: number;
  private readonly startAt: 'LATEST' | 'TRIM_HORIZON';
  private readonly failureQueue: LocalQueue | undefined;
  private readonly streams: StreamsApi;
  private readonly checkpoint: ShardCheckpoint | undefined;
  private readonly log: (line: string) => void;

  /** Shards read to their end (or closed before this run could read them): never read again. */
  private readonly finished = new Set<string>();
  private readonly shards = new Map<string, ShardState>();

  private activityCount = 0;
  private cyclesStarted = 0;
  private stopped = false;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private handler: Promise<StreamHandler> | undefined;
  private lastError = '';
  private waiters: { after: number; resolve: () => void }[] = [];
  private stopListening: (() => void) | undefined;

  constructor(options: StreamPollerOptions, parts: PollerParts) {
    this.fn = options.fn ?? streamConsumer.fn;
    this.load = options.loadHandler ?? loadStreamHandler;
    this.filter = options.filter === undefined ? reportInsertFilter : options.filter;
    this.batchSize = options.batchSize ?? streamConsumer.batchSize;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.retryDelayMs = options.retryDelayMs ?? 50;
    this.startAt = options.startAt ?? 'LATEST';
    this.failureQueue = options.failureQueue;
    this.streams = parts.streams;
    this.streamArn = parts.streamArn;
    this.checkpoint = parts.checkpoint;
    this.log = parts.log;
  }

  activity(): number {
    return this.activityCount;
  }

  idle(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push({ after: this.cyclesStarted, resolve }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    this.stopListening?.();
    await this.checkpoint?.write(this.positions());
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  /** Starts listening to the failure queue and polling. */
  start(): void {
    this.stopListening = this.failureQueue?.onMessage((message) => this.setAside(message));
    this.loop();
  }

  // — Shards and their positions

  /** Opens every shard of the stream where `saved` (the previous run's positions) or `startAt` says. */
  async openShards(saved: SavedPositions | undefined): Promise<void> {
    for (const shard of await describeShards(this.streams, this.streamArn)) {
      const position = saved?.[shard.ShardId];
      if (position === 'done') {
        this.finished.add(shard.ShardId);
      } else if (position !== undefined) {
        await this.open(shard, position);
      } else if (saved) {
        // A shard the previous run had not seen yet: it began after that run's positions, so read it all.
        await this.open(shard, 'TRIM_HORIZON');
      } else if (shard.SequenceNumberRange?.EndingSequenceNumber) {
        // Closed shards hold only what was written before the start; remember them so they are never read.
        this.finished.add(shard.ShardId);
      } else {
        await this.open(shard, this.startAt);
      }
    }
  }

  private async open(shard: Shard, start: ShardStart): Promise<void> {
    // LATEST is taken as the end of what is there now when positions are saved (see below).
    let { iterator, after: through } =
      start === 'LATEST' && !this.checkpoint
        ? { iterator: await this.shardIterator(shard.ShardId, 'LATEST'), after: undefined }
        : await this.iteratorAfter(shard.ShardId, typeof start === 'string' ? undefined : start.after);
    if (start === 'LATEST' && this.checkpoint) {
      // LATEST has no sequence number to save, so a stop before the first record would lose the
      // records written until the next start. Read to the end instead, delivering nothing: the
      // position is then the last record there (or the shard's start, when it is empty).
      for (;;) {
        const page = await this.getRecords(iterator);
        iterator = page.NextShardIterator ?? undefined;
        const last = page.Records?.at(-1)?.dynamodb?.SequenceNumber;
        if (last) through = last;
        if (!last || !iterator) break;
      }
    }
    this.shards.set(shard.ShardId, {
      shardId: shard.ShardId,
      iterator,
      lastSequenceNumber: through,
      handledThrough: through,
      pending: [],
      attempts: 0,
      batchLimit: this.batchSize,
      retryAt: 0,
    });
  }

  private async shardIterator(shardId: string, at: ShardStart): Promise<string | undefined> {
    const { ShardIterator } = await this.streams.call<{ ShardIterator?: string }>('GetShardIterator', {
      StreamArn: this.streamArn,
      ShardId: shardId,
      ...(typeof at === 'string' ? { ShardIteratorType: at } : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: at.after }),
    });
    return ShardIterator;
  }

  /**
   * An iterator just after `after`, or at the oldest record when there is none or that record has
   * passed the stream's retention (said in the log); `after` is what the reading goes on from.
   */
  private async iteratorAfter(shardId: string, after: string | undefined): Promise<{ iterator: string | undefined; after: string | undefined }> {
    if (!after) return { iterator: await this.shardIterator(shardId, 'TRIM_HORIZON'), after };
    try {
      return { iterator: await this.shardIterator(shardId, { after }), after };
    } catch (caught) {
      if ((caught as { type?: string }).type !== 'TrimmedDataAccessException') throw caught;
      this.log(
        `ストリームの記録 ${after} の後の位置は保持期間を過ぎています。残っている最初の記録から読みます / ` +
          `the position after stream record ${after} is past the stream's retention; reading from the oldest record left (${shardId})`,
      );
      return { iterator: await this.shardIterator(shardId, 'TRIM_HORIZON'), after: undefined };
    }
  }

  private getRecords(iterator: string | undefined): Promise<{ Records?: DynamoDBRecord[]; NextShardIterator?: string }> {
    return this.streams.call('GetRecords', { ShardIterator: iterator, Limit: 1000 });
  }

  /** Children of a drained shard (and shards created since) are read from their start. */
  private async discoverShards(): Promise<void> {
    for (const shard of await describeShards(this.streams, this.streamArn)) {
      if (this.finished.has(shard.ShardId) || this.shards.has(shard.ShardId)) continue;
      if (shard.ParentShardId && this.shards.has(shard.ParentShardId)) continue; // parent first, to keep order
      await this.open(shard, 'TRIM_HORIZON');
    }
  }

  /**
   * An iterator that expired, or one DynamoDB Local no longer serves (an iterator taken at the start
   * of a shard that was still empty can be refused as trimmed once records arrive): open the shard
   * again after the last record read, or at its oldest record when none was read or that one is gone.
   */
  private async recover(state: ShardState, caught: unknown): Promise<void> {
    const type = (caught as { type?: string }).type;
    if (type !== 'ExpiredIteratorException' && type !== 'TrimmedDataAccessException') {
      this.report(caught);
      return;
    }
    try {
      ({ iterator: state.iterator, after: state.lastSequenceNumber } = await this.iteratorAfter(state.shardId, state.lastSequenceNumber));
    } catch (error) {
      this.report(error);
    }
  }

  /** Moves a shard's saved position past `through`, and past what was filtered out when nothing is pending. */
  private handled(state: ShardState, through: DynamoDBRecord | undefined): void {
    const sequenceNumber = through?.dynamodb?.SequenceNumber;
    if (sequenceNumber) state.handledThrough = sequenceNumber;
    // What was read past the handled records was filtered out: it needs no delivery either.
    if (state.pending.length === 0 && state.lastSequenceNumber) state.handledThrough = state.lastSequenceNumber;
  }

  /** Each shard's position as the next run should resume it. */
  private positions(): SavedPositions {
    const out: SavedPositions = {};
    for (const id of this.finished) out[id] = 'done';
    for (const state of this.shards.values()) {
      out[state.shardId] = state.handledThrough !== undefined ? { after: state.handledThrough } : 'TRIM_HORIZON';
    }
    return out;
  }

  // — Invocations, and giving up on a record

  private handlerOnce(): Promise<StreamHandler> {
    if (!this.handler) {
      const loading = this.load(this.fn);
      this.handler = loading;
      loading.catch(() => (this.handler = undefined));
    }
    return this.handler;
  }

  /** One invocation on the oldest pending records of a shard, and what follows from its answer. */
  private async invoke(state: ShardState): Promise<void> {
    const batch = state.pending.slice(0, Math.min(state.batchLimit, this.batchSize));
    this.activityCount += 1;
    let failedAt: number | undefined;
    let thrown = false;
    let error = '';
    try {
      const handler = await this.handlerOnce();
      const answer = await handler({ Records: structuredClone(batch) }, localLambdaContext(this.fn, randomUUID()));
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
      this.handled(state, state.pending.splice(0, batch.length).at(-1));
      state.attempts = 0;
      state.batchLimit = this.batchSize;
      return;
    }
    // Everything before the failed record is checkpointed; the rest is delivered again.
    this.handled(state, state.pending.splice(0, failedAt).at(-1));
    state.attempts += 1;
    const remaining = batch.length - failedAt;
    if (state.attempts < this.maxAttempts) {
      state.retryAt = Date.now() + this.retryDelayMs * 2 ** (state.attempts - 1);
      return;
    }
    if (thrown && remaining > 1) {
      // bisectBatchOnError: split the batch and give each half its own attempts.
      state.batchLimit = Math.ceil(remaining / 2);
    } else {
      // A reported record is where Lambda splits the batch, and it is the first one left: Lambda hands
      // it to the on-failure destination with everything after it in the batch, handled or not.
      const given = state.pending.splice(0, thrown ? 1 : remaining);
      for (const record of given) this.deadLetter(state, record, error);
      this.handled(state, given.at(-1));
      state.batchLimit = this.batchSize;
    }
    state.attempts = 0;
    state.retryAt = 0;
  }

  private deadLetter(state: ShardState, record: DynamoDBRecord, error: string): void {
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? '?';
    this.deadLetters.push({
      sequenceNumber,
      eventName: record.eventName,
      keys: record.dynamodb?.Keys,
      attempts: state.attempts,
      error,
      at: new Date().toISOString(),
      from: 'retries',
      record,
    });
    this.log(
      `ストリームの記録を処理できずデッドレターに入れました / stream record dead-lettered: ${this.fn}, ` +
        `${record.eventName ?? '?'} ${sequenceNumber} ${JSON.stringify(record.dynamodb?.Keys ?? {})}, ${state.attempts} 回 / attempt(s): ${error}`,
    );
  }

  /** A message the handler sent to the stream-failure queue: the record it set aside. */
  private setAside({ body, at }: LocalQueueMessage): void {
    const message = safeJson(body) as Partial<UnreadableRecordMessage> | undefined;
    const known = message?.kind === unreadableRecordKind ? (message as UnreadableRecordMessage) : undefined;
    const sequenceNumber = known?.sequenceNumber ?? '?';
    const error = known?.error.message ?? body;
    this.deadLetters.push({
      sequenceNumber,
      eventName: known?.eventName,
      keys: known?.keys,
      attempts: 1,
      error,
      at,
      from: 'handler',
      ...(known ? { message: known } : {}),
    });
    this.log(
      `ストリームの記録を ${this.fn} が読めず、失敗キューに入れました / stream record set aside by ${this.fn} in the failure queue: ` +
        `${known?.eventName ?? '?'} ${sequenceNumber} ${JSON.stringify(known?.keys ?? {})}: ${error}`,
    );
  }

  // — The loop

  private loop(): void {
    if (this.stopped) return;
    this.cyclesStarted += 1;
    const number = this.cyclesStarted;
    this.running = this.cycle()
      .then((quiet) => {
        if (!quiet) return;
        const ready = this.waiters.filter((w) => w.after < number);
        this.waiters = this.waiters.filter((w) => w.after >= number);
        for (const w of ready) w.resolve();
      })
      .catch((caught: unknown) => this.report(caught))
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) this.timer = setTimeout(() => this.loop(), this.pollIntervalMs);
      });
  }

  /** One pass over every shard; true when there was nothing to do. */
  private async cycle(): Promise<boolean> {
    let quiet = true;
    let drained = false;
    for (const state of [...this.shards.values()]) {
      if (state.pending.length === 0 && state.iterator) {
        try {
          const page = await this.getRecords(state.iterator);
          state.iterator = page.NextShardIterator ?? undefined;
          for (const record of page.Records ?? []) {
            quiet = false;
            this.activityCount += 1;
            state.lastSequenceNumber = record.dynamodb?.SequenceNumber ?? state.lastSequenceNumber;
            const lambdaRecord: DynamoDBRecord = { ...record, awsRegion: localRegion, eventSourceARN: this.streamArn };
            if (this.filter === null || matchesPattern(this.filter, lambdaRecord)) state.pending.push(lambdaRecord);
          }
          this.handled(state, undefined);
        } catch (caught) {
          quiet = false;
          await this.recover(state, caught);
          continue;
        }
      }
      if (state.pending.length > 0) {
        quiet = false;
        if (Date.now() >= state.retryAt) await this.invoke(state);
      } else if (!state.iterator) {
        this.shards.delete(state.shardId);
        this.finished.add(state.shardId);
        drained = true;
      }
    }
    if (drained || this.cyclesStarted % 50 === 0) await this.discoverShards().catch((caught: unknown) => this.report(caught));
    await this.checkpoint?.write(this.positions()).catch((caught: unknown) => this.report(caught));
    return quiet;
  }

  private report(caught: unknown): void {
    const message = caught instanceof Error ? caught.message : String(caught);
    // The same failure on every poll (DynamoDB Local stopped) is printed once.
    if (message === this.lastError) return;
    this.lastError = message;
    this.log(`ストリームを読めません / cannot read the stream: ${message}`);
  }
}

/** Where a shard is opened: one of the iterator types, or after a record handled in an earlier run. */
type ShardStart = 'LATEST' | 'TRIM_HORIZON' | { after: string };
/**
 * Each shard's saved position: after the last record handled, its start when none was ('TRIM_HORIZON'),
 * or 'done' for a shard read to its end.
 */
type SavedPositions = Record<string, 'TRIM_HORIZON' | { after: string } | 'done'>;

const checkpointSchema = z.object({
  streamArn: z.string(),
  shards: z.record(
    z.string(),
    z.union([z.literal('TRIM_HORIZON'), z.literal('done'), z.object({ after: z.string().min(1) })]),
  ),
});

interface ShardCheckpoint {
  read(): Promise<SavedPositions | undefined>;
  write(shards: SavedPositions): Promise<void>;
}

/**
 * The checkpoint file of one stream: read once at start, written (to a temporary file, then renamed
 * over it) whenever a position moved, so a stop at any moment leaves the last complete file.
 */
function shardCheckpoint(file: string, streamArn: string, log: (line: string) => void): ShardCheckpoint {
  let written = '';
  return {
    async read(): Promise<SavedPositions | undefined> {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (caught) {
        if ((caught as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw caught;
      }
      const parsed = checkpointSchema.safeParse(safeJson(text));
      if (!parsed.success) {
        log(`ストリームの位置ファイルを読めないため無視します / ignoring the unreadable stream position file: ${file}`);
        return undefined;
      }
      if (parsed.data.streamArn !== streamArn) {
        log(`ストリームの位置ファイルは別のストリームのものなので無視します / ignoring the stream position file of another stream: ${file} (${parsed.data.streamArn})`);
        return undefined;
      }
      written = JSON.stringify(parsed.data);
      return parsed.data.shards;
    },
    async write(shards: SavedPositions): Promise<void> {
      const text = JSON.stringify({ streamArn, shards });
      if (text === written) return;
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, `${text}\n`);
      await rename(temporary, file);
      written = text;
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
