/**
 * Cold start: every `functions/<name>/handler.ts` bundled by `infra/bundle.ts`, the very call the CDK
 * stack makes, then what a cold start reads (the entry file and the chunks it imports statically),
 * the whole asset, what dominates the loaded bytes, and the time a fresh Node process takes to import
 * the entry, as a ratio to `node -e 0`.
 *
 * Floors (cli/bench/floors) are bundled and timed the same way, so the figures can be read against
 * what no handler code can go below: an empty ES module (Node's module loader), Node's https and
 * crypto, the bare DynamoDB document client, the base every handler shares and that base with the
 * report's zod schemas. Two more show what functions avoid: the base with Node's source maps on, and
 * with `node:fs` imported as an ES module.
 *
 * Import times are taken with the Node.js major the functions run on in Lambda (fetched from the npm
 * registry when this machine runs another) and with this machine's Node. Separate runs with `--trace-gc`
 * count the garbage collections each import causes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleEntryFile, bundleModule, handlerEntry, loadedAtStart, projectRoot } from '#infra/bundle';
import { nodeRuntime } from '#infra/function';
import { fmt, kb, over, verdict } from './format.ts';
import { functionLoadEnvironment, loadEnvironment } from './function-env.ts';
import { median } from './stats.ts';
import { lambdaNode, thisNode } from './lambda-node.ts';
import { rotated, type Say } from './steps.ts';

export interface BundleFigures {
  name: string;
  /** Bytes a cold start reads (entry + static chunks). */
  bytes: number;
  /** Every `.mjs` of the asset, lazily loaded chunks included. */
  totalBytes: number;
  files: number;
  /**
   * Import time on each runtime of `ColdStartFigures.runtimes`, in that order: the median wall time, the
   * median of the ratios of each import to the `node -e 0` run just before it, and the median of the
   * differences to it (what the import adds to Node's own start, in ms).
   */
  imports: { ms: number; ratio: number; addedMs: number }[];
  top: { input: string; bytes: number }[];
  /** The largest loaded inputs that are not the AWS client. */
  topOwn: { input: string; bytes: number }[];
  /** Whether a cold start loads Node's https (and with it tls and crypto): every function that calls AWS does. */
  loadsHttps: boolean;
  /** Garbage collections while importing, on the first runtime (medians of `gcRuns` runs with `--trace-gc`). */
  gc: GcFigures;
}

/** What V8's garbage collector did during one import. */
export interface GcFigures {
  /** Collections of the young generation (scavenges). */
  scavenges: number;
  /** Collections of the whole heap (mark-compact). */
  fullCollections: number;
  /** Their pauses added up, in ms. */
  pauseMs: number;
}

/** Imports run once more each, with `--trace-gc`, to see the collections (not timed). */
const gcRuns = 3;

/**
 * The collections of a `node --trace-gc` run, from its lines such as
 * `[…]  82 ms: Scavenge 5.6 (6.5) -> 5.2 (7.5) MB, pooled: 0 MB, 3.42 / 0.00 ms  (…) allocation failure;`
 * (Node 20 writes the same without `pooled: … MB,`). The pause is the first of the two times.
 */
export function parseTraceGc(output: string): GcFigures {
  const figures: GcFigures = { scavenges: 0, fullCollections: 0, pauseMs: 0 };
  for (const match of output.matchAll(/ ms: (Scavenge|Minor Mark-Sweep|Mark-Compact)\b[^\n]*? MB,(?: pooled: [\d.]+ MB,)? ([\d.]+) \/ [\d.]+ ms/g)) {
    if (match[1] === 'Mark-Compact') figures.fullCollections += 1;
    else figures.scavenges += 1;
    figures.pauseMs += Number(match[2]);
  }
  return figures;
}

function traceGc(execPath: string, file: string, env: NodeJS.ProcessEnv): GcFigures {
  const runs = Array.from({ length: gcRuns }, () => {
    const run = spawnSync(execPath, ['--trace-gc', '--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(file).href)})`], { env, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`node --trace-gc ${file} failed: ${run.stderr.slice(0, 500)}`);
    return parseTraceGc(run.stdout);
  });
  return {
    scavenges: median(runs.map((r) => r.scavenges)),
    fullCollections: median(runs.map((r) => r.fullCollections)),
    pauseMs: median(runs.map((r) => r.pauseMs)),
  };
}

/** A Node.js the bundles are imported with. */
export interface RuntimeFigures {
  label: string;
  version: string;
  /** Median wall time of `node -e 0` with this Node. */
  baselineMs: number;
}

export interface ColdStartFigures {
  runs: number;
  /** The Lambda runtime's Node first where it could be had, then this machine's (one entry when they are the same major). */
  runtimes: RuntimeFigures[];
  functions: BundleFigures[];
  /**
   * `empty-module`, `node-https`, `dynamodb-client`, `handler-base`, `report-schemas` and
   * `handler-base-fs-module` (see cli/bench/floors), `handler-base-source-maps`: the base run with
   * NODE_OPTIONS=--enable-source-maps, and `report-schemas-compile-cache`: `report-schemas` with V8's
   * code cache written before (NODE_COMPILE_CACHE).
   */
  floors: BundleFigures[];
}

/**
 * The runtime the verdicts, the reasons and the GC figures are read on: the first of
 * `ColdStartFigures.runtimes`, the Lambda runtime's Node when it could be had.
 */
const primary = 0;

/** The young generation's ceiling tried in the `report-schemas-semi-space` floor, in MB (V8's default is 16 or 32). */
const largeSemiSpaceMb = 64;

const floorFile = (name: string) => fileURLToPath(new URL(`./floors/${name}.ts`, import.meta.url));
const floorEntries: { name: string; entry: string; env?: NodeJS.ProcessEnv; compileCache?: true }[] = [
  ...['empty-module', 'node-https', 'dynamodb-client', 'powertools-logger', 'handler-base', 'report-schemas', 'handler-base-fs-module'].map((name) => ({ name, entry: floorFile(name) })),
  // What Node's own source-map support would cost: functions are deployed without it (shared/stack-traces.ts).
  { name: 'handler-base-source-maps', entry: floorFile('handler-base'), env: { NODE_OPTIONS: '--enable-source-maps' } },
  // The one young-generation setting Lambda's NODE_OPTIONS takes (V8 refuses --min-semi-space-size
  // there): a larger ceiling, to see whether it spares the collections a load makes.
  { name: 'report-schemas-semi-space', entry: floorFile('report-schemas'), env: { NODE_OPTIONS: `--max-semi-space-size=${largeSemiSpaceMb}` } },
  // How much of a load is V8 compiling code for the first time: the same floor with V8's code cache
  // written by one import before the timed ones (NODE_COMPILE_CACHE, Node 22.1 and later).
  { name: 'report-schemas-compile-cache', entry: floorFile('report-schemas'), compileCache: true },
];

/** What makes up the AWS client in a bundle (ours, its signer, the SDK's marshaller; the SDK itself if it ever came back). */
const isAwsClient = (input: string) =>
  input.startsWith('shared/aws/') || input === 'aws4' || input.startsWith('@aws-sdk/') || input.startsWith('@smithy/') || input === '@aws/lambda-invoke-store' || input === 'mnemonist' || input === 'obliterator' || input === 'bowser';

function wallMs(execPath: string, args: string[], env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const run = spawnSync(execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr.toString().slice(0, 500)}`);
  return ms;
}

/** Wall time of a fresh Node importing the bundle `b` with the environment its function has on Lambda. */
function importOnce(execPath: string, b: { name: string; file: string; env?: NodeJS.ProcessEnv }): number {
  return wallMs(execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(b.file).href)})`], { ...functionLoadEnvironment(b.name), ...b.env });
}

export async function measureColdStart(say: Say, runs: number): Promise<ColdStartFigures> {
  const names = (await readdir(join(projectRoot, 'functions'), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const out = await mkdtemp(join(tmpdir(), 'shinchoku-bench-'));
  // Node files the cache under its own version and architecture, so one folder serves every runtime.
  const compileCache = join(out, 'compile-cache');
  const entries: { name: string; entry: string; floor: boolean; env?: NodeJS.ProcessEnv }[] = [
    ...names.map((name) => ({ name, entry: handlerEntry(name), floor: false })),
    ...floorEntries.map(({ compileCache: cached, ...f }) => ({ ...f, floor: true, ...(cached ? { env: { ...f.env, NODE_COMPILE_CACHE: compileCache } } : {}) })),
  ];
  const lambda = await lambdaNode(say, '[4]');
  const runtimes = [...(lambda ? [lambda] : []), ...(lambda?.execPath === process.execPath ? [] : [thisNode()])];
  try {
    const bundles: (Omit<BundleFigures, 'imports' | 'gc'> & { file: string; floor: boolean; env?: NodeJS.ProcessEnv })[] = [];
    for (const { name, entry, floor, env } of entries) {
      say(`[4] ${name} をバンドルしています`, `[4] bundling ${name}`);
      const dir = join(out, name);
      const loaded = loadedAtStart(await bundleModule(entry, dir, nodeRuntime.name), dir);
      const ranked = [...loaded.byInput].sort((a, b) => b[1] - a[1]).map(([input, bytes]) => ({ input, bytes }));
      const top = ranked.slice(0, 5);
      const topOwn = ranked.filter((r) => !isAwsClient(r.input)).slice(0, 3);
      bundles.push({ name, floor, env, file: join(dir, bundleEntryFile), bytes: loaded.bytes, totalBytes: loaded.totalBytes, files: loaded.files.length, top, topOwn, loadsHttps: loaded.builtins.includes('node:https') });
    }
    const measured = runtimes.map((runtime) => {
      say(`[4] 読み込み時間 (${runtime.label}): 各 ${runs} 回 (node -e 0 と交互)`, `[4] import times (${runtime.label}): ${runs} runs each (interleaved with node -e 0)`);
      const baseline: number[] = [];
      const times = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
      const ratios = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
      const added = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
      wallMs(runtime.execPath, ['-e', '0'], loadEnvironment); // warm the file cache
      for (const b of bundles.filter((b) => b.env?.NODE_COMPILE_CACHE)) importOnce(runtime.execPath, b); // write V8's code cache
      for (let run = 0; run < runs; run += 1) {
        // The order rotates every run, so a slow spell of the shared machine does not fall on the same
        // bundles each time; each import is paired with the `node -e 0` just before it.
        for (const b of rotated(bundles, Math.floor((run * bundles.length) / runs))) {
          const base = wallMs(runtime.execPath, ['-e', '0'], loadEnvironment);
          const ms = importOnce(runtime.execPath, b);
          baseline.push(base);
          times.get(b.name)!.push(ms);
          ratios.get(b.name)!.push(ms / base);
          added.get(b.name)!.push(ms - base);
        }
      }
      return { baselineMs: median(baseline), times, ratios, added };
    });
    const gcRuntime = runtimes[primary]!;
    say(`[4] 読み込み中のガベージコレクション (${gcRuntime.label}, --trace-gc, 各 ${gcRuns} 回)`, `[4] garbage collections while importing (${gcRuntime.label}, --trace-gc, ${gcRuns} runs each)`);
    const gc = new Map(bundles.map((b) => [b.name, traceGc(gcRuntime.execPath, b.file, { ...functionLoadEnvironment(b.name), ...b.env })]));
    const figures = bundles.map(({ file: _file, floor, env: _env, ...b }) => ({
      floor,
      figures: {
        ...b,
        imports: measured.map(({ times, ratios, added }) => ({ ms: median(times.get(b.name)!), ratio: median(ratios.get(b.name)!), addedMs: median(added.get(b.name)!) })),
        gc: gc.get(b.name)!,
      },
    }));
    return {
      runs,
      runtimes: runtimes.map(({ label, version }, i) => ({ label, version, baselineMs: measured[i]!.baselineMs })),
      functions: figures.filter((f) => !f.floor).map((f) => f.figures),
      floors: figures.filter((f) => f.floor).map((f) => f.figures),
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

const floorLabels: Record<string, string> = {
  'empty-module': '空の ES モジュール / empty ES module',
  'node-https': 'Node の https と crypto のみ / only Node\'s https and crypto',
  'dynamodb-client': 'DynamoDB ドキュメントクライアントのみ / the DynamoDB document client alone',
  'powertools-logger': 'Powertools logger のみ (関数と同じ作り方、middy のミドルウェア付き、AWS クライアントなし) / the Powertools logger alone (created as the functions create it, with its middy middleware; no AWS client)',
  'handler-base': '全ハンドラー共通の土台 / the base of every handler (DynamoDB client, Powertools logger, middy, zod/mini)',
  'report-schemas': '土台 + 報告の zod スキーマ / the base plus a report\'s zod schemas',
  'handler-base-fs-module': '土台 + ES モジュールとしての `node:fs` (関数は `process.getBuiltinModule` で読む) / the base plus `node:fs` imported as an ES module (functions read it through `process.getBuiltinModule`)',
  'report-schemas-compile-cache': '土台 + 報告の zod スキーマを、先に書いた V8 のコードキャッシュ (`NODE_COMPILE_CACHE`, Node 22.1 以降) で (関数は持ち込めない、上記) / the base plus a report\'s zod schemas, with V8\'s code cache written beforehand (`NODE_COMPILE_CACHE`, Node 22.1 and later; functions cannot bring one, see above)',
  'report-schemas-semi-space': `土台 + 報告の zod スキーマを \`NODE_OPTIONS=--max-semi-space-size=${largeSemiSpaceMb}\` で (若い世代の上限を上げる。関数は付けない) / the base plus a report's zod schemas with \`NODE_OPTIONS=--max-semi-space-size=${largeSemiSpaceMb}\` (a larger young generation ceiling; functions run without it)`,
  'handler-base-source-maps': '土台を `NODE_OPTIONS=--enable-source-maps` で (関数はこれを付けず、スタックは shared/stack-traces.ts が書くときに対応付ける) / the base with `NODE_OPTIONS=--enable-source-maps` (functions run without it; shared/stack-traces.ts maps a stack when one is written)',
};

/** The targets of issue "cold start": bytes loaded at a cold start, and import time vs `node -e 0`. */
export const coldStartTargets = { bytes: 300 * 1024, ratio: 1.5 } as const;

/** The summary rows and the section of docs/BENCHMARKS.md for the cold start. */
export function renderColdStart(cold: ColdStartFigures): { summary: string[]; why: string[]; section: string[] } {
  const { bytes: byteTarget, ratio: ratioTarget } = coldStartTargets;
  const fns = cold.functions;
  const largest = fns.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const withinBytes = fns.filter((f) => f.bytes <= byteTarget);
  const floor = (name: string) => cold.floors.find((f) => f.name === name);
  const [empty, https, client, logger, base, schemas, sourceMaps, fsModule, compileCache, semiSpace] = [
    'empty-module',
    'node-https',
    'dynamodb-client',
    'powertools-logger',
    'handler-base',
    'report-schemas',
    'handler-base-source-maps',
    'handler-base-fs-module',
    'report-schemas-compile-cache',
    'report-schemas-semi-space',
  ].map(floor);
  const ratioOf = (f: BundleFigures | undefined, runtime: number) => f?.imports[runtime]?.ratio ?? NaN;
  const summary = [
    `| 4 | 最大の読み込みバンドル / largest bundle loaded at a cold start (minified) | ${kb(largest.bytes)} (${largest.name}); ${withinBytes.length}/${fns.length} 関数が目標内 / functions within | ≤ 300 KB | ${verdict(largest.bytes <= byteTarget, over(largest.bytes, byteTarget))} |`,
    ...cold.runtimes.map((runtime, r) => {
      const slowest = fns.reduce((a, b) => (ratioOf(b, r) > ratioOf(a, r) ? b : a));
      const within = fns.filter((f) => ratioOf(f, r) <= ratioTarget);
      return `| 4 | 最大読み込み時間比 / worst import time vs \`node -e 0\`, **${runtime.label}** | ${fmt(ratioOf(slowest, r))}× (${slowest.name}); ${within.length}/${fns.length} 関数が目標内 / functions within | ≤ 1.5× | ${verdict(ratioOf(slowest, r) <= ratioTarget, over(ratioOf(slowest, r), ratioTarget))} |`;
    }),
  ];

  const why: string[] = [];
  const overBytes = fns.filter((f) => f.bytes > byteTarget).sort((a, b) => b.bytes - a.bytes);
  if (overBytes.length > 0) {
    const lines = overBytes.map((f) => {
      const own = f.topOwn.map((t) => `${t.input} ${kb(t.bytes)}`).join(', ');
      return `${f.name} ${kb(f.bytes)} (${over(f.bytes, byteTarget)}${own ? `; AWS クライアント以外で大きいもの / largest besides the AWS client: ${own}` : ''})`;
    });
    why.push(
      `- **バンドル / bundles**: 目標を超えるのは ${overBytes.length} 関数 / ${overBytes.length} function(s) over: ${lines.join('; ')}。` +
        (client && base
          ? `全ハンドラー共通の土台 (DynamoDB クライアント ${kb(client.bytes)}、Powertools logger、middy、zod/mini) は ${kb(base.bytes)} / the base every handler stands on (the DynamoDB client ${kb(client.bytes)}, the Powertools logger, middy, zod/mini) is ${kb(base.bytes)}.`
          : ''),
    );
  }
  const slowest = fns.reduce((a, b) => (ratioOf(b, primary) > ratioOf(a, primary) ? b : a));
  if (ratioOf(slowest, primary) > ratioTarget && empty && https && client && base) {
    why.push(importTimeWhy(cold, { empty, https, client, logger, base, schemas, sourceMaps, fsModule, compileCache, semiSpace }));
  }

  const runtimeHeads = cold.runtimes.flatMap((runtime) => [`読み込み時間 / import, ${runtime.label}`, '比 / ratio', '≤ 1.5×']);
  const section = [
    '## 4. コールドスタート / Cold start',
    '',
    `各 \`functions/*/handler.ts\` を、CDK スタックと同じ \`infra/bundle.ts\` でバンドル (ESM, minify, AWS クライアント (shared/aws/client.ts) 同梱, コード分割: \`import()\` で読むコードは別チャンク)。「読み込み」はコールドスタートで読まれるバイト (入口 + 静的に import されるチャンク)、「資産全体」は遅延読み込みのチャンクを含む zip の中身。読み込み時間は新しい Node プロセスで \`await import(index.mjs)\` する全体時間の中央値、比は直前に実行した同じ Node の \`node -e 0\` との比の中央値、括弧内はその差 (読み込みが加える時間) の中央値 (${cold.runs} 回, 順番は毎回回す)。Node は Lambda のランタイムと同じメジャー (npm レジストリの \`node\` パッケージ) と、このマシンのもの / bundled by infra/bundle.ts exactly as the stack bundles them (ESM, minified, the AWS client (shared/aws/client.ts) bundled, code split: what is loaded with \`import()\` is a chunk of its own); "loaded" is what a cold start reads (entry + statically imported chunks), "asset" includes the lazily loaded chunks; import time is the median wall time of a fresh \`node\` importing the entry and its ratio the median of the ratios of each import to the \`node -e 0\` of the same Node run just before it, the figure in brackets the median of the differences (what the import adds; the order rotating every run), taken with the Node.js major of the Lambda runtime (the npm registry's \`node\` package) and with this machine's.`,
    '',
    ...cold.runtimes.map((runtime) => `- ${runtime.label}: ${runtime.version}, \`node -e 0\` = ${fmt(runtime.baselineMs, 1)} ms`),
    '',
    `| 関数 / function | 読み込み / loaded | ≤ 300 KB | 土台との差 / over the base | 資産全体 / asset | ファイル / files | ${runtimeHeads.join(' | ')} | 下限比 / vs floor | ${gcHead(cold)} | 大きい入力 / top inputs (loaded) |`,
    `|---|---|---|---|---|---|${runtimeHeads.map(() => '---|').join('')}---|---|---|`,
    ...fns.map((f) => {
      const times = f.imports.flatMap((i) => [`${fmt(i.ms, 1)} ms (+${fmt(i.addedMs, 1)})`, `${fmt(i.ratio)}×`, i.ratio <= ratioTarget ? '✓' : '✗']);
      const overBase = base ? `${f.bytes >= base.bytes ? '+' : '−'}${kb(Math.abs(f.bytes - base.bytes))}` : '—';
      return `| ${f.name} | ${kb(f.bytes)} | ${f.bytes <= byteTarget ? '✓' : '✗'} | ${overBase} | ${kb(f.totalBytes)} | ${f.files} | ${times.join(' | ')} | ${fmt((f.imports[primary]?.ms ?? NaN) / (client?.imports[primary]?.ms ?? NaN))}× | ${gcCell(f.gc)} | ${f.top.map((t) => `${t.input} ${kb(t.bytes)}`).join(', ')} |`;
    }),
    '',
    '下限 / floors (cli/bench/floors, 同じ方法でバンドル・計測 / bundled and timed the same way):',
    '',
    `| 下限 / floor | 読み込み / loaded | ${cold.runtimes.flatMap((runtime) => [`読み込み時間 / import, ${runtime.label}`, '比 / ratio']).join(' | ')} | ${gcHead(cold)} |`,
    `|---|---|${cold.runtimes.map(() => '---|---|').join('')}---|`,
    ...cold.floors.map((f) => `| ${floorLabels[f.name] ?? f.name} | ${kb(f.bytes)} | ${f.imports.flatMap((i) => [`${fmt(i.ms, 1)} ms (+${fmt(i.addedMs, 1)})`, `${fmt(i.ratio)}×`]).join(' | ')} | ${gcCell(f.gc)} |`),
    '',
    `「GC」は読み込み中の V8 のガベージコレクション: 若い世代の回収 (scavenge) の回数と停止時間の合計 (${cold.runtimes[primary]!.label}, \`--trace-gc\` を付けた別の ${gcRuns} 回の中央値; 時間の計測には付けない) / "GC" is V8's garbage collection while importing: the young-generation collections (scavenges) and their pauses added up (${cold.runtimes[primary]!.label}, medians of ${gcRuns} separate runs with \`--trace-gc\`, which the timed runs do not have). `,
    '',
    `「土台との差」は全ハンドラー共通の土台 (handler-base) に対する読み込みバイトの差、「下限比」は DynamoDB クライアントだけのバンドルに対する読み込み時間の比 (${cold.runtimes[primary]!.label}; S3・SES・EventBridge・Secrets Manager の呼び出しは同じクライアントの要求) / "over the base" is the loaded bytes minus those of the base every handler shares (handler-base); "vs floor" is the import time over that of the DynamoDB client alone (${cold.runtimes[primary]!.label}; S3, SES, EventBridge and Secrets Manager calls are requests of the same client).`,
    '',
  ];
  return { summary, why, section };
}

/** The floors the reason for a missed import-time target is told with (cli/bench/floors). */
interface ImportFloors {
  empty: BundleFigures;
  https: BundleFigures;
  client: BundleFigures;
  logger?: BundleFigures;
  base: BundleFigures;
  schemas?: BundleFigures;
  sourceMaps?: BundleFigures;
  fsModule?: BundleFigures;
  compileCache?: BundleFigures;
  semiSpace?: BundleFigures;
}

/**
 * Why functions miss the import-time target, told from the floors of the same run: how far Node's own
 * https and crypto, the DynamoDB client, the base every handler shares and a report's schemas go, and
 * so where the target stops being reachable.
 */
function importTimeWhy(cold: ColdStartFigures, floors: ImportFloors): string {
  const { empty, https, client, logger, base, schemas, sourceMaps, fsModule, compileCache, semiSpace } = floors;
  const target = coldStartTargets.ratio;
  const label = cold.runtimes[primary]!.label;
  const baselineMs = fmt(cold.runtimes[primary]!.baselineMs, 1);
  const ratio = (f: BundleFigures, runtime = primary) => fmt(f.imports[runtime]?.ratio ?? NaN);
  const added = (f: BundleFigures) => `+${fmt(f.imports[primary]?.addedMs ?? NaN, 1)} ms`;
  const within = (f: BundleFigures) => (f.imports[primary]?.ratio ?? Infinity) <= target;
  const withinNames = cold.functions.filter(within).map((f) => f.name);
  const httpsFree = cold.functions.filter((f) => !f.loadsHttps).map((f) => f.name);

  const ja: string[] = [
    `空の ES モジュールで ${ratio(empty)}× (Node の ES モジュールローダー)、ライブラリなしで Node の https と crypto を読むだけで ${ratio(https)}× (${added(https)})、DynamoDB クライアントだけで ${ratio(client)}×、${logger ? `Powertools logger だけで (AWS クライアントなし) ${ratio(logger)}× (${added(logger)})、` : ''}それに Powertools logger・middy・zod/mini を加えた全ハンドラー共通の土台で ${ratio(base)}× (${added(base)})` +
      (schemas ? `、土台に報告の zod スキーマ (報告を受け付け・読む関数がすべて読み込み時に組み立てる) を加えると ${ratio(schemas)}× (${added(schemas)})` : '') + '。',
  ];
  const en: string[] = [
    `an empty ES module costs ${ratio(empty)}× (Node's ES module loader), loading only Node's https and crypto, no library at all, ${ratio(https)}× (${added(https)}), the DynamoDB client alone ${ratio(client)}×, ${logger ? `the Powertools logger alone (no AWS client) ${ratio(logger)}× (${added(logger)}), ` : ''}and the base every handler shares (with the Powertools logger, middy and zod/mini) ${ratio(base)}× (${added(base)})` +
      (schemas ? `; that base with a report's zod schemas, which every function that accepts or reads reports builds at load, ${ratio(schemas)}× (${added(schemas)})` : '') + '.',
  ];
  if (!within(https)) {
    const list = (names: string[]) => (names.length > 0 ? names.join(', ') : '—');
    const which = `https を読み込まない関数: ${list(httpsFree)}、目標内: ${list(withinNames)}`;
    const whichEn = `functions loading no https: ${list(httpsFree)}; within: ${list(withinNames)}`;
    ja.push(`この実行では Node 自身の https と crypto (tls を含む) を読むだけで目標 ${target}× を超える: \`node -e 0\` が ${baselineMs} ms のマシンでは、AWS への要求を読み込み時に用意する関数はコードをどれだけ削っても届かない (${which})。`);
    en.push(`In this run Node's own https and crypto (tls included) alone go past ${target}×: where \`node -e 0\` takes ${baselineMs} ms, no function that readies its AWS requests at load can reach it however little code it has (${whichEn}).`);
  } else if (!within(base)) {
    ja.push(`土台だけで目標 ${target}× に達する。`);
    en.push(`The base alone reaches ${target}×.`);
  } else {
    ja.push(`目標 ${target}× は土台までは届くが、入力を zod で検証する関数では、zod のスキーマを組み立てる時間 (初回は zod 自身のコードのコンパイルを含む) がその先を占める。`);
    en.push(`${target}× is within reach up to the base; for a function that validates its input with zod, building the schemas (the first time, compiling zod's own code too) takes the rest.`);
  }
  ja.push(
    '比は Node 自身の起動 (`node -e 0`) で割るので、同じ読み込みでも Node の起動が速いマシンほど比は大きい。表の括弧内は読み込みが加える時間 (ms)。' +
      'Node の https・tls を最初の要求まで遅らせればこの数字は下がるが、同じ時間が初回の呼び出しに移るだけなので関数はそうしない。関数ごとの上乗せ (下表「下限比」) は各関数のスキーマ・ページ・ドメインのコード。',
  );
  en.push(
    'The ratio divides by Node\'s own start (`node -e 0`), so the same import gives a larger ratio on a machine where Node starts faster; the figures in brackets are what the import adds, in ms. ' +
      'Deferring Node\'s https and tls to the first request would lower this figure but only move the same time into the first invocation, so functions do not. What each function adds ("vs floor" below) is its own schemas, pages and domain code.',
  );
  if (schemas && compileCache && readsCompileCache(cold.runtimes[primary]!.version)) {
    const difference = (compileCache.imports[primary]?.addedMs ?? NaN) - (schemas.imports[primary]?.addedMs ?? NaN);
    const signed = `${difference < 0 ? '−' : '+'}${fmt(Math.abs(difference), 1)} ms`;
    ja.push(
      `同じ土台 + スキーマを、先に書いた V8 のコードキャッシュで読むと ${ratio(compileCache)}× (${added(compileCache)}; キャッシュなしとの差 ${signed})。コードキャッシュが省くのは V8 がコードを初めてコンパイルする時間だけで、初めて実行する時間 (zod がスキーマを組み立てる処理を含む) は残る。` +
        'しかも関数はこのキャッシュを持ち込めない: Node はキャッシュを自分の版と CPU アーキテクチャごとに分けて置く。Lambda はランタイムの Node の修正版を関数の下で入れ替え (固定すれば安全のための更新も止まる)、資産はそれを動かすのとは別のマシン (arm64 の関数を x64 でも) で作る。資産に入れたキャッシュは版が変わった日から読まれなくなる。',
    );
    en.push(
      `The same base and schemas loaded with V8's code cache written beforehand take ${ratio(compileCache)}× (${added(compileCache)}; ${signed} against no cache): a code cache saves only V8's first compiling of the code, not its first running it (zod building the schemas among that). ` +
        "Nor can functions bring such a cache: Node files it under its own version and CPU architecture, Lambda replaces the runtime's Node patch release under a function (pinning it would stop the security updates too), and the asset is built on another machine than the one that runs it (an arm64 function possibly on x64); a cache shipped in the asset would go unread from the day the version changes.",
    );
  }
  // A variant the functions avoid; when this run's noise hides its cost, the figures say so rather than
  // read as a cost.
  const hidden = (variant: BundleFigures) => (variant.imports[primary]?.ratio ?? Infinity) <= (base.imports[primary]?.ratio ?? -Infinity);
  if (sourceMaps) {
    const noise = hidden(sourceMaps) ? ['この実行では差は揺れに隠れたが、', 'this run\'s noise hid the difference, but '] : ['', ''];
    ja.push(`土台を Node の \`--enable-source-maps\` 付きで読むと ${ratio(sourceMaps)}× (付けずに ${ratio(base)}×)。${noise[0]}関数はこれを付けず、スタックは書くときに shared/stack-traces.ts が対応付ける。`);
    en.push(`The base loaded with Node's \`--enable-source-maps\` takes ${ratio(sourceMaps)}× (${ratio(base)}× without); ${noise[1]}functions run without it, and shared/stack-traces.ts maps a stack when one is written.`);
  }
  if (fsModule) {
    const noise = hidden(fsModule) ? [`この実行では読み込み時間の差は揺れに隠れた (土台 ${ratio(base)}×) が、読み込まれるモジュールは増える。`, ` (this run's noise hid the difference in time, the base taking ${ratio(base)}×, but the modules are loaded all the same)`] : ['', ''];
    ja.push(`土台に \`node:fs\` を ES モジュールとして import すると ${ratio(fsModule)}× (Node がその名前空間を作るときに fs の遅延エクスポートをすべて読み、promises・ストリーム・readline を読み込むため)。${noise[0]}関数は \`process.getBuiltinModule\` で読み、test/unit/cold-start-modules.test.ts がコールドスタートで読まれる Node のモジュールを見張る。`);
    en.push(`The base with \`node:fs\` imported as an ES module takes ${ratio(fsModule)}× (Node builds its namespace by reading every lazy export of fs, which loads its promises, streams and readline)${noise[1]}; functions read it through \`process.getBuiltinModule\`, and test/unit/cold-start-modules.test.ts watches the Node modules a cold start loads.`);
  }
  const others = cold.runtimes.slice(1).map((runtime, i) => `${runtime.label}: ${[empty, https, client, ...(logger ? [logger] : []), base, ...(schemas ? [schemas] : [])].map((f) => `${ratio(f, i + 1)}×`).join(', ')}`);
  const othersText = others.length > 0 ? ` 同じ下限 (空, https, クライアント, ${logger ? 'logger, ' : ''}土台${schemas ? ', スキーマ' : ''}) / the same floors on ${others.join('; ')}.` : '';
  return `- **読み込み時間 / import time** (${label}): ${ja.join('')} / ${en.join(' ')}${othersText}${gcSentence(cold, base, schemas)}${semiSpaceSentence(schemas, semiSpace)}`;
}

/**
 * Whether a larger young generation, the one setting of it NODE_OPTIONS takes on Lambda, spares the
 * collections that loading the report's schemas makes: empty when either figure is missing.
 */
export function semiSpaceSentence(schemas: BundleFigures | undefined, semiSpace: BundleFigures | undefined): string {
  if (!schemas || !semiSpace) return '';
  const spared = schemas.gc.scavenges - semiSpace.gc.scavenges;
  const ja = spared > 0 ? `回収は ${fmt(schemas.gc.scavenges, 0)} 回から ${fmt(semiSpace.gc.scavenges, 0)} 回に減る` : `回収は ${fmt(semiSpace.gc.scavenges, 0)} 回のまま (${fmt(schemas.gc.scavenges, 0)} 回) で減らない: 若い世代は上限によらず小さく始まり、読み込みの間には広がらない`;
  const en =
    spared > 0
      ? `the collections fall from ${fmt(schemas.gc.scavenges, 0)} to ${fmt(semiSpace.gc.scavenges, 0)}`
      : `it still collects ${fmt(semiSpace.gc.scavenges, 0)} time(s) (${fmt(schemas.gc.scavenges, 0)} without): the young generation starts small whatever its ceiling and does not grow during a load`;
  return (
    ` Lambda の NODE_OPTIONS で若い世代に渡せる設定は上限 (\`--max-semi-space-size\`) だけ (\`--min-semi-space-size\` は NODE_OPTIONS では拒まれる)。土台 + スキーマをそれを ${largeSemiSpaceMb} MB にして読むと ${fmt(semiSpace.imports[primary]?.ratio ?? NaN)}× (付けずに ${fmt(schemas.imports[primary]?.ratio ?? NaN)}×)、${ja} / ` +
    `The only young-generation setting Lambda's NODE_OPTIONS takes is its ceiling (\`--max-semi-space-size\`; \`--min-semi-space-size\` is refused there). The base and schemas loaded with it at ${largeSemiSpaceMb} MB take ${fmt(semiSpace.imports[primary]?.ratio ?? NaN)}× (${fmt(schemas.imports[primary]?.ratio ?? NaN)}× without), and ${en}.`
  );
}

/** Whether a Node (`v24.21.0`) reads NODE_COMPILE_CACHE: 22.1 and later. */
export function readsCompileCache(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 1);
}

function gcHead(cold: ColdStartFigures): string {
  return `GC (${cold.runtimes[0]!.label}): 回収 / scavenges (停止 / pause)`;
}

function gcCell(gc: GcFigures): string {
  const full = gc.fullCollections > 0 ? ` + 全体 / full ${fmt(gc.fullCollections, 0)}` : '';
  return `${fmt(gc.scavenges, 0)}${full} (${fmt(gc.pauseMs, 1)} ms)`;
}

/**
 * What the collections while importing add, read from the base and the base with the report's
 * schemas: empty when the schemas cost no extra collection.
 */
function gcSentence(cold: ColdStartFigures, base: BundleFigures | undefined, schemas: BundleFigures | undefined): string {
  if (!base || !schemas || schemas.gc.scavenges <= base.gc.scavenges) return '';
  const extraMs = schemas.gc.pauseMs - base.gc.pauseMs;
  const ratio = Math.abs(extraMs) / cold.runtimes[0]!.baselineMs;
  const signed = `${extraMs >= 0 ? '+' : '−'}${fmt(Math.abs(extraMs), 1)} ms`;
  const added = fmt(schemas.gc.scavenges - base.gc.scavenges, 0);
  const more = cold.functions.filter((f) => f.gc.scavenges > base.gc.scavenges);
  return (
    ` ガベージコレクション: 土台の読み込みでは若い世代の回収が ${fmt(base.gc.scavenges, 0)} 回 (${fmt(base.gc.pauseMs, 1)} ms)、報告のスキーマを加えると ${fmt(schemas.gc.scavenges, 0)} 回 (${fmt(schemas.gc.pauseMs, 1)} ms)。` +
    `読み込み中に作られるもの (モジュールの関数やクラス、zod のスキーマ) は読み込みの後も使われ続けるので、回収しても減らずに写されるだけで、1 回ごとに数 ms かかる。` +
    `スキーマの分の確保が回収を ${added} 回増やし、停止の合計は ${signed} (\`node -e 0\` の ${fmt(ratio)}× 分)。${more.length}/${cold.functions.length} 関数が土台より多く回収する / ` +
    `garbage collection: loading the base collects the young generation ${fmt(base.gc.scavenges, 0)} time(s) (${fmt(base.gc.pauseMs, 1)} ms), the base with the report's schemas ${fmt(schemas.gc.scavenges, 0)} times (${fmt(schemas.gc.pauseMs, 1)} ms). ` +
    `What a load creates (the modules' functions and classes, zod's schemas) stays in use after it, so a collection frees little and copies it all, a few ms each time; ` +
    `what the schemas allocate adds ${added} collection(s), the pauses adding up to ${signed} (${fmt(ratio)}× of \`node -e 0\`). ${more.length} of ${cold.functions.length} functions collect more often than the base.`
  );
}
