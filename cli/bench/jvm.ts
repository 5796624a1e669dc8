/**
 * How busy DynamoDB Local's JIT compiler is, so the bench times the submission path and the compile
 * against a warmed database.
 *
 * A fresh JVM compiles DynamoDB Local's hot code for a minute or more: its C1 and C2 compiler threads
 * take most of a CPU at first and fall to nothing as the code settles. On a 2-CPU machine that
 * compiling competes with the Node thread and DynamoDB Local's request threads, and it hurts the side
 * with more CPU work of its own between the network waits (the handler) more than the bare client,
 * while on AWS the database is a warm service on machines of its own. The warm-ups therefore go on
 * until the compiler has been quiet for a while (`warmUntilSettled`), and the report says how busy it
 * was while timing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, percent } from './format.ts';

/** Clock ticks per second of the times in /proc/<pid>/task/<tid>/stat (USER_HZ, 100 on Linux). */
const ticksPerSecond = 100;

/** HotSpot names its compiler threads "C1 CompilerThread0", "C2 CompilerThread1", … (cut to 15 characters). */
const compilerThread = /^C[12] CompilerThre/;

/**
 * Clock ticks (user + system) each JIT compiler thread of the JVM `pid` has used so far, by thread
 * id, or `undefined` where /proc cannot tell (not Linux, the process gone).
 */
function compilerThreadTicks(pid: number, procRoot: string): Map<string, number> | undefined {
  const tasks = join(procRoot, String(pid), 'task');
  let ids: string[];
  try {
    ids = readdirSync(tasks);
  } catch {
    return undefined;
  }
  const ticks = new Map<string, number>();
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
    ticks.set(id, Number(fields[11]) + Number(fields[12]));
  }
  return ticks.size > 0 ? ticks : undefined;
}

/**
 * A counter of the CPU seconds the JIT compilers of several JVMs (which share the machine) have used,
 * or undefined if one of them cannot be read. HotSpot starts and stops compiler threads as the work
 * comes and goes (`UseDynamicNumberOfCompilerThreads`), and an ended thread leaves /proc: the counter
 * keeps the last time it saw of every thread, so it never goes back.
 */
export function compilersOf(pids: readonly number[], procRoot = '/proc'): () => number | undefined {
  const seen = new Map<string, number>();
  return () => {
    if (pids.length === 0) return undefined;
    for (const pid of pids) {
      const ticks = compilerThreadTicks(pid, procRoot);
      if (ticks === undefined) return undefined;
      for (const [tid, t] of ticks) seen.set(`${pid}/${tid}`, Math.max(t, seen.get(`${pid}/${tid}`) ?? 0));
    }
    return [...seen.values()].reduce((a, b) => a + b, 0) / ticksPerSecond;
  };
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

/** When a warm-up counts the compiler as settled: under 2% of one CPU in 2 windows of 5 s in a row. */
export const settledCompiler = { share: 0.02, windowSeconds: 5, windows: 2 } as const;

/** How `settledCompiler` reads, for the bench's progress and its report. */
export function settledRuleText(
  maxSeconds: number,
  compiler = { ja: 'DynamoDB Local の JIT コンパイラー (C1/C2 のスレッド)', en: "DynamoDB Local's JIT compiler (its C1/C2 threads)" },
): { ja: string; en: string } {
  const { share, windowSeconds, windows } = settledCompiler;
  return {
    ja: `${compiler.ja} が ${windowSeconds} 秒ごとに見て ${windows} 回続けて CPU 1 個の ${percent(share)} 未満になるまで (最長 ${maxSeconds} 秒)`,
    en: `until ${compiler.en} used under ${percent(share)} of one CPU in ${windows} windows of ${windowSeconds} s in a row (at most ${maxSeconds} s)`,
  };
}

/** One warm-up, and how busy the compiler was in the timed rounds after it. */
export interface WarmPhase {
  /** Untimed units of work (requests of each side, compiles of each table). */
  done: number;
  seconds: number;
  /** Whether the compiler settled before the time limit; undefined where it cannot be watched (not Linux). */
  settled?: boolean;
  /** The compiler's share of one CPU (0–1) in the last window of the warm-up. */
  lastShare?: number;
  /** The compiler's share of one CPU during the timed rounds (filled in by the caller). */
  measuredShare?: number;
}

export interface WarmUpOptions {
  /** The CPU seconds of the compilers to wait for (`compilersOf`), or undefined where they cannot be watched. */
  compilerSeconds: () => number | undefined;
  /** Untimed units of work to do at least. */
  minimum: number;
  /** The units of work one round does. */
  perRound: number;
  /** The most the warm-up goes on waiting for the compiler, s. */
  maxSeconds: number;
  /** One round of untimed work. */
  round: (round: number) => Promise<void>;
  /** Told every 15 s or so how far the warm-up has come (`say` of the bench). */
  say?: (ja: string, en: string) => void;
  /** What the warm-up counts, for `say`: e.g. 件ずつ / of each. */
  unit?: { ja: string; en: string };
  /**
   * The clock, ms.
   * @default performance.now
   */
  now?: () => number;
}

/**
 * Runs rounds of untimed work: at least `minimum` units, then until the compiler has settled
 * (`settledCompiler`) or `maxSeconds` have passed. Where the compiler cannot be watched, the minimum.
 */
export async function warmUntilSettled(options: WarmUpOptions): Promise<WarmPhase> {
  const quiet = quietWatch({ windowMs: settledCompiler.windowSeconds * 1000, threshold: settledCompiler.share, windows: settledCompiler.windows });
  const clock = options.now ?? (() => performance.now());
  const start = clock();
  let told = start;
  let done = 0;
  let compiler: QuietState | undefined;
  const atStart = options.compilerSeconds();
  if (atStart !== undefined) compiler = quiet.observe(start, atStart);
  for (let round = 0; ; round += 1) {
    await options.round(round);
    done += options.perRound;
    const now = clock();
    const seconds = options.compilerSeconds();
    if (seconds !== undefined) compiler = quiet.observe(now, seconds);
    if (compiler?.lastShare !== undefined && now - told >= 15_000) {
      told = now;
      const [elapsed, share] = [((now - start) / 1000).toFixed(0), percent(compiler.lastShare, 0)];
      const unit = options.unit ?? { ja: '', en: '' };
      options.say?.(`      ${done} ${unit.ja}、${elapsed} 秒: JIT コンパイラー CPU ${share}`, `      ${done} ${unit.en}, ${elapsed} s: JIT compiler ${share} of a CPU`);
    }
    if (done < options.minimum) continue;
    if (seconds === undefined || compiler?.settled || now - start >= options.maxSeconds * 1000) break;
  }
  return {
    done,
    seconds: (clock() - start) / 1000,
    ...(compiler === undefined ? {} : { settled: compiler.settled }),
    ...(compiler?.lastShare === undefined ? {} : { lastShare: compiler.lastShare }),
  };
}

/** The compiler's share of one CPU while `run` ran, or undefined where it cannot be watched. */
export async function compilerShareDuring(compilerSeconds: () => number | undefined, run: () => Promise<void>): Promise<number | undefined> {
  const [from, start] = [compilerSeconds(), performance.now()];
  await run();
  const to = compilerSeconds();
  return from === undefined || to === undefined ? undefined : (to - from) / ((performance.now() - start) / 1000);
}

/** What one warm-up did and how busy the compiler was then and while timing. */
export function warmPhaseText(p: WarmPhase, unit: { ja: string; en: string }): { ja: string; en: string } {
  const { windowSeconds } = settledCompiler;
  const done = { ja: `${p.done} ${unit.ja} ${fmt(p.seconds, 0)} 秒`, en: `${p.done} ${unit.en} in ${fmt(p.seconds, 0)} s` };
  if (p.settled === undefined) {
    return { ja: `${done.ja} (JIT コンパイラーを見られない (/proc がない) ため最低回数だけ)`, en: `${done.en} (the minimum only: the compiler cannot be watched here, no /proc)` };
  }
  return {
    ja: `${done.ja}${p.settled ? '' : ' (上限で打ち切り)'}、最後の ${windowSeconds} 秒のコンパイラー ${percent(p.lastShare)}、計測中 ${percent(p.measuredShare)}`,
    en: `${done.en}${p.settled ? '' : ' (stopped at the limit)'}, the compiler at ${percent(p.lastShare)} of a CPU in its last ${windowSeconds} s and ${percent(p.measuredShare)} while timing`,
  };
}
