/**
 * DynamoDB as the store uses it: the document operations (plain JavaScript values in and out, marshalled
 * to DynamoDB's attribute values on the way) behind one small interface, `DocumentDb`. Its inputs and
 * outputs are exactly those of the SDK's document client (`@aws-sdk/lib-dynamodb`), whose types it
 * borrows, so the store reads like SDK code.
 *
 * Functions get it from `createDocumentClient()`: aws-lite's DynamoDB plugin, one client per module
 * (see `./client.ts` for why aws-lite and where the endpoint comes from). Tools that run on a laptop
 * against AWS with a profile or SSO login use the SDK's document client instead (`#local/aws-local`
 * `sdkDocumentDb`), which implements the same interface.
 */
import dynamodbPlugin from '@aws-lite/dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  TransactWriteCommandInput,
  TransactWriteCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { lazyAwsClient, type AwsConnection } from './client.ts';

/** An operation's output without the SDK's `$metadata`. */
type Output<T> = Omit<T, '$metadata'>;

/** The document operations the store and its tools use. */
export interface DocumentDb {
  get(input: GetCommandInput): Promise<Output<GetCommandOutput>>;
  put(input: PutCommandInput): Promise<Output<PutCommandOutput>>;
  update(input: UpdateCommandInput): Promise<Output<UpdateCommandOutput>>;
  delete(input: DeleteCommandInput): Promise<Output<DeleteCommandOutput>>;
  query(input: QueryCommandInput): Promise<Output<QueryCommandOutput>>;
  scan(input: ScanCommandInput): Promise<Output<ScanCommandOutput>>;
  batchWrite(input: BatchWriteCommandInput): Promise<Output<BatchWriteCommandOutput>>;
  transactWrite(input: TransactWriteCommandInput): Promise<Output<TransactWriteCommandOutput>>;
}

/** Undefined attributes are left out, empty strings are kept: for this client and the SDK's alike. */
export const documentMarshallOptions = { removeUndefinedValues: true, convertEmptyValues: false };

type Key = Record<string, unknown>;
const marshallKey = (key: Key | undefined) => (key ? marshall(key, documentMarshallOptions) : undefined);
const unmarshallKey = (key: Key | undefined) => (key ? unmarshall(key as Parameters<typeof unmarshall>[0]) : undefined);

/**
 * The DynamoDB document client of a function (aws-lite). Every operation goes to the endpoint of
 * `connection` or of the environment; the client is made by the first operation.
 */
export function createDocumentClient(connection: AwsConnection = {}): DocumentDb {
  // The plugin's methods take the document shapes; `awsjsonMarshall` are its marshalling options.
  const client = lazyAwsClient('DYNAMODB', connection, [dynamodbPlugin], { awsjsonMarshall: documentMarshallOptions });
  const call = async (method: string, input: object): Promise<any> => {
    const aws = (await client()) as unknown as { DynamoDB: Record<string, (input: object) => Promise<unknown>> };
    return aws.DynamoDB[method]!(input);
  };
  const paged = async (method: 'Query' | 'Scan', input: QueryCommandInput | ScanCommandInput) => {
    const { ExclusiveStartKey, ...rest } = input;
    // The plugin leaves these two keys in DynamoDB's own format; the interface speaks documents.
    const page = await call(method, ExclusiveStartKey ? { ...rest, ExclusiveStartKey: marshallKey(ExclusiveStartKey) } : rest);
    return { ...page, Items: page.Items ?? [], LastEvaluatedKey: unmarshallKey(page.LastEvaluatedKey) };
  };
  return {
    get: (input) => call('GetItem', input),
    put: (input) => call('PutItem', input),
    update: (input) => call('UpdateItem', input),
    delete: (input) => call('DeleteItem', input),
    query: (input) => paged('Query', input),
    scan: (input) => paged('Scan', input),
    batchWrite: (input) => call('BatchWriteItem', input),
    // The plugin marshals each operation in place: give it copies, so the caller's input stays as it was.
    transactWrite: (input) =>
      call('TransactWriteItems', {
        ...input,
        TransactItems: (input.TransactItems ?? []).map((item) =>
          Object.fromEntries(Object.entries(item).map(([operation, body]) => [operation, { ...body }])),
        ),
      }),
  };
}
