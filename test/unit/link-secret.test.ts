import { describe, expect, it } from 'vitest';
import { envNames } from '#shared/config/env';
import { linkSecret, linkSecretMaxAgeSeconds, type SecretReader } from '#shared/config/secrets';

/** A Secrets Manager stand-in that answers `values` in turn and counts its reads. */
function reader(...values: (string | Error | undefined)[]) {
  const reads: string[] = [];
  const read: SecretReader = async (arn) => {
    reads.push(arn);
    const value = values[Math.min(reads.length - 1, values.length - 1)];
    if (value instanceof Error) throw value;
    return value;
  };
  return { read, reads };
}

let arnCount = 0;
/** Each test its own ARN: the cache is per sandbox, keyed by ARN. */
const envWithArn = () => ({ [envNames.linkSecretArn]: `arn:aws:secretsmanager:ap-northeast-1:000000000000:secret:link-${(arnCount += 1)}` });

describe('linkSecret', () => {
  it('uses LINK_SECRET as given, without reading Secrets Manager', async () => {
    // Prepare
    const { read, reads } = reader('unused');
    // Act
    const secret = await linkSecret({ [envNames.linkSecret]: 'direct' }, { read });
    // Assess
    expect(secret).toBe('direct');
    expect(reads).toEqual([]);
  });

  it('reads the secret once per max age, and again after it (a rotation reaches warm functions)', async () => {
    // Prepare
    const env = envWithArn();
    const { read, reads } = reader('old key', 'new key');
    let now = 1_000_000;
    // Act
    const first = await linkSecret(env, { read, now: () => now });
    now += linkSecretMaxAgeSeconds * 1000 - 1;
    const cached = await Promise.all([linkSecret(env, { read, now: () => now }), linkSecret(env, { read, now: () => now })]);
    now += 2;
    const rotated = await linkSecret(env, { read, now: () => now });
    // Assess
    expect([first, ...cached, rotated]).toEqual(['old key', 'old key', 'old key', 'new key']);
    expect(reads).toEqual([env[envNames.linkSecretArn], env[envNames.linkSecretArn]]);
  });

  it('keeps no failed read: the next call reads again', async () => {
    // Prepare
    const env = envWithArn();
    const { read, reads } = reader(new Error('throttled'), 'the key');
    // Act
    const failure = await linkSecret(env, { read, now: () => 0 }).catch((e: unknown) => e);
    const secret = await linkSecret(env, { read, now: () => 0 });
    // Assess
    expect((failure as Error).message).toBe('throttled');
    expect(secret).toBe('the key');
    expect(reads).toHaveLength(2);
  });

  it('refuses an empty or missing secret, and a configuration with neither variable, bilingually', async () => {
    // Prepare
    const env = envWithArn();
    const { read } = reader('');
    // Act
    const empty = await linkSecret(env, { read, now: () => 0 }).catch((e: unknown) => e);
    const unset = await linkSecret({}, { read }).catch((e: unknown) => e);
    // Assess
    expect((empty as Error).message).toMatch(/署名鍵 .* を読めません \/ cannot read the link secret/);
    expect((unset as Error).message).toContain(`${envNames.linkSecret} / ${envNames.linkSecretArn}`);
  });
});
