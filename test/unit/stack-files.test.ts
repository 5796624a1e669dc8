/**
 * `shinchoku start --fresh` and `shinchoku replay --keep-data` replace the local data (`.shinchoku/`).
 * They read and check the plan and the directory first (`readPlanAndDirectory` of shared/plan-file.ts): an unreadable
 * file, or a directory of another city than the plan, stops them with the local data untouched.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '#cli/main';
import type { Output } from '#cli/output';
import { sameFixedPort, startLocalStack } from '#local/stack';
import { defaultDirectoryPath, defaultPlanPath, readPlanAndDirectory } from '#shared/plan-file';

const sakuradaiPlan = fileURLToPath(new URL('../fixtures/sakuradai/plan.json', import.meta.url));
const sakuradaiDirectory = fileURLToPath(new URL('../fixtures/sakuradai/directory.json', import.meta.url));

let dir: string;
let dataDir: string;
let badJson: string;
const dbFile = () => join(dataDir, 'dynamodb', 'shared-local-instance.db');
const s3Object = () => join(dataDir, 's3', 'shinchoku-mail', 'obj');

/** What the local data folder holds: every file with its contents. */
async function snapshot(): Promise<Record<string, string>> {
  const files = await readdir(dataDir, { recursive: true, withFileTypes: true });
  const entries = await Promise.all(
    files.filter((f) => f.isFile()).map(async (f) => [join(f.parentPath, f.name), await readFile(join(f.parentPath, f.name), 'utf8')] as const),
  );
  return Object.fromEntries(entries);
}

/** The error a start ended with; a stack that did start is stopped, and counts as no error. */
async function startError(start: Promise<{ stop(): Promise<void> }>): Promise<Error | undefined> {
  return start.then(
    async (stack) => {
      await stack.stop();
      return undefined;
    },
    (error: unknown) => error as Error,
  );
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shinchoku-stack-files-'));
  dataDir = join(dir, '.shinchoku');
  await mkdir(join(dataDir, 'dynamodb'), { recursive: true });
  await mkdir(join(dataDir, 's3', 'shinchoku-mail'), { recursive: true });
  await writeFile(dbFile(), 'the tables of an earlier run');
  await writeFile(s3Object(), 'a mail of an earlier run');
  badJson = join(dir, 'bad.json');
  await writeFile(badJson, '{ "tenant": ');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readPlanAndDirectory', () => {
  it('reads a plan and directory of one city', async () => {
    // Act
    const files = await readPlanAndDirectory(sakuradaiPlan, sakuradaiDirectory);
    // Assess
    expect(files.plan.plan.tenant).toBe('sakuradai');
    expect(files.directory.tenant).toBe('sakuradai');
  });

  it('refuses a directory of another city than the plan, in both languages', async () => {
    // Act
    const read = readPlanAndDirectory(sakuradaiPlan, defaultDirectoryPath);
    // Assess
    await expect(read).rejects.toThrow(/計画 .*のテナント "sakuradai" と名簿 .*のテナント "shimotsuke" が異なります.* \/ the plan .* is for tenant "sakuradai" but the directory .* is for tenant "shimotsuke"/);
  });
});

describe('startLocalStack --fresh with a bad plan or directory', () => {
  it('stops on a directory that is not JSON, before it wipes the local data', async () => {
    // Prepare
    const before = await snapshot();
    // Act
    const error = await startError(startLocalStack({ dataDir, fresh: true, directoryFile: badJson, httpPort: 0, dynamoPort: 0, sesPort: 0, smtpPort: 0, scheduler: false }));
    // Assess
    expect(error?.message).toMatch(/JSON として読めません[\s\S]* \/ not valid JSON: .*bad\.json/);
    expect(await snapshot()).toEqual(before);
  });

  it('stops on a plan that is not JSON, before it wipes the local data', async () => {
    // Prepare
    const before = await snapshot();
    // Act
    const error = await startError(startLocalStack({ dataDir, fresh: true, planFile: badJson, httpPort: 0, dynamoPort: 0, sesPort: 0, smtpPort: 0, scheduler: false }));
    // Assess
    expect(error?.message).toMatch(/JSON として読めません[\s\S]* \/ not valid JSON: .*bad\.json/);
    expect(await snapshot()).toEqual(before);
  });

  it('stops on a directory of another city than the plan, before it wipes the local data', async () => {
    // Prepare
    const before = await snapshot();
    // Act
    const error = await startError(startLocalStack({ dataDir, fresh: true, planFile: sakuradaiPlan, directoryFile: defaultDirectoryPath, httpPort: 0, dynamoPort: 0, sesPort: 0, smtpPort: 0, scheduler: false }));
    // Assess
    expect(error?.message).toMatch(/が異なります[\s\S]* \/ the plan .* is for tenant .* but the directory .* is for tenant/);
    expect(await snapshot()).toEqual(before);
  });
});

describe('startLocalStack with two parts on one port', () => {
  it('names both settings before anything starts or is wiped', async () => {
    // Prepare
    const before = await snapshot();
    // Act
    const error = await startError(startLocalStack({ dataDir, fresh: true, httpPort: 19310, s3Port: 19310, dynamoPort: 0, sesPort: 0, smtpPort: 0, scheduler: false }));
    // Assess
    expect(error?.message).toContain('SHINCHOKU_S3_PORT と SHINCHOKU_HTTP_PORT (--port) が同じポート 19310 です');
    expect(error?.message).toContain('SHINCHOKU_S3_PORT and SHINCHOKU_HTTP_PORT (--port) are the same port 19310');
    expect(await snapshot()).toEqual(before);
  });

  it('lets any number of parts take a free port (0)', () => {
    expect(sameFixedPort({ a: 0, b: 0, c: 3000 })).toBeUndefined();
    expect(sameFixedPort({ a: 8000, b: 3000, c: 8000 })).toEqual(['a', 'c']);
  });
});

describe('shinchoku replay --keep-data with a bad plan or directory', () => {
  const cwd = process.cwd();
  let err: string[];
  const out: Output = { data: () => undefined, info: () => undefined, error: (ja, en) => err.push(`${ja}\n${en}`) };

  beforeEach(() => {
    err = [];
    // The command replaces `.shinchoku/` of the working directory: the prepared one.
    process.chdir(dir);
  });

  afterEach(() => {
    process.chdir(cwd);
  });

  it('exits 1 on a directory that is not JSON, with the local data untouched', async () => {
    // Prepare
    const before = await snapshot();
    // Act
    const code = await main(['replay', '--keep-data', '--from', '2019-06-24', '--to', '2019-07-12', '--plan', sakuradaiPlan, '--directory', badJson], out);
    // Assess
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/JSON として読めません[\s\S]*not valid JSON: .*bad\.json/);
    expect(await snapshot()).toEqual(before);
  });

  it('exits 1 on a directory of another city than the plan, with the local data untouched', async () => {
    // Prepare
    const before = await snapshot();
    // Act
    const code = await main(['replay', '--keep-data', '--from', '2012-06-24', '--to', '2012-07-12', '--plan', defaultPlanPath, '--directory', sakuradaiDirectory], out);
    // Assess
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/計画 .*のテナント "shimotsuke" と名簿 .*のテナント "sakuradai" が異なります[\s\S]*the plan .* is for tenant "shimotsuke" but the directory .* is for tenant "sakuradai"/);
    expect(await snapshot()).toEqual(before);
  });
});
