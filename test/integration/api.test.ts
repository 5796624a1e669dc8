/**
 * The JSON API end to end: the local HTTP server (local/http-server.ts) in front of the REAL handlers
 * of submit-report, read-reports, read-status and openapi, on DynamoDB Local. Every refusal is
 * checked to write nothing: the table's items are counted before and after.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDashboardToken, leadershipHolder } from '#shared/auth/dashboard-access';
import { issueToken } from '#shared/auth/link-token';
import type { Directory } from '#shared/domain/directory';
import { findKa } from '#shared/domain/ownership';
import { PlanFileSchema, type PlanFile } from '#shared/domain/plan';
import { compileQuarter, planCounts } from '#shared/domain/compile';
import { defaultQuarter } from '#shared/domain/report-query';
import type { CompiledMeasureStatus, Rollup } from '#shared/domain/status';
import { envNames } from '#shared/config/env';
import { tokenFor } from '#shared/links';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { reportReference } from '#shared/domain/report';
import { saveDirectory } from '#shared/store/directory-items';
import { savePlan } from '#shared/store/plan-items';
import { maxCommentVersion, maxReportVersions, reportToItem } from '#shared/store/report-items';
import { saveCompiledQuarter } from '#shared/store/status-items';
import type { Store } from '#shared/store/store';
import { startHttpServer, type LocalHttpServer } from '#local/http-server';
import { createTestTable, handlerEnvironment, type TestTable } from '#test/support/dynamo';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const tenant = 'shimotsuke';
const quarter = 'FY2013-Q2';
const secret = randomBytes(32).toString('hex');
const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/;

let table: TestTable;
let store: Store;
let server: LocalHttpServer;
let plan: PlanFile;
let directory: Directory;

/** Every answer of the API in this file, for the last test: does the document declare it? */
const answers: { method: string; path: string; status: number; headers: Headers; body: unknown }[] = [];

beforeAll(async () => {
  table = await createTestTable();
  // The handlers read these when the server first loads them (at their first request), as on Lambda.
  Object.assign(process.env, { ...handlerEnvironment(table, tenant), [envNames.linkSecret]: secret, POWERTOOLS_LOG_LEVEL: 'ERROR' });
  store = table.store(tenant);
  ({ plan } = await readPlanFile());
  directory = await readDirectoryFile();
  // What `shinchoku provision` / the local stack do: the plan and the directory in the table.
  await savePlan(store, plan);
  await saveDirectory(store, directory);
  server = await startHttpServer();
});

afterAll(async () => {
  await server?.stop();
  await table?.drop();
});

function formToken(kaId: string, options: { quarter?: string; issuedAt?: Date; validDays?: number; purpose?: 'form' | 'mail' } = {}): string {
  return tokenFor(
    {
      tenant,
      kaId,
      quarter: options.quarter ?? quarter,
      purpose: options.purpose ?? 'form',
      now: options.issuedAt ?? new Date(),
      validDays: options.validDays,
    },
    secret,
  );
}

/** A dashboard link token of the secretariat (its 課 id) or the leadership. */
function dashboardToken(holder: string, options: { issuedAt?: Date; validDays?: number } = {}): string {
  return issueDashboardToken(
    { tenant, directory, holder, quarter, now: options.issuedAt ?? new Date(), validDays: options.validDays },
    secret,
  );
}

interface Call {
  /** The route path as in routes.ts, e.g. `/api/reports/{reference}`. */
  route: string;
  params?: Record<string, string>;
  query?: string;
  token?: string | null;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

async function call(method: string, request: Call): Promise<{ status: number; headers: Headers; body: Json }> {
  const path = request.route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(request.params?.[name] ?? ''));
  const response = await fetch(`${server.url}${path}${request.query ? `?${request.query}` : ''}`, {
    method,
    headers: { ...(request.token ? { authorization: `Bearer ${request.token}` } : {}), ...request.headers },
    body: request.body,
  });
  const text = await response.text();
  const body = text === '' ? {} : (JSON.parse(text) as Json);
  answers.push({ method, path: request.route, status: response.status, headers: response.headers, body });
  return { status: response.status, headers: response.headers, body };
}

/** POST /api/reports as a client would: JSON, an idempotency key, the 課's token. */
function submit(
  body: unknown,
  options: { token?: string | null; key?: string | null; contentType?: string | null; raw?: string | Buffer } = {},
) {
  const headers: Record<string, string> = {};
  if (options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
  if (options.key !== null) headers['idempotency-key'] = options.key ?? randomUUID();
  return call('POST', {
    route: '/api/reports',
    token: options.token === undefined ? formToken('sogo-seisaku') : options.token,
    headers,
    body: options.raw ?? JSON.stringify(body),
  });
}

function get(route: string, options: { params?: Record<string, string>; query?: string; token?: string | null } = {}) {
  return call('GET', { route, params: options.params, query: options.query, token: options.token === undefined ? formToken('sogo-seisaku') : options.token });
}

/** Every item of the test table: a refusal must leave this number as it was. */
async function itemCount(filter?: 'Report'): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.scan({
      TableName: table.tableName,
      Select: 'COUNT',
      ExclusiveStartKey: startKey,
      ...(filter ? { FilterExpression: '#type = :type', ExpressionAttributeNames: { '#type': 'type' }, ExpressionAttributeValues: { ':type': filter } } : {}),
    });
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

/** A report 総合政策課 may send on 2-2-3 (one milestone, m1). */
function validReport(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    measureId: '2-2-3',
    quarter,
    status: '予定どおり',
    milestones: [{ milestoneId: 'm1', progress: 'in_progress', date: '2013-07-01' }],
    budgetExecutedThousandYen: 441,
    narrative: 'オープンデータの公開準備を進めています。',
    issues: '',
    nextSteps: '第一弾の公開',
    person: '下野 太郎',
    ...overrides,
  };
}

function expectBilingualError(body: Json, status: number): void {
  expect(body.error).toMatchObject({ status, message: expect.stringMatching(japanese), messageEn: expect.stringMatching(/[a-z]/) });
}

describe('POST /api/reports', () => {
  let first: Json;

  it('records an accepted report (201, Location) that reads back through the API', async () => {
    // Prepare
    const before = await itemCount('Report');
    // Act
    const answer = await submit(validReport(), { key: 'accepted-1' });
    const location = answer.headers.get('location') ?? '';
    const readBack = await get('/api/reports/{reference}', { params: { reference: decodeURIComponent(location.split('/').pop()!) } });
    // Assess
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      reference: `${quarter}-2-2-3-v1`,
      version: 1,
      measureId: '2-2-3',
      quarter,
      kind: 'report',
      submittedAt: expect.any(String),
    });
    expect(location).toBe(`/api/reports/${quarter}-2-2-3-v1`);
    expect(await itemCount('Report')).toBe(before + 1);
    expect(readBack.status).toBe(200);
    const { person: _person, ...sent } = validReport();
    expect(readBack.body).toMatchObject({
      ...sent,
      reference: answer.body.reference,
      channel: 'api',
      kind: 'report',
      reporter: { kaId: 'sogo-seisaku', ka: '総合政策課', bukai: '企画専門部会', person: '下野 太郎' },
    });
    first = answer.body;
  });

  it('answers a replay with the same key with 200, Idempotent-Replayed and the first report, storing it once', async () => {
    // Prepare
    const before = await itemCount();
    // Act
    const replay = await submit(validReport(), { key: 'accepted-1' });
    // Assess
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first);
    expect(await itemCount()).toBe(before);
    const history = await get('/api/measures/{measureId}/reports', { params: { measureId: '2-2-3' } });
    expect(history.body.reports).toHaveLength(1);
  });

  it('answers the same report sent again under a new key with 200 and the report it repeats, storing no report', async () => {
    // Prepare: the form opened again, or the JSON sent again by hand
    const before = await itemCount('Report');
    // Act
    const again = await submit(validReport(), { key: 'accepted-again' });
    const otherContentUnderThatKey = await submit({ ...validReport(), narrative: '別の内容' }, { key: 'accepted-again' });
    // Assess: the key now stands for that report, as if the request had written it
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first);
    expect(await itemCount('Report')).toBe(before);
    expect(otherContentUnderThatKey.status).toBe(409);
  });

  it('refuses the same key with other content (409) and writes nothing', async () => {
    // Prepare
    const before = await itemCount();
    // Act
    const reused = await submit(validReport({ narrative: '別の内容' }), { key: 'accepted-1' });
    // Assess
    expect(reused.status).toBe(409);
    expectBilingualError(reused.body, 409);
    expect(reused.body.error.fields).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    expect(await itemCount()).toBe(before);
  });

  it('records a correction as the next version pointing at the one it replaces', async () => {
    // Act
    const correction = await submit(validReport({ status: '遅れ気味', issues: '担当者の異動' }), { key: 'correction-1' });
    const history = await get('/api/measures/{measureId}/reports', { params: { measureId: '2-2-3' }, query: `quarter=${quarter}` });
    // Assess
    expect(correction.status).toBe(201);
    expect(correction.body).toMatchObject({ reference: `${quarter}-2-2-3-v2`, version: 2, supersedes: 1 });
    expect(history.status).toBe(200);
    expect(history.body.quarter).toBe(quarter);
    expect(history.body.reports.map((r: Json) => [r.version, r.supersedes ?? null, r.status])).toEqual([
      [1, null, '予定どおり'],
      [2, 1, '遅れ気味'],
    ]);
  });

  it('reads numbers written the way offices write them', async () => {
    // Act
    const answer = await submit(validReport({ budgetExecutedThousandYen: '１２，３４５', measureId: '２－２－３' }));
    const stored = await get('/api/reports/{reference}', { params: { reference: answer.body.reference as string } });
    // Assess
    expect(answer.status).toBe(201);
    expect(stored.body).toMatchObject({ measureId: '2-2-3', budgetExecutedThousandYen: 12345 });
  });
  it('takes the largest report the fields allow, sent by a client that escapes every kanji as \\uXXXX', async () => {
    // Prepare: three texts at their limit, 6 bytes per character on the wire (as Python's json.dumps sends them)
    const full = validReport({ narrative: 'あ'.repeat(4000), issues: 'い'.repeat(4000), nextSteps: 'う'.repeat(4000), person: '名'.repeat(100) });
    const raw = JSON.stringify(full).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    // Act
    const answer = await submit(full, { raw, key: 'largest-escaped' });
    // Assess
    expect(raw.length).toBeGreaterThan(72_000);
    expect(answer.status).toBe(201);
  });

  it('refuses a report past the last version a 事業 and quarter can hold (409: the input is fine, the quarter is full) and writes nothing', async () => {
    // Prepare: 2-2-3 already has its last possible version for FY2014-Q1
    const full = 'FY2014-Q1';
    const version = maxReportVersions;
    await store.doc.put({
      TableName: table.tableName,
      Item: reportToItem(tenant, {
        measureId: '2-2-3', quarter: full, kind: 'report', status: '予定どおり', milestones: [], narrative: '', issues: '', nextSteps: '',
        reporter: { kaId: 'sogo-seisaku', ka: '総合政策課', bukai: '企画専門部会', person: '下野 太郎' },
        version, reference: reportReference('2-2-3', full, version), channel: 'api', submittedAt: new Date().toISOString(), attachments: [],
      }),
    });
    const before = await itemCount();
    // Act
    const answer = await submit(validReport({ quarter: full }), { token: formToken('sogo-seisaku', { quarter: full }) });
    // Assess
    expect(answer.status).toBe(409);
    expectBilingualError(answer.body, 409);
    expect(answer.body.error.fields).toEqual([expect.objectContaining({ field: 'quarter', ja: expect.stringContaining(String(maxReportVersions)) })]);
    expect(await itemCount()).toBe(before);
  });

  it('refuses a comment past the versions kept for comments (409), saying the rest are the owner\'s', async () => {
    // Prepare: 2-1-2 already holds the last version a comment can take for FY2014-Q2
    const full = 'FY2014-Q2';
    const version = maxCommentVersion;
    await store.doc.put({
      TableName: table.tableName,
      Item: reportToItem(tenant, {
        measureId: '2-1-2', quarter: full, kind: 'comment', milestones: [], narrative: '意見', issues: '', nextSteps: '',
        reporter: { kaId: 'jido-fukushi', ka: '児童福祉課', bukai: '健康福祉専門部会', person: '児童 花子' },
        version, reference: reportReference('2-1-2', full, version), channel: 'api', submittedAt: new Date().toISOString(), attachments: [],
      }),
    });
    const before = await itemCount();
    // Act
    const answer = await submit(
      { measureId: '2-1-2', quarter: full, narrative: 'もう一つの意見', person: '児童 花子' },
      { token: formToken('jido-fukushi', { quarter: full }) },
    );
    // Assess
    expect(answer.status).toBe(409);
    expectBilingualError(answer.body, 409);
    expect(answer.body.error.fields).toEqual([
      expect.objectContaining({ field: 'quarter', ja: expect.stringContaining('意見をこれ以上記録できません'), en: expect.stringContaining("kept for the owning 課's reports") }),
    ]);
    expect(await itemCount()).toBe(before);
  });
});

describe('who may submit', () => {
  it.each([
    ['a 課 that does not own the 事業 (商工観光課 on 2-2-3)', () => formToken('shoko-kanko'), validReport()],
    ['a link for another quarter than the report', () => formToken('sogo-seisaku', { quarter: 'FY2013-Q3' }), validReport()],
  ])('refuses %s with 403 and writes nothing', async (_, token, body) => {
    // Prepare
    const before = await itemCount();
    // Act
    const answer = await submit(body, { token: token() });
    // Assess
    expect(answer.status).toBe(403);
    expectBilingualError(answer.body, 403);
    expect(await itemCount()).toBe(before);
  });

  it('refuses a related department setting the status with 400 naming the field, as it does its other owner-only fields, and writes nothing', async () => {
    // Prepare: 児童福祉課 is a related department of 2-1-2
    const before = await itemCount();
    // Act
    const answer = await submit(validReport({ measureId: '2-1-2', milestones: [] }), { token: formToken('jido-fukushi') });
    // Assess
    expect(answer.status).toBe(400);
    expectBilingualError(answer.body, 400);
    expect(answer.body.error.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'status', en: 'a related department may comment but not set the status' })]));
    expect(await itemCount()).toBe(before);
  });

  it('lets a related department comment without a status', async () => {
    // Act
    const answer = await submit(
      { measureId: '2-1-2', quarter, narrative: '保育園の情報も載せてください。', person: '児童 花子' },
      { token: formToken('jido-fukushi') },
    );
    // Assess
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ measureId: '2-1-2', kind: 'comment' });
  });

  it.each([
    ['no Authorization header', () => null],
    ['an expired link', () => formToken('sogo-seisaku', { issuedAt: new Date(Date.now() - 90 * 86_400_000), validDays: 60 })],
    ['a tampered link (signature)', () => formToken('sogo-seisaku').replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'))],
    ['a tampered link (another 課 in the same signature)', () => formToken('sogo-seisaku').replace(/^sogo-seisaku/, 'shoko-kanko')],
    ['a tampered link (later expiry)', () => formToken('sogo-seisaku').replace(/\.([0-9a-z]+)\.([a-z2-7]{16})$/, '.zzzzzz.$2')],
    ['a mail reply token used as a form link', () => formToken('sogo-seisaku', { purpose: 'mail' })],
    ['the secretariat\'s dashboard link (reads only)', () => dashboardToken('sogo-seisaku')],
    ['nonsense', () => 'not-a-token'],
  ])('refuses %s with 401 and writes nothing', async (_, token) => {
    // Prepare
    const before = await itemCount();
    // Act
    const answer = await submit(validReport(), { token: token() });
    // Assess
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="shinchoku"/);
    expectBilingualError(answer.body, 401);
    expect(answer.body.error.fields).toEqual([expect.objectContaining({ field: 'Authorization' })]);
    expect(await itemCount()).toBe(before);
  });
});

describe('malformed requests', () => {
  const shiftJis = Buffer.concat([
    Buffer.from('{"measureId":"2-2-3","quarter":"FY2013-Q2","status":"予定どおり","person":"'),
    Buffer.from([0x89, 0xba, 0x96, 0xec]), // 下野 in Shift_JIS
    Buffer.from('"}'),
  ]);
  type Case = [name: string, status: number, field: string, request: { body?: unknown; raw?: string | Buffer; token?: () => string; key?: string | null; contentType?: string | null }];
  const cases: Case[] = (
    [

      ['measureId missing', { body: validReport({ measureId: undefined }) }, 400, 'measureId'],
      ['measureId a number', { body: validReport({ measureId: 223 }) }, 400, 'measureId'],
      ['measureId nonsense', { body: validReport({ measureId: 'オープンデータ' }) }, 400, 'measureId'],
      ['an unknown 事業', { body: validReport({ measureId: '9-9-9' }) }, 404, 'measureId'],
      ['quarter missing', { body: validReport({ quarter: undefined }) }, 400, 'quarter'],
      ['quarter nonsense', { body: validReport({ quarter: 'Q9' }) }, 400, 'quarter'],
      ['a quarter after the plan', { body: validReport({ quarter: 'FY2016-Q1' }), token: () => formToken('sogo-seisaku', { quarter: 'FY2016-Q1' }) }, 400, 'quarter'],
      ['a quarter before the plan', { body: validReport({ quarter: 'FY2011-Q4' }), token: () => formToken('sogo-seisaku', { quarter: 'FY2011-Q4' }) }, 400, 'quarter'],
      ['status unknown', { body: validReport({ status: 'ok' }) }, 400, 'status'],
      ['status a number', { body: validReport({ status: 1 }) }, 400, 'status'],
      ['status missing for the owner', { body: validReport({ status: undefined }) }, 400, 'status'],
      ['delayed without issues', { body: validReport({ status: '遅延', issues: '' }) }, 400, 'issues'],
      ['milestones not a list', { body: validReport({ milestones: 'm1' }) }, 400, 'milestones'],
      ['a milestone id that is no id', { body: validReport({ milestones: [{ milestoneId: 'x1', progress: 'done', date: '2013-07-01' }] }) }, 400, 'milestones.0.milestoneId'],
      ['a milestone the 事業 does not have', { body: validReport({ milestones: [{ milestoneId: 'm9', progress: 'in_progress' }] }) }, 400, 'milestones.0.milestoneId'],
      ['a milestone twice', { body: validReport({ milestones: [{ milestoneId: 'm1', progress: 'in_progress' }, { milestoneId: 'm1', progress: 'not_started' }] }) }, 400, 'milestones.1.milestoneId'],
      ['a milestone progress unknown', { body: validReport({ milestones: [{ milestoneId: 'm1', progress: 'finished' }] }) }, 400, 'milestones.0.progress'],
      ['a milestone date that does not exist', { body: validReport({ milestones: [{ milestoneId: 'm1', progress: 'done', date: '2013-02-30' }] }) }, 400, 'milestones.0.date'],
      ['a done milestone without its date', { body: validReport({ milestones: [{ milestoneId: 'm1', progress: 'done' }] }) }, 400, 'milestones.0.date'],
      ['a negative budget', { body: validReport({ budgetExecutedThousandYen: -5 }) }, 400, 'budgetExecutedThousandYen'],
      ['an oversize budget', { body: validReport({ budgetExecutedThousandYen: 1e12 }) }, 400, 'budgetExecutedThousandYen'],
      ['a budget in words', { body: validReport({ budgetExecutedThousandYen: 'たくさん' }) }, 400, 'budgetExecutedThousandYen'],
      ['a budget of true', { body: validReport({ budgetExecutedThousandYen: true }) }, 400, 'budgetExecutedThousandYen'],
      ['a narrative too long', { body: validReport({ narrative: 'あ'.repeat(4001) }) }, 400, 'narrative'],
      ['a narrative that is a number', { body: validReport({ narrative: 42 }) }, 400, 'narrative'],
      ['person missing', { body: validReport({ person: undefined }) }, 400, 'person'],
      ['person only spaces', { body: validReport({ person: '　 ' }) }, 400, 'person'],
      ['person too long', { body: validReport({ person: '名'.repeat(101) }) }, 400, 'person'],
      ['an unknown field', { body: validReport({ kaId: 'shoko-kanko' }) }, 400, 'kaId'],
      ['an unknown field of a milestone', { body: validReport({ milestones: [{ milestoneId: 'm1', progress: 'in_progress', startedOn: '2013-07-01' }] }) }, 400, 'milestones.0.startedOn'],
      ['a list instead of a report', { body: [validReport()] }, 400, '(本文 / body)'],
      ['null instead of a report', { body: null }, 400, '(本文 / body)'],
      ['a string instead of a report', { body: '2-2-3 予定どおり' }, 400, '(本文 / body)'],
      ['invalid JSON', { raw: '{"measureId": "2-2-3", ' }, 400, '(本文 / body)'],
      ['invalid UTF-8 (Shift_JIS bytes)', { raw: shiftJis }, 400, '(本文 / body)'],
      ['an empty body', { raw: '' }, 400, '(本文 / body)'],
      ['an oversize body (100 KB)', { raw: JSON.stringify(validReport({ narrative: 'x'.repeat(100 * 1024) })) }, 413, '(本文 / body)'],
      ['a text/plain body', { body: validReport(), contentType: 'text/plain' }, 415, 'Content-Type'],
      ['no content type', { raw: Buffer.from(JSON.stringify(validReport())), contentType: null }, 415, 'Content-Type'],
      ['JSON in another charset', { body: validReport(), contentType: 'application/json; charset=shift_jis' }, 415, 'Content-Type'],
      ['a form post', { raw: 'measureId=2-2-3&status=ok', contentType: 'application/x-www-form-urlencoded' }, 415, 'Content-Type'],
      ['no Idempotency-Key', { body: validReport(), key: null }, 400, 'Idempotency-Key'],
      ['an Idempotency-Key of 201 characters', { body: validReport(), key: 'k'.repeat(201) }, 400, 'Idempotency-Key'],
      ['an Idempotency-Key that is not ASCII', { body: validReport(), key: 'clé' }, 400, 'Idempotency-Key'],
    ] as const
  ).map(([name, request, status, field]) => [name, status, field, request]);

  it('says in Japanese where a body stops being JSON, and leaves the parser\'s English words to the English message', async () => {
    // Act
    const answer = await submit(undefined, { raw: '{"measureId": "2-2-3" "status": "完了"}' });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields[0].ja).toBe('本文を JSON として読めません (23 文字目)');
    expect(answer.body.error.fields[0].en).toMatch(/^the body is not valid JSON: .*position 22/);
  });

  it('names the body as a whole in each language\'s own word in the message of a 400', async () => {
    // Act
    const answer = await submit([validReport()]);
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe('入力内容に誤りがあります (本文)');
    expect(answer.body.error.messageEn).toBe('the report has errors (body)');
    expect(answer.body.error.fields[0].field).toBe('(本文 / body)');
  });

  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s: answered %i naming "%s", nothing written', async (_, status, field, request) => {
    // Prepare
    const before = await itemCount();
    // Act
    const answer = await submit(request.body, {
      raw: request.raw,
      token: request.token?.(),
      key: request.key,
      contentType: request.contentType,
    });
    // Assess
    expect(answer.status).toBe(status);
    expectBilingualError(answer.body, status);
    const fields = answer.body.error.fields as { field: string; ja: string; en: string }[];
    expect(fields.map((f) => f.field)).toContain(field);
    for (const f of fields) {
      expect(f.ja).toMatch(japanese);
      expect(f.en).toMatch(/[a-z]/);
    }
    expect(await itemCount()).toBe(before);
  });
});

describe('reading reports', () => {
  it('answers an unknown reference with 404 and a malformed one with 400', async () => {
    const absent = await get('/api/reports/{reference}', { params: { reference: `${quarter}-2-2-3-v99` } });
    const malformed = await get('/api/reports/{reference}', { params: { reference: 'report-1' } });
    expect(absent.status).toBe(404);
    expectBilingualError(absent.body, 404);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.fields).toEqual([expect.objectContaining({ field: 'reference' })]);
  });

  it('answers the history of an unknown 事業 with 404 and a bad quarter with 400', async () => {
    expect((await get('/api/measures/{measureId}/reports', { params: { measureId: '9-9-9' } })).status).toBe(404);
    expect((await get('/api/measures/{measureId}/reports', { params: { measureId: 'abc' } })).status).toBe(400);
    const badQuarter = await get('/api/measures/{measureId}/reports', { params: { measureId: '2-2-3' }, query: 'quarter=FY2020-Q1' });
    expect(badQuarter.status).toBe(400);
    expect(badQuarter.body.error.fields).toEqual([expect.objectContaining({ field: 'quarter' })]);
  });

  it('lets the owning 課 read, refuses another 課 (403), and nobody without a valid link', async () => {
    expect((await get('/api/measures/{measureId}/reports', { params: { measureId: '2-2-3' }, token: formToken('sogo-seisaku', { quarter: 'FY2014-Q1' }) })).status).toBe(200);
    const other = await get('/api/measures/{measureId}/reports', { params: { measureId: '2-2-3' }, token: formToken('shoko-kanko', { quarter: 'FY2014-Q1' }) });
    expect(other.status).toBe(403);
    expectBilingualError(other.body, 403);
    expect((await get('/api/measures/{measureId}/reports', { params: { measureId: '2-2-3' }, token: null })).status).toBe(401);
    expect((await get('/api/reports/{reference}', { params: { reference: `${quarter}-2-2-3-v1` }, token: 'x.2013q2.zz.aaaaaaaaaaaaaaaa' })).status).toBe(401);
  });
});

describe('status', () => {
  const counts = { green: 1, amber: 0, red: 0, unreported: 50 };
  const rollups: Rollup[] = [
    { quarter, scope: 'plan', scopeId: 'all', counts },
    { quarter, scope: 'bukai', scopeId: '企画専門部会', counts: { ...counts, unreported: 25 } },
    { quarter, scope: 'goal', scopeId: '2', counts: { ...counts, unreported: 11 } },
  ];
  let compiled: CompiledMeasureStatus[];

  it('shows the current report and no compiled status before the compile', async () => {
    // Act
    const answer = await get('/api/measures/{measureId}/status', { params: { measureId: '2-2-3' }, query: `quarter=${quarter}` });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ measureId: '2-2-3', quarter, compiled: null, current: { measureId: '2-2-3', kind: 'report' } });
    const history = await get('/api/measures/{measureId}/reports', { params: { measureId: '2-2-3' }, query: `quarter=${quarter}` });
    const latest = (history.body.reports as Json[]).at(-1)!;
    expect(answer.body.current.version).toBe(latest.version);
  });

  it('does not take a related department\'s comment for the current report', async () => {
    const answer = await get('/api/measures/{measureId}/status', { params: { measureId: '2-1-2' }, query: `quarter=${quarter}` });
    expect(answer.body).toMatchObject({ measureId: '2-1-2', current: null });
  });

  it('shows the compiled status once the quarter is compiled', async () => {
    // Prepare: what the compile job writes
    compiled = plan.measures.map((m) => ({
      measureId: m.id,
      quarter,
      colour: m.id === '2-2-3' ? 'amber' : 'unreported',
      overdueMilestones: [],
      budget: { plannedThousandYen: null, executedThousandYen: null },
    }));
    await saveCompiledQuarter(store, { measures: compiled, rollups }, new Date());
    // Act
    const answer = await get('/api/measures/{measureId}/status', { params: { measureId: '2-2-3' }, query: 'quarter=平成25年度第2四半期' });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.quarter).toBe(quarter);
    expect(answer.body.compiled).toMatchObject({ measureId: '2-2-3', colour: 'amber' });
  });

  it('shows a 部会\'s 事業 (those its 課 own) with the 部会 roll-up', async () => {
    // Prepare
    const owned = plan.measures.filter((m) => m.owners.some((o) => o.bukai === '企画専門部会')).map((m) => m.id);
    // Act
    const answer = await get('/api/bukai/{bukaiId}/status', { params: { bukaiId: 'kikaku' }, query: `quarter=${quarter}` });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.bukai).toEqual({ id: 'kikaku', name: '企画専門部会' });
    expect(answer.body.rollup).toEqual(rollups[1]);
    expect((answer.body.measures as Json[]).map((m) => m.measureId)).toEqual(owned);
    expect((answer.body.measures as Json[]).find((m) => m.measureId === '2-2-3')).toMatchObject({ current: { measureId: '2-2-3' }, compiled: { colour: 'amber' } });
    expect((await get('/api/bukai/{bukaiId}/status', { params: { bukaiId: 'no-such-bukai' } })).status).toBe(404);
  });

  it('shows the whole plan with the compiled roll-ups (dashboard link)', async () => {
    // Act
    const answer = await get('/api/status', { query: `quarter=${quarter}`, token: dashboardToken(directory.secretariat.kaId) });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.measures).toHaveLength(plan.measures.length);
    expect(answer.body.rollups).toHaveLength(rollups.length);
    expect(answer.body.rollups).toEqual(expect.arrayContaining(rollups));
    expect((answer.body.measures as Json[]).filter((m) => m.current !== null).map((m) => m.measureId)).toEqual(['2-2-3']);
  });

  it('says in scope what the compile counted, also after a revised plan moved a 事業 into the year', async () => {
    // Prepare: FY2014-Q1 compiled while 1-1-1 ran in FY2015 only; the plan stored now runs it over the whole plan
    const other = 'FY2014-Q1';
    const revised = PlanFileSchema.parse({
      ...plan,
      measures: plan.measures.map((m) =>
        m.id === '1-1-1'
          ? { ...m, milestones: m.milestones.map((ms) => ({ ...ms, fiscalYears: { from: 2015, to: 2015 } })), budget: { ...m.budget, lines: m.budget.lines.map((l) => ({ ...l, years: 1, fiscalYears: { from: 2015, to: 2015 } })) } }
          : m,
      ),
    });
    const result = compileQuarter({ plan: revised, quarter: other, reports: [] });
    await saveCompiledQuarter(store, result, new Date());
    // Act
    const whole = await get('/api/status', { query: `quarter=${other}`, token: dashboardToken(leadershipHolder) });
    const one = await get('/api/measures/{measureId}/status', { params: { measureId: '1-1-1' }, query: `quarter=${other}` });
    // Assess: out of scope, as the roll-ups (which do not count it) say; the others as compiled
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ measureId: '1-1-1', inScope: false, compiled: null });
    const entries = whole.body.measures as Json[];
    expect(entries.filter((m) => m.inScope).length).toBe(Object.values(planCounts(result.rollups)).reduce((sum, n) => sum + n, 0));
    expect(entries.filter((m) => m.inScope !== (m.compiled !== null))).toEqual([]);
  });

  it('defaults to the current quarter within the plan period, and refuses a bad one', async () => {
    // Act
    const current = await get('/api/status', { token: dashboardToken(leadershipHolder) });
    const bad = await get('/api/status', { query: 'quarter=someday', token: dashboardToken(leadershipHolder) });
    const outside = await get('/api/measures/{measureId}/status', { params: { measureId: '2-2-3' }, query: 'quarter=FY2030-Q1' });
    // Assess
    expect(current.status).toBe(200);
    expect(current.body.quarter).toBe(defaultQuarter(plan.plan.period, new Date()));
    for (const answer of [bad, outside]) {
      expect(answer.status).toBe(400);
      expect(answer.body.error.fields).toEqual([expect.objectContaining({ field: 'quarter' })]);
    }
  });
});

describe('who may read', () => {
  // 生活安全課 owns 3-1-4; 環境課 sits in the same 部会 (市民生活専門部会) and neither owns nor is related to it.
  const measureId = '3-1-4';
  const internal = { person: '生活 安子', issues: '委託業者との協議が難航している', nextSteps: '来年度予算で再調整する' };
  const owner = () => formToken('seikatsu-anzen');
  const sameBukai = () => formToken('kankyo');
  let reference: string;

  beforeAll(async () => {
    // Prepare: a report with a person's name and internal fields, as its owner sends it
    const answer = await submit(validReport({ measureId, milestones: [], ...internal }), { token: owner() });
    expect(answer.status).toBe(201);
    reference = answer.body.reference as string;
  });

  const measureRoutes = () =>
    [
      ['/api/measures/{measureId}/reports', { measureId }],
      ['/api/measures/{measureId}/status', { measureId }],
      ['/api/reports/{reference}', { reference }],
    ] as const;

  it('lets the owning 課 read its 事業: history, the report and its status, in full', async () => {
    for (const [route, params] of measureRoutes()) {
      // Act
      const answer = await get(route, { params, query: route.includes('{reference}') ? undefined : `quarter=${quarter}`, token: owner() });
      // Assess
      expect(answer.status, route).toBe(200);
      expect(JSON.stringify(answer.body), route).toContain(internal.person);
    }
  });

  it('refuses a 課 of the same 部会 that neither owns nor is related to the 事業 (403, bilingual), reading nothing', async () => {
    for (const [route, params] of measureRoutes()) {
      // Act
      const answer = await get(route, { params, token: sameBukai() });
      // Assess
      expect(answer.status, route).toBe(403);
      expectBilingualError(answer.body, 403);
      expect(JSON.stringify(answer.body), route).not.toContain(internal.person);
    }
    // A reference that does not exist is refused the same way: a 403 says nothing of what is stored.
    const absent = await get('/api/reports/{reference}', { params: { reference: `${quarter}-${measureId}-v99` }, token: sameBukai() });
    expect(absent.status).toBe(403);
  });

  it('lets a related department (関連部署) read the 事業 it may comment on', async () => {
    // 児童福祉課 is related to 2-1-2 (owned by 総合政策課).
    expect((await get('/api/measures/{measureId}/reports', { params: { measureId: '2-1-2' }, token: formToken('jido-fukushi') })).status).toBe(200);
    expect((await get('/api/measures/{measureId}/status', { params: { measureId: '2-1-2' }, token: formToken('jido-fukushi') })).status).toBe(200);
  });

  it('keeps an unknown 事業 404 and a bad id 400 whatever the token', async () => {
    expect((await get('/api/measures/{measureId}/status', { params: { measureId: '9-9-9' }, token: sameBukai() })).status).toBe(404);
    expect((await get('/api/measures/{measureId}/reports', { params: { measureId: 'abc' }, token: sameBukai() })).status).toBe(400);
    expect((await get('/api/bukai/{bukaiId}/status', { params: { bukaiId: 'no-such-bukai' }, token: sameBukai() })).status).toBe(404);
  });

  it('shows a 課 its own 部会: its 事業 in full, the other 課\'s as a summary without names or internal fields', async () => {
    // Act
    const answer = await get('/api/bukai/{bukaiId}/status', { params: { bukaiId: 'shimin-seikatsu' }, query: `quarter=${quarter}`, token: sameBukai() });
    // Assess
    expect(answer.status).toBe(200);
    const entries = answer.body.measures as Json[];
    const other = entries.find((m) => m.measureId === measureId)!;
    expect(other).toMatchObject({ access: 'summary', current: { measureId, kind: 'report', status: '予定どおり', reporter: { kaId: 'seikatsu-anzen', ka: '生活安全課' } } });
    for (const hidden of ['person', 'issues', 'nextSteps', 'attachments', 'reference']) {
      expect(JSON.stringify(other.current), hidden).not.toContain(`"${hidden}"`);
    }
    expect(JSON.stringify(answer.body)).not.toContain(internal.person);
    expect(JSON.stringify(answer.body)).not.toContain(internal.issues);
    expect(entries.find((m) => m.measureId === '3-4-1')).toMatchObject({ access: 'full' });
  });

  it('refuses a 課 another 部会\'s status and the whole plan\'s (403), the secretariat\'s own 課 link included', async () => {
    // Act
    const otherBukai = await get('/api/bukai/{bukaiId}/status', { params: { bukaiId: 'kikaku' }, token: sameBukai() });
    const plans = await Promise.all([sameBukai(), formToken(directory.secretariat.kaId)].map((token) => get('/api/status', { query: `quarter=${quarter}`, token })));
    // Assess
    for (const answer of [otherBukai, ...plans]) {
      expect(answer.status).toBe(403);
      expectBilingualError(answer.body, 403);
      expect(JSON.stringify(answer.body)).not.toContain(internal.person);
    }
  });

  it.each([
    ['the secretariat', () => directory.secretariat.kaId],
    ['the leadership', () => leadershipHolder],
  ])('lets %s read everything in full with the dashboard link as a Bearer token', async (_, holder) => {
    // Prepare
    const token = dashboardToken(holder());
    // Act
    const reads = await Promise.all([
      ...measureRoutes().map(([route, params]) => get(route, { params, query: route.includes('{reference}') ? undefined : `quarter=${quarter}`, token })),
      get('/api/bukai/{bukaiId}/status', { params: { bukaiId: 'shimin-seikatsu' }, query: `quarter=${quarter}`, token }),
      get('/api/status', { query: `quarter=${quarter}`, token }),
    ]);
    // Assess
    for (const answer of reads) {
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body)).toContain(internal.person);
    }
    const plan = reads.at(-1)!.body.measures as Json[];
    expect(plan.every((m) => m.access === 'full')).toBe(true);
  });

  it.each([
    ['a dashboard-purpose link issued to a 課 that is not the secretariat', () =>
      issueToken({ tenant, kaId: 'kankyo', quarter, purpose: 'dashboard', expiresAt: Math.floor(Date.now() / 1000) + 3600 }, secret), /may not view/],
    ['an expired dashboard link', () => dashboardToken(leadershipHolder, { issuedAt: new Date(Date.now() - 200 * 86_400_000) }), /expired/],
  ])('refuses %s with 401, saying what is wrong with it', async (_, token, reason) => {
    // Act
    const answer = await get('/api/status', { token: token() });
    // Assess
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="shinchoku"/);
    expectBilingualError(answer.body, 401);
    expect(answer.body.error.messageEn).toMatch(reason);
  });
});

describe('GET /openapi.json', () => {
  let document: Json;

  it('serves a valid OpenAPI 3.1 document without authentication', async () => {
    // Act
    const answer = await get('/openapi.json', { token: null });
    const validator = new Validator();
    const result = await validator.validate(structuredClone(answer.body));
    // Assess
    expect(answer.status).toBe(200);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    document = answer.body;
  });

  it('gives an example body that the handler accepts from the 課 owning its 事業', async () => {
    // Prepare
    const example = document.paths['/api/reports'].post.requestBody.content['application/json'].example as Json;
    const measure = plan.measures.find((m) => m.id === example.measureId)!;
    const owner = findKa(directory, measure.owners[0]!)!;
    // Act
    const answer = await submit(example, { token: formToken(owner.id, { quarter: example.quarter as string }) });
    // Assess
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ measureId: measure.id, kind: 'report' });
  });

  it('refuses a body missing any property the document declares required, naming it', async () => {
    // Prepare
    const required = document.components.schemas.ReportInput.required as string[];
    const example = document.paths['/api/reports'].post.requestBody.content['application/json'].example as Json;
    expect(required.length).toBeGreaterThan(0);
    for (const key of required) {
      const { [key]: _left, ...without } = example;
      // Act
      const answer = await submit(without);
      // Assess
      expect(answer.status, key).toBe(400);
      expect((answer.body.error.fields as Json[]).map((f) => f.field)).toContain(key);
    }
  });

  it('declares every status and body this file received, and the headers of 201, 200 and 401', () => {
    // Prepare
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ $id: 'https://shinchoku.invalid/openapi.json', components: document.components });
    const seen = answers.filter((a) => a.path !== '/openapi.json');
    expect(new Set(seen.map((a) => a.status))).toEqual(new Set([200, 201, 400, 401, 403, 404, 409, 413, 415]));
    for (const answer of seen) {
      const where = `${answer.method} ${answer.path} ${answer.status}`;
      // Act
      const declared = document.paths[answer.path]?.[answer.method.toLowerCase()]?.responses?.[String(answer.status)] as Json | undefined;
      // Assess
      expect(declared, where).toBeDefined();
      const ref = declared!.content['application/json'].schema.$ref as string;
      const valid = ajv.validate({ $ref: `https://shinchoku.invalid/openapi.json${ref}` }, answer.body);
      expect(ajv.errors ?? [], where).toEqual([]);
      expect(valid, where).toBe(true);
      for (const header of Object.keys((declared!.headers as Json | undefined) ?? {})) {
        expect(answer.headers.get(header), `${where} ${header}`).not.toBeNull();
      }
    }
  });
});

describe('caching and content sniffing', () => {
  it('answers every JSON request, errors included, with cache-control: no-store and nosniff', () => {
    // Prepare: every answer of the reads and writes above (200, 201, 400, 401, 403, 404, 409, 413, 415)
    const privateAnswers = answers.filter((a) => a.path !== '/openapi.json');
    expect(new Set(privateAnswers.map((a) => a.status)).size).toBeGreaterThanOrEqual(9);
    for (const answer of privateAnswers) {
      // Assess
      const where = `${answer.method} ${answer.path} ${answer.status}`;
      expect(answer.headers.get('cache-control'), where).toBe('no-store');
      expect(answer.headers.get('x-content-type-options'), where).toBe('nosniff');
    }
  });

  it('lets the public plan and the OpenAPI document be cached for five minutes, but not a 404 of the plan', async () => {
    // Act
    const plan = await get('/api/plan', { token: null });
    const measure = await get('/api/plan/measures/{measureId}', { params: { measureId: '2-2-3' }, token: null });
    const missing = await get('/api/plan/measures/{measureId}', { params: { measureId: '9-9-9' }, token: null });
    const document = await get('/openapi.json', { token: null });
    // Assess
    for (const answer of [plan, measure, document]) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('public, max-age=300');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBe('no-store');
    // The same answer as every other route's unknown 事業
    const elsewhere = await get('/api/measures/{measureId}/reports', { params: { measureId: '9-9-9' } });
    expect(missing.body.error).toEqual({ ...elsewhere.body.error });
  });

  it('answers an unknown path (404), a method the path has not (405, with Allow) and an oversize body (413) in the API\'s error shape', async () => {
    // Act
    const unknown = await fetch(`${server.url}/api/nothing-here`);
    const wrongMethod = await fetch(`${server.url}/api/plan`, { method: 'DELETE' });
    const oversize = await fetch(`${server.url}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(11 * 1024 * 1024) });
    // Assess
    for (const [answer, status] of [[unknown, 404], [wrongMethod, 405], [oversize, 413]] as const) {
      expect(answer.status).toBe(status);
      expectBilingualError((await answer.json()) as Json, status);
    }
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('refuses path ids of another shape or with parts too long, and an unreadable quarter, with 400 before reading anything, quoting at most 40 characters of them', async () => {
    // Act: DynamoDB itself refuses a key over 2 KB, which must not reach it
    const longMeasure = await get('/api/plan/measures/{measureId}', { params: { measureId: '1'.repeat(3000) }, token: null });
    const japanese = await get('/api/plan/measures/{measureId}', { params: { measureId: 'あ'.repeat(400) }, token: null });
    const longBukai = await get('/api/bukai/{bukaiId}/status', { params: { bukaiId: 'x'.repeat(3000) } });
    const longReference = await get('/api/reports/{reference}', { params: { reference: 'F'.repeat(3000) } });
    // Ids of the right shape but with long parts: as long as DynamoDB refuses, yet each part only digits
    const longParts = await get('/api/plan/measures/{measureId}', { params: { measureId: `1-1-${'1'.repeat(3000)}` }, token: null });
    const longPartsReports = await get('/api/measures/{measureId}/reports', { params: { measureId: `2-2-${'3'.repeat(3000)}` } });
    const longVersion = await get('/api/reports/{reference}', { params: { reference: `FY2013-Q2-2-2-3-v${'9'.repeat(3000)}` } });
    const longQuarter = await get('/api/measures/{measureId}/status', { params: { measureId: '2-2-3' }, query: `quarter=${'Q'.repeat(3000)}` });
    // Assess
    for (const [answer, field] of [
      [longMeasure, 'measureId'],
      [japanese, 'measureId'],
      [longBukai, 'bukaiId'],
      [longReference, 'reference'],
      [longParts, 'measureId'],
      [longPartsReports, 'measureId'],
      [longVersion, 'reference'],
      [longQuarter, 'quarter'],
    ] as const) {
      expect(answer.status).toBe(400);
      expectBilingualError(answer.body, 400);
      expect(answer.body.error.fields).toEqual([expect.objectContaining({ field })]);
      expect(JSON.stringify(answer.body).length).toBeLessThan(600);
    }
  });
});
