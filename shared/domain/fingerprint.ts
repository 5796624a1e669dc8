/**
 * A stable hash of a value: how a report's content is compared without keeping it twice (a reused
 * idempotency key with other content, a report sent again unchanged).
 * Pure: no I/O, no AWS.
 */
import { hash } from 'node:crypto';

/**
 * The SHA-256 (base64url) of the value's canonical JSON.
 *
 * The fingerprint is stored with the key, so its text must never change, or a retry that spans a
 * deploy would read as a conflict. It is `JSON.stringify` of a copy of the value whose objects were
 * rebuilt with their keys inserted sorted by code unit (not by locale, which is slow and could differ
 * between runtimes); as for any object, array-index keys are then listed first, in numeric order.
 * test/unit/fingerprint.test.ts holds it to that definition.
 */
export function fingerprintOf(body: unknown): string {
  const text = JSON.stringify(sortedCopy(body));
  if (text === undefined) throw new TypeError(`指紋を取れない値です / nothing to fingerprint: ${String(body)}`);
  return hash('sha256', text, 'base64url');
}

/**
 * The value with every object rebuilt, its keys inserted in code-unit order. The copies have no
 * prototype, so a `__proto__` key stays an own key as JSON.parse made it, and nothing like `toJSON`
 * is inherited.
 */
function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(record).sort()) copy[key] = sortedCopy(record[key]);
  return copy;
}

