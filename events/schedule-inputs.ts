/**
 * Payloads that EventBridge Scheduler (and the local stack's scheduler, and `shinchoku compile`) hand
 * to the scheduled functions, defined once so the schedule definitions and the handlers cannot drift.
 * Samples live in `events/samples/`.
 */
import * as z from '#shared/zod';
import { CanonicalQuarterSchema } from '#shared/domain/fiscal';

/**
 * EventBridge Scheduler replaces this text in a target's input with the instant the schedule was
 * due (ISO 8601, UTC), and so does the local scheduler: a retried or replayed run sees the same time.
 */
export const scheduledTimePlaceholder = '<aws.scheduler.scheduled-time>';

/** The schedule's fire time in a payload; absent when a job is run by hand. */
const ScheduledTimeSchema = z.optional(
  z.iso.datetime({ offset: true, error: 'scheduledTime は ISO 8601 の日時です / scheduledTime must be an ISO 8601 date-time' }),
);

/**
 * Input of the `compile-quarter` function.
 *
 * - `quarter`: `"previous"` (the quarter before the JST day of `scheduledTime`, what the quarterly
 *   schedule sends a few days after a quarter closes) or a canonical quarter such as `"FY2013-Q2"`
 *   (on demand).
 * - `scheduledTime`: the schedule's `<aws.scheduler.scheduled-time>`; it is the compile's clock
 *   (what "previous" is counted from, and the `compiledAt` stamp), so a retried or replayed run
 *   compiles as of the same moment. Absent on demand: the current time is used.
 *
 * Scheduler target input: `{ "quarter": "previous", "scheduledTime": "<aws.scheduler.scheduled-time>" }`.
 */
export const CompileQuarterInputSchema = z.object({
  quarter: z.union([z.literal('previous'), CanonicalQuarterSchema], {
    error: '四半期は "previous" か FY2013-Q2 の形式です / quarter must be "previous" or like FY2013-Q2',
  }),
  scheduledTime: ScheduledTimeSchema,
});
export type CompileQuarterInput = z.infer<typeof CompileQuarterInputSchema>;

/** The Scheduler target input of the quarterly compile (the placeholder is filled in by Scheduler). */
export const scheduledCompileInput = {
  quarter: 'previous',
  scheduledTime: scheduledTimePlaceholder,
} as const;

/**
 * Input of the `send-reminders` function. Scheduler passes `{ "scheduledTime": "<aws.scheduler.scheduled-time>" }`;
 * the scheduled time, not the clock, decides the day, so a retried or replayed run works on the same
 * day. Without it (a manual run) the current time is used.
 */
export const SendRemindersInputSchema = z.object({ scheduledTime: ScheduledTimeSchema });

/** The Scheduler target input of the daily reminders. */
export const scheduledRemindersInput = { scheduledTime: scheduledTimePlaceholder } as const;
