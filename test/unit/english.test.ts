import { describe, expect, it } from 'vitest';
import { countEn } from '#shared/domain/english';

describe('English counts', () => {
  it.each([
    [0, 'day', '0 days'],
    [1, 'day', '1 day'],
    [2, 'measure', '2 measures'],
    [1, 'measure', '1 measure'],
  ])('%d %s → %s', (n, noun, text) => {
    expect(countEn(n, noun)).toBe(text);
  });

  it('takes an irregular plural', () => {
    expect(countEn(3, 'entry', 'entries')).toBe('3 entries');
  });
});
