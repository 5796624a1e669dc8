/**
 * The events shinchoku emits and consumes, defined once: their EventBridge source and detail-type,
 * and the zod schema of their detail. The CDK stack builds its rules from these; the local stack
 * routes the same events in process; tests replay the samples in `events/samples/`.
 */
import * as z from '#shared/zod';
import { CanonicalQuarterSchema } from '#shared/domain/fiscal';
import { reportChannels, reportKinds, ReportStatusSchema } from '#shared/domain/report';
import { ColourCountsSchema } from '#shared/domain/status';

export const eventSource = 'shinchoku';

/** A report (or a related department's comment) was accepted and stored. */
export const ProgressReportedSchema = z.object({
  tenant: z.string(),
  measureId: z.string(),
  quarter: CanonicalQuarterSchema,
  version: z.int().check(z.gte(1)),
  reference: z.string(),
  kind: z.enum(reportKinds),
  status: z.optional(ReportStatusSchema),
  kaId: z.string(),
  channel: z.enum(reportChannels),
  submittedAt: z.iso.datetime({ offset: true }),
});
export type ProgressReported = z.infer<typeof ProgressReportedSchema>;

/** A quarter's status was compiled (scheduled or on demand). */
export const QuarterCompiledSchema = z.object({
  tenant: z.string(),
  quarter: CanonicalQuarterSchema,
  /** When the stored result was written (an unchanged recompile keeps the earlier time). */
  compiledAt: z.iso.datetime({ offset: true }),
  /**
   * The clock of the compile that published this event (the schedule's time, the late report's time,
   * or now on demand): later than `compiledAt` when it found the result unchanged. The digest goes out
   * only for a compile run after the reports were due. Absent in events published before it was added:
   * read `compiledAt` then.
   */
  ranAt: z.optional(z.iso.datetime({ offset: true })),
  counts: ColourCountsSchema,
});
export type QuarterCompiled = z.infer<typeof QuarterCompiledSchema>;

export const events = {
  ProgressReported: ProgressReportedSchema,
  QuarterCompiled: QuarterCompiledSchema,
} as const;
export type EventName = keyof typeof events;
export type EventDetail<N extends EventName> = z.infer<(typeof events)[N]>;

/** An event as EventBridge delivers it to a target. */
export function eventEnvelopeSchema<N extends EventName>(name: N) {
  return z.object({
    version: z.optional(z.string()),
    id: z.string(),
    source: z.literal(eventSource),
    'detail-type': z.literal(name),
    time: z.string(),
    detail: events[name],
  });
}
