/**
 * The local stack's event pipeline in one piece: the table's stream → `functions/publish-events` →
 * the local EventBridge → the rules of `events/rules.ts` → their handlers, all in this process, with
 * the stream-failure queue the publisher sets an unreadable record aside in (a local SQS). The stack
 * starts it after the table exists and gives the functions its `environment`.
 */
import { envNames } from '#shared/config/env';
import type { EventRule } from '#events/rules';
import {
  startLocalEventBridge,
  whenAllIdle,
  type DeadLetter,
  type Delivery,
  type EventEnvelope,
  type EventHandlerLoader,
} from './eventbridge-local.ts';
import { localStreamFailureQueue, startLocalSqs } from './sqs-local.ts';
import { startStreamPoller, type StreamDeadLetter } from './stream-poller.ts';

export interface LocalEvents {
  /** The local EventBridge endpoint (AWS_ENDPOINT_URL_EVENTBRIDGE). */
  endpoint: string;
  /** The bus name the functions publish to (EVENT_BUS_NAME). */
  busName: string;
  /** The variables publishers need (the bus, the stream-failure queue), to merge into the functions' environment. */
  environment: Record<string, string>;
  /** Every event accepted by the bus, in order. */
  readonly published: readonly EventEnvelope[];
  /** Every successful delivery to a rule's target. */
  readonly delivered: readonly Delivery[];
  /** Events a target failed on every attempt (or whose target does not exist yet). */
  readonly deadLetters: readonly DeadLetter[];
  /**
   * Stream records publish-events failed on every attempt, or set aside itself as unreadable: what
   * the stream-failure queue holds on AWS.
   */
  readonly streamDeadLetters: readonly StreamDeadLetter[];
  /**
   * Resolves once everything written to the table and published before the call has gone through
   * the whole pipeline, including what the targets wrote and published in turn.
   */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalEventsOptions {
  dynamoEndpoint: string;
  tableName: string;
  /** Port of the local EventBridge. @default 0 (any free port) */
  port?: number;
  /** @default eventRules */
  rules?: readonly EventRule[];
  /** @default functions/<fn>/handler.ts */
  loadHandler?: EventHandlerLoader;
  /** @default stderr */
  onLog?: (line: string) => void;
  /**
   * Where the stream poller keeps its shard positions between runs (see `StreamPollerOptions.checkpointFile`).
   * @default none: every start begins at the stream's LATEST
   */
  streamCheckpointFile?: string;
}

export async function startLocalEvents(options: LocalEventsOptions): Promise<LocalEvents> {
  const bridge = await startLocalEventBridge({
    port: options.port ?? 0,
    rules: options.rules,
    loadHandler: options.loadHandler,
    onLog: options.onLog,
  });
  let sqs;
  let poller;
  try {
    sqs = await startLocalSqs({ queues: [localStreamFailureQueue], onLog: options.onLog });
    poller = await startStreamPoller({
      endpoint: options.dynamoEndpoint,
      tableName: options.tableName,
      onLog: options.onLog,
      checkpointFile: options.streamCheckpointFile,
      failureQueue: sqs.queue(localStreamFailureQueue),
    });
  } catch (error) {
    await sqs?.stop();
    await bridge.stop();
    throw error;
  }
  const parts = [poller, bridge];
  return {
    endpoint: bridge.endpoint,
    busName: bridge.busName,
    environment: {
      AWS_ENDPOINT_URL_EVENTBRIDGE: bridge.endpoint,
      [envNames.eventBusName]: bridge.busName,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      [envNames.streamFailureQueueUrl]: sqs.queue(localStreamFailureQueue).url,
    },
    published: bridge.published,
    delivered: bridge.delivered,
    deadLetters: bridge.deadLetters,
    streamDeadLetters: poller.deadLetters,
    idle: () => whenAllIdle(parts),
    stop: async () => {
      await poller.stop();
      await sqs.stop();
      await bridge.stop();
    },
  };
}
