/**
 * What the commands that issue or check signed links read the same way: the signing secret of the
 * local stack, the base URL the links point to, and how many days a link stays valid.
 */
import { join } from 'node:path';
import { runningStack } from '#local/running-stack';
import { UsageError } from './output.ts';

/** The longest validity, in days, a link command issues. */
export const maxLinkDays = 400;

/**
 * The signing secret the local stack uses: SHINCHOKU_LINK_SECRET, else `.shinchoku/link-secret`
 * beside the local data (created on first use, as `npm start` would).
 */
export async function localSigningSecret(env: NodeJS.ProcessEnv): Promise<string> {
  const fromEnv = env.SHINCHOKU_LINK_SECRET;
  if (fromEnv) return fromEnv;
  const { localLinkSecret } = await import('#local/stack');
  return localLinkSecret(join(process.cwd(), '.shinchoku'), false);
}

/**
 * `--base-url`, else PUBLIC_BASE_URL, else the local stack: http://127.0.0.1:SHINCHOKU_HTTP_PORT, else the
 * address the stack running on `.shinchoku` recorded (an `npm start -- --port N`), else
 * http://127.0.0.1:3000. Must be http(s).
 */
export async function linkBaseUrl(option: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  const local = async () => (env.SHINCHOKU_HTTP_PORT ? undefined : (await runningStack())?.httpUrl) ?? `http://127.0.0.1:${env.SHINCHOKU_HTTP_PORT || 3000}`;
  const baseUrl = option ?? (env.PUBLIC_BASE_URL || (await local()));
  if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) {
    throw new UsageError(`--base-url は http(s):// で始まる URL です: ${baseUrl}`, `--base-url must be an http(s) URL: ${baseUrl}`);
  }
  return baseUrl;
}

/** `--days`, else `defaultDays`: a whole number of days from 1 to {@link maxLinkDays}. */
export function linkValidity(option: string | undefined, defaultDays: number): number {
  const days = option === undefined ? defaultDays : Number(option);
  if (!Number.isInteger(days) || days < 1 || days > maxLinkDays) {
    throw new UsageError(`--days は 1〜${maxLinkDays} の整数です: ${option}`, `--days must be an integer from 1 to ${maxLinkDays}: ${option}`);
  }
  return days;
}
