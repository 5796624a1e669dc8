/**
 * The record a persistent local stack (`npm start`) keeps in its data folder while it runs, read by
 * the stack (no second one on the same data) and by the CLI (`compile`, `export-sheet` and
 * `import-sheet` use its DynamoDB, `compile` sends to its bus, and these and `link` / `dashboard-link`
 * read its plan and directory files unless `--plan` / `--directory` say otherwise).
 * Apart from local/stack.ts so that reading it loads nothing of the stack.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What a persistent stack (`npm start`) records in its data folder while it runs. */
export interface RunningStack {
  pid: number;
  dynamoEndpoint: string;
  sesEndpoint: string;
  eventsEndpoint: string;
  httpUrl: string;
  /** The plan file the stack loaded, as an absolute path. Absent when not known (a stack given the files already read). */
  planFile?: string;
  /** The directory file the stack loaded, as an absolute path. Absent when not known. */
  directoryFile?: string;
  /**
   * The reminder rules the stack runs with (its REMINDER_CONFIG, validated: the `reminders` section):
   * its scheduler reminds and compiles, and its functions date the reports, by them. Absent in the
   * record of a stack that did not say.
   */
  reminders?: unknown;
}

/** The plan and directory files a command reads; undefined for the embedded 下野市 ones. */
export interface PlanFiles {
  plan?: string;
  directory?: string;
}

/**
 * The plan and directory files a CLI command reads: the options (`--plan`, `--directory`) when either
 * is given (a file given names its city: the other is then not taken from another city's stack), else
 * the files the stack running on `.shinchoku` was started with, else undefined (the embedded 下野市
 * files). So a command run in a city's folder works on the city its stack serves.
 */
export function planFilesOf(options: PlanFiles, running: RunningStack | undefined): PlanFiles {
  // The two go together: a file given names its city, so the other is not taken from another city's stack.
  if (options.plan !== undefined || options.directory !== undefined) return { plan: options.plan, directory: options.directory };
  return { plan: running?.planFile, directory: running?.directoryFile };
}

/** The file, in a stack's data folder. */
export const runningFile = (dataDir: string) => join(dataDir, 'running.json');

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * The stack running on `dataDir` (another process's `npm start`), if one is: the CLI sends to its
 * event bus, and nothing else may start on (or wipe) the same data while it runs.
 */
export async function runningStack(dataDir: string = join(process.cwd(), '.shinchoku')): Promise<RunningStack | undefined> {
  try {
    const running = JSON.parse(await readFile(runningFile(dataDir), 'utf8')) as RunningStack;
    return running.pid !== process.pid && isAlive(running.pid) ? running : undefined;
  } catch {
    return undefined; // none recorded, or left by a stack that was killed: not running
  }
}

/**
 * The DynamoDB endpoint a CLI command uses against the local stack: `--endpoint` when given, else the
 * port in SHINCHOKU_DYNAMODB_PORT, else the address the stack running on `.shinchoku` recorded (an
 * `npm start` on other ports), else the well-known http://127.0.0.1:8000.
 */
export async function localDynamoEndpoint(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env, running?: RunningStack): Promise<string> {
  if (explicit) return explicit;
  if (env.SHINCHOKU_DYNAMODB_PORT) return `http://127.0.0.1:${env.SHINCHOKU_DYNAMODB_PORT}`;
  return (running ?? (await runningStack()))?.dynamoEndpoint ?? 'http://127.0.0.1:8000';
}

/**
 * The SES emulator a CLI command sends through: the port in SHINCHOKU_SES_PORT, else the address the
 * running stack recorded, else the well-known http://127.0.0.1:8005.
 */
export function localSesEndpoint(env: NodeJS.ProcessEnv, running: RunningStack | undefined): string {
  return env.SHINCHOKU_SES_PORT ? `http://127.0.0.1:${env.SHINCHOKU_SES_PORT}` : (running?.sesEndpoint ?? 'http://127.0.0.1:8005');
}

/** True when `error` says a server could not be reached at all (refused, unknown host, timed out). */
export function isUnreachable(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown; errors?: unknown; cause?: unknown } | undefined;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN'].includes(e.code)) return true;
  if (e.name === 'TimeoutError') return true;
  if (Array.isArray(e.errors) && e.errors.some(isUnreachable)) return true;
  return e.cause !== undefined && e.cause !== error && isUnreachable(e.cause);
}
