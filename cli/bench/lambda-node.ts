/**
 * The Node.js the functions run on in Lambda, for the parts of the bench that time the functions' own
 * code (the submission path, the cold start): this process's Node when it has the Lambda runtime's
 * major, else `node@lambdaNodeVersion` from the npm registry.
 */
import { spawnSync } from 'node:child_process';
import { esbuildTarget } from '#infra/bundle';
import { nodeRuntime } from '#infra/function';
import type { Say } from './steps.ts';

/**
 * The Node.js release taken from the npm registry's `node` package: the major of the Lambda runtime the
 * stack deploys (infra/function.ts).
 */
export const lambdaNodeVersion = '24.21.0';

/** A Node.js to run the bench's code with, and how the report names it. */
export interface NodeRuntime {
  execPath: string;
  /** `process.version` of it, e.g. `v24.21.0`. */
  version: string;
  /** `Node 24 (Lambda nodejs24.x)` or `Node 20 (このマシン / this machine)`. */
  label: string;
}

/** The major of the Lambda runtime the stack deploys: `nodejs24.x` → `24`. */
const lambdaMajor = (): string => esbuildTarget(nodeRuntime.name).replace(/^node/, '');

/** How the report names a Node.js of `major`. */
const labelOf = (major: string): string =>
  major === lambdaMajor() ? `Node ${major} (Lambda ${nodeRuntime.name})` : `Node ${major} (このマシン / this machine)`;

/** This process's Node, named as the report names it. */
export function thisNode(): NodeRuntime {
  return { execPath: process.execPath, version: process.version, label: labelOf(process.versions.node.split('.')[0]!) };
}

let found: Promise<NodeRuntime | undefined> | undefined;

/**
 * A Node.js of the Lambda runtime's major: this one if it is, else `node@lambdaNodeVersion` from the
 * npm registry (fetched into npm's own cache the first time, about 30 MB; asked for once per run), or
 * undefined when npm cannot get it (the report then has this machine's Node only, and says so).
 */
export function lambdaNode(say: Say, step: string): Promise<NodeRuntime | undefined> {
  found ??= Promise.resolve().then(() => findLambdaNode(say, step));
  return found;
}

function findLambdaNode(say: Say, step: string): NodeRuntime | undefined {
  const major = lambdaMajor();
  if (lambdaNodeVersion.split('.')[0] !== major) {
    throw new Error(`lambdaNodeVersion ${lambdaNodeVersion} は Lambda のランタイム ${nodeRuntime.name} と合いません / lambdaNodeVersion ${lambdaNodeVersion} does not match the Lambda runtime ${nodeRuntime.name}`);
  }
  if (process.versions.node.split('.')[0] === major) return thisNode();
  say(`${step} Lambda と同じ Node ${lambdaNodeVersion} を npm から用意しています (初回は約 30 MB)`, `${step} getting Node ${lambdaNodeVersion}, the Lambda runtime's major, from npm (about 30 MB the first time)`);
  const run = spawnSync('npm', ['exec', '--yes', `--package=node@${lambdaNodeVersion}`, '--', 'node', '-p', 'process.execPath + "\\n" + process.version'], {
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  const [execPath, version] = (run.stdout ?? '').trim().split('\n');
  if (run.status !== 0 || !execPath || version !== `v${lambdaNodeVersion}`) {
    say(`${step} Node ${lambdaNodeVersion} を用意できませんでした。この Node だけで計測します`, `${step} could not get Node ${lambdaNodeVersion}; measuring with this Node only: ${(run.stderr ?? '').trim().split('\n').at(-1) ?? ''}`);
    return undefined;
  }
  return { execPath, version, label: labelOf(major) };
}
