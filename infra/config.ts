/**
 * Deployment configuration, read from CDK context (`cdk.json` → `context`, or `cdk synth -c key=value`)
 * through one typed function. Anything invalid stops the synth at once with a message in Japanese and
 * English that names the key and how to fix it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Construct } from 'constructs';
import * as z from 'zod';
import { DirectorySchema } from '#shared/domain/directory';
import { describeSchemaIssues, formatPath } from '#shared/domain/plan-lint';
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

/** Where the tenants' plan and directory files live: `plans/<tenant>/directory.json`. */
export const defaultPlansDirectory = fileURLToPath(new URL('../plans', import.meta.url));

/** The mail addresses the stack sets up, as the tenant's directory must agree with them. */
export interface MailSettings {
  /** The domain of the SES identity and of the receipt rule's recipient. */
  readonly mailDomain: string;
  /** Local part of the receipt rule's recipient (`<replyLocalPart>@<mailDomain>` and its `+token` forms). */
  readonly replyLocalPart: string;
  /** The directory file the settings were checked against; undefined when the tenant has none. */
  readonly directoryFile?: string;
}

/**
 * The mail settings of the stack, checked against the tenant's directory (`plans/<tenant>/directory.json`)
 * when there is one: at run time the functions send from the directory's `sender` and give
 * `<replyLocalPart>+<token>@<mailDomain>` as reply address, so the SES identity (the context's
 * `mailDomain`) and the receipt rule must be for the same domain and local part, or mail fails to
 * send or replies are never received. A disagreement stops the synth with a ConfigError. Without a
 * directory file for the tenant: the context's `mailDomain` and the local part `progress`.
 */
export function mailSettingsFor(config: ShinchokuConfig, plansDirectory: string = defaultPlansDirectory): MailSettings {
  const directoryFile = join(plansDirectory, config.tenant, 'directory.json');
  if (!existsSync(directoryFile)) return { mailDomain: config.mailDomain, replyLocalPart: 'progress' };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(directoryFile, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError([`${directoryFile}: JSON として読めません / not valid JSON: ${(error as Error).message}`]);
  }
  const parsed = DirectorySchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      describeSchemaIssues(DirectorySchema, raw, parsed.error).map(
        ({ path, ja, en }) => `${directoryFile}: 名簿ファイルの ${formatPath(path) || '全体'}: ${ja} / invalid directory file at ${formatPath(path) || 'its top'}: ${en}`,
      ),
    );
  }
  const directory = parsed.data;
  const sameDomain = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const senderDomain = directory.sender.slice(directory.sender.lastIndexOf('@') + 1);
  const problems: string[] = [];
  if (directory.tenant !== config.tenant) {
    problems.push(
      `tenant: 名簿 ${directoryFile} の tenant "${directory.tenant}" がスタックの tenant "${config.tenant}" と異なります / ` +
        `the directory's tenant "${directory.tenant}" is not the stack's tenant "${config.tenant}"`,
    );
  }
  if (!sameDomain(directory.mailDomain, config.mailDomain)) {
    problems.push(
      `mailDomain: 名簿 ${directoryFile} の mailDomain "${directory.mailDomain}" が CDK の mailDomain "${config.mailDomain}" と異なります。` +
        `返信は ${directory.replyLocalPart}+<トークン>@${directory.mailDomain} 宛てに届きますが、SES は ${config.mailDomain} でしか受信・送信しません。どちらかを合わせてください / ` +
        `the directory's mailDomain "${directory.mailDomain}" is not the CDK context's mailDomain "${config.mailDomain}": replies are addressed to ` +
        `${directory.replyLocalPart}+<token>@${directory.mailDomain}, but SES receives and sends for ${config.mailDomain} only; make them the same`,
    );
  }
  if (!sameDomain(senderDomain, config.mailDomain)) {
    problems.push(
      `sender: 名簿 ${directoryFile} の sender "${directory.sender}" が SES で検証するドメイン "${config.mailDomain}" のアドレスではありません。送信が拒否されます / ` +
        `the directory's sender "${directory.sender}" is not an address at the domain SES verifies ("${config.mailDomain}"): SES would refuse every send`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { mailDomain: config.mailDomain, replyLocalPart: directory.replyLocalPart, directoryFile };
}
