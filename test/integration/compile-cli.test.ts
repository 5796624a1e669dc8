/**
 * `shinchoku compile` against DynamoDB Local and the SES emulator: the same handler code runs with the
 * local environment, QuarterCompiled reaches send-digest through a local EventBridge, and an
 * unreachable DynamoDB gets a bilingual hint. The CLI sets process.env, so this runs alone in its file.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { main } from '#cli/main';
import { verifyToken } from '#shared/auth/link-token';
import type { Output } from '#cli/output';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { saveDirectory } from '#shared/store/directory-items';
import { savePlan } from '#shared/store/plan-items';
import { appendReport } from '#shared/store/report-items';
import { startLocalEventBridge, type LocalEventBridge } from '#local/eventbridge-local';
import { getFreePort } from '#local/free-port';
import { fetchSentMails } from '#local/ses-local';
import { createTestTable, type TestTable } from '#test/support/dynamo';

let table: TestTable;
const runId = randomUUID().slice(0, 8);
const savedEnv = { ...process.env };

function collect(): Output & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    data: (text) => out.push(text),
    info: (ja, en) => err.push(`${ja} / ${en}`),
    error: (ja, en) => err.push(`エラー: ${ja}\nerror: ${en}`),
  };
}

beforeAll(async () => {
  table = await createTestTable();
  const store = table.store('shimotsuke');
  const { plan } = await readPlanFile();
  const directory = await readDirectoryFile();
  await savePlan(store, plan);
  // Every address of this run's own, so its mails are told apart from other files' in the shared SES emulator.
  await saveDirectory(store, JSON.parse(JSON.stringify(directory).replace(/"([a-z0-9.-]+)@([a-z0-9.-]+)"/g, `"$1+${runId}@$2"`)) as typeof directory);
  await appendReport(
    store,
    {
      measureId: '1-1-1',
      quarter: 'FY2014-Q2',
      kind: 'report',
      status: '遅延',
      milestones: [],
      narrative: '',
      issues: '回線工事の遅れ',
      nextSteps: '',
      reporter: { kaId: 'sogo-seisaku', ka: '総合政策課', bukai: '企画専門部会', person: '山田' },
    },
    { channel: 'web', idempotencyKey: randomUUID() },
  );
  process.env.SHINCHOKU_SES_PORT = new URL(inject('sesEndpoint')).port;
  process.env.MAIL_MAX_PER_SECOND = '0';
  delete process.env.SHINCHOKU_EVENTS_PORT;
}, 120_000);

afterAll(async () => {
  await table?.drop();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe('shinchoku compile', () => {
  it('prints a bilingual hint and exits 1 when DynamoDB is unreachable', async () => {
    // Prepare
    const output = collect();
    const closedPort = await getFreePort();
    // Act
    const code = await main(['compile', '--quarter', 'FY2014-Q2', '--endpoint', `http://127.0.0.1:${closedPort}`], output);
    // Assess
    expect(code).toBe(1);
    expect(output.err.join('\n')).toMatch(/DynamoDB .* に接続できません[\s\S]*npm start[\s\S]*cannot reach DynamoDB/);
  });

  it('compiles the quarter with the handler code and the digest reaches the SES emulator', async () => {
    // Prepare
    const output = collect();
    const since = Math.floor(Date.now() / 1000) - 1;
    // Act
    const code = await main(['compile', '--quarter', 'H26 Q2', '--endpoint', inject('dynamoEndpoint'), '--table', table.tableName, '--json'], output);
    // Assess
    expect(code).toBe(0);
    const result = JSON.parse(output.out.join('\n'));
    expect(result).toMatchObject({ quarter: 'FY2014-Q2', changed: true, digest: 'sent' });
    expect(result.counts).toMatchObject({ red: 1, green: 0, amber: 0 });
    expect(result.rollups.find((r: { scope: string; scopeId: string }) => r.scope === 'bukai' && r.scopeId === '企画専門部会').counts.red).toBe(1);
    const digests = (await fetchSentMails(inject('sesEndpoint'), { since })).filter((m) => m.destination.to.join(',').includes(`+${runId}@`));
    expect(digests).toHaveLength(1);
    expect(digests[0]!.subject).toContain('平成26年度 第2四半期');
  });
});

describe('shinchoku remind', () => {
  it("sends a day's reminders now through the same job as the schedule, and a second run sends nothing again", async () => {
    // Prepare: 2012-06-26 is 14 days before the FY2012-Q1 reports are due
    process.env.SHINCHOKU_LINK_SECRET = 'r'.repeat(64);
    const since = Math.floor(Date.now() / 1000) - 1;
    const args = ['remind', '--day', '平成24年6月26日', '--endpoint', inject('dynamoEndpoint'), '--table', table.tableName, '--base-url', 'https://progress.example.jp'];
    const first = collect();
    const again = collect();
    // Act
    const firstCode = await main([...args, '--json'], first);
    const againCode = await main(args, again);
    // Assess
    expect([firstCode, againCode], [...first.err, ...again.err].join('\n')).toEqual([0, 0]);
    const result = JSON.parse(first.out.join('\n'));
    expect(result.day).toBe('2012-06-26');
    expect(result.sent.length).toBeGreaterThan(0);
    const subjects = new Set(result.sent.map((m: { subject: string }) => m.subject));
    const mails = (await fetchSentMails(inject('sesEndpoint'), { since })).filter((m) => m.destination.to.join(',').includes(`+${runId}@`) && subjects.has(m.subject));
    expect(mails).toHaveLength(result.sent.length);
    expect(mails.some((m) => m.body.text?.includes('https://progress.example.jp/form/'))).toBe(true);
    // The day is years past, but its links count from the run: they work when the mail is read
    const token = /https:\/\/progress\.example\.jp\/form\/([A-Za-z0-9._~-]+)/.exec(mails.map((m) => m.body.text ?? '').join('\n'))?.[1];
    expect(verifyToken(token!, 'r'.repeat(64), { tenant: 'shimotsuke', purpose: 'form', now: new Date(Date.now() + 86_400_000) })).toMatchObject({ quarter: 'FY2012-Q1' });
    expect(again.out).toEqual([]);
    expect(again.err.join('\n')).toContain(`送信 0 通、送信済み ${result.sent.length} 通`);
  });

  it('says when there is nothing to send on the day, and when report reminders go', async () => {
    // Prepare: 2012-07-03 is a week before the FY2012-Q1 reports are due, between two reminders
    process.env.SHINCHOKU_LINK_SECRET = 'r'.repeat(64);
    const output = collect();
    // Act
    const code = await main(['remind', '--day', '2012-07-03', '--endpoint', inject('dynamoEndpoint'), '--table', table.tableName], output);
    // Assess
    expect(code, output.err.join('\n')).toBe(0);
    expect(output.err.join('\n')).toContain('送信 0 通、送信済み 0 通 (予定 0 通)。この日に送るリマインダーはありません (報告の期限は四半期終了の10日後、リマインダーは期限の14日前・3日前、期限の当日、期限の1日後に送ります)');
    expect(output.err.join('\n')).toContain('no reminder to send on this day (reports are due 10 days after each quarter ends; reminders go 14 and 3 day(s) before the due date, on the due date, and 1 day(s) after it)');
  });

  it('refuses a day it cannot read, saying so without the whole usage', async () => {
    // Prepare
    const output = collect();
    // Act
    const code = await main(['remind', '--day', '6月26日', '--endpoint', inject('dynamoEndpoint'), '--table', table.tableName], output);
    // Assess
    expect(code, output.err.join('\n')).toBe(2);
    expect(output.err.join('\n')).toContain('日付を読み取れません: 6月26日');
    expect(output.out.join('\n')).not.toContain('使い方 / usage');
  });
});

describe('shinchoku export-sheet for a city other than the embedded one', () => {
  let dir: string;
  let planPath: string;

  beforeAll(async () => {
    // Prepare: the embedded plan and directory saved again as another city's, under its own tenant
    const { plan } = await readPlanFile();
    const directory = await readDirectoryFile();
    const other = { ...plan, plan: { ...plan.plan, id: 'othercity-plan', tenant: 'othercity', municipality: '別市' } };
    const store = table.store('othercity');
    await savePlan(store, other);
    await saveDirectory(store, { ...directory, tenant: 'othercity' });
    dir = await mkdtemp(join(tmpdir(), 'shinchoku-export-sheet-'));
    planPath = join(dir, 'plan.json');
    await writeFile(planPath, JSON.stringify(other));
    process.env.SHINCHOKU_LINK_SECRET = 'x'.repeat(64);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['--plan', () => ['--plan', planPath]],
    ['--tenant', () => ['--tenant', 'othercity']],
  ])('finds the city named by %s', async (_, option) => {
    // Prepare
    const output = collect();
    const out = await mkdtemp(join(dir, 'out-'));
    const base = ['export-sheet', '--bukai', directory0Bukai, '--quarter', 'FY2013-Q2', '--endpoint', inject('dynamoEndpoint'), '--table', table.tableName, '--out', out];

    // Act
    const code = await main([...base, ...option()], output);

    // Assess
    expect(code, output.err.join('\n')).toBe(0);
    expect(await readdir(out)).toHaveLength(1);
  });

  it('refuses a quarter outside the plan period, whose rows every import would refuse', async () => {
    // Prepare
    const output = collect();

    // Act
    const code = await main(['export-sheet', '--bukai', directory0Bukai, '--quarter', 'FY2016-Q1', '--tenant', 'othercity', '--endpoint', inject('dynamoEndpoint'), '--table', table.tableName, '--out', dir], output);

    // Assess
    expect(code).not.toBe(0);
    expect(output.err.join('\n')).toContain('FY2016-Q1 は計画期間 (FY2012–FY2015) の四半期ではありません');
  });

  it('without either, says which city it looked for and how to name another', async () => {
    // Prepare: a table holding only the other city
    const lone = await createTestTable();
    const { plan } = await readPlanFile();
    await savePlan(lone.store('othercity'), { ...plan, plan: { ...plan.plan, tenant: 'othercity' } });
    const output = collect();

    // Act
    const code = await main(['export-sheet', '--bukai', directory0Bukai, '--quarter', 'FY2013-Q2', '--endpoint', inject('dynamoEndpoint'), '--table', lone.tableName, '--out', dir], output);

    // Assess
    expect(code).toBe(1);
    expect(output.err.join('\n')).toMatch(/団体 shimotsuke の計画と名簿を読めません[\s\S]*--plan か --tenant[\s\S]*give --plan or --tenant/);
    await lone.drop();
  });
});

describe('the running stack’s DynamoDB (npm start on other ports)', () => {
  let cwd: string;
  let dir: string;
  /** Another live process standing in for the `npm start` that wrote .shinchoku/running.json. */
  let other: ReturnType<typeof spawn>;
  let closedPort: number;
  /** The running stack's bus (no rules: what reaches it is enough). */
  let bus: LocalEventBridge;

  beforeAll(async () => {
    // Prepare: a city folder whose running stack recorded the test DynamoDB, nothing on port 8000's stand-in
    cwd = process.cwd();
    dir = await mkdtemp(join(tmpdir(), 'shinchoku-running-city-'));
    other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
    await mkdir(join(dir, '.shinchoku'), { recursive: true });
    closedPort = await getFreePort();
    bus = await startLocalEventBridge({ rules: [], onLog: () => undefined });
    process.env.SHINCHOKU_LINK_SECRET = 'x'.repeat(64);
    delete process.env.SHINCHOKU_DYNAMODB_PORT;
    process.chdir(dir);
  });

  afterAll(async () => {
    process.chdir(cwd);
    other.kill();
    await bus.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const record = async (dynamoEndpoint: string) =>
    writeFile(
      join(dir, '.shinchoku', 'running.json'),
      JSON.stringify({ pid: other.pid, dynamoEndpoint, sesEndpoint: inject('sesEndpoint'), eventsEndpoint: bus.endpoint, httpUrl: 'http://127.0.0.1:3000' }),
    );

  it('export-sheet without --endpoint reads the DynamoDB the running stack recorded', async () => {
    // Prepare
    await record(inject('dynamoEndpoint'));
    const output = collect();
    const out = join(dir, 'out');
    // Act
    const code = await main(['export-sheet', '--bukai', directory0Bukai, '--quarter', 'FY2013-Q2', '--table', table.tableName, '--out', out], output);
    // Assess
    expect(code, output.err.join('\n')).toBe(0);
    expect(await readdir(out)).toHaveLength(1);
  });

  it('compile without --endpoint compiles in the running stack’s DynamoDB', async () => {
    // Prepare: the handler reads its environment at load, as on Lambda; the run above loaded it with its own bus
    await record(inject('dynamoEndpoint'));
    vi.resetModules();
    const output = collect();
    // Act
    const code = await main(['compile', '--quarter', 'FY2014-Q2', '--table', table.tableName, '--json'], output);
    // Assess
    expect(output.err.join('\n')).not.toContain('に接続できません');
    expect(code, output.err.join('\n')).toBe(0);
    expect(JSON.parse(output.out.join('\n'))).toMatchObject({ quarter: 'FY2014-Q2' });
    expect(bus.published.map((e) => e['detail-type'])).toContain('QuarterCompiled');
  });

  it('when DynamoDB cannot be reached, export-sheet says so in both languages, not that the city is another', async () => {
    // Prepare
    await record(`http://127.0.0.1:${closedPort}`);
    const output = collect();
    // Act
    const code = await main(['export-sheet', '--bukai', directory0Bukai, '--quarter', 'FY2013-Q2', '--plan', join(cwd, 'plans/shimotsuke/plan.json'), '--out', dir], output);
    // Assess
    expect(code).toBe(1);
    const said = output.err.join('\n');
    expect(said).toMatch(new RegExp(`エラー: DynamoDB \\(http://127\\.0\\.0\\.1:${closedPort}\\) に接続できません[\\s\\S]*error: cannot reach DynamoDB at http://127\\.0\\.0\\.1:${closedPort}`));
    expect(said).not.toContain('--plan or --tenant');
  });
});

/** A 部会 id of the embedded directory. */
const directory0Bukai = 'kikaku';
