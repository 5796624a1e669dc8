/**
 * Cold start: every `functions/<name>/handler.ts` bundled by `infra/bundle.ts`, the very call the CDK
 * stack makes, then what a cold start reads (the entry file and the chunks it imports statically),
 * the whole asset, what dominates the loaded bytes, and the time a fresh Node process takes to import
 * the entry, as a ratio to `node -e 0`.
 *
 * Two floors are bundled and timed the same way, so the figures can be read against what no handler
 * code can go below: an empty ES module (Node's module loader) and the bare DynamoDB document client.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleEntryFile, bundleModule, handlerEntry, loadedAtStart, projectRoot } from '#infra/bundle';
import { nodeRuntime } from '#infra/function';
import { fmt, kb, over, verdict } from './format.ts';
import { median, type Say } from './steps.ts';

export interface BundleFigures {
  name: string;
  /** Bytes a cold start reads (entry + static chunks). */
  bytes: number;
  /** Every `.mjs` of the asset, lazily loaded chunks included. */
  totalBytes: number;
  files: number;
  importMs: number;
  ratio: number;
  top: { input: string; bytes: number }[];
  /** The largest loaded inputs that are not the AWS client. */
  topOwn: { input: string; bytes: number }[];
}

export interface ColdStartFigures {
  baselineMs: number;
  runs: number;
  functions: BundleFigures[];
  /** `empty-module`, `node-https`, `dynamodb-client` and `handler-base`, see cli/bench/floors. */
  floors: BundleFigures[];
}

const floorEntries = ['empty-module', 'node-https', 'dynamodb-client', 'handler-base'].map((name) => ({
  name,
  entry: fileURLToPath(new URL(`./floors/${name}.ts`, import.meta.url)),
}));

/** What makes up the AWS client in a bundle (ours, its signer, the SDK's marshaller; the SDK itself if it ever came back). */
const isAwsClient = (input: string) =>
  input.startsWith('shared/aws/') || input === 'aws4' || input.startsWith('@aws-sdk/') || input.startsWith('@smithy/') || input === '@aws/lambda-invoke-store' || input === 'mnemonist' || input === 'obliterator' || input === 'bowser';

function wallMs(args: string[], env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr.toString().slice(0, 500)}`);
  return ms;
}

/** The environment a function sees on Lambda, as far as loading it is concerned. */
const functionEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  AWS_REGION: 'ap-northeast-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  TABLE_NAME: 'shinchoku',
  TENANT: 'shimotsuke',
  LINK_SECRET: 'x'.repeat(64),
  PUBLIC_BASE_URL: 'https://progress.example.jp',
  PUBLIC_SITE_URL: 'https://public.example.jp',
  EVENT_BUS_NAME: 'shinchoku',
  MAIL_BUCKET: 'mail',
  PUBLIC_BUCKET: 'public',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export async function measureColdStart(say: Say, runs: number): Promise<ColdStartFigures> {
  const names = (await readdir(join(projectRoot, 'functions'), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const entries = [...names.map((name) => ({ name, entry: handlerEntry(name), floor: false })), ...floorEntries.map((f) => ({ ...f, floor: true }))];
  const out = await mkdtemp(join(tmpdir(), 'shinchoku-bench-'));
  try {
    const bundles: (Omit<BundleFigures, 'importMs' | 'ratio'> & { file: string; floor: boolean })[] = [];
    for (const { name, entry, floor } of entries) {
      say(`[4] ${name} をバンドルしています`, `[4] bundling ${name}`);
      const dir = join(out, name);
      const loaded = loadedAtStart(await bundleModule(entry, dir, nodeRuntime.name), dir);
      const ranked = [...loaded.byInput].sort((a, b) => b[1] - a[1]).map(([input, bytes]) => ({ input, bytes }));
      const top = ranked.slice(0, 5);
      const topOwn = ranked.filter((r) => !isAwsClient(r.input)).slice(0, 3);
      bundles.push({ name, floor, file: join(dir, bundleEntryFile), bytes: loaded.bytes, totalBytes: loaded.totalBytes, files: loaded.files.length, top, topOwn });
    }
    say(`[4] 読み込み時間: 各 ${runs} 回 (node -e 0 と交互)`, `[4] import times: ${runs} runs each (interleaved with node -e 0)`);
    const baseline: number[] = [];
    const times = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
    wallMs(['-e', '0'], functionEnv); // warm the file cache
    for (let run = 0; run < runs; run += 1) {
      for (const b of bundles) {
        baseline.push(wallMs(['-e', '0'], functionEnv));
        times.get(b.name)!.push(wallMs(['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(b.file).href)})`], functionEnv));
      }
    }
    const base = median(baseline);
    const figures = bundles.map(({ file: _file, floor, ...b }) => {
      const ms = median(times.get(b.name)!);
      return { floor, figures: { ...b, importMs: ms, ratio: ms / base } };
    });
    return {
      baselineMs: base,
      runs,
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
  'handler-base': '全ハンドラー共通の土台 / the base of every handler (DynamoDB client, Powertools logger, middy, zod/mini)',
};

/** The targets of issue "cold start": bytes loaded at a cold start, and import time vs `node -e 0`. */
export const coldStartTargets = { bytes: 300 * 1024, ratio: 1.5 } as const;

/** The summary rows and the section of docs/BENCHMARKS.md for the cold start. */
export function renderColdStart(cold: ColdStartFigures): { summary: string[]; why: string[]; section: string[] } {
  const { bytes: byteTarget, ratio: ratioTarget } = coldStartTargets;
  const fns = cold.functions;
  const largest = fns.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const slowest = fns.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  const withinBytes = fns.filter((f) => f.bytes <= byteTarget);
  const withinRatio = fns.filter((f) => f.ratio <= ratioTarget);
  const empty = cold.floors.find((f) => f.name === 'empty-module');
  const client = cold.floors.find((f) => f.name === 'dynamodb-client');
  const https = cold.floors.find((f) => f.name === 'node-https');
  const base = cold.floors.find((f) => f.name === 'handler-base');
  const summary = [
    `| 4 | 最大の読み込みバンドル / largest bundle loaded at a cold start (minified) | ${kb(largest.bytes)} (${largest.name}); ${withinBytes.length}/${fns.length} 関数が目標内 / functions within | ≤ 300 KB | ${verdict(largest.bytes <= byteTarget, over(largest.bytes, byteTarget))} |`,
    `| 4 | 最大読み込み時間比 / worst import time vs \`node -e 0\` | ${fmt(slowest.ratio)}× (${slowest.name}); ${withinRatio.length}/${fns.length} 関数が目標内 / functions within | ≤ 1.5× | ${verdict(slowest.ratio <= ratioTarget, over(slowest.ratio, ratioTarget))} |`,
  ];

  const why: string[] = [];
  const overBytes = fns.filter((f) => f.bytes > byteTarget).sort((a, b) => b.bytes - a.bytes);
  if (overBytes.length > 0) {
    const lines = overBytes.map((f) => {
      const own = f.topOwn.map((t) => `${t.input} ${kb(t.bytes)}`).join(', ');
      return `${f.name} ${kb(f.bytes)} (${over(f.bytes, byteTarget)}${own ? `; AWS クライアント以外で大きいもの / largest besides the AWS client: ${own}` : ''})`;
    });
    why.push(
      `- **バンドル / bundles**: 目標を超えるのは ${overBytes.length} 関数 / ${overBytes.length} functions are over: ${lines.join('; ')}。` +
        (client && base
          ? `関数の AWS クライアント (shared/aws/client.ts, aws4 で署名) は DynamoDB のドキュメントクライアントだけで ${kb(client.bytes)}、それに Powertools logger・middy・zod/mini を加えた全ハンドラー共通の土台が ${kb(base.bytes)} で、目標までの残りは ${kb(byteTarget - base.bytes)}。 / With the functions' AWS client (shared/aws/client.ts, signed by aws4), the DynamoDB document client alone is ${kb(client.bytes)}; with the Powertools logger, middy and zod/mini, the base every handler stands on is ${kb(base.bytes)}, leaving ${kb(byteTarget - base.bytes)} for the function's own code ("over the base" below). `
          : '') +
        (overBytes.some((f) => f.name === 'ingest-mail' || f.name === 'report-sheet')
          ? 'ingest-mail は届いたメールをすべて S3 から読んで postal-mime で解析し、report-sheet は受け付けた要求がすべて exceljs の Workbook (jszip・pako と、Workbook が読み込む CSV モジュールを含む) でブックを読み書きするため、どちらも初期化時に読む (遅延させても初回の呼び出しに移るだけ)。メール作成とシートの入出力は、使う呼び出しだけが読む別チャンク / ingest-mail reads every mail it gets from S3 and parses it with postal-mime, and every accepted request of report-sheet reads or writes a workbook with exceljs\'s Workbook (with jszip, pako and the CSV module Workbook loads), so both load these at init: deferring them would only move the load into the first invocation. The mail composer and the sheet import and export are chunks loaded only by the invocations that use them.'
          : ''),
    );
  }
  if (slowest.ratio > ratioTarget && client && empty) {
    why.push(
      `- **読み込み時間 / import time**: 空の ES モジュールでも ${fmt(empty.ratio)}× (Node の ES モジュールローダー)${https ? `、ライブラリなしで Node の https と crypto を読むだけで ${fmt(https.ratio)}×` : ''}、DynamoDB クライアントだけで ${fmt(client.ratio)}×${base ? `、それに Powertools logger・middy・zod/mini を加えた全ハンドラー共通の土台で ${fmt(base.ratio)}×` : ''}。目標 ${ratioTarget}× はクライアントだけならほぼ届くが、ログ・ミドルウェア・検証の土台を持つハンドラーでは届かない。関数ごとの上乗せ (下表「下限比」) は各関数のスキーマ・ページ・ドメインのコードで、これがコードで減らせる部分 / an empty ES module already costs ${fmt(empty.ratio)}× (Node's ES module loader)${https ? `, loading only Node's https and crypto, no library at all, ${fmt(https.ratio)}×` : ''}, the DynamoDB client alone ${fmt(client.ratio)}×${base ? ` and the base every handler shares (with the Powertools logger, middy and zod/mini) ${fmt(base.ratio)}×` : ''}: ${ratioTarget}× is about reachable for the client alone, not for a handler with its logging, middleware and validation. What each function adds on top ("vs floor" below) is its own schemas, pages and domain code, the part its code controls.`,
    );
  }

  const floorMs = client?.importMs ?? NaN;
  const section = [
    '## 4. コールドスタート / Cold start',
    '',
    `各 \`functions/*/handler.ts\` を、CDK スタックと同じ \`infra/bundle.ts\` でバンドル (ESM, minify, AWS クライアント (shared/aws/client.ts) 同梱, コード分割: \`import()\` で読むコードは別チャンク)。「読み込み」はコールドスタートで読まれるバイト (入口 + 静的に import されるチャンク)、「資産全体」は遅延読み込みのチャンクを含む zip の中身。読み込み時間は新しい Node プロセスで \`await import(index.mjs)\` する全体時間の中央値 (${cold.runs} 回, \`node -e 0\` と交互; \`node -e 0\` = ${fmt(cold.baselineMs, 1)} ms) / bundled by infra/bundle.ts exactly as the stack bundles them (ESM, minified, the AWS client (shared/aws/client.ts) bundled, code split: what is loaded with \`import()\` is a chunk of its own); "loaded" is what a cold start reads (entry + statically imported chunks), "asset" includes the lazily loaded chunks; import time is the median wall time of a fresh \`node\` importing the entry, interleaved with \`node -e 0\`.`,
    '',
    '| 関数 / function | 読み込み / loaded | ≤ 300 KB | 土台との差 / over the base | 資産全体 / asset | ファイル / files | 読み込み時間 / import | 比 / ratio | ≤ 1.5× | 下限比 / vs floor | 大きい入力 / top inputs (loaded) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...fns.map(
      (f) =>
        `| ${f.name} | ${kb(f.bytes)} | ${f.bytes <= byteTarget ? '✓' : '✗'} | ${base ? `${f.bytes >= base.bytes ? '+' : '−'}${kb(Math.abs(f.bytes - base.bytes))}` : '—'} | ${kb(f.totalBytes)} | ${f.files} | ${fmt(f.importMs, 1)} ms | ${fmt(f.ratio)}× | ${f.ratio <= ratioTarget ? '✓' : '✗'} | ${fmt(f.importMs / floorMs)}× | ${f.top.map((t) => `${t.input} ${kb(t.bytes)}`).join(', ')} |`,
    ),
    '',
    '下限 / floors (cli/bench/floors, 同じ方法でバンドル・計測 / bundled and timed the same way):',
    '',
    '| 下限 / floor | 読み込み / loaded | 読み込み時間 / import | 比 / ratio |',
    '|---|---|---|---|',
    ...cold.floors.map((f) => `| ${floorLabels[f.name] ?? f.name} | ${kb(f.bytes)} | ${fmt(f.importMs, 1)} ms | ${fmt(f.ratio)}× |`),
    '',
    '「土台との差」は全ハンドラー共通の土台 (handler-base) に対する読み込みバイトの差、「下限比」は DynamoDB クライアントだけのバンドルに対する読み込み時間の比 (S3・SES・EventBridge・Secrets Manager の呼び出しは同じクライアントの要求) / "over the base" is the loaded bytes minus those of the base every handler shares (handler-base); "vs floor" is the import time over that of the DynamoDB client alone (S3, SES, EventBridge and Secrets Manager calls are requests of the same client).',
    '',
  ];
  return { summary, why, section };
}
