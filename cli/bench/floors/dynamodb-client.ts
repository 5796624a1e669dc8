/**
 * Cold-start floor: the DynamoDB document client exactly as the handlers create it (one per module,
 * `shared/aws/dynamodb.ts`) and nothing else. Every DynamoDB function loads at least this.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#shared/aws/dynamodb';

const client = createDocumentClient();

export const handler = async (key: Record<string, string>) => client.send(new GetCommand({ TableName: 'floor', Key: key }));
