/**
 * The whole local stack (`startLocalStack`) for one test file, in a temporary data directory of its
 * own. The stack sets process.env for the in-process handlers, so each file that uses it runs alone.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localClientConfig } from '#local/aws-local';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '#local/stack';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { createStore, type Store } from '#shared/store/store';

/** A started stack, the store of its tenant, and its data directory. */
export interface StartedTestStack {
  stack: LocalStack;
  store: Store;
  dataDir: string;
}

/** Starts and stops one test file's stack; `stop` is safe after a `start` that failed half-way. */
export interface TestStack {
  start(options: Omit<LocalStackOptions, 'dataDir'>): Promise<StartedTestStack>;
  stop(): Promise<void>;
}

/** A local stack whose data directory is a fresh `<tmp>/<dirPrefix>…`; call `start` in `beforeAll`, `stop` in `afterAll`. */
export function testStack(dirPrefix: string): TestStack {
  let dataDir: string | undefined;
  let stack: LocalStack | undefined;
  return {
    async start(options) {
      dataDir = await mkdtemp(join(tmpdir(), dirPrefix));
      stack = await startLocalStack({ ...options, dataDir });
      const store = createStore(createDocumentClient(localClientConfig(stack.dynamoEndpoint)), stack.tableName, stack.tenant);
      return { stack, store, dataDir };
    },
    async stop() {
      await stack?.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Gives SHINCHOKU_LINK_SECRET a fresh random value, so that the stack and the CLI in this process sign
 * and check links with the same secret (as `npm start` and `shinchoku link` do on one machine).
 * `restore` puts back what was there before.
 */
export function freshLinkSecret(): { secret: string; restore(): void } {
  const previous = process.env.SHINCHOKU_LINK_SECRET;
  const secret = randomBytes(32).toString('hex');
  process.env.SHINCHOKU_LINK_SECRET = secret;
  return {
    secret,
    restore() {
      if (previous === undefined) delete process.env.SHINCHOKU_LINK_SECRET;
      else process.env.SHINCHOKU_LINK_SECRET = previous;
    },
  };
}
