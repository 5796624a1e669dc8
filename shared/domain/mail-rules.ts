/**
 * Who a received mail is from and whether it may be answered or recorded, decided before anything
 * is written or sent:
 *
 * 1. **Never answered** (no reply, nothing recorded; logged only): our own mails coming back
 *    (`X-Shinchoku-Mail`, our sender or reply addresses), automatic mail (`Auto-Submitted` other
 *    than `no`, `X-Autoreply`/`X-Autorespond`, `Precedence: bulk/junk/list/auto_reply`, or without
 *    any of these an auto-reply's subject: `自動応答:`, `不在:`, `Automatic reply:`), mailing
 *    lists (`List-Id`), bounces and receipts (`multipart/report`, an empty or `<>` envelope sender or
 *    Return-Path, MAILER-DAEMON / postmaster), a mail without exactly one From address, and a
 *    stranger (an address no 課 registered) — answering any of these could start a mail loop or
 *    send mail to someone who never wrote to us.
 * 2. **Refused with an answer to the registered 課 address** (never to Reply-To, never to the
 *    envelope sender, so a forger cannot aim our answer at anyone): SES says SPF, DKIM or DMARC
 *    FAIL, or spam / virus; or the envelope sender's domain is not aligned with From's (neither is
 *    the other or a subdomain of it) — the From is then likely forged, and the real 課 learns that
 *    someone wrote in its name.
 * 3. Otherwise the mail goes on to the token and form checks.
 *
 * Pure: no I/O, no AWS.
 */
import type { Directory, Ka } from './directory.ts';
import { kaByEmail } from './ownership.ts';

/** The statuses SES gives its checks (`receipt.spfVerdict.status` …). */
export type VerdictStatus = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' | 'DISABLED';

export interface SesVerdicts {
  spf: VerdictStatus;
  dkim: VerdictStatus;
  dmarc: VerdictStatus;
  spam: VerdictStatus;
  virus: VerdictStatus;
}

export type VerdictCheck = keyof SesVerdicts;

/** What the rules look at, taken from the parsed message and the SES event. */
export interface InboundMailFacts {
  /** Header values by lower-case name, in message order. */
  headers: ReadonlyMap<string, readonly string[]>;
  /** Every address of every From header, as written (a second address or header: several senders). */
  from: readonly { address: string; name?: string }[];
  /** The envelope sender (SES `mail.source`); '' for a null sender. */
  envelopeFrom: string;
  /** The Subject, decoded. */
  subject?: string;
  /** The top-level content type and its parameters. */
  contentType?: { value: string; params: Readonly<Record<string, string>> };
  verdicts: SesVerdicts;
}

/**
 * A Content-Type header value as the rules read it: the lower-case type and its parameters
 * (`multipart/report; report-type="delivery-status"` → `multipart/report`, `report-type` →
 * `delivery-status`). Parameter names are lower case; quoted values lose their quotes and escapes.
 */
export function parseContentType(header: string): { value: string; params: Record<string, string> } {
  const [type = '', ...rest] = splitParameters(header);
  const params: Record<string, string> = {};
  for (const part of rest.map((p) => p.trim())) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    const raw = part.slice(eq + 1).trim();
    params[name] = raw.startsWith('"') ? raw.slice(1, raw.endsWith('"') && raw.length > 1 ? -1 : undefined).replace(/\\(.)/g, '$1') : raw;
  }
  return { value: type.trim().toLowerCase(), params };
}

/** Split at the semicolons that are not inside a quoted string. */
function splitParameters(header: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < header.length; i += 1) {
    const c = header[i]!;
    if (quoted && c === '\\' && i + 1 < header.length) {
      current += c + header[i + 1]!;
      i += 1;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

/** The product's own addresses, from the directory. */
export type OwnAddresses = Pick<Directory, 'sender' | 'replyLocalPart' | 'mailDomain'>;

export type DropReason =
  | 'own-mail'
  | 'auto-submitted'
  | 'auto-reply'
  | 'precedence'
  | 'mailing-list'
  | 'bounce'
  | 'no-sender'
  | 'several-senders'
  | 'stranger';

export type RefuseReason = 'unverified' | 'envelope-mismatch';

export type MailDecision =
  | { action: 'drop'; reason: DropReason; ja: string; en: string }
  | {
      action: 'refuse';
      reason: RefuseReason;
      /** The registered address the answer goes to (the From, which a 課 registered). */
      answerTo: string;
      ka: Ka;
      /** The SES checks that failed (reason 'unverified'). */
      failed: VerdictCheck[];
      envelopeDomain?: string;
      fromDomain?: string;
      ja: string;
      en: string;
    }
  | { action: 'accept'; sender: string; senderName?: string; ka: Ka };

const ownMailHeader = 'x-shinchoku-mail';

function first(facts: InboundMailFacts, name: string): string | undefined {
  return facts.headers.get(name)?.[0];
}

/** The address inside `<…>`, or the text itself; lower case. */
export function bareAddress(value: string): string {
  const angle = /<([^<>]*)>/.exec(value);
  return (angle ? angle[1]! : value).trim().toLowerCase();
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).trim().toLowerCase().replace(/\.$/, '');
}

function localPartOf(address: string): string {
  const at = address.lastIndexOf('@');
  return (at < 0 ? address : address.slice(0, at)).trim().toLowerCase();
}

/** Our sender address, or our reply address with or without a `+token`. */
export function isOwnAddress(address: string, own: OwnAddresses): boolean {
  const a = bareAddress(address);
  if (a === own.sender.toLowerCase()) return true;
  const local = localPartOf(a).split('+')[0];
  return domainOf(a) === own.mailDomain.toLowerCase() && local === own.replyLocalPart.toLowerCase();
}

/**
 * Relaxed alignment, as DMARC's: the same domain, or one a subdomain of the other
 * (`mail.city.example.jp` and `city.example.jp`).
 */
export function domainsAligned(a: string, b: string): boolean {
  if (a === '' || b === '') return false;
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

const bounceSenders = new Set(['mailer-daemon', 'postmaster']);

function drop(reason: DropReason, ja: string, en: string): MailDecision {
  return { action: 'drop', reason, ja, en };
}

/** Whether the mail is one we must never answer, and why. */
export function loopReason(facts: InboundMailFacts, own: OwnAddresses): MailDecision | undefined {
  if (facts.headers.has(ownMailHeader)) return drop('own-mail', '当システムが送ったメールです', 'one of our own mails came back');
  if (facts.from.some((f) => isOwnAddress(f.address, own)) || (facts.envelopeFrom !== '' && isOwnAddress(facts.envelopeFrom, own))) {
    return drop('own-mail', '当システムのアドレスからのメールです', 'mail from our own address');
  }
  const contentType = facts.contentType?.value.toLowerCase();
  if (contentType === 'multipart/report') {
    const reportType = (facts.contentType?.params['report-type'] ?? '').toLowerCase();
    return drop('bounce', `配信状況通知です (${reportType || 'report'})`, `a delivery or read report (${reportType || 'report'})`);
  }
  const envelope = facts.envelopeFrom.trim();
  const returnPath = first(facts, 'return-path');
  if (envelope === '' || envelope === '<>' || (returnPath !== undefined && bareAddress(returnPath) === '')) {
    return drop('bounce', '差出人が空のメール (エラー通知) です', 'null sender (a bounce)');
  }
  const senders = [envelope, ...facts.from.map((f) => f.address)].map((a) => localPartOf(bareAddress(a)));
  if (senders.some((s) => bounceSenders.has(s))) {
    return drop('bounce', 'メールサーバーからの通知です', 'a notice from a mail server (MAILER-DAEMON / postmaster)');
  }
  const autoSubmitted = first(facts, 'auto-submitted');
  if (autoSubmitted !== undefined && autoSubmitted.split(';')[0]!.trim().toLowerCase() !== 'no') {
    return drop('auto-submitted', `自動送信のメールです (Auto-Submitted: ${autoSubmitted})`, `automatic mail (Auto-Submitted: ${autoSubmitted})`);
  }
  if (facts.headers.has('x-autoreply') || facts.headers.has('x-autorespond')) {
    return drop('auto-reply', '自動応答のメールです', 'an automatic reply');
  }
  const precedence = first(facts, 'precedence')?.trim().toLowerCase();
  if (precedence !== undefined && ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) {
    return drop('precedence', `一斉配信・自動のメールです (Precedence: ${precedence})`, `bulk or automatic mail (Precedence: ${precedence})`);
  }
  if (facts.headers.has('list-id')) return drop('mailing-list', 'メーリングリストからのメールです', 'mail from a mailing list');
  const subject = facts.subject?.trim() ?? '';
  if (autoReplySubjects.some((p) => p.test(subject))) {
    return drop('auto-reply', `自動応答のメールです (件名: ${subject})`, `an automatic reply (subject: ${subject})`);
  }
  return undefined;
}

/**
 * The subjects out-of-office and other automatic replies are sent with where they carry none of the
 * headers above (Outlook's Out of Office Assistant before Exchange 2010, groupware's 不在通知, a
 * server's vacation notice): `自動応答: …`, `不在: …`, `【不在通知】…`, `Automatic reply: …`,
 * `Out of Office: …`. A person's reply has `Re:` (返信:) first. `X-Auto-Response-Suppress` is no such
 * sign: Exchange puts it on mails people write too, asking others not to answer them automatically.
 */
const autoReplyWords = '自動応答|自動返信|自動返答|自動回答|不在通知|不在|Automatic reply|Auto[ -]?Reply|Auto[ -]?Response|Auto|Out of (?:the )?Office(?: AutoReply)?';
const autoReplySubjects: readonly RegExp[] = [
  new RegExp(`^(?:${autoReplyWords})[ \\t\\u3000]*[:：]`, 'i'),
  new RegExp(`^[【\\[［(（][ \\t\\u3000]*(?:${autoReplyWords})[ \\t\\u3000]*[】\\]］)）]`, 'i'),
  /^不在(?:の)?(?:お知らせ|ご連絡|連絡)/,
];

const verdictOrder: readonly VerdictCheck[] = ['virus', 'spam', 'spf', 'dkim', 'dmarc'];

const checkNames: Record<VerdictCheck, { ja: string; en: string }> = {
  virus: { ja: 'ウイルス検査', en: 'virus scan' },
  spam: { ja: '迷惑メール判定', en: 'spam check' },
  spf: { ja: 'SPF (送信元サーバーの認証)', en: 'SPF (sending server authorisation)' },
  dkim: { ja: 'DKIM (電子署名)', en: 'DKIM (signature)' },
  dmarc: { ja: 'DMARC (差出人ドメインの認証)', en: 'DMARC (sender domain authentication)' },
};

/** The name of a check for people. */
export function checkName(check: VerdictCheck): { ja: string; en: string } {
  return checkNames[check];
}

/**
 * Decide what to do with a received mail: drop it without an answer, refuse it with an answer to
 * the registered address, or go on with the sender's 課.
 */
export function classifyInboundMail(facts: InboundMailFacts, directory: Directory): MailDecision {
  const loop = loopReason(facts, directory);
  if (loop) return loop;
  // Several senders first: a second From header, even an empty one, makes a mail of several senders.
  if (facts.from.length > 1) return drop('several-senders', '差出人 (From) が複数あります', 'several From addresses');
  if (facts.from.length === 0 || bareAddress(facts.from[0]!.address) === '') {
    return drop('no-sender', '差出人 (From) がありません', 'no From address');
  }
  const from = facts.from[0]!;
  const sender = bareAddress(from.address);
  const ka = kaByEmail(directory, sender);
  if (!ka) return drop('stranger', `名簿にないアドレスからのメールです (${sender})`, `mail from an address no department registered (${sender})`);

  const failed = verdictOrder.filter((check) => facts.verdicts[check] === 'FAIL');
  if (failed.length > 0) {
    const names = failed.map(checkName);
    return {
      action: 'refuse',
      reason: 'unverified',
      answerTo: sender,
      ka,
      failed,
      ja: `受信時の検査で不合格になりました: ${names.map((n) => n.ja).join('、')}`,
      en: `the mail failed these checks on receipt: ${names.map((n) => n.en).join(', ')}`,
    };
  }
  const envelopeDomain = domainOf(bareAddress(facts.envelopeFrom));
  const fromDomain = domainOf(sender);
  if (!domainsAligned(envelopeDomain, fromDomain)) {
    return {
      action: 'refuse',
      reason: 'envelope-mismatch',
      answerTo: sender,
      ka,
      failed: [],
      envelopeDomain,
      fromDomain,
      ja: `差出人 (${fromDomain}) と送信元 (${envelopeDomain || '不明'}) のドメインが一致しません`,
      en: `the From domain (${fromDomain}) does not match the envelope sender's (${envelopeDomain || 'unknown'})`,
    };
  }
  return { action: 'accept', sender, ...(from.name ? { senderName: from.name } : {}), ka };
}

/** The sender may use a token of `ka` only from one of `ka`'s own registered addresses. */
export function senderBelongsTo(ka: Ka, sender: string): boolean {
  const wanted = bareAddress(sender);
  return ka.emails.some((e) => e.toLowerCase() === wanted);
}
