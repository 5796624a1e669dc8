/**
 * What the dashboard serves from the store (functions/dashboard behind the local HTTP server, against
 * DynamoDB Local): the open data of a quarter is the same projection the public site publishes, built
 * from the report each compiled status names, also one the eventually consistent quarter index does
 * not show yet.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDashboardToken, leadershipHolder } from '#shared/auth/dashboard-access';
import { envNames } from '#shared/config/env';
import type { PlanFile } from '#shared/domain/plan';
import { reportReference, type StoredReport } from '#shared/domain/report';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { compileAndSave } from '#shared/quarter-compile';
import { saveDirectory } from '#shared/store/directory-items';
import { savePlan } from '#shared/store/plan-items';
import { reportToItem } from '#shared/store/report-items';
import type { Store } from '#shared/store/store';
import { startHttpServer, type LocalHttpServer } from '#local/http-server';
import { createTestTable, handlerEnvironment, type TestTable } from '#test/support/dynamo';

const tenant = 'shimotsuke';
const secret = randomBytes(32).toString('hex');

let table: TestTable;
let store: Store;
let plan: PlanFile;
let server: LocalHttpServer;
let dashboard: string;

beforeAll(async () => {
  table = await createTestTable();
  // The handlers read these when the server first loads them (at their first request), as on Lambda.
  Object.assign(process.env, { ...handlerEnvironment(table, tenant), [envNames.linkSecret]: secret, POWERTOOLS_LOG_LEVEL: 'ERROR' });
  store = table.store(tenant);
  ({ plan } = await readPlanFile());
  const directory = await readDirectoryFile();
  await savePlan(store, plan);
  await saveDirectory(store, directory);
  server = await startHttpServer();
  const token = issueDashboardToken({ tenant, directory, holder: leadershipHolder, quarter: 'FY2013-Q2', now: new Date() }, secret);
  dashboard = `${server.url}/dashboard/${token}`;
});

afterAll(async () => {
  await server?.stop();
  await table?.drop();
});

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

describe('the open data on the dashboard', () => {
  it('shows the report a status was built from, also one the quarter index does not show yet', async () => {
    // Prepare: v1 indexed; v2, whose event recompiled the quarter, not yet in the index
    await report('FY2013-Q2', 1, '初回の報告です', { indexed: true });
    await report('FY2013-Q2', 2, '訂正後の報告です', { indexed: false });
    await compileAndSave(store, plan, 'FY2013-Q2', { clock: new Date('2013-10-11T06:00:00+09:00'), ensureReport: { measureId: '2-2-3', version: 2 } });
    // Act
    const response = await fetch(`${dashboard}/open-data/shinchoku-FY2013-Q2.json`);
    // Assess
    expect(response.status).toBe(200);
    const data = (await response.json()) as { records: Record<string, unknown>[] };
    expect(data.records.find((r) => r.measure_id === '2-2-3')).toMatchObject({ status: '完了', narrative: '訂正後の報告です' });
  });
});
