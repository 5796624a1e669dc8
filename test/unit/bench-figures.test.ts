import { describe, expect, it } from 'vitest';
import { over } from '#cli/bench/format';
import { parseTraceGc, renderColdStart, type BundleFigures, type ColdStartFigures } from '#cli/bench/cold-start';
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

describe('the bench cold start: garbage collections from node --trace-gc', () => {
  it('counts scavenges and full collections and adds up their pauses, in the formats of Node 24 and Node 20', () => {
    // Prepare
    const node24 = [
      '[23068:0xa88c000]       53 ms: Scavenge 4.8 (5.8) -> 4.3 (6.8) MB, pooled: 0 MB, 3.50 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ',
      '[23068:0xa88c000]       64 ms: Scavenge 5.2 (7.2) -> 4.9 (9.6) MB, pooled: 0 MB, 7.99 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ',
      '[23099:0x3686c000]      130 ms: Mark-Compact 14.5 (27.9) -> 11.8 (28.5) MB, pooled: 0 MB, 16.57 / 0.00 ms  (average mu = 0.864, current mu = 0.864) testing; GC in old space requested',
    ].join('\n');
    const node20 = [
      'a line the module printed: 12 ms: nothing',
      '[23060:0x1461de50]       45 ms: Scavenge 3.8 (4.0) -> 3.4 (5.0) MB, 4.17 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ',
    ].join('\n');
    // Act
    const [a, b, none] = [parseTraceGc(node24), parseTraceGc(node20), parseTraceGc('')];
    // Assess
    expect(a.scavenges).toBe(2);
    expect(a.fullCollections).toBe(1);
    expect(a.pauseMs).toBeCloseTo(3.5 + 7.99 + 16.57, 6);
    expect(b).toEqual({ scavenges: 1, fullCollections: 0, pauseMs: 4.17 });
    expect(none).toEqual({ scavenges: 0, fullCollections: 0, pauseMs: 0 });
  });
});

describe('the bench cold start: why functions miss the import-time target', () => {
  const bundle = (name: string, ratio: number, loadsHttps = true): BundleFigures => ({
    name,
    bytes: 100 * 1024,
    totalBytes: 100 * 1024,
    files: 1,
    imports: [{ ms: 30 * ratio, ratio, addedMs: 30 * (ratio - 1) }],
    top: [],
    topOwn: [],
    loadsHttps,
    gc: { scavenges: 1, fullCollections: 0, pauseMs: 3 },
  });
  const run = (floors: Partial<Record<string, number>> & Record<'empty-module' | 'node-https' | 'dynamodb-client' | 'handler-base', number>, functions: BundleFigures[]): ColdStartFigures => ({
    runs: 11,
    runtimes: [{ label: 'Node 24', version: 'v24.0.0', baselineMs: 30 }],
    functions,
    floors: Object.entries(floors).map(([name, ratio]) => bundle(name, ratio!, name !== 'empty-module')),
  });
  const importWhy = (cold: ColdStartFigures) => renderColdStart(cold).why.find((line) => line.includes('import time')) ?? '';

  it('says when Node\'s https alone goes past the target, and names the functions that load no https and those within', () => {
    // Prepare
    const cold = run({ 'empty-module': 1.02, 'node-https': 1.9, 'dynamodb-client': 1.8, 'handler-base': 2.0 }, [bundle('openapi', 1.4, false), bundle('submit-report', 2.3)]);
    // Act
    const why = importWhy(cold);
    // Assess
    expect(why).toContain('Node 自身の https と crypto (tls を含む) を読むだけで目標 1.5× を超える');
    expect(why).toContain('functions loading no https: openapi; within: openapi');
    expect(why).toContain('1.90× (+27.0 ms)');
    expect(why).not.toContain('The base alone reaches');
  });

  it('says the base alone reaches the target when https is within it and the base is not', () => {
    // Prepare
    const cold = run({ 'empty-module': 1.02, 'node-https': 1.3, 'dynamodb-client': 1.35, 'handler-base': 1.55 }, [bundle('submit-report', 1.7)]);
    // Act
    const why = importWhy(cold);
    // Assess
    expect(why).toContain('The base alone reaches 1.5×');
    expect(why).not.toContain('alone go past');
  });

  it('puts the rest on building the zod schemas when the base is within the target', () => {
    // Prepare
    const cold = run({ 'empty-module': 1.02, 'node-https': 1.3, 'dynamodb-client': 1.29, 'handler-base': 1.43 }, [bundle('get-plan', 1.4), bundle('submit-report', 1.68)]);
    // Act
    const why = importWhy(cold);
    // Assess
    expect(why).toContain('1.5× is within reach up to the base');
  });

  it('says when this run\'s noise hid what importing node:fs as an ES module costs, instead of reading the figure as a cost', () => {
    // Prepare
    const floors = { 'empty-module': 1.02, 'node-https': 1.6, 'dynamodb-client': 1.5, 'handler-base': 1.84 };
    const hidden = run({ ...floors, 'handler-base-fs-module': 1.74 }, [bundle('submit-report', 2.2)]);
    const shown = run({ ...floors, 'handler-base-fs-module': 1.95 }, [bundle('submit-report', 2.2)]);
    // Act
    const [whyHidden, whyShown] = [importWhy(hidden), importWhy(shown)];
    // Assess
    expect(whyHidden).toContain('takes 1.74×');
    expect(whyHidden).toContain("this run's noise hid the difference in time, the base taking 1.84×");
    expect(whyShown).toContain('takes 1.95×');
    expect(whyShown).not.toContain('noise hid');
  });

  it('gives no reason when every function is within the target', () => {
    // Prepare
    const cold = run({ 'empty-module': 1.02, 'node-https': 1.3, 'dynamodb-client': 1.29, 'handler-base': 1.43 }, [bundle('get-plan', 1.4)]);
    // Act / Assess
    expect(importWhy(cold)).toBe('');
  });
});
