/**
 * The outbox rule: which DynamoDB stream records become ProgressReported events, and where a batch
 * resumes when something fails. The fixture is a stream record captured from DynamoDB Local after
 * `appendReport`, in the shape Lambda delivers.
 */
import { readFileSync } from 'node:fs';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { ProgressReportedSchema } from '#events/catalog';
import { eventForStreamRecord, OutboxRecordError, publishStreamRecords, reportInsertFilter } from '#events/outbox';
import { matchesPattern } from '#events/rules';
import { PublishEventsError, type EventEntry } from '#shared/aws/events';

const sample = (name: string) => JSON.parse(readFileSync(new URL(`../../events/samples/${name}`, import.meta.url), 'utf8'));
const streamEvent = sample('dynamodb-stream-report-insert.json') as DynamoDBStreamEvent;
const reportInsert = streamEvent.Records[0]!;
const progressReportedSample = sample('progress-reported.json') as { detail: unknown };

/** The fixture with another sequence number and, optionally, other attributes. */
function variant(sequence: number, change: (record: DynamoDBRecord) => void = () => undefined): DynamoDBRecord {
  const record = structuredClone(reportInsert);
  record.dynamodb!.SequenceNumber = String(sequence).padStart(21, '0');
  change(record);
  return record;
}

const idempotencyInsert = variant(1, (r) => {
  r.dynamodb!.NewImage = { pk: { S: 'T#shimotsuke#IDEMPOTENCY#k1' }, sk: { S: 'IDEMPOTENCY' }, type: { S: 'Idempotency' } };
});
const brokenReport = variant(3, (r) => delete r.dynamodb!.NewImage!.quarter);

const silentLog = () => ({ info: vi.fn(), error: vi.fn() });

describe('eventForStreamRecord', () => {
  it('turns the insert of a report item into the ProgressReported event of the sample', () => {
    // Prepare
    const record = reportInsert;
    // Act
    const entry = eventForStreamRecord(record);
    // Assess
    expect(entry?.name).toBe('ProgressReported');
    expect(ProgressReportedSchema.parse(entry?.detail)).toEqual(entry?.detail);
    expect(entry?.detail).toEqual(progressReportedSample.detail);
    expect(entry?.time?.toISOString()).toBe('2013-10-15T01:02:03.000Z');
  });

  it('takes the tenant from the partition key', () => {
    // Prepare
    const record = variant(2, (r) => {
      r.dynamodb!.NewImage!.pk = { S: 'T#oyama-city#MEASURE#2-2-3' };
    });
    // Act
    const entry = eventForStreamRecord(record);
    // Assess
    expect(entry?.detail.tenant).toBe('oyama-city');
  });

  it.each([
    ['an idempotency marker', idempotencyInsert],
    ['a modified report item', variant(2, (r) => (r.eventName = 'MODIFY'))],
    ['a removed report item', variant(2, (r) => (r.eventName = 'REMOVE'))],
  ])('ignores %s', (_what, record) => {
    // Act
    const entry = eventForStreamRecord(record);
    // Assess
    expect(entry).toBeUndefined();
  });

  it.each([
    ['without a quarter', brokenReport],
    ['with a key of another 事業', variant(3, (r) => (r.dynamodb!.NewImage!.pk = { S: 'T#shimotsuke#MEASURE#1-1-1' }))],
    ['with a key without a tenant', variant(3, (r) => (r.dynamodb!.NewImage!.pk = { S: 'MEASURE#2-2-3' }))],
    ['with an unknown status', variant(3, (r) => (r.dynamodb!.NewImage!.status = { S: 'たぶん大丈夫' }))],
  ])('refuses a report item %s, naming the record', (_what, record) => {
    // Act / Assess
    expect(() => eventForStreamRecord(record)).toThrow(OutboxRecordError);
    expect(() => eventForStreamRecord(record)).toThrow(record.dynamodb!.SequenceNumber!);
  });
});

describe('reportInsertFilter (the event source mapping filter)', () => {
  it('lets report inserts through and nothing else', () => {
    // Prepare
    const records = [reportInsert, idempotencyInsert, variant(2, (r) => (r.eventName = 'MODIFY'))];
    // Act
    const passed = records.map((record) => matchesPattern(reportInsertFilter, record));
    // Assess
    expect(passed).toEqual([true, false, false]);
  });
});

describe('publishStreamRecords', () => {
  const good1 = variant(10);
  const good2 = variant(12, (r) => (r.dynamodb!.NewImage!.measureId = { S: '2-2-3' }));
  const bad = variant(11, (r) => delete r.dynamodb!.NewImage!.quarter);

  it('publishes every report of the batch in order and reports no failure', async () => {
    // Prepare
    const publish = vi.fn(async (entries: EventEntry[]) => entries.map((_, i) => `id-${i}`));
    // Act
    const answer = await publishStreamRecords([good1, idempotencyInsert, good2], publish, silentLog());
    // Assess
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(publish).toHaveBeenCalledTimes(1);
    expect(publish.mock.calls[0]![0]).toHaveLength(2);
  });

  it('stops at a record it cannot map: publishes what came before, resumes at the bad record', async () => {
    // Prepare
    const publish = vi.fn(async (entries: EventEntry[]) => entries.map((_, i) => `id-${i}`));
    // Act
    const answer = await publishStreamRecords([good1, bad, good2], publish, silentLog());
    // Assess
    expect(publish.mock.calls[0]![0]).toHaveLength(1);
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: bad.dynamodb!.SequenceNumber }]);
  });

  it('resumes at the earliest record whose event EventBridge refused', async () => {
    // Prepare
    const publish = vi.fn(async () => {
      throw new PublishEventsError([{ index: 1, name: 'ProgressReported', errorCode: 'InternalFailure', errorMessage: 'x' }], ['id-0', undefined]);
    });
    // Act
    const answer = await publishStreamRecords([good1, idempotencyInsert, good2], publish, silentLog());
    // Assess
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: good2.dynamodb!.SequenceNumber }]);
  });

  it('resumes at the first report when the publish call failed as a whole', async () => {
    // Prepare
    const publish = vi.fn(async () => {
      throw new Error('network down');
    });
    // Act
    const answer = await publishStreamRecords([idempotencyInsert, good1, good2], publish, silentLog());
    // Assess
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: good1.dynamodb!.SequenceNumber }]);
  });

  it('does not call EventBridge for a batch without reports', async () => {
    // Prepare
    const publish = vi.fn(async () => []);
    // Act
    const answer = await publishStreamRecords([idempotencyInsert], publish, silentLog());
    // Assess
    expect(publish).not.toHaveBeenCalled();
    expect(answer).toEqual({ batchItemFailures: [] });
  });
});
