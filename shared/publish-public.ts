/**
 * Publishing a compiled quarter for everyone: the static page, the open data next to it (CSV and
 * JSON) and the index of quarters, written to the public site (an S3 bucket behind CloudFront on
 * AWS, the local S3 on the local stack). Runs after each compile (`QuarterCompiled` →
 * `functions/publish-public`). Writing the same quarter again overwrites the same objects, so a
 * retried or replayed event does no harm.
 */
import { jstDate } from './domain/fiscal.ts';
import { toOpenDataCsv, toOpenDataJson } from './domain/open-data.ts';
import type { PlanFile } from './domain/plan.ts';
import { buildPublicQuarter } from './domain/public-status.ts';
import { quarterCompileDay, type ReminderConfig } from './domain/reminders.ts';
import type { ColourCounts } from './domain/status.ts';
import { loadProgressSnapshot, planQuarters, withReportsBehind } from './progress-snapshot.ts';
import { withPublicSiteLease, type LeaseOptions } from './store/compile-lease.ts';
import type { Store } from './store/store.ts';
import { publicSiteKeys, renderPublicIndex, renderPublicNotFound, renderPublicQuarterPage } from './web/public/page.ts';

/**
 * Whether a compiled quarter is on the public site at `now`: from its compile day (the day after its
 * reports are due) on, once a compile has run on or after that day (`compiledAt`, the newest of the
 * quarter's compile; the scheduled one runs that morning and asks for the page, and stamps its time
 * even on a result it found unchanged since an earlier compile, shared/quarter-compile.ts). Before, a compile
 * shows reports that are not due yet, so nothing of the quarter is published, and nothing links to
 * its page.
 */
export function isPublicFrom(quarter: string, compiledAt: string | undefined, now: Date, config: ReminderConfig): boolean {
  const day = quarterCompileDay(quarter, config);
  return compiledAt !== undefined && day <= jstDate(new Date(compiledAt)) && day <= jstDate(now);
}

/** Where the public files go: one call per object. */
export interface PublicSiteWriter {
  put(object: { key: string; body: string; contentType: string; cacheControl: string }): Promise<void>;
}

export const publicContentTypes = {
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
} as const;

/** Browsers and CloudFront may keep a page a few minutes; a re-compile shows up soon after. */
export const publicCacheControl = 'public, max-age=300';

export type PublishOutcome =
  | { outcome: 'published'; quarter: string; keys: string[] }
  | { outcome: 'not-compiled'; quarter: string }
  | { outcome: 'before-reports-due'; quarter: string; publishFrom: string };

/**
 * Publish a compiled quarter, refresh the other published quarters (a late report may have changed
 * them, and the index must never link to a page that is not there) and then the index. Only what
 * the compile settled goes out: a quarter not compiled is not published, and neither is a compile
 * run before the quarter's compile day (`quarterCompileDay`, the day after its reports are due, as
 * for the digest): a compile made early (`shinchoku compile` of the open quarter) would show citizens
 * as 未報告 reports that are not due. The compile on its day publishes it; the index lists only
 * quarters whose compile day has come.
 *
 * The snapshot is read and the site written holding the public site's lease (store/compile-lease.ts):
 * publishes run one after the other, each from what is compiled when it starts, so the last one to
 * write has read the newest state.
 */
export async function publishPublicPage(
  quarter: string,
  deps: {
    store: Store;
    plan: PlanFile;
    site: PublicSiteWriter;
    reminderConfig: ReminderConfig;
    /** When the compile that asks for the page ran (QuarterCompiled's `ranAt`). @default now */
    compileRanAt?: Date;
    now?: Date;
    /** How long to wait for another publish to finish. @default 60 s (publish-public may run 120 s) */
    lease?: LeaseOptions;
  },
): Promise<PublishOutcome> {
  const compileDay = quarterCompileDay(quarter, deps.reminderConfig);
  if (jstDate(deps.compileRanAt ?? deps.now ?? new Date()) < compileDay) return { outcome: 'before-reports-due', quarter, publishFrom: compileDay };
  return withPublicSiteLease(deps.store, { waitMs: 60_000, ...deps.lease }, () => publishHoldingLease(quarter, deps));
}

async function publishHoldingLease(quarter: string, deps: Parameters<typeof publishPublicPage>[1]): Promise<PublishOutcome> {
  // The time the pages say they were made, and the one whether a quarter is public yet is judged by.
  const generatedAt = deps.now ?? new Date();
  const quarters = planQuarters(deps.plan);
  const snapshot = await loadProgressSnapshot(deps.store, deps.plan, quarters.at(-1)!);
  if (!snapshot.compiled.has(quarter)) return { outcome: 'not-compiled', quarter };
  const published = quarters.filter((q) => snapshot.compiled.has(q) && isPublicFrom(q, snapshot.compiled.get(q)!.compiledAt, generatedAt, deps.reminderConfig));
  const reports = await withReportsBehind(deps.store, snapshot.reports, published.flatMap((q) => snapshot.compiled.get(q)!.measures));
  const keys: string[] = [];
  const counts = new Map<string, ColourCounts>();
  // The quarter asked for first: if a later write fails, what the event was about is already out.
  for (const q of [quarter, ...published.filter((p) => p !== quarter)]) {
    const data = buildPublicQuarter({
      plan: deps.plan,
      quarter: q,
      statuses: snapshot.compiled.get(q)!.measures,
      reports,
      generatedAt,
    });
    counts.set(q, data.counts);
    const objects = [
      { key: publicSiteKeys.quarterPage(q), body: renderPublicQuarterPage(data), contentType: publicContentTypes.html },
      { key: publicSiteKeys.csv(q), body: toOpenDataCsv(data), contentType: publicContentTypes.csv },
      { key: publicSiteKeys.json(q), body: toOpenDataJson(data), contentType: publicContentTypes.json },
    ];
    for (const object of objects) {
      await deps.site.put({ ...object, cacheControl: publicCacheControl });
      keys.push(object.key);
    }
  }
  const index = renderPublicIndex({
    municipality: deps.plan.plan.municipality,
    planTitle: deps.plan.plan.title,
    quarters: published.map((q) => ({ quarter: q, counts: counts.get(q)! })),
  });
  await deps.site.put({ key: publicSiteKeys.index, body: index, contentType: publicContentTypes.html, cacheControl: publicCacheControl });
  keys.push(publicSiteKeys.index);
  const notFound = renderPublicNotFound({ municipality: deps.plan.plan.municipality, planTitle: deps.plan.plan.title });
  await deps.site.put({ key: publicSiteKeys.notFound, body: notFound, contentType: publicContentTypes.html, cacheControl: publicCacheControl });
  keys.push(publicSiteKeys.notFound);
  return { outcome: 'published', quarter, keys };
}
