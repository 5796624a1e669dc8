import { describe, expect, it } from 'vitest';
import { over } from '#cli/bench/format';
import { parseTraceGc, readsCompileCache, renderColdStart, semiSpaceSentence, type BundleFigures, type ColdStartFigures } from '#cli/bench/cold-start';
import { billedUnits, itemBytes } from '#cli/bench/meter';
import type { SubmissionFigures } from '#cli/bench/steps';
import { submissionSection, submissionSummary, submissionWhy } from '#cli/bench/submission-report';

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

  it('tells what the Powertools logger alone costs when the run has that floor, and leaves it out when not', () => {
    // Prepare
    const floors = { 'empty-module': 1.02, 'node-https': 1.45, 'dynamodb-client': 1.35, 'handler-base': 1.62 };
    const withLogger = run({ ...floors, 'powertools-logger': 1.4 }, [bundle('submit-report', 2.0)]);
    const without = run(floors, [bundle('submit-report', 2.0)]);
    // Act
    const [whyWith, whyWithout] = [importWhy(withLogger), importWhy(without)];
    // Assess
    expect(whyWith).toContain('Powertools logger だけで (AWS クライアントなし) 1.40× (+12.0 ms)');
    expect(whyWith).toContain('the Powertools logger alone (no AWS client) 1.40× (+12.0 ms)');
    expect(whyWithout).not.toContain('logger alone');
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

  it('tells what V8 compiling code the first time costs, from the floor with a code cache, on a Node that reads one', () => {
    // Prepare
    const floors = { 'empty-module': 1.02, 'node-https': 1.3, 'dynamodb-client': 1.29, 'handler-base': 1.43, 'report-schemas': 1.6, 'report-schemas-compile-cache': 1.45 };
    const cold = run(floors, [bundle('submit-report', 1.62)]);
    const onNode20 = { ...cold, runtimes: [{ label: 'Node 20', version: 'v20.20.2', baselineMs: 30 }] };
    // Act
    const [why, whyOnNode20] = [importWhy(cold), importWhy(onNode20)];
    // Assess
    expect(why).toContain('take 1.45× (+13.5 ms; −4.5 ms against no cache)');
    expect(why).toContain('Nor can functions bring such a cache');
    expect(whyOnNode20).not.toContain('code cache');
  });

  it('tells whether a larger young generation spares the collections of a load, from the floor with NODE_OPTIONS=--max-semi-space-size', () => {
    // Prepare
    const withGc = (name: string, ratio: number, scavenges: number) => ({ ...bundle(name, ratio), gc: { scavenges, fullCollections: 0, pauseMs: 3 * scavenges } });
    const [schemas, unspared, spared] = [withGc('report-schemas', 1.6, 2), withGc('report-schemas-semi-space', 1.61, 2), withGc('report-schemas-semi-space', 1.5, 1)];
    // Act
    const [same, fewer, none] = [semiSpaceSentence(schemas, unspared), semiSpaceSentence(schemas, spared), semiSpaceSentence(schemas, undefined)];
    // Assess
    expect(same).toContain('take 1.61× (1.60× without), and it still collects 2 time(s) (2 without)');
    expect(same).toContain('回収は 2 回のまま');
    expect(fewer).toContain('the collections fall from 2 to 1');
    expect(none).toBe('');
  });

  it('knows which Node reads NODE_COMPILE_CACHE', () => {
    expect(['v20.20.2', 'v22.0.0', 'v22.1.0', 'v24.21.0'].map(readsCompileCache)).toEqual([false, false, true, true]);
  });

  it('gives no reason when every function is within the target', () => {
    // Prepare
    const cold = run({ 'empty-module': 1.02, 'node-https': 1.3, 'dynamodb-client': 1.29, 'handler-base': 1.43 }, [bundle('get-plan', 1.4)]);
    // Act / Assess
    expect(importWhy(cold)).toBe('');
  });
});

describe('the bench submission path: judged on every Node it was measured on', () => {
  const path = (p50: number, p99: number, perSecond: number) => ({ n: 3000, p50, p99, perSecond, cpuMs: 1, cpuBusy: 0.4 });
  /** A run whose handler is `ratio` × the bare client on p50, p99 and throughput alike. */
  const figures = (ratio: number): SubmissionFigures => {
    const sdk = path(2, 4, 600);
    const handler = path(2 * ratio, 4 * ratio, 600 / ratio);
    const sides = { http: path(3, 6, 500), inProcess: handler, quiet: handler, sdk, checks: sdk, awsSdk: path(4, 8, 400) };
    const interval = { level: 0.95, low: ratio - 0.02, high: ratio + 0.02 };
    const phase = { done: 300, seconds: 30, settled: true, lastShare: 0.01, measuredShare: 0.01 };
    const gc = { per1000: 7, meanPauseMs: 1.7 };
    return {
      accepted: 20, readsPerReport: 1, writesPerReport: 1, writeUnitsPerReport: 12, readUnitsPerReport: 1, reportedReadUnitsPerReport: 0,
      operations: 'Query × 1, TransactWriteItems × 1', client: 'node:http',
      warmup: { minimum: 300, maxSeconds: 120, sequential: phase, concurrent: phase },
      sequential: { rounds: 300, block: 10, ...sides },
      sequentialGc: { http: gc, inProcess: gc, quiet: gc, sdk: gc, checks: gc, awsSdk: gc },
      sequentialIntervals: { inProcessP50: interval, inProcessP99: interval, httpP50: interval, httpP99: interval },
      concurrent: { rounds: 24, perRound: 50, concurrency: 8, ...sides },
      concurrentIntervals: { inProcessThroughput: interval, httpThroughput: interval },
      inProcess: { handlerP50: 2 * ratio },
      checksAlone: { backToBackUs: 40, afterWaitUs: 80, afterWaitRuns: 300 },
    };
  };
  const lambda = { execPath: '/opt/node24/bin/node', version: 'v24.21.0', label: 'Node 24 (Lambda nodejs24.x)' };
  const here = { execPath: '/usr/bin/node', version: 'v20.20.2', label: 'Node 20 (このマシン / this machine)' };
  const judged = (rows: string[]) => rows.filter((row) => row.includes('≤ 1.15×'));

  it('judges p50, p99 and throughput of the handler on each Node, and shows the HTTP path and the AWS SDK for the first only', () => {
    // Prepare
    const runs = [{ runtime: lambda, figures: figures(1.08) }, { runtime: here, figures: figures(1.2) }];
    // Act
    const rows = submissionSummary(runs);
    // Assess
    expect(judged(rows).filter((row) => row.includes(lambda.label))).toHaveLength(3);
    expect(judged(rows).filter((row) => row.includes(lambda.label)).every((row) => row.endsWith('| 達成 / met |'))).toBe(true);
    expect(judged(rows).filter((row) => row.includes(here.label))).toHaveLength(3);
    expect(judged(rows).filter((row) => row.includes(here.label)).every((row) => row.includes('未達 / missed'))).toBe(true);
    expect(rows.filter((row) => row.includes('**HTTP path**')).every((row) => row.includes(lambda.label))).toBe(true);
    expect(rows.filter((row) => row.includes('**AWS SDK v3**'))).toHaveLength(1);
  });

  it('gives the reasons for the Node that misses, with what the same code does on the other', () => {
    // Prepare
    const runs = [{ runtime: lambda, figures: figures(1.08) }, { runtime: here, figures: figures(1.2) }];
    // Act
    const why = submissionWhy(runs);
    // Assess
    expect(why).toHaveLength(1);
    expect(why[0]).toContain(`(${here.label})`);
    expect(why[0]).toContain('Node 24 (Lambda nodejs24.x) では同じコードで p50 1.08×、p99 1.08×、スループット 1.08× (目標内)。逐次 p50 で');
    expect(why[0]).toContain(' / On Node 24 (Lambda nodejs24.x) the same code gives p50 1.08×, p99 1.08×, throughput 1.08× (within the target). At the sequential p50');
  });

  it('has no reasons when the handler is within the target, and one part per Node in its section', () => {
    // Prepare
    const runs = [{ runtime: lambda, figures: figures(1.1) }, { runtime: here, figures: figures(1.12) }];
    // Act
    const why = submissionWhy(runs);
    const section = submissionSection(runs);
    const single = submissionSection(runs.slice(0, 1));
    // Assess
    expect(why).toEqual([]);
    expect(section.filter((line) => line.startsWith('### '))).toEqual([`### ${lambda.label}`, `### ${here.label}`]);
    expect(section.some((line) => line.includes('child process of the Lambda runtime\'s Node (v24.21.0)'))).toBe(true);
    expect(single.some((line) => line.includes('child process'))).toBe(false);
  });
});
