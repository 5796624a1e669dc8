/**
 * The local stand-in for EventBridge: a loopback HTTP server that speaks the PutEvents part of the
 * EventBridge JSON protocol (`X-Amz-Target: AWSEvents.PutEvents`, `application/x-amz-json-1.1`), so
 * `publishEvents` (shared/aws/events.ts) works unchanged with `AWS_ENDPOINT_URL_EVENTBRIDGE` pointing
 * here. Accepted events are matched against the rules of `events/rules.ts` and handed, after the
 * PutEvents call has returned (targets are invoked asynchronously, as on AWS), to the rule's handler
 * `functions/<fn>/handler.ts` in this process, in the envelope EventBridge delivers. A target that
 * keeps failing is retried a few times and then kept in `deadLetters`, the local dead-letter queue.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { eventRules, rulesMatching, type EventRule } from '#events/rules';
import { localAccount, localRegion } from './aws-local.ts';
import { JsonProtocolError, startJsonProtocolServer } from './json-protocol-server.ts';
import { localLambdaContext } from './lambda-context.ts';

export { localAccount } from './aws-local.ts';

/** The bus name the local stack gives its functions in EVENT_BUS_NAME. */
export const localBusName = 'shinchoku';

/** An event as EventBridge delivers it to a target. */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export type EventTargetHandler = (event: EventEnvelope, context: Context) => Promise<unknown>;

/** Loads the handler of a rule's target function. Throw `MissingTargetError` when it does not exist. */
export type EventHandlerLoader = (fn: string) => Promise<EventTargetHandler>;

/** A rule names a function whose handler file does not exist (yet). */
export class MissingTargetError extends Error {
  constructor(readonly fn: string) {
    super(`関数 ${fn} のハンドラ functions/${fn}/handler.ts がありません / no handler functions/${fn}/handler.ts for function ${fn}`);
    this.name = 'MissingTargetError';
  }
}

/** `functions/<fn>/handler.ts`, imported once per function as Lambda would load it once per container. */
export const loadEventHandler: EventHandlerLoader = async (fn) => {
  const url = new URL(`../functions/${fn}/handler.ts`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) throw new MissingTargetError(fn);
  const module = (await import(url.href)) as { handler?: EventTargetHandler };
  if (typeof module.handler !== 'function') {
    throw new Error(`functions/${fn}/handler.ts が handler を export していません / functions/${fn}/handler.ts exports no handler`);
  }
  return module.handler;
};

export interface Delivery {
  rule: string;
  fn: string;
  event: EventEnvelope;
  /** Invocations it took, the successful one included. */
  attempts: number;
  /** What the target answered (a Lambda's return value). */
  result?: unknown;
}

export interface DeadLetter extends Delivery {
  /** The last error. */
  error: string;
  at: string;
}

/** A refusal the tests can inject, as PutEvents reports it per entry. */
export interface EntryRefusal {
  ErrorCode: string;
  ErrorMessage: string;
}

export interface RequestEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Time?: number | string;
  Resources?: string[];
}

export interface LocalEventBridgeOptions {
  /** @default 0 (any free port) */
  port?: number;
  /** Entries for another bus are refused, as AWS refuses entries for a bus that does not exist. @default "shinchoku" */
  busName?: string;
  /** @default eventRules (events/rules.ts) */
  rules?: readonly EventRule[];
  /** @default loadEventHandler (functions/<fn>/handler.ts) */
  loadHandler?: EventHandlerLoader;
  /** Invocations per delivery before it is dead-lettered. @default 3 */
  maxAttempts?: number;
  /** Wait before the first retry; doubles per retry. @default 50 */
  retryDelayMs?: number;
  /** Refuse chosen entries (tests of the publisher's retry). @default none */
  refuse?: (entry: RequestEntry) => EntryRefusal | undefined;
  /** Where warnings and dead letters are printed. @default stderr */
  onLog?: (line: string) => void;
}

export interface LocalEventBridge {
  /** `http://127.0.0.1:PORT`, for AWS_ENDPOINT_URL_EVENTBRIDGE. */
  endpoint: string;
  port: number;
  busName: string;
  /** Every event accepted, in order. */
  readonly published: readonly EventEnvelope[];
  /** Every successful delivery to a target. */
  readonly delivered: readonly Delivery[];
  /** Deliveries that failed every attempt, or whose target does not exist. */
  readonly deadLetters: readonly DeadLetter[];
  /** Grows with every accepted event and every invocation: a settle loop compares it before and after. */
  activity(): number;
  /** Resolves when no delivery is in flight (at once when none is). */
  idle(): Promise<void>;
  /** Stops accepting events, lets running deliveries finish (at most a few seconds), closes the port. */
  stop(): Promise<void>;
}

export async function startLocalEventBridge(options: LocalEventBridgeOptions = {}): Promise<LocalEventBridge> {
  const rules = options.rules ?? eventRules;
  const load = options.loadHandler ?? loadEventHandler;
  const busName = options.busName ?? localBusName;
  const maxAttempts = options.maxAttempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 50;
  const log = options.onLog ?? ((line: string) => process.stderr.write(`${line}\n`));

  const published: EventEnvelope[] = [];
  const delivered: Delivery[] = [];
  const deadLetters: DeadLetter[] = [];
  let activity = 0;
  let inFlight = 0;
  let stopped = false;
  let waiters: (() => void)[] = [];
  const handlers = new Map<string, Promise<EventTargetHandler>>();

  const handlerFor = (fn: string): Promise<EventTargetHandler> => {
    let handler = handlers.get(fn);
    if (!handler) {
      handler = load(fn);
      handlers.set(fn, handler);
      // A handler that failed to load is loaded again next time (the file may have been fixed).
      handler.catch(() => handlers.delete(fn));
    }
    return handler;
  };

  const settle = () => {
    inFlight -= 1;
    if (inFlight === 0) {
      const resolved = waiters;
      waiters = [];
      for (const resolve of resolved) resolve();
    }
  };

  const deadLetter = (rule: EventRule, event: EventEnvelope, attempts: number, error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    deadLetters.push({ rule: rule.name, fn: rule.fn, event, attempts, error: message, at: new Date().toISOString() });
    log(
      `イベントを配信できずデッドレターに入れました / event dead-lettered: rule ${rule.name} → ${rule.fn}, ` +
        `${event['detail-type']} ${event.id}, ${attempts} 回 / attempt(s): ${message}`,
    );
  };

  const deliver = async (rule: EventRule, event: EventEnvelope): Promise<void> => {
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      if (stopped) {
        deadLetter(rule, event, attempt - 1, lastError ?? new Error('ローカル環境を停止中 / the local stack is stopping'));
        return;
      }
      activity += 1;
      try {
        const handler = await handlerFor(rule.fn);
        const result = await handler(structuredClone(event), localLambdaContext(rule.fn, randomUUID()));
        delivered.push({ rule: rule.name, fn: rule.fn, event, attempts: attempt, result });
        return;
      } catch (error) {
        if (error instanceof MissingTargetError) {
          log(
            `警告: イベントルール ${rule.name} の関数 ${rule.fn} がまだありません / ` +
              `warning: the target of event rule ${rule.name}, function ${rule.fn}, does not exist yet`,
          );
          deadLetter(rule, event, attempt, error);
          return;
        }
        lastError = error;
        if (attempt < maxAttempts) await sleep(retryDelayMs * 2 ** (attempt - 1));
      }
    }
    deadLetter(rule, event, maxAttempts, lastError);
  };

  const accept = (entry: RequestEntry): { EventId: string } | EntryRefusal => {
    const refusal = validateEntry(entry, busName) ?? options.refuse?.(entry);
    if (refusal) return refusal;
    const envelope: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType!,
      source: entry.Source!,
      account: localAccount,
      time: eventTime(entry.Time),
      region: localRegion,
      resources: entry.Resources ?? [],
      detail: JSON.parse(entry.Detail!) as unknown,
    };
    published.push(envelope);
    activity += 1;
    for (const rule of rulesMatching(envelope, rules)) {
      // Counted now, so idle() cannot resolve between this answer and the target's invocation.
      inFlight += 1;
      setImmediate(() => {
        deliver(rule, envelope)
          .catch((error: unknown) => deadLetter(rule, envelope, 0, error))
          .finally(settle);
      });
    }
    return { EventId: envelope.id };
  };

  const answer = (body: unknown) => {
    const entries = (body as { Entries?: RequestEntry[] }).Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
      throw new JsonProtocolError(400, 'ValidationException', 'Entries must hold 1 to 10 entries');
    }
    const results = entries.map(accept);
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  };

  const server = await startJsonProtocolServer({
    target: 'AWSEvents.PutEvents',
    version: '1.1',
    name: { ja: 'ローカル EventBridge', en: 'local EventBridge' },
    stopping: { type: 'ServiceUnavailableException', message: 'the local event bus is stopping' },
    internalErrorType: 'InternalException',
    answer,
    port: options.port,
    onLog: log,
  });
  const { port } = server;

  const idle = (): Promise<void> => (inFlight === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)));

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    busName,
    published,
    delivered,
    deadLetters,
    activity: () => activity,
    idle,
    stop: async () => {
      stopped = true;
      // New events are refused from now on; running deliveries get a few seconds to finish.
      await server.stop(() => Promise.race([idle(), sleep(5000)]));
    },
  };
}

/** Refusals AWS gives per entry for entries it cannot take. */
function validateEntry(entry: RequestEntry, busName: string): EntryRefusal | undefined {
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    if (typeof entry[field] !== 'string' || entry[field] === '') {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.` };
    }
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail!);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  const bus = entry.EventBusName ?? 'default';
  if (bus !== busName && !bus.endsWith(`:event-bus/${busName}`)) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: `Event bus ${bus} does not exist.` };
  }
  return undefined;
}

/** EventBridge writes `time` to the second, in UTC: "2013-10-15T01:02:03Z". */
function eventTime(time: number | string | undefined): string {
  // The JSON protocol sends timestamps as epoch seconds.
  const date = time === undefined ? new Date() : new Date(typeof time === 'number' ? time * 1000 : time);
  return (Number.isNaN(date.getTime()) ? new Date() : date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Anything that works in the background and can say when it has nothing left to do. */
export interface Settles {
  activity(): number;
  idle(): Promise<void>;
}

/**
 * Wait until a pipeline of background parts (stream poller → event bus → targets, which may write and
 * publish again) has settled: every part idle, and no part did anything while the others were
 * being waited for.
 */
export async function whenAllIdle(parts: readonly Settles[]): Promise<void> {
  for (;;) {
    const before = parts.map((part) => part.activity());
    for (const part of parts) await part.idle();
    const after = parts.map((part) => part.activity());
    if (after.every((value, index) => value === before[index])) return;
  }
}
