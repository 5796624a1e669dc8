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
}

export interface ColdStartFigures {
  baselineMs: number;
  runs: number;
  functions: BundleFigures[];
  /** `empty-module` and `dynamodb-client`, see cli/bench/floors. */
  floors: BundleFigures[];
}

const floorEntries = ['empty-module', 'dynamodb-client'].map((name) => ({
  name,
  entry: fileURLToPath(new URL(`./floors/${name}.ts`, import.meta.url)),
}));

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
      const top = [...loaded.byInput].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([input, bytes]) => ({ input, bytes }));
      bundles.push({ name, floor, file: join(dir, bundleEntryFile), bytes: loaded.bytes, totalBytes: loaded.totalBytes, files: loaded.files.length, top });
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
