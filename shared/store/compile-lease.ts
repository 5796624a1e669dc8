/**
 * The compile lease: one compile of a tenant's quarter at a time. Two compiles running side by side
 * (the scheduled one and a late report's, or two late reports') would each write the status items
 * from what they read, and whichever wrote last would win item by item — a report the other had
 * seen could vanish from the status. A compile holds the lease while it reads and writes; the next
 * one waits for it, then reads what the first one stored.
 *
 * The lease is a conditional put with an expiry, so a holder that dies (a Lambda timeout) delays the
 * next compile by at most `leaseSeconds` and blocks nothing for good. It lives in a partition of its
 * own, apart from the status partition the compile reads and rewrites whole. The put also succeeds over
 * the caller's own lease: when the client sends it again after losing the answer to the one that was
 * written (a 5xx or a dropped connection), the compile holds the lease instead of waiting for itself.
 *
 * The public site has a lease of the same kind: a publish takes its snapshot of the compiled quarters
 * while holding it, so two publishes (one per QuarterCompiled) write one after the other, the later one
 * from the later snapshot, and an older state never overwrites a newer one.
 */
import { randomUUID } from 'node:crypto';
import { isConditionFailure, type Store } from './store.ts';
import { tenantPrefix, timeToLiveAttribute } from './table.ts';

export const compileLeaseKeys = {
  partition: (tenant: string, quarter: string) => `${tenantPrefix(tenant)}COMPILE#${quarter}`,
  item: () => 'LEASE',
};

/** Longer than any compiling function may run (compile-quarter: 2 minutes), so a live holder keeps it. */
export const leaseSeconds = 180;

/** Another compile of the quarter still holds the lease after waiting: retry later (Lambda does). */
export class CompileBusyError extends Error {
  constructor(readonly quarter: string, waitedMs: number) {
    super(
      `四半期 ${quarter} は別の集計が実行中です (${Math.round(waitedMs / 1000)} 秒待ちました。後で再試行します) / ` +
        `another compile of ${quarter} is running (waited ${Math.round(waitedMs / 1000)} s; retry later)`,
    );
    this.name = 'CompileBusyError';
  }
}

export interface LeaseOptions {
  /** How long to wait for a held lease before giving up with `CompileBusyError`. @default 20000 */
  waitMs?: number;
  /** Pause between attempts while waiting. @default 250 */
  pollMs?: number;
  /** The clock the expiry is reckoned by. @default the system clock */
  now?: () => Date;
}

/** A lease's item and what a caller that waited in vain is told. */
interface Lease {
  pk: string;
  busy: (waitedMs: number) => Error;
}

const compileLease = (store: Store, quarter: string): Lease => ({
  pk: compileLeaseKeys.partition(store.tenant, quarter),
  busy: (waited) => new CompileBusyError(quarter, waited),
});

/** Take the lease of the quarter, waiting up to `waitMs` for a holder to finish. Returns the holder id. */
export function acquireCompileLease(store: Store, quarter: string, options: LeaseOptions = {}): Promise<string> {
  return acquireLease(store, compileLease(store, quarter), options);
}

/** Give the lease back; a lease that expired and was taken over by another compile is left alone. */
export function releaseCompileLease(store: Store, quarter: string, holder: string): Promise<void> {
  return releaseLease(store, compileLease(store, quarter), holder);
}

async function acquireLease(store: Store, lease: Lease, options: LeaseOptions): Promise<string> {
  const { waitMs = 20_000, pollMs = 250, now = () => new Date() } = options;
  const holder = randomUUID();
  const started = Date.now();
  for (;;) {
    const at = now();
    try {
      await store.doc.put({
        TableName: store.tableName,
        Item: {
          pk: lease.pk,
          sk: compileLeaseKeys.item(),
          type: 'CompileLease',
          holder,
          acquiredAt: at.toISOString(),
          // Epoch seconds: the condition below decides; TTL only clears old leases away.
          [timeToLiveAttribute]: Math.floor(at.getTime() / 1000) + leaseSeconds,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR #expires < :now OR holder = :holder',
        ExpressionAttributeNames: { '#expires': timeToLiveAttribute },
        ExpressionAttributeValues: { ':now': Math.floor(at.getTime() / 1000), ':holder': holder },
      });
      return holder;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const waited = Date.now() - started;
    if (waited >= waitMs) throw lease.busy(waited);
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, waitMs - waited)));
  }
}

async function releaseLease(store: Store, lease: Lease, holder: string): Promise<void> {
  try {
    await store.doc.delete({
      TableName: store.tableName,
      Key: { pk: lease.pk, sk: compileLeaseKeys.item() },
      ConditionExpression: 'holder = :holder',
      ExpressionAttributeValues: { ':holder': holder },
    });
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * Run `work` holding the quarter's lease; the lease is given back however `work` ends. When both
 * `work` and the release fail, `work`'s error is the one thrown (the lease then expires by itself).
 */
export function withCompileLease<T>(store: Store, quarter: string, options: LeaseOptions, work: () => Promise<T>): Promise<T> {
  return withLease(store, compileLease(store, quarter), options, work);
}

/** The public site's lease (see above): its own partition, apart from every quarter's compile lease. */
export const publicSiteLeaseKeys = {
  partition: (tenant: string) => `${tenantPrefix(tenant)}PUBLISH#SITE`,
};

/** Another publish of the public site still holds its lease after waiting: retry later (Lambda does). */
export class PublicSiteBusyError extends Error {
  constructor(waitedMs: number) {
    super(
      `公開ページは別の書き出しが実行中です (${Math.round(waitedMs / 1000)} 秒待ちました。後で再試行します) / ` +
        `another publish of the public site is running (waited ${Math.round(waitedMs / 1000)} s; retry later)`,
    );
    this.name = 'PublicSiteBusyError';
  }
}

/** Run `work` holding the public site's lease, as {@link withCompileLease} does a quarter's. */
export function withPublicSiteLease<T>(store: Store, options: LeaseOptions, work: () => Promise<T>): Promise<T> {
  return withLease(store, { pk: publicSiteLeaseKeys.partition(store.tenant), busy: (waited) => new PublicSiteBusyError(waited) }, options, work);
}

async function withLease<T>(store: Store, lease: Lease, options: LeaseOptions, work: () => Promise<T>): Promise<T> {
  const holder = await acquireLease(store, lease, options);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await releaseLease(store, lease, holder).catch(() => undefined);
    throw error;
  }
  await releaseLease(store, lease, holder);
  return result;
}
