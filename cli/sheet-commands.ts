/**
 * The 進捗管理シート on the command line, for the secretariat:
 * - `shinchoku import-sheet FILE... --ka <kaId> --quarter FY2013-Q2` imports returned sheets as that
 *   課's reports (the same `importSheet` the upload and the mail intake use: same checks, same
 *   all-or-nothing, same idempotency), with a progress bar for many files and a bilingual result
 *   per file;
 * - `shinchoku export-sheet --bukai <id> | --ka <id> --quarter Q [--out DIR]` writes the pre-filled
 *   sheet of a 部会 (or of one 課).
 *
 * Both work against the running local stack (DynamoDB at --endpoint, else SHINCHOKU_DYNAMODB_PORT,
 * else where the `npm start` running on .shinchoku recorded it, else 127.0.0.1:8000; link secret from
 * SHINCHOKU_LINK_SECRET or .shinchoku/link-secret; the city of --tenant, else of --plan, else TENANT,
 * else of the plan file that `npm start` was started with, else the embedded 下野市) or, with `--deployed`, against a
 * deployment: the AWS SDK's own credentials and region, the table in --table or TABLE_NAME, and the
 * link secret in LINK_SECRET or LINK_SECRET_ARN (Secrets Manager).
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { envNames } from '#shared/config/env';
import { linkSecret } from '#shared/config/secrets';
import { formatQuarter, tryParseQuarter } from '#shared/domain/fiscal';
import { reminderConfigFromEnv, type ReminderConfig } from '#shared/domain/reminders';
import { importAnswerText } from '#shared/sheet/answer';
import { SheetScopeError } from '#shared/sheet/export';
import { importSheet, type SheetImportResult } from '#shared/sheet/import';
import type { SheetScope } from '#shared/sheet/reference';
import { exportSheet } from '#shared/sheet/service';
import { catalogLoader, type Catalog } from '#shared/store/catalog-cache';
import { defaultPlanPath, readPlanFile } from '#shared/plan-file';
import { createStore, type Store } from '#shared/store/store';
import { defaultTableName } from '#shared/store/table';
import type { Caller } from '#shared/submit-report';
import { localClientConfig, sdkDocumentDb, sdkSecretReader } from '#local/aws-local';
import { isUnreachable, localDynamoEndpoint, planFilesOf, runningStack } from '#local/running-stack';
import { localSigningSecret } from './link-options.ts';
import { InputError, UsageError, type Output } from './output.ts';
import { stackReminderRules } from './reminder-rules.ts';

export interface SheetTargetOptions {
  /** DynamoDB endpoint of the local stack. @default SHINCHOKU_DYNAMODB_PORT, else the running `npm start`'s, else http://127.0.0.1:8000 */
  endpoint?: string;
  /** @default TABLE_NAME with --deployed, else "shinchoku" */
  table?: string;
  /** Use the AWS SDK's credentials and region (a deployment) instead of the local stack. */
  deployed?: boolean;
  /** Plan file whose tenant the sheets belong to. @default the running `npm start`'s (not with --deployed), else the embedded plan */
  plan?: string;
  /** The tenant itself. @default the tenant of --plan when given, else TENANT, else the plan file's above */
  tenant?: string;
  env?: NodeJS.ProcessEnv;
}

interface Target {
  store: Store;
  catalog: Catalog;
  secret: string;
  /** The reminder rules a sheet's 提出期限 follows: the running stack's, else this shell's REMINDER_CONFIG (read when asked). */
  reminderRules: () => ReminderConfig;
}

function quarterOption(text: string | undefined): string {
  if (!text) throw new UsageError('--quarter が必要です (例: FY2013-Q2)', '--quarter is required (e.g. FY2013-Q2)');
  const parsed = tryParseQuarter(text);
  if (!parsed) throw new InputError(`四半期を読み取れません: ${text} (例: FY2013-Q2)`, `cannot read quarter: ${text} (e.g. FY2013-Q2)`);
  return formatQuarter(parsed);
}

async function openTarget(options: SheetTargetOptions): Promise<Target> {
  const env = options.env ?? process.env;
  // The local stack running here (`npm start`): its DynamoDB, and the plan file it was started with.
  const running = options.deployed ? undefined : await runningStack();
  const planFile = planFilesOf({ plan: options.plan }, running).plan;
  const tenant = options.tenant ?? (options.plan ? undefined : env[envNames.tenant]) ?? (await readPlanFile(planFile ?? defaultPlanPath)).plan.plan.tenant;
  let store: Store;
  let secret: string;
  let endpoint: string | undefined;
  if (options.deployed) {
    const table = options.table ?? env[envNames.tableName];
    if (!table) throw new UsageError('--deployed には --table または TABLE_NAME が必要です', '--deployed needs --table or TABLE_NAME');
    // On AWS with the caller's own sign-in (profile, SSO), which only the SDK knows.
    store = createStore(sdkDocumentDb(), table, tenant);
    secret = await linkSecret(env, { read: sdkSecretReader() });
  } else {
    endpoint = await localDynamoEndpoint(options.endpoint, env, running);
    store = createStore(createDocumentClient(localClientConfig(endpoint)), options.table ?? defaultTableName, tenant);
    secret = await localSigningSecret(env);
  }
  let catalog: Catalog;
  try {
    catalog = await catalogLoader(store)();
  } catch (error) {
    const detail = (error as Error).message;
    if (isUnreachable(error)) {
      throw new Error(
        endpoint
          ? `DynamoDB (${endpoint}) に接続できません。ローカル環境 (npm start) は起動していますか。別のポートなら --endpoint か SHINCHOKU_DYNAMODB_PORT で指定してください (${detail}) / ` +
              `cannot reach DynamoDB at ${endpoint}: is the local stack (npm start) running? On other ports, give --endpoint or SHINCHOKU_DYNAMODB_PORT (${detail})`
          : `AWS の DynamoDB に接続できません。ネットワークとリージョンを確認してください (${detail}) / cannot reach DynamoDB on AWS; check the network and the region (${detail})`,
      );
    }
    // Reached, but the city is not there: with neither --plan nor --tenant (nor a plan file of another
    // city the running stack was started with) it may be another city.
    const named = options.plan !== undefined || options.tenant !== undefined || (planFile !== undefined && planFile !== defaultPlanPath);
    throw new Error(
      named
        ? `団体 ${tenant} の計画と名簿をテーブル ${store.tableName} から読めません。計画と名簿は読み込まれていますか (npm start または shinchoku load): ${detail} / ` +
            `cannot load the plan and directory of tenant ${tenant} from table ${store.tableName}; are they loaded (npm start, or shinchoku load)? ${detail}`
        : `団体 ${tenant} の計画と名簿を読めません。ローカル環境 (npm start) は起動していますか。別の団体なら --plan か --tenant で指定してください: ${detail} / ` +
            `cannot load the plan and directory of tenant ${tenant}; is the local stack (npm start) running? For another city, give --plan or --tenant: ${detail}`,
    );
  }
  // The deployed stack's rules are in its own configuration (the CDK context), which the shell's REMINDER_CONFIG should say.
  const reminderRules = () => (options.deployed ? reminderConfigFromEnv(env) : stackReminderRules(env, running));
  return { store, catalog, secret, reminderRules };
}

export interface ImportSheetCommandOptions extends SheetTargetOptions {
  files: string[];
  ka?: string;
  quarter?: string;
  json?: boolean;
  /** Show the progress bar (on a terminal with more than one file). @default stderr is a TTY */
  progress?: boolean;
}

/** `shinchoku import-sheet`: exit 0 when every file was accepted, 1 when any was refused. */
export async function importSheetCommand(options: ImportSheetCommandOptions, out: Output): Promise<number> {
  if (options.files.length === 0) throw new UsageError('取り込むファイルを指定してください', 'name at least one file to import');
  if (!options.ka) throw new UsageError('--ka が必要です (報告する課の id)', '--ka is required (the reporting 課 id)');
  const quarter = quarterOption(options.quarter);
  // Every file read before anything is imported: one that cannot be read refuses the whole run.
  const contents = await readSheetFiles(options.files);
  const { store, catalog, secret } = await openTarget(options);
  const ka = catalog.directory.ka.find((k) => k.id === options.ka);
  if (!ka) throw new InputError(`課 id "${options.ka}" は名簿にありません`, `no 課 with id "${options.ka}" in the directory`);
  // The secretariat acts for the 課: the same caller a form link of that 課 and quarter would give.
  const caller: Caller = {
    claims: { tenant: catalog.plan.plan.tenant, kaId: ka.id, quarter, purpose: 'form', expiresAt: Math.floor(Date.now() / 1000) + 3600 },
    ka,
    reporter: { kaId: ka.id, ka: ka.name, bukai: ka.bukai },
  };

  const showBar = (options.progress ?? process.stderr.isTTY === true) && options.files.length > 1;
  // The bar draws on stderr; the per-file answers go to stdout, after the bar, so the two never mix.
  const bar = showBar
    ? new cliProgress.SingleBar(
        { format: '取り込み / importing [{bar}] {value}/{total} {file}', stream: process.stderr, hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(options.files.length, 0, { file: '' });
  const results: SheetImportResult[] = [];
  const answers: string[] = [];
  try {
    for (const [index, file] of options.files.entries()) {
      bar?.update({ file: basename(file) });
      const content = contents[index]!;
      const result = await importSheet(store, catalog, caller, content, { fileName: basename(file), secret });
      results.push(result);
      const text = importAnswerText({ ...result, fileName: file });
      if (bar) answers.push(text);
      else if (!options.json) out.data(text);
      bar?.increment();
    }
  } finally {
    bar?.stop();
    // The answers held back for the bar, also those before a failure: their files were imported.
    if (!options.json) for (const text of answers) out.data(text);
  }
  const refused = results.filter((r) => r.outcome === 'refused').length;
  if (options.json) out.data(JSON.stringify(results, null, 2));
  const recorded = results.reduce((n, r) => n + (r.outcome === 'recorded' ? r.recorded.filter((x) => !x.duplicate).length : 0), 0);
  out.info(
    `${results.length} ファイル: 受付 ${results.length - refused}・不受理 ${refused}、記録した報告 ${recorded} 件`,
    `${results.length} file(s): ${results.length - refused} accepted, ${refused} refused; ${recorded} report(s) recorded`,
  );
  return refused > 0 ? 1 : 0;
}

/** The files' contents, in order; refused, naming every file that cannot be read, when any cannot. */
async function readSheetFiles(files: string[]): Promise<Buffer[]> {
  const read = await Promise.allSettled(files.map((file) => readFile(file)));
  const unreadable = read.flatMap((r, i) => (r.status === 'rejected' ? [{ file: files[i]!, error: r.reason as NodeJS.ErrnoException }] : []));
  if (unreadable.length > 0) {
    const reasonJa = (e: NodeJS.ErrnoException) =>
      e.code === 'ENOENT' ? 'ありません' : e.code === 'EACCES' || e.code === 'EPERM' ? '権限がありません' : e.code === 'EISDIR' ? 'フォルダーです' : '読めません';
    throw new Error(
      `読めないファイルがあるため、どのファイルも取り込んでいません: ${unreadable.map((u) => `${u.file} (${reasonJa(u.error)})`).join('、')} / ` +
        `nothing was imported, some files cannot be read: ${unreadable.map((u) => `${u.file} (${u.error.code ?? u.error.message})`).join(', ')}`,
    );
  }
  return read.map((r) => (r as PromiseFulfilledResult<Buffer>).value);
}

export interface ExportSheetCommandOptions extends SheetTargetOptions {
  bukai?: string;
  ka?: string;
  quarter?: string;
  /** Directory to write to. @default the working directory */
  out?: string;
}

/** `shinchoku export-sheet`: writes the sheet and prints its path on stdout. */
export async function exportSheetCommand(options: ExportSheetCommandOptions, out: Output): Promise<number> {
  if ((options.bukai === undefined) === (options.ka === undefined)) {
    throw new UsageError('--bukai か --ka のどちらか一方を指定してください', 'give exactly one of --bukai and --ka');
  }
  const quarter = quarterOption(options.quarter);
  const scope: SheetScope = options.bukai !== undefined ? { kind: 'bukai', id: options.bukai } : { kind: 'ka', id: options.ka! };
  const { store, catalog, secret, reminderRules } = await openTarget(options);
  const reminderConfig = reminderRules();
  let sheet;
  try {
    sheet = await exportSheet(store, catalog, { scope, quarter, secret, reminderConfig });
  } catch (error) {
    if (error instanceof SheetScopeError) throw new InputError(error.ja, error.en);
    throw error;
  }
  const dir = resolve(options.out ?? '.');
  await mkdir(dir, { recursive: true });
  const path = join(dir, sheet.fileName);
  await writeFile(path, sheet.buffer);
  out.info(`進捗管理シートを書き出しました (${sheet.rows.length} 事業)`, `wrote the progress sheet (${sheet.rows.length} measures)`);
  out.data(path);
  return 0;
}
