/**
 * What every store function needs: the document client, the table, and the tenant (municipality)
 * whose partition it works in. Built once per handler module, or once per test.
 */
import type { DocumentDb } from '../aws/dynamodb.ts';
import { tenantPrefix } from './table.ts';

export interface Store {
  readonly doc: DocumentDb;
  readonly tableName: string;
  readonly tenant: string;
}

export function createStore(doc: DocumentDb, tableName: string, tenant: string): Store {
  tenantPrefix(tenant); // validates the tenant before any key is built from it
  return { doc, tableName, tenant };
}

/** True when DynamoDB refused a write because its condition did not hold. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
