/**
 * The two `DocumentDb` implementations against DynamoDB Local: the functions' client (`shared/aws/dynamodb.ts`) and
 * the tools' client (the SDK's document client) must read and write the same items the same way, so
 * the store behaves alike whichever one it is given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkDocumentDb } from '#local/aws-local';
import { createDocumentClient, type DocumentDb } from '#shared/aws/dynamodb';
import { createTestTable, localDynamoConfig, type TestTable } from '#test/support/dynamo';

let table: TestTable;

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => table?.drop());

const implementations: [string, () => DocumentDb][] = [
  ['functions\' client', () => createDocumentClient(localDynamoConfig())],
  ['SDK (tools)', () => sdkDocumentDb(localDynamoConfig())],
];

describe.each(implementations)('DocumentDb on %s', (name, create) => {
  const db = create();
  const pk = `doc-${name.split(' ')[0]}`;

  it('writes and reads back documents: numbers, nested maps and lists, sets, empty strings; drops undefined', async () => {
    // Prepare
    const item = { pk, sk: 'item', n: 42, f: 1.5, text: '', nested: { list: [1, '二', null, { deep: true }] }, tags: new Set(['a', 'b']), gone: undefined };
    // Act
    await db.put({ TableName: table.tableName, Item: item });
    const { Item } = await db.get({ TableName: table.tableName, Key: { pk, sk: 'item' }, ConsistentRead: true });
    // Assess
    const { gone: _gone, ...expected } = item;
    expect(Item).toEqual(expected);
    expect(Item).not.toHaveProperty('gone');
  });

  it('pages a query with document keys, forwards and backwards', async () => {
    // Prepare
    await db.batchWrite({
      RequestItems: { [table.tableName]: Array.from({ length: 5 }, (_, i) => ({ PutRequest: { Item: { pk: `${pk}-q`, sk: `s${i}`, i } } })) },
    });
    const query = { TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `${pk}-q` }, Limit: 2, ConsistentRead: true };
    // Act
    const seen: number[] = [];
    const keys: unknown[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.query({ ...query, ExclusiveStartKey: start });
      seen.push(...(page.Items ?? []).map((item) => Number(item.i)));
      start = page.LastEvaluatedKey;
      if (start) keys.push(start);
    } while (start);
    const backwards = await db.query({ ...query, ScanIndexForward: false, Limit: 1 });
    // Assess
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(keys[0]).toEqual({ pk: `${pk}-q`, sk: 's1' });
    expect(backwards.Items?.map((item) => item.i)).toEqual([4]);
  });

  it('cancels a transaction whose condition fails, names the reason, writes nothing and leaves its input as given', async () => {
    // Prepare
    const existing = { pk, sk: 'tx-existing', v: 1 };
    await db.put({ TableName: table.tableName, Item: existing });
    const fresh = { pk, sk: 'tx-fresh', v: 1 };
    const input = {
      TransactItems: [
        { Put: { TableName: table.tableName, Item: fresh, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: table.tableName, Item: { ...existing, v: 2 }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    };
    const copy = structuredClone(input);
    // Act
    const error = await db.transactWrite(input).catch((e: unknown) => e);
    const { Item } = await db.get({ TableName: table.tableName, Key: { pk, sk: 'tx-fresh' }, ConsistentRead: true });
    // Assess
    expect((error as Error).name).toBe('TransactionCanceledException');
    expect((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(Item).toBeUndefined();
    expect(input).toEqual(copy);
  });

  it('names a failed condition, updates and deletes with returned values, scans', async () => {
    // Prepare
    await db.put({ TableName: table.tableName, Item: { pk, sk: 'counter', count: 1 } });
    // Act
    const refused = await db
      .put({ TableName: table.tableName, Item: { pk, sk: 'counter' }, ConditionExpression: 'attribute_not_exists(pk)' })
      .catch((e: unknown) => e);
    const updated = await db.update({
      TableName: table.tableName,
      Key: { pk, sk: 'counter' },
      UpdateExpression: 'SET #c = #c + :one',
      ExpressionAttributeNames: { '#c': 'count' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'ALL_NEW',
    });
    const deleted = await db.delete({ TableName: table.tableName, Key: { pk, sk: 'counter' }, ReturnValues: 'ALL_OLD' });
    const scanned = await db.scan({ TableName: table.tableName, FilterExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } });
    // Assess
    expect((refused as Error).name).toBe('ConditionalCheckFailedException');
    expect(updated.Attributes).toEqual({ pk, sk: 'counter', count: 2 });
    expect(deleted.Attributes).toEqual({ pk, sk: 'counter', count: 2 });
    expect(scanned.Items?.map((item) => item.sk).sort()).toEqual(['item', 'tx-existing']);
  });
});

describe('DocumentDb clients side by side', () => {
  it('the functions\' client still marshalls alike after the SDK\'s document client has sent a request in the same process', async () => {
    // Prepare
    const sdk = sdkDocumentDb(localDynamoConfig());
    const own = createDocumentClient(localDynamoConfig());
    const pk = 'doc-side-by-side';
    await sdk.put({ TableName: table.tableName, Item: { pk, sk: 'sdk', n: 1 } });
    // Act
    await own.put({ TableName: table.tableName, Item: { pk, sk: 'own', n: 2 } });
    const { Items } = await own.query({
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    });
    // Assess
    expect(Items).toEqual([
      { pk, sk: 'own', n: 2 },
      { pk, sk: 'sdk', n: 1 },
    ]);
  });
});
