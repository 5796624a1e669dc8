/**
 * send-digest when SES refuses the mail: the claim is given back and the error is rethrown, so the
 * retry sends the digest. SES is a tiny stand-in here that refuses the first SendEmail and accepts the
 * next (the emulator cannot be told to fail). It sets process.env, so it runs alone in its file.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { envNames } from '#shared/config/env';
import { compileQuarter } from '#shared/domain/compile';
import { digestNotificationKey } from '#shared/domain/digest';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { saveDirectory } from '#shared/store/directory-items';
import { claimNotification, getNotification } from '#shared/store/notification-items';
import { savePlan } from '#shared/store/plan-items';
import { saveCompiledQuarter } from '#shared/store/status-items';
import type { Store } from '#shared/store/store';
import { localCredentials, localRegion } from '#local/aws-local';
import { localLambdaContext } from '#local/lambda-context';
import { createTestTable, type TestTable } from '#test/support/dynamo';

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
    AWS_REGION: localRegion,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
    AWS_ENDPOINT_URL_SESV2: `http://127.0.0.1:${(ses.address() as AddressInfo).port}`,
    MAIL_MAX_PER_SECOND: '0',
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    [envNames.tableName]: table.tableName,
    [envNames.tenant]: store.tenant,
  });
  sendDigest = (await import('#functions/send-digest/handler')).handler as Handler;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (ses ? ses.close(() => resolve()) : resolve()));
  await table?.drop();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

/** QuarterCompiled as EventBridge delivers it, for a compile at `time` (ISO, whole seconds) with nothing reported. */
function quarterCompiledEvent(compiled: string, time: string) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'QuarterCompiled',
    source: 'shinchoku',
    account: '000000000000',
    time,
    region: localRegion,
    resources: [],
    detail: { tenant: 'shimotsuke', quarter: compiled, compiledAt: time.replace('Z', '.000Z'), counts: { green: 0, amber: 0, red: 0, unreported: 51 } },
  };
}

describe('send-digest when the send fails', () => {
  it('gives the claim back and fails, so the retry sends the digest', async () => {
    // Prepare
    const event = quarterCompiledEvent(quarter, '2014-07-04T21:00:00Z');
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
  it('fails rather than reporting success, so the event is retried or kept in the on-failure queue', async () => {
    // Prepare: the claim as an attempt leaves it that timed out during the send
    const held = 'FY2014-Q2';
    await saveCompiledQuarter(store, compileQuarter({ plan: (await readPlanFile()).plan, quarter: held, reports: [] }), new Date('2014-10-05T06:00:00+09:00'));
    const key = digestNotificationKey(held);
    expect(await claimNotification(store, { key, kind: 'digest', recipients: ['x@example.jp'], subject: 's', day: '2014-10-05' })).toBe('claimed');
    const calls = sendCalls;
    const event = quarterCompiledEvent(held, '2014-10-04T21:00:00Z');

    // Act
    const run = sendDigest(event, localLambdaContext('send-digest', randomUUID()));

    // Assess
    await expect(run).rejects.toThrow(/送信中です \/ the digest is being sent by another attempt/);
    expect(sendCalls).toBe(calls);
    expect(await getNotification(store, key)).toMatchObject({ state: 'claimed' });
  });
});
