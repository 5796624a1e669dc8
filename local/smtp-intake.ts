/**
 * The local stand-in for SES email receiving: an SMTP server on loopback (`smtp-server`, port 2525
 * or SHINCHOKU_SMTP_PORT; no AUTH, no TLS — it never listens beyond 127.0.0.1) that does for each
 * message what the receipt rule does on AWS: accept only the rule's recipients (`progress@<domain>`
 * and its `+token` forms; anything else gets 550 as from SES), store the raw message in the mail
 * bucket under `inbound/<messageId>` with the headers SES adds (Return-Path, Received, verdicts),
 * then invoke the same ingest-mail handler with the same SES receipt event (verdicts PASS locally).
 *
 * Size limit: 10 MB, below SES's 40 MB, because a report mail carries a filled-in sheet or a PDF and
 * the whole message is held in memory here; a larger one gets 552 like any oversize mail.
 *
 * Unlike SES, the handler runs before the SMTP answer, so a client (or a test) knows the message has
 * been handled when its send returns; a handler error answers 451 (try again later), the SMTP
 * counterpart of Lambda's retry of a failed asynchronous invocation.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import PostalMime, { type Address } from 'postal-mime';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { mailBucketPrefixes, type SesReceiptEventInput } from '#events/ses-receipt';
import type { ObjectStore } from '#shared/aws/s3';

/** 10 MB (SES accepts up to 40 MB; see the module comment). */
export const maxMessageBytes = 10 * 1024 * 1024;

/** Calls the ingest handler with an SES receipt event. */
export type IngestInvoker = (event: SesReceiptEventInput) => Promise<unknown>;

export interface SmtpIntakeOptions {
  /** @default 2525; 0 = a free one */
  port?: number;
  /** The local S3 (the object store the functions use) and the bucket SES's S3 action would write to. */
  s3: Pick<ObjectStore, 'put'>;
  bucket: string;
  /** The receipt rule's recipient: mail for `<localPart>@<domain>` and `<localPart>+…@<domain>` is taken. */
  recipient: { localPart: string; domain: string };
  /** @default loads functions/ingest-mail/handler.ts and calls it as Lambda would */
  invoke?: IngestInvoker;
  /** @default 10 MB */
  maxBytes?: number;
  /** One line per message handled, for people (npm start). */
  onMessage?: (line: string) => void;
}

export interface SmtpIntake {
  port: number;
  host: string;
  stop(): Promise<void>;
}

/** The ingest-mail handler, loaded once when the first message arrives (after the stack set the environment). */
export function handlerInvoker(): IngestInvoker {
  let loaded: Promise<(event: unknown, context: Context) => Promise<unknown>> | undefined;
  return async (event) => {
    loaded ??= import('#functions/ingest-mail/handler').then((m) => m.handler as (event: unknown, context: Context) => Promise<unknown>);
    const handler = await loaded;
    return handler(event, lambdaContext());
  };
}

function lambdaContext(): Context {
  const deadline = Date.now() + 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'shinchoku-ingest-mail',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-northeast-1:000000000000:function:shinchoku-ingest-mail',
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/shinchoku-ingest-mail',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An id shaped like SES's (40 lower-case letters and digits). */
function sesMessageId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(40)].map((b) => alphabet[b % alphabet.length]).join('');
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** True for the rule's address and its plus-addressed forms, as SES matches an address recipient. */
export function matchesRecipient(address: string, recipient: SmtpIntakeOptions['recipient']): boolean {
  const match = /^([^@+]+)(?:\+[^@]*)?@(.+)$/.exec(address.trim().toLowerCase());
  return match !== null && match[1] === recipient.localPart.toLowerCase() && match[2] === recipient.domain.toLowerCase();
}

/** The header lines of a raw message, unfolded; values as written (still MIME-encoded). */
export function rawHeaders(raw: Buffer): { name: string; value: string }[] {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = end < 0 ? text : text.slice(0, end);
  const headers: { name: string; value: string }[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length > 0) headers.at(-1)!.value += ` ${line.trim()}`;
    else {
      const colon = line.indexOf(':');
      if (colon > 0) headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
    }
  }
  // Header bytes are mostly ASCII; 8-bit ones (raw UTF-8 in a header) are read back as UTF-8.
  return headers.map((h) => ({ name: h.name, value: Buffer.from(h.value, 'latin1').toString('utf8') }));
}

/** The headers SES summarises in `commonHeaders`, decoded (only the header block is parsed). */
export async function commonHeadersOf(raw: Buffer, envelopeFrom: string): Promise<Record<string, string | string[]>> {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const parsed = await PostalMime.parse(end < 0 ? raw : raw.subarray(0, end));
  const mailbox = (a: { name: string; address: string }) => (a.name ? `${a.name} <${a.address}>` : a.address);
  const list = (value: Address | Address[] | undefined) =>
    value === undefined
      ? undefined
      : (Array.isArray(value) ? value : [value]).flatMap((a) => (a.group ? a.group.map(mailbox) : [mailbox(a)]));
  const fields: Record<string, string | string[] | undefined> = {
    returnPath: envelopeFrom,
    from: list(parsed.from),
    to: list(parsed.to),
    cc: list(parsed.cc),
    date: parsed.headers.find((h) => h.key === 'date')?.value,
    messageId: parsed.messageId,
    subject: parsed.subject,
  };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined));
}

/** The SES receipt event for a message, as SES's Lambda action builds it. */
export function sesReceiptEvent(input: {
  messageId: string;
  envelopeFrom: string;
  recipients: string[];
  headers: { name: string; value: string }[];
  commonHeaders: Record<string, string | string[]>;
  receivedAt: Date;
}): SesReceiptEventInput {
  const pass = { status: 'PASS' as const };
  const timestamp = input.receivedAt.toISOString();
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp,
            source: input.envelopeFrom,
            messageId: input.messageId,
            destination: input.recipients,
            headersTruncated: false,
            headers: input.headers,
            commonHeaders: input.commonHeaders,
          },
          receipt: {
            timestamp,
            processingTimeMillis: 0,
            recipients: input.recipients,
            spamVerdict: pass,
            virusVerdict: pass,
            spfVerdict: pass,
            dkimVerdict: pass,
            dmarcVerdict: pass,
            action: {
              type: 'Lambda',
              functionArn: 'arn:aws:lambda:ap-northeast-1:000000000000:function:shinchoku-ingest-mail',
              invocationType: 'Event',
            },
          },
        },
      },
    ],
  };
}

async function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startSmtpIntake(options: SmtpIntakeOptions): Promise<SmtpIntake> {
  const host = '127.0.0.1';
  const invoke = options.invoke ?? handlerInvoker();
  const maxBytes = options.maxBytes ?? maxMessageBytes;
  const say = options.onMessage ?? (() => undefined);

  async function receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const original = await readAll(stream);
    if (stream.sizeExceeded) {
      throw smtpError(552, `メールが大きすぎます (上限 ${maxBytes / 1024 / 1024} MB) / message exceeds the ${maxBytes / 1024 / 1024} MB limit`);
    }
    const receivedAt = new Date();
    const messageId = sesMessageId();
    const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const recipients = session.envelope.rcptTo.map((r) => r.address);
    // What SES puts in front of the message it stores (see the S3 object of a real receipt).
    const added = [
      `Return-Path: <${envelopeFrom}>`,
      `Received: from ${session.clientHostname || session.remoteAddress} (${session.remoteAddress}) by shinchoku-local-smtp with SMTP id ${messageId} for ${recipients.join(', ')}; ${receivedAt.toUTCString()}`,
      'X-SES-Spam-Verdict: PASS',
      'X-SES-Virus-Verdict: PASS',
    ].join('\r\n');
    const raw = Buffer.concat([Buffer.from(`${added}\r\n`), original]);
    await options.s3.put({ bucket: options.bucket, key: `${mailBucketPrefixes.inbound}${messageId}`, body: raw, contentType: 'message/rfc822' });
    const commonHeaders = await commonHeadersOf(raw, envelopeFrom);
    await invoke(sesReceiptEvent({ messageId, envelopeFrom, recipients, headers: rawHeaders(raw), commonHeaders, receivedAt }));
    say(`メールを受信しました / mail received: ${messageId} from <${envelopeFrom}> (${original.length} bytes)`);
    return messageId;
  }

  const server = new SMTPServer({
    name: 'shinchoku-local',
    banner: 'shinchoku local mail intake',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    size: maxBytes,
    logger: false,
    closeTimeout: 1000,
    onRcptTo(address, _session, callback) {
      if (matchesRecipient(address.address, options.recipient)) callback();
      else callback(smtpError(550, `宛先がありません / mailbox unavailable: ${address.address}`));
    },
    onData(stream, session, callback) {
      receive(stream, session).then(
        (messageId) => callback(null, `受け付けました / accepted as ${messageId}`),
        (error: unknown) => {
          const code = (error as { responseCode?: number }).responseCode;
          if (code !== undefined) callback(error as Error);
          else {
            process.stderr.write(`ローカル SMTP の処理エラー / local mail intake error: ${String((error as Error)?.stack ?? error)}\n`);
            callback(smtpError(451, '一時的なエラーです。後で再送してください / temporary failure, try again later'));
          }
        },
      );
    },
  });
  // smtp-server passes its socket's errors on as its own: while listening they are logged; an error
  // of the start itself (a port in use) is the start's failure, said once by whoever started it.
  let listening = false;
  server.on('error', (error) => {
    if (listening) process.stderr.write(`ローカル SMTP エラー / local SMTP error: ${String(error)}\n`);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.server.once('error', onError);
    server.listen(options.port ?? 2525, host, () => {
      server.server.off('error', onError);
      listening = true;
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  let stopped: Promise<void> | undefined;
  return {
    port,
    host,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return stopped;
    },
  };
}
