/**
 * Which side's requests the bench's scavenges landed on: a scavenge counts for the span it started in.
 */
import { describe, expect, it } from 'vitest';
import { scavengesWithin, watchScavenges } from '#cli/bench/gc';

describe('scavengesWithin', () => {
  it('counts the scavenges that started inside a span, with their pauses added up', () => {
    // Prepare: spans [10, 20) and [30, 40); scavenges at their edges and between them.
    const spans = [
      [10, 20],
      [30, 40],
    ] as const;
    const scavenges = [
      { start: 9.9, durationMs: 5 },
      { start: 10, durationMs: 1 },
      { start: 19.9, durationMs: 2 },
      { start: 20, durationMs: 7 },
      { start: 35, durationMs: 0.5 },
    ];

    // Act
    const within = scavengesWithin(scavenges, spans);

    // Assess: the start counts, the end does not.
    expect(within).toEqual({ count: 3, pauseMs: 3.5 });
  });

  it('finds none without spans', () => {
    expect(scavengesWithin([{ start: 1, durationMs: 1 }], [])).toEqual({ count: 0, pauseMs: 0 });
  });
});

describe('watchScavenges', () => {
  it('records the scavenges that allocating short-lived objects sets off', async () => {
    // Prepare
    const watch = watchScavenges();
    const from = performance.now();

    // Act: far more short-lived garbage than a young generation holds.
    let keep = 0;
    for (let i = 0; i < 500_000; i += 1) keep += [i, { i }, `${i}`].length;
    const to = performance.now();
    const seen = await watch.stop();

    // Assess
    expect(keep).toBe(1_500_000);
    expect(seen.length).toBeGreaterThan(0);
    expect(scavengesWithin(seen, [[from, to]]).count).toBeGreaterThan(0);
    expect(seen.every((s) => s.durationMs >= 0)).toBe(true);
  });
});
