/**
 * Progress reports: append-only. Each report of a 事業 and quarter gets the next version number; a
 * conditional put makes two writers racing for the same version impossible, and the idempotency
 * record is written in the same transaction, so a retried submission records one report, not two; a
 * submission saying exactly what the newest version says is answered with that version.
 */
import { randomUUID } from 'node:crypto';
import { fingerprintOf } from '../domain/fingerprint.ts';
import { reportReference, submissionOf, type ReportSubmission, type StoredReport } from '../domain/report.ts';
import { queryAll } from './query.ts';
import { maxCommentVersion, maxReportVersions, reportFromItem, reportKeys, reportToItem } from './report-keys.ts';
import { isConditionFailure, type Store } from './store.ts';
import { byQuarterIndex, timeToLiveAttribute } from './table.ts';

export { maxCommentVersion, maxReportVersions, reportFromItem, reportKeys, reportToItem };

/**
 * How long a submission's idempotency key is kept: a fiscal year and its closing quarter. The raw mails
 * and the mail bucket's access logs are kept as long (infra/inbound-mail.ts).
 */
export const idempotencyDays = 400;

export interface AppendOptions {
  channel: StoredReport['channel'];
  /** Same key, same report: a retried request or a double click records once; the same key with other content is a conflict. */
  idempotencyKey: string;
  now?: Date;
  attachments?: StoredReport['attachments'];
  /**
   * The 事業's latest version in the quarter, already being read (`latestVersion`, started while the
   * submission was checked); the first attempt uses it instead of reading again.
   *
   * @default read by the first attempt
   */
  latest?: Promise<LatestVersion>;
}

export type AppendResult =
  | { outcome: 'recorded'; report: StoredReport }
  | { outcome: 'duplicate'; report: StoredReport }
  | { outcome: 'conflict'; report: StoredReport };

/**
 * A 事業 and quarter already holds `maxReportVersions` versions, or (for a comment) reached
 * `maxCommentVersion`: nothing more of that kind can be appended.
 */
export class ReportVersionLimitError extends Error {
  constructor(readonly measureId: string, readonly quarter: string, readonly kind: StoredReport['kind'] = 'report') {
    super(
      kind === 'comment'
        ? `${measureId} ${quarter}: 意見は第 ${maxCommentVersion} 版までです / comments only up to version ${maxCommentVersion}`
        : `${measureId} ${quarter}: 報告は ${maxReportVersions} 版までです / at most ${maxReportVersions} versions of a report`,
    );
    this.name = 'ReportVersionLimitError';
  }
}

/**
 * Other writers took the next version number of a 事業 and quarter `maxVersionRaces` times in a row:
 * nothing was recorded, and the same submission sent again a moment later will be.
 */
export class ReportVersionRaceError extends Error {
  constructor(readonly measureId: string, readonly quarter: string) {
    super(`${measureId} ${quarter}: 報告の版番号の競合が続きました / too many concurrent versions of this report`);
    this.name = 'ReportVersionRaceError';
  }
}

export const maxVersionRaces = 5;
/** The longest wait after the first lost race, in ms; it doubles with each further loss. */
const raceBackoffMs = 20;

/**
 * Append a report as the next version for its 事業 and quarter. Returns the report already recorded
 * under the idempotency key when this submission was seen before; throws `ReportVersionLimitError`
 * when the 事業 and quarter are full and `ReportVersionRaceError` when other writers kept taking the
 * next version first.
 */
export async function appendReport(
  store: Store,
  submission: ReportSubmission,
  options: AppendOptions,
): Promise<AppendResult> {
  const now = options.now ?? new Date();
  const fingerprint = fingerprintOf(submission);
  for (let race = 0; race < maxVersionRaces; race += 1) {
    const latest = await (race === 0 && options.latest ? options.latest : latestVersion(store, submission.measureId, submission.quarter));
    // The newest version saying exactly this (the same 課 and person, the same words): a report sent
    // again, from another page or another mail, is answered with that version rather than recorded
    // twice. With attachments it is new: what is attached is part of what was sent.
    if (latest.newest && !options.attachments?.length && fingerprintOf(submissionOf(latest.newest)) === fingerprint) {
      return answerRepeated(store, latest.newest, options.idempotencyKey, fingerprint, now);
    }
    // The last versions are kept for the owner's reports (see maxCommentVersion).
    if (latest.version >= (submission.kind === 'comment' ? maxCommentVersion : maxReportVersions)) {
      // A retry of a submission that was recorded is still answered as a duplicate.
      const existing = await reportByIdempotencyKey(store, options.idempotencyKey);
      if (existing) return answerToReusedKey(existing, fingerprint);
      throw new ReportVersionLimitError(submission.measureId, submission.quarter, submission.kind);
    }
    const version = latest.version + 1;
    // The submission was validated where it came in (parseReportInput, toSubmission); what is added
    // here is typed, so the stored report needs no second pass through the schema.
    const report: StoredReport = {
      ...submission,
      version,
      // A report corrects the owner's latest report, comments in between or not; a comment corrects
      // nothing and records which report it followed, so the next report still knows (see LatestVersion).
      ...(latest.latestReport === undefined ? {} : submission.kind === 'report' ? { supersedes: latest.latestReport } : { followsReport: latest.latestReport }),
      reference: reportReference(submission.measureId, submission.quarter, version),
      channel: options.channel,
      submittedAt: now.toISOString(),
      attachments: options.attachments ?? [],
    };
    const item = reportToItem(store.tenant, report);
    try {
      await store.doc.transactWrite({
        // The same token on every attempt of this write: when an answer is lost (a broken connection, a
        // 500 after the commit) and the client sends it again, DynamoDB answers success again instead of
        // cancelling it against itself, so the report is "recorded", not a "duplicate" of itself.
        ClientRequestToken: randomUUID(),
        TransactItems: [
          {
            Put: idempotencyMarker(store, options.idempotencyKey, item, fingerprint, now),
          },
          {
            Put: { TableName: store.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
          },
        ],
      });
      return { outcome: 'recorded', report };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (reasons[0] === 'ConditionalCheckFailed') {
        const existing = await reportByIdempotencyKey(store, options.idempotencyKey);
        if (existing) return answerToReusedKey(existing, fingerprint);
      }
      // Another writer took this version number first: read the latest again and retry, after a
      // random wait that grows with each loss (full jitter), so writers racing together spread out
      // rather than collide again on the next number.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * raceBackoffMs * 2 ** race));
    }
  }
  throw new ReportVersionRaceError(submission.measureId, submission.quarter);
}

/**
 * A submission saying what the newest version says: its key is recorded for that version, as if the
 * submission had written it, so a retry under the key is answered the same way even after later
 * versions, and the key stays bound to this content (other content under it is a conflict). A key
 * used before is answered as such.
 */
async function answerRepeated(
  store: Store,
  newest: StoredItem,
  key: string,
  fingerprint: string,
  now: Date,
): Promise<AppendResult> {
  try {
    await store.doc.put(idempotencyMarker(store, key, newest, fingerprint, now));
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // The key was used before (or a moment ago, by a submission sent alongside this one).
    const existing = await reportByIdempotencyKey(store, key);
    if (existing) return answerToReusedKey(existing, fingerprint);
    throw error;
  }
  return { outcome: 'duplicate', report: reportFromItem(newest) };
}

/** The conditional put of a key's marker, naming the report item it stands for; written once per key. */
function idempotencyMarker(store: Store, key: string, report: { pk: string; sk: string }, fingerprint: string, now: Date) {
  return {
    TableName: store.tableName,
    Item: {
      pk: reportKeys.idempotency(store.tenant, key),
      sk: 'IDEMPOTENCY',
      type: 'Idempotency',
      reportPk: report.pk,
      reportSk: report.sk,
      fingerprint,
      [timeToLiveAttribute]: Math.floor(now.getTime() / 1000) + idempotencyDays * 86_400,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  };
}

/** A key used before: the same content is a duplicate (answered with the first report), other content a conflict. */
function answerToReusedKey(existing: { report: StoredReport; fingerprint: string }, fingerprint: string): AppendResult {
  return { outcome: existing.fingerprint === fingerprint ? 'duplicate' : 'conflict', report: existing.report };
}

function cancellationReasons(error: unknown): string[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code ?? 'None');
}

/** An item as the table holds it. */
type StoredItem = Record<string, unknown> & { pk: string; sk: string };

/** The newest version of a 事業's reports in a quarter and its kind; version 0 when there is none. */
export interface LatestVersion {
  version: number;
  kind?: StoredReport['kind'];
  /**
   * The version of the owner's latest report (kind `report`) up to and including `version`: the
   * newest item itself when it is a report, else the report that comment followed (`followsReport`).
   * Undefined when there is no report yet, and after a comment stored before `followsReport` was
   * recorded: what came before it is not read again, so the next report then names no `supersedes`.
   */
  latestReport?: number;
  /** The newest version's item as stored (its keys included); absent when there is none. */
  newest?: StoredItem;
}

/**
 * The newest version of a 事業's reports in a quarter (one strongly consistent read), and from that
 * one item also the owner's latest report, which the next version follows.
 */
export async function latestVersion(store: Store, measureId: string, quarter: string): Promise<LatestVersion> {
  // One page of one item: the newest version sorts last, so read backwards and stop at the first.
  const { Items } = await store.doc.query({
    TableName: store.tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': reportKeys.partition(store.tenant, measureId),
      ':prefix': reportKeys.quarterPrefix(quarter),
    },
    ScanIndexForward: false,
    Limit: 1,
    // The whole item (a read is charged by the item's size whatever it returns): its content tells a
    // report sent again unchanged.
    ConsistentRead: true,
  });
  // A query's items always carry the table's keys.
  const latest = Items?.[0] as StoredItem | undefined;
  if (!latest) return { version: 0 };
  const version = Number(latest.version);
  if (latest.kind !== 'comment') return { version, kind: 'report', latestReport: version, newest: latest };
  return { version, kind: 'comment', ...(latest.followsReport === undefined ? {} : { latestReport: Number(latest.followsReport) }), newest: latest };
}

async function reportByIdempotencyKey(
  store: Store,
  key: string,
): Promise<{ report: StoredReport; fingerprint: string } | undefined> {
  const { Item: marker } = await store.doc.get({
    TableName: store.tableName,
    Key: { pk: reportKeys.idempotency(store.tenant, key), sk: 'IDEMPOTENCY' },
    ConsistentRead: true,
  });
  if (!marker) return undefined;
  const { Item } = await store.doc.get({ TableName: store.tableName, Key: { pk: marker.reportPk, sk: marker.reportSk }, ConsistentRead: true });
  return Item ? { report: reportFromItem(Item), fingerprint: String(marker.fingerprint) } : undefined;
}

/**
 * One report by its key parts, or undefined. Read strongly consistent: a report just written (its
 * receipt's 受付番号, the version a compile has just used) is found.
 */
export async function getReport(store: Store, measureId: string, quarter: string, version: number): Promise<StoredReport | undefined> {
  const { Item } = await store.doc.get({
    TableName: store.tableName,
    Key: { pk: reportKeys.partition(store.tenant, measureId), sk: reportKeys.sort(quarter, version) },
    ConsistentRead: true,
  });
  return Item ? reportFromItem(Item) : undefined;
}

/** How many reports (all versions, comments included) a 事業 has, over all quarters; counted, not read. */
export async function reportCount(store: Store, measureId: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.query({
      TableName: store.tableName,
      Select: 'COUNT',
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': reportKeys.partition(store.tenant, measureId), ':prefix': 'REPORT#' },
      ExclusiveStartKey: startKey,
    });
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

/** Every report of a 事業, oldest first: its whole history, corrections included. */
export async function reportHistory(store: Store, measureId: string, quarter?: string): Promise<StoredReport[]> {
  const items = await queryAll(store, {
    // Strongly consistent: a form pre-filled, a sheet made or a returned sheet checked right after a
    // report must see it (a 事業's history is a few items: the read costs next to nothing either way).
    ConsistentRead: true,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': reportKeys.partition(store.tenant, measureId),
      ':prefix': quarter ? reportKeys.quarterPrefix(quarter) : 'REPORT#',
    },
  });
  return items.map(reportFromItem);
}

/** Every report of a quarter across all 事業, in one paginated query on the quarter index. */
export async function reportsOfQuarter(store: Store, quarter: string): Promise<StoredReport[]> {
  const items = await queryAll(store, {
    IndexName: byQuarterIndex.indexName,
    KeyConditionExpression: `${byQuarterIndex.partitionKey} = :q`,
    ExpressionAttributeValues: { ':q': reportKeys.byQuarter(store.tenant, quarter) },
  });
  return items.map(reportFromItem);
}

/** The latest version per 事業 among reports (later versions supersede earlier ones). */
export function latestPerMeasure(reports: StoredReport[]): Map<string, StoredReport> {
  const latest = new Map<string, StoredReport>();
  for (const report of reports) {
    const current = latest.get(report.measureId);
    if (!current || report.version > current.version) latest.set(report.measureId, report);
  }
  return latest;
}
