/**
 * English counts for the texts people read (mails, pages): `1 measure`, `3 measures`. The Japanese
 * texts count with 件 / 事業 and need no such care.
 * Pure: no I/O, no AWS.
 */

/** `n` with its noun, singular for exactly one: `countEn(1, 'day')` → `1 day`, `countEn(3, 'day')` → `3 days`. */
export function countEn(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
