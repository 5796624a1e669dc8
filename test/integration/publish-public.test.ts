/**
 * Publishing a quarter for everyone (shared/publish-public.ts) against DynamoDB Local, the site
 * written to a recording writer: a compile run before the quarter's compile day publishes nothing,
 * and the page puts beside each status the report it was built from, also one the eventually
 * consistent quarter index does not show yet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanFile } from '#shared/domain/plan';
import { defaultReminderConfig } from '#shared/domain/reminders';
import { reportReference, type StoredReport } from '#shared/domain/report';
import { readPlanFile } from '#shared/plan-file';
import { publishPublicPage, type PublicSiteWriter } from '#shared/publish-public';
import { compileAndSave } from '#shared/quarter-compile';
import { PublicSiteBusyError, withPublicSiteLease } from '#shared/store/compile-lease';
import { savePlan } from '#shared/store/plan-items';
import { reportToItem } from '#shared/store/report-items';
import type { Store } from '#shared/store/store';
import { publicSiteKeys } from '#shared/web/public/page';
import { createTestTable, type TestTable } from '#test/support/dynamo';

let table: TestTable;
let store: Store;
let plan: PlanFile;

beforeAll(async () => {
  table = await createTestTable();
  store = table.store('shimotsuke');
  ({ plan } = await readPlanFile());
  await savePlan(store, plan);
});
afterAll(async () => table?.drop());

/** A site that keeps what is written, by key. */
function recordingSite(): PublicSiteWriter & { objects: Map<string, string> } {
  const objects = new Map<string, string>();
  return { objects, put: async (object) => void objects.set(object.key, object.body) };
}

/** A report of 2-2-3 (総合政策課) written to the table; `indexed: false` leaves it out of the quarter index, as right after a write. */
async function report(quarter: string, version: number, narrative: string, options: { indexed: boolean }): Promise<StoredReport> {
  const stored: StoredReport = {
    measureId: '2-2-3', quarter, kind: 'report', status: version === 1 ? '予定どおり' : '完了', milestones: [], narrative, issues: '', nextSteps: '',
    reporter: { kaId: 'sogo-seisaku', ka: '総合政策課', bukai: '企画専門部会', person: '山田' },
    version, ...(version > 1 ? { supersedes: version - 1 } : {}), reference: reportReference('2-2-3', quarter, version), channel: 'web',
    submittedAt: '2013-10-08T01:00:00.000Z', attachments: [],
  };
  const { gsi1pk, gsi1sk, ...item } = reportToItem(store.tenant, stored);
  await store.doc.put({ TableName: table.tableName, Item: options.indexed ? { ...item, gsi1pk, gsi1sk } : item });
  return stored;
}

describe('publishing a quarter', () => {
  it('publishes nothing for a compile run before the quarter’s compile day (the reports are not due yet)', async () => {
    // Prepare: FY2013-Q3's reports are due 2014-01-10; a compile on demand on 2014-01-05
    await report('FY2013-Q3', 1, '第3四半期の報告', { indexed: true });
    const early = new Date('2014-01-05T10:00:00+09:00');
    await compileAndSave(store, plan, 'FY2013-Q3', { clock: early });
    const site = recordingSite();
    // Act
    const outcome = await publishPublicPage('FY2013-Q3', { store, plan, site, reminderConfig: defaultReminderConfig, compileRanAt: early, now: early });
    // Assess
    expect(outcome).toEqual({ outcome: 'before-reports-due', quarter: 'FY2013-Q3', publishFrom: '2014-01-11' });
    expect(site.objects.size).toBe(0);
  });

  it('shows the report a status was built from, also one the quarter index does not show yet', async () => {
    // Prepare: v1 indexed; v2, whose event recompiled the quarter, not yet in the index
    await report('FY2013-Q2', 1, '初回の報告です', { indexed: true });
    await report('FY2013-Q2', 2, '訂正後の報告です', { indexed: false });
    const onTheDay = new Date('2013-10-11T06:00:00+09:00');
    await compileAndSave(store, plan, 'FY2013-Q2', { clock: onTheDay, ensureReport: { measureId: '2-2-3', version: 2 } });
    const site = recordingSite();
    // Act
    const outcome = await publishPublicPage('FY2013-Q2', { store, plan, site, reminderConfig: defaultReminderConfig, compileRanAt: onTheDay, now: new Date('2014-01-06T12:00:00+09:00') });
    // Assess
    expect(outcome.outcome).toBe('published');
    const page = site.objects.get(publicSiteKeys.quarterPage('FY2013-Q2'))!;
    expect(page).toContain('訂正後の報告です');
    expect(page).not.toContain('初回の報告です');
    // The index lists the quarter published, not FY2013-Q3, compiled early and not due on 2014-01-06
    const index = site.objects.get(publicSiteKeys.index)!;
    expect(index).toContain('href="FY2013-Q2/');
    expect(index).not.toContain('FY2013-Q3');
    expect(site.objects.has(publicSiteKeys.quarterPage('FY2013-Q3'))).toBe(false);
  });
});

describe('a quarter compiled early, its result found unchanged on its compile day', () => {
  it('is on the index from the compile of its day on, also after another quarter is published', async () => {
    // Prepare: FY2013-Q3 was compiled on demand on 2014-01-05 (above); the scheduled compile on its
    // compile day, 2014-01-11, finds the same reports
    const onTheDay = new Date('2014-01-11T06:00:00+09:00');
    const outcome = await compileAndSave(store, plan, 'FY2013-Q3', { clock: onTheDay, compileDay: '2014-01-11' });
    const site = recordingSite();
    // Act
    await publishPublicPage('FY2013-Q3', { store, plan, site, reminderConfig: defaultReminderConfig, compileRanAt: onTheDay, now: onTheDay });
    const afterIt = site.objects.get(publicSiteKeys.index)!;
    const later = new Date('2014-01-20T12:00:00+09:00');
    await publishPublicPage('FY2013-Q2', { store, plan, site, reminderConfig: defaultReminderConfig, compileRanAt: later, now: later });
    // Assess
    expect(outcome).toMatchObject({ changed: false, compiledAt: onTheDay });
    expect(afterIt).toContain('href="FY2013-Q3/');
    expect(site.objects.get(publicSiteKeys.index)).toContain('href="FY2013-Q3/');
  });

  it('keeps its time when compiled again on a later day with nothing new (stamped once)', async () => {
    // Act
    const outcome = await compileAndSave(store, plan, 'FY2013-Q3', { clock: new Date('2014-01-25T06:00:00+09:00'), compileDay: '2014-01-11' });
    // Assess
    expect(outcome).toMatchObject({ changed: false, compiledAt: new Date('2014-01-11T06:00:00+09:00') });
  });
});

describe('publishes one after the other', () => {
  it('waits for another publish holding the site, then writes from what is compiled when it starts', async () => {
    // Prepare: FY2013-Q2 compiled on its day; another publish holds the public site's lease
    const onTheDay = new Date('2013-10-11T06:00:00+09:00');
    await compileAndSave(store, plan, 'FY2013-Q2', { clock: onTheDay });
    const site = recordingSite();
    const publish = (lease: { waitMs: number }) =>
      publishPublicPage('FY2013-Q2', { store, plan, site, reminderConfig: defaultReminderConfig, compileRanAt: onTheDay, now: new Date('2014-01-06T12:00:00+09:00'), lease });
    let release!: () => void;
    const held = withPublicSiteLease(store, {}, () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Act
    const refused = await publish({ waitMs: 0 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const waiting = publish({ waitMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const writtenWhileHeld = site.objects.size;
    release();
    await held;
    const outcome = await waiting;
    // Assess
    expect(refused).toBeInstanceOf(PublicSiteBusyError);
    expect(String(refused)).toContain('公開ページは別の書き出しが実行中です');
    expect(writtenWhileHeld).toBe(0);
    expect(outcome.outcome).toBe('published');
    expect(site.objects.has(publicSiteKeys.notFound)).toBe(true);
  });
});
