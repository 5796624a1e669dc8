/**
 * How a function under `functions/<name>/handler.ts` becomes what Lambda runs: one esbuild call, used
 * by the CDK stack (as the asset's local bundling, see `ShinchokuFunction`) and by `shinchoku bench`,
 * so the benchmark measures exactly the deployed files.
 *
 * ESM, minified, source maps without sources, every dependency bundled (pinned by package-lock.json;
 * the functions' AWS client is `shared/aws/client.ts`, not the runtime's SDK), and **code
 * splitting**: every `import()` in the module graph becomes its own chunk file, loaded only when that
 * code runs, for what only some invocations need (the mail composer when a mail is sent, the xlsx
 * reader when a mail has a workbook attached, the sheet import and export).
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, buildSync, type BuildOptions, type Metafile } from 'esbuild';

/** The project root: the folder holding package.json, package-lock.json, tsconfig.json. */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `functions/<name>/handler.ts`, absolute. */
export function handlerEntry(name: string): string {
  return join(projectRoot, 'functions', name, 'handler.ts');
}

/** The file Lambda loads, relative to the asset root; its export `handler` is the handler (`index.handler`). */
export const bundleEntryFile = 'index.mjs';
/** Where the lazily loaded chunks go inside the asset. */
export const chunkFolder = 'chunks';

/**
 * ESM output still meets CommonJS dependencies that call `require()` for Node built-ins; give every
 * output file a real `require`. The alias keeps the banner clear of names inside the bundle.
 */
export const esmRequireBanner =
  "import { createRequire as __shinchokuCreateRequire } from 'node:module'; const require = __shinchokuCreateRequire(import.meta.url);";

/** esbuild's target for a Lambda runtime name: `nodejs24.x` → `node24`. */
export function esbuildTarget(runtimeName: string): string {
  const match = /^nodejs(\d+)\.x$/.exec(runtimeName);
  if (!match) throw new Error(`Node.js のランタイム名ではありません / not a Node.js runtime name: ${runtimeName}`);
  return `node${match[1]}`;
}

/** The esbuild options for the module `entry` (absolute path), written into `outdir`. */
export function bundleOptions(entry: string, outdir: string, runtimeName: string): BuildOptions {
  if (!existsSync(entry)) {
    throw new Error(`バンドルする入口がありません / no entry to bundle: ${entry}`);
  }
  return {
    entryPoints: { index: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: `${chunkFolder}/[name]-[hash]`,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: esbuildTarget(runtimeName),
    // Prefer the packages' ES module builds: esbuild can drop what is not imported.
    mainFields: ['module', 'main'],
    banner: { js: esmRequireBanner },
    minify: true,
    sourcemap: true,
    // Stack traces only need the mappings; leaving the sources out keeps the asset small.
    sourcesContent: false,
    tsconfig: join(projectRoot, 'tsconfig.json'),
    absWorkingDir: projectRoot,
    metafile: true,
    logLevel: 'error',
  };
}

/** Bundle for the CDK asset staging, which is synchronous. `outdir` is emptied first. */
export function bundleFunctionSync(name: string, outdir: string, runtimeName: string): Metafile {
  clearFolder(outdir);
  return withProjectSources(buildSync(bundleOptions(handlerEntry(name), outdir, runtimeName)).metafile!);
}

/** Bundle any module as a function is bundled, for tools (`shinchoku bench`). `outdir` is emptied first. */
export async function bundleModule(entry: string, outdir: string, runtimeName: string): Promise<Metafile> {
  clearFolder(outdir);
  return withProjectSources((await build(bundleOptions(entry, outdir, runtimeName))).metafile!);
}

/**
 * Rewrites the sources of every source map of a build relative to the project root (`shared/zod.ts`,
 * `node_modules/zod/…`): esbuild writes them relative to the map, which depends on where the asset was
 * staged. A deployed function names these in its stack traces (shared/stack-traces.ts).
 */
function withProjectSources(metafile: Metafile): Metafile {
  for (const output of Object.keys(metafile.outputs)) {
    if (!output.endsWith('.map')) continue;
    const file = resolve(projectRoot, output);
    const map = JSON.parse(readFileSync(file, 'utf8')) as { sources: string[] };
    map.sources = map.sources.map((source) => relative(projectRoot, resolve(dirname(file), source)).split('\\').join('/'));
    writeFileSync(file, JSON.stringify(map));
  }
  return metafile;
}

function clearFolder(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
}

/** What a cold start reads: the entry file and every chunk it imports statically, transitively. */
export interface LoadedAtStart {
  /** Output files, relative to the bundle folder, entry first. */
  files: string[];
  /** Their bytes (JavaScript only, not the source maps). */
  bytes: number;
  /** Every `.mjs` file of the asset, loaded or not. */
  totalBytes: number;
  /** Bytes in the loaded files per input (npm package, or project file). */
  byInput: Map<string, number>;
  /** Node's built-in modules the loaded files import statically (`node:https`, …), sorted. */
  builtins: string[];
}

/** The npm package an esbuild input path belongs to, or the project file itself. */
export function inputOwner(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match ? match[1]! : input;
}

/** Follow the static imports from the entry file through `metafile` (paths relative to `projectRoot`). */
export function loadedAtStart(metafile: Metafile, outdir: string): LoadedAtStart {
  const outputs = metafile.outputs;
  const key = (file: string) => relative(projectRoot, join(outdir, file)).split('\\').join('/');
  const entryKey = key(bundleEntryFile);
  if (!outputs[entryKey]) throw new Error(`バンドルに ${bundleEntryFile} がありません / no ${bundleEntryFile} in the bundle (${outdir})`);
  const seen = new Set<string>();
  const builtins = new Set<string>();
  const pending = [entryKey];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const imported of outputs[next]!.imports) {
      if (imported.kind !== 'import-statement') continue;
      if (!imported.external && outputs[imported.path]) pending.push(imported.path);
      else if (imported.external && imported.path.startsWith('node:')) builtins.add(imported.path);
    }
  }
  const byInput = new Map<string, number>();
  let bytes = 0;
  let totalBytes = 0;
  for (const [file, output] of Object.entries(outputs)) {
    if (!file.endsWith('.mjs')) continue;
    const size = statSync(join(projectRoot, file)).size;
    totalBytes += size;
    if (!seen.has(file)) continue;
    bytes += size;
    for (const [input, info] of Object.entries(output.inputs)) {
      byInput.set(inputOwner(input), (byInput.get(inputOwner(input)) ?? 0) + info.bytesInOutput);
    }
  }
  const files = [...seen].map((file) => relative(outdir, join(projectRoot, file)).split('\\').join('/'));
  return { files, bytes, totalBytes, byInput, builtins: [...builtins].sort() };
}
