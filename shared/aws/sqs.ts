/**
 * Sending a message to an SQS queue: SendMessage in SQS's JSON protocol (`AmazonSQS.SendMessage`,
 * `application/x-amz-json-1.0`), with the function's AWS client (`./client.ts`), configured by its
 * first call. The outbox publisher sets an unreadable stream record aside with it (events/outbox.ts).
 * The endpoint comes from `AWS_ENDPOINT_URL_SQS`, which the local stack points at its loopback queue
 * (`local/sqs-local.ts`), so the same code sends on AWS and on a laptop.
 */
import { awsClient, type AwsConnection } from './client.ts';

export interface SendMessageInput {
  /** The queue's URL, e.g. https://sqs.ap-northeast-1.amazonaws.com/123456789012/name */
  QueueUrl: string;
  MessageBody: string;
}

/** What the functions need of SQS: SendMessage. */
export interface MessageSender {
  sendMessage(input: SendMessageInput): Promise<{ MessageId?: string; MD5OfMessageBody?: string }>;
}

/** SendMessage (JSON 1.0) with the function's AWS client; a refusal throws an `AwsError` named by its code (`QueueDoesNotExist`, say). */
export function createQueueClient(connection: AwsConnection = {}): MessageSender {
  const client = awsClient('SQS', connection);
  return {
    sendMessage: ({ QueueUrl, MessageBody }) => client.json('AmazonSQS.SendMessage', { QueueUrl, MessageBody }, '1.0'),
  };
}
