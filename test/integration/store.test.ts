/**
 * The data layer against a real DynamoDB (DynamoDB Local, started by the test setup).
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localClientConfig } from '#local/aws-local';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { createStore, type Store } from '#shared/store/store';
import { apiErrorOf } from '#shared/http/api-error';
import { submitReport, type Caller, type Refusal } from '#shared/submit-report';
import type { PlanFile } from '#shared/domain/plan';
import { reportReference, StoredReportSchema, type ReportSubmission } from '#shared/domain/report';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { acquireCompileLease, CompileBusyError, compileLeaseKeys, leaseSeconds, releaseCompileLease } from '#shared/store/compile-lease';
import { loadDirectory, saveDirectory } from '#shared/store/directory-items';
import {
  claimNotification,
  getNotification,
  type Claim,
  markNotificationSending,
  markNotificationSent,
  releaseNotification,
} from '#shared/store/notification-items';
import { batchWrite, deleteRequest, putRequest } from '#shared/store/batch';
import { changesOverReports } from '#shared/store/plan-changes';
import { getMeasure, loadPlan, savePlan } from '#shared/store/plan-items';
import { queryAll } from '#shared/store/query';
import {
  appendReport,
  latestPerMeasure,
  latestVersion,
  maxCommentVersion,
  maxReportVersions,
  reportHistory,
  reportsOfQuarter,
  reportToItem,
  maxVersionRaces,
  ReportVersionLimitError,
  ReportVersionRaceError,
} from '#shared/store/report-items';
import { loadCompiledQuarter, saveCompiledQuarter } from '#shared/store/status-items';
import { createTestTable, type TestTable } from '#test/support/dynamo';

let table: TestTable;
let plan: PlanFile;

beforeAll(async () => {
  table = await createTestTable();
  ({ plan } = await readPlanFile());
});
afterAll(async () => table?.drop());

function submission(overrides: Partial<ReportSubmission> = {}): ReportSubmission {
  return {
    measureId: '2-2-3',
    quarter: 'FY2013-Q2',
    kind: 'report',
    status: '予定どおり',
    milestones: [{ milestoneId: 'm1', progress: 'in_progress' }],
    budgetExecutedThousandYen: 441,
    narrative: '予定どおり進んでいます。',
    issues: '',
    nextSteps: '',
    reporter: { kaId: 'shoko-kanko', ka: '商工観光課', bukai: '産業振興専門部会', person: '山田' },
    ...overrides,
  };
}

/**
 * Between the client and DynamoDB Local, a proxy that passes the first call of `operation` on and then
 * answers 500 instead of DynamoDB's answer, as a connection lost after the commit would: the client
 * sends the same call again.
 */
async function losingFirstAnswer(operation: string) {
  let lost = 0;
  const target = new URL(inject('dynamoEndpoint'));
  const proxy = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      const forward = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          if (String(req.headers['x-amz-target']).endsWith(`.${operation}`) && lost === 0) {
            lost += 1;
            res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
            res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'lost' }));
            return;
          }
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          res.end(Buffer.concat(chunks));
        });
      });
      forward.end(Buffer.concat(body));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const doc = createDocumentClient(localClientConfig(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`));
  return {
    store: (tenant: string) => createStore(doc, table.tableName, tenant),
    lost: () => lost,
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
  };
}

/**
 * The store whose every transactional write is preceded by another writer (on the plain store)
 * recording the next version of the same 事業 and quarter: each write it makes loses the race.
 * `rivals` receives the number of each rival report.
 */
function outrunBy(store: Store, rivals: number[]): Store {
  const doc = new Proxy(store.doc, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as (...args: unknown[]) => unknown;
      if (typeof value !== 'function') return value;
      if (name !== 'transactWrite') return value.bind(target);
      return async (input: { TransactItems: { Put?: { Item?: Record<string, unknown> } }[] }) => {
        const item = input.TransactItems[1]?.Put?.Item as { measureId: string; quarter: string } | undefined;
        rivals.push(rivals.length + 1);
        const n = rivals.length;
        await appendReport(store, submission({ measureId: item!.measureId, quarter: item!.quarter, narrative: `他の報告 ${n}` }), {
          channel: 'api',
          idempotencyKey: `rival-${store.tenant}-${item!.quarter}-${n}`,
        });
        return value.call(target, input);
      };
    },
  });
  return createStore(doc, store.tableName, store.tenant);
}

/** The store with each document client call it makes recorded by name. */
function counting(store: Store, calls: string[]): Store {
  const doc = new Proxy(store.doc, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(name));
        return value.apply(target, args);
      };
    },
  });
  return createStore(doc, store.tableName, store.tenant);
}

describe('batch writes', () => {
  it('writes every item of many chunks written side by side, and deletes as many', async () => {
    // Prepare
    const store = table.store('batch-a');
    const pk = 'T#batch-a#BATCH';
    const items = Array.from({ length: 237 }, (_, i) => ({ pk, sk: `ITEM#${String(i).padStart(3, '0')}`, n: i }));
    const read = async () => queryAll(store, { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } });
    // Act
    await batchWrite(store, items.map(putRequest));
    const written = await read();
    await batchWrite(store, items.slice(0, 200).map((i) => deleteRequest({ pk: i.pk, sk: i.sk })));
    const left = await read();
    // Assess
    expect(written.map((i) => i.n)).toEqual(items.map((i) => i.n));
    expect(left.map((i) => i.n)).toEqual(items.slice(200).map((i) => i.n));
  });
});

describe('plan items', () => {
  it('stores the plan and reads back exactly the same plan', async () => {
    // Prepare
    const store = table.store();
    // Act
    await savePlan(store, plan);
    const loaded = await loadPlan(store);
    // Assess
    expect(loaded).toEqual(plan);
    expect((await getMeasure(store, '3-1-2'))?.owners).toHaveLength(2);
  });

  it('replaces a stored plan: a 事業 the new file drops is gone', async () => {
    // Prepare
    const store = table.store('replace-test');
    const mine = { ...plan, plan: { ...plan.plan, tenant: 'replace-test' } };
    await savePlan(store, mine);
    // Act
    await savePlan(store, { ...mine, measures: mine.measures.filter((m) => m.id !== '5-4-1') });
    // Assess
    const loaded = await loadPlan(store);
    expect(loaded?.measures.length).toBe(50);
    expect(await getMeasure(store, '5-4-1')).toBeUndefined();
  });

  it('keeps tenants apart', async () => {
    expect(await loadPlan(table.store('another-city'))).toBeUndefined();
  });

  it('names the 事業 with reports that a new plan would drop, rename or give other owners, and counts their reports', async () => {
    // Prepare: 1-1-1 has two reports, 5-4-1 one, 2-2-3 none
    const store = table.store('change-test');
    const mine = { ...plan, plan: { ...plan.plan, tenant: 'change-test' } };
    await savePlan(store, mine);
    const reporter = { kaId: 'sogo-seisaku', ka: '総合政策課', bukai: '企画専門部会', person: '山田' };
    const submission = (measureId: string): ReportSubmission => ({
      measureId, quarter: 'FY2013-Q2', kind: 'report', status: '予定どおり', milestones: [], narrative: '', issues: '', nextSteps: '', reporter,
    });
    for (const [measureId, key] of [['1-1-1', 'a'], ['1-1-1', 'b'], ['5-4-1', 'c']] as const) {
      await appendReport(store, { ...submission(measureId), narrative: `報告 ${key}` }, { channel: 'web', idempotencyKey: key });
    }
    const next = {
      ...mine,
      measures: mine.measures
        .filter((m) => m.id !== '5-4-1')
        .map((m) => (m.id === '1-1-1' ? { ...m, name: '別の事業' } : m.id === '2-2-3' ? { ...m, name: '改名した事業' } : m)),
    };
    // Act
    const changes = await changesOverReports(store, next);
    const unchanged = await changesOverReports(store, mine);
    const firstLoad = await changesOverReports(table.store('never-loaded'), { ...next, plan: { ...next.plan, tenant: 'never-loaded' } });
    // Assess
    expect(changes.map((c) => [c.change.measureId, c.change.kind, c.reports])).toEqual([['1-1-1', 'changed', 2], ['5-4-1', 'removed', 1]]);
    expect(unchanged).toEqual([]);
    expect(firstLoad).toEqual([]);
  });

  it('names an id that comes back for another 事業 while the reports of the one dropped before are still there', async () => {
    // Prepare: 5-4-1 has a report; a plan without it is saved (the change accepted)
    const store = table.store('reuse-test');
    const mine = { ...plan, plan: { ...plan.plan, tenant: 'reuse-test' } };
    await savePlan(store, mine);
    const reporter = { kaId: 'shogai-gakushu', ka: '生涯学習課', bukai: '教育専門部会', person: '山田' };
    await appendReport(
      store,
      { measureId: '5-4-1', quarter: 'FY2013-Q2', kind: 'report', status: '予定どおり', milestones: [], narrative: '', issues: '', nextSteps: '', reporter },
      { channel: 'web', idempotencyKey: 'r' },
    );
    await savePlan(store, { ...mine, measures: mine.measures.filter((m) => m.id !== '5-4-1') });
    const back = { ...mine, measures: mine.measures.map((m) => (m.id === '5-4-1' ? { ...m, name: '別の事業', owners: [{ bukai: '総務専門部会', ka: '総務課' }] } : m)) };
    // Act
    const changes = await changesOverReports(store, back);
    // Assess
    expect(changes.map((c) => [c.change.measureId, c.change.kind, c.reports])).toEqual([['5-4-1', 'reused', 1]]);
  });

  it('refuses to store a plan under another tenant', async () => {
    await expect(savePlan(table.store('another-city'), plan)).rejects.toThrow(/tenant/);
  });
});

describe('directory items', () => {
  it('stores and reads back the directory', async () => {
    const store = table.store();
    const directory = await readDirectoryFile();
    await saveDirectory(store, directory);
    expect(await loadDirectory(store)).toEqual(directory);
  });
});

describe('report items (append-only)', () => {
  it('appends versions; a correction points at the version it replaces', async () => {
    // Prepare
    const store = table.store('reports-a');
    // Act
    const first = await appendReport(store, submission(), { channel: 'web', idempotencyKey: 'a-1' });
    const second = await appendReport(store, submission({ status: '遅れ気味' }), { channel: 'api', idempotencyKey: 'a-2' });
    // Assess
    expect(first).toMatchObject({ outcome: 'recorded', report: { version: 1, reference: 'FY2013-Q2-2-2-3-v1' } });
    expect(first.report.supersedes).toBeUndefined();
    // What is stored is what readers accept: the stored form parses unchanged.
    expect(StoredReportSchema.parse(first.report)).toEqual(first.report);
    expect(StoredReportSchema.parse(second.report)).toEqual(second.report);
    expect(second).toMatchObject({ outcome: 'recorded', report: { version: 2, supersedes: 1, status: '遅れ気味' } });
    const history = await reportHistory(store, '2-2-3');
    expect(history.map((r) => [r.version, r.status])).toEqual([
      [1, '予定どおり'],
      [2, '遅れ気味'],
    ]);
  });

  it('records a replayed submission once and answers with the first report', async () => {
    // Prepare
    const store = table.store('reports-b');
    const first = await appendReport(store, submission(), { channel: 'web', idempotencyKey: 'same-key' });
    // Act
    const replay = await appendReport(store, submission(), { channel: 'web', idempotencyKey: 'same-key' });
    const reused = await appendReport(store, submission({ narrative: 'other content' }), {
      channel: 'web',
      idempotencyKey: 'same-key',
    });
    // Assess
    expect(replay).toEqual({ outcome: 'duplicate', report: first.report });
    expect(reused).toEqual({ outcome: 'conflict', report: first.report });
    expect(await reportHistory(store, '2-2-3')).toHaveLength(1);
  });

  it('answers a report sent again unchanged, under a new key, with the version that says it, and records nothing', async () => {
    // Prepare
    const store = table.store('reports-again');
    const first = await appendReport(store, submission(), { channel: 'web', idempotencyKey: 'again-1' });
    // Act: the same words from another page or mail; then from another person, with an attachment, and after a change
    const again = await appendReport(store, submission(), { channel: 'mail', idempotencyKey: 'again-2' });
    const otherPerson = await appendReport(store, submission({ reporter: { ...submission().reporter, person: '佐藤' } }), { channel: 'web', idempotencyKey: 'again-3' });
    const attached = await appendReport(store, submission({ reporter: { ...submission().reporter, person: '佐藤' } }), {
      channel: 'mail',
      idempotencyKey: 'again-4',
      attachments: [{ name: 'memo.pdf', contentType: 'application/pdf', key: 'mail/attachments/x', bytes: 10 }],
    });
    const back = await appendReport(store, submission(), { channel: 'web', idempotencyKey: 'again-5' });
    // Assess: only the newest version is compared, so going back to what v1 said is a new version
    expect(again).toEqual({ outcome: 'duplicate', report: first.report });
    expect([otherPerson, attached, back].map((r) => [r.outcome, r.report.version])).toEqual([
      ['recorded', 2],
      ['recorded', 3],
      ['recorded', 4],
    ]);
    expect((await reportHistory(store, '2-2-3')).map((r) => r.version)).toEqual([1, 2, 3, 4]);
  });

  it('binds the key of a report sent again unchanged to the version it repeats: a retry stays that answer, other content under it is a conflict', async () => {
    // Prepare: X (v1), X again under a new key, then a correction Y (v2)
    const store = table.store('reports-again-keys');
    const x = submission();
    const y = submission({ status: '遅れ気味', issues: '調整中' });
    const v1 = await appendReport(store, x, { channel: 'api', idempotencyKey: 'k1' });
    const again = await appendReport(store, x, { channel: 'api', idempotencyKey: 'k2' });
    const v2 = await appendReport(store, y, { channel: 'api', idempotencyKey: 'k3' });
    // Act: Y under X's first key; X's second request retried after the correction
    const reused = await appendReport(store, y, { channel: 'api', idempotencyKey: 'k1' });
    const retried = await appendReport(store, x, { channel: 'api', idempotencyKey: 'k2' });
    // Assess: nothing undoes the correction
    expect(again).toEqual({ outcome: 'duplicate', report: v1.report });
    expect(reused).toEqual({ outcome: 'conflict', report: v1.report });
    expect(retried).toEqual({ outcome: 'duplicate', report: v1.report });
    expect((await reportHistory(store, '2-2-3')).map((r) => [r.version, r.status])).toEqual([
      [1, '予定どおり'],
      [2, '遅れ気味'],
    ]);
    expect(v2.report.version).toBe(2);
  });

  it('answers "recorded" when the answer to the committed write was lost and the client sent it again', async () => {
    // Prepare: the first TransactWriteItems is committed, its answer lost
    const proxy = await losingFirstAnswer('TransactWriteItems');
    const viaProxy = proxy.store('reports-lost');

    // Act
    const result = await appendReport(viaProxy, submission(), { channel: 'web', idempotencyKey: 'lost-answer' });
    await proxy.close();

    // Assess
    expect(proxy.lost()).toBe(1);
    expect(result).toMatchObject({ outcome: 'recorded', report: { version: 1 } });
    expect(await reportHistory(table.store('reports-lost'), '2-2-3')).toHaveLength(1);
  });

  it('gives concurrent writers distinct versions and loses none', async () => {
    // Prepare
    const store = table.store('reports-c');
    // Act
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => appendReport(store, submission({ narrative: `報告 ${i}` }), { channel: 'api', idempotencyKey: `race-${i}` })),
    );
    // Assess
    expect(results.map((r) => r.report.version).sort()).toEqual([1, 2, 3, 4]);
    expect(await reportHistory(store, '2-2-3')).toHaveLength(4);
  });

  it('gives up after losing the next version to other writers every time, recording nothing of its own', async () => {
    // Prepare: before each of its writes, another writer records the next version of the same 事業 first
    const store = table.store('reports-outrun');
    const rivals: number[] = [];
    // Act
    const attempt = appendReport(outrunBy(store, rivals), submission(), { channel: 'web', idempotencyKey: 'outrun' });
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ReportVersionRaceError);
    expect(rivals).toHaveLength(maxVersionRaces);
    const history = await reportHistory(store, '2-2-3');
    expect(history.map((r) => r.narrative)).toEqual(rivals.map((n) => `他の報告 ${n}`));
  });

  it('answers such a submission as busy (send again), and the same submission sent again is recorded once', async () => {
    // Prepare
    const store = table.store('reports-busy');
    const catalog = { plan, directory: await readDirectoryFile() };
    const ka = catalog.directory.ka.find((k) => k.id === 'sogo-seisaku')!;
    const caller: Caller = {
      claims: { tenant: 'shimotsuke', kaId: ka.id, quarter: 'FY2013-Q3', purpose: 'form', expiresAt: Math.floor(Date.now() / 1000) + 3600 },
      ka,
      reporter: { kaId: ka.id, ka: ka.name, bukai: ka.bukai },
    };
    const body = { measureId: '2-2-3', quarter: 'FY2013-Q3', status: '予定どおり', person: '山田' };
    // Act
    const busy = await submitReport(outrunBy(store, []), catalog, caller, body, { channel: 'api', idempotencyKey: 'busy-then-again' });
    const again = await submitReport(store, catalog, caller, body, { channel: 'api', idempotencyKey: 'busy-then-again' });
    // Assess
    expect(busy).toMatchObject({ outcome: 'busy', ja: expect.stringContaining('もう一度送信してください'), en: expect.stringContaining('send it again') });
    expect(apiErrorOf(busy as Refusal).toResponse()).toMatchObject({ statusCode: 503, headers: { 'retry-after': '1' } });
    expect(again).toMatchObject({ outcome: 'recorded', report: { version: maxVersionRaces + 1, reporter: { kaId: 'sogo-seisaku', person: '山田' } } });
    const history = await reportHistory(store, '2-2-3', 'FY2013-Q3');
    expect(history.filter((r) => r.reporter.kaId === 'sogo-seisaku')).toHaveLength(1);
  });

  it("a report after a related department's comment corrects the owner's report before the comment", async () => {
    // Prepare
    const store = table.store('reports-comment');
    const comment = submission({ kind: 'comment', status: undefined, narrative: '関連部署の意見' });
    // Act: the owner's report, a related department's comment, the owner's report again, and again
    const v1 = await appendReport(store, submission(), { channel: 'web', idempotencyKey: 'c-1' });
    const v2 = await appendReport(store, comment, { channel: 'web', idempotencyKey: 'c-2' });
    const calls: string[] = [];
    const v3 = await appendReport(counting(store, calls), submission({ status: '遅れ気味' }), { channel: 'web', idempotencyKey: 'c-3' });
    const v4 = await appendReport(store, submission({ status: '遅延', issues: '課題' }), { channel: 'web', idempotencyKey: 'c-4' });
    // Assess: v3 corrects v1; the comment corrects nothing and records the report it followed
    expect(calls, 'what v3 corrects is known from the one latest item read').toEqual(['query', 'transactWrite']);
    expect([v1, v2, v3, v4].map((r) => [r.report.version, r.report.kind, r.report.supersedes ?? null, r.report.followsReport ?? null])).toEqual([
      [1, 'report', null, null],
      [2, 'comment', null, 1],
      [3, 'report', 1, null],
      [4, 'report', 3, null],
    ]);
    // What is stored is what was answered.
    expect(await reportHistory(store, '2-2-3')).toEqual([v1, v2, v3, v4].map((r) => r.report));
    expect(await latestVersion(store, '2-2-3', 'FY2013-Q2')).toEqual({ version: 4, kind: 'report', latestReport: 4, newest: reportToItem(store.tenant, v4.report) });
  });

  it('a report after comments corrects the latest report, however many comments came between', async () => {
    // Prepare
    const store = table.store('reports-comments');
    const comment = (narrative: string) => submission({ kind: 'comment', status: undefined, narrative });
    // Act: two reports, two comments, a report
    const v1 = await appendReport(store, submission(), { channel: 'web', idempotencyKey: 'cs-1' });
    const v2 = await appendReport(store, submission({ status: '遅れ気味' }), { channel: 'web', idempotencyKey: 'cs-2' });
    const v3 = await appendReport(store, comment('意見'), { channel: 'mail', idempotencyKey: 'cs-3' });
    expect(await latestVersion(store, '2-2-3', 'FY2013-Q2')).toEqual({ version: 3, kind: 'comment', latestReport: 2, newest: reportToItem(store.tenant, v3.report) });
    const v4 = await appendReport(store, submission({ status: '遅延' }), { channel: 'api', idempotencyKey: 'cs-4' });
    const v5 = await appendReport(store, comment('意見 2'), { channel: 'web', idempotencyKey: 'cs-5' });
    const v6 = await appendReport(store, comment('意見 3'), { channel: 'web', idempotencyKey: 'cs-6' });
    const v7 = await appendReport(store, submission({ status: '完了' }), { channel: 'web', idempotencyKey: 'cs-7' });
    // Assess
    expect([v1, v2, v3, v4, v5, v6, v7].map((r) => [r.report.version, r.report.kind, r.report.supersedes ?? null, r.report.followsReport ?? null])).toEqual([
      [1, 'report', null, null],
      [2, 'report', 1, null],
      [3, 'comment', null, 2],
      [4, 'report', 2, null],
      [5, 'comment', null, 4],
      [6, 'comment', null, 4],
      [7, 'report', 4, null],
    ]);
  });

  it('a comment before any report follows none, and the first report after it corrects none', async () => {
    // Prepare
    const store = table.store('reports-comment-first');
    const comment = submission({ kind: 'comment', status: undefined, narrative: '先に意見' });
    // Act
    const v1 = await appendReport(store, comment, { channel: 'web', idempotencyKey: 'cf-1' });
    const v2 = await appendReport(store, submission(), { channel: 'web', idempotencyKey: 'cf-2' });
    // Assess
    expect(v1.report).not.toHaveProperty('followsReport');
    expect(v1.report).not.toHaveProperty('supersedes');
    expect(v2.report).not.toHaveProperty('supersedes');
    expect(v2.report.version).toBe(2);
  });

  it('after a comment stored before comments recorded the report they followed, the next report names none', async () => {
    // Prepare: v1 a report, v2 a comment as stored before `followsReport` existed (no such attribute)
    const store = table.store('reports-legacy-comment');
    const v1 = await appendReport(store, submission(), { channel: 'web', idempotencyKey: 'lc-1' });
    const legacy = {
      ...submission({ kind: 'comment', status: undefined, narrative: '以前の意見' }),
      version: 2,
      reference: reportReference('2-2-3', 'FY2013-Q2', 2),
      channel: 'web' as const,
      submittedAt: '2013-07-10T00:00:00.000Z',
      attachments: [],
    };
    await store.doc.put({ TableName: store.tableName, Item: reportToItem(store.tenant, legacy) });
    // Act
    const latest = await latestVersion(store, '2-2-3', 'FY2013-Q2');
    const v3 = await appendReport(store, submission({ kind: 'comment', status: undefined, narrative: '新しい意見' }), { channel: 'web', idempotencyKey: 'lc-3' });
    const v4 = await appendReport(store, submission({ status: '遅れ気味' }), { channel: 'web', idempotencyKey: 'lc-4' });
    const v5 = await appendReport(store, submission({ status: '遅延' }), { channel: 'web', idempotencyKey: 'lc-5' });
    // Assess: the old comment tells nothing of v1, so v3 follows none and v4 corrects none (as before);
    // from v4 on the chain is whole again
    expect(v1.report.version).toBe(1);
    expect(latest).toEqual({ version: 2, kind: 'comment', newest: reportToItem(store.tenant, legacy) });
    expect([v3, v4, v5].map((r) => [r.report.version, r.report.supersedes ?? null, r.report.followsReport ?? null])).toEqual([
      [3, null, null],
      [4, null, null],
      [5, 4, null],
    ]);
  });

  it('takes the next version when the latest it was given was read before another writer appended', async () => {
    // Prepare: the latest version read early (as while a body is checked), then someone else appends
    const store = table.store('reports-early');
    await appendReport(store, submission(), { channel: 'api', idempotencyKey: 'early-1' });
    const readEarly = latestVersion(store, '2-2-3', 'FY2013-Q2');
    expect(await readEarly).toMatchObject({ version: 1, kind: 'report', latestReport: 1 });
    await appendReport(store, submission({ narrative: '別の報告' }), { channel: 'web', idempotencyKey: 'early-2' });

    // Act
    const result = await appendReport(store, submission({ status: '遅れ気味' }), { channel: 'api', idempotencyKey: 'early-3', latest: readEarly });

    // Assess: version 2 was taken, so the stale read is dropped and the next one is read; nothing is lost
    expect(result).toMatchObject({ outcome: 'recorded', report: { version: 3, supersedes: 2, status: '遅れ気味' } });
    expect((await reportHistory(store, '2-2-3')).map((r) => r.version)).toEqual([1, 2, 3]);
  });

  it('reads a quarter across 事業 in one index query and picks the latest version', async () => {
    // Prepare
    const store = table.store('reports-d');
    await appendReport(store, submission({ measureId: '1-1-1' }), { channel: 'web', idempotencyKey: 'd-1' });
    await appendReport(store, submission({ measureId: '1-1-1', status: '遅延' }), { channel: 'web', idempotencyKey: 'd-2' });
    await appendReport(store, submission({ measureId: '5-4-1' }), { channel: 'mail', idempotencyKey: 'd-3' });
    await appendReport(store, submission({ measureId: '5-4-1', quarter: 'FY2013-Q3' }), { channel: 'mail', idempotencyKey: 'd-4' });
    // Act
    const reports = await reportsOfQuarter(store, 'FY2013-Q2');
    // Assess
    expect(reports).toHaveLength(3);
    const latest = latestPerMeasure(reports);
    expect(latest.get('1-1-1')?.status).toBe('遅延');
    expect(latest.get('5-4-1')?.quarter).toBe('FY2013-Q2');
  });

  it('appends up to the last version a 事業 and quarter can hold, then refuses, and still answers a retry', async () => {
    // Prepare: the version before the last is already stored
    const store = table.store('reports-e');
    const earlier = { ...submission(), version: maxReportVersions - 1, reference: reportReference('2-2-3', 'FY2013-Q2', maxReportVersions - 1), channel: 'api' as const, submittedAt: '2013-07-01T00:00:00.000Z', attachments: [] };
    await store.doc.put({ TableName: store.tableName, Item: reportToItem(store.tenant, earlier) });
    // Act
    const last = await appendReport(store, submission({ narrative: '最後の版' }), { channel: 'api', idempotencyKey: 'e-last' });
    const retry = await appendReport(store, submission({ narrative: '最後の版' }), { channel: 'api', idempotencyKey: 'e-last' });
    const reused = await appendReport(store, submission({ narrative: '別の内容' }), { channel: 'api', idempotencyKey: 'e-last' });
    const past = appendReport(store, submission({ narrative: 'もう一つ' }), { channel: 'api', idempotencyKey: 'e-past' });
    // Assess
    expect(last).toMatchObject({ outcome: 'recorded', report: { version: maxReportVersions, supersedes: maxReportVersions - 1 } });
    expect(retry).toEqual({ outcome: 'duplicate', report: last.report });
    expect(reused).toEqual({ outcome: 'conflict', report: last.report });
    await expect(past).rejects.toBeInstanceOf(ReportVersionLimitError);
    expect((await reportHistory(store, '2-2-3')).map((r) => r.version)).toEqual([maxReportVersions - 1, maxReportVersions]);
  });

  it('keeps the last versions for the owner: comments stop at their limit, reports go on', async () => {
    // Prepare: comments have reached the last version a comment can take
    const store = table.store('reports-comment-limit');
    const comment = submission({ kind: 'comment', status: undefined, narrative: '関連部署の意見' });
    const full = { ...comment, version: maxCommentVersion, followsReport: 1, reference: reportReference('2-2-3', 'FY2013-Q2', maxCommentVersion), channel: 'web' as const, submittedAt: '2013-07-01T00:00:00.000Z', attachments: [] };
    await store.doc.put({ TableName: store.tableName, Item: reportToItem(store.tenant, full) });
    // Act
    const refused = await appendReport(store, { ...comment, narrative: '次の意見' }, { channel: 'web', idempotencyKey: 'c-over' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const report = await appendReport(store, submission(), { channel: 'api', idempotencyKey: 'r-after' });
    // Assess
    expect(refused).toBeInstanceOf(ReportVersionLimitError);
    expect(refused).toMatchObject({ kind: 'comment' });
    expect(report).toMatchObject({ outcome: 'recorded', report: { version: maxCommentVersion + 1, supersedes: 1 } });
    expect(maxReportVersions - maxCommentVersion).toBe(999);
  });
});

describe('compiled status items', () => {
  it('recompiling a quarter overwrites the same items and nothing else', async () => {
    // Prepare
    const store = table.store('status-a');
    const compiled = {
      measures: [
        {
          measureId: '1-1-1',
          quarter: 'FY2012-Q1',
          colour: 'green' as const,
          reportStatus: '予定どおり' as const,
          overdueMilestones: [],
          budget: { plannedThousandYen: 19_573, executedThousandYen: 4_000 },
        },
      ],
      rollups: [{ quarter: 'FY2012-Q1', scope: 'plan' as const, scopeId: 'all', counts: { green: 1, amber: 0, red: 0, unreported: 50 } }],
    };
    await saveCompiledQuarter(store, { ...compiled, measures: [{ ...compiled.measures[0]!, quarter: 'FY2012-Q2' }], rollups: [] }, new Date());
    // Act
    await saveCompiledQuarter(store, compiled, new Date('2012-07-05T00:00:00Z'));
    await saveCompiledQuarter(store, compiled, new Date('2012-07-06T00:00:00Z'));
    // Assess
    expect(await loadCompiledQuarter(store, 'FY2012-Q1')).toEqual({ ...compiled, compiledAt: '2012-07-06T00:00:00.000Z' });
    expect((await loadCompiledQuarter(store, 'FY2012-Q2'))?.measures).toHaveLength(1);
    // The newest item written is the quarter's newest compile
    await saveCompiledQuarter(store, { measures: compiled.measures, rollups: [] }, new Date('2012-07-20T00:00:00Z'));
    expect((await loadCompiledQuarter(store, 'FY2012-Q1'))?.compiledAt).toBe('2012-07-20T00:00:00.000Z');
  });
});

describe('a compiled quarter read while a compile rewrites it', () => {
  const measure = (colour: 'green' | 'red') => ({
    measureId: '1-1-1',
    quarter: 'FY2012-Q1',
    colour,
    reportStatus: colour === 'green' ? ('予定どおり' as const) : ('遅延' as const),
    overdueMilestones: [],
    budget: { plannedThousandYen: 19_573, executedThousandYen: 4_000 },
  });
  const rollup = (colour: 'green' | 'red') => ({
    quarter: 'FY2012-Q1',
    scope: 'plan' as const,
    scopeId: 'all',
    counts: { green: colour === 'green' ? 1 : 0, amber: 0, red: colour === 'red' ? 1 : 0, unreported: 50 },
  });
  const first = new Date('2012-07-11T06:00:00+09:00');
  const second = new Date('2012-07-20T10:00:00+09:00');

  it.each([
    ['an earlier time', 'status-mixed-a', first],
    ['the same time (a recompile is never stamped earlier than the compile before it)', 'status-mixed-c', second],
  ])('is read again until the compile has written all of it, so its 事業 and roll-ups agree (the earlier compile at %s)', async (_, tenant, earlier) => {
    // Prepare: 30 事業 and the plan's roll-up, so a compile writes them in two batches (25 + 6)
    const store = table.store(tenant);
    const measures = (colour: 'green' | 'red') => Array.from({ length: 30 }, (_, i) => ({ ...measure(colour), measureId: `1-1-${i + 1}` }));
    await saveCompiledQuarter(store, { measures: measures('green'), rollups: [rollup('green')] }, earlier);
    // The second compile writes its first batch, and its second only once the read has read once; the
    // read answers only once the compile has finished.
    let batches = 0;
    let firstBatchWritten!: () => void;
    let readOnce!: () => void;
    const afterFirstBatch = new Promise<void>((resolve) => (firstBatchWritten = resolve));
    const afterFirstRead = new Promise<void>((resolve) => (readOnce = resolve));
    const writer: typeof store = {
      ...store,
      doc: {
        ...store.doc,
        batchWrite: async (input) => {
          batches += 1;
          const batch = batches;
          if (batch > 1) await afterFirstRead;
          const result = await store.doc.batchWrite(input);
          if (batch === 1) firstBatchWritten();
          return result;
        },
      },
    };
    let reads = 0;
    let compileDone!: Promise<void>;
    const reader: typeof store = {
      ...store,
      doc: {
        ...store.doc,
        query: async (input) => {
          const page = await store.doc.query(input);
          reads += 1;
          if (reads === 1) {
            readOnce();
            await compileDone;
          }
          return page;
        },
      },
    };
    // Act
    compileDone = saveCompiledQuarter(writer, { measures: measures('red'), rollups: [rollup('red')] }, second);
    await afterFirstBatch;
    const compiled = await loadCompiledQuarter(reader, 'FY2012-Q1', { retryDelayMs: 1 });
    // Assess
    expect(batches).toBe(2);
    expect(reads).toBe(2);
    expect(new Set(compiled?.measures.map((m) => m.colour))).toEqual(new Set(['red']));
    expect(compiled?.rollups.map((r) => r.counts.red)).toEqual([1]);
    expect(compiled?.compiledAt).toBe(second.toISOString());
  });

  it('is returned as read when it stays half written (a compile that died half way)', async () => {
    // Prepare
    const store = table.store('status-mixed-b');
    await saveCompiledQuarter(store, { measures: [measure('green')], rollups: [rollup('green')] }, first);
    await saveCompiledQuarter(store, { measures: [measure('red')], rollups: [] }, second);
    // Act
    const compiled = await loadCompiledQuarter(store, 'FY2012-Q1', { attempts: 2, retryDelayMs: 1 });
    // Assess
    expect(compiled?.measures.map((m) => m.colour)).toEqual(['red']);
    expect(compiled?.rollups.map((r) => r.counts.green)).toEqual([1]);
  });
});

describe('compile lease', () => {
  it('is held by one compile at a time, is taken over once expired, and is released only by its holder', async () => {
    // Prepare
    const store = table.store('lease-a');
    const t0 = new Date('2015-10-05T06:00:00Z');
    const at = (seconds: number) => () => new Date(t0.getTime() + seconds * 1000);
    const first = await acquireCompileLease(store, 'FY2015-Q2', { now: at(0) });
    // Act
    const refused = (lease: Promise<string>) => lease.then(() => 'acquired', (error: unknown) => error);
    const whileHeld = await refused(acquireCompileLease(store, 'FY2015-Q2', { now: at(leaseSeconds - 1), waitMs: 0 }));
    const otherQuarter = await acquireCompileLease(store, 'FY2015-Q3', { now: at(1), waitMs: 0 });
    const takeover = await acquireCompileLease(store, 'FY2015-Q2', { now: at(leaseSeconds + 1), waitMs: 0 });
    await releaseCompileLease(store, 'FY2015-Q2', first); // the expired holder finishing late
    const afterStaleRelease = await refused(acquireCompileLease(store, 'FY2015-Q2', { now: at(leaseSeconds + 2), waitMs: 0 }));
    await releaseCompileLease(store, 'FY2015-Q2', takeover);
    const afterRelease = await acquireCompileLease(store, 'FY2015-Q2', { now: at(leaseSeconds + 3), waitMs: 0 });
    // Assess
    expect(whileHeld).toBeInstanceOf(CompileBusyError);
    expect(afterStaleRelease).toBeInstanceOf(CompileBusyError);
    expect(new Set([first, otherQuarter, takeover, afterRelease]).size).toBe(4);
  });

  it('is acquired when the answer to the committed put was lost and the client sent it again', async () => {
    // Prepare: the first PutItem (the lease) is committed, its answer lost
    const proxy = await losingFirstAnswer('PutItem');
    // Act
    const holder = await acquireCompileLease(proxy.store('lease-lost'), 'FY2015-Q2', { waitMs: 0 }).catch((error: unknown) => error);
    await proxy.close();
    // Assess
    expect(proxy.lost()).toBe(1);
    expect(typeof holder).toBe('string');
    const stored = await table.store('lease-lost').doc.get({ TableName: table.tableName, Key: { pk: compileLeaseKeys.partition('lease-lost', 'FY2015-Q2'), sk: compileLeaseKeys.item() } });
    expect(stored.Item?.holder).toBe(holder);
  });
});

/** The claim id of a claim that must have been won. */
async function claimedId(claim: Promise<Claim>): Promise<string> {
  const result = await claim;
  expect(result.outcome).toBe('claimed');
  return result.outcome === 'claimed' ? result.claimId : '';
}

describe('notification items', () => {
  const notification = {
    key: 'report-due#FY2012-Q1#kikaku#before-14',
    kind: 'report-due' as const,
    recipients: ['bukai-kikaku@shimotsuke.example'],
    subject: '進捗報告のお願い',
    day: '2012-06-26',
  };

  it('lets exactly one of many concurrent claims win', async () => {
    // Prepare
    const store = table.store('notify-a');
    // Act
    const results = await Promise.all(Array.from({ length: 5 }, () => claimNotification(store, notification)));
    // Assess
    expect(results.filter((r) => r.outcome === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'in-progress')).toHaveLength(4);
  });

  it('never claims a sent notification again', async () => {
    const store = table.store('notify-b');
    const claim = await claimedId(claimNotification(store, notification));
    expect(await markNotificationSent(store, notification.key, claim, 'message-1')).toBe('recorded');
    expect(await claimNotification(store, notification, new Date(Date.now() + 86_400_000))).toEqual({ outcome: 'already-sent' });
    expect(await getNotification(store, notification.key)).toMatchObject({ state: 'sent', messageId: 'message-1' });
  });

  it('frees a claim after a failed send, and takes over a stale claim', async () => {
    const store = table.store('notify-c');
    const now = new Date('2012-06-26T00:00:00Z');
    const first = await claimedId(claimNotification(store, notification, now));
    expect(await releaseNotification(store, notification.key, first)).toBe('released');
    await claimedId(claimNotification(store, notification, now));
    expect(await claimNotification(store, notification, new Date(now.getTime() + 60_000))).toEqual({ outcome: 'in-progress' });
    await claimedId(claimNotification(store, notification, new Date(now.getTime() + 16 * 60_000)));
  });

  it('frees a claim once the run that made it has surely ended, unless that run began to send', async () => {
    // Prepare: two runs that can live until 90 s after their claims; one died before sending, one after it began to
    const [unsent, sending] = [table.store('notify-short-unsent'), table.store('notify-short-sending')];
    const now = new Date('2012-06-26T00:00:00Z');
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
    const runUntil = (from: Date) => ({ heldUntil: new Date(from.getTime() + 90_000) });
    await claimedId(claimNotification(unsent, notification, now, runUntil(now)));
    const begun = await claimedId(claimNotification(sending, notification, now, runUntil(now)));
    expect(await markNotificationSending(sending, notification.key, begun, at(30))).toBe('marked');
    // Act / Assess: the unsent claim is held while its run may live, then taken over
    expect(await claimNotification(unsent, notification, at(80), runUntil(at(80)))).toEqual({ outcome: 'in-progress' });
    const retry = await claimedId(claimNotification(unsent, notification, at(120), runUntil(at(120))));
    expect(await getNotification(unsent, notification.key)).toMatchObject({ state: 'claimed', claimId: retry, heldUntil: at(210).toISOString() });
    // … while a claim whose mail may have gone out holds for the long window, whatever its run said
    expect(await claimNotification(sending, notification, at(120), runUntil(at(120)))).toEqual({ outcome: 'in-progress' });
    await claimedId(claimNotification(sending, notification, at(16 * 60), runUntil(at(16 * 60))));
  });

  it('marks sending on its own claim only', async () => {
    const store = table.store('notify-sending-lost');
    const now = new Date('2012-06-26T00:00:00Z');
    const later = new Date(now.getTime() + 120_000);
    const stale = await claimedId(claimNotification(store, notification, now, { heldUntil: new Date(now.getTime() + 90_000) }));
    await claimedId(claimNotification(store, notification, later, { heldUntil: new Date(later.getTime() + 90_000) }));
    expect(await markNotificationSending(store, notification.key, stale)).toBe('lost');
    expect(await getNotification(store, notification.key)).not.toHaveProperty('sendingAt');
  });

  it('is claimed when the answer to the committed claim was lost and the client sent it again, and only once', async () => {
    // Prepare: the first PutItem (the claim) is committed, its answer lost
    const proxy = await losingFirstAnswer('PutItem');
    const store = table.store('notify-lost');
    // Act
    const claim = await claimNotification(proxy.store('notify-lost'), notification);
    await proxy.close();
    const another = await claimNotification(store, notification);
    // Assess
    expect(proxy.lost()).toBe(1);
    expect(claim.outcome).toBe('claimed');
    expect(another).toEqual({ outcome: 'in-progress' });
    expect(await getNotification(store, notification.key)).toMatchObject({ state: 'claimed' });
  });

  describe('a stale claim taken over by a second sender', () => {
    const now = new Date('2012-06-26T00:00:00Z');
    const later = new Date(now.getTime() + 16 * 60_000);

    async function takenOver(tenant: string) {
      const store = table.store(tenant);
      const stale = await claimedId(claimNotification(store, notification, now));
      const current = await claimedId(claimNotification(store, notification, later));
      return { store, stale, current };
    }

    it('cannot be released by the first sender', async () => {
      // Prepare
      const { store, stale, current } = await takenOver('notify-stale-release');
      // Act: the first sender's send failed and it gives back the claim it no longer holds
      const released = await releaseNotification(store, notification.key, stale);
      // Assess: nothing is deleted; the second sender's claim stays, and is still its own to release
      expect(released).toBe('lost');
      expect(await getNotification(store, notification.key)).toMatchObject({ state: 'claimed', claimId: current, claimedAt: later.toISOString() });
      expect(await claimNotification(store, notification, later)).toEqual({ outcome: 'in-progress' });
      expect(await releaseNotification(store, notification.key, current)).toBe('released');
      expect(await getNotification(store, notification.key)).toBeUndefined();
    });

    it('cannot be marked sent by the first sender', async () => {
      // Prepare
      const { store, stale, current } = await takenOver('notify-stale-mark');
      // Act: the first sender's mail went out late, after the claim was taken over
      const marked = await markNotificationSent(store, notification.key, stale, 'message-stale', later);
      // Assess: the second sender's claim is not overwritten, and it records its own send
      expect(marked).toBe('lost');
      expect(await getNotification(store, notification.key)).toMatchObject({ state: 'claimed', claimId: current });
      expect(await markNotificationSent(store, notification.key, current, 'message-current', later)).toBe('recorded');
      expect(await getNotification(store, notification.key)).toMatchObject({ state: 'sent', claimId: current, messageId: 'message-current' });
    });

    it('cannot be marked sent by the first sender after the second one recorded its send', async () => {
      // Prepare
      const { store, stale, current } = await takenOver('notify-stale-mark-after');
      expect(await markNotificationSent(store, notification.key, current, 'message-current', later)).toBe('recorded');
      // Act
      const marked = await markNotificationSent(store, notification.key, stale, 'message-stale', later);
      // Assess
      expect(marked).toBe('lost');
      expect(await getNotification(store, notification.key)).toMatchObject({ state: 'sent', messageId: 'message-current' });
    });
  });

  it('records a send again when the update is sent again with the same message id', async () => {
    // Prepare
    const store = table.store('notify-mark-twice');
    const claim = await claimedId(claimNotification(store, notification));
    // Act
    const first = await markNotificationSent(store, notification.key, claim, 'message-1');
    const again = await markNotificationSent(store, notification.key, claim, 'message-1');
    // Assess
    expect([first, again]).toEqual(['recorded', 'recorded']);
    expect(await markNotificationSent(store, notification.key, claim, 'message-2')).toBe('lost');
    expect(await getNotification(store, notification.key)).toMatchObject({ state: 'sent', messageId: 'message-1' });
  });
});
