/**
 * How local code and the tools reach AWS parts. The local stack's parts take one region and dummy
 * credentials, for every client. The table administration (create, streams, delete) and the tools that
 * run on a laptop against AWS use the AWS SDK, which knows every way of signing in (profiles, SSO);
 * the functions themselves use the lighter client of `shared/aws/client.ts`.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { documentMarshallOptions, type DocumentDb } from '#shared/aws/dynamodb';
import type { SecretReader } from '#shared/config/secrets';

export const localRegion = 'ap-northeast-1';
/** The account id the local stack reports wherever AWS would put one. */
export const localAccount = '000000000000';
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export function localClientConfig(endpoint: string) {
  return { endpoint, region: localRegion, credentials: localCredentials };
}

/** The SDK's DynamoDB client, for table administration and DynamoDB Streams. */
export function createDynamoDbClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient(config);
}

/**
 * The store's `DocumentDb` on the SDK's document client: for the tools that write to a table on AWS
 * with the caller's own sign-in (`shinchoku load`, the sheet commands): profiles, SSO and the rest of the
 * SDK's credential chain, which the functions' client (environment credentials only) does not cover.
 */
export function sdkDocumentDb(config: DynamoDBClientConfig = {}): DocumentDb {
  const doc = DynamoDBDocumentClient.from(createDynamoDbClient(config), {
    // A copy: the document client sets its own defaults in the object it is given.
    marshallOptions: { ...documentMarshallOptions },
    unmarshallOptions: { wrapNumbers: false },
  });
  return {
    get: (input) => doc.send(new GetCommand(input)),
    put: (input) => doc.send(new PutCommand(input)),
    update: (input) => doc.send(new UpdateCommand(input)),
    delete: (input) => doc.send(new DeleteCommand(input)),
    query: (input) => doc.send(new QueryCommand(input)),
    scan: (input) => doc.send(new ScanCommand(input)),
    batchWrite: (input) => doc.send(new BatchWriteCommand(input)),
    transactWrite: (input) => doc.send(new TransactWriteCommand(input)),
  };
}

/** GetSecretValue with the SDK, for the same tools. */
export function sdkSecretReader(): SecretReader {
  const client = new SecretsManagerClient({});
  return async (arn) => (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
}
