/**
 * publishEvents against a scripted PutEvents: validation before sending, batches of 10, retries of
 * only the refused entries, and a bilingual error for what stays refused or is left unsent when a call
 * fails as a whole.
 */
import { readFileSync } from 'node:fs';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { eventSource, type ProgressReported } from '#events/catalog';
import { InvalidEventError, publishEvents, PublishEventsError, type EventEntry, type PutEventsSender } from '#shared/aws/events';

const sampleDetail = (JSON.parse(readFileSync(new URL('../../events/samples/progress-reported.json', import.meta.url), 'utf8')) as { detail: ProgressReported })
  .detail;

function reported(version: number): EventEntry {
  return { name: 'ProgressReported', detail: { ...sampleDetail, version, reference: `FY2013-Q2-2-2-3-v${version}` } };
}

/** A PutEvents that refuses the entries `refuse` picks (per call) and records every call. */
function scriptedEventBridge(refuse: (entry: PutEventsRequestEntry, call: number) => boolean = () => false) {
  const calls: PutEventsRequestEntry[][] = [];
  const sender: PutEventsSender = {
    putEvents: async ({ Entries: entries }) => {
      calls.push(entries);
      const results = entries.map((entry, i) =>
        refuse(entry, calls.length) ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: `ev-${calls.length}-${i}` },
      );
      return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
    },
  };
  return { sender, calls };
}

const versionOf = (entry: PutEventsRequestEntry) => (JSON.parse(entry.Detail!) as ProgressReported).version;

describe('publishEvents', () => {
  it('sends each event with the source, detail-type and bus, in calls of at most 10', async () => {
    // Prepare
    const { sender, calls } = scriptedEventBridge();
    const entries = Array.from({ length: 23 }, (_, i) => reported(i + 1));
    // Act
    const ids = await publishEvents(sender, 'bus-1', entries, { baseDelayMs: 0 });
    // Assess
    expect(calls.map((c) => c.length)).toEqual([10, 10, 3]);
    expect(calls.flat().map(versionOf)).toEqual(entries.map((e) => (e.detail as ProgressReported).version));
    expect(calls.flat().every((e) => e.Source === eventSource && e.DetailType === 'ProgressReported' && e.EventBusName === 'bus-1')).toBe(true);
    expect(new Set(ids).size).toBe(23);
  });

  it('retries only the refused entries and returns every id in entry order', async () => {
    // Prepare: versions 2 and 4 are refused on the first call
    const { sender, calls } = scriptedEventBridge((entry, call) => call === 1 && [2, 4].includes(versionOf(entry)));
    const entries = [1, 2, 3, 4, 5].map(reported);
    // Act
    const ids = await publishEvents(sender, 'bus-1', entries, { baseDelayMs: 0 });
    // Assess
    expect(calls.map((c) => c.map(versionOf))).toEqual([[1, 2, 3, 4, 5], [2, 4]]);
    expect(ids).toEqual(['ev-1-0', 'ev-2-0', 'ev-1-2', 'ev-2-1', 'ev-1-4']);
  });

  it('throws a bilingual PublishEventsError naming what stayed refused after every attempt', async () => {
    // Prepare
    const { sender, calls } = scriptedEventBridge((entry) => versionOf(entry) === 2);
    // Act
    const failure = await publishEvents(sender, 'bus-1', [reported(1), reported(2)], { maxAttempts: 3, baseDelayMs: 0 }).catch((e: unknown) => e);
    // Assess
    expect(failure).toBeInstanceOf(PublishEventsError);
    const error = failure as PublishEventsError;
    expect(error.failures).toEqual([{ index: 1, name: 'ProgressReported', errorCode: 'InternalFailure', errorMessage: 'try again' }]);
    expect(error.eventIds[0]).toBe('ev-1-0');
    expect(error.message).toMatch(/送れませんでした.*EventBridge did not take/s);
    expect(calls).toHaveLength(3);
  });

  it('stops at a call that fails as a whole, naming only the entries not published, so a retry sends none twice', async () => {
    // Prepare: the first call of 10 is accepted, the second is throttled past the client's own retries
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const { sender: accepting, calls } = scriptedEventBridge();
    const sender: PutEventsSender = {
      putEvents: async (input) => {
        if (calls.length === 1) throw throttled;
        return accepting.putEvents(input);
      },
    };
    const entries = Array.from({ length: 25 }, (_, i) => reported(i + 1));
    // Act
    const failure = await publishEvents(sender, 'bus-1', entries, { baseDelayMs: 0 }).catch((e: unknown) => e);
    // Assess
    expect(failure).toBeInstanceOf(PublishEventsError);
    const error = failure as PublishEventsError;
    expect(error.failures.map((f) => f.index)).toEqual(Array.from({ length: 15 }, (_, i) => i + 10));
    expect(error.failures[0]).toMatchObject({ errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' });
    expect(error.eventIds.slice(0, 10).every((id) => id !== undefined)).toBe(true);
    expect(error.cause).toBe(throttled);
    expect(calls).toHaveLength(1);
  });

  it('sends nothing when any detail is invalid, and says which and why', async () => {
    // Prepare
    const { sender, calls } = scriptedEventBridge();
    const invalid = { name: 'ProgressReported', detail: { ...sampleDetail, quarter: 'FY2013-Q5' } } as EventEntry;
    // Act
    const failure = await publishEvents(sender, 'bus-1', [reported(1), invalid], { baseDelayMs: 0 }).catch((e: unknown) => e);
    // Assess
    expect(failure).toBeInstanceOf(InvalidEventError);
    expect((failure as InvalidEventError).problems.map((p) => [p.index, p.name])).toEqual([[1, 'ProgressReported']]);
    expect((failure as Error).message).toMatch(/quarter/);
    expect(calls).toEqual([]);
  });

  it('refuses an unknown event name without sending', async () => {
    // Prepare
    const { sender, calls } = scriptedEventBridge();
    const unknown = { name: 'ReportDeleted', detail: {} } as unknown as EventEntry;
    // Act / Assess
    await expect(publishEvents(sender, 'bus-1', [unknown])).rejects.toThrow(/unknown event name/);
    expect(calls).toEqual([]);
  });

  it('publishes only the fields the schema knows', async () => {
    // Prepare
    const { sender, calls } = scriptedEventBridge();
    const withExtra = { name: 'ProgressReported', detail: { ...sampleDetail, narrative: 'not for the bus' } } as EventEntry;
    // Act
    await publishEvents(sender, 'bus-1', [withExtra]);
    // Assess
    expect(JSON.parse(calls[0]![0]!.Detail!)).toEqual(sampleDetail);
  });
});
