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
import { localClientConfig } from '#local/aws-local';
import { planFilesOf, runningFile, type RunningStack } from '#local/running-stack';
import { startLocalStack, type LocalStack } from '#local/stack';
import { createObjectStore } from '#shared/aws/s3';
import { envNames } from '#shared/config/env';
import { parseReminderConfig, reminderConfigVariable } from '#shared/domain/reminders';

const cityPlan = fileURLToPath(new URL('../fixtures/sakuradai/plan.json', import.meta.url));
const cityDirectory = fileURLToPath(new URL('../fixtures/sakuradai/directory.json', import.meta.url));

let dataDir: string | undefined;
let stack: LocalStack | undefined;

afterAll(async () => {
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the running record of a persistent stack', () => {
  it('names the plan and directory files it was started with, as absolute paths, and the reminder rules it runs with', async () => {
    // Prepare: the files named relative to the working directory, as on the command line; the reports due 20 days after a quarter
    dataDir = await mkdtemp(join(tmpdir(), 'shinchoku-running-record-'));
    const planFile = relative(process.cwd(), cityPlan);
    const directoryFile = relative(process.cwd(), cityDirectory);
    process.env[reminderConfigVariable] = '{"report":{"dueDaysAfterQuarterEnd":20}}';

    // Act
    try {
      stack = await startLocalStack({ dataDir, planFile, directoryFile, httpPort: 0, dynamoPort: 0, sesPort: 0, smtpPort: 0, scheduler: false });
    } finally {
      delete process.env[reminderConfigVariable];
    }
    const running = JSON.parse(await readFile(runningFile(dataDir), 'utf8')) as RunningStack;

    // Assess: the rules as the functions read them (every default filled in), for `shinchoku remind` in another shell
    expect(stack.tenant).toBe('sakuradai');
    expect(running).toMatchObject({ pid: process.pid, planFile: resolve(cityPlan), directoryFile: resolve(cityDirectory) });
    expect(running.reminders).toEqual(parseReminderConfig({ report: { dueDaysAfterQuarterEnd: 20 } }));
  }, 180_000);
});

describe('a data folder started with another city than last time', () => {
  it('says which city it last ran and how to start that one, and keeps each city\'s public site apart', async () => {
    // Prepare: the folder of the stack above (桜台市) holds a public page of that city
    const cityBucket = process.env[envNames.publicBucket]!;
    await createObjectStore(localClientConfig(stack!.s3Endpoint)).put({ bucket: cityBucket, key: 'index.html', body: '桜台市の公開ページ', contentType: 'text/html; charset=utf-8' });
    await stack!.stop();
    stack = undefined;
    const progress: string[] = [];

    // Act: started again with no --plan, i.e. the embedded city
    stack = await startLocalStack({ dataDir, httpPort: 0, dynamoPort: 0, sesPort: 0, smtpPort: 0, scheduler: false, onProgress: (line) => progress.push(line) });
    const publicIndex = await fetch(`${stack.httpUrl}/public/`);

    // Assess
    expect(stack.tenant).toBe('shimotsuke');
    const note = progress.find((line) => line.startsWith('注意:'));
    expect(note).toContain('前回起動したのは 桜台市 (sakuradai)');
    expect(note).toContain(`npm start -- --plan ${resolve(cityPlan)} --directory ${resolve(cityDirectory)}`);
    expect(process.env[envNames.publicBucket]).not.toBe(cityBucket);
    expect(publicIndex.status).toBe(404);
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
