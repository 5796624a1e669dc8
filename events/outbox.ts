/**
 * The outbox: an accepted report is one DynamoDB write, and its ProgressReported event follows from
 * the table's stream. So a report is never stored without its event, and no request has to write
 * and publish in one go.
 *
 * This module is the rule (which stream records become which events, which record is set aside as
 * unreadable, and which record a failed batch must resume from); `functions/publish-events/handler.ts`
 * is the Lambda around it, and the local stream poller (`local/stream-poller.ts`) feeds the same
 * handler from DynamoDB Local.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { EventEntry } from '#shared/aws/events';
import { PublishEventsError } from '#shared/aws/events';
import { reportFromItem, reportItemType, reportKeys } from '#shared/store/report-keys';
import { ProgressReportedSchema } from './catalog.ts';
import type { EventPattern } from './rules.ts';

/**
 * Which stream records reach the publisher: inserts of report items. CDK writes it into the event
 * source mapping's filter criteria; the local poller applies the same pattern.
 */
export const reportInsertFilter: EventPattern = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { type: { S: [reportItemType] } } },
};

/**
 * The table stream's consumer: the function that publishes the report events, and how many records it
 * is handed at most at once. The stack's event source mapping and the local poller both use these.
 */
export const streamConsumer = { fn: 'publish-events', batchSize: 100 } as const;

/** A stream record that should carry a report but does not hold a valid one. */
export class OutboxRecordError extends Error {
  constructor(
    readonly sequenceNumber: string | undefined,
    ja: string,
    en: string,
    options?: { cause?: unknown },
  ) {
    super(`${ja} / ${en} (record ${sequenceNumber ?? '?'})`, options);
    this.name = 'OutboxRecordError';
  }
}

/**
 * The event a stream record stands for: ProgressReported for the insert of a report item, nothing for
 * any other record. Throws `OutboxRecordError` for a report item that does not hold a valid report.
 */
export function eventForStreamRecord(record: DynamoDBRecord): EventEntry | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || image?.type?.S !== reportItemType) return undefined;
  const sequence = record.dynamodb?.SequenceNumber;
  let item;
  try {
    // Lambda's stream images and the SDK's AttributeValue differ only in how binary is typed.
    item = unmarshall(image as Record<string, SdkAttributeValue>);
  } catch (error) {
    throw new OutboxRecordError(sequence, '報告の項目を読めません', 'the report item cannot be read', { cause: error });
  }
  const tenant = /^T#([^#]+)#MEASURE#/.exec(String(item.pk ?? ''))?.[1];
  if (!tenant) {
    throw new OutboxRecordError(sequence, `報告のキー ${String(item.pk)} からテナントが読めません`, `no tenant in report key ${String(item.pk)}`);
  }
  let report;
  try {
    report = reportFromItem(item);
  } catch (error) {
    throw new OutboxRecordError(sequence, '報告の項目が不正です', 'the report item is invalid', { cause: error });
  }
  if (reportKeys.partition(tenant, report.measureId) !== item.pk) {
    throw new OutboxRecordError(sequence, `報告のキーと事業 ${report.measureId} が一致しません`, `report key does not match 事業 ${report.measureId}`);
  }
  const detail = ProgressReportedSchema.safeParse({
    tenant,
    measureId: report.measureId,
    quarter: report.quarter,
    version: report.version,
    reference: report.reference,
    kind: report.kind,
    status: report.status,
    kaId: report.reporter.kaId,
    channel: report.channel,
    submittedAt: report.submittedAt,
  });
  if (!detail.success) {
    throw new OutboxRecordError(sequence, 'ProgressReported の内容が不正です', 'invalid ProgressReported detail', { cause: detail.error });
  }
  return { name: 'ProgressReported', detail: detail.data, time: new Date(report.submittedAt) };
}

/** The Powertools logger, or anything with its info/error. */
export type OutboxLog = Pick<Logger, 'info' | 'error'>;

/**
 * Marks the messages the publisher itself sends to the stream-failure queue, which also receives the
 * on-failure records Lambda sends there after its retries (those carry `DDBStreamBatchInfo`).
 */
export const unreadableRecordKind = 'shinchoku.UnreadableStreamRecord';

/**
 * What the stream-failure queue is told of a record set aside: where it is (stream, sequence number,
 * item keys; the item itself stays in the table) and why it cannot be published. No image: a report
 * carries names and free text, which have no business in a queue.
 */
export interface UnreadableRecordMessage {
  kind: typeof unreadableRecordKind;
  eventSourceARN: string | undefined;
  eventID: string | undefined;
  eventName: string | undefined;
  sequenceNumber: string | undefined;
  /** The item's keys, as the stream gives them (DynamoDB JSON, ready for a GetItem). */
  keys: NonNullable<DynamoDBRecord['dynamodb']>['Keys'];
  /** When the item was written (epoch seconds, from the stream). */
  approximateCreationDateTime: number | undefined;
  error: { name: string; message: string; cause?: string };
  setAsideAt: string;
}

/** A cause's text is kept to this many characters (a zod error lists every issue). */
const maxCauseLength = 4000;

/** The message that sets `record` aside for `error`. */
export function unreadableRecordMessage(record: DynamoDBRecord, error: OutboxRecordError, now: Date = new Date()): UnreadableRecordMessage {
  const cause = error.cause === undefined ? undefined : error.cause instanceof Error ? error.cause.message : String(error.cause);
  return {
    kind: unreadableRecordKind,
    eventSourceARN: record.eventSourceARN,
    eventID: record.eventID,
    eventName: record.eventName,
    sequenceNumber: record.dynamodb?.SequenceNumber,
    keys: record.dynamodb?.Keys,
    approximateCreationDateTime: record.dynamodb?.ApproximateCreationDateTime,
    error: { name: error.name, message: error.message, ...(cause === undefined ? {} : { cause: cause.slice(0, maxCauseLength) }) },
    setAsideAt: now.toISOString(),
  };
}

/** Where the events of a batch go, and where a record that can never become one goes. */
export interface OutboxSinks {
  /** Sends the entries and returns their event ids (throws `PublishEventsError` when some were refused). */
  publish: (entries: EventEntry[]) => Promise<readonly (string | undefined)[]>;
  /** Puts the message where someone will look at it (the stream-failure queue); throws when it could not. */
  setAside: (message: UnreadableRecordMessage) => Promise<void>;
}

/**
 * Publish the events of a batch of stream records, in order, and say where the batch must resume.
 *
 * A record that can never become an event (a report item that does not hold a valid report:
 * `OutboxRecordError`) is set aside alone: its keys, sequence number and error go to the stream-failure
 * queue (`sinks.setAside`), it is logged, and the records after it are published as if it were not
 * there. Lambda cannot do that for us: with partial batch failures it resumes at the record reported
 * failed, which fails again on every retry, and when the retries are spent it hands the whole rest of
 * the batch to the on-failure destination, so the valid reports after that record would never be
 * published.
 *
 * What may succeed later is left to Lambda's retries. Lambda resumes a stream batch at the lowest
 * sequence number reported failed and delivers every record from there again, so when a record cannot
 * be set aside (SQS unavailable) this stops at it (records after it are not published now, and will not
 * be published twice), and on a publish failure it reports the earliest record whose event was not
 * accepted. Records before that point are done for good. (When EventBridge refuses an entry but accepts
 * a later one even after retries, that later event is published again on the retry: delivery is at
 * least once, and consumers key their work on the report's reference, as they must for EventBridge
 * anyway. Likewise a record set aside in a batch whose publish then fails at an earlier record is set
 * aside again on the retry: the queue may hold it twice, under the same sequence number.)
 */
export async function publishStreamRecords(
  records: readonly DynamoDBRecord[],
  sinks: OutboxSinks,
  log: OutboxLog,
): Promise<DynamoDBBatchResponse> {
  const outgoing: { recordIndex: number; entry: EventEntry }[] = [];
  let resumeAt: number | undefined;
  for (const [recordIndex, record] of records.entries()) {
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    let entry: EventEntry | undefined;
    try {
      entry = eventForStreamRecord(record);
    } catch (error) {
      if (!(error instanceof OutboxRecordError)) {
        // Not the record's fault but this code's: kept and retried until a fixed version reads it.
        log.error('stream record cannot be published', { error: error as Error, sequenceNumber });
        resumeAt = recordIndex;
        break;
      }
      try {
        await sinks.setAside(unreadableRecordMessage(record, error));
      } catch (sendError) {
        log.error('読めないストリームの記録を別にできません / unreadable stream record could not be set aside', {
          error: sendError as Error,
          unreadable: error,
          sequenceNumber,
        });
        resumeAt = recordIndex;
        break;
      }
      log.error('読めないストリームの記録を別にしました / unreadable stream record set aside', { error, sequenceNumber, keys: record.dynamodb?.Keys });
      continue;
    }
    if (entry) outgoing.push({ recordIndex, entry });
  }

  if (outgoing.length > 0) {
    try {
      const eventIds = await sinks.publish(outgoing.map((o) => o.entry));
      log.info('events published', { count: eventIds.length, eventIds });
    } catch (error) {
      const firstUnpublished =
        error instanceof PublishEventsError
          ? Math.min(...error.failures.map((f) => outgoing[f.index]!.recordIndex))
          : outgoing[0]!.recordIndex;
      log.error('events not published', { error: error as Error, firstUnpublished });
      resumeAt = Math.min(resumeAt ?? firstUnpublished, firstUnpublished);
    }
  }

  if (resumeAt === undefined) return { batchItemFailures: [] };
  const sequenceNumber = records[resumeAt]?.dynamodb?.SequenceNumber;
  if (!sequenceNumber) {
    // Without an identifier Lambda cannot resume part-way: fail the whole batch so it is retried.
    throw new OutboxRecordError(undefined, 'ストリームの記録に SequenceNumber がありません', 'a stream record has no SequenceNumber');
  }
  return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
}
