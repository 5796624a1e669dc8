/**
 * S3 objects as the functions use them: read one, write one. Requests go through the function's
 * AWS client (`./client.ts`); on AWS to the bucket's virtual host (`<bucket>.s3.<region>…`),
 * and where an endpoint is given (the local S3, `AWS_ENDPOINT_URL_S3`) path-style, which is all a
 * local S3 server understands.
 */
import { AwsError, awsClient, headerOf, type AwsConnection, type AwsRequest, type ClientSettings } from './client.ts';

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

/** Where an object is: the bucket's virtual host on AWS, path-style where an endpoint was given. */
export function objectAddress(bucket: string, key: string, { region, endpoint }: ClientSettings): { host?: string; path: string } {
  return endpoint ? { path: `/${bucket}/${keyPath(key)}` } : { host: `${bucket}.s3.${region}.amazonaws.com`, path: `/${keyPath(key)}` };
}

export function createObjectStore(connection: AwsConnection = {}): ObjectStore {
  const client = awsClient('S3', connection);
  const request = (bucket: string, key: string, rest: Omit<AwsRequest, 'path' | 'host'>) =>
    client.send({ ...rest, ...objectAddress(bucket, key, client.settings()) });
  return {
    async get(bucket, key) {
      try {
        const answer = await request(bucket, key, { method: 'GET' });
        return { body: answer.body, contentType: headerOf(answer, 'content-type'), cacheControl: headerOf(answer, 'cache-control') };
      } catch (error) {
        if (error instanceof AwsError && (error.statusCode === 404 || error.code === 'NoSuchKey')) return undefined;
        throw error;
      }
    },
    async put({ bucket, key, body, contentType, cacheControl }) {
      await request(bucket, key, {
        method: 'PUT',
        headers: {
          'Content-Type': contentType ?? 'application/octet-stream',
          ...(cacheControl ? { 'Cache-Control': cacheControl } : {}),
        },
        body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
      });
    },
  };
}
