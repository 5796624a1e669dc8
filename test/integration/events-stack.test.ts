/**
 * The event pipeline as `npm start` runs it: startLocalStack wires the stream poller and the local
 * EventBridge, gives the functions EVENT_BUS_NAME and AWS_ENDPOINT_URL_EVENTBRIDGE, and routes events
 * to the production rules of events/rules.ts. (Starts the whole stack and sets process.env: own file.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventRules } from '#events/rules';
import { createEventBridgeClient, publishEvents } from '#shared/aws/events';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { envNames } from '#shared/config/env';
import type { ReportSubmission } from '#shared/domain/report';
import { appendReport, reportKeys } from '#shared/store/report-items';
import { createStore } from '#shared/store/store';
import { localAccount, localClientConfig } from '#local/aws-local';
import { localStreamFailureQueue } from '#local/sqs-local';
import type { LocalStack } from '#local/stack';
import { testStack } from '#test/support/local-stack';

const localStack = testStack('shinchoku-events-stack-');
let stack: LocalStack;

beforeAll(async () => {
  ({ stack } = await localStack.start({ inMemory: true, httpPort: 0, dynamoPort: 0, sesPort: 0 }));
}, 120_000);

afterAll(async () => {
  await localStack.stop();
});

/** Each event a production rule matched ends delivered or dead-lettered: never silently dropped. */
function outcomesFor(eventId: string) {
  return [
    ...stack.events.delivered.filter((d) => d.event.id === eventId).map((d) => ({ rule: d.rule, fn: d.fn })),
    ...stack.events.deadLetters.filter((d) => d.event.id === eventId).map((d) => ({ rule: d.rule, fn: d.fn })),
  ].sort(byRule);
}

const byRule = (a: { rule: string }, b: { rule: string }) => a.rule.localeCompare(b.rule);

const reportOf = (measureId: string): ReportSubmission => ({
  measureId,
  quarter: 'FY2013-Q2',
  kind: 'report',
  status: '予定どおり',
  milestones: [],
  narrative: '',
  issues: '',
  nextSteps: '',
  reporter: { kaId: 'shoko-kanko', ka: '商工観光課', bukai: '産業振興専門部会', person: '山田' },
});

describe('local stack events', () => {
  it('gives the functions the bus name and the local EventBridge endpoint, and the stream-failure queue on the local SQS', () => {
    // Assess
    expect(stack.environment[envNames.eventBusName]).toBe(stack.events.busName);
    expect(stack.environment.AWS_ENDPOINT_URL_EVENTBRIDGE).toBe(stack.events.endpoint);
    expect(process.env[envNames.eventBusName]).toBe(stack.events.busName);
    expect(stack.environment[envNames.streamFailureQueueUrl]).toBe(`${stack.environment.AWS_ENDPOINT_URL_SQS}/${localAccount}/${localStreamFailureQueue}`);
    expect(process.env[envNames.streamFailureQueueUrl]).toBe(stack.environment[envNames.streamFailureQueueUrl]);
  });

  it('publishes a stored report as ProgressReported and hands it to the apply-late-report rule', async () => {
    // Prepare
    const store = createStore(createDocumentClient(localClientConfig(stack.dynamoEndpoint)), stack.tableName, stack.tenant);
    // Act
    const { report } = await appendReport(store, reportOf('5-1-1'), { channel: 'api', idempotencyKey: 'stack-1' });
    await stack.events.idle();
    // Assess
    const published = stack.events.published.filter((e) => (e.detail as { reference?: string }).reference === report.reference);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ 'detail-type': 'ProgressReported', detail: { tenant: stack.tenant, version: 1 } });
    const expected = eventRules.filter((r) => r.event === 'ProgressReported').map((r) => ({ rule: r.name, fn: r.fn })).sort(byRule);
    expect(outcomesFor(published[0]!.id)).toEqual(expected);
    expect(stack.events.streamDeadLetters).toEqual([]);
  });

  it('sets a report item publish-events can never read aside in the stream-failure queue, and publishes the next report', async () => {
    // Prepare: a report item without a quarter, as a bug elsewhere might write it
    const store = createStore(createDocumentClient(localClientConfig(stack.dynamoEndpoint)), stack.tableName, stack.tenant);
    const brokenKey = { pk: reportKeys.partition(stack.tenant, '5-1-2'), sk: 'REPORT#broken#0001' };
    // Act
    await store.doc.put({ TableName: store.tableName, Item: { ...brokenKey, type: 'Report', measureId: '5-1-2', version: 1 } });
    const { report } = await appendReport(store, reportOf('5-1-2'), { channel: 'api', idempotencyKey: 'stack-2' });
    await stack.events.idle();
    // Assess
    expect(stack.events.streamDeadLetters).toEqual([
      expect.objectContaining({ from: 'handler', keys: { pk: { S: brokenKey.pk }, sk: { S: brokenKey.sk } } }),
    ]);
    expect(stack.events.published.filter((e) => (e.detail as { reference?: string }).reference === report.reference)).toHaveLength(1);
  });

  it('routes a QuarterCompiled published through the SDK to the digest-on-compile rule', async () => {
    // Prepare
    const client = createEventBridgeClient();
    // Act: the same call the compile job makes, with the environment the stack set
    const [eventId] = await publishEvents(client, process.env[envNames.eventBusName]!, [
      {
        name: 'QuarterCompiled',
        detail: { tenant: stack.tenant, quarter: 'FY2013-Q2', compiledAt: '2013-10-15T00:00:00.000Z', counts: { green: 1, amber: 0, red: 0, unreported: 50 } },
      },
    ]);
    await stack.events.idle();
    // Assess
    const expected = eventRules.filter((r) => r.event === 'QuarterCompiled').map((r) => ({ rule: r.name, fn: r.fn })).sort(byRule);
    expect(outcomesFor(eventId!)).toEqual(expected);
  });
});
