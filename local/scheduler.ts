/**
 * The local stand-in for EventBridge Scheduler: fires every schedule of shared/schedules.ts (under the
 * reminder rules of REMINDER_CONFIG, which the functions read too) on its own expression (croner,
 * Asia/Tokyo) and invokes the schedule's function in this process with the
 * same input Scheduler would send — the `<aws.scheduler.scheduled-time>` placeholder filled with the
 * fire time. `shinchoku replay` uses {@link createScheduleInvoker} to fire the same way on a
 * simulated clock.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { Cron } from 'croner';
import { reminderConfigFromEnv } from '#shared/domain/reminders';
import { cronFor, inputAt, schedulesFor, type ScheduleDefinition } from '#shared/schedules';
import { localLambdaContext } from './lambda-context.ts';

/** A scheduled function's handler, as Lambda calls it. */
export type ScheduledHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Loads the handler of `functions/<fn>/handler.ts`. */
export type ScheduledHandlerLoader = (fn: string) => Promise<ScheduledHandler>;

/** A schedule names a function that has no handler (yet). */
export class MissingScheduledFunctionError extends Error {
  constructor(readonly fn: string) {
    super(`functions/${fn}/handler.ts がありません / no handler for scheduled function ${fn}`);
    this.name = 'MissingScheduledFunctionError';
  }
}

export const loadScheduledHandler: ScheduledHandlerLoader = async (fn) => {
  let module: { handler?: unknown };
  try {
    module = (await import(`../functions/${fn}/handler.ts`)) as { handler?: unknown };
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(`functions/${fn}/handler.ts`)) {
      throw new MissingScheduledFunctionError(fn);
    }
    throw error;
  }
  if (typeof module.handler !== 'function') throw new MissingScheduledFunctionError(fn);
  return module.handler as ScheduledHandler;
};

/** One firing of a schedule and what the function answered. */
export interface Firing {
  schedule: string;
  fn: string;
  fireTime: Date;
  input: Record<string, unknown>;
  outcome: 'ok' | 'error';
  result?: unknown;
  error?: unknown;
  durationMs: number;
}

/** Fires one schedule at one (real or simulated) time: the function gets the input Scheduler would send. */
export type ScheduleInvoker = (schedule: ScheduleDefinition, fireTime: Date) => Promise<Firing>;

/** An invoker that loads each function once and never throws: a failure is a firing with outcome "error". */
export function createScheduleInvoker(load: ScheduledHandlerLoader = loadScheduledHandler): ScheduleInvoker {
  const handlers = new Map<string, Promise<ScheduledHandler>>();
  return async (schedule, fireTime) => {
    const input = inputAt(schedule, fireTime);
    const started = performance.now();
    const firing = { schedule: schedule.name, fn: schedule.fn, fireTime, input };
    try {
      let handler = handlers.get(schedule.fn);
      if (!handler) {
        handler = load(schedule.fn);
        handlers.set(schedule.fn, handler);
        // A failed load is tried again next time (the function may be added while the stack runs).
        handler.catch(() => handlers.delete(schedule.fn));
      }
      const result = await (await handler)(input, localLambdaContext(schedule.fn, randomUUID(), 15 * 60_000));
      return { ...firing, outcome: 'ok', result, durationMs: performance.now() - started };
    } catch (error) {
      return { ...firing, outcome: 'error', error, durationMs: performance.now() - started };
    }
  };
}

export interface LocalSchedulerOptions {
  /**
   * @default every schedule of shared/schedules.ts under the reminder rules of REMINDER_CONFIG (a wrong
   * value stops the start with its bilingual message)
   */
  schedules?: readonly ScheduleDefinition[];
  /** @default an invoker that imports functions/<fn>/handler.ts */
  invoke?: ScheduleInvoker;
  /** Told about every firing (success or failure). */
  onFiring?: (firing: Firing) => void;
}

export interface LocalScheduler {
  /** The next fire time of each schedule. */
  nextRuns(): { name: string; next: Date | null }[];
  /** Stops the timers and waits for running invocations to finish. */
  stop(): Promise<void>;
}

/** Starts a timer per schedule; a run still busy when its next time comes is skipped, as Lambda would throttle it. */
export function startLocalScheduler(options: LocalSchedulerOptions = {}): LocalScheduler {
  const invoke = options.invoke ?? createScheduleInvoker();
  const running = new Set<Promise<unknown>>();
  const jobs: { schedule: ScheduleDefinition; cron: Cron }[] = (options.schedules ?? schedulesFor(reminderConfigFromEnv(process.env))).map((schedule) => ({
    schedule,
    cron: cronFor(
      schedule,
      async (fireTime) => {
        const run = invoke(schedule, fireTime).then((firing) => options.onFiring?.(firing));
        running.add(run);
        try {
          await run;
        } finally {
          running.delete(run);
        }
      },
      { protect: true, unref: true },
    ),
  }));
  return {
    nextRuns: () => jobs.map(({ schedule, cron }) => ({ name: schedule.name, next: cron.nextRun() })),
    async stop() {
      for (const { cron } of jobs) cron.stop();
      await Promise.allSettled([...running]);
    },
  };
}

/** A firing as one line for people, Japanese / English. */
export function describeFiring(firing: Firing): string {
  const at = firing.fireTime.toISOString();
  if (firing.outcome === 'ok') {
    return `スケジュール ${firing.schedule} を実行しました (${at}) / schedule ${firing.schedule} ran (${at}), ${Math.round(firing.durationMs)} ms`;
  }
  const message = firing.error instanceof Error ? firing.error.message : String(firing.error);
  return `スケジュール ${firing.schedule} が失敗しました (${at}) / schedule ${firing.schedule} failed (${at}): ${message}`;
}
