/** Query every page of a result: callers want all items of a partition, not the first megabyte. */
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Store } from './store.ts';

export async function queryAll(
  store: Store,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.query({ ...input, TableName: store.tableName, ExclusiveStartKey: startKey });
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
