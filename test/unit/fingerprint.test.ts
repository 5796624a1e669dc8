import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '#shared/domain/fingerprint';

/**
 * The definition the stored fingerprints were made with: JSON.stringify of a copy whose objects were
 * rebuilt from their entries sorted by code unit. Any other text would turn a retry that spans a
 * deploy into a conflict, so fingerprintOf must give exactly this.
 */
function reference(body: unknown): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, canonical(v)]))
        : value;
  return createHash('sha256').update(JSON.stringify(canonical(body))).digest('base64url');
}

/** mulberry32: the same values on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const keys = ['measureId', 'quarter', 'a', 'B', 'b', '0', '1', '10', '9', '01', '-1', '1.5', '4294967294', '4294967295', '進捗', 'é', 'e\u0301', '😀', '', ' ', '__proto__', 'toString'];
const strings = ['', '計画どおり', 'line\nbreak', 'quote " and \\ backslash', '\u2028', '\ud800', '😀', 'FY2013-Q2', '<script>'];

function value(next: () => number, depth: number): unknown {
  const pick = <T,>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const kind = Math.floor(next() * (depth > 3 ? 6 : 8));
  switch (kind) {
    case 0: return pick(strings);
    case 1: return pick([0, -0, 1, -1.5, 1e21, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, 12345]);
    case 2: return pick([true, false]);
    case 3: return null;
    case 4: return undefined;
    case 5: return pick([() => 1, Symbol('s'), new Date(0)]);
    case 6: return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
    default: {
      // Built through JSON.parse where it can be, so `__proto__` is an own key as in a parsed body.
      const entries = Array.from({ length: Math.floor(next() * 6) }, () => [pick(keys), value(next, depth + 1)] as const);
      const object: Record<string, unknown> = JSON.parse('{}');
      for (const [key, v] of entries) Object.defineProperty(object, key, { value: v, enumerable: true, writable: true, configurable: true });
      return object;
    }
  }
}

describe('fingerprintOf', () => {
  it('gives the fingerprint a report was stored with before', () => {
    // Prepare: a submission as toSubmission makes it (budget absent)
    const submission = {
      measureId: '2-2-3',
      quarter: 'FY2013-Q2',
      kind: 'report',
      status: '予定どおり',
      milestones: [{ milestoneId: 'm1', progress: 'in_progress', date: '2013-07-01' }],
      budgetExecutedThousandYen: undefined,
      narrative: '計画どおり進めています。',
      issues: '',
      nextSteps: '次期の調達準備',
      reporter: { kaId: 'sogo-seisaku', ka: '総合政策課', bukai: '総務部会', person: '下野 太郎' },
    };

    // Act / Assess: the value stored with a key by the first implementation
    expect(fingerprintOf(submission)).toBe('O1j7XqaJtBB6yWSxjh1cebUsy2HXK0nfUi8jydK71iY');
  });

  it('does not depend on the order of the keys', () => {
    expect(fingerprintOf({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(fingerprintOf({ a: [{ x: 1, y: 2 }], b: 1 }));
    expect(fingerprintOf({ a: 1 })).not.toBe(fingerprintOf({ a: 2 }));
  });

  it('agrees with the stored definition on 5,000 generated values (index keys, odd strings, undefined, nesting)', () => {
    const next = random(20130401);
    for (let i = 0; i < 5000; i += 1) {
      const v = value(next, 0);
      let expected: string | Error;
      try {
        expected = reference(v);
      } catch (error) {
        expected = error as Error;
      }
      if (expected instanceof Error) expect(() => fingerprintOf(v), JSON.stringify(v)).toThrow();
      else expect(fingerprintOf(v), JSON.stringify(v)).toBe(expected);
    }
  });
});
