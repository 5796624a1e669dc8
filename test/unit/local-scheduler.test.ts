/**
 * The local scheduler (local/scheduler.ts): a firing hands the function the input Scheduler would
 * send, loads each function once, turns a failure into a firing with outcome "error", and the timers
 * follow the schedules' expressions in Asia/Tokyo.
 */
import { describe, expect, it } from 'vitest';
import { createScheduleInvoker, describeFiring, startLocalScheduler, type ScheduledHandler } from '#local/scheduler';
import { jstDate } from '#shared/domain/fiscal';
import { defaultReminderConfig, reminderConfigVariable } from '#shared/domain/reminders';
import { schedulesFor, type ScheduleDefinition } from '#shared/schedules';

const schedules = schedulesFor(defaultReminderConfig);
const reminders = schedules.find((s) => s.name === 'send-reminders')!;
const compile = schedules.find((s) => s.name === 'compile-quarter')!;

describe('createScheduleInvoker', () => {
  it('invokes the function with the schedule input, the scheduled time filled in, loading each function once', async () => {
    // Prepare
    const loads: string[] = [];
    const events: unknown[] = [];
    const invoke = createScheduleInvoker(async (fn) => {
      loads.push(fn);
      const handler: ScheduledHandler = async (event, context) => {
        events.push(event);
        return { fn, functionName: context.functionName };
      };
      return handler;
    });
    // Act
    const first = await invoke(compile, new Date('2012-07-04T21:00:00.000Z'));
    await invoke(compile, new Date('2012-10-04T21:00:00.000Z'));
    // Assess
    expect(first).toMatchObject({ schedule: 'compile-quarter', fn: 'compile-quarter', outcome: 'ok', result: { fn: 'compile-quarter', functionName: 'shinchoku-compile-quarter' } });
    expect(events).toEqual([
      { quarter: 'previous', scheduledTime: '2012-07-04T21:00:00Z' },
      { quarter: 'previous', scheduledTime: '2012-10-04T21:00:00Z' },
    ]);
    expect(loads).toEqual(['compile-quarter']);
  });

  it('reports a failing function as a firing with outcome "error", in both languages', async () => {
    // Prepare
    const invoke = createScheduleInvoker(async () => async () => {
      throw new Error('送れませんでした / could not send');
    });
    // Act
    const firing = await invoke(reminders, new Date('2012-07-10T00:00:00.000Z'));
    // Assess
    expect(firing.outcome).toBe('error');
    expect(describeFiring(firing)).toMatch(/^スケジュール send-reminders が失敗しました .* schedule send-reminders failed .*could not send/);
  });

  it('tries a function that failed to load again at the next firing', async () => {
    // Prepare
    let attempts = 0;
    const invoke = createScheduleInvoker(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('not there yet');
      return async () => 'ran';
    });
    // Act
    const first = await invoke(reminders, new Date('2012-07-10T00:00:00.000Z'));
    const second = await invoke(reminders, new Date('2012-07-11T00:00:00.000Z'));
    // Assess
    expect([first.outcome, second.outcome, second.result]).toEqual(['error', 'ok', 'ran']);
  });
});

describe('startLocalScheduler', () => {
  it('sets a timer per schedule at its next fire time in Asia/Tokyo, and stops', async () => {
    // Prepare
    const list: ScheduleDefinition[] = [reminders, compile];
    // Act
    const scheduler = startLocalScheduler({ schedules: list, invoke: async () => { throw new Error('must not fire'); } });
    const next = scheduler.nextRuns();
    await scheduler.stop();
    // Assess
    expect(next.map((n) => n.name)).toEqual(['send-reminders', 'compile-quarter']);
    const reminderAt = next[0]!.next!;
    const compileAt = next[1]!.next!;
    expect([reminderAt.getUTCHours(), reminderAt.getUTCMinutes()]).toEqual([0, 0]);
    expect(compileAt.getUTCHours()).toBe(21);
    expect(Number(jstDate(compileAt).slice(8))).toBe(11);
    expect(reminderAt.getTime()).toBeGreaterThan(Date.now());
    expect(scheduler.nextRuns().every((n) => n.next === null)).toBe(true);
  });

  it('compiles on the day after the reports are due under the rules of REMINDER_CONFIG, as the functions read them', async () => {
    // Prepare: reports due 20 days after the quarter ends
    const saved = process.env[reminderConfigVariable];
    process.env[reminderConfigVariable] = JSON.stringify({ report: { dueDaysAfterQuarterEnd: 20 } });
    try {
      // Act
      const scheduler = startLocalScheduler({ invoke: async () => { throw new Error('must not fire'); } });
      const next = scheduler.nextRuns();
      await scheduler.stop();
      // Assess
      expect(next.map((n) => n.name)).toEqual(['send-reminders', 'compile-quarter']);
      expect(Number(jstDate(next[1]!.next!).slice(8))).toBe(21);
    } finally {
      if (saved === undefined) delete process.env[reminderConfigVariable];
      else process.env[reminderConfigVariable] = saved;
    }
  });

  it('refuses to start with rules it cannot read, saying why in both languages', () => {
    // Prepare
    const saved = process.env[reminderConfigVariable];
    process.env[reminderConfigVariable] = JSON.stringify({ report: { dueDaysAfterQuarterEnd: 61 } });
    try {
      // Act / Assess
      expect(() => startLocalScheduler({ invoke: async () => { throw new Error('must not fire'); } })).toThrow(
        /リマインダー設定が不正です \/ invalid reminder configuration:[\s\S]*report\.dueDaysAfterQuarterEnd/,
      );
    } finally {
      if (saved === undefined) delete process.env[reminderConfigVariable];
      else process.env[reminderConfigVariable] = saved;
    }
  });
});
