import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleEntryFile, bundleModule } from '#infra/bundle';
import { nodeRuntime } from '#infra/function';
import { displaySource, mapStackTracesToSources } from '#shared/stack-traces';
import { throwLine } from '#test/support/stack-trace/thrower';

describe('stack traces of a bundled function', () => {
  let dir: string;
  let run: (env?: NodeJS.ProcessEnv) => { logged: any; stack: string };

  beforeAll(async () => {
    // Prepare: the fixture bundled exactly as a function is (minified, with its source map beside it)
    dir = await mkdtemp(join(tmpdir(), 'shinchoku-stack-'));
    await bundleModule(fileURLToPath(new URL('../support/stack-trace/entry.ts', import.meta.url)), dir, nodeRuntime.name);
    run = (env = {}) => {
      // A bare Node, as on Lambda: no tsx, no test runner, no NODE_OPTIONS unless given.
      const { NODE_OPTIONS: _, ...rest } = process.env;
      const child = spawnSync(process.execPath, [join(dir, bundleEntryFile)], { env: { ...rest, POWERTOOLS_LOG_LEVEL: 'INFO', ...env }, encoding: 'utf8' });
      expect(child.status, child.stderr).toBe(0);
      // The logger writes an error to stderr, the fixture its stack to stdout.
      const lines = `${child.stdout}\n${child.stderr}`.split('\n');
      return {
        logged: JSON.parse(lines.find((l) => l.startsWith('{'))!),
        stack: JSON.parse(lines.find((l) => l.startsWith('STACK '))!.slice('STACK '.length)) as string,
      };
    };
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('name the TypeScript source and line, not the minified bundle', () => {
    // Act
    const { stack } = run();

    // Assess: the header as V8 writes it, the throwing frame at the source line
    const [header, first, ...rest] = stack.split('\n');
    expect(header).toBe('RangeError: negative amount: -1');
    expect(first).toMatch(new RegExp(`^    at .*\\(test/support/stack-trace/thrower\\.ts:${throwLine}:\\d+\\)$`));
    expect(rest.some((frame) => frame.includes('test/support/stack-trace/entry.ts:'))).toBe(true);
    expect(stack).not.toContain(`${bundleEntryFile}:`);
  });

  it('reach the Powertools log line, whose error location is the source line', () => {
    // Act
    const { logged } = run();

    // Assess
    expect(logged.message).toBe('budget check failed');
    expect(logged.error.location).toBe(`test/support/stack-trace/thrower.ts:${throwLine}`);
    expect(logged.error.stack).toContain(`thrower.ts:${throwLine}:`);
  });

  it('are left to Node when it maps stacks itself (--enable-source-maps)', () => {
    // Act
    const { stack } = run({ NODE_OPTIONS: '--enable-source-maps' });

    // Assess: Node names the source by its full path; the frame is still the source line
    expect(stack.split('\n')[1]).toMatch(new RegExp(`stack-trace/thrower\\.ts:${throwLine}:\\d+\\)$`));
  });
});

describe('where stacks are mapped', () => {
  it('is nowhere outside a bundle: sources run directly have no map beside them', () => {
    // Act / Assess: this test file runs from its TypeScript source, as the local stack does
    expect(mapStackTracesToSources(import.meta.url)).toBe(false);
    expect(mapStackTracesToSources('node:internal/main')).toBe(false);
  });

  it('shows a source from the project or from its package', () => {
    expect(displaySource('../../shared/zod.ts')).toBe('shared/zod.ts');
    expect(displaySource('../../../../node_modules/zod/v4/core/core.js')).toBe('node_modules/zod/v4/core/core.js');
    expect(displaySource('./functions/get-plan/handler.ts')).toBe('functions/get-plan/handler.ts');
  });
});
