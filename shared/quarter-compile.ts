/**
 * Compiling a quarter against the store: read the quarter's reports with one paginated query on the
 * quarter index, apply the rules of `shared/domain/compile.ts`, and store the result in the quarter's
 * status partition. Shared by the scheduled/on-demand compile (`functions/compile-quarter`), the
 * late-report update (`functions/apply-report`) and `shinchoku compile`.
 *
 * Recompiling is idempotent in the strict sense: when the new result equals what is stored, nothing
 * is written at all (the stored `compiledAt` stays, so the QuarterCompiled event of a retried run is
 * the same event). The event's `ranAt` is the compile's own clock, so a compile after the reports
 * were due that found nothing new still counts, for the digest, as a compile after the due date.
 * One exception: the first compile on or after the quarter's compile day (`compileDay`) that finds
 * the result of a compile made before that day (an on-demand compile of the open quarter) stamps it
 * again with its own time, once, so the stored quarter says it was compiled on its day: the public
 * site publishes only such a quarter, at every later publish too.
 * When the result differs, every item of the quarter's status partition is rewritten and items the
 * new result no longer has (a 事業 or 部会 dropped from the plan) are deleted; nothing outside that
 * partition is touched.
 *
 * A compile never goes back: one compile of a quarter runs at a time (`store/compile-lease.ts`), and
 * a report the stored status was compiled from is read by its key when the quarter index does not
 * show it yet, so a compile that follows another one always sees at least what that one saw.
 */
import type { QuarterCompiled } from '#events/catalog';
import { compileQuarter, planCounts, type CompiledQuarterStatus } from './domain/compile.ts';
import { formatQuarter, jstDate, parseQuarter, type LocalDate } from './domain/fiscal.ts';
import type { PlanFile } from './domain/plan.ts';
import type { StoredReport } from './domain/report.ts';
import { CompiledMeasureStatusSchema, RollupSchema } from './domain/status.ts';
import { batchWrite, deleteRequest } from './store/batch.ts';
import { withCompileLease, type LeaseOptions } from './store/compile-lease.ts';
import { queryAll } from './store/query.ts';
import { getReport, reportsOfQuarter } from './store/report-items.ts';
import { saveCompiledQuarter, statusKeys } from './store/status-items.ts';
import type { Store } from './store/store.ts';

/**
 * A QuarterCompiled event named a quarter whose compiled status is not stored: its targets
 * (publish-public, send-digest) fail, so that EventBridge retries the event.
 */
export class CompiledQuarterMissingError extends Error {
  constructor(quarter: string) {
    super(`四半期 ${quarter} の集計結果がありません / no compiled status for ${quarter}`);
    this.name = 'CompiledQuarterMissingError';
  }
}

/** A report the compile must see (the one whose event triggered it) is not readable yet. */
export class ReportNotVisibleError extends Error {
  constructor(measureId: string, quarter: string, version: number) {
    super(
      `報告 ${quarter} 事業 ${measureId} 第${version}版がまだ読み取れません (再試行します) / ` +
        `report ${quarter} ${measureId} v${version} is not readable yet (will be retried)`,
    );
    this.name = 'ReportNotVisibleError';
  }
}

export interface CompileOptions {
  /**
   * The compile's clock: decides what an open quarter has due, and stamps `compiledAt` on a change.
   * A clock earlier than the stored compile's is taken as that compile's time.
   */
  clock: Date;
  /**
   * A report that must be part of the compile. The quarter index is eventually consistent, so right
   * after a report is written the query may miss it; it is then read from the table by its key.
   */
  ensureReport?: { measureId: string; version: number };
  /**
   * The quarter's compile day (`quarterCompileDay`, the day after its reports are due). A compile on or
   * after it that finds unchanged the result of a compile made before it writes that result again with
   * its own time (see the module documentation). @default none: an unchanged result keeps its time
   */
  compileDay?: LocalDate;
  /** Compile only when the quarter has been compiled before (late reports); otherwise do nothing. */
  onlyIfCompiled?: boolean;
  /** How long to wait for another compile of the quarter to finish (see `LeaseOptions`). */
  lease?: LeaseOptions;
}

export interface CompileOutcome {
  quarter: string;
  compiled: CompiledQuarterStatus;
  /** False when the stored result was already exactly this one (nothing written, unless it was stamped again on its compile day). */
  changed: boolean;
  /** When the stored result was written: now, or the earlier compile's time when unchanged (and not stamped again). */
  compiledAt: Date;
  /** Reports read from the quarter index. */
  reportsRead: number;
  /** The QuarterCompiled detail for this result; its `ranAt` is this compile's clock, even when nothing changed. */
  event: QuarterCompiled;
}

/**
 * Compile a quarter and store it (see the module documentation). Returns undefined only when
 * `onlyIfCompiled` is set and the quarter has no compiled status yet.
 */
export async function compileAndSave(
  store: Store,
  plan: PlanFile,
  quarter: string,
  options: CompileOptions,
): Promise<CompileOutcome | undefined> {
  const canonical = formatQuarter(parseQuarter(quarter));
  return withCompileLease(store, canonical, options.lease ?? {}, () => compileHoldingLease(store, plan, canonical, options));
}

async function compileHoldingLease(
  store: Store,
  plan: PlanFile,
  canonical: string,
  options: CompileOptions,
): Promise<CompileOutcome | undefined> {
  const stored = await readStoredQuarter(store, canonical);
  if (options.onlyIfCompiled && stored.items.size === 0) return undefined;

  const reports = await reportsOfQuarter(store, canonical);
  const reportsRead = reports.length;
  if (options.ensureReport) await includeReport(store, canonical, reports, options.ensureReport);
  await includeStoredBasis(store, canonical, reports, stored.reportVersions);

  // Never behind the stored compile: a late report's event may carry an earlier time than the compile
  // had, and an earlier clock would un-due milestones of a quarter that has ended.
  const clock = stored.compiledAt && stored.compiledAt > options.clock ? stored.compiledAt : options.clock;
  const compiled = compileQuarter({ plan, quarter: canonical, reports, now: clock });
  const wanted = itemsOf(compiled);
  const changed = !sameItems(wanted, stored.items);
  const { compileDay } = options;
  const settlesEarlyResult = compileDay !== undefined && stored.compiledAt !== undefined && jstDate(stored.compiledAt) < compileDay && compileDay <= jstDate(clock);
  const write = changed || settlesEarlyResult;
  const compiledAt = write ? clock : (stored.compiledAt ?? clock);
  if (write) {
    await saveCompiledQuarter(store, compiled, compiledAt);
    const stale = [...stored.items.keys()].filter((sk) => !wanted.has(sk));
    await batchWrite(
      store,
      stale.map((sk) => deleteRequest({ pk: statusKeys.partition(store.tenant, canonical), sk })),
    );
  }
  return {
    quarter: canonical,
    compiled,
    changed,
    compiledAt,
    reportsRead,
    event: { tenant: store.tenant, quarter: canonical, compiledAt: compiledAt.toISOString(), ranAt: clock.toISOString(), counts: planCounts(compiled.rollups) },
  };
}

async function includeReport(
  store: Store,
  quarter: string,
  reports: StoredReport[],
  wanted: { measureId: string; version: number },
): Promise<void> {
  if (reports.some((r) => r.measureId === wanted.measureId && r.version === wanted.version)) return;
  const report = await getReport(store, wanted.measureId, quarter, wanted.version);
  if (!report) throw new ReportNotVisibleError(wanted.measureId, quarter, wanted.version);
  reports.push(report);
}

/**
 * The reports the stored status was compiled from that the quarter index does not show yet (it is
 * eventually consistent), read by their keys. A report that is not in the table at all (reports are
 * never deleted, so only data removed by hand) is left out.
 */
async function includeStoredBasis(store: Store, quarter: string, reports: StoredReport[], basis: Map<string, number>): Promise<void> {
  for (const [measureId, version] of basis) {
    if (reports.some((r) => r.measureId === measureId && r.version >= version)) continue;
    const report = await getReport(store, measureId, quarter, version);
    if (report) reports.push(report);
  }
}

interface StoredQuarter {
  /** sk → the item's content in canonical JSON (without keys and stamp). */
  items: Map<string, string>;
  /** 事業 id → the version of the report its stored status was compiled from. */
  reportVersions: Map<string, number>;
  compiledAt?: Date;
}

/** The quarter's stored status items, read with one query of its partition. */
async function readStoredQuarter(store: Store, quarter: string): Promise<StoredQuarter> {
  const raw = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': statusKeys.partition(store.tenant, quarter) },
    ConsistentRead: true,
  });
  const items = new Map<string, string>();
  const reportVersions = new Map<string, number>();
  let compiledAt: string | undefined;
  for (const item of raw) {
    const content =
      item.type === 'CompiledMeasureStatus'
        ? CompiledMeasureStatusSchema.safeParse(item)
        : item.type === 'Rollup'
          ? RollupSchema.safeParse(item)
          : undefined;
    // An item that no longer parses is kept under its key with no content, so it is rewritten.
    items.set(String(item.sk), content?.success ? canonicalJson(content.data) : '');
    if (content?.success && 'measureId' in content.data && content.data.reportVersion !== undefined) {
      reportVersions.set(content.data.measureId, content.data.reportVersion);
    }
    if (typeof item.compiledAt === 'string' && (compiledAt === undefined || item.compiledAt > compiledAt)) {
      compiledAt = item.compiledAt;
    }
  }
  return { items, reportVersions, compiledAt: compiledAt === undefined ? undefined : new Date(compiledAt) };
}

function itemsOf(compiled: CompiledQuarterStatus): Map<string, string> {
  const items = new Map<string, string>();
  for (const m of compiled.measures) {
    items.set(statusKeys.measure(m.measureId), canonicalJson(CompiledMeasureStatusSchema.parse(m)));
  }
  for (const r of compiled.rollups) items.set(statusKeys.rollup(r.scope, r.scopeId), canonicalJson(RollupSchema.parse(r)));
  return items;
}

function sameItems(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

/** JSON with object keys sorted and undefined values dropped, so equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
