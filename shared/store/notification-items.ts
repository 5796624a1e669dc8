/**
 * Sent notifications. A mail is claimed with a conditional write before it is sent, under a key
 * derived from what it is about (kind, quarter or milestone, recipient group, offset), so however
 * often a job runs or is retried, each notification goes out once.
 *
 * A claim whose send never completed (the process died in between) becomes claimable again: as soon
 * as the run that made it has surely ended (`heldUntil`, its Lambda deadline) while that run had not
 * begun to send, else after 15 minutes. So a crash delays a mail instead of losing it, and the
 * retries of a run that died find its claims free.
 *
 * Each claim carries an id of its own, so a claim the client sent again after losing the answer to
 * the one that was written (a 5xx or a dropped connection) finds its own claim and still wins. The
 * same id is what {@link markNotificationSent} and {@link releaseNotification} are conditioned on: a
 * sender whose claim went stale and was taken over by another sender can no longer mark or release
 * the newer claim.
 */
import { randomUUID } from 'node:crypto';
import * as z from '../zod.ts';
import { LocalDateSchema } from '../domain/fiscal.ts';
import { isConditionFailure, type Store } from './store.ts';
import { tenantPrefix } from './table.ts';

export const notificationKinds = ['report-due', 'milestone', 'escalation', 'digest', 'reply'] as const;

export const NotificationSchema = z.object({
  key: z.string().check(z.minLength(1)),
  kind: z.enum(notificationKinds),
  recipients: z.array(z.string()).check(z.minLength(1)),
  subject: z.string(),
  day: LocalDateSchema.check(z.describe('the JST day the job decided to send it')),
  state: z.enum(['claimed', 'sent']),
  claimedAt: z.string(),
  claimId: z.optional(z.string().check(z.describe('the claim that wrote the item; absent on items written before it was recorded'))),
  heldUntil: z.optional(z.string().check(z.describe('the latest the claiming run can still be running (its deadline); absent when it did not say'))),
  sendingAt: z.optional(z.string().check(z.describe('when its sender began to send the mail (markNotificationSending): from then on it may have gone out'))),
  sentAt: z.optional(z.string()),
  messageId: z.optional(z.string()),
});
export type Notification = z.infer<typeof NotificationSchema>;

export const notificationKeys = {
  partition: (tenant: string, key: string) => `${tenantPrefix(tenant)}NOTIFICATION#${key}`,
  item: () => 'NOTIFICATION',
  byDay: (tenant: string, day: string) => `${tenantPrefix(tenant)}SENT#${day}`,
};

/** How long a claim holds when its sender does not say: longer than any job that sends runs. */
export const defaultStaleClaimSeconds = 15 * 60;

/**
 * 取得の結果。`claimed` のときだけ送信してよく、その `claimId` で送信済みの記録か返却をする。
 * The outcome of a claim. Only `claimed` may send, and it carries the `claimId` that
 * {@link markNotificationSent} or {@link releaseNotification} must be given afterwards.
 */
export type Claim = { outcome: 'claimed'; claimId: string } | { outcome: 'already-sent' } | { outcome: 'in-progress' };

export interface ClaimOptions {
  /**
   * The latest the claiming run can still be running: its Lambda deadline (with a margin). Until it
   * begins to send ({@link markNotificationSending}) its claim may be taken over from then on, so a
   * live sender is never overtaken and the retry of a run that died finds the claim free. A claim
   * marked sending holds for `defaultStaleClaimSeconds` whatever this says: its mail may have gone out.
   * @default claimed time + defaultStaleClaimSeconds (15 minutes)
   */
  heldUntil?: Date;
}

/**
 * The {@link ClaimOptions.heldUntil} of a claim made during a Lambda invocation: the invocation's
 * deadline, and half a minute for the clocks of the machines that compare it.
 */
export function invocationDeadline(context: { getRemainingTimeInMillis(): number }, now: number = Date.now()): Date {
  return new Date(now + context.getRemainingTimeInMillis() + 30_000);
}

/** Claim a notification for sending; only the caller that gets `claimed` may send it, and it keeps the claim id. */
export async function claimNotification(
  store: Store,
  notification: Omit<Notification, 'state' | 'claimedAt' | 'claimId' | 'heldUntil' | 'sendingAt' | 'sentAt' | 'messageId'>,
  now: Date = new Date(),
  options: ClaimOptions = {},
): Promise<Claim> {
  const longest = new Date(now.getTime() + defaultStaleClaimSeconds * 1000);
  const heldUntil = options.heldUntil && options.heldUntil < longest ? options.heldUntil : longest;
  const claimedAt = now.toISOString();
  const claimId = randomUUID();
  try {
    await store.doc.put({
      TableName: store.tableName,
      Item: {
        pk: notificationKeys.partition(store.tenant, notification.key),
        sk: notificationKeys.item(),
        gsi1pk: notificationKeys.byDay(store.tenant, notification.day),
        gsi1sk: notification.key,
        type: 'Notification',
        ...notification,
        state: 'claimed',
        claimedAt,
        claimId,
        heldUntil: heldUntil.toISOString(),
      },
      // Free, or claimed by a send that went stale (sooner when it never began to send), or claimed
      // by this very call (its first put was written and the answer lost, and the client sent it again).
      ConditionExpression:
        'attribute_not_exists(pk) OR (#state = :claimed AND (claimId = :mine OR claimedAt < :stale OR (attribute_not_exists(sendingAt) AND heldUntil < :now)))',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':claimed': 'claimed',
        ':stale': new Date(now.getTime() - defaultStaleClaimSeconds * 1000).toISOString(),
        ':now': claimedAt,
        ':mine': claimId,
      },
    });
    return { outcome: 'claimed', claimId };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const existing = await getNotification(store, notification.key);
    return existing?.state === 'sent' ? { outcome: 'already-sent' } : { outcome: 'in-progress' };
  }
}

/**
 * Record, right before sending, that the caller begins to send its claimed notification: from then on
 * the mail may have gone out, so the claim holds for `defaultStaleClaimSeconds` even past
 * {@link ClaimOptions.heldUntil}, which frees an unsent one sooner. On the caller's own claim only:
 * `lost` when it went stale and another sender took it over (then the caller must not send).
 */
export async function markNotificationSending(store: Store, key: string, claimId: string, now: Date = new Date()): Promise<'marked' | 'lost'> {
  const ours = await onOwnClaim(() =>
    store.doc.update({
      TableName: store.tableName,
      Key: { pk: notificationKeys.partition(store.tenant, key), sk: notificationKeys.item() },
      UpdateExpression: 'SET sendingAt = :at',
      ConditionExpression: 'claimId = :mine AND #state = :claimed',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':claimed': 'claimed', ':at': now.toISOString(), ':mine': claimId },
    }),
  );
  return ours ? 'marked' : 'lost';
}

/**
 * Record that a claimed notification went out, on the caller's own claim only.
 *
 * Returns `recorded` when the claim was still ours (or already recorded as sent by us with the same
 * message id, when the client sent the update again after losing its answer), and `lost` when it was
 * not: our claim went stale while the mail was being sent and another sender took it over (or has
 * since released it or recorded its own send).
 *
 * A lost claim is deliberately left as it is rather than overwritten. Our mail did go out, but the
 * notification now belongs to the other sender, which sends its own copy (the one duplicate the stale
 * window cannot prevent) and records its own message id; overwriting its claim would either hide that
 * second send or make the other sender's record fail in turn. The caller should not throw either: the
 * send succeeded, and failing the job would only make a retry send a third copy. It reports the lost
 * claim (a log line) and counts the notification as sent.
 */
export async function markNotificationSent(
  store: Store,
  key: string,
  claimId: string,
  messageId: string,
  now: Date = new Date(),
): Promise<'recorded' | 'lost'> {
  const ours = await onOwnClaim(() =>
    store.doc.update({
      TableName: store.tableName,
      Key: { pk: notificationKeys.partition(store.tenant, key), sk: notificationKeys.item() },
      UpdateExpression: 'SET #state = :sent, sentAt = :at, messageId = :id',
      // Ours and still claimed, or ours and already marked with this very message id (the update was
      // written and its answer lost, and the client sent it again).
      ConditionExpression: 'claimId = :mine AND (#state = :claimed OR (#state = :sent AND messageId = :id))',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':sent': 'sent', ':claimed': 'claimed', ':at': now.toISOString(), ':id': messageId, ':mine': claimId },
    }),
  );
  return ours ? 'recorded' : 'lost';
}

/**
 * Give a claim back after a failed send, so the next run sends it, on the caller's own claim only.
 *
 * Returns `released`, or `lost` when the claim is no longer ours (it went stale and another sender
 * took it over, or it is gone): then nothing is written, since deleting the other sender's claim would
 * let a third sender send the notification again. A lost claim is not an error, since the caller is
 * already handling a failed send and the notification is in another sender's hands; the caller
 * reports it (a log line).
 */
export async function releaseNotification(store: Store, key: string, claimId: string): Promise<'released' | 'lost'> {
  const ours = await onOwnClaim(() =>
    store.doc.delete({
      TableName: store.tableName,
      Key: { pk: notificationKeys.partition(store.tenant, key), sk: notificationKeys.item() },
      ConditionExpression: '#state = :claimed AND claimId = :mine',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':claimed': 'claimed', ':mine': claimId },
    }),
  );
  return ours ? 'released' : 'lost';
}

/**
 * A write conditioned on the caller's own claim: true when it was written, false when its condition
 * failed (the claim is not the caller's any more). Any other error is thrown.
 */
async function onOwnClaim(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return false;
  }
}

export async function getNotification(store: Store, key: string): Promise<Notification | undefined> {
  const { Item } = await store.doc.get({
    TableName: store.tableName,
    Key: { pk: notificationKeys.partition(store.tenant, key), sk: notificationKeys.item() },
    ConsistentRead: true,
  });
  return Item ? NotificationSchema.parse(Item) : undefined;
}
