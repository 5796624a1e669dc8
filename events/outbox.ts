/**
 * The outbox: an accepted report is one DynamoDB write, and its ProgressReported event follows from
 * the table's stream. So a report is never stored without its event, and no request has to write
 * and publish in one go.
 *
 * This module is the rule (which stream records become which events, and which record a failed batch
 * must resume from); `functions/publish-events/handler.ts` is the Lambda around it, and the local
 * stream poller (`local/stream-poller.ts`) feeds the same handler from DynamoDB Local.
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
  // Lambda's stream images and the SDK's AttributeValue differ only in how binary is typed.
  const item = unmarshall(image as Record<string, SdkAttributeValue>);
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
 * Publish the events of a batch of stream records, in order, and say where the batch must resume.
 *
 * Lambda resumes a stream batch at the lowest sequence number reported failed and delivers every
 * record from there again. So this stops at the first record it cannot turn into an event (records
 * after it are not published now, and will not be published twice), and on a publish failure reports
 * the earliest record whose event was not accepted. Records before that point are done for good.
 * (When EventBridge refuses an entry but accepts a later one even after retries, that later event is
 * published again on the retry: delivery is at least once, and consumers key their work on the
 * report's reference, as they must for EventBridge anyway.)
 *
 * @param publish sends the entries and returns their event ids (throws `PublishEventsError` when some
 *   were refused).
 */
export async function publishStreamRecords(
  records: readonly DynamoDBRecord[],
  publish: (entries: EventEntry[]) => Promise<readonly (string | undefined)[]>,
  log: OutboxLog,
): Promise<DynamoDBBatchResponse> {
  const outgoing: { recordIndex: number; entry: EventEntry }[] = [];
  let resumeAt: number | undefined;
  for (const [recordIndex, record] of records.entries()) {
    try {
      const entry = eventForStreamRecord(record);
      if (entry) outgoing.push({ recordIndex, entry });
    } catch (error) {
      log.error('stream record cannot be published', { error: error as Error, sequenceNumber: record.dynamodb?.SequenceNumber });
      resumeAt = recordIndex;
      break;
    }
  }

  if (outgoing.length > 0) {
    try {
      const eventIds = await publish(outgoing.map((o) => o.entry));
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
