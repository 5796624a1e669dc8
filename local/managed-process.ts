/**
 * A child process that the local stack owns: its output tail is kept for error messages,
 * `stop()` ends it cleanly (SIGTERM, then SIGKILL after a grace period), and it is killed
 * when this Node process exits so that a crashed `npm start` or test run leaves no orphan.
 *
 * What is covered: normal exit, `process.exit()`, an uncaught exception, and SIGINT/SIGTERM/SIGHUP
 * when nothing else in the process handles that signal. What is not: SIGKILL of this Node process
 * (nothing runs then; the child keeps its port until killed by hand).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { rmSync } from 'node:fs';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  hasExited(): boolean;
  /** Last lines of stdout and stderr, in order; stderr lines are marked with "[stderr]". */
  outputTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnManagedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How many output lines to keep for error messages. Default 80. */
  tailLines?: number;
  /** Every line the process prints (stdout and stderr). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Files or folders to delete once the process has exited (also when this process exits first). */
  removeOnExit?: readonly string[];
}

const DEFAULT_GRACE_MS = 5000;

const live = new Map<ChildProcess, readonly string[]>();
let hooksInstalled = false;

function removePaths(paths: readonly string[]): void {
  for (const p of paths) {
    try {
      rmSync(p, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
}

function killAllNow(): void {
  for (const [child, paths] of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
    removePaths(paths);
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // Only step in when we are the sole listener: then Node would otherwise die by the signal's
  // default action without running 'exit' handlers. Kill the children and re-raise the signal
  // so that the process still ends the way it would have. If someone else listens, they own
  // shutdown (e.g. call stop()); the 'exit' hook below stays as the backstop.
  if (process.listenerCount(signal) > 1) return;
  killAllNow();
  uninstallHooks();
  process.kill(process.pid, signal);
}

const signals: NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  for (const s of signals) process.on(s, onSignal);
}

function uninstallHooks(): void {
  if (!hooksInstalled) return;
  hooksInstalled = false;
  process.off('exit', killAllNow);
  for (const s of signals) process.off(s, onSignal);
}

/**
 * Spawns `command args` (stdin ignored, stdout/stderr piped) and tracks it. It runs in a process
 * group of its own, so the terminal's Ctrl-C (SIGINT to the whole foreground group) reaches only this
 * process, which then stops its children in order: DynamoDB Local must outlive the stream poller and
 * the event targets still at work, or a report being published is lost. The exit and signal hooks
 * below still end the child with this process.
 */
export function spawnManaged(command: string, args: readonly string[], options: SpawnManagedOptions = {}): ManagedProcess {
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
    windowsHide: true,
  };
  const child = spawn(command, args, spawnOptions);

  const maxLines = options.tailLines ?? 80;
  const tail: string[] = [];
  const pending = { stdout: '', stderr: '' };
  const pushLine = (line: string, stream: 'stdout' | 'stderr'): void => {
    tail.push(stream === 'stderr' ? `[stderr] ${line}` : line);
    if (tail.length > maxLines) tail.shift();
    options.onLine?.(line, stream);
  };
  const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const text = pending[stream] + chunk.toString('utf8');
    const lines = text.split(/\r?\n/);
    pending[stream] = lines.pop() ?? '';
    for (const line of lines) pushLine(line, stream);
  };
  child.stdout?.on('data', onData('stdout'));
  child.stderr?.on('data', onData('stderr'));

  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    const finish = (info: ExitInfo): void => {
      if (exitInfo) return;
      for (const stream of ['stdout', 'stderr'] as const) {
        if (pending[stream]) pushLine(pending[stream], stream);
        pending[stream] = '';
      }
      exitInfo = info;
      live.delete(child);
      removePaths(options.removeOnExit ?? []);
      if (live.size === 0) uninstallHooks();
      resolve(info);
    };
    child.once('exit', (code, signal) => finish({ code, signal }));
    // spawn failure (ENOENT etc.): 'exit' never comes
    child.on('error', (err) => {
      pushLine(`spawn error: ${err.message}`, 'stderr');
      if (child.pid === undefined) finish({ code: null, signal: null });
    });
  });

  if (child.pid !== undefined) {
    live.set(child, options.removeOnExit ?? []);
    installHooks();
  }

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = DEFAULT_GRACE_MS): Promise<void> => {
    if (exitInfo) return Promise.resolve();
    stopping ??= (async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!exitInfo) child.kill('SIGKILL');
      }, graceMs);
      try {
        await exited;
      } finally {
        clearTimeout(timer);
      }
    })();
    return stopping;
  };

  return {
    child,
    pid: child.pid ?? -1,
    exited,
    hasExited: () => exitInfo !== undefined,
    outputTail: () => tail.join('\n'),
    stop,
  };
}
