/**
 * Cold-start floor: the base (handler-base.ts) with `node:fs` imported as an ES module, as
 * shared/stack-traces.ts once did. Node builds an ES module's view of a built-in by reading every
 * export, and the lazy exports of `fs` load its promises, streams, readline and the REPL history.
 * Functions read `node:fs` through `process.getBuiltinModule` instead, and
 * test/unit/cold-start-modules.test.ts keeps every cold start free of such modules.
 */
import { existsSync } from 'node:fs';

export { handler } from './handler-base.ts';

export const exists = (file: string): boolean => existsSync(file);
