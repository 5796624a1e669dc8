/**
 * The one DynamoDB table, built from `createTableInput()` in shared/store/table.ts so the keys, the
 * index and the stream are written down once for the local stack and for AWS alike.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { CreateTableCommandInput, GlobalSecondaryIndex, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { compileLeaseKeys, publicSiteLeaseKeys } from '#shared/store/compile-lease';
import { notificationKeys } from '#shared/store/notification-items';
import { statusKeys } from '#shared/store/status-items';
import { byQuarterIndex, createTableInput, defaultTableName, timeToLiveAttribute } from '#shared/store/table';

/**
 * How much of the table a function may touch: `read`; `append`, reading and adding new items (a report
 * is appended as one TransactWriteItems of two conditional Puts) but never changing or deleting one;
 * `appendAndClaim`, `append` and changing or deleting its tenant's notification claims only (the
 * mail intake claims each answer it sends, shared/store/notification-items.ts); `readAndClaim`, `read`
 * and claiming, marking and releasing its tenant's notifications only (the reminders and the digest,
 * which write nothing else); `readAndLease`, `read` and taking and giving back the public site's lease
 * only (publish-public, shared/store/compile-lease.ts); `readAndCompile`, `read` and rewriting its
 * tenant's compiled quarters under their compile leases only (the compiles, shared/quarter-compile.ts);
 * `readWrite`, everything item-level.
 */
export type TableAccess = 'read' | 'append' | 'appendAndClaim' | 'readAndClaim' | 'readAndLease' | 'readAndCompile' | 'readWrite';

const readActions = ['dynamodb:GetItem', 'dynamodb:Query'];
const appendActions = [...readActions, 'dynamodb:PutItem'];

/** Item-level actions per access level: nothing table-wide (no Scan, no DescribeTable, no streams). */
export const tableActions: Readonly<Record<TableAccess, readonly string[]>> = {
  read: readActions,
  // For the internet-facing writers (report-form, submit-report, upload-sheet): no UpdateItem,
  // DeleteItem or BatchWriteItem, so a flaw in one of them cannot alter or erase what is recorded.
  append: appendActions,
  // For the mail intake, internet-facing as the forms are; what it changes besides is in keyedActions.
  appendAndClaim: appendActions,
  // What they write besides is in keyedActions.
  readAndClaim: readActions,
  readAndLease: readActions,
  readAndCompile: readActions,
  readWrite: [
    ...appendActions,
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
  ],
};

/**
 * What an access level may do besides its `tableActions`, only on items whose partition key matches
 * (`dynamodb:LeadingKeys`, an IAM `StringLike` pattern of the function's tenant): the mail intake marks
 * a claimed answer sent or releases it; the reminders and the digest claim, mark and release their
 * notifications; publish-public takes and gives back the public site's lease; a compile takes and
 * gives back its quarter's lease and rewrites the quarter's status partition in batches (puts, and
 * deletes of what the quarter no longer holds).
 */
export const keyedActions: Readonly<Partial<Record<TableAccess, { actions: readonly string[]; keys: (tenant: string) => readonly string[] }>>> = {
  appendAndClaim: { actions: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'], keys: (tenant) => [`${notificationKeys.partition(tenant, '')}*`] },
  readAndClaim: { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], keys: (tenant) => [`${notificationKeys.partition(tenant, '')}*`] },
  readAndLease: { actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], keys: (tenant) => [publicSiteLeaseKeys.partition(tenant)] },
  readAndCompile: {
    actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
    keys: (tenant) => [`${statusKeys.partition(tenant, '')}*`, `${compileLeaseKeys.partition(tenant, '')}*`],
  },
};

/** Indexes can only be queried, whatever the access level. */
export const indexActions: readonly string[] = ['dynamodb:Query'];

/**
 * The indexes each function queries, by function folder; a function not listed queries none and gets
 * no grant on any index. The quarter index serves `reportsOfQuarter` (shared/store/report-items.ts).
 */
export const indexQueries: Readonly<Record<string, readonly string[]>> = {
  'read-status': [byQuarterIndex.indexName],
  dashboard: [byQuarterIndex.indexName],
  'apply-report': [byQuarterIndex.indexName],
  'publish-public': [byQuarterIndex.indexName],
  'send-reminders': [byQuarterIndex.indexName],
  'compile-quarter': [byQuarterIndex.indexName],
};

export interface DataProps {
  /**
   * Physical table name. Leave it unset so CloudFormation names the table: two stacks (stages,
   * accounts) never collide, and the functions learn the name from `TABLE_NAME` anyway.
   *
   * @default - a name generated by CloudFormation
   */
  readonly tableName?: string;

  /**
   * What happens to the table when it leaves the stack. The table holds the city's reports, so it is
   * kept; tests and throw-away stages may choose DESTROY (deletion protection still applies).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Refuse `DeleteTable` even from an administrator until this is switched off.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * The DynamoDB table (`TableV2`): on-demand, point-in-time recovery, deletion protection, TTL on
 * `expiresAt`, a NEW_IMAGE stream, server-side encryption with the AWS-managed key `aws/dynamodb`.
 *
 * Encryption choice: the AWS-managed key rather than a customer-managed one. The table holds a
 * published plan, progress reports and staff directory entries; every key use is still logged in
 * CloudTrail, but there is no key policy to maintain, no `kms:Decrypt` grant per function, no
 * monthly key charge and no way to lose the data by scheduling a key for deletion. Switch to
 * `TableEncryptionV2.customerManagedKey()` if the city's policy requires crypto-shredding or
 * cross-account key control.
 */
export class Data extends Construct {
  readonly table: dynamodb.TableV2;
  /** The CreateTable description the table was built from (shared/store/table.ts). */
  readonly definition: CreateTableCommandInput;
  /** Names of the global secondary indexes, from the definition. */
  readonly indexNames: readonly string[];

  constructor(scope: Construct, id: string, props: DataProps = {}) {
    super(scope, id);
    this.definition = createTableInput(props.tableName ?? defaultTableName);
    // The definition always carries a name (DynamoDB Local needs one); on AWS only an explicit one is used.
    const { tableName: _localName, ...mapped } = tablePropsFromDefinition(this.definition);
    this.indexNames = (mapped.globalSecondaryIndexes ?? []).map((gsi) => gsi.indexName);

    this.table = new dynamodb.TableV2(this, 'Table', {
      ...mapped,
      tableName: props.tableName,
      timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection ?? true,
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  /**
   * Grant item-level access to the table and query access to the named indexes (`indexes`), by exact
   * ARN (no `index/*` wildcard). `tenant` is the grantee's, for the levels with `keyedActions`.
   */
  grantData(grantee: iam.IGrantable, access: TableAccess, indexes: readonly string[] = [], tenant?: string): iam.Grant {
    let tableGrant = iam.Grant.addToPrincipal({
      grantee,
      actions: [...tableActions[access]],
      resourceArns: [this.table.tableArn],
    });
    const keyed = keyedActions[access];
    if (keyed) {
      if (tenant === undefined) throw new Error(`${access} にはテナントが必要です / ${access} needs the tenant`);
      tableGrant = tableGrant.combine(
        iam.Grant.addToPrincipal({
          grantee,
          actions: [...keyed.actions],
          resourceArns: [this.table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...keyed.keys(tenant)] } },
        }),
      );
    }
    const unknown = indexes.filter((name) => !this.indexNames.includes(name));
    if (unknown.length > 0) {
      throw new Error(`テーブルにないインデックスです / the table has no index ${unknown.join(', ')}`);
    }
    if (indexes.length === 0) return tableGrant;
    const indexGrant = iam.Grant.addToPrincipal({
      grantee,
      actions: [...indexActions],
      resourceArns: indexes.map((name) => `${this.table.tableArn}/index/${name}`),
    });
    return tableGrant.combine(indexGrant);
  }
}

/** The `TableV2` props that a CreateTable request determines; exported for tests. */
export type DefinitionTableProps = Pick<
  dynamodb.TablePropsV2,
  'tableName' | 'partitionKey' | 'sortKey' | 'billing' | 'globalSecondaryIndexes' | 'dynamoStream'
>;

/**
 * Map a CreateTable request onto `TableV2` props. Fields this project does not use (LSIs, provisioned
 * capacity, SSE in the request, …) are rejected rather than silently dropped.
 */
export function tablePropsFromDefinition(input: CreateTableCommandInput): DefinitionTableProps {
  const unsupported = (['LocalSecondaryIndexes', 'ProvisionedThroughput', 'SSESpecification', 'TableClass'] as const).filter(
    (field) => input[field] !== undefined,
  );
  if (unsupported.length > 0) {
    throw new Error(
      `テーブル定義の ${unsupported.join(', ')} は CDK への変換に未対応です / ` +
        `table definition field(s) ${unsupported.join(', ')} are not mapped to CDK`,
    );
  }
  const attributeType = (name: string): dynamodb.AttributeType => {
    const def = input.AttributeDefinitions?.find((a) => a.AttributeName === name);
    switch (def?.AttributeType) {
      case 'S':
        return dynamodb.AttributeType.STRING;
      case 'N':
        return dynamodb.AttributeType.NUMBER;
      case 'B':
        return dynamodb.AttributeType.BINARY;
      default:
        throw new Error(`属性 ${name} の型が定義にありません / attribute ${name} has no AttributeDefinition`);
    }
  };
  const keys = (schema: KeySchemaElement[] | undefined, where: string) => {
    const hash = schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
    const range = schema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
    if (!hash) throw new Error(`${where} にパーティションキーがありません / ${where} has no HASH key`);
    return {
      partitionKey: { name: hash, type: attributeType(hash) },
      ...(range ? { sortKey: { name: range, type: attributeType(range) } } : {}),
    };
  };
  const projection = (gsi: GlobalSecondaryIndex) => {
    switch (gsi.Projection?.ProjectionType ?? 'ALL') {
      case 'ALL':
        return { projectionType: dynamodb.ProjectionType.ALL };
      case 'KEYS_ONLY':
        return { projectionType: dynamodb.ProjectionType.KEYS_ONLY };
      case 'INCLUDE':
        return { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: gsi.Projection?.NonKeyAttributes ?? [] };
      default:
        throw new Error(`未知の射影 / unknown projection: ${String(gsi.Projection?.ProjectionType)}`);
    }
  };
  if (input.BillingMode !== 'PAY_PER_REQUEST') {
    throw new Error(`オンデマンド以外の課金は未対応です / only PAY_PER_REQUEST is mapped, got ${String(input.BillingMode)}`);
  }
  const stream = input.StreamSpecification;
  return {
    tableName: input.TableName,
    ...keys(input.KeySchema, 'table'),
    billing: dynamodb.Billing.onDemand(),
    globalSecondaryIndexes: (input.GlobalSecondaryIndexes ?? []).map((gsi) => {
      if (!gsi.IndexName) throw new Error('GSI に名前がありません / a GSI has no IndexName');
      return { indexName: gsi.IndexName, ...keys(gsi.KeySchema, gsi.IndexName), ...projection(gsi) };
    }),
    ...(stream?.StreamEnabled
      ? { dynamoStream: dynamodb.StreamViewType[stream.StreamViewType ?? 'NEW_AND_OLD_IMAGES'] }
      : {}),
  };
}
