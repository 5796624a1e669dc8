/**
 * Cold-start floor: the DynamoDB document client exactly as the handlers create it (one per module,
 * `shared/aws/dynamodb.ts`) and nothing else. Every DynamoDB function loads at least this.
 */
import { createDocumentClient } from '#shared/aws/dynamodb';

const client = createDocumentClient();

export const handler = async (key: Record<string, string>) => client.get({ TableName: 'floor', Key: key });
