/**
 * A function-like module for test/unit/stack-traces.test.ts: bundled as a function is, run by a bare
 * Node, it logs an error the way handlers do and prints the error's stack.
 */
import { createLogger } from '#shared/logger';
import { checkBudget } from './thrower.ts';

const logger = createLogger('stack-trace-test');

try {
  checkBudget(-1);
} catch (error) {
  logger.error('budget check failed', { error: error as Error });
  process.stdout.write(`STACK ${JSON.stringify((error as Error).stack)}\n`);
}
