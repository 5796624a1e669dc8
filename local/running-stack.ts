/**
 * The record a persistent local stack (`npm start`) keeps in its data folder while it runs, read by
 * the stack (no second one on the same data) and by the CLI (`shinchoku compile` sends to its bus).
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
