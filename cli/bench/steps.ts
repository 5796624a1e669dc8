/**
 * The measured steps of `shinchoku bench`: the submission path, the quarterly compile at growing
 * scale, and the reminder run — each against real local parts (DynamoDB Local, the SES emulator,
 * the local HTTP server in front of the real handlers) and the real shared code.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createDynamoDbClient } from '#shared/aws/dynamodb';
import { createMailer } from '#shared/aws/mailer';
import { envNames } from '#shared/config/env';
import type { Directory } from '#shared/domain/directory';
import { measuresOwnedBy } from '#shared/domain/directory';
import type { PlanFile } from '#shared/domain/plan';
import { reportReference, type StoredReport } from '#shared/domain/report';
import { defaultReminderConfig } from '#shared/domain/reminders';
import { tokenFor } from '#shared/links';
import { compileAndSave } from '#shared/quarter-compile';
import { runReminderJob } from '#shared/reminder-job';
import { reportKeys, reportToItem } from '#shared/store/report-items';
import { createStore, type Store } from '#shared/store/store';
import { localClientConfig, localCredentials, localRegion } from '#local/aws-local';
import { startHttpServer, type HttpHandler } from '#local/http-server';
import { ensureTable, provision } from '#local/provision';
import { clearSentMails, fetchSentMails } from '#local/ses-local';
import type { DynamoMeter, MeteredRequest } from './meter.ts';
import { generateTenant, mulberry32, writeTenant } from './seed.ts';

export type Say = (ja: string, en: string) => void;

export interface Parts {
  dynamoEndpoint: string;
  sesEndpoint: string;
  meter: DynamoMeter;
  plan: PlanFile;
  directory: Directory;
  say: Say;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const median = (values: number[]) => percentile(values, 50);

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function summarise(requests: MeteredRequest[]) {
  const reads = requests.filter((r) => r.kind === 'read');
  const writes = requests.filter((r) => r.kind === 'write');
  return { reads: reads.length, writes: writes.length, readUnits: sum(reads.map((r) => r.units)), writeUnits: sum(writes.map((r) => r.units)) };
}

// ---------------------------------------------------------------------------------------------
// 1. Submission path
// ---------------------------------------------------------------------------------------------

export interface SubmissionFigures {
  accepted: number;
  readsPerReport: number;
  writesPerReport: number;
  writeUnitsPerReport: number;
  readUnitsPerReport: number;
  operations: string;
  sequential: { n: number; handlerP50: number; handlerP99: number; sdkP50: number; sdkP99: number; handlerPerSecond: number; sdkPerSecond: number };
  concurrent: { n: number; concurrency: number; handlerPerSecond: number; sdkPerSecond: number; handlerP50: number; handlerP99: number; sdkP50: number; sdkP99: number };
  /** The handler called in-process with a payload-2.0 event: what the function adds, without HTTP. */
  inProcess: { handlerP50: number; handlerP99: number; sdkP50: number; sdkP99: number };
}

const benchQuarter = 'FY2013-Q2';

export async function measureSubmission(parts: Parts, options: { sequential: number; concurrent: number; concurrency: number; maxSeconds: number }): Promise<SubmissionFigures> {
  const { plan, directory, say } = parts;
  const tableName = 'bench-submit';
  const tenant = plan.plan.tenant;
  await provision({ endpoint: parts.dynamoEndpoint, tableName, plan, directory });
  const secret = randomBytes(32).toString('hex');
  Object.assign(process.env, {
    [envNames.tableName]: tableName,
    [envNames.tenant]: tenant,
    [envNames.linkSecret]: secret,
    AWS_REGION: localRegion,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  const ka = directory.ka.find((k) => measuresOwnedBy(plan, k).length >= 3) ?? directory.ka[0]!;
  const measures = measuresOwnedBy(plan, ka);
  const token = tokenFor({ tenant, kaId: ka.id, quarter: benchQuarter, purpose: 'form', now: new Date() }, secret);
  let n = 0;
  const body = () => {
    const measure = measures[n++ % measures.length]!;
    return JSON.stringify({
      measureId: measure.id,
      quarter: benchQuarter,
      status: '予定どおり',
      milestones: measure.milestones.slice(0, 1).map((m) => ({ milestoneId: m.id, progress: 'in_progress', date: '2013-07-01' })),
      narrative: '計画どおり進めています。関係課と仕様を調整しました。',
      issues: '',
      nextSteps: '次期の調達準備',
      person: '下野 太郎',
    });
  };

  // One handler module instance per endpoint: the handler builds its client at load, as on Lambda.
  const serverOn = async (endpoint: string, instance: string) => {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
    const loaded = await import(`../../functions/submit-report/handler.ts?bench=${instance}`) as { handler: HttpHandler };
    return startHttpServer({ port: 0, loadHandler: async () => loaded.handler });
  };
  const post = async (url: string) => {
    const answer = await fetch(`${url}/api/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: body(),
    });
    const text = await answer.text();
    if (answer.status !== 201) throw new Error(`POST /api/reports → ${answer.status}: ${text}`);
  };

  say('  1a 送信 1 件あたりの DynamoDB 要求と消費単位 (計測プロキシ経由)', '  1a DynamoDB requests and units per report (through the meter)');
  const metered = await serverOn(parts.meter.endpoint, 'metered');
  await post(metered.url); // cold: loads the plan and directory
  parts.meter.take();
  const countedReports = 20;
  for (let i = 0; i < countedReports; i += 1) await post(metered.url);
  const perReport = parts.meter.take();
  await metered.stop();
  const totals = summarise(perReport);
  const ops = new Map<string, number>();
  for (const r of perReport) ops.set(r.op, (ops.get(r.op) ?? 0) + 1);

  // The bare SDK calls the handler must make: the latest-version query and the two-put transaction.
  const doc = createDocumentClient(localClientConfig(parts.dynamoEndpoint));
  let sdkVersion = 0;
  const bareSdk = async () => {
    const measure = measures[n++ % measures.length]!;
    const { Items } = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': reportKeys.partition(tenant, measure.id), ':prefix': reportKeys.quarterPrefix('FY2013-Q3') },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
        ProjectionExpression: 'version',
      }),
    );
    const version = Number(Items?.[0]?.version ?? 0) + 1 + sdkVersion++;
    const report: StoredReport = {
      measureId: measure.id, quarter: 'FY2013-Q3', kind: 'report', status: '予定どおり',
      milestones: measure.milestones.slice(0, 1).map((m) => ({ milestoneId: m.id, progress: 'in_progress' as const, date: '2013-07-01' })),
      narrative: '計画どおり進めています。関係課と仕様を調整しました。', issues: '', nextSteps: '次期の調達準備',
      reporter: { kaId: ka.id, ka: ka.name, bukai: ka.bukai, person: '下野 太郎' },
      version, reference: reportReference(measure.id, 'FY2013-Q3', version), channel: 'api', submittedAt: new Date().toISOString(), attachments: [],
    };
    const item = reportToItem(tenant, report);
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: { pk: reportKeys.idempotency(tenant, randomUUID()), sk: 'IDEMPOTENCY', type: 'Idempotency', reportPk: item.pk, reportSk: item.sk, fingerprint: 'x'.repeat(43), expiresAt: 0 }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
  };

  const direct = await serverOn(parts.dynamoEndpoint, 'direct');
  for (let i = 0; i < 20; i += 1) {
    await post(direct.url);
    await bareSdk();
  }

  // Alternating blocks: the machine's noise hits both sides alike.
  say(`  1b 逐次 ${options.sequential} 件ずつ (ハンドラー / SDK を交互に)`, `  1b ${options.sequential} sequential each (handler and bare SDK in alternating blocks)`);
  const timed = async (fn: () => Promise<void>) => {
    const start = performance.now();
    await fn();
    return performance.now() - start;
  };
  const handlerTimes: number[] = [];
  const sdkTimes: number[] = [];
  const deadline = Date.now() + options.maxSeconds * 1000;
  const block = 25;
  while (handlerTimes.length < options.sequential && Date.now() < deadline) {
    for (let i = 0; i < block; i += 1) handlerTimes.push(await timed(() => post(direct.url)));
    for (let i = 0; i < block; i += 1) sdkTimes.push(await timed(bareSdk));
  }

  say('  1b\' ハンドラーを HTTP なしで直接呼び出し', '  1b\' the handler called in-process, without HTTP');
  const { handler } = (await import(`../../functions/submit-report/handler.ts?bench=${'direct'}`)) as { handler: HttpHandler };
  const invoke = async () => {
    const answer = (await handler(
      {
        version: '2.0', routeKey: 'POST /api/reports', rawPath: '/api/reports', rawQueryString: '', isBase64Encoded: false,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: body(),
        requestContext: { accountId: 'local', apiId: 'local', domainName: 'localhost', domainPrefix: 'localhost', requestId: randomUUID(), routeKey: 'POST /api/reports', stage: '$default', time: '', timeEpoch: Date.now(), http: { method: 'POST', path: '/api/reports', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' } },
      },
      { functionName: 'submit-report', awsRequestId: randomUUID(), getRemainingTimeInMillis: () => 10_000 } as unknown as Parameters<HttpHandler>[1],
    )) as { statusCode?: number; body?: string };
    if (answer.statusCode !== 201) throw new Error(`handler → ${answer.statusCode}: ${answer.body}`);
  };
  const inHandler: number[] = [];
  const inSdk: number[] = [];
  while (inHandler.length < handlerTimes.length) {
    for (let i = 0; i < block; i += 1) inHandler.push(await timed(invoke));
    for (let i = 0; i < block; i += 1) inSdk.push(await timed(bareSdk));
  }

  say(`  1c 並行 ${options.concurrency} で ${options.concurrent} 件ずつ`, `  1c ${options.concurrent} each at concurrency ${options.concurrency}`);
  const concurrentRun = async (fn: () => Promise<void>, count: number) => {
    const times: number[] = [];
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < count) {
          next += 1;
          times.push(await timed(fn));
        }
      }),
    );
    return { seconds: (performance.now() - start) / 1000, times };
  };
  const cHandler = { seconds: 0, times: [] as number[] };
  const cSdk = { seconds: 0, times: [] as number[] };
  for (let round = 0; round < 2; round += 1) {
    const h = await concurrentRun(() => post(direct.url), Math.ceil(options.concurrent / 2));
    const s = await concurrentRun(bareSdk, Math.ceil(options.concurrent / 2));
    cHandler.seconds += h.seconds;
    cHandler.times.push(...h.times);
    cSdk.seconds += s.seconds;
    cSdk.times.push(...s.times);
  }
  await direct.stop();
  doc.destroy();

  return {
    accepted: countedReports,
    readsPerReport: totals.reads / countedReports,
    writesPerReport: totals.writes / countedReports,
    writeUnitsPerReport: totals.writeUnits / countedReports,
    readUnitsPerReport: totals.readUnits / countedReports,
    operations: [...ops].map(([op, count]) => `${op} × ${count / countedReports}`).join(', '),
    sequential: {
      n: handlerTimes.length,
      handlerP50: median(handlerTimes),
      handlerP99: percentile(handlerTimes, 99),
      sdkP50: median(sdkTimes),
      sdkP99: percentile(sdkTimes, 99),
      handlerPerSecond: 1000 / (sum(handlerTimes) / handlerTimes.length),
      sdkPerSecond: 1000 / (sum(sdkTimes) / sdkTimes.length),
    },
    concurrent: {
      n: cHandler.times.length,
      concurrency: options.concurrency,
      handlerPerSecond: cHandler.times.length / cHandler.seconds,
      sdkPerSecond: cSdk.times.length / cSdk.seconds,
      handlerP50: median(cHandler.times),
      handlerP99: percentile(cHandler.times, 99),
      sdkP50: median(cSdk.times),
      sdkP99: percentile(cSdk.times, 99),
    },
    inProcess: { handlerP50: median(inHandler), handlerP99: percentile(inHandler, 99), sdkP50: median(inSdk), sdkP99: percentile(inSdk, 99) },
  };
}

// ---------------------------------------------------------------------------------------------
// 2. Quarterly compile
// ---------------------------------------------------------------------------------------------

export interface ScalePoint {
  /** 事業 in the table. */
  measuresInTable: number;
  tenantsInTable: number;
  /** 事業 compiled for the timing (the tenants added for this scale, or a time-capped sample of them). */
  measuresCompiled: number;
  msPerMeasure: number;
  seedSeconds: number;
  itemsWritten: number;
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
  scales: ScalePoint[];
  notReached: { scale: number; reason: string }[];
  seed: number;
}

export async function measureCompile(parts: Parts, options: { scales: number[]; seed: number; budgetSeconds: number; compileCapSeconds: number; writers: number }): Promise<CompileFigures> {
  const { say } = parts;
  const tableName = 'bench-scale';
  const client = createDynamoDbClient(localClientConfig(parts.dynamoEndpoint));
  await ensureTable(client, tableName);
  client.destroy();
  const doc = createDocumentClient(localClientConfig(parts.dynamoEndpoint));
  const meteredDoc = createDocumentClient(localClientConfig(parts.meter.endpoint));
  const clock = new Date(Date.UTC(2013, 9, 20));
  const started = Date.now();
  const scales: ScalePoint[] = [];
  const notReached: CompileFigures['notReached'] = [];
  let tenants = 0;
  let measures = 0;
  let seedRate = 0; // 事業 per second, seeding
  const metered = { tenants: 0, measures: 0, reads: 0, writes: 0, readUnits: 0, writeUnits: 0, queryUnits: 0, bytes: 0, reportsRead: 0 };

  // Warm the compile code (JIT) on a table of its own, so the first scale is not the slowest by accident.
  say('[2] 集計のウォームアップ', '[2] warming up the compile');
  await ensureTable(createDynamoDbClient(localClientConfig(parts.dynamoEndpoint)), 'bench-warmup');
  for (let i = 0; i < 20; i += 1) {
    const g = generateTenant(parts.plan, 900_000 + i, benchQuarter, options.seed);
    const store = createStore(doc, 'bench-warmup', g.tenant);
    await writeTenant(store, g);
    await compileAndSave(store, g.plan, benchQuarter, { clock });
  }

  for (const wanted of options.scales) {
    let scale = wanted;
    const remaining = options.budgetSeconds - (Date.now() - started) / 1000;
    if (seedRate > 0) {
      const need = (scale - measures) / seedRate + options.compileCapSeconds;
      if (need > remaining) {
        const fallback = scale >= 100_000 ? 50_000 : 0;
        const fallbackNeed = (fallback - measures) / seedRate + options.compileCapSeconds;
        notReached.push({ scale, reason: `見込み ${Math.round(need)} 秒 > 残り ${Math.round(remaining)} 秒 / projected ${Math.round(need)} s > ${Math.round(remaining)} s left` });
        if (fallback > measures && fallbackNeed <= remaining) scale = fallback;
        else continue;
      }
    }
    say(`[2] ${scale.toLocaleString()} 事業まで投入しています`, `[2] seeding up to ${scale.toLocaleString()} 事業`);
    const seedStart = Date.now();
    let items = 0;
    let lastSay = Date.now();
    const measuresBefore = measures;
    const generated: { tenant: string; plan: PlanFile; count: number }[] = [];
    // A few writers in parallel, each taking the next municipality.
    await Promise.all(
      Array.from({ length: options.writers }, async () => {
        while (measures < scale) {
          const index = tenants++;
          const g = generateTenant(parts.plan, index, benchQuarter, options.seed);
          measures += g.plan.measures.length;
          // Add after the await: `items += await …` would read `items` before the other writers' updates.
          const written = await writeTenant(createStore(doc, tableName, g.tenant), g);
          items += written;
          generated.push({ tenant: g.tenant, plan: g.plan, count: g.plan.measures.length });
          if (Date.now() - lastSay > 5000) {
            lastSay = Date.now();
            const rate = (measures - measuresBefore) / ((Date.now() - seedStart) / 1000);
            const eta = Math.max(0, (scale - measures) / rate);
            say(`    ${measures.toLocaleString()} / ${scale.toLocaleString()} 事業 (${tenants} 団体, ${rate.toFixed(0)} 事業/秒, 残り約 ${eta.toFixed(0)} 秒)`, `    ${measures.toLocaleString()} / ${scale.toLocaleString()} 事業 (${tenants} tenants, ${rate.toFixed(0)} 事業/s, ~${eta.toFixed(0)} s left)`);
          }
        }
      }),
    );
    const seedSeconds = (Date.now() - seedStart) / 1000;
    seedRate = (measures - measuresBefore) / seedSeconds;

    // Consumed units of a first compile, on the real code path, through the meter (not timed).
    const timedSet = [...generated].sort((a, b) => (a.tenant < b.tenant ? -1 : 1));
    if (metered.tenants === 0) {
      for (const g of timedSet.splice(0, Math.min(3, Math.max(0, timedSet.length - 3)))) {
        parts.meter.take();
        const outcome = await compileAndSave(createStore(meteredDoc, tableName, g.tenant), g.plan, benchQuarter, { clock });
        const seen = parts.meter.take();
        const s = summarise(seen);
        const quarterQuery = seen.filter((r) => r.op === 'Query' && r.index === 'gsi1');
        metered.tenants += 1;
        metered.measures += g.count;
        metered.reads += s.reads;
        metered.writes += s.writes;
        metered.readUnits += s.readUnits;
        metered.writeUnits += s.writeUnits;
        metered.queryUnits += sum(quarterQuery.map((r) => r.units));
        metered.bytes += sum(quarterQuery.flatMap((r) => r.itemBytes));
        metered.reportsRead += outcome?.reportsRead ?? 0;
      }
    }

    say(`    集計しています (${timedSet.length} 団体, 上限 ${options.compileCapSeconds} 秒)`, `    compiling (${timedSet.length} tenants, capped at ${options.compileCapSeconds} s)`);
    const order = mulberry32(options.seed + scale);
    timedSet.sort(() => order() - 0.5);
    let compiledMeasures = 0;
    let compileMs = 0;
    const capAt = Date.now() + options.compileCapSeconds * 1000;
    for (const g of timedSet) {
      if (Date.now() > capAt) break;
      const store = createStore(doc, tableName, g.tenant);
      const start = performance.now();
      await compileAndSave(store, g.plan, benchQuarter, { clock });
      compileMs += performance.now() - start;
      compiledMeasures += g.count;
    }
    scales.push({ measuresInTable: measures, tenantsInTable: tenants, measuresCompiled: compiledMeasures, msPerMeasure: compileMs / compiledMeasures, seedSeconds, itemsWritten: items });
    say(`    ${measures.toLocaleString()} 事業: ${(compileMs / compiledMeasures).toFixed(3)} ms/事業 (${compiledMeasures} 事業を集計)`, `    ${measures.toLocaleString()} 事業: ${(compileMs / compiledMeasures).toFixed(3)} ms per 事業 (${compiledMeasures} compiled)`);
  }
  doc.destroy();
  meteredDoc.destroy();
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
  const ses = new SESv2Client(localClientConfig(parts.sesEndpoint));
  const mailer = createMailer({ client: ses, maxPerSecond: 0 });
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
  doc.destroy();
  ses.destroy();
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
