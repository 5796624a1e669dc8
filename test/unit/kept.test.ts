import { describe, expect, it } from 'vitest';
import { keptFor } from '#shared/kept';

describe('keptFor', () => {
  it('shares one load between the calls within maxAgeMs, concurrent ones included, and loads again at maxAgeMs', async () => {
    // Prepare
    let loads = 0;
    const kept = keptFor<number>(1000);
    const load = async () => (loads += 1);
    // Act
    const first = await Promise.all([kept(load, 0), kept(load, 0)]);
    const within = await kept(load, 999);
    const after = await kept(load, 1000);
    // Assess
    expect(first).toEqual([1, 1]);
    expect(within).toBe(1);
    expect(after).toBe(2);
    expect(loads).toBe(2);
  });

  it('does not keep a load that failed: the next call loads again', async () => {
    // Prepare
    const kept = keptFor<string>(1000);
    // Act
    const failure = await kept(() => Promise.reject(new Error('not yet')), 0).catch((e: unknown) => e);
    const value = await kept(async () => 'loaded', 1);
    // Assess
    expect(failure).toBeInstanceOf(Error);
    expect(value).toBe('loaded');
  });

  it('keeps a load for good with Infinity', async () => {
    // Prepare
    const kept = keptFor<string>(Infinity);
    await kept(async () => 'first', 0);
    // Act / Assess
    expect(await kept(async () => 'second', Number.MAX_SAFE_INTEGER)).toBe('first');
  });
});
