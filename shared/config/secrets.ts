/**
 * The secret that signs the per-課 links. On AWS it lives in Secrets Manager: the function gets its
 * ARN and reads it with GetSecretValue, keeping the value for `linkSecretMaxAgeSeconds`, so after the
 * secret is rotated every warm function signs and verifies with the new key within that time (rather
 * than for as long as its sandbox lives). Locally the stack passes it directly in LINK_SECRET.
 */
import { awsJsonCall, lazyAwsJsonClient } from '../aws/client.ts';
import { envNames, MissingEnvironmentError } from './env.ts';

/** How long a function keeps the secret it read before reading it again. */
export const linkSecretMaxAgeSeconds = 300;

/** Reads a secret's string value by ARN. */
export type SecretReader = (arn: string) => Promise<string | undefined>;

const secretsManager = lazyAwsJsonClient('SECRETS_MANAGER');

/** GetSecretValue through the function's own client (aws-lite, `shared/aws/client.ts`). */
export const readSecretString: SecretReader = async (arn) => {
  const answer = await awsJsonCall<{ SecretString?: string }>(await secretsManager(), 'secretsmanager', 'secretsmanager.GetSecretValue', {
    SecretId: arn,
  });
  return answer.SecretString;
};

export interface LinkSecretOptions {
  /** @default GetSecretValue with the function's client */
  read?: SecretReader;
  /** The clock, in epoch milliseconds. @default Date.now */
  now?: () => number;
}

const cache = new Map<string, { value: Promise<string>; until: number }>();

export async function linkSecret(env: NodeJS.ProcessEnv = process.env, options: LinkSecretOptions = {}): Promise<string> {
  const direct = env[envNames.linkSecret];
  if (direct) return direct;
  const arn = env[envNames.linkSecretArn];
  if (!arn) throw new MissingEnvironmentError(`${envNames.linkSecret} / ${envNames.linkSecretArn}`);
  const now = (options.now ?? Date.now)();
  const cached = cache.get(arn);
  if (cached && cached.until > now) return cached.value;
  // Concurrent invocations of one sandbox share the read in flight; a failed read is not kept.
  const value = readChecked(arn, options.read ?? readSecretString);
  cache.set(arn, { value, until: now + linkSecretMaxAgeSeconds * 1000 });
  value.catch(() => cache.get(arn)?.value === value && cache.delete(arn));
  return value;
}

async function readChecked(arn: string, read: SecretReader): Promise<string> {
  const secret = await read(arn);
  if (typeof secret !== 'string' || secret === '') {
    throw new Error(`署名鍵 ${arn} を読めません / cannot read the link secret ${arn}`);
  }
  return secret;
}
