/**
 * The event pipeline on real local parts: a report appended to a table on DynamoDB Local → the
 * table's stream → the stream poller → functions/publish-events/handler.ts → publishEvents → the
 * local EventBridge (over HTTP, as the SDK talks to AWS) → a rule's target handler.
 *
 * A report item the publisher can never read goes through the functions' SQS client to the local
 * stream-failure queue (local/sqs-local.ts), as it goes to the stream's failure queue on AWS.
 *
 * The rule table and the target handlers are the test's own, so this file does not depend on the
 * production consumers. It sets process.env for the in-process publish-events handler, so it runs in
 * its own file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { eventEnvelopeSchema, eventSource, type QuarterCompiled } from '#events/catalog';
import { unreadableRecordKind, type UnreadableRecordMessage } from '#events/outbox';
import type { EventRule } from '#events/rules';
import { createEventBridgeClient, InvalidEventError, publishEvents, type EventEntry } from '#shared/aws/events';
import { envNames } from '#shared/config/env';
import type { ReportSubmission } from '#shared/domain/report';
import { appendReport, reportKeys } from '#shared/store/report-items';
import type { Store } from '#shared/store/store';
import { localClientConfig, localCredentials, localRegion } from '#local/aws-local';
import {
  loadEventHandler,
  localAccount,
  startLocalEventBridge,
  whenAllIdle,
  type EntryRefusal,
  type EventEnvelope,
  type LocalEventBridge,
  type RequestEntry,
} from '#local/eventbridge-local';
import { localStreamFailureQueue, startLocalSqs, type LocalQueue, type LocalSqs } from '#local/sqs-local';
import { startStreamPoller, type StreamPoller } from '#local/stream-poller';
import { createTestTable, type TestTable } from '#test/support/dynamo';

const maxAttempts = 3;
const testRules: EventRule[] = [
  { name: 'record-reports', event: 'ProgressReported', fn: 'test-recorder', description: 'テスト / test' },
  { name: 'always-fails', event: 'QuarterCompiled', fn: 'test-failing', description: 'テスト / test' },
  { name: 'not-built-yet', event: 'QuarterCompiled', fn: 'no-such-function', description: 'テスト / test' },
];

const received: EventEnvelope[] = [];
let failingCalls = 0;
let refuse: ((entry: RequestEntry) => EntryRefusal | undefined) | undefined;
const logLines: string[] = [];

let table: TestTable;
let store: Store;
let bridge: LocalEventBridge;
let sqs: LocalSqs;
let failureQueue: LocalQueue;
let poller: StreamPoller;
let folder: string;
const settle = () => whenAllIdle([poller, bridge]);

/** A poller that keeps its position in the test's folder: the next one started resumes where it stopped. */
const startPoller = () =>
  startStreamPoller({
    endpoint: inject('dynamoEndpoint'),
    tableName: table.tableName,
    pollIntervalMs: 20,
    retryDelayMs: 1,
    maxAttempts,
    checkpointFile: join(folder, 'stream-position.json'),
    failureQueue,
    onLog: (line) => logLines.push(line),
  });

function submission(overrides: Partial<ReportSubmission> = {}): ReportSubmission {
  return {
    measureId: '2-2-3',
    quarter: 'FY2013-Q2',
    kind: 'report',
    status: '遅延',
    milestones: [{ milestoneId: 'm1', progress: 'in_progress' }],
    budgetExecutedThousandYen: 441,
    narrative: '観光案内サイトの改修が遅れています。',
    issues: '',
    nextSteps: '',
    reporter: { kaId: 'shoko-kanko', ka: '商工観光課', bukai: '産業振興専門部会', person: '山田' },
    ...overrides,
  };
}

const receivedFor = (reference: string) =>
  received.filter((e) => (e.detail as { reference?: string }).reference === reference);

beforeAll(async () => {
  table = await createTestTable();
  store = table.store();
  // Written before the poller starts: the poller begins at LATEST and must never publish it.
  await appendReport(store, submission({ measureId: '1-1-1' }), { channel: 'web', idempotencyKey: 'before-start' });

  bridge = await startLocalEventBridge({
    rules: testRules,
    maxAttempts,
    retryDelayMs: 1,
    refuse: (entry) => refuse?.(entry),
    onLog: (line) => logLines.push(line),
    loadHandler: async (fn) => {
      if (fn === 'test-recorder') return async (event) => void received.push(event);
      if (fn === 'test-failing') {
        return async () => {
          failingCalls += 1;
          throw new Error('集計先が応答しません / target unavailable');
        };
      }
      return loadEventHandler(fn);
    },
  });
  sqs = await startLocalSqs({ queues: [localStreamFailureQueue] });
  failureQueue = sqs.queue(localStreamFailureQueue);
  // What the local stack gives the functions: the handler builds its EventBridge and SQS clients from these.
  Object.assign(process.env, {
    AWS_REGION: localRegion,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bridge.endpoint,
    [envNames.eventBusName]: bridge.busName,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    [envNames.streamFailureQueueUrl]: failureQueue.url,
    POWERTOOLS_LOG_LEVEL: 'SILENT', // the broken record below is logged as an error on purpose
  });
  folder = await mkdtemp(join(tmpdir(), 'shinchoku-events-'));
  poller = await startPoller();
});

afterAll(async () => {
  await poller?.stop();
  await sqs?.stop();
  await bridge?.stop();
  await table?.drop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('report → stream → publish-events → EventBridge → rule target', () => {
  it('delivers one valid ProgressReported envelope per accepted report, exactly once', async () => {
    // Prepare
    const options = { channel: 'web' as const, idempotencyKey: 'pipeline-1', now: new Date('2013-10-15T01:02:03.456Z') };
    // Act: the report, then the same submission again (a retried request), then a correction
    const first = await appendReport(store, submission(), options);
    const replay = await appendReport(store, submission(), options);
    const correction = await appendReport(store, submission({ status: '遅れ気味' }), { ...options, idempotencyKey: 'pipeline-2' });
    await settle();
    // Assess
    expect(replay.outcome).toBe('duplicate');
    const forFirst = receivedFor(first.report.reference);
    expect(forFirst).toHaveLength(1);
    const envelope = eventEnvelopeSchema('ProgressReported').parse(forFirst[0]);
    expect(envelope.detail).toEqual({
      tenant: store.tenant,
      measureId: '2-2-3',
      quarter: 'FY2013-Q2',
      version: 1,
      reference: first.report.reference,
      kind: 'report',
      status: '遅延',
      kaId: 'shoko-kanko',
      channel: 'web',
      submittedAt: '2013-10-15T01:02:03.456Z',
    });
    expect(forFirst[0]).toMatchObject({ version: '0', source: eventSource, account: localAccount, region: localRegion, resources: [] });
    expect(forFirst[0]!.time).toBe('2013-10-15T01:02:03Z');
    expect(receivedFor(correction.report.reference).map((e) => (e.detail as { version: number }).version)).toEqual([2]);
    expect(bridge.delivered.filter((d) => d.event.id === envelope.id)).toEqual([
      expect.objectContaining({ rule: 'record-reports', fn: 'test-recorder', attempts: 1 }),
    ]);
  });

  it('does not publish what was written before the poller started', async () => {
    // Prepare / Act
    await settle();
    // Assess
    expect(received.filter((e) => (e.detail as { measureId: string }).measureId === '1-1-1')).toEqual([]);
  });

  it('sets a report item it can never publish aside alone, and publishes the report after it in the same batch', async () => {
    // Prepare: with the poller stopped, a report item without a quarter (as a bug elsewhere might write
    // it) and a valid report, so that both reach publish-events in one batch when it starts again
    await settle();
    await poller.stop();
    const brokenKey = { pk: reportKeys.partition(store.tenant, '3-1-2'), sk: 'REPORT#broken#0001' };
    await store.doc.put({ TableName: store.tableName, Item: { ...brokenKey, type: 'Report', measureId: '3-1-2', version: 1 } });
    const after = await appendReport(store, submission({ measureId: '3-1-2', quarter: 'FY2013-Q3' }), {
      channel: 'api',
      idempotencyKey: 'after-broken',
    });
    // Act
    poller = await startPoller();
    await settle();
    // Assess: the broken item is in the failure queue, sent by the handler; nothing waited for retries
    expect(receivedFor(after.report.reference)).toHaveLength(1);
    expect(poller.deadLetters).toEqual([
      expect.objectContaining({ from: 'handler', attempts: 1, keys: { pk: { S: brokenKey.pk }, sk: { S: brokenKey.sk } } }),
    ]);
    const messages = failureQueue.messages.map((m) => JSON.parse(m.body) as UnreadableRecordMessage);
    expect(messages).toEqual([
      expect.objectContaining({
        kind: unreadableRecordKind,
        keys: { pk: { S: brokenKey.pk }, sk: { S: brokenKey.sk } },
        error: expect.objectContaining({ name: 'OutboxRecordError' }),
      }),
    ]);
    expect(messages[0]!.sequenceNumber).toBe(poller.deadLetters[0]!.sequenceNumber);
    expect(logLines.some((l) => l.includes('stream record set aside by publish-events'))).toBe(true);
  });
});

describe('local EventBridge', () => {
  const compiled = (quarter: string): EventEntry => ({
    name: 'QuarterCompiled',
    detail: { tenant: 'shimotsuke', quarter, compiledAt: '2013-10-15T00:00:00.000Z', counts: { green: 1, amber: 2, red: 3, unreported: 45 } },
  });
  const clientFor = () => createEventBridgeClient(localClientConfig(bridge.endpoint));

  it('retries a failing target, then dead-letters the event; a missing target is dead-lettered with a warning', async () => {
    // Prepare
    const eventBridge = clientFor();
    const callsBefore = failingCalls;
    // Act
    const [eventId] = await publishEvents(eventBridge, bridge.busName, [compiled('FY2013-Q3')]);
    await bridge.idle();
    // Assess
    const dead = bridge.deadLetters.filter((d) => d.event.id === eventId);
    expect(dead.map((d) => [d.rule, d.attempts])).toEqual(
      expect.arrayContaining([
        ['always-fails', maxAttempts],
        ['not-built-yet', 1],
      ]),
    );
    expect(dead).toHaveLength(2);
    expect(failingCalls - callsBefore).toBe(maxAttempts);
    expect(dead.find((d) => d.rule === 'not-built-yet')?.error).toMatch(/no handler functions\/no-such-function\/handler\.ts/);
    expect(logLines.some((l) => l.startsWith('警告') && l.includes('no-such-function'))).toBe(true);
    expect(bridge.delivered.filter((d) => d.event.id === eventId)).toEqual([]);
  });

  it('publishEvents rejects an invalid detail without sending anything', async () => {
    // Prepare
    const eventBridge = clientFor();
    const publishedBefore = bridge.published.length;
    const invalid = { name: 'QuarterCompiled', detail: { ...compiled('FY2013-Q4').detail, counts: { green: -1 } } as unknown as QuarterCompiled };
    // Act
    const failure = await publishEvents(eventBridge, bridge.busName, [compiled('FY2013-Q4'), invalid as EventEntry]).catch((e: unknown) => e);
    // Assess
    expect(failure).toBeInstanceOf(InvalidEventError);
    expect(bridge.published.length).toBe(publishedBefore);
  });

  it('publishEvents retries the entries the bus refused, and each event is delivered once', async () => {
    // Prepare: the bus refuses FY2014-Q1 once
    const eventBridge = clientFor();
    let refusals = 0;
    refuse = (entry) => {
      if (!entry.Detail?.includes('FY2014-Q1') || refusals > 0) return undefined;
      refusals += 1;
      return { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' };
    };
    // Act
    const ids = await publishEvents(eventBridge, bridge.busName, [compiled('FY2014-Q1'), compiled('FY2014-Q2')], { baseDelayMs: 1 });
    await bridge.idle();
    refuse = undefined;
    // Assess
    expect(refusals).toBe(1);
    const quarters = bridge.published.filter((e) => ids.includes(e.id)).map((e) => (e.detail as QuarterCompiled).quarter);
    expect(quarters.sort()).toEqual(['FY2014-Q1', 'FY2014-Q2']);
    expect(bridge.published.filter((e) => (e.detail as QuarterCompiled).quarter === 'FY2014-Q1')).toHaveLength(1);
  });

  it('refuses entries for another bus, as AWS does for a bus that does not exist', async () => {
    // Prepare
    const eventBridge = clientFor();
    // Act
    const failure = await publishEvents(eventBridge, 'no-such-bus', [compiled('FY2014-Q3')], { maxAttempts: 1 }).catch((e: unknown) => e);
    // Assess
    expect((failure as Error).message).toMatch(/Event bus no-such-bus does not exist/);
  });

  it('gives a refused call its AWS error code as the error name, from the JSON answer', async () => {
    // Prepare: an empty PutEvents, which EventBridge refuses as a whole
    const eventBridge = clientFor();
    // Act
    const failure = await eventBridge.putEvents({ Entries: [] }).catch((e: unknown) => e);
    // Assess
    expect((failure as Error).name).toBe('ValidationException');
    expect((failure as Error).message).toContain('Entries must hold 1 to 10 entries');
  });
});
