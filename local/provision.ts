/**
 * Makes a DynamoDB (Local) ready for the functions: the table from its one definition, TTL on, the
 * plan and the directory loaded. Safe to run on every start: an existing table is kept, and a plan
 * that would drop, rename or re-assign 事業 with reports in it is refused unless accepted.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '#shared/aws/dynamodb';
import type { Directory } from '#shared/domain/directory';
import type { PlanFile } from '#shared/domain/plan';
import { changesRefusal } from '#shared/domain/plan-change';
import { assertSameTenant, type PlanAndDirectoryFiles } from '#shared/plan-file';
import { saveDirectory } from '#shared/store/directory-items';
import { changesOverReports } from '#shared/store/plan-changes';
import { savePlan } from '#shared/store/plan-items';
import { createStore } from '#shared/store/store';
import { createTableInput, timeToLiveAttribute } from '#shared/store/table';
import { createDynamoDbClient, localClientConfig } from './aws-local.ts';

export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'existing'> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return 'existing';
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: timeToLiveAttribute, Enabled: true },
    }),
  );
  return 'created';
}

export interface ProvisionInput {
  endpoint: string;
  tableName: string;
  plan: PlanFile;
  directory: Directory;
  /** The files the two came from, for the message when they belong to different tenants. */
  files?: PlanAndDirectoryFiles;
  /**
   * Load the plan even when it drops, renames or gives other owners to 事業 that have reports in the
   * kept data (as `shinchoku load --accept-changes`).
   * @default false: such a start is refused, with the list
   */
  acceptPlanChanges?: boolean;
}

export async function provision(input: ProvisionInput): Promise<{ table: 'created' | 'existing'; measures: number; ka: number }> {
  // Refused before the table is touched: the plan would be saved and the directory then refused.
  assertSameTenant(input.plan, input.directory, input.files);
  const config = localClientConfig(input.endpoint);
  const client = createDynamoDbClient(config);
  try {
    const table = await ensureTable(client, input.tableName);
    const store = createStore(createDocumentClient(config), input.tableName, input.plan.plan.tenant);
    const changes = table === 'existing' && !input.acceptPlanChanges ? await changesOverReports(store, input.plan) : [];
    if (changes.length > 0) {
      const refusal = changesRefusal(changes, {
        ja: '、同じ起動コマンド (--plan・--directory も同じまま) に --accept-changes を付けて起動してください (npm start なら npm start -- --accept-changes。--fresh はデータを消して空から始めます)',
        en: 'start again with the same command (the same --plan and --directory) and --accept-changes (with npm start: npm start -- --accept-changes; --fresh starts empty, deleting the data)',
      });
      throw new Error(`${refusal.ja} / ${refusal.en}`);
    }
    await savePlan(store, input.plan);
    await saveDirectory(store, input.directory);
    return { table, measures: input.plan.measures.length, ka: input.directory.ka.length };
  } finally {
    client.destroy();
  }
}
