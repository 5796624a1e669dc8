/**
 * The statistics the bench reports (cli/bench/stats.ts): order statistics and the paired-rounds
 * bootstrap interval of a ratio.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '#cli/bench/seed';
import { median, pairedRoundsInterval, percentile, sum, trimmedMean } from '#cli/bench/stats';

describe('percentile', () => {
  it('takes the nearest rank: the p99 of 1..100 is 99, of 1..1000 is 990; p0 and p100 are the ends', () => {
    // Prepare
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    const thousand = Array.from({ length: 1000 }, (_, i) => i + 1);
    // Act / Assess
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(thousand, 99)).toBe(990);
    expect(percentile(thousand, 0)).toBe(1);
    expect(percentile(thousand, 100)).toBe(1000);
    expect(median([5, 1, 3])).toBe(3);
    expect(percentile([], 50)).toBeNaN();
  });

  it('trims both ends before the mean', () => {
    // Prepare: one outlier each way among ten
    const values = [-1000, 1, 2, 3, 4, 5, 6, 7, 8, 1000];
    // Act / Assess
    expect(trimmedMean(values, 0.1)).toBe(4.5);
  });
});

describe('pairedRoundsInterval', () => {
  /** `rounds` rounds of `block` values; each round has its own level, as a noisy machine gives. */
  function sides(rounds: number, block: number, factor: number, seed: number) {
    const random = mulberry32(seed);
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < rounds; r += 1) {
      const level = 1 + 3 * random();
      for (let k = 0; k < block; k += 1) {
        b.push(level * (1 + 0.5 * random()));
        a.push(level * factor * (1 + 0.5 * random()));
      }
    }
    return { a, b };
  }

  it('is a single point when one side is the other times a constant', () => {
    // Prepare
    const b = Array.from({ length: 200 }, (_, i) => 1 + (i % 17));
    const a = b.map((x) => x * 1.2);
    // Act
    const i = pairedRoundsInterval(a, b, 10, median);
    // Assess
    expect(i.low).toBeCloseTo(1.2, 10);
    expect(i.high).toBeCloseTo(1.2, 10);
    expect(i.level).toBe(0.95);
  });

  it('holds the true factor, and narrows as rounds are added', () => {
    // Prepare
    const few = sides(30, 10, 1.1, 7);
    const many = sides(400, 10, 1.1, 7);
    // Act
    const wide = pairedRoundsInterval(few.a, few.b, 10, median);
    const narrow = pairedRoundsInterval(many.a, many.b, 10, median);
    // Assess
    expect(narrow.low).toBeLessThan(1.1);
    expect(narrow.high).toBeGreaterThan(1.1);
    expect(narrow.high - narrow.low).toBeLessThan((wide.high - wide.low) / 2);
    expect(wide.low).toBeLessThanOrEqual(narrow.low);
  });

  it('keeps rounds paired: a level shared by both sides in a round does not widen it', () => {
    // Prepare: the same data, once in rounds and once with side b's rounds shuffled against a's
    const { a, b } = sides(100, 10, 1.1, 11);
    const blocks = Array.from({ length: 100 }, (_, r) => b.slice(r * 10, r * 10 + 10));
    const shuffled = [...blocks.slice(50), ...blocks.slice(0, 50)].flat();
    // Act
    const paired = pairedRoundsInterval(a, b, 10, median);
    const unpaired = pairedRoundsInterval(a, shuffled, 10, median);
    // Assess
    expect(paired.high - paired.low).toBeLessThan(unpaired.high - unpaired.low);
  });

  it('bounds a throughput ratio from the wall times of concurrent rounds (one value a round, summed)', () => {
    // Prepare: 24 rounds of equal requests; the path takes 1.1 times the bare client's time of the same round
    const { a, b } = sides(24, 1, 1.1, 5);
    const ratio = sum(a) / sum(b);
    // Act
    const i = pairedRoundsInterval(a, b, 1, sum);
    // Assess: the run's own ratio lies inside, and so does the factor the rounds were made with
    expect(i.low).toBeLessThanOrEqual(ratio);
    expect(i.high).toBeGreaterThanOrEqual(ratio);
    expect(i.low).toBeLessThan(1.1);
    expect(i.high).toBeGreaterThan(1.1);
  });

  it('gives the same interval for the same figures, and refuses fewer than 2 rounds', () => {
    // Prepare
    const { a, b } = sides(50, 10, 1.3, 3);
    // Act / Assess
    expect(pairedRoundsInterval(a, b, 10, (v) => percentile(v, 99))).toEqual(pairedRoundsInterval(a, b, 10, (v) => percentile(v, 99)));
    expect(() => pairedRoundsInterval(a.slice(0, 15), b.slice(0, 15), 10, median)).toThrow(/at least 2 rounds/);
  });
});
