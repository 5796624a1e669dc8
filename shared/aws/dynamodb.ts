/**
 * DynamoDB clients. Lambda handlers create one per module (at cold start) with `createDocumentClient()`;
 * the endpoint comes from the SDK's own `AWS_ENDPOINT_URL_DYNAMODB` variable, which the local stack
 * sets to DynamoDB Local, so the handler code is the same on AWS and on a laptop.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function createDynamoDbClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient(config);
}

export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoDbClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}
