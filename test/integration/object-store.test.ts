/**
 * The functions' S3 access (`shared/aws/s3.ts`) against the local S3 server, which checks every
 * request's signature: keys with Japanese, spaces and reserved characters, headers kept, a missing
 * object read as none, and the same object as the SDK sees it.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '#local/aws-local';
import { startS3, type LocalS3 } from '#local/s3-local';
import { createObjectStore, keyPath } from '#shared/aws/s3';

const bucket = 'shinchoku-objects';
let s3: LocalS3;

beforeAll(async () => {
  s3 = await startS3({ buckets: [bucket] });
});
afterAll(async () => s3?.stop());

describe('object store (through the local S3)', () => {
  it('writes and reads back an object whose key has Japanese, spaces and reserved characters', async () => {
    // Prepare
    const objects = createObjectStore(localClientConfig(s3.endpoint));
    const key = "attachments/msg-1/進捗 報告 (第2四半期) #1+&'.xlsx";
    const body = Buffer.from('PK\u0003\u0004 バイナリ', 'utf8');
    // Act
    await objects.put({ bucket, key, body, contentType: 'application/vnd.ms-excel', cacheControl: 'max-age=60' });
    const read = await objects.get(bucket, key);
    const viaSdk = await new S3Client({ ...localClientConfig(s3.endpoint), forcePathStyle: true }).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    // Assess
    expect(read?.body.equals(body)).toBe(true);
    expect(read?.contentType).toBe('application/vnd.ms-excel');
    expect(read?.cacheControl).toBe('max-age=60');
    expect(Buffer.from(await viaSdk.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  it('reads a missing object as none', async () => {
    // Prepare
    const objects = createObjectStore(localClientConfig(s3.endpoint));
    // Act
    const read = await objects.get(bucket, 'public/none.html');
    // Assess
    expect(read).toBeUndefined();
  });

  it('encodes each key segment as S3 expects, keeping the slashes', () => {
    // Prepare / Act / Assess
    expect(keyPath("a b/進捗/(x)!*'.csv")).toBe('a%20b/%E9%80%B2%E6%8D%97/%28x%29%21%2A%27.csv');
  });
});
