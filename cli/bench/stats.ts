/**
 * The statistics `shinchoku bench` reports: order statistics of measured times, and how far a ratio
 * of two sides measured in the same interleaved rounds can be trusted on a noisy machine.
 */
import { mulberry32 } from './seed.ts';

/** The nearest-rank percentile `p` (0–100) of `values`; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Mean of the values without the lowest and the highest `share` of them. */
export function trimmedMean(values: readonly number[], share = 0.1): number {
  const sorted = [...values].sort((a, b) => a - b);
  const cut = Math.floor(sorted.length * share);
  const kept = sorted.slice(cut, sorted.length - cut);
  return kept.length === 0 ? NaN : sum(kept) / kept.length;
}

/** A two-sided interval, e.g. 95%. */
export interface Interval {
  low: number;
  high: number;
  /** The share of resampled values inside it (0.95). */
  level: number;
}

/**
 * A bootstrap interval for `statistic(a) / statistic(b)` where `a` and `b` were measured in the same
 * interleaved rounds, each round adding `block` consecutive values to each side (round r is
 * `a.slice(r * block, (r + 1) * block)`, likewise for `b`). Rounds, not single values, are drawn
 * with replacement, and a drawn round brings both sides' blocks: what a round's moment of the machine
 * did to both sides stays paired, as it was in the measurement. Seeded, so the same figures give the
 * same interval.
 */
export function pairedRoundsInterval(
  a: readonly number[],
  b: readonly number[],
  block: number,
  statistic: (values: readonly number[]) => number,
  options: { resamples?: number; level?: number; seed?: number } = {},
): Interval {
  const { resamples = 1000, level = 0.95, seed = 20130401 } = options;
  const rounds = Math.min(Math.floor(a.length / block), Math.floor(b.length / block));
  if (!(block >= 1) || rounds < 2) throw new Error(`区間には 2 巡以上が必要です / an interval needs at least 2 rounds (got ${rounds} of ${block})`);
  const random = mulberry32(seed);
  const drawnA = new Array<number>(rounds * block);
  const drawnB = new Array<number>(rounds * block);
  const ratios: number[] = [];
  for (let i = 0; i < resamples; i += 1) {
    for (let r = 0; r < rounds; r += 1) {
      const from = Math.floor(random() * rounds) * block;
      for (let k = 0; k < block; k += 1) {
        drawnA[r * block + k] = a[from + k]!;
        drawnB[r * block + k] = b[from + k]!;
      }
    }
    ratios.push(statistic(drawnA) / statistic(drawnB));
  }
  const tail = ((1 - level) / 2) * 100;
  return { low: percentile(ratios, tail), high: percentile(ratios, 100 - tail), level };
}
