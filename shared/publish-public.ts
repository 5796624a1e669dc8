/**
 * Publishing a compiled quarter for everyone: the static page, the open data next to it (CSV and
 * JSON) and the index of quarters, written to the public site (an S3 bucket behind CloudFront on
 * AWS, the local S3 on the local stack). Runs after each compile (`QuarterCompiled` →
 * `functions/publish-public`). Writing the same quarter again overwrites the same objects, so a
 * retried or replayed event does no harm.
 */
import { toOpenDataCsv, toOpenDataJson } from './domain/open-data.ts';
import type { PlanFile } from './domain/plan.ts';
import { buildPublicQuarter } from './domain/public-status.ts';
import type { ColourCounts } from './domain/status.ts';
import { loadProgressSnapshot, planQuarters } from './progress-snapshot.ts';
import type { Store } from './store/store.ts';
import { publicSiteKeys, renderPublicIndex, renderPublicQuarterPage } from './web/public/page.ts';

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
  | { outcome: 'not-compiled'; quarter: string };

/**
 * Publish a compiled quarter, refresh the other compiled quarters (a late report may have changed
 * them, and the index must never link to a page that is not there) and then the index. A quarter
 * that has not been compiled is not published (the outcome says so): the public page shows only
 * what the compile settled.
 */
export async function publishPublicPage(
  quarter: string,
  deps: { store: Store; plan: PlanFile; site: PublicSiteWriter; now?: Date },
): Promise<PublishOutcome> {
  const quarters = planQuarters(deps.plan);
  const snapshot = await loadProgressSnapshot(deps.store, deps.plan, quarters.at(-1)!);
  if (!snapshot.compiled.has(quarter)) return { outcome: 'not-compiled', quarter };
  const generatedAt = deps.now ?? new Date();
  const published = quarters.filter((q) => snapshot.compiled.has(q));
  const keys: string[] = [];
  const counts = new Map<string, ColourCounts>();
  // The quarter asked for first: if a later write fails, what the event was about is already out.
  for (const q of [quarter, ...published.filter((p) => p !== quarter)]) {
    const data = buildPublicQuarter({
      plan: deps.plan,
      quarter: q,
      statuses: snapshot.compiled.get(q)!.measures,
      reports: snapshot.reports,
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
  return { outcome: 'published', quarter, keys };
}
