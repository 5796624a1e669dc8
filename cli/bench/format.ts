/** How docs/BENCHMARKS.md writes numbers and verdicts, shared by every section of the report. */

export const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

/** A share (0–1) as a percentage; undefined as a dash. */
export const percent = (share: number | undefined, digits = 1) => (share === undefined ? '—' : `${fmt(share * 100, digits)}%`);

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

/** "met", or "missed" with how much. */
export const verdict = (ok: boolean, miss: string) => (ok ? '達成 / met' : `未達 / missed (${miss})`);

/**
 * How far `value` is above `target`, as "N% over": one decimal below 10%, and two significant digits
 * below 1%, so a near miss never reads "0% over" (a ratio shown as 1.15× can still be over 1.15).
 */
export const over = (value: number, target: number) => {
  const percent = (value / target - 1) * 100;
  const shown = percent < 1 ? percent.toPrecision(2) : fmt(percent, percent < 10 ? 1 : 0);
  return `${shown}% over`;
};
