/**
 * The submission path measured on another Node.js than this process's: the Lambda runtime's, when this
 * machine runs another major. A child process of that Node runs the same `measureSubmission` against the
 * DynamoDB Local it is given (with a metering proxy of its own) and hands its figures back as JSON.
 *
 * Run as a script, this file is that child: `node --import tsx/esm cli/bench/submission-node.ts <job.json>`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '#infra/function';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import type { NodeRuntime } from './lambda-node.ts';
import { startDynamoMeter } from './meter.ts';
import { measureSubmission, type Say, type SubmissionFigures, type SubmissionOptions } from './steps.ts';

/** What the child is given. */
interface Job {
  dynamoEndpoint: string;
  dynamoPid?: number;
  options: SubmissionOptions;
  /** Where the child writes its `SubmissionFigures`. */
  out: string;
  /** Put before the child's progress lines. */
  label: string;
}

/**
 * `measureSubmission` run by `runtime` in a child process, against `dynamoEndpoint`. Its progress lines
 * go to this process's stderr as they come.
 */
export async function measureSubmissionOn(
  runtime: NodeRuntime,
  parts: { dynamoEndpoint: string; dynamoPid?: number },
  options: SubmissionOptions,
): Promise<SubmissionFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'shinchoku-bench-submission-'));
  try {
    const job: Job = { dynamoEndpoint: parts.dynamoEndpoint, dynamoPid: parts.dynamoPid, options, out: join(dir, 'figures.json'), label: runtime.label };
    const jobFile = join(dir, 'job.json');
    await writeFile(jobFile, JSON.stringify(job));
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(runtime.execPath, ['--import', 'tsx/esm', fileURLToPath(import.meta.url), jobFile], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] });
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) {
      throw new Error(`${runtime.label} での送信経路の計測が失敗しました (終了コード ${code}) / measuring the submission path on ${runtime.label} failed (exit code ${code})`);
    }
    return JSON.parse(await readFile(job.out, 'utf8')) as SubmissionFigures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function child(jobFile: string): Promise<void> {
  const job = JSON.parse(await readFile(jobFile, 'utf8')) as Job;
  const say: Say = (ja, en) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} [${job.label}] ${ja} / ${en}\n`);
  const [{ plan }, directory, meter] = await Promise.all([readPlanFile(), readDirectoryFile(), startDynamoMeter(job.dynamoEndpoint)]);
  try {
    const figures = await measureSubmission({ dynamoEndpoint: job.dynamoEndpoint, dynamoPid: job.dynamoPid, meter, plan, directory, say }, job.options);
    await writeFile(job.out, JSON.stringify(figures));
  } finally {
    await meter.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  await child(process.argv[2]!);
  // The handler modules' clients keep their connections alive, as on Lambda; the figures are written.
  process.exit(0);
}
