/**
 * The public progress site's bucket: the writer `publishPublicPage` uses, and a reader for the local
 * stack's `/public/...` pages. On AWS CloudFront serves the bucket; locally the SDK's own
 * `AWS_ENDPOINT_URL_S3` points at the local S3, which needs path-style addresses.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { PublicSiteWriter } from '../publish-public.ts';

/** An S3 client; path-style when an endpoint override is set (local S3 has no bucket host names). */
export function createPublicSiteClient(config: S3ClientConfig = {}, env: NodeJS.ProcessEnv = process.env): S3Client {
  const local = Boolean(config.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL);
  return new S3Client({ ...(local ? { forcePathStyle: true } : {}), ...config });
}

/** Writes the public site's objects to `bucket`. */
export function s3PublicSiteWriter(client: S3Client, bucket: string): PublicSiteWriter {
  return {
    async put(object) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: object.key,
          Body: object.body,
          ContentType: object.contentType,
          CacheControl: object.cacheControl,
        }),
      );
    },
  };
}

/** One object of the public site, or undefined when there is none. */
export async function readPublicObject(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<{ body: Buffer; contentType: string | undefined; cacheControl: string | undefined } | undefined> {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = await out.Body?.transformToByteArray();
    return { body: Buffer.from(bytes ?? new Uint8Array()), contentType: out.ContentType, cacheControl: out.CacheControl };
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey' || (error as { name?: string }).name === 'NotFound') {
      return undefined;
    }
    throw error;
  }
}
