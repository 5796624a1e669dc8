/**
 * `shinchoku compile --quarter FY2013-Q2`: compile a quarter on demand against the running local stack
 * (or the DynamoDB at `--endpoint`), with the same handler code Lambda runs
 * (`functions/compile-quarter/handler.ts`) and the environment the local stack gives it.
 *
 * DynamoDB and the SES emulator are as --endpoint and SHINCHOKU_DYNAMODB_PORT / SHINCHOKU_SES_PORT say,
 * else where the stack running on .shinchoku recorded them (an `npm start` on other ports), else on
 * the well-known ports 8000 and 8005.
 *
 * The tenant is the plan's: --plan when given, else the plan file the stack running on .shinchoku was
 * started with, else the embedded 下野市 plan.
 *
 * QuarterCompiled goes to a local EventBridge: the stack's own when SHINCHOKU_EVENTS_PORT says where
 * it is or the stack running on .shinchoku recorded it, else one started here for the run, which
 * delivers it by the rules of events/rules.ts to send-digest in this process — so the digest lands in
 * the stack's SES emulator (once per quarter).
 */
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { envNames } from '#shared/config/env';
import { formatQuarter, formatQuarterEn, formatQuarterJa, parseQuarter, tryParseQuarter } from '#shared/domain/fiscal';
import { defaultPlanPath, readPlanFile } from '#shared/plan-file';
import { loadPlan } from '#shared/store/plan-items';
import type { Rollup } from '#shared/domain/status';
import { loadCompiledQuarter } from '#shared/store/status-items';
import { createStore, type Store } from '#shared/store/store';
import type { PlanFile } from '#shared/domain/plan';
import { defaultTableName } from '#shared/store/table';
import { createDynamoDbClient, localClientConfig, localCredentials, localRegion } from '#local/aws-local';
import { localDynamoEndpoint, localSesEndpoint, planFilesOf, runningStack, type RunningStack } from '#local/running-stack';
import type { CompileQuarterResult } from '#functions/compile-quarter/handler';
import { InputError, UsageError, type Output } from './output.ts';

export interface CompileCommandOptions {
  quarter?: string;
  /** DynamoDB endpoint. @default SHINCHOKU_DYNAMODB_PORT, else the running `npm start`'s, else http://127.0.0.1:8000 */
  endpoint?: string;
  /** @default "shinchoku" */
  table?: string;
  /** Plan file, for the tenant. @default the running `npm start`'s, else the embedded plan */
  plan?: string;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
}

export async function compileCommand(options: CompileCommandOptions, out: Output): Promise<number> {
  const env = options.env ?? process.env;
  if (!options.quarter) throw new UsageError('--quarter が必要です (例: FY2013-Q2)', '--quarter is required (e.g. FY2013-Q2)');
  const parsed = tryParseQuarter(options.quarter);
  if (!parsed) {
    throw new InputError(`四半期を読み取れません: ${options.quarter} (例: FY2013-Q2)`, `cannot read quarter: ${options.quarter} (e.g. FY2013-Q2)`);
  }
  const quarter = formatQuarter(parsed);
  const opened = await openLocalStore(options, env, out);
  if (!opened) return 1;
  const { store, plan, running, endpoint, tableName } = opened;
  const tenant = plan.plan.tenant;

  // The running stack's bus, so its targets (publish-public, send-digest) do their work with the
  // stack's own parts: as SHINCHOKU_EVENTS_PORT says, else as the stack recorded it in .shinchoku.
  const eventsPort = Number(env.SHINCHOKU_EVENTS_PORT || 0);
  const stackEvents = eventsPort > 0 ? `http://127.0.0.1:${eventsPort}` : running?.eventsEndpoint;
  const { startLocalEventBridge, localBusName } = await import('#local/eventbridge-local');
  const { localLambdaContext } = await import('#local/lambda-context');
  const bus = stackEvents ? undefined : await startLocalEventBridge();
  try {
    const sesEndpoint = localSesEndpoint(env, running);
    // The handlers read their configuration from the environment at load, as on Lambda.
    Object.assign(process.env, {
      AWS_REGION: localRegion,
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_ENDPOINT_URL_SES: sesEndpoint,
      AWS_ENDPOINT_URL_SESV2: sesEndpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: stackEvents ?? bus!.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      [envNames.tableName]: tableName,
      [envNames.tenant]: tenant,
      [envNames.eventBusName]: bus?.busName ?? localBusName,
    });
    const { handler } = await import('#functions/compile-quarter/handler');
    const result = (await handler({ quarter }, localLambdaContext('compile-quarter', randomUUID()))) as CompileQuarterResult;
    if (result.outcome === 'outside-plan-period') {
      const { from, to } = plan.plan.period;
      out.error(
        `${formatQuarterJa(parsed)} は計画期間 (FY${from}〜FY${to}) の外です。集計しませんでした`,
        `${formatQuarterEn(parsed)} is outside the plan period (FY${from}–FY${to}); nothing was compiled`,
      );
      return 1;
    }
    if (bus) await bus.idle();

    const compiled = await loadCompiledQuarter(store, quarter);
    if (options.json) {
      out.data(JSON.stringify({ ...result, rollups: compiled?.rollups ?? [], digest: digestOutcome(bus) }, null, 2));
    } else {
      const q = parseQuarter(quarter);
      const c = result.counts;
      out.info(
        `${formatQuarterJa(q)} を集計しました${result.changed ? '' : ' (前回と同じ結果)'}: 順調 ${c.green}・注意 ${c.amber}・遅延 ${c.red}・未報告 ${c.unreported}`,
        `compiled ${formatQuarterEn(q)}${result.changed ? '' : ' (same result as before)'}: ${c.green} on track, ${c.amber} attention, ${c.red} delayed, ${c.unreported} not reported`,
      );
      out.data(rollupTable(compiled?.rollups ?? []));
      const digest = digestOutcome(bus);
      if (digest === 'failed') {
        out.error('幹部向けダイジェストを送れませんでした (SES エミュレーターは起動していますか)', 'the leadership digest could not be sent (is the SES emulator running?)');
      } else if (digest) {
        const said = digestWords[digest];
        out.info(`幹部向けダイジェスト: ${said.ja}`, `leadership digest: ${said.en}`);
      }
    }
    return 0;
  } finally {
    await bus?.stop();
  }
}

export type DigestOutcome = 'sent' | 'already-sent' | 'before-reports-due' | 'delivered';

export const digestWords: Record<DigestOutcome, { ja: string; en: string }> = {
  sent: { ja: '送信しました', en: 'sent' },
  'already-sent': { ja: 'この四半期の分は送信済みです', en: 'already sent for this quarter' },
  'before-reports-due': {
    ja: '報告期限の翌日以降の集計で送ります (今回は送っていません)',
    en: 'it goes out with a compile on or after the day after the reports are due (not sent now)',
  },
  delivered: { ja: '送信処理に渡しました', en: 'handed to send-digest' },
};

/**
 * What send-digest did with the QuarterCompiled this run's own bus delivered (its answer's
 * `outcome`), or 'failed' when the delivery failed; undefined without a bus of its own.
 */
export function digestOutcome(bus: { delivered: readonly { fn: string; result?: unknown }[]; deadLetters: readonly { fn: string }[] } | undefined): DigestOutcome | 'failed' | undefined {
  if (!bus) return undefined;
  if (bus.deadLetters.some((d) => d.fn === 'send-digest')) return 'failed';
  const delivery = bus.delivered.find((d) => d.fn === 'send-digest');
  if (!delivery) return undefined;
  const outcome = (delivery.result as { outcome?: unknown } | undefined)?.outcome;
  return outcome === 'sent' || outcome === 'already-sent' || outcome === 'before-reports-due' ? outcome : 'delivered';
}

/**
 * The store of the local stack the CLI works on (`--endpoint`, SHINCHOKU_DYNAMODB_PORT, else the
 * running `npm start`'s), for the tenant of the plan file (`--plan`, else the running stack's, else the
 * embedded one): undefined, once it has said why, when the table is not there or holds no such plan.
 */
export async function openLocalStore(
  options: { endpoint?: string; table?: string; plan?: string },
  env: NodeJS.ProcessEnv,
  out: Output,
): Promise<{ store: Store; plan: PlanFile; running: RunningStack | undefined; endpoint: string; tableName: string } | undefined> {
  const running = await runningStack();
  const endpoint = await localDynamoEndpoint(options.endpoint, env, running);
  const tableName = options.table ?? defaultTableName;
  const planFile = planFilesOf({ plan: options.plan }, running).plan;
  const { plan } = await readPlanFile(planFile ?? defaultPlanPath);
  const tenant = plan.plan.tenant;

  const problem = await checkTable(endpoint, tableName);
  if (problem) {
    out.error(problem.ja, problem.en);
    return undefined;
  }
  const store = createStore(createDocumentClient(localClientConfig(endpoint)), tableName, tenant);
  if (!(await loadPlan(store))) {
    // Not loaded for this tenant: after falling back to the embedded plan, the table is likely another
    // city's, which its plan file (--plan) names.
    const named = planFile !== undefined && planFile !== defaultPlanPath;
    out.error(
      named
        ? `計画がテナント ${tenant} に読み込まれていません (${planFile})。\`npm start\` か \`shinchoku load\` で読み込んでください`
        : `計画がテナント ${tenant} (組み込みの下野市の計画) に読み込まれていません。別の団体なら --plan で計画ファイルを指定してください`,
      named
        ? `no plan is loaded for tenant ${tenant} (${planFile}); load it with \`npm start\` or \`shinchoku load\``
        : `no plan is loaded for tenant ${tenant} (the embedded Shimotsuke plan); for another city, give its plan file with --plan`,
    );
    return undefined;
  }
  return { store, plan, running, endpoint, tableName };
}

/** A bilingual hint when the table cannot be reached; undefined when it is there. */
async function checkTable(endpoint: string, tableName: string): Promise<{ ja: string; en: string } | undefined> {
  const client = createDynamoDbClient({ ...localClientConfig(endpoint), maxAttempts: 1, requestHandler: { connectionTimeout: 2000, requestTimeout: 5000 } });
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return undefined;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      return {
        ja: `テーブル ${tableName} が ${endpoint} にありません。\`npm start\` でローカル環境を起動してください`,
        en: `table ${tableName} does not exist at ${endpoint}; start the local stack with \`npm start\``,
      };
    }
    return {
      ja: `DynamoDB (${endpoint}) に接続できません。別の端末で \`npm start\` を実行するか、--endpoint を指定してください`,
      en: `cannot reach DynamoDB at ${endpoint}; run \`npm start\` in another terminal, or pass --endpoint`,
    };
  } finally {
    client.destroy();
  }
}

/** The roll-up scopes as the table names them. */
const scopeLabels: Record<Rollup['scope'], string> = {
  plan: '計画全体 / plan',
  goal: '基本目標 / goal',
  area: '施策分野 / area',
  bukai: '専門部会 / bukai',
};

/** The roll-ups as `compile` prints them: tab-separated, for people and spreadsheets alike (`--json` is for machines). */
export function rollupTable(rollups: readonly Rollup[]): string {
  const head = ['範囲 / scope', 'id', '順調 / on track', '注意 / attention', '遅延 / delayed', '未報告 / not reported'];
  const rows = rollups.map((r) => [scopeLabels[r.scope], r.scopeId, r.counts.green, r.counts.amber, r.counts.red, r.counts.unreported]);
  return [head, ...rows].map((row) => row.join('\t')).join('\n');
}
