/**
 * How the bench watches DynamoDB Local's JIT compiler: the CPU time of its compiler threads from
 * /proc, and when that time has stopped growing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { compilersOf, quietWatch, warmUntilSettled } from '#cli/bench/jvm';

/** A /proc/<pid>/task with one stat line per thread: name, utime and stime in clock ticks. */
function fakeProc(pid: number, threads: [name: string, utime: number, stime: number][]): string {
  const root = mkdtempSync(join(tmpdir(), 'shinchoku-proc-'));
  threads.forEach(([name, utime, stime], i) => {
    const dir = join(root, String(pid), 'task', String(pid + i));
    mkdirSync(dir, { recursive: true });
    // proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime …
    writeFileSync(join(dir, 'stat'), `${pid + i} (${name}) S 1 ${pid} ${pid} 0 -1 4194560 10 0 0 0 ${utime} ${stime} 0 0 20 0 30 0 100\n`);
  });
  return root;
}

describe('compilersOf: the compiler threads of one JVM', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  it('adds up the user and system time of the C1 and C2 compiler threads only', () => {
    // Prepare: two compilers, a request thread, a GC thread, and a name with spaces and parentheses.
    const root = fakeProc(4242, [
      ['C2 CompilerThre', 250, 30],
      ['C1 CompilerThre', 40, 5],
      ['qtp1404932042-1', 900, 100],
      ['GC Thread#0', 12, 1],
      ['a (b) c', 7, 7],
    ]);
    roots.push(root);

    // Act
    const seconds = compilersOf([4242], root)();

    // Assess: (250 + 30 + 40 + 5) ticks at 100 per second.
    expect(seconds).toBeCloseTo(3.25, 6);
  });

  it('is undefined when the process has no compiler threads or is not there', () => {
    const root = fakeProc(77, [['node', 500, 20]]);
    roots.push(root);
    expect(compilersOf([77], root)()).toBeUndefined();
    expect(compilersOf([78], root)()).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')('reads the compiler time of the running DynamoDB Local', () => {
    // DynamoDB Local answered the global setup's readiness checks, so its JIT has compiled something.
    const seconds = compilersOf([inject('dynamoPid')])();
    expect(seconds).toBeGreaterThan(0);
  });
});

describe('quietWatch', () => {
  const options = { windowMs: 5000, threshold: 0.02, windows: 2 };

  it('settles after the set number of quiet windows in a row', () => {
    // Prepare
    const watch = quietWatch(options);

    // Act: a busy window (0.5 s of CPU in 5 s = 10%), then two quiet ones (0.05 s in 5 s = 1%).
    const states = [
      watch.observe(0, 10),
      watch.observe(2000, 10.3),
      watch.observe(5000, 10.5),
      watch.observe(10_000, 10.55),
      watch.observe(15_000, 10.6),
    ];

    // Assess: a window closes at the first observation 5 s after it opened.
    expect(states.map((s) => s.settled)).toEqual([false, false, false, false, true]);
    expect(states[1]!.lastShare).toBeUndefined();
    expect(states[2]!.lastShare).toBeCloseTo(0.1, 6);
    expect(states[4]!.lastShare).toBeCloseTo(0.01, 6);
  });

  it('starts counting again after a busy window', () => {
    // Prepare
    const watch = quietWatch(options);

    // Act: quiet, busy (a late compile: 20%), quiet, quiet.
    watch.observe(0, 0);
    const afterQuiet = watch.observe(5000, 0);
    const afterBusy = watch.observe(10_000, 1);
    const afterOneQuiet = watch.observe(15_000, 1);
    const afterTwoQuiet = watch.observe(20_000, 1);

    // Assess
    expect([afterQuiet.settled, afterBusy.settled, afterOneQuiet.settled, afterTwoQuiet.settled]).toEqual([false, false, false, true]);
    expect(afterBusy.lastShare).toBeCloseTo(0.2, 6);
  });

  it('takes the share over the time that really passed when observations come late', () => {
    const watch = quietWatch(options);
    watch.observe(0, 0);
    // 12 s passed with 0.3 s of CPU: 2.5% of a CPU (over 5 s it would have read 6%).
    const state = watch.observe(12_000, 0.3);
    expect(state.lastShare).toBeCloseTo(0.025, 6);
    expect(state.settled).toBe(false);
  });
});

describe('compilersOf: several JVMs, and threads that end', () => {
  it('adds up the compilers of several JVMs, and is undefined when one cannot be read or none is given', () => {
    // Prepare: two JVMs in one fake /proc.
    const root = fakeProc(100, [['C2 CompilerThre', 100, 0]]);
    mkdirSync(join(root, '200', 'task', '200'), { recursive: true });
    writeFileSync(join(root, '200', 'task', '200', 'stat'), '200 (C1 CompilerThre) S 1 200 200 0 -1 0 0 0 0 0 50 25 0 0 20 0 1 0 9\n');

    // Act / Assess
    try {
      expect(compilersOf([100, 200], root)()).toBeCloseTo(1.75, 6);
      expect(compilersOf([100, 300], root)()).toBeUndefined();
      expect(compilersOf([], root)()).toBeUndefined();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  it('never goes back when a compiler thread ends and leaves /proc', () => {
    // Prepare: one JVM with two compiler threads.
    const root = fakeProc(500, [
      ['C2 CompilerThre', 300, 0],
      ['C2 CompilerThre', 100, 0],
    ]);
    const counter = compilersOf([500], root);

    try {
      // Act: read, then the second thread (tid 501) ends while the first goes on compiling.
      const before = counter();
      rmSync(join(root, '500', 'task', '501'), { recursive: true });
      writeFileSync(join(root, '500', 'task', '500', 'stat'), '500 (C2 CompilerThre) S 1 500 500 0 -1 0 0 0 0 0 320 0 0 0 20 0 1 0 9\n');
      const after = counter();

      // Assess: 4.0 s, then 4.2 s (3.2 s of the living thread and the 1.0 s the ended one had used).
      expect(before).toBeCloseTo(4, 6);
      expect(after).toBeCloseTo(4.2, 6);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('warmUntilSettled', () => {
  /** A clock that moves `stepMs` every round, and a compiler that uses `busy(ms)` of a CPU at that time. */
  function machine(stepMs: number, busy: (ms: number) => number) {
    let ms = 0;
    let cpu = 0;
    return {
      now: () => ms,
      compilerSeconds: () => cpu,
      round: async () => {
        cpu += (busy(ms) * stepMs) / 1000;
        ms += stepMs;
      },
    };
  }

  it('does the minimum and stops where the compiler cannot be watched', async () => {
    // Prepare
    let rounds = 0;

    // Act
    const phase = await warmUntilSettled({
      compilerSeconds: () => undefined,
      minimum: 25,
      perRound: 10,
      maxSeconds: 60,
      round: async () => {
        rounds += 1;
      },
    });

    // Assess: rounds of 10 until 25 are done.
    expect(rounds).toBe(3);
    expect(phase.done).toBe(30);
    expect(phase.settled).toBeUndefined();
  });

  it('goes on past the minimum until the compiler has been quiet for two windows', async () => {
    // Prepare: the compiler takes half a CPU for the first 20 s, then nothing.
    const m = machine(1000, (ms) => (ms < 20_000 ? 0.5 : 0));

    // Act
    const phase = await warmUntilSettled({ ...m, minimum: 1, perRound: 1, maxSeconds: 120 });

    // Assess: windows close every 5 s; [20, 25) and [25, 30) are the first two quiet ones.
    expect(phase.settled).toBe(true);
    expect(phase.seconds).toBe(30);
    expect(phase.lastShare).toBe(0);
  });

  it('stops at the time limit when the compiler stays busy, and says so', async () => {
    // Prepare
    const m = machine(1000, () => 0.3);
    const told: string[] = [];

    // Act
    const phase = await warmUntilSettled({ ...m, minimum: 1, perRound: 1, maxSeconds: 40, say: (_ja, en) => told.push(en), unit: { ja: '巡', en: 'rounds' } });

    // Assess
    expect(phase.settled).toBe(false);
    expect(phase.seconds).toBe(40);
    expect(phase.lastShare).toBeCloseTo(0.3, 6);
    expect(told.map((line) => line.trim())).toEqual(['15 rounds, 15 s: JIT compiler 30% of a CPU', '30 rounds, 30 s: JIT compiler 30% of a CPU']);
  });
});
