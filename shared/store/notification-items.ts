/**
 * Sent notifications. A mail is claimed with a conditional write before it is sent, under a key
 * derived from what it is about (kind, quarter or milestone, recipient group, offset), so however
 * often a job runs or is retried, each notification goes out once.
 *
 * A claim whose send never completed (the process died in between) becomes claimable again after
 * `staleClaimSeconds`, so a crash delays a reminder instead of losing it.
 *
 * Each claim carries an id of its own, so a claim the client sent again after losing the answer to
 * the one that was written (a 5xx or a dropped connection) finds its own claim and still wins.
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
  sentAt: z.optional(z.string()),
  messageId: z.optional(z.string()),
});
export type Notification = z.infer<typeof NotificationSchema>;

export const notificationKeys = {
  partition: (tenant: string, key: string) => `${tenantPrefix(tenant)}NOTIFICATION#${key}`,
  item: () => 'NOTIFICATION',
  byDay: (tenant: string, day: string) => `${tenantPrefix(tenant)}SENT#${day}`,
};

const staleClaimSeconds = 15 * 60;

export type ClaimResult = 'claimed' | 'already-sent' | 'in-progress';

/** Claim a notification for sending; only the caller that gets 'claimed' may send it. */
export async function claimNotification(
  store: Store,
  notification: Omit<Notification, 'state' | 'claimedAt' | 'claimId' | 'sentAt' | 'messageId'>,
  now: Date = new Date(),
): Promise<ClaimResult> {
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
      },
      // Free, or claimed by a send that went stale, or claimed by this very call (its first put was
      // written and the answer lost, and the client sent it again).
      ConditionExpression: 'attribute_not_exists(pk) OR (#state = :claimed AND (claimedAt < :stale OR claimId = :mine))',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':claimed': 'claimed',
        ':stale': new Date(now.getTime() - staleClaimSeconds * 1000).toISOString(),
        ':mine': claimId,
      },
    });
    return 'claimed';
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const existing = await getNotification(store, notification.key);
    return existing?.state === 'sent' ? 'already-sent' : 'in-progress';
  }
}

/** Record that a claimed notification went out. */
export async function markNotificationSent(store: Store, key: string, messageId: string, now: Date = new Date()): Promise<void> {
  await store.doc.update({
    TableName: store.tableName,
    Key: { pk: notificationKeys.partition(store.tenant, key), sk: notificationKeys.item() },
    UpdateExpression: 'SET #state = :sent, sentAt = :at, messageId = :id',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: { ':sent': 'sent', ':at': now.toISOString(), ':id': messageId },
  });
}

/** Give a claim back after a failed send, so the next run sends it. */
export async function releaseNotification(store: Store, key: string): Promise<void> {
  await store.doc.delete({
    TableName: store.tableName,
    Key: { pk: notificationKeys.partition(store.tenant, key), sk: notificationKeys.item() },
    ConditionExpression: '#state = :claimed',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: { ':claimed': 'claimed' },
  });
}

export async function getNotification(store: Store, key: string): Promise<Notification | undefined> {
  const { Item } = await store.doc.get({
    TableName: store.tableName,
    Key: { pk: notificationKeys.partition(store.tenant, key), sk: notificationKeys.item() },
    ConsistentRead: true,
  });
  return Item ? NotificationSchema.parse(Item) : undefined;
}
