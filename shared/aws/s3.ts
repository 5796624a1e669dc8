/**
 * S3 objects as the functions use them: read one, write one. Requests go through the function's
 * aws-lite client (`./client.ts`); on AWS to the bucket's virtual host (`<bucket>.s3.<region>…`),
 * and where an endpoint is given (the local S3, `AWS_ENDPOINT_URL_S3`) path-style, which is all a
 * local S3 server understands.
 */
import { awsHost, lazyAwsClient, type AwsClientRequest, type AwsConnection } from './client.ts';

export interface S3Object {
  body: Buffer;
  contentType: string | undefined;
  cacheControl: string | undefined;
}

export interface PutObjectInput {
  bucket: string;
  key: string;
  body: Buffer | string;
  contentType?: string;
  cacheControl?: string;
}

export interface ObjectStore {
  /** The object, or undefined when there is none. */
  get(bucket: string, key: string): Promise<S3Object | undefined>;
  put(input: PutObjectInput): Promise<void>;
}

/** Each segment of a key percent-encoded as S3 expects in a path (the slashes kept). */
export function keyPath(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

export function createObjectStore(connection: AwsConnection = {}): ObjectStore {
  const client = lazyAwsClient('S3', connection);
  const request = async (bucket: string, key: string, rest: Omit<AwsClientRequest, 'service' | 'path'>) => {
    const aws = await client();
    const host = awsHost(aws, (region) => `${bucket}.s3.${region}.amazonaws.com`);
    return aws({
      service: 's3',
      ...rest,
      ...(host ? { host, path: `/${keyPath(key)}` } : { path: `/${bucket}/${keyPath(key)}` }),
    });
  };
  return {
    async get(bucket, key) {
      try {
        const { payload, headers } = await request(bucket, key, { method: 'GET', rawResponsePayload: true });
        return {
          body: Buffer.isBuffer(payload) ? payload : Buffer.from(payload as unknown as string),
          contentType: headers['content-type'],
          cacheControl: headers['cache-control'],
        };
      } catch (error) {
        const { statusCode, name } = error as { statusCode?: number; name?: string };
        if (statusCode === 404 || name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    async put({ bucket, key, body, contentType, cacheControl }) {
      await request(bucket, key, {
        method: 'PUT',
        headers: {
          ...(contentType ? { 'Content-Type': contentType } : {}),
          ...(cacheControl ? { 'Cache-Control': cacheControl } : {}),
        },
        payload: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
      });
    },
  };
}
