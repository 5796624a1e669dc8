/**
 * Starts the real local services once per test run: AWS's DynamoDB Local (in memory) and the SES
 * emulator. Tests reach them through `inject('dynamoEndpoint')` / `inject('sesEndpoint')`.
 */
import type { TestProject } from 'vitest/node';
import { checkJava, ensureDynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { startSesEmulator } from '../../local/ses-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    /** DynamoDB Local's process (a JVM), for tests of what the bench reads about it. */
    dynamoPid: number;
    sesEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await checkJava();
  await ensureDynamoDbLocal({ onProgress: (m) => process.stderr.write(`${m}\n`) });
  const [dynamo, ses] = await Promise.all([startDynamoDbLocal({ port: 0, inMemory: true }), startSesEmulator({ port: 0 })]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('dynamoPid', dynamo.pid);
  project.provide('sesEndpoint', ses.endpoint);
  return async () => {
    await Promise.all([dynamo.stop(), ses.stop()]);
  };
}
