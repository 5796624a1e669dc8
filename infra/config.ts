/**
 * Deployment configuration, read from CDK context (`cdk.json` → `context`, or `cdk synth -c key=value`)
 * through one typed function. Anything invalid stops the synth at once with a message in Japanese and
 * English that names the key and how to fix it.
 */
import type { Construct } from 'constructs';
import * as z from 'zod';
import { tenantPrefix } from '#shared/store/table';

/** The context keys this app reads. */
export const contextKeys = {
  tenant: 'tenant',
  mailDomain: 'mailDomain',
  alarmEmail: 'alarmEmail',
  receiptRuleSet: 'receiptRuleSet',
} as const;

/** Values used when a key is absent from the context (cdk.json carries the same ones, visibly). */
export const configDefaults = {
  tenant: 'shimotsuke',
  mailDomain: 'shimotsuke.example',
} as const;

/** The tenant rule lives in shared/store/table.ts (`tenantPrefix`); ask it rather than copy its pattern. */
function isValidTenant(value: string): boolean {
  try {
    tenantPrefix(value);
    return true;
  } catch {
    return false;
  }
}

/** `-c alarmEmail=` on the command line gives an empty string: treat it as "not set". */
const emptyToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const configSchema = z.object({
  tenant: z
    .string({ error: 'tenant は文字列で指定してください / tenant must be a string' })
    .default(configDefaults.tenant)
    .refine(isValidTenant, {
      error:
        'tenant は英小文字・数字・ハイフンの 3〜63 文字（先頭は英数字）で指定してください / ' +
        'tenant must be 3–63 characters of a-z, 0-9 and "-", starting with a letter or digit',
    }),
  mailDomain: z
    .string({ error: 'mailDomain は文字列で指定してください / mailDomain must be a string' })
    .default(configDefaults.mailDomain)
    .refine((value) => /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(value), {
      error: 'mailDomain はドメイン名（例: city.example.jp）で指定してください / mailDomain must be a domain name such as city.example.jp',
    }),
  alarmEmail: z.preprocess(
    emptyToUndefined,
    z
      .email({ error: 'alarmEmail はメールアドレスで指定してください / alarmEmail must be an e-mail address' })
      .optional(),
  ),
  receiptRuleSet: z.preprocess(
    emptyToUndefined,
    z
      .string({ error: 'receiptRuleSet は文字列で指定してください / receiptRuleSet must be a string' })
      // SES's rule for rule set names: letters, digits, ".", "_" and "-", at most 64, starting and ending with a letter or digit.
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/, {
        error:
          'receiptRuleSet は既存の受信ルールセット名（英数字・「.」「_」「-」、64 文字以内、先頭と末尾は英数字）で指定してください / ' +
          'receiptRuleSet must be the name of an existing receipt rule set (letters, digits, ".", "_", "-", at most 64, starting and ending with a letter or digit)',
      })
      .optional(),
  ),
});

/** The validated configuration. */
export type ShinchokuConfig = z.infer<typeof configSchema>;

/** Thrown when the context does not describe a valid deployment. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      [
        'CDK の設定（cdk.json の context、または -c key=value）が不正です / invalid CDK configuration (cdk.json "context" or -c key=value):',
        ...problems.map((p) => `  - ${p}`),
      ].join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Validate raw context values; exported for tests. */
export function parseConfig(raw: Record<string, unknown>): ShinchokuConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return result.data;
}

/** Read and validate the configuration from the CDK context visible at `scope`. */
export function readConfig(scope: Construct): ShinchokuConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.values(contextKeys)) {
    const value: unknown = scope.node.tryGetContext(key);
    if (value !== undefined) raw[key] = value;
  }
  return parseConfig(raw);
}
