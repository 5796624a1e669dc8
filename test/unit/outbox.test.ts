/**
 * The outbox rule: which DynamoDB stream records become ProgressReported events, and where a batch
 * resumes when something fails. The fixture is a stream record captured from DynamoDB Local after
 * `appendReport`, in the shape Lambda delivers.
 */
import { readFileSync } from 'node:fs';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { ProgressReportedSchema } from '#events/catalog';
import {
  eventForStreamRecord,
  OutboxRecordError,
  publishStreamRecords,
  reportInsertFilter,
  unreadableRecordKind,
  unreadableRecordMessage,
  type OutboxSinks,
  type UnreadableRecordMessage,
} from '#events/outbox';
import { matchesPattern } from '#events/rules';
import { publishEvents, PublishEventsError, type EventEntry, type PutEventsSender } from '#shared/aws/events';

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

/** Sinks that accept everything (event ids `id-0`…), or do what `overrides` say. */
function sinks(overrides: Partial<OutboxSinks> = {}) {
  const publish = vi.fn(overrides.publish ?? (async (entries: EventEntry[]) => entries.map((_, i) => `id-${i}`)));
  const setAside = vi.fn(overrides.setAside ?? (async (_message: UnreadableRecordMessage) => undefined));
  return { publish, setAside };
}

const measuresOf = (entries: EventEntry[]) => entries.map((e) => (e.detail as { measureId: string }).measureId);

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

describe('unreadableRecordMessage', () => {
  it('names the record set aside by its stream, sequence number and keys, and says why, without its image', () => {
    // Prepare
    const record = brokenReport;
    const error = (() => {
      try {
        eventForStreamRecord(record);
      } catch (caught) {
        return caught as OutboxRecordError;
      }
      throw new Error('the broken report was read');
    })();
    // Act
    const message = unreadableRecordMessage(record, error, new Date('2013-10-15T02:00:00Z'));
    // Assess
    expect(message).toEqual({
      kind: unreadableRecordKind,
      eventSourceARN: record.eventSourceARN,
      eventID: record.eventID,
      eventName: 'INSERT',
      sequenceNumber: record.dynamodb!.SequenceNumber,
      keys: { pk: { S: 'T#shimotsuke#MEASURE#2-2-3' }, sk: { S: 'REPORT#FY2013-Q2#0001' } },
      approximateCreationDateTime: record.dynamodb!.ApproximateCreationDateTime,
      error: { name: 'OutboxRecordError', message: error.message, cause: expect.stringContaining('quarter') },
      setAsideAt: '2013-10-15T02:00:00.000Z',
    });
    expect(JSON.stringify(message)).not.toContain('山田太郎');
    expect(JSON.stringify(message)).not.toContain('観光案内サイト');
  });
});

describe('publishStreamRecords', () => {
  const good1 = variant(10);
  const good2 = variant(12, (r) => (r.dynamodb!.NewImage!.measureId = { S: '2-2-3' }));
  const bad = variant(11, (r) => delete r.dynamodb!.NewImage!.quarter);
  const otherMeasure = (sequence: number, measureId: string) =>
    variant(sequence, (r) => {
      r.dynamodb!.NewImage!.pk = { S: `T#shimotsuke#MEASURE#${measureId}` };
      r.dynamodb!.NewImage!.measureId = { S: measureId };
    });

  it('publishes every report of the batch in order and reports no failure', async () => {
    // Prepare
    const out = sinks();
    // Act
    const answer = await publishStreamRecords([good1, idempotencyInsert, good2], out, silentLog());
    // Assess
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(out.publish).toHaveBeenCalledTimes(1);
    expect(out.publish.mock.calls[0]![0]).toHaveLength(2);
    expect(out.setAside).not.toHaveBeenCalled();
  });

  it('sets an unreadable record aside alone, logs it, and publishes the reports before and after it', async () => {
    // Prepare
    const before = otherMeasure(20, '1-1-1');
    const after = otherMeasure(22, '3-1-2');
    const out = sinks();
    const log = silentLog();
    // Act
    const answer = await publishStreamRecords([before, bad, after], out, log);
    // Assess: nothing for Lambda to retry or to hand to its on-failure destination
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(out.publish).toHaveBeenCalledTimes(1);
    expect(measuresOf(out.publish.mock.calls[0]![0])).toEqual(['1-1-1', '3-1-2']);
    expect(out.setAside).toHaveBeenCalledTimes(1);
    expect(out.setAside.mock.calls[0]![0]).toMatchObject({
      kind: unreadableRecordKind,
      sequenceNumber: bad.dynamodb!.SequenceNumber,
      keys: bad.dynamodb!.Keys,
      error: { name: 'OutboxRecordError' },
    });
    expect(log.error).toHaveBeenCalledWith(
      expect.stringContaining('unreadable stream record set aside'),
      expect.objectContaining({ sequenceNumber: bad.dynamodb!.SequenceNumber }),
    );
  });

  it('sets aside each unreadable record of a batch, however many follow one another', async () => {
    // Prepare
    const bad2 = variant(13, (r) => (r.dynamodb!.NewImage!.status = { S: 'たぶん大丈夫' }));
    const out = sinks();
    // Act
    const answer = await publishStreamRecords([bad, bad2, good2], out, silentLog());
    // Assess
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(out.setAside.mock.calls.map(([m]) => m.sequenceNumber)).toEqual([bad.dynamodb!.SequenceNumber, bad2.dynamodb!.SequenceNumber]);
    expect(out.publish.mock.calls[0]![0]).toHaveLength(1);
  });

  it('stops at an unreadable record it could not set aside: publishes what came before, resumes at it', async () => {
    // Prepare: the queue is unreachable
    const out = sinks({
      setAside: async () => {
        throw new Error('queue unreachable');
      },
    });
    // Act
    const answer = await publishStreamRecords([good1, bad, good2], out, silentLog());
    // Assess
    expect(out.publish.mock.calls[0]![0]).toHaveLength(1);
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: bad.dynamodb!.SequenceNumber }]);
  });

  it('resumes at the earliest record whose event EventBridge refused', async () => {
    // Prepare
    const out = sinks({
      publish: async () => {
        throw new PublishEventsError([{ index: 1, name: 'ProgressReported', errorCode: 'InternalFailure', errorMessage: 'x' }], ['id-0', undefined]);
      },
    });
    // Act
    const answer = await publishStreamRecords([good1, idempotencyInsert, good2], out, silentLog());
    // Assess
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: good2.dynamodb!.SequenceNumber }]);
  });

  it('resumes at a refused report before a record it set aside, so the retry begins there', async () => {
    // Prepare: EventBridge refuses the first report
    const out = sinks({
      publish: async () => {
        throw new PublishEventsError([{ index: 0, name: 'ProgressReported', errorCode: 'InternalFailure', errorMessage: 'x' }], [undefined, 'id-1']);
      },
    });
    // Act
    const answer = await publishStreamRecords([good1, bad, good2], out, silentLog());
    // Assess
    expect(out.setAside).toHaveBeenCalledTimes(1);
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: good1.dynamodb!.SequenceNumber }]);
  });

  it('resumes at the first report when the publish call failed as a whole', async () => {
    // Prepare
    const out = sinks({
      publish: async () => {
        throw new Error('network down');
      },
    });
    // Act
    const answer = await publishStreamRecords([idempotencyInsert, good1, good2], out, silentLog());
    // Assess
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: good1.dynamodb!.SequenceNumber }]);
  });

  it('publishes each report once across a batch Lambda resumes after a PutEvents call failed as a whole', async () => {
    // Prepare: 25 reports; EventBridge takes the first call of 10, then throttles the second past the client's retries
    const published: string[] = [];
    let calls = 0;
    const eventBridge: PutEventsSender = {
      async putEvents({ Entries }) {
        calls += 1;
        if (calls === 2) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        published.push(...Entries.map((e) => (JSON.parse(e.Detail!) as { reference: string }).reference));
        return { FailedEntryCount: 0, Entries: Entries.map((_, i) => ({ EventId: `ev-${calls}-${i}` })) };
      },
    };
    const records = Array.from({ length: 25 }, (_, i) =>
      variant(i + 1, (r) => {
        r.dynamodb!.NewImage!.version = { N: String(i + 1) };
        r.dynamodb!.NewImage!.reference = { S: `FY2013-Q2-2-2-3-v${i + 1}` };
      }),
    );
    const out = { publish: (entries: EventEntry[]) => publishEvents(eventBridge, 'bus-1', entries, { baseDelayMs: 0 }), setAside: async () => undefined };
    // Act: as Lambda does, deliver the batch again from the record reported failed
    let batch = records;
    const answers = [];
    for (let invocation = 0; invocation < 3 && batch.length > 0; invocation += 1) {
      const answer = await publishStreamRecords(batch, out, silentLog());
      answers.push(answer);
      const failed = answer.batchItemFailures[0]?.itemIdentifier;
      batch = failed === undefined ? [] : batch.slice(batch.findIndex((r) => r.dynamodb!.SequenceNumber === failed));
    }
    // Assess
    expect(answers[0]!.batchItemFailures).toEqual([{ itemIdentifier: records[10]!.dynamodb!.SequenceNumber }]);
    expect(published).toEqual(records.map((_, i) => `FY2013-Q2-2-2-3-v${i + 1}`));
  });

  it('does not call EventBridge for a batch without reports', async () => {
    // Prepare
    const out = sinks();
    // Act
    const answer = await publishStreamRecords([idempotencyInsert], out, silentLog());
    // Assess
    expect(out.publish).not.toHaveBeenCalled();
    expect(answer).toEqual({ batchItemFailures: [] });
  });
});
