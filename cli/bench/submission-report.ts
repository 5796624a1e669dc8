/**
 * Figure 1 of docs/BENCHMARKS.md, the submission path: its rows of the summary, the reasons when the
 * handler misses its target, and its section, for each Node.js it was measured on (the Lambda runtime's
 * first, then this machine's when that is another major).
 */
import { nodeRuntime } from '#infra/function';
import { fmt, over, percent, verdict } from './format.ts';
import { settledRuleText, warmPhaseText } from './jvm.ts';
import type { NodeRuntime } from './lambda-node.ts';
import type { Interval } from './stats.ts';
import type { SubmissionFigures, WarmupFigures } from './steps.ts';

/** The submission path as measured on one Node.js. */
export interface SubmissionRun {
  runtime: NodeRuntime;
  figures: SubmissionFigures;
}

/** The API handler's target: its latency and throughput at most this ratio to the bare client calls. */
export const apiTarget = 1.15;

/** A ratio's 95% interval from the rounds resampled in pairs; says when the target lies inside it. */
const interval = (i: Interval) =>
  `${fmt(i.level * 100, 0)}% 区間 / interval ${fmt(i.low)}–${fmt(i.high)}×${i.low <= apiTarget && apiTarget <= i.high ? `, ${apiTarget}× は区間内 / ${apiTarget}× lies within` : ''}`;

/** The ratios the summary judges and shows, of one run. */
export function submissionRatios(s: SubmissionFigures) {
  const seq = s.sequential;
  const conc = s.concurrent;
  return {
    httpP50: seq.http.p50 / seq.sdk.p50,
    inProcessP50: seq.inProcess.p50 / seq.sdk.p50,
    httpP99: seq.http.p99 / seq.sdk.p99,
    inProcessP99: seq.inProcess.p99 / seq.sdk.p99,
    httpThroughput: conc.sdk.perSecond / conc.http.perSecond,
    inProcessThroughput: conc.sdk.perSecond / conc.inProcess.perSecond,
  };
}

/**
 * Whether the handler (called in-process) misses its target on this run. The target is the API
 * handler's (the handler against the bare writes it must do); the HTTP path adds the local stand-in for
 * API Gateway, which is not deployed, and is reported beside it.
 */
export function submissionMissed(s: SubmissionFigures): boolean {
  const ratios = submissionRatios(s);
  return [ratios.inProcessP50, ratios.inProcessP99, ratios.inProcessThroughput].some((ratio) => !(ratio <= apiTarget));
}

const ratioRow = (label: string, ratio: number, detail: string) =>
  `| 1 | ${label} | ${fmt(ratio)}× (${detail}) | ≤ ${apiTarget}× | ${verdict(ratio <= apiTarget, over(ratio, apiTarget))} |`;
/** A row of the HTTP path: the local HTTP server stands in for API Gateway, so it is shown, not judged. */
const httpRow = (label: string, ratio: number, detail: string) =>
  `| 1 | ${label} | ${fmt(ratio)}× (${detail}) | — | 参考 / info: ローカルの API Gateway 代わりを含む / includes the local stand-in for API Gateway |`;

/**
 * The summary's rows: the requests and units per report (the same on every Node), then each run's
 * ratios: every row for the first run, the judged ones for the others.
 */
export function submissionSummary(runs: readonly SubmissionRun[]): string[] {
  const s = runs[0]!.figures;
  return [
    `| 1 | DynamoDB 書き込み要求 / write requests per accepted report | ${fmt(s.writesPerReport)} (読み / reads ${fmt(s.readsPerReport)}) | ≤ 2 | ${verdict(s.writesPerReport <= 2, `+${fmt(s.writesPerReport - 2)}`)} |`,
    `| 1 | 消費 WCU / write units per report | ${fmt(s.writeUnitsPerReport)} (RCU ${fmt(s.readUnitsPerReport)}, 課金どおり / as billed; DynamoDB Local の報告 / as DynamoDB Local reported ${fmt(s.reportedReadUnitsPerReport)}) | — | 参考 / info |`,
    ...runs.flatMap((run, i) => runRows(run, i === 0)),
  ];
}

function runRows({ runtime, figures: s }: SubmissionRun, all: boolean): string[] {
  const seq = s.sequential;
  const conc = s.concurrent;
  const intervals = s.sequentialIntervals;
  const ratios = submissionRatios(s);
  const on = (label: string) => `${label}; ${runtime.label}`;
  // Judged rows are shown for every run; the others (HTTP path, AWS SDK) for the first only.
  const rows = [
    { judged: false, text: httpRow(on('p50 遅延比 HTTP 経由 / p50 latency ratio, **HTTP path** (local HTTP server → handler) vs bare client, sequential'), ratios.httpP50, `${fmt(seq.http.p50)} / ${fmt(seq.sdk.p50)} ms; ${interval(intervals.httpP50)}`) },
    { judged: true, text: ratioRow(on('p50 遅延比 直接呼び出し / p50 latency ratio, **handler in-process** (no HTTP) vs bare client, sequential'), ratios.inProcessP50, `${fmt(seq.inProcess.p50)} / ${fmt(seq.sdk.p50)} ms; ${interval(intervals.inProcessP50)}`) },
    { judged: false, text: httpRow(on('p99 遅延比 HTTP 経由 / p99 latency ratio, **HTTP path**, sequential'), ratios.httpP99, `${fmt(seq.http.p99)} / ${fmt(seq.sdk.p99)} ms; ${interval(intervals.httpP99)}`) },
    { judged: true, text: ratioRow(on('p99 遅延比 直接呼び出し / p99 latency ratio, **handler in-process**, sequential'), ratios.inProcessP99, `${fmt(seq.inProcess.p99)} / ${fmt(seq.sdk.p99)} ms; ${interval(intervals.inProcessP99)}`) },
    { judged: false, text: httpRow(on(`スループット比 HTTP 経由 / throughput ratio, bare client ÷ **HTTP path**, concurrency ${conc.concurrency}`), ratios.httpThroughput, `${fmt(conc.http.perSecond, 0)} vs ${fmt(conc.sdk.perSecond, 0)} /s; ${interval(s.concurrentIntervals.httpThroughput)}`) },
    { judged: true, text: ratioRow(on(`スループット比 直接呼び出し / throughput ratio, bare client ÷ **handler in-process**, concurrency ${conc.concurrency}`), ratios.inProcessThroughput, `${fmt(conc.inProcess.perSecond, 0)} vs ${fmt(conc.sdk.perSecond, 0)} /s; ${interval(s.concurrentIntervals.inProcessThroughput)}`) },
    { judged: false, text: `| 1 | p50 遅延比 / p50 latency ratio, **handler in-process** vs the same bare calls with the **AWS SDK v3** document client, sequential; ${runtime.label} | ${fmt(seq.inProcess.p50 / seq.awsSdk.p50)}× (${fmt(seq.inProcess.p50)} / ${fmt(seq.awsSdk.p50)} ms) | — | 参考 / info: 目標の基準は関数と同じクライアント / the target's baseline is the functions' own client |` },
  ];
  return rows.filter((row) => all || row.judged).map((row) => row.text);
}

/** The reasons, for each run whose handler misses its target. */
export function submissionWhy(runs: readonly SubmissionRun[]): string[] {
  return runs.filter((run) => submissionMissed(run.figures)).map((run) => runWhy(run, runs));
}

function runWhy({ runtime, figures: s }: SubmissionRun, runs: readonly SubmissionRun[]): string {
  const seq = s.sequential;
  const conc = s.concurrent;
  const alone = s.checksAlone;
  const gc = s.sequentialGc;
  const intervals = s.sequentialIntervals;
  const ratios = submissionRatios(s);
  const p99Missed = !(ratios.inProcessP99 <= apiTarget);
  // At concurrency the CPU this process spends per request is what the throughput ratio loses.
  const cpuRatio = { inProcess: conc.inProcess.cpuMs / conc.sdk.cpuMs, http: conc.http.cpuMs / conc.sdk.cpuMs };
  // What the same code measured on the other Node(s) of this run, met or not.
  const others = runs
    .filter((other) => other.runtime.execPath !== runtime.execPath)
    .map(({ runtime: r, figures }) => ({ label: r.label, ratios: submissionRatios(figures), met: !submissionMissed(figures) }));
  const elsewhere = {
    ja: others.map((o) => `${o.label} では同じコードで p50 ${fmt(o.ratios.inProcessP50)}×、p99 ${fmt(o.ratios.inProcessP99)}×、スループット ${fmt(o.ratios.inProcessThroughput)}×${o.met ? ' (目標内)' : ''}。`).join(''),
    en: others.map((o) => `On ${o.label} the same code gives p50 ${fmt(o.ratios.inProcessP50)}×, p99 ${fmt(o.ratios.inProcessP99)}×, throughput ${fmt(o.ratios.inProcessThroughput)}×${o.met ? ' (within the target)' : ''}. `).join(''),
  };
  return `- **API 遅延・スループット / API latency and throughput** (${runtime.label}): ${elsewhere.ja}逐次 p50 で、ハンドラー自体 (HTTP なしの直接呼び出し) が素のクライアント呼び出しより +${fmt(seq.inProcess.p50 - seq.sdk.p50)} ms (${fmt(ratios.inProcessP50)}×)。そのうち報告の検査 (リンクのトークンの HMAC 検証、本文の zod 検証、計画との照合、冪等キーの指紋) が +${fmt(seq.checks.p50 - seq.sdk.p50)} ms (同じ検査を素のクライアント呼び出しの周りにハンドラーと同じ順で実行する経路で同じ巡に計測; 本文の検証は Query の応答待ちと重なる)、残りの +${fmt(seq.inProcess.p50 - seq.checks.p50)} ms が middy とミドルウェア、Powertools logger、応答で、うち受け付けごとに配備と同じ INFO で書く 1 行が +${fmt(seq.inProcess.p50 - seq.quiet.p50)} ms (同じハンドラーを WARN で読み込んだ経路 ${fmt(seq.quiet.p50 / seq.sdk.p50)}× との差; どの関数も結果ごとに 1 行を INFO で書く)。検査を I/O なしで続けて実行すると 1 件 ${fmt(alone.backToBackUs, 0)} µs だが、2 ms 待った直後に 1 回ずつ実行すると ${fmt(alone.afterWaitUs, 0)} µs (${fmt(alone.afterWaitUs / alone.backToBackUs, 1)} 倍): 待った直後は同じコードが遅く動く (CPU のキャッシュや分岐予測が冷える。共有の仮想マシンでは待つ間にコアが他の仕事をしていることもある)。ハンドラーのコードはどれもネットワークの応答を待った直後に動く。逐次の差が連続実行の時間より大きいのはこのため。ローカル HTTP 層がさらに +${fmt(seq.http.p50 - seq.inProcess.p50)} ms (ループバックの往復、HTTP の解析と書き出し、payload-2.0 イベントへの変換; クライアント・サーバー・ハンドラーが 1 つの Node スレッドで、2 CPU を DynamoDB Local の JVM と共有)。AWS ではこの層を API Gateway が担う。並行 ${conc.concurrency} のスループットは HTTP 経由 ${fmt(ratios.httpThroughput)}×、直接呼び出し ${fmt(ratios.inProcessThroughput)}×。1 件あたりのこのプロセスの CPU 時間は直接呼び出し ${fmt(conc.inProcess.cpuMs)} ms、HTTP 経由 ${fmt(conc.http.cpuMs)} ms、素のクライアント ${fmt(conc.sdk.cpuMs)} ms (${fmt(cpuRatio.inProcess)}×, ${fmt(cpuRatio.http)}×) で、差はハンドラー自身の仕事 (middy とミドルウェア、Powertools logger のコンテキスト、トークン検証、JSON/zod 検証、冪等キーの指紋)。プロセスは経過時間の ${percent(conc.inProcess.cpuBusy, 0)} (素のクライアント側 ${percent(conc.sdk.cpuBusy, 0)}) の CPU 時間を使い、2 CPU を DynamoDB Local の JVM と分け合うため、この CPU 時間の差がスループットの差になる / ${elsewhere.en}At the sequential p50 the handler itself (called in-process) adds +${fmt(seq.inProcess.p50 - seq.sdk.p50)} ms to the bare client calls (${fmt(ratios.inProcessP50)}×); of that, the checks on the report (the link token's HMAC, the body's zod validation, the check against the plan, the idempotency fingerprint) take +${fmt(seq.checks.p50 - seq.sdk.p50)} ms (measured in the same rounds with those checks around the bare calls in the handler's order; the body's validation overlaps the wait for the query) and middy with its middlewares, the Powertools logger and the answer the other +${fmt(seq.inProcess.p50 - seq.checks.p50)} ms, of which the one line per accepted report written at INFO, as deployed, is +${fmt(seq.inProcess.p50 - seq.quiet.p50)} ms (against the same handler loaded at WARN, ${fmt(seq.quiet.p50 / seq.sdk.p50)}×; every function writes one INFO line per outcome). Run back to back with no I/O the checks take ${fmt(alone.backToBackUs, 0)} µs per report, but ${fmt(alone.afterWaitUs, 0)} µs when each runs right after a 2 ms wait (${fmt(alone.afterWaitUs / alone.backToBackUs, 1)}×): right after a wait the same code runs slower (the CPU's caches and branch predictors have gone cold; on a shared virtual machine the core may have served others meanwhile), and every piece of the handler's code runs right after waiting for the network, which is why the sequential difference is larger than the back-to-back time; the local HTTP layer another +${fmt(seq.http.p50 - seq.inProcess.p50)} ms (the loopback round trip, HTTP parsing and writing, the payload-2.0 event; client, server and handler share one Node thread and 2 CPUs with DynamoDB Local's JVM), which API Gateway does on AWS. Throughput at concurrency ${conc.concurrency}: HTTP path ${fmt(ratios.httpThroughput)}×, in-process ${fmt(ratios.inProcessThroughput)}×. This process's CPU time per request is ${fmt(conc.inProcess.cpuMs)} ms in-process, ${fmt(conc.http.cpuMs)} ms on the HTTP path and ${fmt(conc.sdk.cpuMs)} ms for the bare client (${fmt(cpuRatio.inProcess)}×, ${fmt(cpuRatio.http)}×), the difference being the handler's own work (middy and its middlewares, the Powertools logger's context, the token check, JSON/zod validation, the idempotency fingerprint); the process uses CPU for ${percent(conc.inProcess.cpuBusy, 0)} of the wall time (bare client side ${percent(conc.sdk.cpuBusy, 0)}) on 2 CPUs shared with DynamoDB Local's JVM, so that CPU time is what the throughput loses.${p99Missed ? ` p99 は逐次 ${seq.sdk.n} 件のうち遅い方から ${Math.ceil(seq.sdk.n / 100)} 番目前後の 1 件で決まり、実行ごとに大きく揺れる (この実行の ${interval(intervals.inProcessP99)})。その遅い 1 % には若い世代の回収 (scavenge, 1 回 ${fmt(gc.inProcess.meanPauseMs)} ms 前後の停止) に当たった要求が入る: 1 件ごとに確保するメモリが多い側ほど回収を多く起こし、その停止を自分の要求で払う。逐次の要求 1000 件あたり直接呼び出しは ${fmt(gc.inProcess.per1000, 1)} 回、素のクライアントは ${fmt(gc.sdk.per1000, 1)} 回 (${fmt(gc.inProcess.per1000 / 10, 1)}% と ${fmt(gc.sdk.per1000 / 10, 1)}% の要求; p99 が見るのは遅い方の 1 %) / a p99 of ${seq.sdk.n} sequential requests is decided by about the ${Math.ceil(seq.sdk.n / 100)}th slowest single request, and swings from run to run (this run's ${interval(intervals.inProcessP99)}). That slowest 1% holds the requests that met a young-generation collection (a scavenge, stopping the thread about ${fmt(gc.inProcess.meanPauseMs)} ms): the side that allocates more per request sets off more of them and pays their pauses in its own requests. Per 1000 sequential requests the in-process handler met ${fmt(gc.inProcess.per1000, 1)}, the bare client ${fmt(gc.sdk.per1000, 1)} (${fmt(gc.inProcess.per1000 / 10, 1)}% and ${fmt(gc.sdk.per1000 / 10, 1)}% of the requests; p99 looks at the slowest 1%).` : ''}`;
}

/** Section 1 of the report. */
export function submissionSection(runs: readonly SubmissionRun[]): string[] {
  const s = runs[0]!.figures;
  const seq = s.sequential;
  const conc = s.concurrent;
  return [
    `POST /api/reports (ローカル HTTP サーバー → 本物の submit-report ハンドラー → DynamoDB Local)。要求数と消費単位は DynamoDB Local の前に置いた計測プロキシ (cli/bench/meter.ts) が \`ReturnConsumedCapacity: TOTAL\` を付けて数えた実際の経路の値 (${s.accepted} 件の平均) / requests and units counted on the real code path by a metering proxy in front of DynamoDB Local, averaged over ${s.accepted} accepted reports.`,
    '',
    `- 1 件あたりの操作 / operations per report: ${s.operations}`,
    `- 書き込み要求 / write requests: ${fmt(s.writesPerReport)} (TransactWriteItems 1 回に Put 2 件: 冪等キー + 報告) ; 読み込み / reads ${fmt(s.readsPerReport)} (最新版の Query, 強い整合性, Limit 1)`,
    `- 消費 WCU / write units: ${fmt(s.writeUnitsPerReport)} — トランザクション書き込みは 1 KB あたり 2 WCU、報告項目は GSI にも書かれる (DynamoDB Local が返した値; AWS ではさらに GSI 書き込み分が加わる) / transactional writes cost 2 WCU per KB; the report item is also written to gsi1 (figures as DynamoDB Local reports them).`,
    `- 消費 RCU / read units: ${fmt(s.readUnitsPerReport)} — 読み込みは見つからなくても最低 1 回分 (強い整合性 1 RCU、結果整合 0.5 RCU) が課金される。DynamoDB Local は何も見つからない読み込みを 0 と報告する (ここでは ${fmt(s.reportedReadUnitsPerReport)}) ため、計測プロキシがその最低分を数える。各 事業 の四半期最初の報告では、最新版の Query は何も見つけない / a read is billed at least one read (1 RCU strongly consistent, 0.5 eventually consistent) even when it finds nothing; DynamoDB Local reports such a read as 0 (here ${fmt(s.reportedReadUnitsPerReport)}), so the meter counts the minimum. For the first report of a 事業 in a quarter, the latest-version Query finds nothing`,
    '',
    `6 つの経路を同じ実行内で交互に計測 / the six paths are measured in the same run, interleaved: 慣らし運転 (計測しない、下記) の後、逐次は ${seq.block} 件ずつのブロック、並行 ${conc.concurrency} は ${conc.perRound} 件ずつを 1 巡に各経路 1 つ (巡ごとに順番を回す; 巡の数は Node ごとの節) / after an untimed warm-up (below), each round has a sequential block of ${seq.block} or a concurrent run of ${conc.perRound} of every side, the order rotating every round (the rounds of each Node in its part). HTTP クライアント / HTTP client: ${s.client}, 同じプロセス / same process. 逐次の比と並行のスループット比の 95% 区間は、巡を単位に復元抽出するブートストラップ (1000 回、シード固定; 引いた巡は両方の経路のブロックを持ち込むので、その巡の時点のマシンの状態は対のまま残る; cli/bench/stats.ts)。区間はこの実行の中の揺れだけを表し、実行ごとのマシンの違い (同じコードでも実行ごとに比が数 % 動く) は含まない / the 95% intervals of the sequential ratios and of the concurrent throughput ratios come from a bootstrap that draws whole rounds with replacement (1000 resamples, seeded; a drawn round brings both sides' blocks, so what that moment of the machine did to both stays paired; cli/bench/stats.ts). An interval covers the noise within this run only, not how the machine differs from run to run (the same code moves the ratios by a few percent between runs).`,
    '',
    warmupRuleText(s.warmup),
    '',
    'クライアント側は同じ Query + TransactWrite (同じ四半期・同じ項目の形・ハンドラーと同じパーティション: どの経路も同じパーティションに書き、同じパーティションを読む) をハンドラーなしで直接発行したもの (関数と同じクライアント shared/aws/client.ts と、参考として AWS SDK v3 の DocumentClient)。「検査 + 素のクライアント」は、ハンドラーが報告に対して呼ぶ関数 (shared/submit-report.ts の authenticate と fingerprintOf、shared/domain/report-input.ts の reportKeyOf・parseReportInput・toSubmission) を同じ呼び出しの周りにハンドラーと同じ順で実行したもの (トークンと JSON の後、本文が名指す事業の Query を始めてから、その応答を待つ間に本文を検証する)。直接呼び出しは同じハンドラーのモジュールに payload-2.0 イベントとローカルの Lambda コンテキストを渡したもので (イベント・本文・ヘッダーは API Gateway が作るものなので計測の前に作る。どの経路も要求の用意は計測しない。ハンドラーは配備と同じ INFO でログを書き、その行は書式化の後で捨てる)、middy、トークン検証、JSON/zod 検証が加わる。「ログ WARN」は同じハンドラーのモジュールをもう 1 つ、ログの水準を WARN にして読み込んだもの (内訳のためだけで、関数は INFO で配備する)。HTTP 経由はさらにループバック HTTP と local/http-server.ts のイベント変換が加わる / the client side issues the same Query + TransactWrite directly (same quarter and item shapes, in the handler\'s own partitions: every side writes to and queries the same partitions, so they grow alike for all), with the functions\' own client (shared/aws/client.ts) and, for comparison, with the AWS SDK v3 document client; the checks side runs the functions the handler calls on a report around the same calls, in the handler\'s order (authenticate and fingerprintOf of shared/submit-report.ts, reportKeyOf, parseReportInput and toSubmission of shared/domain/report-input.ts: after the token and the JSON, the query of the 事業 the body names starts and the body is validated while it runs); the in-process side calls the same handler module with a payload-2.0 event and the local Lambda context (made before the call is timed, as API Gateway makes them; no side times making its request ready; the handler logs at INFO, as deployed, its lines formatted and then dropped rather than printed; adding middy, token verification, JSON/zod validation); "at WARN" is another instance of the same handler module loaded with its log level at WARN (for the breakdown only; the functions are deployed at INFO); the HTTP path adds loopback HTTP and the event conversion of local/http-server.ts. Node CPU は並行の巡の間のこのプロセスの CPU 時間 (user + system) を件数で割ったもの (HTTP 経由ではクライアントとサーバーの分を含む) / Node CPU is this process\'s CPU time (user + system) during the concurrent rounds per request (for the HTTP path, client and server included).',
    '',
    ...(runs.length > 1
      ? [
          `関数は Lambda の ${nodeRuntime.name} で動く。このマシンの Node (${runs[1]!.runtime.version}) とは版が違うため、同じ計測を Lambda と同じ Node (${runs[0]!.runtime.version}) の子プロセスでも行い (DynamoDB Local と計測プロキシも別に起動; cli/bench/submission-node.ts)、両方を判定する / the functions run on Lambda's ${nodeRuntime.name}; this machine's Node (${runs[1]!.runtime.version}) is another release, so the same measurement also runs in a child process of the Lambda runtime's Node (${runs[0]!.runtime.version}), against a DynamoDB Local and a metering proxy of its own (cli/bench/submission-node.ts), and both are judged.`,
          '',
        ]
      : []),
    ...runs.flatMap(runSection),
  ];
}

function runSection({ runtime, figures: s }: SubmissionRun): string[] {
  const seq = s.sequential;
  const conc = s.concurrent;
  const alone = s.checksAlone;
  const gc = s.sequentialGc;
  const warmup = warmupRunText(s.warmup);
  return [
    `### ${runtime.label}`,
    '',
    `逐次 ${seq.rounds} 巡、並行 ${conc.rounds} 巡。慣らし運転: ${warmup.ja} / sequential ${seq.rounds} rounds, concurrent ${conc.rounds} rounds; warm-up: ${warmup.en}.`,
    '',
    '| 経路 / path | 逐次 / sequential p50 | p99 | /s | p50 比 / ratio | 並行 / concurrent p50 | p99 | /s | スループット比 / throughput ratio | Node CPU / 件 / per request | CPU 比 / ratio |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...(
      [
        ['HTTP 経由 / HTTP path: local HTTP server → handler', seq.http, conc.http],
        ['直接呼び出し / handler in-process, no HTTP', seq.inProcess, conc.inProcess],
        ['参考: 同じく、ログ WARN (受け付けごとの INFO 行なし) / for the breakdown: the same at log level WARN (no INFO line per accepted report)', seq.quiet, conc.quiet],
        ['素のクライアント / bare client (Query + TransactWrite)', seq.sdk, conc.sdk],
        ['検査 + 素のクライアント / the handler\'s checks (token, zod, plan, fingerprint) + bare client', seq.checks, conc.checks],
        ['参考: AWS SDK v3 の DocumentClient で同じ呼び出し / for comparison: the same calls with the AWS SDK v3 document client', seq.awsSdk, conc.awsSdk],
      ] as const
    ).map(
      ([label, a, b]) =>
        `| ${label} (n=${a.n} / ${b.n}) | ${fmt(a.p50)} ms | ${fmt(a.p99)} ms | ${fmt(a.perSecond, 0)} | ${fmt(a.p50 / seq.sdk.p50)}× | ${fmt(b.p50)} ms | ${fmt(b.p99)} ms | ${fmt(b.perSecond, 0)} | ${fmt(conc.sdk.perSecond / b.perSecond)}× | ${fmt(b.cpuMs)} ms | ${fmt(b.cpuMs / conc.sdk.cpuMs)}× |`,
    ),
    '',
    `逐次の要求が当たった若い世代の回収 (scavenge) / the young-generation collections (scavenges) the sequential requests met, 1000 件あたり / per 1000 requests (平均停止 / mean pause): ${(
      [
        ['HTTP 経由 / HTTP path', gc.http],
        ['直接呼び出し / in-process', gc.inProcess],
        ['同じく WARN / the same at WARN', gc.quiet],
        ['素のクライアント / bare client', gc.sdk],
        ['検査 + 素のクライアント / checks + bare client', gc.checks],
        ['AWS SDK v3', gc.awsSdk],
      ] as const
    )
      .map(([label, g]) => `${label} ${fmt(g.per1000, 1)} (${fmt(g.meanPauseMs)} ms)`)
      .join(', ')}`,
    '',
    `検査のみ (I/O なし, 中央値) / the checks alone (no I/O, medians): 続けて / back to back ${fmt(alone.backToBackUs, 1)} µs (n=2000), 2 ms 待った直後 / each right after a 2 ms wait ${fmt(alone.afterWaitUs, 1)} µs (n=${alone.afterWaitRuns}) → ${fmt(alone.afterWaitUs / alone.backToBackUs, 1)}×`,
    '',
  ];
}

/** How the submission path warms up, and why it waits for DynamoDB Local's JIT compiler. */
function warmupRuleText(w: WarmupFigures): string {
  const rule = settledRuleText(w.maxSeconds);
  return (
    `慣らし運転 / warm-up: 逐次 (10 件ずつ交互) と並行のそれぞれで、各経路 ${w.minimum} 件以上、${rule.ja} / ` +
    `sequential (in rotating blocks of 10) and then concurrent, each at least ${w.minimum} requests of every side and ${rule.en}. ` +
    `起動したばかりの JVM は 1 分以上 DynamoDB Local のコードをコンパイルし、始めは CPU 1 個のほとんどを使う (並行の負荷に変わるとまたコンパイルする)。2 CPU のマシンではそれが Node のスレッドや DynamoDB Local の要求処理と CPU を取り合い、待ちの合間に自分の CPU 仕事が多い経路 (ハンドラー) ほど遅れる。AWS の DynamoDB は別のマシンで動く温まったサービスなので、落ち着くまで待ってから計測する (cli/bench/jvm.ts) / ` +
    `a JVM that has just started compiles DynamoDB Local's code for a minute or more, at first with most of a CPU (and again when the load turns concurrent); on 2 CPUs that competes with the Node thread and DynamoDB Local's request threads, and delays most the side with the most CPU work of its own between the waits (the handler). DynamoDB on AWS is a warm service on machines of its own, so the timing waits for the compiler to settle (cli/bench/jvm.ts).`
  );
}

/** What one run's warm-up did, and how busy DynamoDB Local's JIT compiler was then and while timing. */
function warmupRunText(w: WarmupFigures): { ja: string; en: string } {
  const sequential = warmPhaseText(w.sequential, { ja: '件ずつ', en: 'of each' });
  const concurrent = warmPhaseText(w.concurrent, { ja: '件ずつ', en: 'of each' });
  return { ja: `逐次 ${sequential.ja}; 並行 ${concurrent.ja}`, en: `sequential ${sequential.en}; concurrent ${concurrent.en}` };
}
