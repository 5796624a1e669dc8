/**
 * DynamoDB as the store uses it: the document operations (plain JavaScript values in and out, marshalled
 * to DynamoDB's attribute values on the way) behind one small interface, `DocumentDb`. Its inputs and
 * outputs are exactly those of the SDK's document client (`@aws-sdk/lib-dynamodb`), whose types it
 * borrows, so the store reads like SDK code.
 *
 * Functions get it from `createDocumentClient()`: DynamoDB's JSON API through the function's own client
 * (`./client.ts`), the documents marshalled with the SDK's own `@aws-sdk/util-dynamodb`, the very
 * conversion the SDK's document client applies. Tools that run on a laptop against AWS with a profile
 * or SSO login use the SDK's document client instead (`#local/aws-local` `sdkDocumentDb`), which
 * implements the same interface; test/integration/document-db.test.ts holds both to the same answers.
 */
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
import { awsClient, type AwsConnection } from './client.ts';

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

/**
 * Undefined attributes are left out, empty strings are kept: for this client and the SDK's alike.
 * Frozen, because the SDK's document client writes its own defaults into the options object it is
 * given (`convertTopLevelContainer`): it must be given a copy.
 */
export const documentMarshallOptions = Object.freeze({ removeUndefinedValues: true, convertEmptyValues: false });

type Doc = Record<string, unknown>;
type AttributeMap = Parameters<typeof unmarshall>[0];
const toAttributes = (doc: Doc | undefined) => (doc ? marshall(doc, documentMarshallOptions) : undefined);
const fromAttributes = (item: unknown) => (item ? unmarshall(item as AttributeMap) : undefined);

/** A copy of `input` with the named document fields marshalled (those present). */
function marshalled(input: object, fields: readonly string[]): Doc {
  const out: Doc = { ...input };
  for (const field of fields) if (out[field] !== undefined) out[field] = toAttributes(out[field] as Doc);
  return out;
}

/** A copy of `output` with the named fields unmarshalled (lists of items for `Items`). */
function unmarshalled(output: Doc, fields: readonly string[]): any {
  const out: Doc = { ...output };
  for (const field of fields) {
    const value = out[field];
    if (value !== undefined) out[field] = Array.isArray(value) ? value.map(fromAttributes) : fromAttributes(value);
  }
  return out;
}

/** The writes of a BatchWriteItem, `RequestItems` or `UnprocessedItems`, converted item by item. */
function batchWrites(requests: Record<string, Doc[]> | undefined, convert: (doc: any) => any) {
  if (!requests) return undefined;
  return Object.fromEntries(
    Object.entries(requests).map(([table, writes]) => [
      table,
      writes.map((write) => {
        const { PutRequest, DeleteRequest } = write as { PutRequest?: { Item: Doc }; DeleteRequest?: { Key: Doc } };
        return PutRequest ? { PutRequest: { Item: convert(PutRequest.Item) } } : { DeleteRequest: { Key: convert(DeleteRequest!.Key) } };
      }),
    ]),
  );
}

/** The fields of each operation's input and output that hold documents. */
const keyed = ['Key', 'ExpressionAttributeValues'] as const;
const paged = ['ExpressionAttributeValues', 'ExclusiveStartKey'] as const;

/**
 * The DynamoDB document client of a function. Every operation goes to the endpoint of `connection`
 * or of the environment; the client is configured by the first operation. Inputs are never changed.
 */
export function createDocumentClient(connection: AwsConnection = {}): DocumentDb {
  const client = awsClient('DYNAMODB', connection);
  const call = (operation: string, input: object) => client.json<Doc>(`DynamoDB_20120810.${operation}`, input, '1.0');
  return {
    get: async (input) => unmarshalled(await call('GetItem', marshalled(input, ['Key'])), ['Item']),
    put: async (input) => unmarshalled(await call('PutItem', marshalled(input, ['Item', 'ExpressionAttributeValues'])), ['Attributes']),
    update: async (input) => unmarshalled(await call('UpdateItem', marshalled(input, keyed)), ['Attributes']),
    delete: async (input) => unmarshalled(await call('DeleteItem', marshalled(input, keyed)), ['Attributes']),
    query: async (input) => ({ Items: [], ...unmarshalled(await call('Query', marshalled(input, paged)), ['Items', 'LastEvaluatedKey']) }),
    scan: async (input) => ({ Items: [], ...unmarshalled(await call('Scan', marshalled(input, paged)), ['Items', 'LastEvaluatedKey']) }),
    batchWrite: async (input) => {
      const output = await call('BatchWriteItem', { ...input, RequestItems: batchWrites(input.RequestItems as Record<string, Doc[]>, toAttributes) });
      return { ...output, UnprocessedItems: batchWrites(output.UnprocessedItems as Record<string, Doc[]> | undefined, fromAttributes) };
    },
    transactWrite: (input) =>
      call('TransactWriteItems', {
        ...input,
        TransactItems: (input.TransactItems ?? []).map((item) =>
          Object.fromEntries(Object.entries(item).map(([operation, body]) => [operation, marshalled(body as object, ['Item', 'Key', 'ExpressionAttributeValues'])])),
        ),
      }),
  };
}
