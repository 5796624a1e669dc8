/**
 * `shinchoku <command>`: the one entry point for people. Each command lives in its own module;
 * this file only reads the arguments and dispatches.
 */
import { parseArgs } from 'node:util';
import { consoleOutput, describeError, InputError, UsageError, type Output } from './output.ts';

export const usage = `使い方 / usage: shinchoku <command>

  start [--fresh] [--port N] [--plan FILE] [--directory FILE] [--accept-changes]
                       ローカル環境を起動 / run the local stack (DynamoDB Local, SES emulator, HTTP)
  load --table NAME [--plan FILE] [--directory FILE] [--accept-changes]
                       計画と名簿を AWS 上のテーブルに読み込む / load the plan and directory into a deployed table
  plan export [--format json|csv] [--bom] [--plan FILE]
                       計画を出力 / print the plan catalog
  plan lint [FILE...]  計画ファイルを検査 / check plan files (schema and budget arithmetic)
  plan schema          計画ファイルの JSON Schema / the plan file's JSON Schema
  openapi [--write]    API の OpenAPI 文書 (--write で shared/http/openapi.json を更新) / the API's OpenAPI document (--write updates shared/http/openapi.json)
  directory lint [FILE...] [--plan FILE]
                       名簿ファイルを検査 / check directory files against their schema and the plan
  link --ka KA_ID --quarter FY2013-Q2 [--base-url URL] [--days N] [--plan FILE] [--directory FILE]
                       課の報告フォームの署名付きリンクと返信先アドレス / a 課's signed form link and reply-to address
  dashboard-link [--holder sogo-seisaku|leadership] [--quarter FY2013-Q2] [--base-url URL] [--days N] [--plan FILE] [--directory FILE]
                       事務局・幹部向けダッシュボードの署名付きリンク / the signed dashboard link (secretariat, leadership)
  compile --quarter FY2013-Q2 [--endpoint URL] [--table NAME] [--plan FILE] [--json]
                       四半期を今すぐ集計 (ローカル環境) / compile a quarter now against the local stack
  remind [--day 2013-10-07] [--endpoint URL] [--table NAME] [--plan FILE] [--base-url URL] [--json]
                       その日のリマインダーを今すぐ送る (ローカル環境、同じ日は一度だけ) / send a day's reminders now against the local stack (once per day)
  import-sheet FILE... --ka KA_ID --quarter FY2013-Q2 [--endpoint URL | --deployed] [--table NAME] [--plan FILE | --tenant ID] [--json] [--progress]
                       記入済みの進捗管理シート (.xlsx) を課の報告として取り込む / import returned progress sheets as a 課's reports
  export-sheet --bukai ID | --ka KA_ID --quarter FY2013-Q2 [--out DIR] [--endpoint URL | --deployed] [--table NAME] [--plan FILE | --tenant ID]
                       記入済みの進捗管理シートを書き出す / write the pre-filled progress sheet of a 部会 (or 課)
  replay --from 2012-04-01 --to 2016-03-31 [--script FILE] [--plan FILE] [--directory FILE] [--json] [--keep-data]
                       計画期間を模擬時計で再生 (リマインダー・集計・ダイジェスト) / replay the plan period on a simulated clock
  bench [--quick] [--scales 1000,10000,100000] [--seed N] [--budget SECONDS] [--out FILE]
                       性能と費用を計測し docs/BENCHMARKS.md に書く / measure cost and performance, write docs/BENCHMARKS.md
`;

type Command = (args: string[], out: Output) => Promise<number>;

/** The options of the commands that work on the local stack's table (`openLocalStore` in compile-command.ts). */
const localStoreOptions = {
  endpoint: { type: 'string' },
  table: { type: 'string' },
  plan: { type: 'string' },
} as const;

const commands: Record<string, Command> = {
  async bench(args, out) {
    const { values } = parseArgs({
      args,
      options: {
        quick: { type: 'boolean', default: false },
        scales: { type: 'string' },
        seed: { type: 'string' },
        budget: { type: 'string' },
        out: { type: 'string' },
      },
    });
    const { benchCommand } = await import('./bench/index.ts');
    return benchCommand(values, out);
  },
  async replay(args, out) {
    const { replayCommand } = await import('./replay.ts');
    return replayCommand(args, out);
  },
  async start(args) {
    const { values } = parseArgs({
      args,
      options: {
        fresh: { type: 'boolean', default: false },
        port: { type: 'string' },
        plan: { type: 'string' },
        directory: { type: 'string' },
        'accept-changes': { type: 'boolean', default: false },
      },
    });
    const { runLocalStack } = await import('#local/stack');
    return runLocalStack({
      fresh: values.fresh,
      acceptPlanChanges: values['accept-changes'],
      httpPort: values.port === undefined ? undefined : parsePort(values.port),
      planFile: values.plan,
      directoryFile: values.directory,
    });
  },
  async load(args, out) {
    const { values } = parseArgs({
      args,
      options: { table: { type: 'string' }, plan: { type: 'string' }, directory: { type: 'string' }, 'accept-changes': { type: 'boolean', default: false } },
    });
    const { loadCommand } = await import('./load-command.ts');
    return loadCommand({ table: values.table, plan: values.plan, directory: values.directory, acceptChanges: values['accept-changes'] }, out);
  },
  async plan(args, out) {
    const [sub, ...rest] = args;
    const { planExport, planLint, planJsonSchema } = await import('./plan-commands.ts');
    if (sub === 'export') {
      const { values } = parseArgs({
        args: rest,
        options: { format: { type: 'string', default: 'json' }, plan: { type: 'string' }, bom: { type: 'boolean', default: false } },
      });
      return planExport({ format: values.format, plan: values.plan, bom: values.bom }, out);
    }
    if (sub === 'lint') {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true });
      return lintEach(positionals, (file) => planLint(file, out), out);
    }
    if (sub === 'schema') {
      out.data(planJsonSchema());
      return 0;
    }
    throw new UsageError(`plan のサブコマンドが不明です: ${sub ?? '(なし)'}`, `unknown plan subcommand: ${sub ?? '(none)'}`);
  },
  async openapi(args, out) {
    const { values } = parseArgs({ args, options: { write: { type: 'boolean', default: false } } });
    const { openApiCommand } = await import('./openapi-command.ts');
    return openApiCommand(values, out);
  },
  async directory(args, out) {
    const [sub, ...rest] = args;
    if (sub !== 'lint') {
      throw new UsageError(`directory のサブコマンドが不明です: ${sub ?? '(なし)'}`, `unknown directory subcommand: ${sub ?? '(none)'}`);
    }
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { plan: { type: 'string' } } });
    const { directoryLint } = await import('./plan-commands.ts');
    return lintEach(positionals, (file) => directoryLint(file, values.plan, out), out);
  },
  async link(args, out) {
    const { values } = parseArgs({
      args,
      options: {
        ka: { type: 'string' },
        quarter: { type: 'string' },
        'base-url': { type: 'string' },
        days: { type: 'string' },
        plan: { type: 'string' },
        directory: { type: 'string' },
      },
    });
    const { linkCommand } = await import('./link-command.ts');
    return linkCommand({ ...values, baseUrl: values['base-url'] }, out);
  },
  async 'dashboard-link'(args, out) {
    const { values } = parseArgs({
      args,
      options: {
        holder: { type: 'string' },
        quarter: { type: 'string' },
        'base-url': { type: 'string' },
        days: { type: 'string' },
        plan: { type: 'string' },
        directory: { type: 'string' },
      },
    });
    const { dashboardLinkCommand } = await import('./dashboard-link-command.ts');
    return dashboardLinkCommand({ ...values, baseUrl: values['base-url'] }, out);
  },
  async compile(args, out) {
    const { values } = parseArgs({
      args,
      options: {
        quarter: { type: 'string' },
        ...localStoreOptions,
        json: { type: 'boolean', default: false },
      },
    });
    const { compileCommand } = await import('./compile-command.ts');
    return compileCommand(values, out);
  },
  async remind(args, out) {
    const { values } = parseArgs({
      args,
      options: {
        day: { type: 'string' },
        ...localStoreOptions,
        'base-url': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const { remindCommand } = await import('./remind-command.ts');
    return remindCommand({ ...values, baseUrl: values['base-url'] }, out);
  },
  async 'import-sheet'(args, out) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        ka: { type: 'string' },
        quarter: { type: 'string' },
        endpoint: { type: 'string' },
        table: { type: 'string' },
        plan: { type: 'string' },
        tenant: { type: 'string' },
        deployed: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        progress: { type: 'boolean' },
      },
    });
    const { importSheetCommand } = await import('./sheet-commands.ts');
    return importSheetCommand({ ...values, files: positionals }, out);
  },
  async 'export-sheet'(args, out) {
    const { values } = parseArgs({
      args,
      options: {
        bukai: { type: 'string' },
        ka: { type: 'string' },
        quarter: { type: 'string' },
        out: { type: 'string' },
        endpoint: { type: 'string' },
        table: { type: 'string' },
        plan: { type: 'string' },
        tenant: { type: 'string' },
        deployed: { type: 'boolean', default: false },
      },
    });
    const { exportSheetCommand } = await import('./sheet-commands.ts');
    return exportSheetCommand(values, out);
  },
};

/**
 * Lint every file named (the default file when none is): each prints its own result, one that cannot
 * be read is reported and the others still checked. Exit 1 when any file has defects or cannot be read.
 */
async function lintEach(files: string[], lint: (file: string | undefined) => Promise<number>, out: Output): Promise<number> {
  let status = 0;
  for (const file of files.length > 0 ? files : [undefined]) {
    try {
      status = Math.max(status, await lint(file));
    } catch (error) {
      if (files.length <= 1) throw error;
      const { ja, en } = describeError(error);
      out.error(ja, en);
      status = 1;
    }
  }
  return status;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`ポート番号が不正です: ${text}`, `invalid port: ${text}`);
  }
  return port;
}

/** What node:util's parseArgs refused, in Japanese too: it names the option or argument only in English. */
function parseArgsError(error: Error & { code: string }): { ja: string; en: string } {
  const token = /'([^']+)'/.exec(error.message)?.[1];
  const what = token ? `: ${token}` : '';
  const ja =
    error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
      ? `不明なオプションです${what}`
      : error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
        ? `オプションの値が不正です${what} (値が要るオプションに値がないか、値を取らないオプションに値があります)`
        : error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
          ? `余分な引数です${what}`
          : `引数が不正です${what}`;
  return { ja, en: error.message };
}

export async function main(argv: string[], out: Output = consoleOutput): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    out.data(usage);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  try {
    if (!command) throw new UsageError(`不明なコマンドです: ${name}`, `unknown command: ${name}`);
    if (args.includes('--help') || args.includes('-h')) {
      out.data(usage);
      return 0;
    }
    return await command(args, out);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      const { ja, en } = error instanceof UsageError ? error : parseArgsError(error as Error & { code: string });
      out.error(ja, en);
      if (error instanceof InputError) out.info('使い方は shinchoku help', 'usage: shinchoku help');
      else out.data(usage);
      return 2;
    }
    const { ja, en } = describeError(error);
    out.error(ja, en);
    return 1;
  }
}
