/**
 * `shinchoku load` and the local stack's provisioning refuse a directory of another city than the
 * plan's before anything is written: neither the plan nor the directory, and no table is created.
 */
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '#cli/main';
import type { Output } from '#cli/output';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { defaultPlanPath, readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { createDynamoDbClient, localClientConfig } from '#local/aws-local';
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
async function load(args: string[], output: Output): Promise<number> {
  const env = handlerEnvironment(table, 'unused');
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await main(['load', '--table', table.tableName, ...args], output);
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
});
