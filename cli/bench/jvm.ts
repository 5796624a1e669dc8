/**
 * How busy DynamoDB Local's JIT compiler is, so the submission bench measures a warmed database.
 *
 * A fresh JVM compiles DynamoDB Local's hot code for a minute or more: its C1 and C2 compiler threads
 * take most of a CPU at first and fall to nothing as the code settles. On a 2-CPU machine that
 * compiling competes with the Node thread and DynamoDB Local's request threads, and it hurts the side
 * with more CPU work of its own between the network waits (the handler) more than the bare client,
 * while on AWS the database is a warm service on machines of its own. The warm-up therefore goes on
 * until the compiler has been quiet for a while, and the report says how busy it was while measuring.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Clock ticks per second of the times in /proc/<pid>/task/<tid>/stat (USER_HZ, 100 on Linux). */
const ticksPerSecond = 100;

/** HotSpot names its compiler threads "C1 CompilerThread0", "C2 CompilerThread1", … (cut to 15 characters). */
const compilerThread = /^C[12] CompilerThre/;

/**
 * CPU seconds (user + system) the JIT compiler threads of the JVM `pid` have used so far, or
 * `undefined` where /proc cannot tell (not Linux, the process gone).
 */
export function jitCompilerSeconds(pid: number, procRoot = '/proc'): number | undefined {
  const tasks = join(procRoot, String(pid), 'task');
  let ids: string[];
  try {
    ids = readdirSync(tasks);
  } catch {
    return undefined;
  }
  let ticks = 0;
  let found = false;
  for (const id of ids) {
    let stat: string;
    try {
      stat = readFileSync(join(tasks, id, 'stat'), 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    // "tid (name) state ppid …": the name may hold spaces and parentheses, so split after the last ")".
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (!compilerThread.test(name)) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of proc(5) (utime, stime) are the 12th and 13th after the name.
    ticks += Number(fields[11]) + Number(fields[12]);
    found = true;
  }
  return found ? ticks / ticksPerSecond : undefined;
}

export interface QuietOptions {
  /** The length of a window over which the compiler's share of a CPU is taken, ms. */
  windowMs: number;
  /** The share of one CPU (0–1) below which a window counts as quiet. */
  threshold: number;
  /** How many quiet windows in a row make the compiler settled. */
  windows: number;
}

/** What `quietWatch` has seen so far. */
export interface QuietState {
  /** True once `windows` quiet windows have followed each other. */
  settled: boolean;
  /** The compiler's share of one CPU in the last complete window, if there was one. */
  lastShare?: number;
}

/**
 * Follows a counter of CPU seconds over time (`observe(atMs, cpuSeconds)`, as often as convenient)
 * and tells when it has grown by less than `threshold` of the elapsed time over `windows` windows in
 * a row. A window closes at the first observation `windowMs` or more after it opened.
 */
export function quietWatch(options: QuietOptions): { observe(atMs: number, cpuSeconds: number): QuietState } {
  let opened: { atMs: number; cpuSeconds: number } | undefined;
  let quietInARow = 0;
  let lastShare: number | undefined;
  return {
    observe(atMs, cpuSeconds) {
      if (opened === undefined) {
        opened = { atMs, cpuSeconds };
      } else if (atMs - opened.atMs >= options.windowMs) {
        lastShare = (cpuSeconds - opened.cpuSeconds) / ((atMs - opened.atMs) / 1000);
        quietInARow = lastShare < options.threshold ? quietInARow + 1 : 0;
        opened = { atMs, cpuSeconds };
      }
      return { settled: quietInARow >= options.windows, ...(lastShare === undefined ? {} : { lastShare }) };
    },
  };
}
