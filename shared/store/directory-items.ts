/**
 * The department directory in DynamoDB: small, read whole, so it is one item per tenant.
 *
 * Like the plan, the directory is validated where it enters (`readDirectoryFile`) and read back as
 * written (see plan-items.ts).
 */
import type { Directory } from '../domain/directory.ts';
import type { Store } from './store.ts';
import { tenantPrefix } from './table.ts';

export const directoryKeys = {
  partition: (tenant: string) => `${tenantPrefix(tenant)}DIRECTORY`,
  item: () => 'DIRECTORY',
};

export function directoryToItem(tenant: string, directory: Directory) {
  return { pk: directoryKeys.partition(tenant), sk: directoryKeys.item(), type: 'Directory', directory };
}

export function directoryFromItem(item: Record<string, unknown>): Directory {
  return item.directory as Directory;
}

export async function saveDirectory(store: Store, directory: Directory): Promise<void> {
  if (directory.tenant !== store.tenant) {
    throw new Error(
      `名簿のテナント "${directory.tenant}" が保存先 "${store.tenant}" と異なります / directory tenant does not match the store's tenant`,
    );
  }
  await store.doc.put({ TableName: store.tableName, Item: directoryToItem(store.tenant, directory) });
}

export async function loadDirectory(store: Store): Promise<Directory | undefined> {
  const { Item } = await store.doc.get({
    TableName: store.tableName,
    Key: { pk: directoryKeys.partition(store.tenant), sk: directoryKeys.item() },
  });
  return Item ? directoryFromItem(Item) : undefined;
}
