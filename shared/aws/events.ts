/**
 * Publishing the project's events to EventBridge. Every publisher goes through `publishEvents`, so
 * every event on the bus has passed its schema in `events/catalog.ts`.
 *
 * Handlers create one client per module with `createEventBridgeClient()` (`./client.ts`);
 * the endpoint comes from `AWS_ENDPOINT_URL_EVENTBRIDGE`, which the local stack points at its loopback
 * EventBridge (`local/eventbridge-local.ts`), so the same code publishes on AWS and on a laptop.
 */
import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { eventSource, events, type EventDetail, type EventName } from '#events/catalog';
import { awsClient, type AwsConnection } from './client.ts';

/** One event to publish: its name (the detail-type) and its detail. */
export type EventEntry = {
  [N in EventName]: {
    name: N;
    detail: EventDetail<N>;
    /** When it happened; EventBridge uses the time of the call when absent (replay passes its clock). */
    time?: Date;
  };
}[EventName];

/** What `publishEvents` needs of a client: PutEvents. */
export interface PutEventsSender {
  putEvents(input: { Entries: PutEventsRequestEntry[] }): Promise<{ FailedEntryCount?: number; Entries?: PutEventsResultEntry[] }>;
}

/** PutEvents (JSON 1.1) with the function's AWS client. */
export function createEventBridgeClient(connection: AwsConnection = {}): PutEventsSender {
  const client = awsClient('EVENTBRIDGE', connection);
  return {
    async putEvents({ Entries }) {
      return client.json('AWSEvents.PutEvents', {
        // Timestamps go as epoch seconds, as the SDK sends them.
        Entries: Entries.map(({ Time, ...entry }) => (Time ? { ...entry, Time: Time.getTime() / 1000 } : entry)),
      });
    },
  };
}

/** PutEvents accepts at most this many entries per call. */
export const maxEntriesPerPut = 10;
/** …and at most this many bytes per call, counted as AWS counts them (see `entrySize`). */
export const maxBytesPerPut = 256 * 1024;

/** A detail failed its schema: nothing of the call was sent. */
export class InvalidEventError extends Error {
  constructor(readonly problems: readonly { index: number; name: string; issues: string[] }[]) {
    super(
      [
        'イベントの内容がスキーマに合わないため、送信しませんでした / event detail does not match its schema; nothing was sent:',
        ...problems.map((p) => `  [${p.index}] ${p.name}: ${p.issues.join('; ')}`),
      ].join('\n'),
    );
    this.name = 'InvalidEventError';
  }
}

/**
 * Some entries were not published: refused after every retry, or left unsent when a call failed as a
 * whole (throttling or a network error after the client's own retries; that error is the `cause`).
 * The others were published, and `eventIds` says which.
 */
export class PublishEventsError extends Error {
  constructor(
    readonly failures: readonly { index: number; name: string; errorCode: string; errorMessage: string }[],
    /** Event ids in the order of the entries; undefined where the entry was not published. */
    readonly eventIds: readonly (string | undefined)[],
    options?: { cause: unknown },
  ) {
    super(
      [
        `${failures.length} 件のイベントを EventBridge に送れませんでした（再試行後） / ` +
          `EventBridge did not take ${failures.length} event(s) after retries:`,
        ...failures.map((f) => `  [${f.index}] ${f.name}: ${f.errorCode} ${f.errorMessage}`),
      ].join('\n'),
      options,
    );
    this.name = 'PublishEventsError';
  }
}

export interface PublishOptions {
  /** Calls per entry, the first included. @default 4 */
  maxAttempts?: number;
  /** First backoff before retrying failed entries; doubles per attempt, with full jitter. @default 100 */
  baseDelayMs?: number;
  /** Upper bound of one backoff. @default 2000 */
  maxDelayMs?: number;
}

/**
 * Validate every entry against its schema, then send them with PutEvents in batches of at most 10
 * entries and 256 KB, retrying only the entries EventBridge reports as failed (FailedEntryCount) with
 * exponential backoff. Whole-call failures (throttling, network) are retried by the client itself;
 * one that still fails ends the publishing there.
 *
 * @returns the event ids, in the order of `entries`.
 * @throws InvalidEventError before sending anything when any detail is invalid.
 * @throws PublishEventsError when entries are still refused after `maxAttempts`, or a call failed as a
 * whole: it names every entry not published, so a caller can resume without sending the others again.
 */
export async function publishEvents(
  client: PutEventsSender,
  busName: string,
  entries: readonly EventEntry[],
  options: PublishOptions = {},
): Promise<string[]> {
  const requestEntries = toRequestEntries(busName, entries);
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 2000;
  const eventIds: (string | undefined)[] = entries.map(() => undefined);
  let lastErrors = new Map<number, { errorCode: string; errorMessage: string }>();

  let pending = requestEntries.map((_, index) => index);
  for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt += 1) {
    if (attempt > 1) await sleep(backoff(attempt - 1, baseDelayMs, maxDelayMs));
    const failed: number[] = [];
    lastErrors = new Map();
    for (const batch of batches(pending, (index) => requestEntries[index]!)) {
      let output: Awaited<ReturnType<PutEventsSender['putEvents']>>;
      try {
        output = await client.putEvents({ Entries: batch.map((index) => requestEntries[index]!) });
      } catch (error) {
        // The call failed as a whole: what earlier calls published stays published, and the caller
        // learns which entries those were, so that it sends only the rest again.
        const errorCode = (error as { name?: string }).name ?? 'Error';
        const errorMessage = error instanceof Error ? error.message : String(error);
        const unpublished = entries.flatMap((entry, index) => (eventIds[index] === undefined ? [{ index, name: entry.name, errorCode, errorMessage }] : []));
        throw new PublishEventsError(unpublished, eventIds, { cause: error });
      }
      const results = output.Entries ?? [];
      batch.forEach((index, position) => {
        const result = results[position];
        if (result?.EventId && !result.ErrorCode) {
          eventIds[index] = result.EventId;
        } else {
          failed.push(index);
          lastErrors.set(index, {
            errorCode: result?.ErrorCode ?? 'NoResult',
            errorMessage: result?.ErrorMessage ?? 'no result for this entry',
          });
        }
      });
    }
    pending = failed;
  }
  if (pending.length > 0) {
    throw new PublishEventsError(
      pending.map((index) => ({ index, name: entries[index]!.name, ...lastErrors.get(index)! })),
      eventIds,
    );
  }
  return eventIds as string[];
}

/** Validate and serialise; throws `InvalidEventError` listing every bad entry. */
function toRequestEntries(busName: string, entries: readonly EventEntry[]): PutEventsRequestEntry[] {
  const problems: { index: number; name: string; issues: string[] }[] = [];
  const requestEntries = entries.map((entry, index): PutEventsRequestEntry => {
    const schema = (events as Record<string, (typeof events)[EventName] | undefined>)[entry.name];
    if (!schema) {
      problems.push({ index, name: String(entry.name), issues: ['未知のイベント / unknown event name'] });
      return {};
    }
    const parsed = schema.safeParse(entry.detail);
    if (!parsed.success) {
      problems.push({
        index,
        name: entry.name,
        issues: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(detail)'}: ${issue.message}`),
      });
      return {};
    }
    const requestEntry: PutEventsRequestEntry = {
      EventBusName: busName,
      Source: eventSource,
      DetailType: entry.name,
      // The parsed detail: fields the schema does not know are not published.
      Detail: JSON.stringify(parsed.data),
      ...(entry.time ? { Time: entry.time } : {}),
    };
    if (entrySize(requestEntry) > maxBytesPerPut) {
      problems.push({ index, name: entry.name, issues: [`256 KB を超えています / larger than 256 KB`] });
    }
    return requestEntry;
  });
  if (problems.length > 0) throw new InvalidEventError(problems);
  return requestEntries;
}

/** The size of an entry as PutEvents counts it (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html). */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

/** Split indexes into PutEvents calls of at most 10 entries and 256 KB. */
function* batches(indexes: readonly number[], entryAt: (index: number) => PutEventsRequestEntry): Generator<number[]> {
  let batch: number[] = [];
  let bytes = 0;
  for (const index of indexes) {
    const size = entrySize(entryAt(index));
    if (batch.length === maxEntriesPerPut || (batch.length > 0 && bytes + size > maxBytesPerPut)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(index);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

function backoff(retry: number, baseDelayMs: number, maxDelayMs: number): number {
  // Full jitter: publishers that failed together do not retry together.
  return Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
}

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
