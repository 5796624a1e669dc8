/**
 * A cold start loads only the Node modules a function needs. Node builds an ES module's view of a
 * built-in by reading all of its exports, and some exports load more modules when read: importing
 * `node:fs` as an ES module loads fs promises, readline and the REPL history, measurable in every
 * cold start (docs/BENCHMARKS.md, cold start). Each function is bundled as the stack bundles it,
 * imported by a bare Node, and the Node modules it loaded are compared with those of the parts every
 * handler stands on (test/support/cold-start/node-parts.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleEntryFile, bundleModule, handlerEntry, loadedAtStart, projectRoot } from '#infra/bundle';
import { nodeRuntime } from '#infra/function';
import { functionLoadEnvironment, loadEnvironment } from '#cli/bench/function-env';

/**
 * Node modules a function's own work needs beyond the shared parts (by function). None today: the
 * guards of a spreadsheet (shared/sheet/zip-directory.ts) load zlib when they first inflate a part, so
 * the mail intake, which looks at the directory of every spreadsheet attached, loads it only for one.
 */
const ownNodeModules: Record<string, string[]> = {};

/** Functions with no body or report to check, which a cold start should not pay zod's schemas for. */
const validatesNothing: Record<string, string> = {
  'get-plan': 'the plan as stored',
  openapi: 'a document built beforehand',
};

const functionNames = (await readdir(join(projectRoot, 'functions'), { withFileTypes: true }))
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/** `process.moduleLoadList` of a bare Node (no tsx, no NODE_OPTIONS) once it has imported `file`. */
function nodeModulesLoadedBy(file: string, env: NodeJS.ProcessEnv): string[] {
  const script = `await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(JSON.stringify(process.moduleLoadList));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout) as string[];
}

describe('Node modules loaded at a cold start', () => {
  let dir: string;
  let shared: Set<string>;
  const bundles = new Map<string, string>();
  const loadedInputs = new Map<string, string[]>();

  beforeAll(async () => {
    // Prepare: the shared parts and every function, bundled exactly as the stack bundles them
    dir = await mkdtemp(join(tmpdir(), 'shinchoku-cold-start-'));
    const parts = join(dir, 'node-parts');
    await bundleModule(fileURLToPath(new URL('../support/cold-start/node-parts.ts', import.meta.url)), parts, nodeRuntime.name);
    shared = new Set(nodeModulesLoadedBy(join(parts, bundleEntryFile), loadEnvironment));
    await Promise.all(
      functionNames.map(async (name) => {
        const metafile = await bundleModule(handlerEntry(name), join(dir, name), nodeRuntime.name);
        bundles.set(name, join(dir, name, bundleEntryFile));
        loadedInputs.set(name, [...loadedAtStart(metafile, join(dir, name)).byInput.keys()]);
      }),
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('of the shared parts include https and tls, which a bare Node does not load', () => {
    // Assess
    expect(shared).toContain('NativeModule https');
    expect(shared).toContain('NativeModule tls');
  });

  it.each(functionNames)('%s loads none beyond the shared parts and its own work', (name) => {
    // Act
    const loaded = nodeModulesLoadedBy(bundles.get(name)!, functionLoadEnvironment(name));

    // Assess
    expect(loaded.filter((m) => !shared.has(m)).sort()).toEqual(ownNodeModules[name] ?? []);
  });

  it.each(['upload-sheet', 'report-sheet'])("%s, which frames its pages in the form's frame but shows no form, carries none of the form's words", async (name) => {
    // Prepare: `switchTo` is a key of the form's `words` only (shared/web/form-pages.ts)
    // Act
    const code = await readFile(bundles.get(name)!, 'utf8');
    // Assess: esbuild drops `words` only while reading it at load touches no other module
    expect(code).not.toContain('switchTo');
  });

  it.each(Object.entries(validatesNothing))('%s, which validates no body (%s), loads no zod and no report code', (name) => {
    // Assess: the catalog's reads stay apart from the report code (shared/store/plan-changes.ts)
    expect(loadedInputs.get(name)!.filter((input) => input === 'zod' || input.startsWith('shared/domain/report'))).toEqual([]);
  });
});
