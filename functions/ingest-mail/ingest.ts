/**
 * A received report mail, end to end: read the raw message SES stored in S3, parse it with
 * postal-mime, decide whether it may be answered (shared/domain/mail-rules.ts), claim it once per
 * mail (sender, Message-ID and body), check the reply address's token and the sender, read and
 * check the short form (shared/domain/mail-form.ts), store attachments, record every 事業 through
 * `submitReport` (every block checked before any is recorded; a block refused at the moment of
 * recording, by a report racing it, leaves the others recorded and is named as not recorded) and answer (shared/domain/mail-reply.ts) through SES.
 *
 * Once per mail: the answer is claimed with a conditional write (`mail#<hash of sender, Message-ID
 * and body>`, see `mailIdentity`) before anything is recorded, so the same message delivered twice
 * records once and is answered once, while another mail that reuses a Message-ID is still handled.
 * A run that fails after the claim gives it back and fails, so Lambda retries it (and in the end
 * hands it to the on-failure queue); the reports of a retried run are the ones already recorded,
 * found again by their idempotency keys `mail-<same hash>#<block>`.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import PostalMime, { addressParser, type Address, type Email } from 'postal-mime';
import { mailBucketPrefixes, type SesMail, type SesReceipt, type SesReceiptEvent } from '#events/ses-receipt';
import type { OutgoingMail } from '#shared/aws/mailer';
import type { ObjectStore } from '#shared/aws/s3';
import type { Ka } from '#shared/domain/directory';
import { measuresOwnedBy } from '#shared/domain/ownership';
import { formatQuarter, jstDate, parseQuarter, tryParseQuarter } from '#shared/domain/fiscal';
import { checkMailForm, htmlToText, lineOfField, parseMailForm } from '#shared/domain/mail-form';
import {
  confirmationReply,
  rejectionReply,
  replySubject,
  type ProblemLine,
  type RecordedLine,
  type Rejection,
  type ReplyContext,
  type ReplyEnvelope,
  type ReplyMail,
  type ReplyNote,
} from '#shared/domain/mail-reply';
import { classifyInboundMail, parseContentType, senderBelongsTo, type InboundMailFacts, type MailDecision } from '#shared/domain/mail-rules';
import { withCarriedMilestones } from '#shared/domain/milestone-progress';
import { parseMailReference } from '#shared/domain/reminder-mail';
import type { StoredReport } from '#shared/domain/report';
import { roleOf, type ReportInput } from '#shared/domain/report-input';
import { replyAddress, tokenFromAddress } from '#shared/links';
import type { Catalog } from '#shared/store/catalog-cache';
import { reportHistory } from '#shared/store/report-items';
import { claimNotification, markNotificationSending, markNotificationSent, releaseNotification } from '#shared/store/notification-items';
import type { Store } from '#shared/store/store';
import { issuedSheetsOf, richTextWrappersOf, workbookAttachmentsOf } from '#shared/sheet/attachments';
import { authenticate, submitReport, type Caller } from '#shared/submit-report';
import { lastReportFor } from '#shared/web/report-form';
import { bodyFormNotRead, richTextWrapperNotRead, workbooksKept, workbooksNotRead } from './notes.ts';

const { inbound: inboundPrefix, attachments: attachmentsPrefix } = mailBucketPrefixes;

export type IngestLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface IngestDeps {
  store: Store;
  loadCatalog: () => Promise<Catalog>;
  s3: ObjectStore;
  mailer: { send(mail: OutgoingMail): Promise<{ messageId: string }> };
  /** The link-signing secret. */
  secret: () => Promise<string>;
  /** The inbound-mail bucket. */
  bucket: string;
  logger: IngestLogger;
  /** @default () => new Date() */
  clock?: () => Date;
  /**
   * The latest this invocation can still be running (`invocationDeadline` of its Lambda context): the
   * claim on a mail's answer is free for Lambda's retry after it, should the run die (a timeout,
   * memory) before it began to send the answer; once it has begun, the claim holds 15 minutes and
   * the retries end in the on-failure queue rather than answer twice.
   * @default none: such a claim is free 15 minutes after it was made
   */
  runsUntil?: () => Date;
}

/** What became of one received mail. */
export type IngestOutcome =
  | { outcome: 'dropped'; reason: string; sesMessageId: string }
  | { outcome: 'already-handled'; sesMessageId: string }
  | { outcome: 'rejected'; rejection: Rejection['kind']; sesMessageId: string; answeredTo: string }
  | { outcome: 'recorded'; references: string[]; sesMessageId: string; answeredTo: string };

/** Handle every record of an SES receipt event (SES sends one per invocation). */
export async function ingestMail(event: SesReceiptEvent, deps: IngestDeps): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = [];
  for (const record of event.Records) outcomes.push(await ingestOne(record.ses.mail, record.ses.receipt, deps));
  return outcomes;
}

/** Where the raw message is: the S3 action's object when the event names it, else `inbound/<messageId>`. */
export function rawLocation(mail: SesMail, receipt: SesReceipt, bucket: string): { bucket: string; key: string } {
  if (receipt.action.type === 'S3') return { bucket: receipt.action.bucketName, key: receipt.action.objectKey };
  return { bucket, key: `${inboundPrefix}${mail.messageId}` };
}

async function readRaw(deps: IngestDeps, location: { bucket: string; key: string }): Promise<Buffer> {
  const object = await deps.s3.get(location.bucket, location.key);
  if (!object) throw new Error(`受信メールがありません / no message at s3://${location.bucket}/${location.key}`);
  return object.body;
}

/** A file of a received mail, its content as a Buffer. */
export interface MailAttachment {
  filename?: string;
  contentType: string;
  content: Buffer;
  /** An image the HTML body shows (`cid:`): part of the text, not a file. */
  related: boolean;
}

/** A received message as the intake reads it: postal-mime's result, with the attachments as Buffers. */
export interface ReceivedMail extends Omit<Email, 'attachments'> {
  attachments: MailAttachment[];
}

/**
 * Parse a raw message (RFC 5322, MIME). postal-mime decodes every charset the runtime's TextDecoder
 * knows — ISO-2022-JP, Shift_JIS and EUC-JP included — and has no dependencies, so the intake
 * stays small.
 */
export async function parseMail(raw: Buffer): Promise<ReceivedMail> {
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  return {
    ...email,
    attachments: email.attachments.map((a) => ({
      ...(a.filename ? { filename: a.filename } : {}),
      contentType: mediaTypeOf(a.mimeType),
      // attachmentEncoding 'arraybuffer': never a string; the Buffer shares the ArrayBuffer's memory.
      content: Buffer.from(a.content as ArrayBuffer),
      related: a.related === true,
    })),
  };
}

/** A type/subtype token pair (RFC 2045), the only form stored and sent on as a Content-Type header. */
const mediaTypePattern = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i;

/**
 * An attachment's content type as the intake keeps it: the lower-case type/subtype the mail gave, or
 * `application/octet-stream` when that is no media type (a client's garbage, text no HTTP header can
 * carry): the file is kept either way.
 */
export function mediaTypeOf(mimeType: string | undefined): string {
  const type = (mimeType ?? '').trim().toLowerCase();
  return mediaTypePattern.test(type) ? type : 'application/octet-stream';
}

function addressesOf(value: Address | Address[] | undefined): { address: string; name?: string }[] {
  const addresses = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return addresses.flatMap((a) => [
    ...(a.address ? [{ address: a.address, ...(a.name ? { name: a.name } : {}) }] : []),
    // Group syntax (`Team: a@x, b@x;`) nests the members.
    ...(a.group ?? []).filter((g) => g.address).map((g) => ({ address: g.address, ...(g.name ? { name: g.name } : {}) })),
  ]);
}

/** Header values by lower-case name, unfolded, from the message itself (SES's list may be truncated). */
function headerMap(parsed: ReceivedMail): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { key, line } of parsed.headerLines) {
    const colon = line.indexOf(':');
    const value = (colon < 0 ? '' : line.slice(colon + 1)).replace(/\r?\n[ \t]+/g, ' ').trim();
    const name = key.toLowerCase();
    map.set(name, [...(map.get(name) ?? []), value]);
  }
  return map;
}

/**
 * Every address of every From header. postal-mime's `from` is the first address of the first From
 * header only, so `From: a@x, b@y` (or a second From header) would pass for a@x alone; the rules
 * refuse a mail with more than one sender, so they must see all of them.
 */
function fromAddressesOf(parsed: ReceivedMail, headers: ReadonlyMap<string, readonly string[]>): { address: string; name?: string }[] {
  // A From header that lists no address at all still counts as one sender.
  const listed = (headers.get('from') ?? []).flatMap((value) => {
    const found = addressParser(value, { flatten: true });
    return found.length > 0 ? found : [{ address: '', name: '' }];
  });
  if (listed.length <= 1) return addressesOf(parsed.from);
  return listed.map((a) => ({ address: a.address ?? '', ...(a.name ? { name: a.name } : {}) }));
}

/** The facts the rules decide on. */
export function factsOf(parsed: ReceivedMail, mail: SesMail, receipt: SesReceipt): InboundMailFacts {
  const header = parsed.headers.find((h) => h.key === 'content-type')?.value;
  const contentType = header === undefined ? undefined : parseContentType(header);
  const headers = headerMap(parsed);
  return {
    headers,
    from: fromAddressesOf(parsed, headers),
    envelopeFrom: mail.source,
    ...(parsed.subject !== undefined ? { subject: parsed.subject } : {}),
    ...(contentType?.value ? { contentType } : {}),
    verdicts: {
      spf: receipt.spfVerdict.status,
      dkim: receipt.dkimVerdict.status,
      dmarc: receipt.dmarcVerdict.status,
      spam: receipt.spamVerdict.status,
      virus: receipt.virusVerdict.status,
    },
  };
}

/**
 * What a message is known by, however often it is delivered: its sender, its Message-ID and its body.
 * A Message-ID alone is not unique across the city (another 課's client, or a broken one, may reuse
 * one), so a different mail under a known Message-ID is still a new mail. The body, not the whole raw
 * message: every delivery adds its own trace headers (Received, Return-Path, the verdicts), while the
 * body travels unchanged (DKIM relies on it); line endings and trailing spaces are evened out as DKIM's
 * relaxed body canonicalisation does.
 */
export function mailIdentity(sender: string, messageId: string, raw: Buffer): string {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf < 0 ? -1 : crlf + 4, lf < 0 ? -1 : lf + 2].filter((at) => at >= 0);
  const body = ends.length === 0 ? '' : raw.subarray(Math.min(...ends)).toString('latin1');
  const canonicalBody = body.replace(/\r\n?/g, '\n').replace(/[ \t]+\n/g, '\n').replace(/\n+$/, '');
  const bodyHash = createHash('sha256').update(canonicalBody, 'latin1').digest('base64url');
  return createHash('sha256').update(`${sender.trim().toLowerCase()}\n${messageId.trim()}\n${bodyHash}`).digest('base64url');
}

/** The key the answer to a message is claimed under: one per {@link mailIdentity}, whoever delivers it how often. */
export function replyClaimKey(identity: string): string {
  return `mail#${identity}`;
}

function referencesOf(parsed: ReceivedMail): string[] {
  return (parsed.references ?? '').split(/\s+/).filter(Boolean);
}

async function ingestOne(mail: SesMail, receipt: SesReceipt, deps: IngestDeps): Promise<IngestOutcome> {
  const { logger } = deps;
  const now = (deps.clock ?? (() => new Date()))();
  const sesMessageId = mail.messageId;
  const raw = await readRaw(deps, rawLocation(mail, receipt, deps.bucket));
  const parsed = await parseMail(raw);
  const catalog = await deps.loadCatalog();
  const decision = classifyInboundMail(factsOf(parsed, mail, receipt), catalog.directory);
  if (decision.action === 'drop') {
    // No answer: answering could start a loop or write to someone who never wrote to us.
    logger.info('mail dropped without an answer', { sesMessageId, reason: decision.reason, why: decision.en });
    return { outcome: 'dropped', reason: decision.reason, sesMessageId };
  }

  const messageId = parsed.messageId ?? mail.commonHeaders.messageId ?? `<${sesMessageId}@ses>`;
  const answerTo = decision.action === 'accept' ? decision.sender : decision.answerTo;
  const identity = mailIdentity(answerTo, messageId, raw);
  const key = replyClaimKey(identity);
  const claim = await claimNotification(
    deps.store,
    { key, kind: 'reply', recipients: [answerTo], subject: replySubject(parsed.subject), day: jstDate(now) },
    now,
    deps.runsUntil ? { heldUntil: deps.runsUntil() } : {},
  );
  if (claim.outcome === 'already-sent') {
    logger.info('mail already handled (same sender, Message-ID and body)', { sesMessageId, claimKey: key });
    return { outcome: 'already-handled', sesMessageId };
  }
  if (claim.outcome === 'in-progress') {
    // Another delivery of the same message is being handled right now, or one died half-way before its
    // deadline passed: fail, so this delivery is retried later (by then the other has answered, or
    // its claim is stale and the retry takes the mail over) and ends in the on-failure queue rather
    // than vanishing if it never can.
    throw new Error(`同じメールを処理中です / the same message is being handled: ${key}`);
  }

  let answered: { outcome: IngestOutcome; messageId: string };
  try {
    const envelope: ReplyEnvelope = {
      from: `進捗報告 受付 <${catalog.directory.sender}>`,
      to: answerTo,
      subject: parsed.subject,
      messageId,
      references: referencesOf(parsed),
    };
    const { reply, outcome } = await answerOf(decision, { parsed, mail, receipt, catalog, envelope, identity, sesMessageId, deps, now });
    // From here the answer may go out: a delivery that finds this claim left behind no longer takes it over.
    if ((await markNotificationSending(deps.store, key, claim.claimId, now)) === 'lost') {
      throw new Error(`返信の取得が別の配信に引き継がれました / the reply claim was taken over by another delivery: ${key}`);
    }
    answered = { outcome, messageId: (await deps.mailer.send(reply)).messageId };
  } catch (error) {
    // A claim another delivery took over (ours went stale) is left to it; only our own is given back.
    await releaseNotification(deps.store, key, claim.claimId).then(
      (released) => {
        if (released === 'lost') logger.warn('reply claim not released: another delivery took it over', { claimKey: key });
      },
      (releaseError: unknown) => logger.error('could not release the reply claim', { claimKey: key, error: releaseError as Error }),
    );
    throw error;
  }
  // Outside the try: once the answer has gone, the claim must not be given back, or a retry after a
  // failed mark would answer a second time. A claim left held makes the retry fail instead.
  // A claim another delivery took over meanwhile is not overwritten (it answers too, and records its
  // own answer); the answer went out, so this delivery still succeeds.
  if ((await markNotificationSent(deps.store, key, claim.claimId, answered.messageId, now)) === 'lost') {
    logger.warn('mail answered, but the reply claim was taken over by another delivery, which may answer again', {
      claimKey: key,
      replyMessageId: answered.messageId,
    });
  }
  const { outcome } = answered;
  logger.info('mail answered', { sesMessageId, outcome: outcome.outcome, ...('rejection' in outcome ? { rejection: outcome.rejection } : {}) });
  return outcome;
}

interface AnswerInput {
  parsed: ReceivedMail;
  mail: SesMail;
  receipt: SesReceipt;
  catalog: Catalog;
  envelope: ReplyEnvelope;
  /** The mail's {@link mailIdentity}: the same for every delivery of it. */
  identity: string;
  sesMessageId: string;
  deps: IngestDeps;
  now: Date;
}

function contextOf(catalog: Catalog, ka: Ka, quarter?: string): ReplyContext {
  return {
    kaName: ka.name,
    ...(quarter ? { quarter } : {}),
    ownedMeasures: measuresOwnedBy(catalog.plan, ka).map((m) => ({ id: m.id, name: m.name })),
  };
}

type Answer = { reply: ReplyMail; outcome: IngestOutcome };
type Rejecting = (ka: Ka, rejection: Rejection, extra?: { quarter?: string; replyTo?: string; notes?: ReplyNote[] }) => Answer;

/** The answer to a mail the rules let through: a refusal, or what its sheets or its short form recorded. */
async function answerOf(decision: Exclude<MailDecision, { action: 'drop' }>, input: AnswerInput): Promise<Answer> {
  const { catalog, envelope, sesMessageId } = input;
  const reject: Rejecting = (ka, rejection, extra = {}) => ({
    reply: rejectionReply(
      { ...envelope, ...(extra.replyTo ? { replyTo: extra.replyTo } : {}), ...(extra.notes ? { notes: extra.notes } : {}) },
      contextOf(catalog, ka, extra.quarter),
      rejection,
    ),
    outcome: { outcome: 'rejected' as const, rejection: rejection.kind, sesMessageId, answeredTo: envelope.to },
  });

  if (decision.action === 'refuse') {
    return reject(
      decision.ka,
      decision.reason === 'unverified'
        ? { kind: 'unverified', failed: decision.failed }
        : { kind: 'envelope-mismatch', fromDomain: decision.fromDomain ?? '', envelopeDomain: decision.envelopeDomain ?? '' },
    );
  }
  const resolved = await callerOf(decision, input);
  if ('rejection' in resolved) return reject(decision.ka, resolved.rejection, resolved.quarter ? { quarter: resolved.quarter } : {});

  const { caller, token } = resolved;
  const { parsed } = input;
  const body = parsed.text ?? (parsed.html === undefined ? '' : htmlToText(parsed.html));
  const form = parseMailForm(body, { quarter: caller.claims.quarter, person: decision.senderName ?? decision.sender });
  // A 進捗管理シート this system issued (its workbook lists the worksheet of the signed reference) is
  // imported (shared/sheet/mail.ts); any other spreadsheet is an attachment like a PDF, and the body's
  // short form is read. The sheet import (with the xlsx reader) is loaded only for a mail with a sheet.
  const workbooks = workbookAttachmentsOf(parsed.attachments);
  const sheets = issuedSheetsOf(workbooks);
  const answering: Answering = {
    input,
    caller,
    correctionAddress: replyAddress(catalog.directory, token),
    form,
    otherWorkbooks: workbooks.filter((w) => !w.issued).map((w) => w.fileName),
    richTextWrappers: richTextWrappersOf(parsed.attachments),
  };
  return sheets.length > 0 ? answerWithSheets(answering, sheets) : answerWithForm(answering, reject);
}

/**
 * The 課 a mail reports for: the token of the reply address it was sent to (only from the addresses the
 * mail went to: the subject reference alone proves nothing), valid, and the sender one of that 課's.
 */
async function callerOf(
  decision: Extract<MailDecision, { action: 'accept' }>,
  input: AnswerInput,
): Promise<{ caller: Caller; token: string } | { rejection: Rejection; quarter?: string }> {
  const { parsed, mail, receipt, catalog } = input;
  const recipients = [
    ...addressesOf(parsed.to).map((a) => a.address),
    ...addressesOf(parsed.cc).map((a) => a.address),
    ...mail.destination,
    ...receipt.recipients,
  ];
  const tokens = [...new Set(recipients.map((a) => tokenFromAddress(catalog.directory, a)).filter((t): t is string => t !== undefined))];
  if (tokens.length === 0) return { rejection: { kind: 'no-token', subjectReference: parseMailReference(parsed.subject ?? '') !== undefined } };
  if (tokens.length > 1) return { rejection: { kind: 'several-tokens' } };
  const token = tokens[0]!;
  const caller = authenticate(token, 'mail', { secret: await input.deps.secret(), catalog, now: input.now });
  if ('outcome' in caller) return { rejection: { kind: 'token', ja: caller.ja, en: caller.en } };
  if (!senderBelongsTo(caller.ka, decision.sender)) return { rejection: { kind: 'wrong-ka', tokenKa: caller.ka.name }, quarter: caller.claims.quarter };
  return { caller, token };
}

/** What answering a mail of a known 課 needs: the caller, where corrections go, the body's form, the other workbooks. */
interface Answering {
  input: AnswerInput;
  caller: Caller;
  /** The reply address of the caller's token: the answer's Reply-To, so a correction is a reply. */
  correctionAddress: string;
  form: ReturnType<typeof parseMailForm>;
  /** Spreadsheets attached that are not sheets this system issued: kept as attachments, not read. */
  otherWorkbooks: string[];
  /** Outlook's rich-text wrappers (winmail.dat): kept as attachments, nothing inside read. */
  richTextWrappers: string[];
}

/**
 * A mail with a sheet this system issued: the sheet is read, as it is signed, checked cell by cell and
 * all or nothing per file. Reading the body's form as well could record one 事業 twice at once, with
 * different values, so the answer says the body was not read.
 */
async function answerWithSheets(answering: Answering, sheets: ReturnType<typeof issuedSheetsOf>): Promise<Answer> {
  const { input, caller, correctionAddress, form, otherWorkbooks } = answering;
  const { envelope, sesMessageId } = input;
  const { importMailSheets, sheetReplyMail } = await import('#shared/sheet/mail');
  const answer = await importMailSheets(input.deps.store, input.catalog, caller, sheets, {
    secret: await input.deps.secret(),
    now: input.now,
    attachments: () => storeAttachments(input, input.parsed.attachments),
  });
  const kept = answer.references.length > 0;
  const notes = [
    ...(form.blocks.length > 0 ? [bodyFormNotRead(form.blocks[0]!.line)] : []),
    ...(otherWorkbooks.length > 0 ? [kept ? workbooksKept(otherWorkbooks) : workbooksNotRead(otherWorkbooks)] : []),
  ];
  return {
    reply: sheetReplyMail({ ...envelope, replyTo: correctionAddress, notes }, { kaName: caller.ka.name, quarter: caller.claims.quarter }, answer.results),
    outcome: answer.accepted
      ? { outcome: 'recorded', references: answer.references, sesMessageId, answeredTo: envelope.to }
      : { outcome: 'rejected', rejection: 'problems', sesMessageId, answeredTo: envelope.to },
  };
}

/** A mail answered with the short form in its body: every block checked, then each 事業 recorded. */
async function answerWithForm(answering: Answering, reject: Rejecting): Promise<Answer> {
  const { input, caller, correctionAddress, form, otherWorkbooks, richTextWrappers } = answering;
  const { catalog, envelope, sesMessageId } = input;
  const quarter = caller.claims.quarter;
  const wrapped = richTextWrappers.length > 0 ? [richTextWrapperNotRead(richTextWrappers)] : [];
  const refuse = (rejection: Rejection) =>
    reject(caller.ka, rejection, { quarter, replyTo: correctionAddress, notes: [...(otherWorkbooks.length > 0 ? [workbooksNotRead(otherWorkbooks)] : []), ...wrapped] });
  if (form.blocks.length === 0) {
    return refuse({ kind: 'no-form', empty: form.empty, ...(form.problems.length > 0 ? { problems: form.problems } : {}) });
  }
  // The day the report is received, as submitReport will judge it (input.now), not the clock's now.
  const checked = checkMailForm(form, { plan: catalog.plan, reporter: caller.reporter, quarter, today: jstDate(input.now) });
  const problems: ProblemLine[] = [
    ...form.problems,
    ...checked.flatMap((c) => c.problems.map((p) => ({ ...p, measureId: c.block.input.measureId || undefined }))),
  ].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (problems.length > 0) return refuse({ kind: 'problems', problems });

  const attachments = await storeAttachments(input, input.parsed.attachments);
  const recorded = await submitAll(input, caller, checked.map((c) => c.block), attachments);
  if ('problems' in recorded) return refuse({ kind: 'problems', problems: recorded.problems, partial: recorded.partial });
  const lines: RecordedLine[] = recorded.reports.map(({ report, duplicate }) => ({
    reference: report.reference,
    measureId: report.measureId,
    measureName: catalog.plan.measures.find((m) => m.id === report.measureId)?.name,
    kind: report.kind,
    ...(report.status ? { status: report.status } : {}),
    ...(report.budgetExecutedThousandYen !== undefined ? { budgetExecutedThousandYen: report.budgetExecutedThousandYen } : {}),
    version: report.version,
    ...(report.supersedes !== undefined ? { supersedes: report.supersedes } : {}),
    alreadyRecorded: duplicate,
    attachments: report.attachments.map((a) => a.name),
  }));
  return {
    reply: confirmationReply(
      { ...envelope, replyTo: correctionAddress, notes: [...(otherWorkbooks.length > 0 ? [workbooksKept(otherWorkbooks)] : []), ...wrapped] },
      contextOf(catalog, caller.ka, quarter),
      lines,
    ),
    outcome: { outcome: 'recorded', references: lines.map((l) => l.reference), sesMessageId, answeredTo: envelope.to },
  };
}

/**
 * The most UTF-8 bytes of an attachment's file name as stored: a name any file system can hold when
 * the file is saved (most allow 255 bytes), with room for a `3-` the intake puts before a name the
 * mail repeats and for what the local S3 adds to each object's file (`._S3rver_metadata.json`).
 */
export const maxFileNameBytes = 200;
/** An extension of at most this many bytes is kept when a name is cut (`.pdf`, `.xlsx`). */
const maxExtensionBytes = 16;

/**
 * A file name safe as the last part of an S3 key and in a mail: no paths, no control characters, at
 * most `maxFileNameBytes` bytes. A longer name loses the end of its stem, not its extension, and is
 * cut between characters (never inside 𠮷 or an emoji, half of which no S3 key can hold).
 */
export function safeFileName(name: string | undefined, index: number): string {
  const cleaned = (name ?? '')
    .normalize('NFC')
    .replace(/[\\/\u0000-\u001f\u007f]/g, '_')
    .replace(/^\.+/, '')
    .trim();
  if (cleaned === '') return `attachment-${index + 1}`;
  if (Buffer.byteLength(cleaned) <= maxFileNameBytes) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 && Buffer.byteLength(cleaned.slice(dot)) <= maxExtensionBytes ? cleaned.slice(dot) : '';
  return cutToBytes(cleaned.slice(0, cleaned.length - extension.length), maxFileNameBytes - Buffer.byteLength(extension)).trimEnd() + extension;
}

/** The longest start of `text` of at most `bytes` UTF-8 bytes that ends between two characters. */
function cutToBytes(text: string, bytes: number): string {
  let used = 0;
  let end = 0;
  for (const character of text) {
    used += Buffer.byteLength(character);
    if (used > bytes) break;
    end += character.length;
  }
  return text.slice(0, end);
}

/**
 * The files attached to the mail (a filled-in sheet, a PDF), stored beside the raw message. Images
 * embedded in an HTML body (`cid:` parts, a logo in the signature) are part of the text, not files.
 */
async function storeAttachments(input: AnswerInput, attachments: readonly MailAttachment[]): Promise<StoredReport['attachments']> {
  const stored: StoredReport['attachments'] = [];
  const used = new Set<string>();
  for (const [index, attachment] of attachments.entries()) {
    if (attachment.related) continue;
    let name = safeFileName(attachment.filename, index);
    if (used.has(name)) name = `${index + 1}-${name}`;
    used.add(name);
    const key = `${attachmentsPrefix}${input.sesMessageId}/${name}`;
    await input.deps.s3.put({ bucket: input.deps.bucket, key, body: attachment.content, contentType: attachment.contentType });
    stored.push({ name, contentType: attachment.contentType, key, bytes: attachment.content.length });
  }
  return stored;
}

/**
 * An owner's report by mail keeps what the 事業's last report recorded and the mail leaves out, as a
 * report from the sheet does and the web form pre-fills (shared/domain/milestone-progress.ts,
 * shared/web/report-form.ts `valuesFromReport`): a short mail must not undo it. So the progress of
 * every milestone its `m1:` lines leave out, and the amount executed when it has no `執行額:` line and
 * the last report is of the same fiscal year (the amount is the year's total so far). A related
 * department's comment carries neither.
 */
async function withLastReportCarried<T extends Pick<ReportInput, 'measureId' | 'quarter' | 'milestones' | 'budgetExecutedThousandYen'>>(
  input: AnswerInput,
  caller: Caller,
  report: T,
): Promise<{ report: T; lastMilestones?: StoredReport['milestones'] }> {
  const measure = input.catalog.plan.measures.find((m) => m.id === report.measureId);
  if (!measure || roleOf(measure, caller.reporter) !== 'owner') return { report };
  const quarter = tryParseQuarter(report.quarter ?? caller.claims.quarter);
  if (!quarter) return { report };
  const last = lastReportFor(await reportHistory(input.deps.store, measure.id), formatQuarter(quarter));
  const known = new Set(measure.milestones.map((m) => m.id));
  const carried = withCarriedMilestones(report.milestones ?? [], last).filter((m) => known.has(m.milestoneId));
  const sameYear = last !== undefined && parseQuarter(last.quarter).fiscalYear === quarter.fiscalYear;
  const amount = report.budgetExecutedThousandYen === undefined && sameYear ? last.budgetExecutedThousandYen : undefined;
  return {
    report: {
      ...report,
      ...(carried.length === (report.milestones ?? []).length ? {} : { milestones: carried }),
      ...(amount === undefined ? {} : { budgetExecutedThousandYen: amount }),
    },
    lastMilestones: last?.milestones,
  };
}

async function submitAll(
  input: AnswerInput,
  caller: Caller,
  blocks: readonly ReturnType<typeof parseMailForm>['blocks'][number][],
  attachments: StoredReport['attachments'],
): Promise<{ reports: { report: StoredReport; duplicate: boolean }[] } | { problems: ProblemLine[]; partial: boolean }> {
  const reports: { report: StoredReport; duplicate: boolean }[] = [];
  const problems: ProblemLine[] = [];
  for (const block of blocks) {
    const { report, lastMilestones } = await withLastReportCarried(input, caller, block.input);
    const outcome = await submitReport(input.deps.store, input.catalog, caller, report, {
      channel: 'mail',
      idempotencyKey: `mail-${input.identity}#${block.index}`,
      attachments,
      now: input.now,
      lastMilestones,
    });
    // Nothing recorded for this block: failing the invocation has it processed again, where the blocks
    // already recorded answer as duplicates and this one finds the version free.
    if (outcome.outcome === 'busy') throw new Error(`${block.input.measureId}: ${outcome.en}`);
    if (!('ja' in outcome)) {
      reports.push({ report: outcome.report, duplicate: outcome.outcome === 'duplicate' });
    } else {
      // Checked just before, so only a race (the plan reloaded, a key reused) lands here.
      const fields = outcome.outcome === 'invalid' || outcome.outcome === 'full' ? outcome.fields : [];
      problems.push({ line: block.line, measureId: block.input.measureId, ja: outcome.ja, en: outcome.en });
      for (const f of fields) problems.push({ line: lineOfField(block, f.field), field: f.field, ja: f.ja, en: f.en });
    }
  }
  if (problems.length > 0) {
    input.deps.logger.error('a checked mail block was refused on submit', { sesMessageId: input.sesMessageId, recorded: reports.length });
    if (reports.length > 0) {
      // Some were recorded before the refusal: say which, so the person corrects only the rest.
      for (const r of reports) {
        problems.push({
          measureId: r.report.measureId,
          ja: `この事業は受付番号 ${r.report.reference} で記録済みです`,
          en: `this measure was recorded as ${r.report.reference}`,
        });
      }
    }
    return { problems, partial: reports.length > 0 };
  }
  return { reports };
}
