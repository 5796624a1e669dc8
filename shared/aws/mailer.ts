/**
 * Sending mail through SES (v2 API): the message is composed as MIME with nodemailer's composer, so
 * Japanese subjects and names, HTML with a text alternative, reply-to addresses, loop-prevention
 * headers and attachments all come out as mail clients expect, then sent as raw content.
 * Sends are paced below the account's rate (SES's default sandbox rate is 1 mail per second).
 *
 * The composer (with its MIME type table, address parser and encoders, about 135 KB minified) is
 * loaded by the first mail sent, a dynamic `import()` that is a chunk of its own in the bundle
 * (infra/bundle.ts): the reminder job sends nothing on most days, the digest only once a quarter, and
 * the mail intake answers no mail it drops. The SES call is SES v2 SendEmail with raw content, sent
 * with the function's AWS client (`./client.ts`), configured by that first send. The call is not
 * repeated once SES may have taken it (after a 5xx answer or a lost connection), or the mail could go
 * out twice: it fails, and the sending job gives its claim back and fails, to send it again as a whole.
 * SES's refusals for the rate (throttling: nothing was sent) are retried.
 */
import { awsClient, type AwsConnection } from './client.ts';

export interface OutgoingMail {
  from: string;
  to: string[];
  cc?: string[];
  replyTo?: string[];
  subject: string;
  text: string;
  html?: string;
  /** Extra headers, e.g. In-Reply-To for an answer to a mail. */
  headers?: Record<string, string>;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}

/** Marks every mail we send, so our own mails are recognised if they ever come back in. */
export const ownMailHeader = 'X-Shinchoku-Mail';

export async function composeMime(mail: OutgoingMail): Promise<Buffer> {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const composer = new MailComposer({
    from: mail.from,
    to: mail.to,
    cc: mail.cc,
    replyTo: mail.replyTo,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    textEncoding: 'base64',
    headers: {
      // RFC 3834: automatic mail; well-behaved responders do not answer it, which prevents loops.
      'Auto-Submitted': 'auto-generated',
      [ownMailHeader]: '1',
      ...mail.headers,
    },
    attachments: mail.attachments?.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
  });
  return composer.compile().build();
}

export interface MailerOptions {
  /** Where SES is. @default the environment (`AWS_ENDPOINT_URL_SESV2`, AWS_REGION, credentials) */
  connection?: AwsConnection;
  /** Mails per second at most. @default the MAIL_MAX_PER_SECOND variable, or 1 */
  maxPerSecond?: number;
  /** How to wait between sends. @default a timer */
  sleep?: (ms: number) => Promise<void>;
  /** The clock, in epoch milliseconds. @default Date.now */
  now?: () => number;
}

export function createMailer(options: MailerOptions = {}): Mailer {
  const ses = awsClient('SESV2', options.connection);
  const perSecond = options.maxPerSecond ?? Number(process.env.MAIL_MAX_PER_SECOND ?? 1);
  const interval = perSecond > 0 ? 1000 / perSecond : 0;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const clock = options.now ?? Date.now;
  let next = 0;
  return {
    async send(mail) {
      const now = clock();
      const at = Math.max(now, next);
      next = at + interval;
      if (at > now) await sleep(at - now);
      const raw = await composeMime(mail);
      const { body } = await ses.send({
        method: 'POST',
        path: '/v2/email/outbound-emails',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ Content: { Raw: { Data: raw.toString('base64') } } }),
        idempotent: false,
      });
      const payload = JSON.parse(body.toString('utf8')) as { MessageId?: string };
      return { messageId: payload.MessageId ?? '' };
    },
  };
}
