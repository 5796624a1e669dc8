/**
 * The HTML routes a person opens from a signed link (the form, the sheet download and upload, the
 * dashboard), through the local HTTP server in front of their REAL handlers, on DynamoDB Local: what
 * a refused or unusable link is answered with.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envNames } from '#shared/config/env';
import { tokenFor } from '#shared/links';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { saveDirectory } from '#shared/store/directory-items';
import { savePlan } from '#shared/store/plan-items';
import { reportHistory } from '#shared/store/report-items';
import { startHttpServer, type LocalHttpServer } from '#local/http-server';
import { createTestTable, handlerEnvironment, type TestTable } from '#test/support/dynamo';

const tenant = 'shimotsuke';
const secret = randomBytes(32).toString('hex');
const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/;

let table: TestTable;
let server: LocalHttpServer;

beforeAll(async () => {
  table = await createTestTable();
  // The handlers read these when the server first loads them (at their first request), as on Lambda.
  Object.assign(process.env, { ...handlerEnvironment(table, tenant), [envNames.linkSecret]: secret, POWERTOOLS_LOG_LEVEL: 'ERROR' });
  const store = table.store(tenant);
  await savePlan(store, (await readPlanFile()).plan);
  await saveDirectory(store, await readDirectoryFile());
  server = await startHttpServer();
});

afterAll(async () => {
  await server?.stop();
  await table?.drop();
});

function formToken(kaId: string, quarter: string): string {
  return tokenFor({ tenant, kaId, quarter, purpose: 'form', now: new Date() }, secret);
}

describe('the sheet download of a form link', () => {
  it('answers a link whose quarter lies outside the plan period with a bilingual 404 page, not a server error', async () => {
    // Prepare: the plan runs FY2012–FY2015
    const token = formToken('seikatsu-anzen', 'FY2020-Q1');
    // Act
    const response = await fetch(`${server.url}/form/${token}/sheet.xlsx`);
    const page = await response.text();
    // Assess
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(page).toMatch(japanese);
    expect(page).toContain('FY2020-Q1');
    expect(page).toContain('is not a quarter of the plan period FY2012–FY2015');
  });

  it('still downloads the sheet of a quarter inside the plan period', async () => {
    // Act
    const response = await fetch(`${server.url}/form/${formToken('seikatsu-anzen', 'FY2013-Q2')}/sheet.xlsx`);
    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  });
});

describe('the web form', () => {
  it('records a 事業 typed in full-width digits once, and answers with its receipt', async () => {
    // Prepare: 3-2-2 is 高齢福祉課's
    const token = formToken('korei-fukushi', 'FY2013-Q2');
    const body = new URLSearchParams({ measureId: '３－２－２', idempotencyKey: randomUUID(), status: '予定どおり', narrative: '進捗', issues: '', nextSteps: '', person: '高齢 太郎' });
    // Act
    const response = await fetch(`${server.url}/form/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const page = await response.text();
    // Assess
    expect(response.status).toBe(200);
    expect(page).toContain('FY2013-Q2-3-2-2-v1');
    expect((await reportHistory(table.store(tenant), '3-2-2', 'FY2013-Q2')).map((r) => r.reference)).toEqual(['FY2013-Q2-3-2-2-v1']);
  });
});

describe('a refused link', () => {
  const bad = 'sogo-seisaku.2013q2.zzzzzz.aaaaaaaaaaaaaaaa';
  const form = () => {
    const body = new FormData();
    body.set('sheet', new Blob([Buffer.from('PK')]), 'sheet.xlsx');
    return body;
  };

  it.each([
    ['the form', 'GET', `/form/${bad}`],
    ['the form post', 'POST', `/form/${bad}`],
    ['the sheet download', 'GET', `/form/${bad}/sheet.xlsx`],
    ['the sheet upload', 'POST', `/form/${bad}/sheet`],
    ['the dashboard', 'GET', `/dashboard/${bad}`],
    ['a 事業 on the dashboard', 'GET', `/dashboard/${bad}/measures/2-2-3`],
    ['the open data on the dashboard', 'GET', `/dashboard/${bad}/open-data/shinchoku-FY2013-Q2.csv`],
    ['a 部会 sheet on the dashboard', 'GET', `/dashboard/${bad}/sheets/FY2013-Q2/kikaku`],
  ])('is answered on %s with a 401 page that carries a WWW-Authenticate challenge (RFC 9110)', async (_, method, path) => {
    // Act
    const response = await fetch(`${server.url}${path}`, {
      method,
      ...(method === 'POST'
        ? path.endsWith('/sheet')
          ? { body: form() }
          : { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'measureId=2-2-3' }
        : {}),
    });
    // Assess
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="shinchoku", error="invalid_token"');
    expect(await response.text()).toMatch(japanese);
  });
});
