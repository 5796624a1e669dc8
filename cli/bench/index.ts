/**
 * `shinchoku bench`: one run that measures the submission path, the quarterly compile at growing
 * scale, the reminder run and the functions' cold start against real local parts, derives the
 * monthly cost per municipality, and writes everything to docs/BENCHMARKS.md. Figures are ratios
 * measured within the same run wherever possible, because the machines are shared and noisy.
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '#infra/function';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { startDynamoDbLocal } from '#local/dynamodb-local';
import { startSesEmulator } from '#local/ses-local';
import type { Output } from '../output.ts';
import { measureColdStart, renderColdStart, type ColdStartFigures } from './cold-start.ts';
import { fmt, over, verdict } from './format.ts';
import { startDynamoMeter } from './meter.ts';
import { lambdaNode, thisNode } from './lambda-node.ts';
import { measureCompile, measureReminders, measureSubmission, type CompileFigures, type ReminderFigures, type SubmissionOptions } from './steps.ts';
import { settledRuleText, warmPhaseText } from './jvm.ts';
import { measureSubmissionOn } from './submission-node.ts';
import { submissionSection, submissionSummary, submissionWhy, type SubmissionRun } from './submission-report.ts';

export interface BenchOptions {
  quick?: boolean;
  scales?: string;
  seed?: string;
  out?: string;
  budget?: string;
}

/**
 * List prices for ap-northeast-1 (Tokyo) as known on the date below, USD. They are to be checked
 * against https://aws.amazon.com/pricing before anyone quotes them.
 */
export const tokyoListPrices = {
  asOf: '2026-11 (価格表は要確認 / to be checked)',
  dynamoWritePerMillion: 0.715,
  dynamoReadPerMillion: 0.1425,
  dynamoStoragePerGbMonth: 0.285,
  lambdaRequestPerMillion: 0.2,
  lambdaArmGbSecond: 0.0000133334,
  httpApiPerMillion: 1.29,
  sesPerThousand: 0.1,
  schedulerPerMillion: 1.0,
} as const;


function version(cmd: string, args: string[]): string {
  const run = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n')[0] ?? `${cmd}: ?`;
}

async function packageVersions(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const all = { ...pkg.dependencies, ...pkg.devDependencies };
  return ['aws4', '@aws-sdk/util-dynamodb', '@aws-sdk/lib-dynamodb', '@middy/core', '@aws-lambda-powertools/logger', 'zod', 'esbuild', 'aws-ses-v2-local', 'tsx']
    .map((n) => `${n} ${all[n] ?? '?'}`)
    .join(', ');
}

export async function benchCommand(options: BenchOptions, out: Output): Promise<number> {
  const say = (ja: string, en: string) => out.info(`${new Date().toISOString().slice(11, 19)} ${ja}`, en);
  const quick = options.quick === true;
  const scales = (options.scales ?? (quick ? '1000,5000' : '1000,10000,100000')).split(',').map(Number);
  const seed = Number(options.seed ?? 20130401);
  const { plan } = await readPlanFile();
  const directory = await readDirectoryFile();
  const runStarted = new Date();

  say('[0] DynamoDB Local (インメモリ) と SES エミュレーターを起動しています', '[0] starting DynamoDB Local (in memory) and the SES emulator');
  const [dynamo, ses] = await Promise.all([startDynamoDbLocal({ port: 0, inMemory: true }), startSesEmulator({ port: 0 })]);
  const meter = await startDynamoMeter(dynamo.endpoint);
  const parts = { dynamoEndpoint: dynamo.endpoint, dynamoPid: dynamo.pid, sesEndpoint: ses.endpoint, meter, plan, directory, say };
  const submissions: SubmissionRun[] = [];
  let compile: CompileFigures;
  let reminders: ReminderFigures;
  let cold: ColdStartFigures;
  try {
    // On the Lambda runtime's Node first (a child process when this machine runs another major), then on
    // this machine's: the same code, each against a DynamoDB Local of its own (in a shared one, writes to
    // the table created later slow down with the stream records of the other; see measureCompile).
    const submissionOptions: SubmissionOptions = quick
      ? { sequential: 60, concurrent: 150, concurrency: 4, maxSeconds: 20, warmup: 30, maxWarmupSeconds: 20 }
      : { sequential: 3000, concurrent: 1200, concurrency: 8, maxSeconds: 180, warmup: 300, maxWarmupSeconds: 120 };
    const lambda = await lambdaNode(say, '[1]');
    if (lambda && lambda.execPath !== process.execPath) {
      say(`[1] 報告の送信経路 (${lambda.label}, 子プロセス)`, `[1] the submission path (${lambda.label}, a child process)`);
      const own = await startDynamoDbLocal({ port: 0, inMemory: true });
      try {
        submissions.push({ runtime: lambda, figures: await measureSubmissionOn(lambda, { dynamoEndpoint: own.endpoint, dynamoPid: own.pid }, submissionOptions) });
      } finally {
        await own.stop();
      }
    }
    const here = thisNode();
    say(`[1] 報告の送信経路 (${here.label})`, `[1] the submission path (${here.label})`);
    submissions.push({ runtime: here, figures: await measureSubmission(parts, submissionOptions) });
    // The compile seeds its scales into DynamoDB Local instances of its own (see measureCompile), so its large
    // tables do not slow the writes measured here; the order of the steps does not matter.
    reminders = await measureReminders(parts, { tenants: quick ? 5 : 20 });
    say('[2] 四半期集計', '[2] the quarterly compile');
    compile = await measureCompile(parts, {
      scales,
      seed,
      budgetSeconds: Number(options.budget ?? (quick ? 120 : 600)),
      compileCapSeconds: quick ? 40 : 150,
      rounds: quick ? 60 : 300,
      warmupRounds: quick ? 5 : 20,
      maxWarmupSeconds: quick ? 20 : 120,
      writers: 4,
    });
  } finally {
    await meter.stop();
    await Promise.all([dynamo.stop(), ses.stop()]);
  }
  // 11 runs: on a shared machine a slow spell can move the median of 7 paired ratios of one bundle by 0.1–0.2×.
  cold = await measureColdStart(say, quick ? 3 : 11);

  const markdown = render({ submissions, compile, reminders, cold, seed, runStarted, quick, versions: await packageVersions() });
  const file = options.out ?? join(projectRoot, 'docs', 'BENCHMARKS.md');
  await writeFile(file, markdown);
  say(`[5] 書き出しました: ${file}`, `[5] written: ${file}`);
  out.data(markdown);
  return 0;
}

interface Figures {
  /** The submission path on each Node it was measured on, the Lambda runtime's first. */
  submissions: SubmissionRun[];
  compile: CompileFigures;
  reminders: ReminderFigures;
  cold: ColdStartFigures;
  seed: number;
  runStarted: Date;
  quick: boolean;
  versions: string;
}

/** Monthly cost per municipality (51 事業, 23 課) from the measured units, requests and durations. */
export function monthlyCost(f: Pick<Figures, 'submissions' | 'compile' | 'reminders'>, measures = 51) {
  const submission = f.submissions[0]!.figures;
  const p = tokyoListPrices;
  const reportsPerMonth = (measures * 4) / 12; // one report per 事業 and quarter
  const compilesPerMonth = 4 / 12 + reportsPerMonth; // the quarterly compile + a recompile per (late) report
  const remindersPerMonth = 30;
  // Mails: a sending day as measured; about six sending days per quarter with the default rules.
  const mailsPerMonth = ((reminders(f).firstRunMails / f.reminders.tenants) * 6 * 4) / 12;
  const submissionSeconds = submission.inProcess.handlerP50 / 1000;
  const compileSeconds = (last(f.compile).msPerMeasure * measures) / 1000;
  const writeUnits = reportsPerMonth * submission.writeUnitsPerReport + compilesPerMonth * f.compile.compileWriteUnits * (measures / f.compile.measuresPerTenant) + remindersPerMonth * f.reminders.perTenantQuietRun.writeUnits + (mailsPerMonth / Math.max(1, reminders(f).firstRunMails / f.reminders.tenants)) * f.reminders.perTenantFirstRun.writeUnits;
  const readUnits = reportsPerMonth * submission.readUnitsPerReport + compilesPerMonth * f.compile.compileReadUnits * (measures / f.compile.measuresPerTenant) + remindersPerMonth * f.reminders.perTenantQuietRun.readUnits;
  const lambdaInvocations = reportsPerMonth + compilesPerMonth + remindersPerMonth;
  const gbSeconds = 0.5 * (reportsPerMonth * Math.max(submissionSeconds, 0.001) + compilesPerMonth * compileSeconds + remindersPerMonth * 0.1);
  const lines = [
    { what: 'DynamoDB 書き込み / writes', amount: `${fmt(writeUnits, 0)} WRU`, usd: (writeUnits / 1e6) * p.dynamoWritePerMillion },
    { what: 'DynamoDB 読み込み / reads', amount: `${fmt(readUnits, 0)} RRU`, usd: (readUnits / 1e6) * p.dynamoReadPerMillion },
    { what: 'DynamoDB 保存 / storage (~4 年分の報告, < 10 MB)', amount: '0.01 GB', usd: 0.01 * p.dynamoStoragePerGbMonth },
    { what: 'Lambda 要求 / requests', amount: fmt(lambdaInvocations, 0), usd: (lambdaInvocations / 1e6) * p.lambdaRequestPerMillion },
    { what: 'Lambda 実行 / duration (arm64, 512 MB)', amount: `${fmt(gbSeconds, 1)} GB-s`, usd: gbSeconds * p.lambdaArmGbSecond },
    { what: 'HTTP API 要求 / requests (報告 + 閲覧 ×10)', amount: fmt(reportsPerMonth * 11, 0), usd: ((reportsPerMonth * 11) / 1e6) * p.httpApiPerMillion },
    { what: 'SES 送信 / mails', amount: fmt(mailsPerMonth, 0), usd: (mailsPerMonth / 1000) * p.sesPerThousand },
    { what: 'EventBridge Scheduler', amount: fmt(remindersPerMonth + 1, 0), usd: ((remindersPerMonth + 1) / 1e6) * p.schedulerPerMillion },
  ];
  return { lines, total: lines.reduce((n, l) => n + l.usd, 0), reportsPerMonth, mailsPerMonth };
}

function reminders(f: Pick<Figures, 'reminders'>) {
  return f.reminders;
}

function last(c: CompileFigures) {
  return c.scales[c.scales.length - 1]!;
}

function render(f: Figures): string {
  const { compile: c, reminders: r, cold } = f;
  const rcuRatio = c.quarterQueryUnits / c.quarterQueryIdealUnits;
  const first = c.scales[0];
  const lastScale = c.scales[c.scales.length - 1];
  const scaleRatio = first && lastScale ? lastScale.msPerMeasure / first.msPerMeasure : NaN;
  const trimmedScaleRatio = first && lastScale ? lastScale.trimmedMsPerMeasure / first.trimmedMsPerMeasure : NaN;
  const dynamoScaleRatio = first && lastScale ? lastScale.dynamoMsPerMeasure / first.dynamoMsPerMeasure : NaN;
  const ownScaleRatio = first && lastScale ? lastScale.ownMsPerMeasure / first.ownMsPerMeasure : NaN;
  const requestOps = [...new Set(c.scales.flatMap((p) => p.requests.map((q) => q.op)))].sort();
  const requestMs = (p: (typeof c.scales)[number] | undefined, op: string) => p?.requests.find((q) => q.op === op)?.msPerMeasure ?? NaN;
  // The request kind whose time per 事業 grew the most from the smallest to the largest table.
  const grewMost = requestOps
    .map((op) => ({ op, from: requestMs(first, op), to: requestMs(lastScale, op) }))
    .sort((a, b) => b.to - b.from - (a.to - a.from))[0];
  const cost = monthlyCost(f);
  const coldReport = renderColdStart(cold);
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);
  push(
    '# ベンチマーク / Benchmarks',
    '',
    `\`npm run bench\` が ${f.runStarted.toISOString()} に一度の実行で計測・生成 (手で編集しない) / generated by one run of \`npm run bench\` (do not edit by hand).${f.quick ? ' **--quick 実行 / quick run**' : ''}`,
    '',
    '## 計測環境 / Machine',
    '',
    `- CPU: ${cpus().length} (nproc ${version('nproc', [])}), ${cpus()[0]?.model ?? '?'}`,
    `- メモリ / memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- ${f.submissions.map((run) => `${run.runtime.label} ${run.runtime.version}`).join(', ')}; ${version('java', ['-version'])}; DynamoDB Local 1.25.1 (in memory)`,
    `- packages: ${f.versions}`,
    '- 共有マシンで雑音が多いため、比は同じ実行内で交互に計測 / shared, noisy machine: ratios are measured within the same run, interleaved.',
    '',
    '## 一覧 / Summary',
    '',
    '| # | 指標 / figure | 計測値 / measured | 目標 / target | 判定 / verdict |',
    '|---|---|---|---|---|',
    ...submissionSummary(f.submissions),
    `| 2 | 四半期クエリの RCU / quarter query read units vs ideal | ${fmt(rcuRatio)}× (${fmt(c.quarterQueryUnits)} / ${fmt(c.quarterQueryIdealUnits)}) | ≤ 1.2× | ${verdict(rcuRatio <= 1.2, over(rcuRatio, 1.2))} |`,
    `| 2 | 事業あたり集計時間比 / time per 事業, table of ${lastScale?.measuresInTable.toLocaleString()} vs ${first?.measuresInTable.toLocaleString()} 事業 (中央値 / median, 交互計測 / interleaved) | ${fmt(scaleRatio)}× (${fmt(lastScale?.msPerMeasure ?? NaN, 3)} / ${fmt(first?.msPerMeasure ?? NaN, 3)} ms; 刈込平均 / trimmed mean ${fmt(trimmedScaleRatio)}×; n = ${lastScale?.samples ?? 0} / ${first?.samples ?? 0}) | ≤ 1.2 | ${verdict(scaleRatio <= 1.2, over(scaleRatio, 1.2))} |`,
    `| 3 | メール送信速度 / mails per second into the SES emulator | ${fmt(r.mailsPerSecond, 1)} /s | — | 参考 / info |`,
    `| 3 | 同日 3 回実行の重複 / duplicates after 3 runs of the same day | ${r.duplicates} (${r.totalMailsAfter3Runs} 通 / mails, 初回 / first run ${r.firstRunMails}) | 0 | ${verdict(r.duplicates === 0 && r.totalMailsAfter3Runs === r.firstRunMails, `${r.duplicates}`)} |`,
    ...coldReport.summary,
    `| 5 | 月額 / monthly cost per municipality | $${fmt(cost.total, 4)} | — | 参考 / info |`,
    '',
    '## 未達の理由 / Why targets are missed',
    '',
    ...submissionWhy(f.submissions),
    ...(scaleRatio > 1.2 && first && lastScale
      ? [
          `- **集計の規模比 / compile scaling**: 同じ実行内で交互に計測して ${fmt(scaleRatio)}× (刈込平均 ${fmt(trimmedScaleRatio)}×)。内訳 (中央値, ms/事業): DynamoDB 要求 (クライアントを含む) ${fmt(first.dynamoMsPerMeasure, 3)} → ${fmt(lastScale.dynamoMsPerMeasure, 3)} (${fmt(dynamoScaleRatio)}×)、集計コード自体 ${fmt(first.ownMsPerMeasure, 3)} → ${fmt(lastScale.ownMsPerMeasure, 3)} (${fmt(ownScaleRatio)}×)${grewMost ? `; 最も増えた要求 / grew most: ${grewMost.op} ${fmt(grewMost.from, 3)} → ${fmt(grewMost.to, 3)}` : ''}。集計が読むのは団体・四半期ごとのパーティション (ステータス, gsi1 の四半期) だけで、要求数・読み取り量は表の大きさによらない / the compile reads only its tenant's status partition and quarter partition of gsi1, so its requests and bytes do not depend on the table size; DynamoDB requests (client included) ${fmt(dynamoScaleRatio)}×, the compile's own code ${fmt(ownScaleRatio)}×.`,
        ]
      : []),
    ...coldReport.why,
    '',
    '## 1. 報告の送信経路 / Submission path',
    '',
    ...submissionSection(f.submissions),
    '## 2. 四半期集計 / Quarterly compile',
    '',
    `シード ${c.seed} の mulberry32 で多数の自治体 (1 団体 30–51 事業) の計画と報告を生成し、規模ごとに専用の DynamoDB Local (インメモリ) の表へ BatchWrite で投入 (すべての規模を先に投入)。その後、本物の \`compileAndSave\` (shared/quarter-compile.ts) を交互の巡回で計測: 1 巡で各表から無作為に選んだ 1 団体ずつを集計し、巡ごとに表の順番を回す。こうして全規模が同じマシン負荷の下で計測され、時間とともに変わる雑音は比から消える。計測する集計はどれも初回集計で、終わるたびにその団体のステータスを削除する (計測外)。慣らし運転 (下記) の後 ${c.rounds} 巡、${fmt(c.compileSeconds, 0)} 秒。規模ごとに DynamoDB Local を分けるのは、1 つのインスタンスに複数の表があると、ストリーム有効の表への書き込みが他の表のストリームレコードの数に応じて遅くなるため (DynamoDB Local 1.25.1 の性質: 同じ内容の表 2 つでも、後から作った表への書き込みが遅くなる) / a seeded generator writes many municipalities into one table per scale, each in a DynamoDB Local (in memory) of its own, all seeded first; then the real compile is timed in interleaved rounds, each compiling one randomly chosen tenant of every table in rotating order, so all scales see the same machine load and drift cancels out of the ratio. Every timed compile is a first compile: the tenant's status is deleted afterwards (untimed). after an untimed warm-up (below), ${c.rounds} rounds in ${fmt(c.compileSeconds, 0)} s. One DynamoDB Local per scale because in a shared one a write to a stream-enabled table slows down with the stream records the other tables hold (DynamoDB Local 1.25.1: of two identical tables, writes to the one created later are slower).`,
    '',
    compileWarmupText(c),
    '',
    `- 四半期クエリ (gsi1, 結果整合) の消費 RCU / quarter query read units: ${fmt(c.quarterQueryUnits)} for ${c.reportsRead} reports, ${c.reportBytes.toLocaleString()} bytes (${c.meteredTenants} 団体の初回集計) ; 理想 / ideal ⌈bytes / 4 KB⌉ × 0.5 = ${fmt(c.quarterQueryIdealUnits)} → ${fmt(rcuRatio)}×`,
    `- 集計 1 回あたり / per compile (1 団体, ${fmt(c.measuresPerTenant, 0)} 事業): 読み ${fmt(c.compileReads, 1)} 要求 ${fmt(c.compileReadUnits, 1)} RCU, 書き ${fmt(c.compileWrites, 1)} 要求 ${fmt(c.compileWriteUnits, 1)} WCU`,
    '',
    '| 表の事業 / 事業 in table | 団体 / tenants | 投入項目 / items seeded | 投入時間 / seeding | 計測した集計 / timed compiles (団体 / distinct) | 集計した事業 / 事業 compiled | ms/事業 中央値 / median | 刈込平均 / trimmed mean | p10–p90 | うち DynamoDB 要求中 / of which a DynamoDB request in flight (クライアント含む / incl.) | 集計コード / own code | 比 / ratio |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...c.scales.map(
      (p) =>
        `| ${p.measuresInTable.toLocaleString()} | ${p.tenantsInTable} | ${p.itemsWritten.toLocaleString()} | ${fmt(p.seedSeconds, 0)} s | ${p.samples} (${p.distinctTenants}) | ${p.measuresCompiled.toLocaleString()} | ${fmt(p.msPerMeasure, 3)} | ${fmt(p.trimmedMsPerMeasure, 3)} | ${fmt(p.p10MsPerMeasure, 3)}–${fmt(p.p90MsPerMeasure, 3)} | ${fmt(p.dynamoMsPerMeasure, 3)} | ${fmt(p.ownMsPerMeasure, 3)} | ${fmt(first ? p.msPerMeasure / first.msPerMeasure : NaN)}× |`,
    ),
    '',
    '集計中の DynamoDB 要求の時間 (種類ごとの所要時間の合計の中央値, ms/事業; 括弧内は集計 1 回あたりの要求数; 一括書き込みは並行するため合計は経過時間を超えうる) / time in each kind of DynamoDB request during the compile (median of the summed durations, ms per 事業; requests per compile in brackets; batch writes run side by side, so a sum can exceed the wall time they took):',
    '',
    `| 要求 / request | ${c.scales.map((p) => `${p.measuresInTable.toLocaleString()} 事業`).join(' | ')} |`,
    `|---|${c.scales.map(() => '---').join('|')}|`,
    ...requestOps.map((op) => `| ${op} | ${c.scales.map((p) => `${fmt(requestMs(p, op), 3)} (${fmt(p.requests.find((q) => q.op === op)?.perCompile ?? NaN, 0)})`).join(' | ')} |`),
    '',
    'Put と Delete は集計のリース (同じ四半期の集計を 1 つずつにする) の取得と返却、Query は保存済みステータスのパーティション、Query gsi1 は四半期の報告、BatchWrite はステータスの項目 / Put and Delete take and give back the compile lease (one compile of a quarter at a time), Query reads the stored status partition, Query gsi1 the quarter\'s reports, BatchWrite writes the status items.',
    '',
    ...(c.notReached.length > 0
      ? [
          '届かなかった規模 / scales not reached in this run:',
          ...c.notReached.map((n) => `- ${n.scale.toLocaleString()} 事業: ${n.reason}`),
          '集計は団体ごとのパーティション (計画・ステータス) と四半期 GSI パーティションだけを読むため、テーブル全体の大きさに依存しない。上の最大規模までの比をそのまま外挿した / the compile reads only its tenant\'s partitions, so the ratio measured up to the largest scale reached is extrapolated as is.',
          '',
        ]
      : []),
    `団体の少ない表 (例: ${first?.tenantsInTable ?? 0} 団体) では巡の数が団体数を超えると同じ団体を (ステータスを消して) もう一度集計する / a table with fewer tenants than rounds compiles the same tenants again, their status cleared in between.`,
    '',
    '## 3. リマインダー / Reminder run',
    '',
    `本物の \`runReminderJob\` (shared/reminder-job.ts) を ${r.tenants} 団体 (下野市の名簿と計画の複製) について ${r.day} 09:00 JST で 3 回ずつ実行、SES エミュレーターへ MAIL_MAX_PER_SECOND=0 で送信。DynamoDB へは計測プロキシ経由 / the real reminder job for ${r.tenants} copies of the 下野市 tenant, 3 runs of the same day, mails into the SES emulator unpaced; DynamoDB through the meter.`,
    '',
    `- 初回 / first run: ${r.firstRunMails} 通 / mails in ${fmt(r.firstRunSeconds)} s → **${fmt(r.mailsPerSecond, 1)} 通/秒 / mails per second**`,
    `- 3 回実行後の SES 受信 / in the emulator after 3 runs: ${r.totalMailsAfter3Runs}; 重複 / duplicates (same From, To, Cc, Subject): **${r.duplicates}**`,
    `- 1 団体あたり DynamoDB / per tenant: 送信日 / sending day ${fmt(r.perTenantFirstRun.reads, 0)} reads ${fmt(r.perTenantFirstRun.readUnits, 1)} RCU, ${fmt(r.perTenantFirstRun.writes, 0)} writes ${fmt(r.perTenantFirstRun.writeUnits, 1)} WCU; 再実行 / rerun ${fmt(r.perTenantQuietRun.reads, 0)} reads ${fmt(r.perTenantQuietRun.readUnits, 1)} RCU, ${fmt(r.perTenantQuietRun.writes, 0)} writes`,
    '',
    ...coldReport.section,
    '## 5. 費用 / Cost per municipality and month',
    '',
    `51 事業・23 課、四半期ごとに 1 事業 1 報告 (月 ${fmt(cost.reportsPerMonth, 1)} 件)、報告ごとに再集計、毎日のリマインダー実行、月 ${fmt(cost.mailsPerMonth, 0)} 通 (送信日の実測 × 四半期 6 送信日)。東京リージョン (ap-northeast-1) の定価 (${tokyoListPrices.asOf}、筆者の知る値であり要確認) / list prices as known, to be checked:`,
    `DynamoDB on-demand $${tokyoListPrices.dynamoWritePerMillion}/M WRU, $${tokyoListPrices.dynamoReadPerMillion}/M RRU, $${tokyoListPrices.dynamoStoragePerGbMonth}/GB-month; Lambda $${tokyoListPrices.lambdaRequestPerMillion}/M requests, arm64 $${tokyoListPrices.lambdaArmGbSecond}/GB-s; HTTP API $${tokyoListPrices.httpApiPerMillion}/M; SES $${tokyoListPrices.sesPerThousand}/1000 mails; EventBridge Scheduler $${tokyoListPrices.schedulerPerMillion}/M. 無料枠は含めない / free tiers ignored.`,
    '',
    '| 項目 / item | 量 / amount per month | USD |',
    '|---|---|---|',
    ...cost.lines.map((l) => `| ${l.what} | ${l.amount} | ${fmt(l.usd, 6)} |`),
    `| **合計 / total** | | **${fmt(cost.total, 4)}** |`,
    '',
    'CloudWatch Logs・X-Ray・Secrets Manager ($0.40/secret-month, 全団体で 1 つ) は含めない; 実際には固定費 (Secrets Manager, ログ保存) が上回る / fixed costs such as Secrets Manager and log storage are not included and dominate in practice.',
    '',
  );
  return lines.join('\n');
}

/** The compile's warm-up: every table's DynamoDB Local, until their compilers settled. */
export function compileWarmupText(c: CompileFigures): string {
  const rule = settledRuleText(c.maxWarmupSeconds, {
    ja: 'すべての表の DynamoDB Local の JIT コンパイラー (C1/C2 のスレッド) の合計',
    en: "the JIT compilers of all the tables' DynamoDB Locals together (their C1/C2 threads)",
  });
  const phase = warmPhaseText(c.warmup, { ja: '巡', en: 'rounds' });
  return (
    `慣らし運転 / warm-up: 各表で ${c.warmupRounds} 回以上、${rule.ja}。この実行: ${phase.ja} / ` +
    `at least ${c.warmupRounds} untimed compiles of each table, and ${rule.en}; this run: ${phase.en}.`
  );
}
