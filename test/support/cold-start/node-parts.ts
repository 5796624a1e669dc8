/**
 * For test/unit/cold-start-modules.test.ts: what the parts every handler stands on need of Node itself,
 * used as they use it — https and crypto (the AWS client and its signer), a Console on the process's
 * stdout and stderr (the Powertools logger) and `node:timers` (middy). A function's cold start should
 * load no Node module beyond these and what its own work needs.
 */
import { Console } from 'node:console';
import { createHash } from 'node:crypto';
import { Agent } from 'node:https';
import { setTimeout } from 'node:timers';

const agent = new Agent({ keepAlive: true });
const log = new Console({ stdout: process.stdout, stderr: process.stderr });

export const handler = async (body: string): Promise<void> => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  log.log(agent.maxSockets, createHash('sha256').update(body).digest('hex'));
};
