/**
 * A fresh table on the run's DynamoDB Local for one test file: created from the same definition the
 * CDK stack and the local stack use, deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { createStore, type Store } from '#shared/store/store';
import { envNames } from '#shared/config/env';
import { createDynamoDbClient, localClientConfig, localCredentials, localRegion } from '#local/aws-local';
import { ensureTable } from '#local/provision';

export function localDynamoConfig() {
  return localClientConfig(inject('dynamoEndpoint'));
}

export interface TestTable {
  tableName: string;
  store(tenant?: string): Store;
  drop(): Promise<void>;
}

export async function createTestTable(): Promise<TestTable> {
  const client = createDynamoDbClient(localDynamoConfig());
  const doc = createDocumentClient(localDynamoConfig());
  const tableName = `test-${randomUUID()}`;
  await ensureTable(client, tableName);
  return {
    tableName,
    store: (tenant = 'shimotsuke') => createStore(doc, tableName, tenant),
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}

/**
 * What a function handler loaded in this process reads to reach a test table, as Lambda gives it:
 * the table and tenant, DynamoDB Local's endpoint, the region and credentials. A test adds what its
 * handler needs besides (secrets, other endpoints, the log level).
 */
export function handlerEnvironment(table: Pick<TestTable, 'tableName'>, tenant: string): Record<string, string> {
  return {
    [envNames.tableName]: table.tableName,
    [envNames.tenant]: tenant,
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
    AWS_REGION: localRegion,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
  };
}
