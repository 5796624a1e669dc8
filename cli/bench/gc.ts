/**
 * V8's young-generation collections (scavenges) of this process while the bench runs, so the figures
 * can say which side's requests they landed on. A scavenge stops the JavaScript thread for a
 * millisecond or two; the side that allocates more meets more of them, and at p99 a few of those
 * decide the figure.
 */
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

/** One scavenge: when it started (ms, on the `performance.now()` clock) and how long it stopped the thread. */
export interface Scavenge {
  start: number;
  durationMs: number;
}

/** Starts recording scavenges; `stop` ends it and returns them. */
export function watchScavenges(): { stop(): Promise<Scavenge[]> } {
  const seen: Scavenge[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        seen.push({ start: entry.startTime, durationMs: entry.duration });
      }
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    async stop() {
      // Entries reach the observer on a later turn of the event loop.
      await new Promise((resolve) => setTimeout(resolve, 20));
      observer.disconnect();
      return seen;
    },
  };
}

/** The scavenges that started within one of `spans` ([start, end] on the same clock), and their pauses added up. */
export function scavengesWithin(scavenges: readonly Scavenge[], spans: readonly (readonly [number, number])[]): { count: number; pauseMs: number } {
  let count = 0;
  let pauseMs = 0;
  for (const s of scavenges) {
    if (spans.some(([from, to]) => s.start >= from && s.start < to)) {
      count += 1;
      pauseMs += s.durationMs;
    }
  }
  return { count, pauseMs };
}
