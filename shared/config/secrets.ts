/**
 * The secret that signs the per-課 links. On AWS it lives in Secrets Manager: the function gets its
 * ARN and reads it with GetSecretValue, keeping the value for `linkSecretMaxAgeSeconds`, so after the
 * secret is rotated every warm function signs and verifies with the new key within that time (rather
 * than for as long as its sandbox lives). Locally the stack passes it directly in LINK_SECRET.
 */
import { awsClient } from '../aws/client.ts';
import { keptFor, type Kept } from '../kept.ts';
import { envNames, MissingEnvironmentError } from './env.ts';

/** How long a function keeps the secret it read before reading it again. */
export const linkSecretMaxAgeSeconds = 300;

/** Reads a secret's string value by ARN. */
export type SecretReader = (arn: string) => Promise<string | undefined>;

const secretsManager = awsClient('SECRETS_MANAGER');

/** GetSecretValue through the function's own client (`shared/aws/client.ts`). */
export const readSecretString: SecretReader = async (arn) => {
  const answer = await secretsManager.json<{ SecretString?: string }>('secretsmanager.GetSecretValue', {
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

/** The kept secret of each ARN (a function has one). */
const kept = new Map<string, Kept<string>>();

export async function linkSecret(env: NodeJS.ProcessEnv = process.env, options: LinkSecretOptions = {}): Promise<string> {
  const direct = env[envNames.linkSecret];
  if (direct) return direct;
  const arn = env[envNames.linkSecretArn];
  if (!arn) throw new MissingEnvironmentError(`${envNames.linkSecret} / ${envNames.linkSecretArn}`);
  let secret = kept.get(arn);
  if (!secret) kept.set(arn, (secret = keptFor<string>(linkSecretMaxAgeSeconds * 1000)));
  return secret(() => readChecked(arn, options.read ?? readSecretString), (options.now ?? Date.now)());
}

async function readChecked(arn: string, read: SecretReader): Promise<string> {
  const secret = await read(arn);
  if (typeof secret !== 'string' || secret === '') {
    throw new Error(`署名鍵 ${arn} を読めません / cannot read the link secret ${arn}`);
  }
  return secret;
}
