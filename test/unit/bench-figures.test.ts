import { describe, expect, it } from 'vitest';
import { over } from '#cli/bench/format';
import { billedUnits, itemBytes } from '#cli/bench/meter';

describe('the bench meter: units as DynamoDB bills them', () => {
  it('charges a GetItem, Query or Scan that finds nothing its minimum, which DynamoDB Local reports as 0', () => {
    // Prepare
    const reads = [
      ['Query', true],
      ['Query', false],
      ['GetItem', true],
      ['Scan', false],
    ] as const;
    // Act
    const billed = reads.map(([op, consistent]) => billedUnits(op, consistent, 0));
    // Assess
    expect(billed).toEqual([1, 0.5, 1, 0.5]);
  });

  it('keeps what DynamoDB Local reported above the minimum, and every write as reported', () => {
    // Prepare / Act
    const billed = [billedUnits('Query', true, 2.5), billedUnits('Query', false, 1.5), billedUnits('TransactWriteItems', false, 12), billedUnits('PutItem', false, 1)];
    // Assess
    expect(billed).toEqual([2.5, 1.5, 12, 1]);
  });

  it('leaves reads of many items as reported (each item is charged on its own)', () => {
    // Prepare / Act / Assess
    expect(billedUnits('BatchGetItem', false, 0)).toBe(0);
    expect(billedUnits('TransactGetItems', false, 4)).toBe(4);
  });
});

describe('the bench meter: DynamoDB item size', () => {
  it('counts names and values by the item-size rules: UTF-8 strings, numbers by significant digits, 1 byte for booleans and null', () => {
    // Prepare
    const item = {
      pk: { S: 'abc' }, // 2 + 3
      title: { S: '進捗' }, // 5 + 6 (UTF-8)
      n: { N: '12345' }, // 1 + ceil(5 / 2) + 1
      zeros: { N: '1000' }, // 5 + ceil(1 / 2) + 1: trailing zeros are not significant
      ok: { BOOL: true }, // 2 + 1
      none: { NULL: true }, // 4 + 1
    };
    // Act
    const size = itemBytes(item);
    // Assess
    expect(size).toBe(5 + 11 + 5 + 7 + 3 + 5);
  });

  it('adds 3 bytes to a map or list and 1 byte per element', () => {
    // Prepare
    const item = {
      m: { M: { a: { S: 'x' } } }, // 1 + 3 + (1 + 1 + 1)
      l: { L: [{ S: 'xy' }, { N: '7' }] }, // 1 + 3 + (1 + 2) + (1 + 2)
    };
    // Act
    const size = itemBytes(item);
    // Assess
    expect(size).toBe(7 + 10);
  });
});

describe('the bench report: how far a figure misses its target', () => {
  it('never writes a near miss as 0% over, even when the ratio itself rounds to the target', () => {
    // Prepare / Act
    const nearMiss = over(1.1504, 1.15);
    const small = over(1.16, 1.15);
    const large = over(1.89, 1.5);
    // Assess
    expect(nearMiss).toBe('0.035% over');
    expect(small).toBe('0.87% over');
    expect(large).toBe('26% over');
  });
});
