/**
 * BatchWriteItem in chunks of 25, resending unprocessed items with backoff: DynamoDB may accept only
 * part of a batch under load, and silently dropping the rest would lose data. Up to four chunks are
 * in flight at once, so a compile that writes a few hundred items waits for one round trip per four
 * chunks instead of one per chunk; the requests of one call must name distinct keys (DynamoDB
 * refuses a batch that names a key twice, and across chunks the order is not kept).
 */
import type { BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Store } from './store.ts';

type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

const maxBatch = 25;
const maxAttempts = 8;
const chunksInFlight = 4;

export async function batchWrite(store: Store, requests: WriteRequest[]): Promise<void> {
  const chunks: WriteRequest[][] = [];
  for (let start = 0; start < requests.length; start += maxBatch) chunks.push(requests.slice(start, start + maxBatch));
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < chunks.length) {
      const chunk = chunks[next]!;
      next += 1;
      try {
        await writeChunk(store, chunk);
      } catch (error) {
        // The other workers finish the chunk they are writing and take no new one.
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(chunksInFlight, chunks.length) }, worker));
}

async function writeChunk(store: Store, chunk: WriteRequest[]): Promise<void> {
  let pending = chunk;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > maxAttempts) {
      throw new Error(`一括書き込みが完了しませんでした (${pending.length} 件未処理) / batch write left ${pending.length} items unprocessed`);
    }
    const result = await store.doc.batchWrite({ RequestItems: { [store.tableName]: pending } });
    pending = result.UnprocessedItems?.[store.tableName] ?? [];
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 2 ** attempt * 25));
  }
}

export function putRequest(item: Record<string, unknown>): WriteRequest {
  return { PutRequest: { Item: item } };
}

export function deleteRequest(key: Record<string, unknown>): WriteRequest {
  return { DeleteRequest: { Key: key } };
}
