/**
 * `shinchoku load` and the local stack's provisioning refuse a directory of another city than the
 * plan's before anything is written: neither the plan nor the directory, and no table is created.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '#cli/main';
import type { Output } from '#cli/output';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { defaultPlanPath, readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { createDynamoDbClient, localClientConfig } from '#local/aws-local';
import { planQuarters } from '#shared/progress-snapshot';
import { loadPlan } from '#shared/store/plan-items';
import { createStore } from '#shared/store/store';
import { appendReport } from '#shared/store/report-items';
import { provision } from '#local/provision';
import { createTestTable, handlerEnvironment, type TestTable } from '#test/support/dynamo';

const otherCityPlan = new URL('../support/other-city/plan.json', import.meta.url).pathname;
const otherCityDirectory = new URL('../support/other-city/directory.json', import.meta.url).pathname;

let table: TestTable;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => table?.drop());

function collect(): Output & { err: string[]; infos: string[] } {
  const err: string[] = [];
  const infos: string[] = [];
  return { err, infos, data: () => undefined, info: (ja) => infos.push(ja), error: (ja, en) => err.push(`エラー: ${ja}\nerror: ${en}`) };
}

async function itemCount(tableName: string): Promise<number> {
  const doc = createDocumentClient(localClientConfig(inject('dynamoEndpoint')));
  const { Items = [] } = await doc.scan({ TableName: tableName });
  return Items.length;
}

/** `shinchoku load` as on a deployment: the AWS SDK's environment pointed at DynamoDB Local. */
async function load(args: string[], output: Output, into: TestTable = table): Promise<number> {
  const env = handlerEnvironment(into, 'unused');
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await main(['load', '--table', into.tableName, ...args], output);
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('shinchoku load', () => {
  it('refuses the embedded plan with another city\'s directory, naming both, and writes nothing', async () => {
    // Prepare
    const output = collect();

    // Act
    const code = await load(['--directory', otherCityDirectory], output);

    // Assess
    expect(code).toBe(1);
    const text = output.err.join('\n');
    expect(text).toContain(`エラー: 計画 ${defaultPlanPath} のテナント "shimotsuke" と名簿 ${otherCityDirectory} のテナント "sakuradai" が異なります`);
    expect(text).toContain(`error: the plan ${defaultPlanPath} is for tenant "shimotsuke" but the directory ${otherCityDirectory} is for tenant "sakuradai"`);
    expect(await itemCount(table.tableName)).toBe(0);
  });

  it('refuses a plan whose owners the directory lacks, naming each with its 部会, its place in the plan and the 課 it likely means, and writes nothing', async () => {
    // Prepare: the other city's plan with one owner's 部会 typed with a full-width space
    const own = await createTestTable();
    const dir = await mkdtemp(join(tmpdir(), 'shinchoku-load-'));
    try {
      const plan = JSON.parse(await readFile(otherCityPlan, 'utf8'));
      plan.measures[0].owners[1].bukai = '教育\u3000部会';
      const planFile = join(dir, 'plan.json');
      await writeFile(planFile, JSON.stringify(plan));
      const output = collect();

      // Act
      const code = await load(['--plan', planFile, '--directory', otherCityDirectory], output, own);

      // Assess
      expect(code).toBe(1);
      expect(output.err).toEqual([
        `エラー: 名簿にない担当部署が 1 件あります。何も書き込んでいません (shinchoku directory lint ${otherCityDirectory} --plan ${planFile} で確認できます):\n` +
          '  事業 1-1-1 の担当 「教育\u3000部会/学校教育課」 (measures[0].owners[1]) — 名簿では「教育部会/学校教育課」(課 id gakko-kyoiku) です。計画と名簿で同じ書き方にしてください\n' +
          `error: 1 owner(s) of the plan are not in the directory; nothing was written (shinchoku directory lint ${otherCityDirectory} --plan ${planFile} checks it):\n` +
          '  事業 1-1-1: owner "教育\u3000部会/学校教育課" (measures[0].owners[1]) — the directory has "教育部会/学校教育課" (課 id gakko-kyoiku); write it alike in both files',
      ]);
      expect(await itemCount(own.tableName)).toBe(0);
    } finally {
      await own.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says each step as it takes it, and takes none after the files are refused', async () => {
    // Prepare
    const own = await createTestTable();
    try {
      const loaded = collect();
      const refused = collect();

      // Act
      const code = await load(['--plan', otherCityPlan, '--directory', otherCityDirectory], loaded, own);
      const refusedCode = await load(['--directory', otherCityDirectory], refused, own);

      // Assess
      expect(code).toBe(0);
      expect(loaded.infos).toEqual([
        `[1/3] 計画 ${otherCityPlan} と名簿 ${otherCityDirectory} を読み、検査しています`,
        `[2/3] ${own.tableName} に保存済みの 桜台市 の計画と報告を確かめています`,
        `[3/3] ${own.tableName} に書き込んでいます (計画: 基本目標 3、事業 4。名簿)`,
        `${own.tableName} に 桜台市 の計画 (4 事業) と名簿 (4 課) を読み込みました`,
      ]);
      expect(refusedCode).toBe(1);
      expect(refused.infos).toEqual([`[1/3] 計画 ${defaultPlanPath} と名簿 ${otherCityDirectory} を読み、検査しています`]);
    } finally {
      await own.drop();
    }
  });

  it('says in both languages what it loaded, and how many defects plan lint finds in the plan it loaded', async () => {
    // Prepare: the embedded plan, which has two arithmetic defects of its own
    const own = await createTestTable();
    const said: string[] = [];
    const output: Output = { data: () => undefined, info: (ja, en) => said.push(`${ja} / ${en}`), error: () => undefined };
    try {
      // Act
      const code = await load([], output, own);

      // Assess
      expect(code).toBe(0);
      expect(said.at(-1)).toBe(
        `${own.tableName} に 下野市 の計画 (51 事業) と名簿 (${(await readDirectoryFile()).ka.length} 課) を読み込みました — plan lint の指摘 2 件 / ` +
          `loaded the plan of 下野市 (51 measures) and the directory (${(await readDirectoryFile()).ka.length} departments) into ${own.tableName} — plan lint finds 2 defect(s)`,
      );
    } finally {
      await own.drop();
    }
  });

  it('loads a plan and a directory of one city', async () => {
    // Prepare
    const output = collect();

    // Act
    const code = await load(['--plan', otherCityPlan, '--directory', otherCityDirectory], output);

    // Assess
    expect(code).toBe(0);
    expect(output.err).toEqual([]);
    expect(await itemCount(table.tableName)).toBeGreaterThan(0);
  });
});

describe('provisioning the local stack', () => {
  it('refuses a directory of another city before it creates the table or saves the plan', async () => {
    // Prepare
    const tableName = `test-${randomUUID()}`;
    const { plan } = await readPlanFile();
    const directory = await readDirectoryFile(otherCityDirectory);
    const client = createDynamoDbClient(localClientConfig(inject('dynamoEndpoint')));

    // Act
    const run = provision({ endpoint: inject('dynamoEndpoint'), tableName, plan, directory });

    // Assess
    await expect(run).rejects.toThrow(/計画のテナント "shimotsuke" と名簿のテナント "sakuradai" が異なります/);
    await expect(client.send(new DescribeTableCommand({ TableName: tableName }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    client.destroy();
  });

  it('refuses, on a kept table, a plan that drops a 事業 with reports, and loads it when the change is accepted', async () => {
    // Prepare: a kept table with the plan and one report on 5-4-1
    const tableName = `test-${randomUUID()}`;
    const endpoint = inject('dynamoEndpoint');
    const { plan } = await readPlanFile();
    const directory = await readDirectoryFile();
    await provision({ endpoint, tableName, plan, directory });
    const store = createStore(createDocumentClient(localClientConfig(endpoint)), tableName, plan.plan.tenant);
    const reporter = { kaId: 'shogai-gakushu', ka: '生涯学習課', bukai: '教育専門部会', person: '山田' };
    await appendReport(
      store,
      { measureId: '5-4-1', quarter: 'FY2013-Q2', kind: 'report', status: '予定どおり', milestones: [], narrative: '', issues: '', nextSteps: '', reporter },
      { channel: 'web', idempotencyKey: 'k' },
    );
    const smaller = { ...plan, measures: plan.measures.filter((m) => m.id !== '5-4-1') };
    const client = createDynamoDbClient(localClientConfig(endpoint));
    try {
      // Act
      const refused = provision({ endpoint, tableName, plan: smaller, directory });
      await expect(refused).rejects.toThrow(/報告のある 1 事業を削除または変更します。何も書き込んでいません:\n {2}5-4-1 「.+」: 新しい計画にありません \(報告 1 件[\s\S]*同じ起動コマンド \(--plan・--directory も同じまま\) に --accept-changes を付けて起動してください[\s\S]* \/ the new plan drops or changes 1 事業/);
      const keptAfterRefusal = await loadPlan(store);
      await provision({ endpoint, tableName, plan: smaller, directory, acceptPlanChanges: true });
      // Assess
      expect(keptAfterRefusal).toEqual(plan);
      expect((await loadPlan(store))?.measures.map((m) => m.id)).not.toContain('5-4-1');
    } finally {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    }
  });
});

describe('shinchoku load of a changed plan over reports', () => {
  it('refuses a plan that drops or renames 事業 with reports, listing them, writes nothing, and loads it with --accept-changes', async () => {
    // Prepare: the other city's plan and directory loaded, one report on its first 事業
    const own = await createTestTable();
    try {
      expect(await load(['--plan', otherCityPlan, '--directory', otherCityDirectory], collect(), own)).toBe(0);
      const { plan } = await readPlanFile(otherCityPlan);
      const directory = await readDirectoryFile(otherCityDirectory);
      const store = own.store(plan.plan.tenant);
      const [first, second] = plan.measures;
      const owner = directory.ka.find((k) => k.name === first!.owners[0]!.ka && k.bukai === first!.owners[0]!.bukai)!;
      const reporter = { kaId: owner.id, ka: owner.name, bukai: owner.bukai, person: '山田' };
      for (const measureId of [first!.id, second!.id]) {
        await appendReport(
          store,
          { measureId, quarter: planQuarters(plan)[0]!, kind: 'report', status: '予定どおり', milestones: [], narrative: '', issues: '', nextSteps: '', reporter },
          { channel: 'web', idempotencyKey: measureId },
        );
      }
      const changed = { ...plan, measures: plan.measures.filter((m) => m.id !== second!.id).map((m) => (m.id === first!.id ? { ...m, name: '全く別の事業' } : m)) };
      const dir = await mkdtemp(join(tmpdir(), 'shinchoku-load-'));
      const changedPlan = join(dir, 'plan.json');
      await writeFile(changedPlan, JSON.stringify(changed));
      const refused = collect();
      // Act
      const code = await load(['--plan', changedPlan, '--directory', otherCityDirectory], refused, own);
      const storedAfterRefusal = await loadPlan(store);
      const accepted = collect();
      const acceptedCode = await load(['--plan', changedPlan, '--directory', otherCityDirectory, '--accept-changes'], accepted, own);
      // Assess
      expect(code).toBe(1);
      const text = refused.err.join('\n');
      expect(text).toContain('報告のある 2 事業を削除または変更します。何も書き込んでいません');
      expect(text).toContain(`${first!.id}: 事業名 「${first!.name}」→「全く別の事業」 (報告 1 件`);
      expect(text).toContain(`${second!.id} 「${second!.name}」: 新しい計画にありません (報告 1 件`);
      expect(text).toContain('--accept-changes');
      expect(text).toMatch(/error: the new plan drops or changes 2 事業 that have reports; nothing was written/);
      expect(storedAfterRefusal).toEqual(plan);
      expect(acceptedCode).toBe(0);
      expect(accepted.infos.filter((l) => l.startsWith('変更を受け入れます'))).toHaveLength(2);
      expect((await loadPlan(store))?.measures.map((m) => m.id)).toEqual(changed.measures.map((m) => m.id));
      await rm(dir, { recursive: true, force: true });
    } finally {
      await own.drop();
    }
  });
});
