/**
 * The quarterly compile, late-report updates and the leadership digest on real local parts:
 * DynamoDB Local (a table of this file's own), the local EventBridge (to receive QuarterCompiled) and
 * the SES emulator. The handlers are imported as Lambda would load them, with the environment set
 * first; this file sets process.env, so it runs alone in its file.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ColourCounts } from '#shared/domain/status';
import { envNames } from '#shared/config/env';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { digestNotificationKey } from '#shared/domain/digest';
import type { Directory } from '#shared/domain/directory';
import type { PlanFile } from '#shared/domain/plan';
import { reportReference, type ReportStatus, type ReportSubmission, type StoredReport } from '#shared/domain/report';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { compileAndSave, ReportNotVisibleError } from '#shared/quarter-compile';
import { acquireCompileLease, CompileBusyError, releaseCompileLease } from '#shared/store/compile-lease';
import { saveDirectory } from '#shared/store/directory-items';
import { getNotification } from '#shared/store/notification-items';
import { savePlan } from '#shared/store/plan-items';
import { appendReport, reportToItem } from '#shared/store/report-items';
import { loadCompiledQuarter, statusKeys } from '#shared/store/status-items';
import { createStore, type Store } from '#shared/store/store';
import { localClientConfig } from '#local/aws-local';
import { startLocalEventBridge, type LocalEventBridge } from '#local/eventbridge-local';
import { localLambdaContext } from '#local/lambda-context';
import { fetchSentMails } from '#local/ses-local';
import { createTestTable, handlerEnvironment, type TestTable } from '#test/support/dynamo';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const quarter = 'FY2013-Q2';
const runId = randomUUID().slice(0, 8);
let table: TestTable;
let store: Store;
let plan: PlanFile;
let directory: Directory;
let bus: LocalEventBridge;
let compileHandler: Handler;
let applyReport: Handler;
let sendDigest: Handler;
const savedEnv = { ...process.env };
const context = (fn: string) => localLambdaContext(fn, randomUUID());

function ownerOf(measureId: string): ReportSubmission['reporter'] {
  const owner = plan.measures.find((m) => m.id === measureId)!.owners[0]!;
  const ka = directory.ka.find((k) => k.name === owner.ka && k.bukai === owner.bukai)!;
  return { kaId: ka.id, ka: ka.name, bukai: ka.bukai, person: '山田 太郎' };
}

/** A report of an owning 課; steps the plan ends in FY2012 are reported done, so nothing is overdue. */
async function report(measureId: string, q: string, status: ReportStatus, extra: Partial<ReportSubmission> = {}, at = '2013-10-02T10:00:00+09:00') {
  const measure = plan.measures.find((m) => m.id === measureId)!;
  const submission: ReportSubmission = {
    measureId,
    quarter: q,
    kind: 'report',
    status,
    milestones: measure.milestones.filter((m) => m.fiscalYears.to <= 2012).map((m) => ({ milestoneId: m.id, progress: 'done' })),
    budgetExecutedThousandYen: 100,
    narrative: '報告します。',
    issues: status === '遅延' || status === '遅れ気味' ? '人員不足のため遅れています。' : '',
    nextSteps: '',
    reporter: ownerOf(measureId),
    ...extra,
  };
  const result = await appendReport(store, submission, { channel: 'web', idempotencyKey: randomUUID(), now: new Date(at) });
  expect(result.outcome).toBe('recorded');
  return result.report;
}

function ownedBy(bukai: string): number {
  return plan.measures.filter((m) => m.owners.some((o) => o.bukai === bukai)).length;
}

/** Expected roll-up: the colours the scenario gives, the rest of the 部会's 事業 未報告. */
function expectedBukai(bukai: string, counts: Partial<ColourCounts>): ColourCounts {
  const c = { green: 0, amber: 0, red: 0, ...counts };
  return { ...c, unreported: ownedBy(bukai) - c.green - c.amber - c.red };
}

async function rollups(q: string) {
  const compiled = await loadCompiledQuarter(store, q);
  expect(compiled).toBeDefined();
  const of = (scope: string, id: string) => compiled!.rollups.find((r) => r.scope === scope && r.scopeId === id)?.counts;
  return { compiled: compiled!, of };
}

async function rawPartition(q: string) {
  const doc = createDocumentClient(localClientConfig(inject('dynamoEndpoint')));
  const { Items = [] } = await doc.scan({ TableName: table.tableName });
  return {
    partition: Items.filter((i) => i.pk === statusKeys.partition(store.tenant, q)).sort((a, b) => String(a.sk).localeCompare(String(b.sk))),
    itemCount: Items.length,
  };
}

async function progressReportedEvent(r: Awaited<ReturnType<typeof report>>) {
  const sample = JSON.parse(await readFile(new URL('../../events/samples/progress-reported.json', import.meta.url), 'utf8'));
  return {
    ...sample,
    id: randomUUID(),
    time: r.submittedAt.replace(/\.\d{3}Z$/, 'Z'),
    detail: {
      tenant: store.tenant,
      measureId: r.measureId,
      quarter: r.quarter,
      version: r.version,
      reference: r.reference,
      kind: r.kind,
      status: r.status,
      kaId: r.reporter.kaId,
      channel: r.channel,
      submittedAt: r.submittedAt,
    },
  };
}

function compiledEvents(q: string) {
  return bus.published.filter((e) => e['detail-type'] === 'QuarterCompiled' && (e.detail as { quarter: string }).quarter === q);
}

beforeAll(async () => {
  table = await createTestTable();
  store = table.store('shimotsuke');
  ({ plan } = await readPlanFile());
  const fileDirectory = await readDirectoryFile();
  // Addresses of this run only, so the shared SES emulator's other mails never count here.
  directory = { ...fileDirectory, leadership: fileDirectory.leadership.map((c) => ({ ...c, email: c.email.replace('@', `+${runId}@`) })) };
  await savePlan(store, plan);
  await saveDirectory(store, directory);
  // Deliveries are made by the test itself: the bus only records what the compile publishes.
  bus = await startLocalEventBridge({ rules: [] });

  Object.assign(process.env, {
    ...handlerEnvironment(table, store.tenant),
    AWS_ENDPOINT_URL_SESV2: inject('sesEndpoint'),
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
    MAIL_MAX_PER_SECOND: '0',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    [envNames.eventBusName]: bus.busName,
  });
  compileHandler = (await import('#functions/compile-quarter/handler')).handler as Handler;
  applyReport = (await import('#functions/apply-report/handler')).handler as Handler;
  sendDigest = (await import('#functions/send-digest/handler')).handler as Handler;

  // FY2013-Q1: 2-2-3 on track (it turns red in Q2)
  await report('2-2-3', 'FY2013-Q1', '予定どおり', {}, '2013-07-03T10:00:00+09:00');
  // FY2013-Q2, as the 課 reported it
  await report('1-1-1', quarter, '予定どおり');
  await report('2-2-1', quarter, '遅れ気味'); // owned by 市民生活専門部会 and 企画専門部会
  await report('2-2-3', quarter, '遅延');
  await report('3-1-2', quarter, '遅延'); // owned by 企画 and 総務; corrected below
  await report('3-1-2', quarter, '予定どおり', {}, '2013-10-03T10:00:00+09:00');
  await report('5-1-1', quarter, '完了');
  await appendReport(
    store,
    { measureId: '1-1-3', quarter, kind: 'comment', milestones: [], narrative: '関連部署より補足', issues: '', nextSteps: '', reporter: ownerOf('1-1-1') },
    { channel: 'web', idempotencyKey: randomUUID() },
  );
}, 120_000);

afterAll(async () => {
  await bus?.stop();
  await table?.drop();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe('quarterly compile', () => {
  it('compiles the previous quarter of a scheduled run with the expected counts per roll-up', async () => {
    // Prepare
    await compileHandler({ quarter: 'FY2013-Q1' }, context('compile-quarter'));
    const scheduled = JSON.parse(await readFile(new URL('../../events/samples/compile-quarter-scheduled.json', import.meta.url), 'utf8'));
    // Act
    const result = (await compileHandler(scheduled, context('compile-quarter'))) as { quarter: string; counts: ColourCounts; changed: boolean };
    // Assess
    const { of } = await rollups(quarter);
    expect(result.quarter).toBe(quarter);
    expect(result.changed).toBe(true);
    const plannedCounts = { green: 3, amber: 1, red: 1, unreported: plan.measures.length - 5 };
    expect(result.counts).toEqual(plannedCounts);
    expect(of('plan', 'all')).toEqual(plannedCounts);
    expect(of('bukai', '企画専門部会')).toEqual(expectedBukai('企画専門部会', { green: 2, amber: 1, red: 1 }));
    expect(of('bukai', '総務専門部会')).toEqual(expectedBukai('総務専門部会', { green: 1 }));
    expect(of('bukai', '市民生活専門部会')).toEqual(expectedBukai('市民生活専門部会', { amber: 1 }));
    expect(of('bukai', '産業振興専門部会')).toEqual(expectedBukai('産業振興専門部会', { green: 1 }));
    expect(of('bukai', '健康福祉専門部会')).toEqual(expectedBukai('健康福祉専門部会', {}));
    expect(of('goal', '2')?.red).toBe(1);
    expect(of('area', '2-2')).toMatchObject({ amber: 1, red: 1 });
    const events = compiledEvents(quarter);
    expect(events).toHaveLength(1);
    expect(events[0]!.detail).toEqual({ tenant: 'shimotsuke', quarter, compiledAt: '2013-10-10T21:00:00.000Z', ranAt: '2013-10-10T21:00:00.000Z', counts: plannedCounts });
  });

  it('compiling the same quarter again gives the identical stored result and writes nothing else', async () => {
    // Prepare
    const before = await rawPartition(quarter);
    // Act
    const result = (await compileHandler({ quarter }, context('compile-quarter'))) as { changed: boolean };
    // Assess
    const after = await rawPartition(quarter);
    expect(result.changed).toBe(false);
    expect(after.partition).toEqual(before.partition);
    expect(after.itemCount).toBe(before.itemCount);
    // Published again (a retry after a failed publish must still reach the digest), the same result as of
    // the stored compile's time; only `ranAt` says this run looked later.
    const events = compiledEvents(quarter);
    expect(events).toHaveLength(2);
    const [first, second] = events.map((e) => e.detail as { compiledAt: string; ranAt: string });
    expect(second).toEqual({ ...first, ranAt: expect.any(String) });
    expect(second!.ranAt > first!.compiledAt).toBe(true);
  });

  it('reads the quarter\'s reports with one query of the quarter index, not one per 事業', async () => {
    // Prepare
    const doc = createDocumentClient(localClientConfig(inject('dynamoEndpoint')));
    const queries: { index?: string }[] = [];
    const counted = {
      ...doc,
      query: (input: Parameters<typeof doc.query>[0]) => (queries.push({ index: input.IndexName }), doc.query(input)),
    };
    const counting = createStore(counted, table.tableName, store.tenant);
    // Act
    await compileAndSave(counting, plan, quarter, { clock: new Date('2013-10-10T21:00:00Z') });
    // Assess: one query of the status partition, one of the quarter index
    expect(queries.filter((q) => q.index !== undefined)).toHaveLength(1);
    expect(queries).toHaveLength(2);
  });

  it('refuses bad input with a bilingual error and writes nothing', async () => {
    // Prepare
    const before = await rawPartition(quarter);
    // Act
    const run = compileHandler({ quarter: '2013年第2四半期' }, context('compile-quarter'));
    // Assess
    await expect(run).rejects.toThrow(/集計の指定が不正です \/ invalid compile input/);
    expect((await rawPartition(quarter)).itemCount).toBe(before.itemCount);
  });
  it('removes what a recompile no longer has (a 事業 dropped from the plan) and nothing else', async () => {
    // Prepare
    const clock = new Date('2014-07-05T06:00:00+09:00');
    await compileAndSave(store, plan, 'FY2014-Q1', { clock });
    const otherQuarter = await rawPartition(quarter);
    const smaller = { ...plan, measures: plan.measures.filter((m) => m.id !== '5-4-1') };
    // Act
    const outcome = await compileAndSave(store, smaller, 'FY2014-Q1', { clock });
    // Assess
    const { compiled, of } = await rollups('FY2014-Q1');
    expect(outcome?.changed).toBe(true);
    expect(compiled.measures.map((m) => m.measureId)).not.toContain('5-4-1');
    expect(compiled.measures).toHaveLength(plan.measures.length - 1);
    expect(of('plan', 'all')?.unreported).toBe(plan.measures.length - 1);
    expect((await rawPartition(quarter)).partition).toEqual(otherQuarter.partition);
  });

  it('skips a quarter outside the plan period: nothing stored, nothing published', async () => {
    // Prepare
    const before = bus.published.length;
    // Act
    const result = await compileHandler({ quarter: 'previous', scheduledTime: '2012-04-04T21:00:00Z' }, context('compile-quarter'));
    // Assess
    expect(result).toEqual({ outcome: 'outside-plan-period', quarter: 'FY2011-Q4' });
    expect(await loadCompiledQuarter(store, 'FY2011-Q4')).toBeUndefined();
    expect(bus.published.length).toBe(before);
  });
});

describe('late reports', () => {
  it('a report after the compile updates the compiled status and the roll-ups, once', async () => {
    // Prepare
    const late = await report('4-4-3', quarter, '遅延', {}, '2013-10-20T10:00:00+09:00');
    const event = await progressReportedEvent(late);
    const published = compiledEvents(quarter).length;
    // Act
    const first = await applyReport(event, context('apply-report'));
    const again = await applyReport(event, context('apply-report'));
    // Assess
    expect(first).toEqual({ outcome: 'updated' });
    expect(again).toEqual({ outcome: 'unchanged' });
    // QuarterCompiled again, so the public page follows (the digest is sent once per quarter regardless)
    const republished = compiledEvents(quarter).slice(published);
    expect(republished).toHaveLength(2);
    expect((republished[0]!.detail as { counts: unknown }).counts).toEqual({ green: 3, amber: 1, red: 2, unreported: plan.measures.length - 6 });
    const { compiled, of } = await rollups(quarter);
    expect(of('plan', 'all')).toEqual({ green: 3, amber: 1, red: 2, unreported: plan.measures.length - 6 });
    expect(of('bukai', '企画専門部会')).toEqual(expectedBukai('企画専門部会', { green: 2, amber: 1, red: 2 }));
    expect(compiled.measures.find((m) => m.measureId === '4-4-3')).toMatchObject({ colour: 'red', reportReference: late.reference });
  });

  it('a report of a quarter not compiled yet changes nothing', async () => {
    // Prepare
    const early = await report('1-1-1', 'FY2013-Q3', '予定どおり', {}, '2013-11-01T10:00:00+09:00');
    // Act
    const outcome = await applyReport(await progressReportedEvent(early), context('apply-report'));
    // Assess
    expect(outcome).toEqual({ outcome: 'not-compiled' });
    expect(await loadCompiledQuarter(store, 'FY2013-Q3')).toBeUndefined();
    expect(compiledEvents('FY2013-Q3')).toEqual([]);
  });
});

describe('compiles of one quarter side by side', () => {
  const clock = new Date('2015-10-05T06:00:00+09:00');

  /**
   * A report written to the table but not (yet) to the quarter index: what a report looks like to a
   * compile in the moment the eventually consistent index is behind. (The item without its index keys
   * is simply absent from the sparse index.)
   */
  async function reportNotYetIndexed(measureId: string, q: string, version: number, status: ReportStatus, submittedAt = '2015-10-06T01:00:00.000Z') {
    const stored: StoredReport = {
      measureId, quarter: q, kind: 'report', status, milestones: [], budgetExecutedThousandYen: 100, narrative: '報告します。', issues: '遅れています。', nextSteps: '',
      reporter: ownerOf(measureId), version, reference: reportReference(measureId, q, version), channel: 'web', submittedAt, attachments: [],
    };
    const { gsi1pk: _pk, gsi1sk: _sk, ...item } = reportToItem(store.tenant, stored);
    await store.doc.put({ TableName: table.tableName, Item: item });
    return stored;
  }

  it('keeps a report the stored status was compiled from when the quarter index does not show it yet', async () => {
    // Prepare: v1 is indexed; v2 (the late report whose event compiled the quarter) is not yet
    const q = 'FY2015-Q1';
    await report('2-2-3', q, '予定どおり', {}, '2015-07-01T10:00:00+09:00');
    const late = await reportNotYetIndexed('2-2-3', q, 2, '遅延');
    await compileAndSave(store, plan, q, { clock, ensureReport: { measureId: '2-2-3', version: 2 } });
    // Act: the next compile (say, the scheduled one) reads the index, which still shows only v1
    const outcome = await compileAndSave(store, plan, q, { clock });
    // Assess
    expect(outcome?.changed).toBe(false);
    const { compiled } = await rollups(q);
    expect(compiled.measures.find((m) => m.measureId === '2-2-3')).toMatchObject({ reportVersion: 2, reportReference: late.reference, colour: 'red' });
  });

  it('has a report written just before the scheduled compile compile its quarter itself, so the scheduled compile that misses it in the index keeps it', async () => {
    // Prepare: FY2014-Q3 is compiled at 06:00 JST on 2015-01-11; a report written 30 s before is not in the index yet
    const q = 'FY2014-Q3';
    const late = await reportNotYetIndexed('2-2-3', q, 1, '遅延', '2015-01-10T20:59:30.000Z');
    // Act: its own compile runs first, then the scheduled one, whose read of the index still lacks it
    const applied = await applyReport(await progressReportedEvent(late), context('apply-report'));
    const scheduled = await compileHandler({ quarter: 'previous', scheduledTime: '2015-01-10T21:00:00Z' }, context('compile-quarter'));
    // Assess
    expect(applied).toEqual({ outcome: 'updated' });
    expect(scheduled).toMatchObject({ quarter: q });
    const { compiled } = await rollups(q);
    expect(compiled.measures.find((m) => m.measureId === '2-2-3')).toMatchObject({ reportVersion: 1, reportReference: late.reference, colour: 'red' });
  });

  it('keeps both of two late reports compiled at the same time', async () => {
    // Prepare: two 事業 reported late at once, neither report indexed yet
    const q = 'FY2015-Q2';
    await compileAndSave(store, plan, q, { clock });
    const first = await reportNotYetIndexed('1-1-1', q, 1, '遅延');
    const second = await reportNotYetIndexed('5-4-1', q, 1, '遅延');
    // Act: each late report's compile, side by side
    await Promise.all([
      compileAndSave(store, plan, q, { clock, ensureReport: { measureId: '1-1-1', version: 1 } }),
      compileAndSave(store, plan, q, { clock, ensureReport: { measureId: '5-4-1', version: 1 } }),
    ]);
    // Assess
    const { compiled, of } = await rollups(q);
    expect(compiled.measures.find((m) => m.measureId === '1-1-1')?.reportReference).toBe(first.reference);
    expect(compiled.measures.find((m) => m.measureId === '5-4-1')?.reportReference).toBe(second.reference);
    expect(of('plan', 'all')?.red).toBe(2);
  });

  it('gives the quarter back when a compile fails, so the next one need not wait', async () => {
    // Prepare
    const q = 'FY2015-Q4';
    const failed = compileAndSave(store, plan, q, { clock, ensureReport: { measureId: '1-1-1', version: 99 } });
    await expect(failed).rejects.toBeInstanceOf(ReportNotVisibleError);
    // Act
    const next = await compileAndSave(store, plan, q, { clock, lease: { waitMs: 0 } });
    // Assess
    expect(next?.changed).toBe(true);
  });

  it('waits for a compile that holds the quarter, and gives up with a retryable error, writing nothing, when it does not end', async () => {
    // Prepare
    const q = 'FY2015-Q3';
    const holder = await acquireCompileLease(store, q);
    const before = await rawPartition(q);
    // Act
    const busy = compileAndSave(store, plan, q, { clock, lease: { waitMs: 500, pollMs: 100 } });
    const waiting = compileAndSave(store, plan, q, { clock, lease: { waitMs: 10_000, pollMs: 100 } });
    await expect(busy).rejects.toBeInstanceOf(CompileBusyError);
    const afterBusy = await rawPartition(q);
    await releaseCompileLease(store, q, holder);
    const outcome = await waiting;
    // Assess
    expect(before.partition).toEqual([]);
    expect(afterBusy.partition).toEqual([]);
    await expect(busy).rejects.toThrow(/別の集計が実行中です .* \/ another compile of FY2015-Q3 is running/);
    expect(outcome?.changed).toBe(true);
    expect((await rawPartition(q)).partition.length).toBeGreaterThan(0);
  });
});

describe('leadership digest', () => {
  it('is sent once however often QuarterCompiled fires, naming what turned red and who did not report', async () => {
    // Prepare
    const event = compiledEvents(quarter).at(-1)!;
    const since = Math.floor(Date.now() / 1000) - 1;
    // Act
    const outcomes = [
      await sendDigest(event, context('send-digest')),
      await sendDigest(event, context('send-digest')),
      await sendDigest({ ...event, id: randomUUID() }, context('send-digest')),
    ];
    // Assess
    const mails = (await fetchSentMails(inject('sesEndpoint'), { since })).filter((m) =>
      m.destination.to.some((to) => to.includes(`+${runId}@`)),
    );
    expect(outcomes.map((o) => (o as { outcome: string }).outcome)).toEqual(['sent', 'already-sent', 'already-sent']);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    for (const leader of directory.leadership) expect(mail.destination.to.join(',')).toContain(leader.email);
    expect(mail.subject).toContain('平成25年度 第2四半期');
    const text = mail.body.text ?? '';
    const turnedRed = text.slice(text.indexOf('赤 (遅延) になった事業'), text.indexOf('期限を過ぎた工程'));
    for (const id of ['2-2-3', '4-4-3']) {
      expect(turnedRed).toContain(`事業 ${id} ${plan.measures.find((m) => m.id === id)!.name}`);
    }
    const health = ownedBy('健康福祉専門部会');
    expect(text).toContain(`健康福祉専門部会: 未報告 ${health} / ${health} 事業 (100%)`);
    expect(mail.body.html).toContain('2-2-3');
    expect(mail.body.html).not.toMatch(/<script/i);
    expect((await getNotification(store, digestNotificationKey(quarter)))?.state).toBe('sent');
  });
});

describe('leadership digest of a quarter a late report recompiled before the digest went out', () => {
  it('dates its figures by the compile they come from, the late report\'s, not by the scheduled compile whose event it answers', async () => {
    // Prepare: FY2013-Q4's reports are due on 10 April 2014; the scheduled compile runs at 06:00 on the 11th,
    // and a report of the 15th recompiles the quarter before the digest of the scheduled compile is sent (a retry, say)
    const q = 'FY2013-Q4';
    const since = Math.floor(Date.now() / 1000) - 1;
    await report('1-1-1', q, '予定どおり', {}, '2014-04-05T10:00:00+09:00');
    await compileHandler({ quarter: 'previous', scheduledTime: '2014-04-10T21:00:00Z' }, context('compile-quarter'));
    const scheduled = compiledEvents(q).at(-1)!;
    const late = await report('2-2-3', q, '遅延', {}, '2014-04-15T10:00:00+09:00');
    expect(await applyReport(await progressReportedEvent(late), context('apply-report'))).toEqual({ outcome: 'updated' });

    // Act
    const outcome = ((await sendDigest(scheduled, context('send-digest'))) as { outcome: string }).outcome;

    // Assess: the digest states the status compiled on the 15th, and says so
    expect(outcome).toBe('sent');
    const [mail, ...more] = (await fetchSentMails(inject('sesEndpoint'), { since })).filter(
      (m) => m.destination.to.some((to) => to.includes(`+${runId}@`)) && m.subject.includes('平成25年度 第4四半期'),
    );
    expect(more).toEqual([]);
    const text = mail!.body.text ?? '';
    expect(text.slice(text.indexOf('赤 (遅延) になった事業'))).toContain('事業 2-2-3');
    expect(text).toContain('集計日 / compiled: 平成26年4月15日 (2014-04-15)');
  });
});

describe('leadership digest after a compile before the reports were due', () => {
  // FY2014-Q2 closes on 30 September 2014; its reports are due on 10 October, the compile runs on the 11th.
  const q = 'FY2014-Q2';
  const latestEvent = () => compiledEvents(q).at(-1)!;
  const outcomeOf = async (event: unknown) => ((await sendDigest(event, context('send-digest'))) as { outcome: string }).outcome;
  const since = Math.floor(Date.now() / 1000) - 1;
  /** The FY2014-Q2 digests this run sent, since the start of these tests. */
  const digestMails = async () =>
    (await fetchSentMails(inject('sesEndpoint'), { since })).filter(
      (m) => m.destination.to.some((to) => to.includes(`+${runId}@`)) && m.subject.includes('平成26年度 第2四半期'),
    );

  it('waits, claiming nothing, then goes out once for the compile after the due date, also when that compile found nothing new', async () => {
    // Prepare
    await report('1-1-1', q, '予定どおり', {}, '2014-10-02T10:00:00+09:00');

    // Act: an on-demand compile on 5 October, before the reports are due
    await compileHandler({ quarter: q, scheduledTime: '2014-10-04T21:00:00Z' }, context('compile-quarter'));
    const early = await outcomeOf(latestEvent());
    // Assess
    expect(early).toBe('before-reports-due');
    expect(await getNotification(store, digestNotificationKey(q))).toBeUndefined();

    // Act: a report on 8 October recompiles the quarter compiled early
    const onTime = await report('2-2-3', q, '遅延', {}, '2014-10-08T10:00:00+09:00');
    expect(await applyReport(await progressReportedEvent(onTime), context('apply-report'))).toEqual({ outcome: 'updated' });
    const recompiled = await outcomeOf(latestEvent());
    // Assess
    expect(recompiled).toBe('before-reports-due');
    expect(await getNotification(store, digestNotificationKey(q))).toBeUndefined();

    // Act: the scheduled compile at 06:00 on 11 October finds nothing new since 8 October
    const scheduled = (await compileHandler({ quarter: 'previous', scheduledTime: '2014-10-10T21:00:00Z' }, context('compile-quarter'))) as { quarter: string; changed: boolean };
    const sent = await outcomeOf(latestEvent());
    // Assess
    expect(scheduled).toMatchObject({ quarter: q, changed: false });
    // The result of 8 October is stamped again with the compile of its day, so the quarter reads as compiled on the 11th
    expect(latestEvent().detail).toMatchObject({ compiledAt: '2014-10-10T21:00:00.000Z', ranAt: '2014-10-10T21:00:00.000Z' });
    expect((await loadCompiledQuarter(store, q))?.compiledAt).toBe('2014-10-10T21:00:00.000Z');
    expect(sent).toBe('sent');
    const mails = await digestMails();
    expect(mails).toHaveLength(1);
    const redSection = (mails[0]!.body.text ?? '').slice((mails[0]!.body.text ?? '').indexOf('赤 (遅延) になった事業'));
    expect(redSection).toContain('事業 2-2-3');
  });

  it('dates its figures by the compile that sent it, after the due date, not by the earlier compile whose result it kept', async () => {
    // Prepare: the digest the test above had the scheduled compile of 11 October send, its result unchanged since 8 October
    const [mail] = await digestMails();
    // Act
    const text = mail!.body.text ?? '';
    const html = mail!.body.html ?? '';
    // Assess: the figures stand as of the 11th, the day after the reports were due (10 October)
    expect(text).toContain('集計日 / compiled: 平成26年10月11日 (2014-10-11)');
    expect(html).toContain('集計日 平成26年10月11日 (2014-10-11)');
    expect(text).not.toContain('2014-10-08');
  });

  it('is not sent again by a late report recompiling the quarter', async () => {
    // Prepare
    const before = (await digestMails()).map((m) => m.messageId);
    const late = await report('4-4-3', q, '遅延', {}, '2014-10-20T10:00:00+09:00');
    // Act
    const applied = await applyReport(await progressReportedEvent(late), context('apply-report'));
    const outcome = await outcomeOf(latestEvent());
    // Assess
    expect(applied).toEqual({ outcome: 'updated' });
    expect(outcome).toBe('already-sent');
    expect((await digestMails()).map((m) => m.messageId)).toEqual(before);
    expect(before).toHaveLength(1);
  });
});
