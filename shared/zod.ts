/**
 * zod as the code that runs in a Lambda uses it: `zod/mini`, the tree-shakable build. Its API is
 * functions rather than methods (`z.optional(s)`, `z.pipe(a, b)`, `s.check(z.maxLength(n))`), so a
 * function bundles only the validators it uses (classic zod brings every method of every schema:
 * ~90 KB in every bundle, and slower to build at cold start).
 *
 * Write `import * as z from '#shared/zod'` (relative inside shared/), never 'zod/mini' itself: this
 * module also sets English for the messages zod writes itself (classic zod does that on its own, mini
 * does not); the messages we write are bilingual. Tools that never ship in a function (infra/, cli/,
 * local/) may use classic zod.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

// Re-exported name by name (not as a namespace object), so `import * as z` from here tree-shakes.
export * from 'zod/mini';
