/**
 * Environment access that fails loudly: a handler that starts without its configuration stops at
 * once with the variable's name, instead of failing later with an undefined somewhere.
 */
export class MissingEnvironmentError extends Error {
  constructor(readonly variable: string) {
    super(`環境変数 ${variable} が設定されていません / environment variable ${variable} is not set`);
    this.name = 'MissingEnvironmentError';
  }
}

/** The value of a required environment variable. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new MissingEnvironmentError(name);
  return value;
}

/** The value of an optional environment variable, or the fallback. */
export function optionalEnv(name: string, fallback: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  return value === undefined || value.trim() === '' ? fallback : value;
}

/** Names of the variables the functions read; the CDK stack and the local stack set the same ones. */
export const envNames = {
  tableName: 'TABLE_NAME',
  tenant: 'TENANT',
  /** The link-signing secret itself (local stack, tests). */
  linkSecret: 'LINK_SECRET',
  /** Secrets Manager ARN of the link-signing secret (AWS). */
  linkSecretArn: 'LINK_SECRET_ARN',
  /** Public base URL of the forms, for links in mails, e.g. https://progress.example.jp */
  publicBaseUrl: 'PUBLIC_BASE_URL',
  /** Name of the EventBridge bus the functions publish to. */
  eventBusName: 'EVENT_BUS_NAME',
  /**
   * URL of the queue of stream records the outbox publisher gave up on (the event source mapping's
   * on-failure destination): it also sends there, itself, a record it can never read (events/outbox.ts).
   */
  streamFailureQueueUrl: 'STREAM_FAILURE_QUEUE_URL',
  /** The reminder rules as JSON (the `reminders` section; see shared/domain/reminders.ts). Unset = defaults. */
  reminderConfig: 'REMINDER_CONFIG',
  /** The bucket of the public progress site (static pages and open data). */
  publicBucket: 'PUBLIC_BUCKET',
  /** Where the public progress site is served, e.g. https://d111.cloudfront.net (links from the dashboard). */
  publicSiteUrl: 'PUBLIC_SITE_URL',
  /** The inbound-mail bucket: raw messages SES stored (`inbound/<SES messageId>`) and report attachments. */
  mailBucket: 'MAIL_BUCKET',
} as const;
