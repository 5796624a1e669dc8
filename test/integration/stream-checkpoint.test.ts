/**
 * The local stream poller's saved positions, on DynamoDB Local: a poller that stops and a new one
 * started on the same position file behave as one event source mapping that was paused — what was
 * accepted and not yet handled is delivered after the start, and nothing handled is delivered twice.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { ReportSubmission } from '#shared/domain/report';
import { appendReport } from '#shared/store/report-items';
import type { Store } from '#shared/store/store';
import { startStreamPoller, type StreamHandler, type StreamPoller } from '#local/stream-poller';
import { createTestTable, type TestTable } from '#test/support/dynamo';

let table: TestTable;
let store: Store;
let folder: string;
let keys = 0;

beforeAll(async () => {
  table = await createTestTable();
  store = table.store();
  folder = await mkdtemp(join(tmpdir(), 'shinchoku-stream-'));
});

afterAll(async () => {
  await table?.drop();
  await rm(folder, { recursive: true, force: true });
});

function submissionFor(measureId: string): ReportSubmission {
  return {
    measureId,
    quarter: 'FY2014-Q1',
    kind: 'report',
    status: '予定どおり',
    milestones: [],
    narrative: '計画どおりです。',
    issues: '',
    nextSteps: '',
    reporter: { kaId: 'johoka', ka: '情報化推進課', bukai: '行政経営専門部会', person: '下野' },
  };
}

/** Appends a report to the shared test table and answers its reference. */
async function report(measureId: string): Promise<string> {
  keys += 1;
  // Each report says something new: the same words again would be answered with the version before.
  const { report } = await appendReport(store, { ...submissionFor(measureId), narrative: `報告 ${keys}` }, { channel: 'web', idempotencyKey: `checkpoint-${keys}` });
  return report.reference;
}

const referenceOf = (record: DynamoDBRecord) => record.dynamodb?.NewImage?.reference?.S ?? '?';

/**
 * A poller whose handler gives `handle` the reference of every record (a handle that throws fails
 * the batch), on the shared test table unless another is named.
 */
async function poller(
  file: string | undefined,
  handle: (reference: string) => void,
  options: { logs?: string[]; tableName?: string; retryDelayMs?: number } = {},
): Promise<StreamPoller> {
  const handler: StreamHandler = async (event) => {
    for (const record of event.Records) handle(referenceOf(record));
  };
  return startStreamPoller({
    endpoint: inject('dynamoEndpoint'),
    tableName: options.tableName ?? table.tableName,
    loadHandler: async () => handler,
    pollIntervalMs: 20,
    retryDelayMs: options.retryDelayMs ?? 1,
    ...(file ? { checkpointFile: file } : {}),
    onLog: (line) => options.logs?.push(line),
  });
}

describe('stream positions kept between runs', () => {
  it('delivers after a restart what was written while no poller ran, and nothing handled before', async () => {
    // Prepare: a first run handles one report, then stops
    const file = join(folder, 'restart.json');
    const first: string[] = [];
    const a = await poller(file, (r) => first.push(r));
    const handledBefore = await report('1-1-1');
    await a.idle();
    await a.stop();
    const whileStopped = await report('1-1-2');
    // Act: a new run on the same position file
    const second: string[] = [];
    const b = await poller(file, (r) => second.push(r));
    const afterStart = await report('1-1-3');
    await b.idle();
    await b.stop();
    // Assess
    expect(first).toEqual([handledBefore]);
    expect(second).toEqual([whileStopped, afterStart]);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { streamArn: string; shards: Record<string, unknown> };
    expect(saved.streamArn).toBe(b.streamArn);
    expect(Object.values(saved.shards)).toContainEqual({ after: expect.stringMatching(/^\d+$/) });
  });

  it('without a position file a start skips what was written before it (the difference the file makes)', async () => {
    // Prepare
    const before = await report('1-2-1');
    const seen: string[] = [];
    // Act
    const p = await poller(undefined, (r) => seen.push(r));
    const after = await report('1-2-2');
    await p.idle();
    await p.stop();
    // Assess
    expect(seen).not.toContain(before);
    expect(seen).toContain(after);
  });

  it('delivers again after a restart a record that was still failing when the poller stopped', async () => {
    // Prepare: a first run whose handler fails, stopped while the record waits for its next attempt
    const file = join(folder, 'failing.json');
    const attempts: string[] = [];
    const failing = (reference: string) => {
      attempts.push(reference);
      throw new Error('宛先が応答しません / target unavailable');
    };
    const a = await poller(file, failing, { retryDelayMs: 60_000 });
    await a.idle(); // the poller has taken its position before the report is written
    const failed = await report('2-1-1');
    await expect.poll(() => attempts, { timeout: 10_000 }).toContain(failed);
    await a.stop();
    // Act
    const delivered: string[] = [];
    const b = await poller(file, (r) => delivered.push(r));
    await b.idle();
    await b.stop();
    // Assess
    expect(a.deadLetters).toEqual([]);
    expect(delivered).toEqual([failed]);
  });

  it('reads a shard that was empty at the start once records arrive, while other tables are written too', async () => {
    // Prepare: a table of its own, so its shard is empty when the poller takes its position
    const own = await createTestTable();
    const ownStore = own.store();
    const file = join(folder, 'empty-shard.json');
    const seen: string[] = [];
    const p = await poller(file, (r) => seen.push(r), { tableName: own.tableName });
    try {
      await p.idle();
      // Act: writes to another table, then a report to this one
      await report('4-1-1');
      await report('4-1-2');
      const { report: mine } = await appendReport(ownStore, submissionFor('4-1-3'), { channel: 'web', idempotencyKey: 'empty-shard' });
      await p.idle();
      // Assess
      expect(seen).toEqual([mine.reference]);
    } finally {
      await p.stop();
      await own.drop();
    }
  });

  it.each([
    ['unreadable', () => '{"streamArn": 1', 'ignoring the unreadable stream position file'],
    ['of another stream', () => JSON.stringify({ streamArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/gone/stream/x', shards: {} }), 'of another stream'],
  ])('ignores a position file that is %s, says so, and starts at LATEST', async (_case, content, warning) => {
    // Prepare
    const file = join(folder, `ignored-${keys}.json`);
    await writeFile(file, content());
    const before = await report('3-1-1');
    const seen: string[] = [];
    const logs: string[] = [];
    // Act
    const p = await poller(file, (r) => seen.push(r), { logs });
    const after = await report('3-1-2');
    await p.idle();
    await p.stop();
    // Assess
    expect(logs.some((line) => line.includes(warning))).toBe(true);
    expect(seen).toEqual([after]);
    expect(seen).not.toContain(before);
    const rewritten = JSON.parse(await readFile(file, 'utf8')) as { streamArn: string };
    expect(rewritten.streamArn).toBe(p.streamArn);
  });
});

describe('giving up on a batch, as the event source mapping gives up', () => {
  it('hands a record reported failed on every attempt to the dead letters together with the rest of its batch', async () => {
    // Prepare: a run takes its position and stops; three reports are written meanwhile, to reach the
    // handler in one batch, which reports the middle one failed every time
    const file = join(folder, 'partial-failure.json');
    const a = await poller(file, () => undefined);
    await a.idle();
    await a.stop();
    const first = await report('5-1-1');
    const failing = await report('5-1-2');
    const last = await report('5-1-3');
    const batches: string[][] = [];
    const handler: StreamHandler = async (event) => {
      batches.push(event.Records.map(referenceOf));
      const failed = event.Records.find((record) => referenceOf(record) === failing);
      return { batchItemFailures: failed ? [{ itemIdentifier: failed.dynamodb!.SequenceNumber! }] : [] };
    };
    // Act
    const b = await startStreamPoller({
      endpoint: inject('dynamoEndpoint'),
      tableName: table.tableName,
      loadHandler: async () => handler,
      pollIntervalMs: 20,
      retryDelayMs: 1,
      maxAttempts: 3,
      checkpointFile: file,
      onLog: () => undefined,
    });
    await b.idle();
    await b.stop();
    // Assess: Lambda resumes at the reported record each time, then hands on all it was resuming with
    expect(batches).toEqual([[first, failing, last], [failing, last], [failing, last]]);
    expect(b.deadLetters.map((d) => [referenceOf(d.record!), d.from, d.attempts])).toEqual([
      [failing, 'retries', 3],
      [last, 'retries', 3],
    ]);
  });
});
