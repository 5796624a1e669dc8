/**
 * Stack traces of a deployed function that name the TypeScript sources (`shared/store/report-items.ts:97:7`)
 * rather than the minified bundle (`index.mjs:5:8307`), without Node's `--enable-source-maps`.
 *
 * Node's flag costs every cold start about 7 ms on Node 24 (its source-map machinery starts with the
 * process and reads each module's map as it loads; docs/BENCHMARKS.md, cold start), although a map
 * is only needed when a stack is written. Here the frames are mapped when a stack is formatted: the
 * bundle's `.map` (written next to it by infra/bundle.ts) is read the first time an error's stack is
 * read, with Node's own `SourceMap` parser. A frame with no map or no mapping stays as V8 wrote it.
 *
 * Installed only where it is needed: in a bundle that has its map beside it and when Node maps stacks
 * itself neither (`--enable-source-maps`, or tsx when the sources run directly). Test runners that map
 * stacks their own way never load a bundle, so they keep theirs.
 */
import { SourceMap } from 'node:module';

/**
 * `node:fs` as CommonJS gives it. An ES module import of it would build its namespace at load, which
 * reads every lazy export of `fs` (`fs.promises`, the streams, `Dir`, the watchers) and so loads Node's
 * fs promises, readline and REPL history modules, some 7 ms of every cold start on Node 24
 * (docs/BENCHMARKS.md, cold start) for two synchronous calls.
 */
const { existsSync, readFileSync } = process.getBuiltinModule('node:fs');

/** A file's source map, or null when it has none (or an unreadable one); read once per file. */
const maps = new Map<string, SourceMap | null>();

function pathOf(fileName: string): string {
  return fileName.startsWith('file://') ? decodeURIComponent(new URL(fileName).pathname) : fileName;
}

function sourceMapOf(fileName: string): SourceMap | undefined {
  let map = maps.get(fileName);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${pathOf(fileName)}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(fileName, map);
  }
  return map ?? undefined;
}

/**
 * A source as the map names it, relative to the map's folder (`../../shared/zod.ts`), shown from the
 * project (`shared/zod.ts`) or from its package (`node_modules/zod/v4/core/core.js`).
 */
export function displaySource(source: string): string {
  const packaged = source.lastIndexOf('node_modules/');
  if (packaged >= 0) return source.slice(packaged);
  return source.replace(/^(?:\.\.?\/)+/, '');
}

/** `file.ts:line:column` of a generated position (1-based, as in a stack), or undefined when not mapped. */
export function originalPosition(fileName: string, line: number, column: number): string | undefined {
  const entry = sourceMapOf(fileName)?.findEntry(line - 1, column - 1);
  if (!entry || !('originalSource' in entry) || typeof entry.originalSource !== 'string') return undefined;
  return `${displaySource(entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
}

/** One frame as V8 writes it, its generated position replaced by the source's where the map has one. */
function mappedFrame(site: NodeJS.CallSite): string {
  const text = String(site);
  const fileName = site.getFileName();
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (!fileName || line === null || column === null) return text;
  const original = originalPosition(fileName, line, column);
  return original ? text.replace(`${fileName}:${line}:${column}`, original) : text;
}

/** The first line of a stack as V8 writes it: `Name: message`. */
function headerOf(error: unknown): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return '<error>';
  }
}

let installed = false;

/**
 * Maps the frames of every stack formatted from now on (see the module comment for where this does
 * nothing). `moduleUrl` is `import.meta.url` of the calling module: in a bundle, the bundle itself.
 * Returns whether the mapping is on.
 */
export function mapStackTracesToSources(moduleUrl: string): boolean {
  if (installed) return true;
  if (process.sourceMapsEnabled || !moduleUrl.startsWith('file://') || !existsSync(`${pathOf(moduleUrl)}.map`)) return false;
  const formatted = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, sites) => {
    try {
      return headerOf(error) + sites.map((site) => `\n    at ${mappedFrame(site)}`).join('');
    } catch {
      return formatted ? formatted(error, sites) : headerOf(error);
    }
  };
  installed = true;
  return true;
}
