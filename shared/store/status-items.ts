/**
 * Compiled quarterly status: one partition per tenant and quarter, one item per 事業 and per roll-up.
 * Keys are derived from what they describe, so compiling a quarter again overwrites exactly the same
 * items and touches nothing else.
 */
import { randomUUID } from 'node:crypto';
import {
  CompiledMeasureStatusSchema,
  RollupSchema,
  type CompiledMeasureStatus,
  type Rollup,
} from '../domain/status.ts';
import { compareIds } from '../domain/ids.ts';
import { batchWrite, putRequest } from './batch.ts';
import { queryAll } from './query.ts';
import type { Store } from './store.ts';
import { tenantPrefix } from './table.ts';

export const statusKeys = {
  partition: (tenant: string, quarter: string) => `${tenantPrefix(tenant)}STATUS#${quarter}`,
  measure: (measureId: string) => `MEASURE#${measureId}`,
  rollup: (scope: Rollup['scope'], scopeId: string) => `ROLLUP#${scope}#${scopeId}`,
};

/**
 * What every item of one write of a quarter carries: the compile's time, and the write's own id. Two
 * writes may carry the same time (a recompile is never stamped earlier than the compile before it), so
 * the id is what tells a reader that the items it got come from two writes.
 */
interface WriteStamp {
  compiledAt: string;
  writeId: string;
}

export function measureStatusToItem(tenant: string, status: CompiledMeasureStatus, stamp: WriteStamp) {
  return {
    pk: statusKeys.partition(tenant, status.quarter),
    sk: statusKeys.measure(status.measureId),
    type: 'CompiledMeasureStatus',
    ...stamp,
    ...status,
  };
}

export function rollupToItem(tenant: string, rollup: Rollup, stamp: WriteStamp) {
  return {
    pk: statusKeys.partition(tenant, rollup.quarter),
    sk: statusKeys.rollup(rollup.scope, rollup.scopeId),
    type: 'Rollup',
    ...stamp,
    ...rollup,
  };
}

export interface CompiledQuarter {
  measures: CompiledMeasureStatus[];
  rollups: Rollup[];
  /** When the quarter was last compiled (the newest `compiledAt` of its items, ISO); set when read back. */
  compiledAt?: string;
}

/** Write a quarter's compiled status (all of it, idempotently). */
export async function saveCompiledQuarter(store: Store, compiled: CompiledQuarter, compiledAt: Date): Promise<void> {
  const stamp: WriteStamp = { compiledAt: compiledAt.toISOString(), writeId: randomUUID() };
  await batchWrite(store, [
    ...compiled.measures.map((m) => putRequest(measureStatusToItem(store.tenant, m, stamp))),
    ...compiled.rollups.map((r) => putRequest(rollupToItem(store.tenant, r, stamp))),
  ]);
}

export interface LoadCompiledOptions {
  /** Reads of a partition found half rewritten before it is taken as it is. @default 4 */
  attempts?: number;
  /** Wait before the second read; doubles for each further one. @default 100 */
  retryDelayMs?: number;
}

/**
 * The compiled status of a quarter, or undefined before its first compile. Read strongly consistent:
 * the digest, the public page and the open data are built right after `QuarterCompiled`, and an
 * eventually consistent read could still miss the items the compile has just written.
 *
 * A compile rewrites every item of the partition, in batches, each stamped with the write's id and the
 * compile's `compiledAt`. A read that finds two stamps met a compile half way, whose 事業 and roll-ups
 * would not agree, so it reads again after a pause (100, 200, 400 ms by default). A partition still mixed after
 * the last read (a compile that died half way, until the next one) is returned as read.
 */
export async function loadCompiledQuarter(store: Store, quarter: string, options: LoadCompiledOptions = {}): Promise<CompiledQuarter | undefined> {
  const { attempts = 4, retryDelayMs = 100 } = options;
  let items: Record<string, unknown>[] = [];
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** (attempt - 2)));
    items = await queryAll(store, {
      ConsistentRead: true,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': statusKeys.partition(store.tenant, quarter) },
    });
    // Items written before writes had an id are told apart by their time alone.
    if (new Set(items.map((i) => `${String(i.writeId ?? '')}|${String(i.compiledAt ?? '')}`)).size <= 1) break;
  }
  if (items.length === 0) return undefined;
  return {
    measures: items
      .filter((i) => i.type === 'CompiledMeasureStatus')
      .map((i) => CompiledMeasureStatusSchema.parse(i))
      .sort((a, b) => compareIds(a.measureId, b.measureId)),
    rollups: items.filter((i) => i.type === 'Rollup').map((i) => RollupSchema.parse(i)),
    compiledAt: items.map((i) => String(i.compiledAt ?? '')).reduce((a, b) => (b > a ? b : a), '') || undefined,
  };
}
