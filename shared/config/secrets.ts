/**
 * The secret that signs the per-課 links. On AWS it lives in Secrets Manager (the function gets its
 * ARN and reads it once per cold start through Powertools Parameters, which caches it); locally the
 * stack passes it directly in LINK_SECRET.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { envNames, MissingEnvironmentError } from './env.ts';

let cached: Promise<string> | undefined;

export function linkSecret(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  cached ??= (async () => {
    const direct = env[envNames.linkSecret];
    if (direct) return direct;
    const arn = env[envNames.linkSecretArn];
    if (!arn) throw new MissingEnvironmentError(`${envNames.linkSecret} / ${envNames.linkSecretArn}`);
    const secret = await getSecret(arn, { maxAge: 3600 });
    if (typeof secret !== 'string' || secret === '') {
      throw new Error(`署名鍵 ${arn} を読めません / cannot read the link secret ${arn}`);
    }
    return secret;
  })().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
