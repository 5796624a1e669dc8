/**
 * The environment a function sees on Lambda, as far as loading it is concerned: what its module reads
 * at load (the table, the tenant, the secrets' stand-ins, the public addresses) plus what the stack
 * gives every function (infra/function.ts `baseEnvironment`, NODE_OPTIONS included if it ever sets
 * one). Used by the cold-start bench and by the test that keeps Node's own modules out of a cold start.
 */
import { baseEnvironment } from '#infra/function';

/** What `node -e 0` runs with: the bare Node the cold-start target compares with. */
export const loadEnvironment: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  AWS_REGION: 'ap-northeast-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  TABLE_NAME: 'shinchoku',
  TENANT: 'shimotsuke',
  LINK_SECRET: 'x'.repeat(64),
  PUBLIC_BASE_URL: 'https://progress.example.jp',
  PUBLIC_SITE_URL: 'https://public.example.jp',
  EVENT_BUS_NAME: 'shinchoku',
  STREAM_FAILURE_QUEUE_URL: 'https://sqs.ap-northeast-1.amazonaws.com/123456789012/stream-failures',
  MAIL_BUCKET: 'mail',
  PUBLIC_BUCKET: 'public',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** The environment the function `name` (a folder of `functions/`) is loaded with. */
export const functionLoadEnvironment = (name: string): NodeJS.ProcessEnv => ({ ...loadEnvironment, ...baseEnvironment(name, loadEnvironment.TENANT!) });
