/**
 * A persistent local stack (`npm start`) records in `.shinchoku/running.json` the plan and directory
 * files it was started with, as absolute paths, so that the CLI run in the same folder works on the
 * same city (`planFilesOf`: the options when any is given, else the record, else the embedded files).
 * The stack sets process.env, so this runs alone in its file.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { planFilesOf, runningFile, type RunningStack } from '#local/running-stack';
import { startLocalStack, type LocalStack } from '#local/stack';

const cityPlan = fileURLToPath(new URL('../fixtures/sakuradai/plan.json', import.meta.url));
const cityDirectory = fileURLToPath(new URL('../fixtures/sakuradai/directory.json', import.meta.url));

let dataDir: string | undefined;
let stack: LocalStack | undefined;

afterAll(async () => {
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the running record of a persistent stack', () => {
  it('names the plan and directory files it was started with, as absolute paths', async () => {
    // Prepare: the files named relative to the working directory, as on the command line
    dataDir = await mkdtemp(join(tmpdir(), 'shinchoku-running-record-'));
    const planFile = relative(process.cwd(), cityPlan);
    const directoryFile = relative(process.cwd(), cityDirectory);

    // Act
    stack = await startLocalStack({ dataDir, planFile, directoryFile, httpPort: 0, dynamoPort: 0, sesPort: 0, smtpPort: 0, scheduler: false });
    const running = JSON.parse(await readFile(runningFile(dataDir), 'utf8')) as RunningStack;

    // Assess
    expect(stack.tenant).toBe('sakuradai');
    expect(running).toMatchObject({ pid: process.pid, planFile: resolve(cityPlan), directoryFile: resolve(cityDirectory) });
  }, 180_000);
});

describe('planFilesOf', () => {
  it('is the options when either is given, else the running stack’s files, else none (the embedded files)', () => {
    // Prepare
    const running: RunningStack = { pid: 1, dynamoEndpoint: '', sesEndpoint: '', eventsEndpoint: '', httpUrl: '', planFile: '/city/plan.json', directoryFile: '/city/directory.json' };

    // Act / Assess
    expect(planFilesOf({}, running)).toEqual({ plan: '/city/plan.json', directory: '/city/directory.json' });
    expect(planFilesOf({ plan: 'mine.json' }, running)).toEqual({ plan: 'mine.json', directory: undefined });
    expect(planFilesOf({ plan: 'p.json', directory: 'd.json' }, running)).toEqual({ plan: 'p.json', directory: 'd.json' });
    expect(planFilesOf({}, { ...running, planFile: undefined, directoryFile: undefined })).toEqual({ plan: undefined, directory: undefined });
    expect(planFilesOf({ directory: 'd.json' }, undefined)).toEqual({ plan: undefined, directory: 'd.json' });
  });
});
