/**
 * BatchWriteItem in chunks of 25, resending unprocessed items with backoff: DynamoDB may accept only
 * part of a batch under load, and silently dropping the rest would lose data.
 */
import { BatchWriteCommand, type BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Store } from './store.ts';

type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

const maxBatch = 25;
const maxAttempts = 8;

export async function batchWrite(store: Store, requests: WriteRequest[]): Promise<void> {
  for (let start = 0; start < requests.length; start += maxBatch) {
    let pending = requests.slice(start, start + maxBatch);
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > maxAttempts) {
        throw new Error(
          `一括書き込みが完了しませんでした (${pending.length} 件未処理) / batch write left ${pending.length} items unprocessed`,
        );
      }
      const result = await store.doc.send(
        new BatchWriteCommand({ RequestItems: { [store.tableName]: pending } }),
      );
      pending = result.UnprocessedItems?.[store.tableName] ?? [];
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 2 ** attempt * 25));
    }
  }
}

export function putRequest(item: Record<string, unknown>): WriteRequest {
  return { PutRequest: { Item: item } };
}

export function deleteRequest(key: Record<string, unknown>): WriteRequest {
  return { DeleteRequest: { Key: key } };
}
