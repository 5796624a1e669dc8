/**
 * The event an SES receipt rule's Lambda action (invocation type Event) sends the ingest-mail
 * function, as AWS documents it ("Sample incoming email event", SES Developer Guide): the envelope,
 * the headers and the SES checks — but not the body. The body is the object the rule's S3 action
 * stored before, under `<objectKeyPrefix><mail.messageId>`. The local SMTP intake builds the same
 * event. Sample: `events/samples/ses-receipt.json`.
 */
import * as z from '#shared/zod';

/**
 * Where things are in the inbound-mail bucket: SES's S3 action stores each raw message under
 * `inbound/<mail.messageId>` (the receipt rule's object key prefix); the attachments of a recorded
 * report are kept under `attachments/<mail.messageId>/<file name>`.
 */
export const mailBucketPrefixes = { inbound: 'inbound/', attachments: 'attachments/' } as const;

const VerdictSchema = z.object({
  status: z.enum(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED']),
});

const HeaderSchema = z.object({ name: z.string(), value: z.string() });

export const SesMailSchema = z.object({
  timestamp: z.string(),
  /** The envelope sender (MAIL FROM); empty for a bounce. */
  source: z.string(),
  /** SES's id of the message; also the S3 object name under the rule's prefix. */
  messageId: z.string().check(z.minLength(1)),
  destination: z.array(z.string()),
  headersTruncated: z._default(z.boolean(), false),
  headers: z._default(z.array(HeaderSchema), []),
  commonHeaders: z.looseObject({
    returnPath: z.optional(z.string()),
    from: z.optional(z.array(z.string())),
    sender: z.optional(z.array(z.string())),
    replyTo: z.optional(z.array(z.string())),
    'reply-to': z.optional(z.array(z.string())),
    to: z.optional(z.array(z.string())),
    cc: z.optional(z.array(z.string())),
    bcc: z.optional(z.array(z.string())),
    date: z.optional(z.string()),
    messageId: z.optional(z.string()),
    subject: z.optional(z.string()),
  }),
});

/** The rule's action that produced this event: Lambda here; S3 when replayed from an S3-notification shape. */
const ActionSchema = z.union([
  z.object({ type: z.literal('Lambda'), functionArn: z.string(), invocationType: z.string(), topicArn: z.optional(z.string()) }),
  z.object({ type: z.literal('S3'), bucketName: z.string(), objectKey: z.string(), topicArn: z.optional(z.string()) }),
]);

export const SesReceiptSchema = z.object({
  timestamp: z.string(),
  processingTimeMillis: z.optional(z.number()),
  /** The envelope recipients the rule matched (Bcc'd ones included). */
  recipients: z.array(z.string()),
  spamVerdict: VerdictSchema,
  virusVerdict: VerdictSchema,
  spfVerdict: VerdictSchema,
  dkimVerdict: VerdictSchema,
  dmarcVerdict: VerdictSchema,
  dmarcPolicy: z.optional(z.string()),
  action: ActionSchema,
});

export const SesReceiptEventSchema = z.object({
  Records: z
    .array(
      z.object({
        eventSource: z.literal('aws:ses'),
        eventVersion: z.string(),
        ses: z.object({ mail: SesMailSchema, receipt: SesReceiptSchema }),
      }),
    )
    .check(z.minLength(1)),
});

export type SesReceiptEvent = z.infer<typeof SesReceiptEventSchema>;
export type SesReceiptEventInput = z.input<typeof SesReceiptEventSchema>;
export type SesMail = z.infer<typeof SesMailSchema>;
export type SesReceipt = z.infer<typeof SesReceiptSchema>;
