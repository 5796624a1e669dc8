/**
 * The embedded local stack behind `npm start`: AWS's DynamoDB Local, the SES emulator and the HTTP
 * server in front of the Lambda handlers, wired with the same environment variables the CDK stack
 * gives the functions. Tests start the same stack, so what they check is what a person runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { createObjectStore } from '#shared/aws/s3';
import { envNames } from '#shared/config/env';
import { describeUnroutableOwner, unroutableOwners } from '#shared/domain/ownership';
import { reminderConfigFromEnv } from '#shared/domain/reminders';
import { routes } from '#shared/http/routes';
import { defaultDirectoryPath, defaultPlanPath, readPlanAndDirectory } from '#shared/plan-file';
import { defaultTableName } from '#shared/store/table';
import { localClientConfig, localCredentials, localRegion } from './aws-local.ts';
import { checkJava, ensureDynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { startLocalEvents, type LocalEvents } from './events-pipeline.ts';
import { startHttpServer } from './http-server.ts';
import { provision } from './provision.ts';
import { describeFiring, startLocalScheduler, type LocalScheduler } from './scheduler.ts';
import { startSesEmulator } from './ses-local.ts';
import { localPublicBucket, publicPathPrefix, publicSiteRoute } from './public-site.ts';
import { runningFile, runningStack, type RunningStack } from './running-stack.ts';
import { startS3 } from './s3-local.ts';
import { startSmtpIntake } from './smtp-intake.ts';

export interface LocalStackOptions {
  /** Wipe the stored data before starting. @default false */
  fresh?: boolean;
  /** Keep DynamoDB data in memory only (tests). @default false */
  inMemory?: boolean;
  /** Where persistent local data lives. @default `.shinchoku/` in the working directory */
  dataDir?: string;
  /** @default 3000 (0 = any free port) */
  httpPort?: number;
  /** @default 8000 (0 = any free port) */
  dynamoPort?: number;
  /** @default 8005 (0 = any free port) */
  sesPort?: number;
  /** Port of the local EventBridge. @default 0 (any free port; SHINCHOKU_EVENTS_PORT) */
  eventsPort?: number;
  /** Port of the local S3 (inbound-mail bucket). @default 0 (any free port; SHINCHOKU_S3_PORT) */
  s3Port?: number;
  /** Port of the SMTP intake on 127.0.0.1. @default 2525 (0 = any free port; SHINCHOKU_SMTP_PORT) */
  smtpPort?: number;
  /** @default the embedded 下野市 plan */
  planFile?: string;
  /** Load the plan even when it drops, renames or re-assigns 事業 with reports in the kept data (`--accept-changes`). @default false */
  acceptPlanChanges?: boolean;
  /** @default the embedded 下野市 directory */
  directoryFile?: string;
  /** The plan and directory already read and checked (`readPlanAndDirectory`, before anything is started or wiped); `planFile` and `directoryFile` are then not read. */
  files?: StackFiles;
  /** @default "shinchoku" */
  tableName?: string;
  /** Progress lines for people. @default silent */
  onProgress?: (line: string) => void;
  /** Fire the schedules of shared/schedules.ts on the real clock (`shinchoku replay` brings its own). @default true */
  scheduler?: boolean;
}

export interface LocalStack {
  tenant: string;
  tableName: string;
  dynamoEndpoint: string;
  sesEndpoint: string;
  mailViewerUrl: string;
  httpUrl: string;
  /** The variables the functions see, as on Lambda. */
  environment: Record<string, string>;
  /** The event pipeline: stream → publish-events → local EventBridge → rule targets; `events.idle()` waits for it. */
  events: LocalEvents;
  /** The local EventBridge Scheduler; absent when started with `scheduler: false`. */
  scheduler?: LocalScheduler;
  /** The local S3 (`AWS_ENDPOINT_URL_S3`, path-style) and the inbound-mail bucket on it. */
  s3Endpoint: string;
  mailBucket: string;
  /** The SMTP intake on 127.0.0.1: mail sent here goes through ingest-mail as SES would deliver it. */
  smtpPort: number;
  stop(): Promise<void>;
}

/** The plan and directory a local stack loads, read and checked (`readPlanAndDirectory`: valid, one tenant). */
export type StackFiles = Awaited<ReturnType<typeof readPlanAndDirectory>>;

/** The city a data folder was last started with; kept after the stack stops, unlike running.json. */
interface LastStart {
  tenant: string;
  municipality: string;
  planFile?: string;
  directoryFile?: string;
}

const lastStartFile = (dataDir: string) => join(dataDir, 'last-start.json');

async function lastStart(dataDir: string): Promise<LastStart | undefined> {
  try {
    const last = JSON.parse(await readFile(lastStartFile(dataDir), 'utf8')) as Partial<LastStart>;
    return typeof last.tenant === 'string' && typeof last.municipality === 'string' ? (last as LastStart) : undefined;
  } catch {
    return undefined; // never started here, or by a version that did not record it
  }
}

/** The inbound-mail bucket of the local stack. */
export const localMailBucket = 'shinchoku-mail';

/**
 * A port: the option when given; else, for a persistent stack (`npm start`), the SHINCHOKU_*_PORT
 * variable or the well-known default. An in-memory stack (tests, replay) takes free ports, so it
 * never collides with a running `npm start` or with another test file's stack.
 */
function portFrom(value: number | undefined, variable: string, fallback: number, ephemeral: boolean): number {
  if (value !== undefined) return value;
  if (ephemeral) return 0;
  const fromEnv = process.env[variable];
  if (!fromEnv) return fallback;
  const port = Number(fromEnv);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    // Said before anything starts, rather than by the server that cannot listen on it.
    throw new Error(`${variable} のポート番号が不正です: ${fromEnv} (0〜65535、0 は空いているポート) / ${variable} is not a port number: ${fromEnv} (0 to 65535, 0 = any free port)`);
  }
  return port;
}

/** Two parts given the same fixed port (0, any free port, never clashes), or undefined. */
export function sameFixedPort<K extends string>(ports: Record<K, number>): [K, K] | undefined {
  const seen = new Map<number, K>();
  for (const [part, port] of Object.entries(ports) as [K, number][]) {
    if (port === 0) continue;
    const other = seen.get(port);
    if (other !== undefined) return [other, part];
    seen.set(port, part);
  }
  return undefined;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const say = options.onProgress ?? (() => undefined);
  const port = (value: number | undefined, variable: string, fallback: number) =>
    portFrom(value, variable, fallback, options.inMemory === true);
  // Every port first, so that a bad SHINCHOKU_*_PORT stops the start before anything runs.
  const ports = {
    dynamo: port(options.dynamoPort, 'SHINCHOKU_DYNAMODB_PORT', 8000),
    ses: port(options.sesPort, 'SHINCHOKU_SES_PORT', 8005),
    s3: port(options.s3Port, 'SHINCHOKU_S3_PORT', 0),
    events: port(options.eventsPort, 'SHINCHOKU_EVENTS_PORT', 0),
    http: port(options.httpPort, 'SHINCHOKU_HTTP_PORT', 3000),
    smtp: port(options.smtpPort, 'SHINCHOKU_SMTP_PORT', 2525),
  };
  // Two parts on one port would fail only once the second starts: say which settings clash, up front.
  const settings: Record<keyof typeof ports, string> = {
    dynamo: 'SHINCHOKU_DYNAMODB_PORT',
    ses: 'SHINCHOKU_SES_PORT',
    s3: 'SHINCHOKU_S3_PORT',
    events: 'SHINCHOKU_EVENTS_PORT',
    http: 'SHINCHOKU_HTTP_PORT (--port)',
    smtp: 'SHINCHOKU_SMTP_PORT',
  };
  const clash = sameFixedPort(ports);
  if (clash) {
    const [a, b] = clash.map((part) => settings[part]);
    throw new Error(`${a} と ${b} が同じポート ${ports[clash[0]]} です。別々のポートにしてください / ${a} and ${b} are the same port ${ports[clash[0]]}; give them different ports`);
  }
  // The files next: a bad plan or directory stops the start before anything runs or is wiped.
  const { plan, defects, directory } = options.files ?? (await readPlanAndDirectory(options.planFile, options.directoryFile));
  // An owner the directory cannot reach gets no reminder and no link: `shinchoku load` refuses such a
  // plan; a local start, where a city tries its files, says so up front and goes on.
  for (const owner of unroutableOwners(directory, plan)) {
    const { ja, en } = describeUnroutableOwner(directory, owner);
    say(`注意: 名簿にない担当部署です (リマインダーもリンクも届きません): ${ja} / note: an owner not in the directory (it gets no reminder and no link): ${en}`);
  }
  const dataDir = options.dataDir ?? join(process.cwd(), '.shinchoku');
  const dbPath = join(dataDir, 'dynamodb');
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };

  if (!options.inMemory) {
    const other = await runningStack(dataDir);
    if (other) {
      throw new Error(
        `このフォルダーのローカル環境 (${dataDir}) はすでに起動しています (プロセス ${other.pid}、${other.httpUrl})。先に止めてください / ` +
          `a local stack is already running on ${dataDir} (process ${other.pid}, ${other.httpUrl}); stop it first`,
      );
    }
  }

  if (!options.inMemory && options.planFile === undefined && !options.files) {
    // Started without --plan: the embedded city. Say so when this folder last ran another one, whose
    // data it keeps (each city's items apart), or the next steps would quietly work on the wrong city.
    const last = await lastStart(dataDir);
    if (last && last.tenant !== plan.plan.tenant) {
      const files = `--plan ${last.planFile ?? '<plan.json>'} --directory ${last.directoryFile ?? '<directory.json>'}`;
      say(
        `注意: このフォルダーで前回起動したのは ${last.municipality} (${last.tenant}) です。今回は --plan がないため ${plan.plan.municipality} (${plan.plan.tenant}) で起動します。${last.municipality}で起動するには: npm start -- ${files} / ` +
          `note: this folder last ran ${last.municipality} (${last.tenant}); with no --plan this start is ${plan.plan.municipality} (${plan.plan.tenant}). To start ${last.municipality}: npm start -- ${files}`,
      );
    }
  }

  try {
    say('[1/5] Java を確認しています / checking Java');
    await checkJava();
    say('[2/5] DynamoDB Local を準備しています / preparing DynamoDB Local');
    await ensureDynamoDbLocal({ onProgress: (m) => say(`      ${m}`) });
    if (options.fresh && !options.inMemory) await rm(dbPath, { recursive: true, force: true });
    if (!options.inMemory) await mkdir(dbPath, { recursive: true });

    say('[3/5] DynamoDB Local と SES エミュレーターを起動しています / starting DynamoDB Local and the SES emulator');
    const [dynamo, ses] = await Promise.all([
      startDynamoDbLocal({
        port: ports.dynamo,
        ...(options.inMemory ? { inMemory: true } : { dbPath }),
      }),
      startSesEmulator({ port: ports.ses }),
    ]);
    stops.push(dynamo.stop, ses.stop);
    say('      ローカル S3 を起動しています / starting the local S3');
    const s3Dir = join(dataDir, 's3');
    const publicBucket = localPublicBucket(plan.plan.tenant);
    if (options.fresh && !options.inMemory) await rm(s3Dir, { recursive: true, force: true });
    const s3 = await startS3({
      port: ports.s3,
      buckets: [localMailBucket, publicBucket],
      ...(options.inMemory ? {} : { directory: s3Dir }),
    });
    stops.push(s3.stop);

    const tableName = options.tableName ?? defaultTableName;
    const secret = await localLinkSecret(dataDir, options.inMemory === true);
    const environment: Record<string, string> = {
      AWS_REGION: localRegion,
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SES: ses.endpoint,
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      [envNames.tableName]: tableName,
      [envNames.tenant]: plan.plan.tenant,
      [envNames.linkSecret]: secret,
      [envNames.mailBucket]: localMailBucket,
      [envNames.publicBucket]: publicBucket,
    };
    // The handlers run in this process, as they would in their Lambda sandbox: they read these.
    Object.assign(process.env, environment);

    say('[4/5] テーブルを作成し、計画と名簿を読み込んでいます / creating the table, loading the plan and directory');
    const loaded = await provision({ endpoint: dynamo.endpoint, tableName, plan, directory, acceptPlanChanges: options.acceptPlanChanges });
    say(
      `      ${plan.plan.municipality} ${plan.plan.title}: ${loaded.measures} 事業, ${loaded.ka} 課` +
        (defects.length > 0 ? ` (plan lint: ${defects.length} 件の指摘 / defects — shinchoku plan lint)` : ''),
    );

    // After the table exists. With data kept on disk the stream poller resumes where the last run
    // stopped (a report accepted just before a stop is still published, none is published twice);
    // in memory, or on a table created afresh, it starts at LATEST.
    const streamCheckpoint = join(dataDir, 'stream-position.json');
    if (options.fresh && !options.inMemory) await rm(streamCheckpoint, { force: true });
    const events = await startLocalEvents({
      dynamoEndpoint: dynamo.endpoint,
      tableName,
      streamCheckpointFile: options.inMemory ? undefined : streamCheckpoint,
      port: ports.events,
    });
    stops.push(events.stop);
    Object.assign(environment, events.environment);
    Object.assign(process.env, events.environment);

    say('[5/5] HTTP サーバーを起動しています / starting the HTTP server');
    // The local S3 through the functions' own object store: the public site is read from it as
    // CloudFront serves it on AWS (read-only, the public bucket), the SMTP intake writes what SES would.
    const objects = createObjectStore(localClientConfig(s3.endpoint));
    const publicSite = publicSiteRoute({
      s3: objects,
      bucket: publicBucket,
      onError: (error) => say(`      公開ページを読めません / public site read failed: ${String(error)}`),
    });
    const http = await startHttpServer({
      port: ports.http,
      extra: (req, res) =>
        publicSite(req, res) || indexPage(req, res, { ses: ses.viewerUrl, dynamo: dynamo.endpoint }),
    });
    stops.push(http.stop);
    environment[envNames.publicBaseUrl] = http.url;
    process.env[envNames.publicBaseUrl] = http.url;
    environment[envNames.publicSiteUrl] = `${http.url}${publicPathPrefix}`;
    process.env[envNames.publicSiteUrl] = environment[envNames.publicSiteUrl];

    say('      SMTP 受付を起動しています / starting the SMTP intake');
    const smtp = await startSmtpIntake({
      port: ports.smtp,
      s3: objects,
      bucket: localMailBucket,
      recipient: { localPart: directory.replyLocalPart, domain: directory.mailDomain },
      onMessage: (line) => say(`      ${line}`),
    });
    stops.push(smtp.stop);

    // Started last (every variable is set), stopped first (no job fires into a stack going down).
    const scheduler = options.scheduler === false ? undefined : startLocalScheduler({ onFiring: (firing) => say(describeFiring(firing)) });
    if (scheduler) stops.push(scheduler.stop);

    if (!options.inMemory) {
      // The files it loaded, for the CLI run in this folder (`compile`, `link`, the sheets), as absolute
      // paths; not known when it was given them already read, without their names.
      const loaded = (file: string | undefined, fallback: string) => (file !== undefined ? resolve(file) : options.files ? undefined : fallback);
      const running: RunningStack = {
        pid: process.pid,
        dynamoEndpoint: dynamo.endpoint,
        sesEndpoint: ses.endpoint,
        eventsEndpoint: events.endpoint,
        httpUrl: http.url,
        planFile: loaded(options.planFile, defaultPlanPath),
        directoryFile: loaded(options.directoryFile, defaultDirectoryPath),
        // The rules its scheduler and functions read (REMINDER_CONFIG), for `shinchoku remind` run in another shell.
        reminders: reminderConfigFromEnv(process.env),
      };
      await writeFile(runningFile(dataDir), `${JSON.stringify(running, null, 2)}\n`);
      stops.push(() => rm(runningFile(dataDir), { force: true }));
      const last: LastStart = { tenant: plan.plan.tenant, municipality: plan.plan.municipality, planFile: running.planFile, directoryFile: running.directoryFile };
      await writeFile(lastStartFile(dataDir), `${JSON.stringify(last, null, 2)}\n`);
    }
    return {
      tenant: plan.plan.tenant,
      tableName,
      dynamoEndpoint: dynamo.endpoint,
      sesEndpoint: ses.endpoint,
      mailViewerUrl: ses.viewerUrl,
      httpUrl: http.url,
      environment,
      events,
      ...(scheduler ? { scheduler } : {}),
      s3Endpoint: s3.endpoint,
      mailBucket: localMailBucket,
      smtpPort: smtp.port,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * The link-signing secret of the local stack: SHINCHOKU_LINK_SECRET when set, else one generated
 * once and kept beside the local data, so links in mails stay valid across restarts.
 */
export async function localLinkSecret(dataDir: string, ephemeral: boolean): Promise<string> {
  const fromEnv = process.env.SHINCHOKU_LINK_SECRET;
  if (fromEnv) return fromEnv;
  if (ephemeral) return randomBytes(32).toString('hex');
  const file = join(dataDir, 'link-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(32).toString('hex');
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}

/** The local stack's own front page: where everything is. */
function indexPage(req: IncomingMessage, res: ServerResponse, links: { ses: string; dynamo: string }): boolean {
  if (req.method !== 'GET' || (req.url ?? '/') !== '/') return false;
  const items = routes
    .map((r) => `<li><code>${r.method} ${r.path}</code> — ${r.description}</li>`)
    .join('\n');
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="ja"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>shinchoku (進捗) ローカル環境</title>
<h1>shinchoku (進捗) — ローカル環境 / local stack</h1>
<ul>
<li><a href="/api/plan">計画 (JSON) / the plan</a></li>
<li><a href="/public/">公開ページ・オープンデータ / public progress pages and open data</a> (ダッシュボードは <code>shinchoku dashboard-link</code> / dashboard: <code>shinchoku dashboard-link</code>)</li>
<li><a href="${links.ses}">送信メール一覧 (SES エミュレーター) / mails sent</a></li>
<li>DynamoDB Local: <code>${links.dynamo}</code></li>
</ul>
<h2>API</h2><ul>${items}</ul>`);
  return true;
}

/** `npm start`: bring the stack up, print where everything is, and stop cleanly on Ctrl-C. */
export async function runLocalStack(options: LocalStackOptions = {}): Promise<number> {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const stack = await startLocalStack({ onProgress: say, ...options });
  say('');
  say('shinchoku のローカル環境が起動しました / the local stack is up');
  say(`  画面・API / web & API    ${stack.httpUrl}/`);
  say(`  送信メール / mail viewer ${stack.mailViewerUrl}`);
  say(`  DynamoDB Local           ${stack.dynamoEndpoint}  (table "${stack.tableName}", tenant "${stack.tenant}")`);
  say(`  EventBridge (ローカル)   ${stack.events.endpoint}  (bus "${stack.events.busName}")`);
  say(`  メール受付 / SMTP intake 127.0.0.1:${stack.smtpPort}  (宛先 / to: progress+<token>@…; 上限 / limit 10 MB)`);
  say(`  公開ページ / public site ${stack.httpUrl}/public/  (四半期の集計後 / after a quarter is compiled)`);
  say(`  S3 (ローカル)            ${stack.s3Endpoint}  (bucket "${stack.mailBucket}")`);
  say('  停止は Ctrl-C / press Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  say('停止しています… / stopping…');
  await stack.stop();
  say('停止しました / stopped');
  return 0;
}
