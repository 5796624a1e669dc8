/**
 * The measured steps of `shinchoku bench`: the submission path, the quarterly compile at growing
 * scale, and the reminder run — each against real local parts (DynamoDB Local, the SES emulator,
 * the local HTTP server in front of the real handlers) and the real shared code.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { defaultApplicationLogLevel } from '#infra/function';
import { createDocumentClient, type DocumentDb } from '#shared/aws/dynamodb';
import { createMailer } from '#shared/aws/mailer';
import { envNames } from '#shared/config/env';
import type { Directory } from '#shared/domain/directory';
import { measuresOwnedBy } from '#shared/domain/ownership';
import type { Measure, PlanFile } from '#shared/domain/plan';
import { reportReference, type StoredReport } from '#shared/domain/report';
import { checkReport, reportKeyOf } from '#shared/domain/report-input';
import { defaultReminderConfig } from '#shared/domain/reminders';
import { tokenFor } from '#shared/links';
import { compileAndSave } from '#shared/quarter-compile';
import { runReminderJob } from '#shared/reminder-job';
import { fingerprintOf } from '#shared/domain/fingerprint';
import { authenticate } from '#shared/submit-report';
import { batchWrite, deleteRequest } from '#shared/store/batch';
import { queryAll } from '#shared/store/query';
import { reportKeys, reportToItem } from '#shared/store/report-items';
import { statusKeys } from '#shared/store/status-items';
import { createStore, type Store } from '#shared/store/store';
import { createDynamoDbClient, localClientConfig, localCredentials, localRegion, sdkDocumentDb } from '#local/aws-local';
import { startHttpServer, type HttpHandler } from '#local/http-server';
import { localLambdaContext } from '#local/lambda-context';
import { startDynamoDbLocal, type DynamoDbLocal } from '#local/dynamodb-local';
import { ensureTable, provision } from '#local/provision';
import { clearSentMails, fetchSentMails } from '#local/ses-local';
import { scavengesWithin, watchScavenges } from './gc.ts';
import { compilerShareDuring, compilersOf, settledRuleText, warmUntilSettled, type WarmPhase } from './jvm.ts';
import { startDynamoMeter, type DynamoMeter, type MeteredRequest } from './meter.ts';
import { generateTenant, mulberry32, seedTable, writeTenant } from './seed.ts';
import { median, pairedRoundsInterval, percentile, sum, trimmedMean, type Interval } from './stats.ts';

export type Say = (ja: string, en: string) => void;

export interface Parts {
  dynamoEndpoint: string;
  sesEndpoint: string;
  meter: DynamoMeter;
  plan: PlanFile;
  directory: Directory;
  say: Say;
  /** DynamoDB Local's process, so the warm-up can wait for its JIT compiler (cli/bench/jvm.ts). */
  dynamoPid?: number;
}

function summarise(requests: MeteredRequest[]) {
  const reads = requests.filter((r) => r.kind === 'read');
  const writes = requests.filter((r) => r.kind === 'write');
  return {
    reads: reads.length,
    writes: writes.length,
    readUnits: sum(reads.map((r) => r.units)),
    reportedReadUnits: sum(reads.map((r) => r.reportedUnits)),
    writeUnits: sum(writes.map((r) => r.units)),
  };
}

// ---------------------------------------------------------------------------------------------
// 1. Submission path
// ---------------------------------------------------------------------------------------------

/** Latency and throughput of one way of submitting a report. */
export interface PathTimes {
  n: number;
  p50: number;
  p99: number;
  /** Sequential: 1000 / mean latency. Concurrent: requests answered per second of wall time. */
  perSecond: number;
}

/** The concurrent runs also say what they cost this Node process in CPU time. */
export interface ConcurrentPathTimes extends PathTimes {
  /**
   * CPU time of this Node process (user + system) per request, ms. Client, server, handler and AWS client
   * all run on its one JavaScript thread; DynamoDB Local's JVM is another process.
   */
  cpuMs: number;
  /** That CPU time over the wall time (GC and libuv threads count too, so it can pass 1). */
  cpuBusy: number;
}

/** Scavenges met by one side's sequential requests: how many per 1000 requests, and their mean pause (ms). */
export interface SideScavenges {
  per1000: number;
  meanPauseMs: number;
}

/** The ways compared, measured in the same interleaved rounds. */
export interface ComparedPaths<T = PathTimes> {
  /** POST /api/reports through the local HTTP server (local/http-server.ts) to the real handler. */
  http: T;
  /** The same handler module called in-process with a payload-2.0 event, without HTTP. */
  inProcess: T;
  /**
   * Another instance of that handler module, loaded with its log level at WARN: the same calls
   * without the INFO line it writes per accepted report. Only to break the handler's time down; the
   * functions are deployed at INFO.
   */
  quiet: T;
  /** The bare client calls the handler must make (the Query and the TransactWrite). */
  sdk: T;
  /**
   * The same bare calls, each preceded by the checks the handler makes on a report (the link token,
   * the zod validation of the body, ownership against the plan, the idempotency fingerprint): the
   * part of the handler's time that is its domain rules, apart from middy, logging and the HTTP event.
   */
  checks: T;
  /** The same bare calls through the AWS SDK v3 document client, for comparison (no target). */
  awsSdk: T;
}

export interface SubmissionFigures {
  accepted: number;
  readsPerReport: number;
  writesPerReport: number;
  writeUnitsPerReport: number;
  /** Read units as DynamoDB bills them (see `billedUnits` in meter.ts). */
  readUnitsPerReport: number;
  /** Read units as DynamoDB Local reported them. */
  reportedReadUnitsPerReport: number;
  operations: string;
  /** How the HTTP requests are sent. */
  client: string;
  /** The untimed requests before the timed rounds, and how busy DynamoDB Local's JIT compiler was. */
  warmup: WarmupFigures;
  sequential: ComparedPaths & { rounds: number; block: number };
  /** The young-generation collections that started during each side's sequential blocks. */
  sequentialGc: ComparedPaths<SideScavenges>;
  /**
   * 95% intervals of the sequential ratios to the bare client, from the rounds resampled in pairs
   * (`pairedRoundsInterval`): how far the one run's p50 and p99 ratios can be trusted.
   */
  sequentialIntervals: Record<'inProcessP50' | 'inProcessP99' | 'httpP50' | 'httpP99', Interval>;
  concurrent: ComparedPaths<ConcurrentPathTimes> & { rounds: number; perRound: number; concurrency: number };
  /**
   * 95% intervals of the throughput ratios (bare client ÷ the path), from the concurrent rounds
   * resampled in pairs: every round answers the same number of requests on each side, so the ratio is
   * the path's wall time over the bare client's.
   */
  concurrentIntervals: Record<'inProcessThroughput' | 'httpThroughput', Interval>;
  /** The in-process handler's sequential p50 (ms), as the cost model reads it. */
  inProcess: { handlerP50: number };
  /**
   * The handler's checks with no I/O (µs, medians): run back to back, and each right after a 2 ms
   * wait on a timer (`afterWaitRuns` of them).
   */
  checksAlone: { backToBackUs: number; afterWaitUs: number; afterWaitRuns: number };
}

/**
 * The warm-up of the submission path, sequential and then concurrent: at least `minimum` requests of
 * each side, and then until DynamoDB Local's JIT compiler has settled (`settledCompiler`,
 * cli/bench/jvm.ts) or `maxSeconds` have passed.
 */
export interface WarmupFigures {
  minimum: number;
  maxSeconds: number;
  sequential: WarmPhase;
  concurrent: WarmPhase;
}

const benchQuarter = 'FY2013-Q2';

/** The order of the compared sides in round `round`: rotated, so no side always runs first or last. */
export function rotated<T>(sides: readonly T[], round: number): T[] {
  const k = round % sides.length;
  return [...sides.slice(k), ...sides.slice(0, k)];
}

/**
 * The bench's HTTP client: node:http with a keep-alive agent (one connection per concurrent
 * request, reused), so the time measured is the request to the server and its answer, not a
 * client's own machinery. The answer is read to its end before the request counts as done.
 */
function httpClient(maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const post = (url: string, headers: Record<string, string>, body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.once('error', reject);
      });
      req.once('error', reject);
      req.end(body);
    });
  return { post, destroy: () => agent.destroy() };
}

/** How many requests, seconds and concurrency the submission bench takes. */
export interface SubmissionOptions {
  /** Timed sequential requests of each side. */
  sequential: number;
  /** Timed concurrent requests of each side. */
  concurrent: number;
  concurrency: number;
  /** The most the timed sequential rounds take, s. */
  maxSeconds: number;
  /** Untimed requests of each side at least, sequential and concurrent. */
  warmup: number;
  /** The most each warm-up (sequential, concurrent) goes on waiting for DynamoDB Local's JIT compiler, s. */
  maxWarmupSeconds: number;
}

/** What the submission bench needs of the local parts (no mail). */
export type SubmissionParts = Omit<Parts, 'sesEndpoint'>;

export async function measureSubmission(parts: SubmissionParts, options: SubmissionOptions): Promise<SubmissionFigures> {
  const { plan, directory } = parts;
  const tableName = 'bench-submit';
  const tenant = plan.plan.tenant;
  await provision({ endpoint: parts.dynamoEndpoint, tableName, plan, directory });
  const secret = randomBytes(32).toString('hex');
  // The handler logs at the level it is deployed with: its line per accepted report is formatted as
  // on Lambda, then dropped here rather than printed (see dropLogLines).
  const logLevelBefore = process.env.POWERTOOLS_LOG_LEVEL;
  const restoreStdout = dropLogLines();
  try {
    return await measureSubmissionAtLevel(parts, options, tableName, tenant, secret);
  } finally {
    restoreStdout();
    if (logLevelBefore === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = logLevelBefore;
  }
}

/**
 * Drops the JSON log lines (`{"level":…`) written to stdout until the returned function is called;
 * anything else (the bench's progress) is printed as usual.
 */
function dropLogLines(): () => void {
  const write = process.stdout.write;
  process.stdout.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    if (typeof chunk === 'string' && chunk.startsWith('{"level":')) {
      const done = rest.find((r): r is () => void => typeof r === 'function');
      if (done) queueMicrotask(done);
      return true;
    }
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof process.stdout.write;
  return () => {
    process.stdout.write = write;
  };
}

async function measureSubmissionAtLevel(
  parts: SubmissionParts,
  options: SubmissionOptions,
  tableName: string,
  tenant: string,
  secret: string,
): Promise<SubmissionFigures> {
  const { plan, directory, say } = parts;
  Object.assign(process.env, {
    [envNames.tableName]: tableName,
    [envNames.tenant]: tenant,
    [envNames.linkSecret]: secret,
    AWS_REGION: localRegion,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    POWERTOOLS_LOG_LEVEL: defaultApplicationLogLevel,
  });
  const ka = directory.ka.find((k) => measuresOwnedBy(plan, k).length >= 3) ?? directory.ka[0]!;
  const measures = measuresOwnedBy(plan, ka);
  const token = tokenFor({ tenant, kaId: ka.id, quarter: benchQuarter, purpose: 'form', now: new Date() }, secret);
  let n = 0;
  // Every report says something new (its number): the same words again would be answered with the
  // version before, and nothing written.
  const narrativeOf = (i: number) => `計画どおり進めています。関係課と仕様を調整しました。(${i})`;
  const body = () => {
    const measure = measures[n++ % measures.length]!;
    return JSON.stringify({
      measureId: measure.id,
      quarter: benchQuarter,
      status: '予定どおり',
      milestones: measure.milestones.slice(0, 1).map((m) => ({ milestoneId: m.id, progress: 'in_progress', date: '2013-07-01' })),
      narrative: narrativeOf(n),
      issues: '',
      nextSteps: '次期の調達準備',
      person: '下野 太郎',
    });
  };
  const requestHeaders = () => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() });

  // One handler module instance per endpoint: the handler builds its client at load, as on Lambda.
  // Powertools reads the log level when the module creates its logger, so a level is per instance.
  const loadHandler = async (endpoint: string, instance: string, logLevel: string = defaultApplicationLogLevel) => {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
    process.env.POWERTOOLS_LOG_LEVEL = logLevel;
    try {
      return ((await import(`../../functions/submit-report/handler.ts?bench=${instance}`)) as { handler: HttpHandler }).handler;
    } finally {
      process.env.POWERTOOLS_LOG_LEVEL = defaultApplicationLogLevel;
    }
  };
  const client = httpClient(Math.max(1, options.concurrency));
  // What a client sends, made before a request is timed: the body as a string, the headers.
  const postOf = (url: string) => {
    const headers = requestHeaders();
    const text = body();
    return async () => {
      const answer = await client.post(`${url}/api/reports`, headers, text);
      if (answer.status !== 201) throw new Error(`POST /api/reports → ${answer.status}: ${answer.text}`);
    };
  };
  const post = (url: string) => postOf(url)();

  say('  1a 送信 1 件あたりの DynamoDB 要求と消費単位 (計測プロキシ経由)', '  1a DynamoDB requests and units per report (through the meter)');
  const meteredHandler = await loadHandler(parts.meter.endpoint, 'metered');
  const metered = await startHttpServer({ port: 0, loadHandler: async () => meteredHandler });
  await post(metered.url); // cold: loads the plan and directory
  parts.meter.take();
  const countedReports = 20;
  for (let i = 0; i < countedReports; i += 1) await post(metered.url);
  const perReport = parts.meter.take();
  await metered.stop();
  const totals = summarise(perReport);
  const ops = new Map<string, number>();
  for (const r of perReport) ops.set(r.op, (ops.get(r.op) ?? 0) + 1);

  // The bare client calls the handler must make: the latest-version query and the two-put transaction,
  // for the same quarter and the same item shapes, in the handler's own partitions (its tenant): every
  // side queries and writes the same partitions, which grow with the writes of all sides alike (with a
  // tenant per side, the handler's would grow twice as fast, taking both the HTTP path's writes and
  // the in-process side's). Versions come from the query, and a counter per 事業 shared by the bare
  // sides keeps concurrent calls from taking the same one (the handler would retry instead). Made with
  // the functions' own client (the target's baseline) and with the AWS SDK's document client.
  const bareVersions = new Map<string, number>();
  const bareRead = (doc: DocumentDb, measure: Measure) =>
    doc.query({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': reportKeys.partition(tenant, measure.id), ':prefix': reportKeys.quarterPrefix(benchQuarter) },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    });
  // `read`: the query, when it was started before (as the handler starts it while checking the body).
  let written = 0;
  const bareCalls = (doc: DocumentDb) => async (measure: Measure, read = bareRead(doc, measure)) => {
    const { Items } = await read;
    written += 1;
    const version = Math.max(Number(Items?.[0]?.version ?? 0), bareVersions.get(measure.id) ?? 0) + 1;
    bareVersions.set(measure.id, version);
    const report: StoredReport = {
      measureId: measure.id, quarter: benchQuarter, kind: 'report', status: '予定どおり',
      milestones: measure.milestones.slice(0, 1).map((m) => ({ milestoneId: m.id, progress: 'in_progress' as const, date: '2013-07-01' })),
      narrative: narrativeOf(written), issues: '', nextSteps: '次期の調達準備',
      reporter: { kaId: ka.id, ka: ka.name, bukai: ka.bukai, person: '下野 太郎' },
      version, ...(version > 1 ? { supersedes: version - 1 } : {}), reference: reportReference(measure.id, benchQuarter, version), channel: 'api', submittedAt: new Date().toISOString(), attachments: [],
    };
    const item = reportToItem(tenant, report);
    await doc.transactWrite({
      ClientRequestToken: randomUUID(),
      TransactItems: [
        { Put: { TableName: tableName, Item: { pk: reportKeys.idempotency(tenant, randomUUID()), sk: 'IDEMPOTENCY', type: 'Idempotency', reportPk: item.pk, reportSk: item.sk, fingerprint: 'x'.repeat(43), expiresAt: Math.floor(Date.now() / 1000) + 86_400 } , ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    });
  };
  const bare = bareCalls(createDocumentClient(localClientConfig(parts.dynamoEndpoint)));
  const bareSdk = () => {
    const measure = measures[n++ % measures.length]!;
    return () => bare(measure);
  };
  // The AWS SDK's document client making the same calls.
  const awsSdkCalls = bareCalls(sdkDocumentDb(localClientConfig(parts.dynamoEndpoint)));
  const awsSdk = () => {
    const measure = measures[n++ % measures.length]!;
    return () => awsSdkCalls(measure);
  };
  // The handler's checks (shared/submit-report.ts, the functions it calls, in its order) around the bare
  // calls: the token and the JSON first, then the query of the 事業 the body names starts and the body
  // is validated while it runs, then the write.
  const catalog = { plan, directory };
  const checkedDoc = createDocumentClient(localClientConfig(parts.dynamoEndpoint));
  const checkedCalls = bareCalls(checkedDoc);
  const authenticated = (text: string) => {
    const caller = authenticate(token, 'form', { secret, catalog });
    if ('outcome' in caller) throw new Error(`authenticate → ${caller.outcome}`);
    return { caller, input: JSON.parse(text) as unknown };
  };
  const validated = ({ caller, input }: ReturnType<typeof authenticated>) => {
    const checked = checkReport(input, { plan, reporter: caller.reporter, quarter: caller.claims.quarter });
    if (!('submission' in checked)) throw new Error(`checkReport → ${checked.kind}`);
    fingerprintOf(checked.submission);
  };
  const runChecks = (text: string) => validated(authenticated(text));
  const checks = () => {
    const text = body();
    return async () => {
      const request = authenticated(text);
      const measure = measures.find((m) => m.id === reportKeyOf(request.input)?.measureId)!;
      const read = bareRead(checkedDoc, measure);
      await new Promise((resolve) => setImmediate(resolve));
      validated(request);
      await checkedCalls(measure, read);
    };
  };

  // The real local HTTP server in front of one handler module instance; the in-process side calls
  // that same instance directly, with the event API Gateway would send.
  const handler = await loadHandler(parts.dynamoEndpoint, 'direct');
  const quietHandler = await loadHandler(parts.dynamoEndpoint, 'quiet', 'WARN');
  const direct = await startHttpServer({ port: 0, loadHandler: async () => handler });
  const invokeOf = (handler: HttpHandler) => () => {
    // The event and context API Gateway and Lambda hand the function, made before the call is timed.
    const requestId = randomUUID();
    const event = {
      version: '2.0', routeKey: 'POST /api/reports', rawPath: '/api/reports', rawQueryString: '', isBase64Encoded: false,
      headers: requestHeaders(),
      body: body(),
      requestContext: { accountId: 'local', apiId: 'local', domainName: 'localhost', domainPrefix: 'localhost', requestId, routeKey: 'POST /api/reports', stage: '$default', time: new Date().toISOString(), timeEpoch: Date.now(), http: { method: 'POST', path: '/api/reports', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' } },
    };
    const context = localLambdaContext('submit-report', requestId);
    return async () => {
      const answer = (await handler(event, context)) as { statusCode?: number; body?: string };
      if (answer.statusCode !== 201) throw new Error(`handler → ${answer.statusCode}: ${answer.body}`);
    };
  };
  // Each side makes one request ready (what the client or API Gateway would have made) and returns
  // the call that is timed.
  const sides = [
    { key: 'http', run: () => postOf(direct.url) },
    { key: 'inProcess', run: invokeOf(handler) },
    { key: 'quiet', run: invokeOf(quietHandler) },
    { key: 'sdk', run: bareSdk },
    { key: 'checks', run: checks },
    { key: 'awsSdk', run: awsSdk },
  ] as const;
  type Side = (typeof sides)[number]['key'];
  /** One value per side, in the order of `sides`, so a side is added in one place. */
  const perSide = <T>(make: (key: Side) => T) => Object.fromEntries(sides.map(({ key }) => [key, make(key)])) as Record<Side, T>;
  const timed = async (prepare: () => () => Promise<void>) => {
    const call = prepare();
    const start = performance.now();
    await call();
    return performance.now() - start;
  };
  const concurrentRun = async (fn: () => () => Promise<void>, count: number) => {
    const times: number[] = [];
    let next = 0;
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < count) {
          next += 1;
          times.push(await timed(fn));
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, times };
  };

  // Warm-up, untimed: the code paths reach their steady state, and DynamoDB Local's JVM too. Its JIT
  // compiler is busy for a minute or more after it starts, and again when the load changes from
  // sequential to concurrent (cli/bench/jvm.ts): each warm-up goes on until the compiler has settled,
  // or at most `maxWarmupSeconds`.
  const block = 10;
  const perRound = Math.max(options.concurrency * 5, 50);
  const compilerSeconds = compilersOf(parts.dynamoPid === undefined ? [] : [parts.dynamoPid]);
  const rule = settledRuleText(options.maxWarmupSeconds);
  say(
    `  1b 慣らし運転 (逐次と並行のそれぞれで各 ${options.warmup} 件以上、${rule.ja})`,
    `  1b warm-up (sequential and then concurrent, each at least ${options.warmup} of each side and ${rule.en})`,
  );
  const warmUp = (ja: string, en: string, perSideInRound: number, round: (round: number) => Promise<void>) =>
    warmUntilSettled({ compilerSeconds, minimum: options.warmup, perRound: perSideInRound, maxSeconds: options.maxWarmupSeconds, round, say, unit: { ja: `件ずつ (${ja})`, en: `of each (${en})` } });
  const sequentialWarmup = await warmUp('逐次', 'sequential', block, async (round) => {
    for (const side of rotated(sides, round)) for (let i = 0; i < block; i += 1) await side.run()();
  });
  const concurrentWarmup = await warmUp('並行', 'concurrent', perRound, async (round) => {
    for (const side of rotated(sides, round)) await concurrentRun(side.run, perRound);
  });

  // Sequential: short blocks of each side in rounds whose order rotates, so the drift of a noisy
  // machine (and of DynamoDB Local as its table grows) reaches every side alike.
  say(`  1c 逐次 ${options.sequential} 件ずつ (HTTP 経由 / 直接呼び出し / 同じく WARN で / 関数のクライアント / 検査 + クライアント / AWS SDK を交互に)`, `  1c ${options.sequential} sequential each (HTTP path, in-process handler, the same at WARN, bare client, checks + bare client and AWS SDK in rotating blocks)`);
  const sequential = perSide((): number[] => []);
  // When each side's blocks ran, to tell which side's requests the scavenges landed on.
  const spans = perSide((): [number, number][] => []);
  const scavengeWatch = watchScavenges();
  const deadline = Date.now() + options.maxSeconds * 1000;
  let sequentialRounds = 0;
  const sequentialShare = await compilerShareDuring(compilerSeconds, async () => {
    while (sequential.sdk.length < options.sequential && Date.now() < deadline) {
      for (const side of rotated(sides, sequentialRounds)) {
        const from = performance.now();
        for (let i = 0; i < block; i += 1) sequential[side.key].push(await timed(side.run));
        spans[side.key].push([from, performance.now()]);
      }
      sequentialRounds += 1;
    }
  });
  const scavenges = await scavengeWatch.stop();
  const sequentialGc = (key: Side): SideScavenges => {
    const { count, pauseMs } = scavengesWithin(scavenges, spans[key]);
    return { per1000: (count * 1000) / sequential[key].length, meanPauseMs: count > 0 ? pauseMs / count : 0 };
  };

  // Concurrent: the same, in rounds of `perRound` requests per side.
  const concurrentRounds = Math.max(3, Math.ceil(options.concurrent / perRound));
  say(`  1d 並行 ${options.concurrency} で ${perRound} 件 × ${concurrentRounds} 回ずつ`, `  1d ${concurrentRounds} rounds of ${perRound} each at concurrency ${options.concurrency}`);
  const concurrent = perSide(() => ({ roundSeconds: [] as number[], cpuSeconds: 0, times: [] as number[] }));
  const concurrentShare = await compilerShareDuring(compilerSeconds, async () => {
    for (let round = 0; round < concurrentRounds; round += 1) {
      for (const side of rotated(sides, round)) {
        const r = await concurrentRun(side.run, perRound);
        concurrent[side.key].roundSeconds.push(r.seconds);
        concurrent[side.key].cpuSeconds += r.cpuSeconds;
        concurrent[side.key].times.push(...r.times);
      }
    }
  });
  await direct.stop();

  // The same checks with no I/O: back to back, and each right after the thread has waited 2 ms on a
  // timer, as a request's code runs after waiting on the network. The difference is the cost of code
  // whose caches the wait left cold, which the handler's other work pays too.
  say('  1e 検査のみ (続けて / 2 ms 待った直後)', '  1e the checks alone (back to back / right after a 2 ms wait)');
  const checkText = body();
  const onceUs = () => {
    const start = performance.now();
    runChecks(checkText);
    return (performance.now() - start) * 1000;
  };
  for (let i = 0; i < 2000; i += 1) onceUs();
  const backToBack = Array.from({ length: 2000 }, onceUs);
  const afterWait: number[] = [];
  for (let i = 0; i < 300; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    afterWait.push(onceUs());
  }
  client.destroy();

  const p99 = (times: readonly number[]) => percentile(times, 99);
  const sequentialTimes = (times: number[]): PathTimes => ({ n: times.length, p50: median(times), p99: p99(times), perSecond: 1000 / (sum(times) / times.length) });
  const concurrentTimes = (c: { roundSeconds: number[]; cpuSeconds: number; times: number[] }): ConcurrentPathTimes => ({
    n: c.times.length,
    p50: median(c.times),
    p99: p99(c.times),
    perSecond: c.times.length / sum(c.roundSeconds),
    cpuMs: (c.cpuSeconds * 1000) / c.times.length,
    cpuBusy: c.cpuSeconds / sum(c.roundSeconds),
  });
  return {
    accepted: countedReports,
    readsPerReport: totals.reads / countedReports,
    writesPerReport: totals.writes / countedReports,
    writeUnitsPerReport: totals.writeUnits / countedReports,
    readUnitsPerReport: totals.readUnits / countedReports,
    reportedReadUnitsPerReport: totals.reportedReadUnits / countedReports,
    operations: [...ops].map(([op, count]) => `${op} × ${count / countedReports}`).join(', '),
    client: `node:http, keep-alive Agent (maxSockets ${Math.max(1, options.concurrency)})`,
    warmup: {
      minimum: options.warmup,
      maxSeconds: options.maxWarmupSeconds,
      sequential: { ...sequentialWarmup, ...(sequentialShare === undefined ? {} : { measuredShare: sequentialShare }) },
      concurrent: { ...concurrentWarmup, ...(concurrentShare === undefined ? {} : { measuredShare: concurrentShare }) },
    },
    sequential: {
      rounds: sequentialRounds,
      block,
      ...perSide((key) => sequentialTimes(sequential[key])),
    },
    concurrent: {
      rounds: concurrentRounds,
      perRound,
      concurrency: options.concurrency,
      ...perSide((key) => concurrentTimes(concurrent[key])),
    },
    sequentialGc: perSide(sequentialGc),
    sequentialIntervals: {
      inProcessP50: pairedRoundsInterval(sequential.inProcess, sequential.sdk, block, median),
      inProcessP99: pairedRoundsInterval(sequential.inProcess, sequential.sdk, block, p99),
      httpP50: pairedRoundsInterval(sequential.http, sequential.sdk, block, median),
      httpP99: pairedRoundsInterval(sequential.http, sequential.sdk, block, p99),
    },
    concurrentIntervals: {
      inProcessThroughput: pairedRoundsInterval(concurrent.inProcess.roundSeconds, concurrent.sdk.roundSeconds, 1, sum),
      httpThroughput: pairedRoundsInterval(concurrent.http.roundSeconds, concurrent.sdk.roundSeconds, 1, sum),
    },
    inProcess: { handlerP50: median(sequential.inProcess) },
    checksAlone: { backToBackUs: median(backToBack), afterWaitUs: median(afterWait), afterWaitRuns: afterWait.length },
  };
}

// ---------------------------------------------------------------------------------------------
// 2. Quarterly compile
// ---------------------------------------------------------------------------------------------

/** The time of one kind of DynamoDB request a compile made, per compile. */
export interface CompileRequestTimes {
  /** `Query` (status partition), `Query gsi1` (the quarter's reports), `BatchWrite`. */
  op: string;
  /** Requests of this kind per compile (median). */
  perCompile: number;
  /** Median over the compiles of the time spent in this kind of request, ms per 事業. */
  msPerMeasure: number;
}

export interface ScalePoint {
  /** 事業 in the table. */
  measuresInTable: number;
  tenantsInTable: number;
  itemsWritten: number;
  seedSeconds: number;
  /** Timed compiles (one tenant each) and the 事業 they compiled. */
  samples: number;
  measuresCompiled: number;
  /** Different tenants among the samples (a table with fewer tenants than rounds repeats them). */
  distinctTenants: number;
  /** Median over the compiles of the time per 事業, ms: the figure compared across scales. */
  msPerMeasure: number;
  /** Mean without the fastest and the slowest 10 % of compiles, ms per 事業. */
  trimmedMsPerMeasure: number;
  p10MsPerMeasure: number;
  p90MsPerMeasure: number;
  /** Median over the compiles of the time spent in DynamoDB requests (the client's own work included), ms per 事業. */
  dynamoMsPerMeasure: number;
  /** Median over the compiles of the rest (the compile's own code between requests), ms per 事業. */
  ownMsPerMeasure: number;
  requests: CompileRequestTimes[];
}

export interface CompileFigures {
  quarterQueryUnits: number;
  quarterQueryIdealUnits: number;
  reportBytes: number;
  reportsRead: number;
  compileReads: number;
  compileWrites: number;
  compileReadUnits: number;
  compileWriteUnits: number;
  meteredTenants: number;
  measuresPerTenant: number;
  /** Interleaved rounds run (each compiles one tenant of every table) and their wall time. */
  rounds: number;
  compileSeconds: number;
  /** Untimed rounds before them, at least. */
  warmupRounds: number;
  /** The untimed rounds run (`done`), until the JIT compilers of the tables' DynamoDB Locals settled. */
  warmup: WarmPhase;
  maxWarmupSeconds: number;
  scales: ScalePoint[];
  notReached: { scale: number; reason: string }[];
  seed: number;
}

/** One DynamoDB request during a timed compile: its kind, when it started and how long it took. */
interface TimedRequest {
  op: string;
  start: number;
  ms: number;
}

/** A document client that times every request it sends, by kind, into `sink`. */
function timedDocument(doc: DocumentDb, sink: TimedRequest[]): DocumentDb {
  const timed = Object.fromEntries(
    Object.entries(doc).map(([method, call]) => [
      method,
      async (input: { IndexName?: string }) => {
        const op = `${method[0]!.toUpperCase()}${method.slice(1)}${input.IndexName ? ` ${input.IndexName}` : ''}`;
        const start = performance.now();
        try {
          return await (call as (input: unknown) => Promise<unknown>)(input);
        } finally {
          sink.push({ op, start, ms: performance.now() - start });
        }
      },
    ]),
  );
  return timed as unknown as DocumentDb;
}

/** The time covered by at least one of the requests (the union of their intervals), ms. */
function inFlightMs(requests: readonly TimedRequest[]): number {
  const spans = requests.map((r) => [r.start, r.start + r.ms] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [from, to] of spans) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}

/** Delete a tenant's compiled status of the quarter, so its next compile is a first compile again. */
async function clearCompiled(store: Store, quarter: string): Promise<void> {
  const items = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': statusKeys.partition(store.tenant, quarter) },
    ProjectionExpression: 'pk, sk',
    ConsistentRead: true,
  });
  await batchWrite(store, items.map((item) => deleteRequest({ pk: item.pk, sk: item.sk })));
}

/**
 * The quarterly compile at several table sizes. Every scale gets its own table in a DynamoDB Local
 * of its own, all seeded first; then the tables are compiled in interleaved rounds (one sampled
 * tenant of each table per round, the order rotating), so every scale is measured under the same
 * load of the machine and drift over the run cancels out of the ratio. Each timed compile is a
 * tenant's first compile: its status partition is deleted again afterwards (untimed).
 *
 * One DynamoDB Local per table, not several tables in one: DynamoDB Local 1.25.1 makes a write to a
 * stream-enabled table slower the more stream records the other tables of its database hold (and
 * more so for tables created later; without a stream there is no such effect). Two identical tables
 * of 1,016 事業 in one instance compiled 2× apart, three 1×, 1.9× and 2.8× in creation order, so in a
 * shared instance the ratio would measure the emulator's stream bookkeeping, not the compile.
 */
export async function measureCompile(parts: Parts, options: { scales: number[]; seed: number; budgetSeconds: number; compileCapSeconds: number; rounds: number; warmupRounds: number; maxWarmupSeconds: number; writers: number }): Promise<CompileFigures> {
  const { say } = parts;
  const tableName = 'bench-scale';
  const mainDoc = createDocumentClient(localClientConfig(parts.dynamoEndpoint));
  const clock = new Date(Date.UTC(2013, 9, 20));
  const started = Date.now();
  const notReached: CompileFigures['notReached'] = [];
  const metered = { tenants: 0, measures: 0, reads: 0, writes: 0, readUnits: 0, writeUnits: 0, queryUnits: 0, bytes: 0, reportsRead: 0 };

  // Warm the compile code (JIT) on a table of its own, so the first scale is not the slowest by accident.
  say('[2] 集計のウォームアップ', '[2] warming up the compile');
  const mainAdmin = createDynamoDbClient(localClientConfig(parts.dynamoEndpoint));
  await ensureTable(mainAdmin, 'bench-warmup');
  mainAdmin.destroy();
  for (let i = 0; i < 20; i += 1) {
    const g = generateTenant(parts.plan, 900_000 + i, benchQuarter, options.seed);
    const store = createStore(mainDoc, 'bench-warmup', g.tenant);
    await writeTenant(store, g);
    await compileAndSave(store, g.plan, benchQuarter, { clock });
  }

  // Seeding: one DynamoDB Local and table per scale, smallest first; a scale that would not fit the
  // budget is replaced by 50,000 (for 100,000 and more) or left out.
  type Instance = { scale: number; dynamo: DynamoDbLocal; doc: DocumentDb; seeded: Awaited<ReturnType<typeof seedTable>> };
  const instances: Instance[] = [];
  let seedRate = 0; // 事業 per second, seeding
  // What the compile step takes after the seeding, at most.
  const reserve = options.maxWarmupSeconds + options.compileCapSeconds;
  try {
    for (const wanted of [...options.scales].sort((a, b) => a - b)) {
      let scale = wanted;
      const remaining = options.budgetSeconds - (Date.now() - started) / 1000;
      if (seedRate > 0) {
        const need = scale / seedRate + reserve;
        if (need > remaining) {
          const fallback = scale >= 100_000 ? 50_000 : 0;
          notReached.push({ scale, reason: `見込み ${Math.round(need)} 秒 > 残り ${Math.round(remaining)} 秒 / projected ${Math.round(need)} s > ${Math.round(remaining)} s left` });
          if (fallback > 0 && fallback / seedRate + reserve <= remaining && !instances.some((t) => t.scale === fallback)) scale = fallback;
          else continue;
        }
      }
      say(`[2] ${scale.toLocaleString()} 事業の表: DynamoDB Local (インメモリ) を起動して投入しています`, `[2] table of ${scale.toLocaleString()} 事業: starting its DynamoDB Local (in memory) and seeding`);
      const dynamo = await startDynamoDbLocal({ port: 0, inMemory: true });
      const admin = createDynamoDbClient(localClientConfig(dynamo.endpoint));
      await ensureTable(admin, tableName);
      admin.destroy();
      const doc = createDocumentClient(localClientConfig(dynamo.endpoint));
      const instance: Instance = { scale, dynamo, doc, seeded: { tenants: [], measures: 0, items: 0, seconds: 0 } };
      instances.push(instance);
      instance.seeded = await seedTable({
        base: parts.plan,
        quarter: benchQuarter,
        seed: options.seed,
        measures: scale,
        writers: options.writers,
        store: (tenant) => createStore(doc, tableName, tenant),
        progress: (p) => {
          const rate = p.measures / p.seconds;
          const eta = Math.max(0, (scale - p.measures) / rate);
          say(`    ${p.measures.toLocaleString()} / ${scale.toLocaleString()} 事業 (${p.tenants} 団体, ${rate.toFixed(0)} 事業/秒, 残り約 ${eta.toFixed(0)} 秒)`, `    ${p.measures.toLocaleString()} / ${scale.toLocaleString()} 事業 (${p.tenants} tenants, ${rate.toFixed(0)} 事業/s, ~${eta.toFixed(0)} s left)`);
        },
      });
      const { seeded } = instance;
      seedRate = seeded.measures / seeded.seconds;
      say(`    ${seeded.measures.toLocaleString()} 事業 (${seeded.tenants.length} 団体, ${seeded.items.toLocaleString()} 項目) を ${seeded.seconds.toFixed(0)} 秒で投入`, `    ${seeded.measures.toLocaleString()} 事業 (${seeded.tenants.length} tenants, ${seeded.items.toLocaleString()} items) seeded in ${seeded.seconds.toFixed(0)} s`);
    }
    return await compileRounds(parts, options, instances, { tableName, clock, notReached, metered });
  } finally {
    await Promise.all(instances.map((instance) => instance.dynamo.stop()));
  }
}

async function compileRounds(
  parts: Parts,
  options: { seed: number; compileCapSeconds: number; rounds: number; warmupRounds: number; maxWarmupSeconds: number },
  instances: { scale: number; dynamo: DynamoDbLocal; doc: DocumentDb; seeded: Awaited<ReturnType<typeof seedTable>> }[],
  context: { tableName: string; clock: Date; notReached: CompileFigures['notReached']; metered: { tenants: number; measures: number; reads: number; writes: number; readUnits: number; writeUnits: number; queryUnits: number; bytes: number; reportsRead: number } },
): Promise<CompileFigures> {
  const { say } = parts;
  const { tableName, clock, notReached, metered } = context;
  // Consumed units of a first compile, on the real code path, through a meter in front of the
  // smallest table's DynamoDB Local (not timed; units do not depend on the table's size).
  const smallest = instances[0];
  if (smallest) {
    const meter = await startDynamoMeter(smallest.dynamo.endpoint);
    const meteredDoc = createDocumentClient(localClientConfig(meter.endpoint));
    try {
      for (const g of smallest.seeded.tenants.slice(0, Math.min(3, smallest.seeded.tenants.length))) {
        meter.take();
        const outcome = await compileAndSave(createStore(meteredDoc, tableName, g.tenant), g.plan, benchQuarter, { clock });
        const seen = meter.take();
        const s = summarise(seen);
        const quarterQuery = seen.filter((r) => r.op === 'Query' && r.index === 'gsi1');
        metered.tenants += 1;
        metered.measures += g.measures;
        metered.reads += s.reads;
        metered.writes += s.writes;
        metered.readUnits += s.readUnits;
        metered.writeUnits += s.writeUnits;
        metered.queryUnits += sum(quarterQuery.map((r) => r.units));
        metered.bytes += sum(quarterQuery.flatMap((r) => r.itemBytes));
        metered.reportsRead += outcome?.reportsRead ?? 0;
        await clearCompiled(createStore(smallest.doc, tableName, g.tenant), benchQuarter);
      }
    } finally {
      await meter.stop();
    }
  }

  // Interleaved rounds: one tenant of every table per round, in rotating order; each table's
  // tenants in a seeded random order (a table with fewer tenants than rounds starts over).
  type Sample = { tenant: string; ms: number; measures: number; requests: TimedRequest[] };
  const sampling = instances.map((t) => {
    const order = mulberry32(options.seed + t.scale);
    const tenants = t.seeded.tenants.map((g) => ({ g, key: order() })).sort((a, b) => a.key - b.key).map((x) => x.g);
    return { ...t, tenants, samples: [] as Sample[] };
  });
  // One compile of a sampled tenant (timed into `samples` when given), then its status cleared.
  const compileOne = async (t: (typeof sampling)[number], index: number, samples?: Sample[]) => {
    const g = t.tenants[index % t.tenants.length]!;
    const requests: TimedRequest[] = [];
    const store = createStore(timedDocument(t.doc, requests), tableName, g.tenant);
    const start = performance.now();
    await compileAndSave(store, g.plan, benchQuarter, { clock });
    const ms = performance.now() - start;
    samples?.push({ tenant: g.tenant, ms, measures: g.measures, requests });
    await clearCompiled(createStore(t.doc, tableName, g.tenant), benchQuarter);
  };
  // Each DynamoDB Local has served different amounts of work while seeding, and its JIT compiler may
  // still be busy (cli/bench/jvm.ts): untimed rounds for every one, at least `warmupRounds` and then
  // until the compilers of all of them (which share the machine) have settled.
  const compilerSeconds = compilersOf(instances.map((t) => t.dynamo.pid));
  const rule = settledRuleText(options.maxWarmupSeconds, {
    ja: 'すべての表の DynamoDB Local の JIT コンパイラー (C1/C2 のスレッド) の合計',
    en: "the JIT compilers of all the tables' DynamoDB Locals together (their C1/C2 threads)",
  });
  say(`[2] 集計の慣らし運転 (各表 ${options.warmupRounds} 回以上、${rule.ja})`, `[2] warming up each table's DynamoDB Local (at least ${options.warmupRounds} untimed compiles each, ${rule.en})`);
  const warmup = await warmUntilSettled({
    compilerSeconds,
    minimum: options.warmupRounds,
    perRound: 1,
    maxSeconds: options.maxWarmupSeconds,
    round: async (round) => {
      for (const t of rotated(sampling, round)) await compileOne(t, t.tenants.length - 1 - (round % t.tenants.length));
    },
    say,
    unit: { ja: '巡', en: 'rounds' },
  });
  say(`[2] 集計を交互に計測しています (${sampling.map((t) => t.scale.toLocaleString()).join(' / ')} 事業の表を 1 団体ずつ順に、最大 ${options.rounds} 巡・${options.compileCapSeconds} 秒)`, `[2] timing the compile in interleaved rounds (one tenant of each table, ${sampling.map((t) => t.scale.toLocaleString()).join(' / ')} 事業, up to ${options.rounds} rounds or ${options.compileCapSeconds} s)`);
  const roundsStart = Date.now();
  const capAt = roundsStart + options.compileCapSeconds * 1000;
  let rounds = 0;
  let lastSay = Date.now();
  const measuredShare = await compilerShareDuring(compilerSeconds, async () => {
    while (rounds < options.rounds && Date.now() < capAt && sampling.length > 0) {
      for (const t of rotated(sampling, rounds)) await compileOne(t, rounds, t.samples);
      rounds += 1;
      if (Date.now() - lastSay > 10_000) {
        lastSay = Date.now();
        say(`    ${rounds} 巡: ${sampling.map((t) => `${t.scale.toLocaleString()} → ${median(t.samples.map((x) => x.ms / x.measures)).toFixed(3)}`).join(', ')} ms/事業`, `    ${rounds} rounds: ${sampling.map((t) => `${t.scale.toLocaleString()} → ${median(t.samples.map((x) => x.ms / x.measures)).toFixed(3)}`).join(', ')} ms per 事業`);
      }
    }
  });
  const compileSeconds = (Date.now() - roundsStart) / 1000;

  const scales: ScalePoint[] = sampling.map((t) => {
    const perMeasure = t.samples.map((x) => x.ms / x.measures);
    // Requests can overlap (batch writes run side by side): DynamoDB time is the time with at least
    // one request in flight, and the compile's own code the rest of the wall time.
    const inFlight = t.samples.map((x) => inFlightMs(x.requests));
    const dynamo = t.samples.map((x, i) => inFlight[i]! / x.measures);
    const own = t.samples.map((x, i) => (x.ms - inFlight[i]!) / x.measures);
    const ops = [...new Set(t.samples.flatMap((x) => x.requests.map((r) => r.op)))].sort();
    return {
      measuresInTable: t.seeded.measures,
      tenantsInTable: t.seeded.tenants.length,
      itemsWritten: t.seeded.items,
      seedSeconds: t.seeded.seconds,
      samples: t.samples.length,
      measuresCompiled: sum(t.samples.map((x) => x.measures)),
      distinctTenants: new Set(t.samples.map((x) => x.tenant)).size,
      msPerMeasure: median(perMeasure),
      trimmedMsPerMeasure: trimmedMean(perMeasure),
      p10MsPerMeasure: percentile(perMeasure, 10),
      p90MsPerMeasure: percentile(perMeasure, 90),
      dynamoMsPerMeasure: median(dynamo),
      ownMsPerMeasure: median(own),
      requests: ops.map((op) => ({
        op,
        perCompile: median(t.samples.map((x) => x.requests.filter((r) => r.op === op).length)),
        msPerMeasure: median(t.samples.map((x) => sum(x.requests.filter((r) => r.op === op).map((r) => r.ms)) / x.measures)),
      })),
    };
  });
  for (const p of scales) {
    say(`    ${p.measuresInTable.toLocaleString()} 事業の表: ${p.msPerMeasure.toFixed(3)} ms/事業 (中央値, ${p.samples} 回, うち DynamoDB ${p.dynamoMsPerMeasure.toFixed(3)})`, `    table of ${p.measuresInTable.toLocaleString()} 事業: ${p.msPerMeasure.toFixed(3)} ms per 事業 (median of ${p.samples} compiles; DynamoDB ${p.dynamoMsPerMeasure.toFixed(3)})`);
  }
  const ideal = Math.ceil(metered.bytes / 4096) * 0.5;
  return {
    quarterQueryUnits: metered.queryUnits,
    quarterQueryIdealUnits: ideal,
    reportBytes: metered.bytes,
    reportsRead: metered.reportsRead,
    compileReads: metered.reads / Math.max(1, metered.tenants),
    compileWrites: metered.writes / Math.max(1, metered.tenants),
    compileReadUnits: metered.readUnits / Math.max(1, metered.tenants),
    compileWriteUnits: metered.writeUnits / Math.max(1, metered.tenants),
    meteredTenants: metered.tenants,
    measuresPerTenant: metered.measures / Math.max(1, metered.tenants),
    rounds,
    warmupRounds: options.warmupRounds,
    warmup: { ...warmup, ...(measuredShare === undefined ? {} : { measuredShare }) },
    maxWarmupSeconds: options.maxWarmupSeconds,
    compileSeconds,
    scales,
    notReached,
    seed: options.seed,
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Reminder run
// ---------------------------------------------------------------------------------------------

export interface ReminderFigures {
  tenants: number;
  day: string;
  firstRunMails: number;
  firstRunSeconds: number;
  mailsPerSecond: number;
  totalMailsAfter3Runs: number;
  duplicates: number;
  perTenantFirstRun: { reads: number; writes: number; readUnits: number; writeUnits: number };
  perTenantQuietRun: { reads: number; writes: number; readUnits: number; writeUnits: number };
}

export async function measureReminders(parts: Parts, options: { tenants: number }): Promise<ReminderFigures> {
  const { say } = parts;
  const tableName = 'bench-remind';
  const client = createDynamoDbClient(localClientConfig(parts.dynamoEndpoint));
  await ensureTable(client, tableName);
  client.destroy();
  process.env.MAIL_MAX_PER_SECOND = '0';
  const mailer = createMailer({ connection: localClientConfig(parts.sesEndpoint), maxPerSecond: 0 });
  const doc = createDocumentClient(localClientConfig(parts.meter.endpoint));
  const day = '2012-07-10';
  const secret = randomBytes(32).toString('hex');
  const jobs = Array.from({ length: options.tenants }, (_, i) => {
    const tenant = `remind-${String(i).padStart(4, '0')}`;
    const plan: PlanFile = { ...parts.plan, plan: { ...parts.plan.plan, tenant } };
    const directory: Directory = { ...parts.directory, tenant, sender: `shinchoku+${tenant}@${parts.directory.mailDomain}` };
    return {
      store: createStore(doc, tableName, tenant),
      loadCatalog: async () => ({ plan, directory }),
      mailer,
      secret: async () => secret,
      publicBaseUrl: 'http://127.0.0.1:3000',
      config: defaultReminderConfig,
    };
  });
  await clearSentMails(parts.sesEndpoint);
  const runOnce = async () => {
    let sent = 0;
    const perTenant: ReturnType<typeof summarise>[] = [];
    const start = performance.now();
    for (const job of jobs) {
      parts.meter.take();
      const result = await runReminderJob(job, { scheduledTime: `${day}T00:00:00Z` });
      perTenant.push(summarise(parts.meter.take()));
      sent += result.sent.length;
    }
    return { sent, seconds: (performance.now() - start) / 1000, perTenant };
  };
  say(`[3] リマインダー: ${options.tenants} 団体 × 3 回 (${day})`, `[3] reminders: ${options.tenants} tenants × 3 runs (${day})`);
  const first = await runOnce();
  const second = await runOnce();
  await runOnce();
  const mails = await fetchSentMails(parts.sesEndpoint);
  const keys = new Set(mails.map((m) => `${m.from}|${m.destination.to.join(',')}|${m.destination.cc.join(',')}|${m.subject}`));
  const avg = (list: ReturnType<typeof summarise>[]) => ({
    reads: sum(list.map((s) => s.reads)) / list.length,
    writes: sum(list.map((s) => s.writes)) / list.length,
    readUnits: sum(list.map((s) => s.readUnits)) / list.length,
    writeUnits: sum(list.map((s) => s.writeUnits)) / list.length,
  });
  return {
    tenants: options.tenants,
    day,
    firstRunMails: first.sent,
    firstRunSeconds: first.seconds,
    mailsPerSecond: first.sent / first.seconds,
    totalMailsAfter3Runs: mails.length,
    duplicates: mails.length - keys.size,
    perTenantFirstRun: avg(first.perTenant),
    perTenantQuietRun: avg(second.perTenant),
  };
}
