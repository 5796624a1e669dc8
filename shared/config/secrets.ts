/**
 * The secret that signs the per-課 links. On AWS it lives in Secrets Manager: the function gets its
 * ARN and reads it through Powertools Parameters, which keeps the value for `linkSecretMaxAgeSeconds`,
 * so after the secret is rotated every warm function signs and verifies with the new key within that
 * time (rather than for as long as its sandbox lives). Locally the stack passes it directly in
 * LINK_SECRET.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { envNames, MissingEnvironmentError } from './env.ts';

/** How long a function keeps the secret it read before reading it again. */
export const linkSecretMaxAgeSeconds = 300;

export async function linkSecret(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const direct = env[envNames.linkSecret];
  if (direct) return direct;
  const arn = env[envNames.linkSecretArn];
  if (!arn) throw new MissingEnvironmentError(`${envNames.linkSecret} / ${envNames.linkSecretArn}`);
  const secret = await getSecret(arn, { maxAge: linkSecretMaxAgeSeconds });
  if (typeof secret !== 'string' || secret === '') {
    throw new Error(`署名鍵 ${arn} を読めません / cannot read the link secret ${arn}`);
  }
  return secret;
}
