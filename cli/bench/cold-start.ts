/**
 * Cold start: every `functions/<name>/handler.ts` bundled with esbuild exactly as the CDK stack
 * bundles it (`functionBundling` of infra/function.ts), its minified size and what dominates it,
 * and the time a fresh Node process takes to import it, as a ratio to `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { functionBundling, handlerEntry, nodeRuntime, projectRoot } from '#infra/function';
import { median, type Say } from './steps.ts';

export interface FunctionFigures {
  name: string;
  bytes: number;
  importMs: number;
  ratio: number;
  top: { input: string; bytes: number }[];
}

export interface ColdStartFigures {
  baselineMs: number;
  runs: number;
  functions: FunctionFigures[];
}

/** Group an esbuild input path by npm package (or by project folder). */
function owner(input: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return m ? m[1]! : input.split('/').slice(0, 2).join('/');
}

function wallMs(args: string[], env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr.toString().slice(0, 500)}`);
  return ms;
}

export async function measureColdStart(say: Say, runs: number): Promise<ColdStartFigures> {
  const names = (await readdir(join(projectRoot, 'functions'), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const out = await mkdtemp(join(tmpdir(), 'shinchoku-bench-'));
  const env: NodeJS.ProcessEnv = {
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
  };
  const functions: FunctionFigures[] = [];
  try {
    const bundles: { name: string; file: string; bytes: number; top: FunctionFigures['top'] }[] = [];
    for (const name of names) {
      say(`[4] ${name} をバンドルしています`, `[4] bundling ${name}`);
      const file = join(out, name, 'index.mjs');
      const result = await build({
        entryPoints: [handlerEntry(name)],
        outfile: file,
        bundle: true,
        platform: 'node',
        target: nodeRuntime.name.replace('nodejs', 'node').replace('.x', ''),
        format: 'esm',
        banner: { js: functionBundling.banner },
        mainFields: functionBundling.mainFields,
        minify: functionBundling.minify,
        sourcemap: functionBundling.sourceMap,
        sourcesContent: functionBundling.sourcesContent,
        external: functionBundling.externalModules,
        tsconfig: join(projectRoot, 'tsconfig.json'),
        metafile: true,
        logLevel: 'error',
      });
      const perOwner = new Map<string, number>();
      for (const output of Object.values(result.metafile.outputs)) {
        for (const [input, info] of Object.entries(output.inputs)) perOwner.set(owner(input), (perOwner.get(owner(input)) ?? 0) + info.bytesInOutput);
      }
      const top = [...perOwner].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([input, bytes]) => ({ input, bytes }));
      bundles.push({ name, file, bytes: (await stat(file)).size, top });
    }
    say(`[4] 読み込み時間: 各 ${runs} 回 (node -e 0 と交互)`, `[4] import times: ${runs} runs each (interleaved with node -e 0)`);
    const baseline: number[] = [];
    const times = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
    wallMs(['-e', '0'], env); // warm the file cache
    for (let run = 0; run < runs; run += 1) {
      for (const b of bundles) {
        baseline.push(wallMs(['-e', '0'], env));
        times.get(b.name)!.push(wallMs(['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(b.file).href)})`], env));
      }
    }
    const base = median(baseline);
    for (const b of bundles) {
      const ms = median(times.get(b.name)!);
      functions.push({ name: b.name, bytes: b.bytes, importMs: ms, ratio: ms / base, top: b.top });
    }
    return { baselineMs: base, runs, functions };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
