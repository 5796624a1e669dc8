/**
 * send-digest when SES refuses the mail: the claim is given back and the error is rethrown, so the
 * retry sends the digest. SES is a tiny stand-in here that refuses the first SendEmail and accepts the
 * next (the emulator cannot be told to fail), and counts every send. The reminder rules put the due
 * date 20 days after the quarter ends (REMINDER_CONFIG), so the digest goes out only for a compile
 * from the 21st day on. It sets process.env, so it runs alone in its file.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envNames } from '#shared/config/env';
import { compileQuarter } from '#shared/domain/compile';
import { digestNotificationKey } from '#shared/domain/digest';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { saveDirectory } from '#shared/store/directory-items';
import { claimNotification, getNotification, invocationDeadline, markNotificationSending } from '#shared/store/notification-items';
import { savePlan } from '#shared/store/plan-items';
import { saveCompiledQuarter } from '#shared/store/status-items';
import type { Store } from '#shared/store/store';
import { localRegion } from '#local/aws-local';
import { localLambdaContext } from '#local/lambda-context';
import { createTestTable, handlerEnvironment, type TestTable } from '#test/support/dynamo';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const quarter = 'FY2014-Q1';
let table: TestTable;
let store: Store;
let ses: Server;
let sendCalls = 0;
let sendDigest: Handler;
const savedEnv = { ...process.env };

beforeAll(async () => {
  table = await createTestTable();
  store = table.store('shimotsuke');
  const { plan } = await readPlanFile();
  await savePlan(store, plan);
  await saveDirectory(store, await readDirectoryFile());
  await saveCompiledQuarter(store, compileQuarter({ plan, quarter, reports: [] }), new Date('2014-07-05T06:00:00+09:00'));

  ses = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      sendCalls += 1;
      if (sendCalls === 1) {
        res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'MessageRejected' });
        res.end(JSON.stringify({ message: 'Email address is not verified.' }));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ MessageId: `stand-in-${sendCalls}` }));
      }
    });
  });
  await new Promise<void>((resolve) => ses.listen(0, '127.0.0.1', resolve));

  Object.assign(process.env, {
    ...handlerEnvironment(table, store.tenant),
    AWS_ENDPOINT_URL_SESV2: `http://127.0.0.1:${(ses.address() as AddressInfo).port}`,
    MAIL_MAX_PER_SECOND: '0',
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    // Reports due 20 days after the quarter ends: FY2014-Q1 on 20 July 2014, compiled from the 21st.
    [envNames.reminderConfig]: JSON.stringify({ report: { dueDaysAfterQuarterEnd: 20 } }),
  });
  sendDigest = (await import('#functions/send-digest/handler')).handler as Handler;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (ses ? ses.close(() => resolve()) : resolve()));
  await table?.drop();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

/**
 * QuarterCompiled as EventBridge delivers it, for a compile at `time` (ISO, whole seconds) with nothing
 * reported; `ranAt` when the compile ran later than the stored result (it found nothing new).
 */
function quarterCompiledEvent(compiled: string, time: string, ranAt?: string) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'QuarterCompiled',
    source: 'shinchoku',
    account: '000000000000',
    time,
    region: localRegion,
    resources: [],
    detail: {
      tenant: 'shimotsuke',
      quarter: compiled,
      compiledAt: time.replace('Z', '.000Z'),
      ...(ranAt ? { ranAt } : {}),
      counts: { green: 0, amber: 0, red: 0, unreported: 51 },
    },
  };
}

describe('send-digest when the send fails', () => {
  it('gives the claim back and fails, so the retry sends the digest', async () => {
    // Prepare
    const event = quarterCompiledEvent(quarter, '2014-07-20T21:00:00Z');
    const key = digestNotificationKey(quarter);
    // Act
    const failed = sendDigest(event, localLambdaContext('send-digest', randomUUID()));
    // Assess
    await expect(failed).rejects.toThrow(/not verified/);
    expect(await getNotification(store, key)).toBeUndefined();

    // Act: the retry
    const retried = await sendDigest(event, localLambdaContext('send-digest', randomUUID()));
    // Assess
    expect(retried).toEqual({ outcome: 'sent', messageId: 'stand-in-2' });
    expect(await getNotification(store, key)).toMatchObject({ state: 'sent', messageId: 'stand-in-2', kind: 'digest' });
    expect(sendCalls).toBe(2);
  });
});

describe('send-digest when an earlier attempt died holding the claim', () => {
  it('takes over the claim of an attempt that died before sending, once that attempt\'s deadline has passed', async () => {
    // Prepare: the claim as an attempt leaves it that timed out while building the digest
    const held = 'FY2013-Q4';
    await saveCompiledQuarter(store, compileQuarter({ plan: (await readPlanFile()).plan, quarter: held, reports: [] }), new Date('2014-04-21T06:00:00+09:00'));
    const key = digestNotificationKey(held);
    const diedAt = new Date(Date.now() - 5 * 60_000);
    const died = await claimNotification(store, { key, kind: 'digest', recipients: ['x@example.jp'], subject: 's', day: '2014-04-21' }, diedAt, {
      heldUntil: invocationDeadline({ getRemainingTimeInMillis: () => 60_000 }, diedAt.getTime()),
    });
    expect(died).toMatchObject({ outcome: 'claimed' });
    const calls = sendCalls;
    // Act
    const sent = await sendDigest(quarterCompiledEvent(held, '2014-04-20T21:00:00Z'), localLambdaContext('send-digest', randomUUID()));
    // Assess
    expect(sent).toMatchObject({ outcome: 'sent' });
    expect(sendCalls).toBe(calls + 1);
    expect(await getNotification(store, key)).toMatchObject({ state: 'sent', sendingAt: expect.any(String) });
  });

  it('fails rather than reporting success, so the event is retried or kept in the on-failure queue', async () => {
    // Prepare: the claim as an attempt leaves it that timed out during the send
    const held = 'FY2014-Q2';
    await saveCompiledQuarter(store, compileQuarter({ plan: (await readPlanFile()).plan, quarter: held, reports: [] }), new Date('2014-10-21T06:00:00+09:00'));
    const key = digestNotificationKey(held);
    const claim = await claimNotification(store, { key, kind: 'digest', recipients: ['x@example.jp'], subject: 's', day: '2014-10-21' });
    expect(claim).toMatchObject({ outcome: 'claimed' });
    if (claim.outcome === 'claimed') expect(await markNotificationSending(store, key, claim.claimId)).toBe('marked');
    const calls = sendCalls;
    const event = quarterCompiledEvent(held, '2014-10-20T21:00:00Z');

    // Act
    const run = sendDigest(event, localLambdaContext('send-digest', randomUUID()));

    // Assess
    await expect(run).rejects.toThrow(/送信中です \/ the digest is being sent by another attempt/);
    expect(sendCalls).toBe(calls);
    expect(await getNotification(store, key)).toMatchObject({ state: 'claimed' });
  });
});

describe('send-digest for a compile before the day after the reports are due (REMINDER_CONFIG: 20 days)', () => {
  // FY2014-Q3 closes on 31 December 2014; with 20 days its reports are due on 20 January 2015.
  const early = 'FY2014-Q3';
  const key = digestNotificationKey(early);

  beforeAll(async () => {
    await saveCompiledQuarter(store, compileQuarter({ plan: (await readPlanFile()).plan, quarter: early, reports: [] }), new Date('2015-01-11T06:00:00+09:00'));
  });

  it('waits, claiming nothing and sending nothing, for a compile on 11 January or on the due date itself', async () => {
    // Prepare: 06:00 on 11 January (the default rules' compile day) and on 20 January
    const calls = sendCalls;
    const onDay11 = quarterCompiledEvent(early, '2015-01-10T21:00:00Z');
    const onDueDate = quarterCompiledEvent(early, '2015-01-10T21:00:00Z', '2015-01-19T21:00:00.000Z');
    // Act
    const outcomes = [
      await sendDigest(onDay11, localLambdaContext('send-digest', randomUUID())),
      await sendDigest(onDueDate, localLambdaContext('send-digest', randomUUID())),
    ];
    // Assess
    expect(outcomes).toEqual([{ outcome: 'before-reports-due' }, { outcome: 'before-reports-due' }]);
    expect(await getNotification(store, key)).toBeUndefined();
    expect(sendCalls).toBe(calls);
  });

  it('sends for the compile on the day after the due date, although it found the early result unchanged, and once only', async () => {
    // Prepare: the scheduled compile of 21 January kept the stored compiledAt of 11 January
    const calls = sendCalls;
    const scheduled = quarterCompiledEvent(early, '2015-01-10T21:00:00Z', '2015-01-20T21:00:00.000Z');
    const lateReport = quarterCompiledEvent(early, '2015-02-03T01:00:00Z');
    // Act
    const sent = await sendDigest(scheduled, localLambdaContext('send-digest', randomUUID()));
    const again = await sendDigest(lateReport, localLambdaContext('send-digest', randomUUID()));
    // Assess
    expect(sent).toMatchObject({ outcome: 'sent' });
    expect(again).toEqual({ outcome: 'already-sent' });
    expect(sendCalls).toBe(calls + 1);
    expect(await getNotification(store, key)).toMatchObject({ state: 'sent', kind: 'digest' });
  });
});
