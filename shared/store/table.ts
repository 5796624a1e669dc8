/**
 * The one DynamoDB table, defined once: the CDK stack (`infra/`) and the local stack (`local/`) both
 * build it from this description, so the keys and indexes cannot drift apart.
 *
 * Single-table design. Every partition key starts with `T#<tenant>#`, so one deployment can hold
 * many municipalities without their items ever sharing a partition.
 *
 * | item                | pk                              | sk                          | gsi1pk / gsi1sk                         |
 * |---------------------|---------------------------------|-----------------------------|-----------------------------------------|
 * | plan header         | T#<t>#PLAN                      | INFO                        |                                         |
 * | 基本目標            | T#<t>#PLAN                      | GOAL#<goalId>               |                                         |
 * | 事業                | T#<t>#PLAN                      | MEASURE#<measureId>         |                                         |
 * | directory           | T#<t>#DIRECTORY                 | DIRECTORY                   |                                         |
 * | progress report     | T#<t>#MEASURE#<measureId>       | REPORT#<quarter>#<version>  | T#<t>#QUARTER#<quarter> / <measureId>#… |
 * | compiled status     | T#<t>#STATUS#<quarter>          | MEASURE#<id> / ROLLUP#…     |                                         |
 * | sent notification   | T#<t>#NOTIFICATION#<key>        | NOTIFICATION                | T#<t>#SENT#<date> / <key>               |
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { tenantPattern } from '../domain/ids.ts';

export const keyAttributes = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** GSI1: reports by quarter (the compile reads a quarter with one query), notifications by day. */
export const byQuarterIndex = {
  indexName: 'gsi1',
  partitionKey: 'gsi1pk',
  sortKey: 'gsi1sk',
} as const;

/** Items with this numeric attribute (epoch seconds) are removed by DynamoDB TTL. */
export const timeToLiveAttribute = 'expiresAt';

/** The default table name; deployments and tests pass their own. */
export const defaultTableName = 'shinchoku';

/**
 * The table as a CreateTable request. The local stack sends it to DynamoDB Local as is; the CDK
 * construct maps the same fields onto `dynamodb.TableV2`.
 */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: keyAttributes.partitionKey, AttributeType: 'S' },
      { AttributeName: keyAttributes.sortKey, AttributeType: 'S' },
      { AttributeName: byQuarterIndex.partitionKey, AttributeType: 'S' },
      { AttributeName: byQuarterIndex.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: keyAttributes.partitionKey, KeyType: 'HASH' },
      { AttributeName: keyAttributes.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: byQuarterIndex.indexName,
        KeySchema: [
          { AttributeName: byQuarterIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: byQuarterIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    // Reports are published as events from the stream (an outbox), so an accepted report is never
    // stored without its ProgressReported event eventually following.
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  };
}

/** Partition-key prefix for one tenant; every key builder starts with it. */
export function tenantPrefix(tenant: string): string {
  if (!tenantPattern.test(tenant)) {
    throw new Error(`テナント名が不正です / invalid tenant: "${tenant}"`);
  }
  return `T#${tenant}#`;
}
