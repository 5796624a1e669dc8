/**
 * Reading a compiled quarter (shared/store/status-items.ts) against a fake DocumentDb: every page of
 * the status partition is read strongly consistent, since the readers run right after the compile
 * has written it.
 */
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { expect, it } from 'vitest';
import type { DocumentDb } from '#shared/aws/dynamodb';
import { loadCompiledQuarter, statusKeys } from '#shared/store/status-items';
import { createStore } from '#shared/store/store';

it('reads every page of the status partition strongly consistent', async () => {
  // Prepare: two pages, the first with a continuation key
  const queries: QueryCommandInput[] = [];
  const doc = {
    query: async (input: QueryCommandInput) => {
      queries.push(input);
      return queries.length === 1 ? { Items: [], LastEvaluatedKey: { pk: 'x', sk: 'y' } } : { Items: [] };
    },
  } as unknown as DocumentDb;
  const store = createStore(doc, 'table', 'shimotsuke');
  // Act
  const compiled = await loadCompiledQuarter(store, 'FY2013-Q2');
  // Assess
  expect(compiled).toBeUndefined();
  expect(queries).toHaveLength(2);
  for (const query of queries) {
    expect(query.ConsistentRead).toBe(true);
    expect(query.ExpressionAttributeValues).toEqual({ ':pk': statusKeys.partition('shimotsuke', 'FY2013-Q2') });
  }
});
