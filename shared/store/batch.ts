/**
 * BatchWriteItem in chunks of 25, resending unprocessed items with backoff: DynamoDB may accept only
 * part of a batch under load, and silently dropping the rest would lose data. Up to four chunks are
 * in flight at once, so a compile that writes a few hundred items waits for one round trip per four
 * chunks instead of one per chunk; the requests of one call must name distinct keys (DynamoDB
 * refuses a batch that names a key twice, and across chunks the order is not kept). When a chunk
 * fails, the call fails once the chunks in flight have settled, so none of its writes lands after it.
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
  // Once a chunk has failed, the other workers take no new chunk and resend nothing: the call is
  // going to fail, and its caller may hand on what it holds (the compile lease) as soon as it does.
  const run: { failed: boolean; error?: unknown } = { failed: false };
  let next = 0;
  const worker = async () => {
    while (!run.failed && next < chunks.length) {
      const chunk = chunks[next]!;
      next += 1;
      try {
        await writeChunk(store, chunk, run);
      } catch (error) {
        if (!run.failed) run.error = error;
        run.failed = true;
      }
    }
  };
  // Every worker settles before the call does, so no write of this call lands after it has failed;
  // the error thrown is the first chunk's to fail.
  await Promise.all(Array.from({ length: Math.min(chunksInFlight, chunks.length) }, worker));
  if (run.failed) throw run.error;
}

async function writeChunk(store: Store, chunk: WriteRequest[], run: { readonly failed: boolean }): Promise<void> {
  let pending = chunk;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > maxAttempts) {
      throw new Error(`一括書き込みが完了しませんでした (${pending.length} 件未処理) / batch write left ${pending.length} items unprocessed`);
    }
    const result = await store.doc.batchWrite({ RequestItems: { [store.tableName]: pending } });
    pending = result.UnprocessedItems?.[store.tableName] ?? [];
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 2 ** attempt * 25));
    // Another chunk failed: what is left unprocessed stays unwritten, as the call's error says.
    if (run.failed) return;
  }
}

export function putRequest(item: Record<string, unknown>): WriteRequest {
  return { PutRequest: { Item: item } };
}

export function deleteRequest(key: Record<string, unknown>): WriteRequest {
  return { DeleteRequest: { Key: key } };
}
