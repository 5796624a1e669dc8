/**
 * A persistent local stack (`npm start`) records itself in its data folder while it runs: the CLI finds
 * its event bus there, and no other stack may start on (or wipe) the same data meanwhile.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUnreachable, localDynamoEndpoint, runningStack } from '#local/running-stack';
import { startLocalStack } from '#local/stack';

let dir: string;
/** Another live process standing in for the `npm start` that wrote the file. */
let other: ReturnType<typeof spawn>;

const record = (pid: number) => ({ pid, dynamoEndpoint: 'http://127.0.0.1:8000', sesEndpoint: 'http://127.0.0.1:8005', eventsEndpoint: 'http://127.0.0.1:40000', httpUrl: 'http://127.0.0.1:3000' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shinchoku-running-'));
  other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
});

afterAll(async () => {
  other.kill();
  await rm(dir, { recursive: true, force: true });
});

describe('runningStack', () => {
  it('is the stack another live process recorded, and nothing when none is or its process is gone', async () => {
    // Act / Assess: nothing recorded
    expect(await runningStack(dir)).toBeUndefined();

    // Prepare / Act / Assess: a live process
    await writeFile(join(dir, 'running.json'), JSON.stringify(record(other.pid!)));
    expect(await runningStack(dir)).toEqual(record(other.pid!));

    // Prepare / Act / Assess: this very process, and a process that ended
    await writeFile(join(dir, 'running.json'), JSON.stringify(record(process.pid)));
    expect(await runningStack(dir)).toBeUndefined();
    const ended = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => ended.once('exit', resolve));
    await writeFile(join(dir, 'running.json'), JSON.stringify(record(ended.pid!)));
    expect(await runningStack(dir)).toBeUndefined();
  });
});

describe('startLocalStack on the data of a running stack', () => {
  it('refuses before it starts (or wipes) anything, naming the running one', async () => {
    // Prepare
    await writeFile(join(dir, 'running.json'), JSON.stringify(record(other.pid!)));

    // Act
    const start = startLocalStack({ dataDir: dir, fresh: true, httpPort: 0, dynamoPort: 0, sesPort: 0, smtpPort: 0 });

    // Assess
    await expect(start).rejects.toThrow(new RegExp(`すでに起動しています \\(プロセス ${other.pid}[\\s\\S]*already running on`));
    expect(await runningStack(dir)).toEqual(record(other.pid!));
  });
});

describe('startLocalStack with a directory that lacks an owner of the plan', () => {
  it('says so, naming the owner, its place and the 課 it likely means, before it starts anything', async () => {
    // Prepare: the other city's directory with one 課 under a mistyped name; a stack already running
    // here stops the start right after the files are read
    const otherCity = new URL('../support/other-city/', import.meta.url).pathname;
    const directory = JSON.parse(await readFile(join(otherCity, 'directory.json'), 'utf8'));
    directory.ka[1].name = '市民科';
    const directoryFile = join(dir, 'directory.json');
    await writeFile(directoryFile, JSON.stringify(directory));
    await writeFile(join(dir, 'running.json'), JSON.stringify(record(other.pid!)));
    const said: string[] = [];

    // Act
    const start = startLocalStack({
      dataDir: dir,
      planFile: join(otherCity, 'plan.json'),
      directoryFile,
      onProgress: (line) => said.push(line),
      httpPort: 0,
      dynamoPort: 0,
      sesPort: 0,
      smtpPort: 0,
    });

    // Assess
    await expect(start).rejects.toThrow(/すでに起動しています/);
    expect(said).toEqual([
      '注意: 名簿にない担当部署です (リマインダーもリンクも届きません): 事業 1-2-1 の担当 「市民生活部会/市民課」 (measures[1].owners[0]) — 名簿では「市民生活部会/市民科」(課 id shimin-ka) です。計画と名簿で同じ書き方にしてください / ' +
        'note: an owner not in the directory (it gets no reminder and no link): 事業 1-2-1: owner "市民生活部会/市民課" (measures[1].owners[0]) — the directory has "市民生活部会/市民科" (課 id shimin-ka); write it alike in both files',
    ]);
  });
});

describe('localDynamoEndpoint', () => {
  it('is --endpoint, else SHINCHOKU_DYNAMODB_PORT, else the running stack’s, else port 8000', async () => {
    // Prepare
    const running = { ...record(1), dynamoEndpoint: 'http://127.0.0.1:18000' };
    // Act / Assess
    expect(await localDynamoEndpoint('http://db:1', { SHINCHOKU_DYNAMODB_PORT: '9000' }, running)).toBe('http://db:1');
    expect(await localDynamoEndpoint(undefined, { SHINCHOKU_DYNAMODB_PORT: '9000' }, running)).toBe('http://127.0.0.1:9000');
    expect(await localDynamoEndpoint(undefined, {}, running)).toBe('http://127.0.0.1:18000');
  });

  it('tells an unreachable server from other failures', () => {
    // Prepare / Act / Assess
    expect(isUnreachable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isUnreachable(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]))).toBe(true);
    expect(isUnreachable(new Error('計画がありません / no plan'))).toBe(false);
  });
});
