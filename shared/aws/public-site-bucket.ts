/**
 * The public progress site's bucket: the writer `publishPublicPage` uses, and a reader for the local
 * stack's `/public/...` pages. On AWS CloudFront serves the bucket; locally `AWS_ENDPOINT_URL_S3`
 * points at the local S3 (see `./s3.ts`).
 */
import type { PublicSiteWriter } from '../publish-public.ts';
import type { ObjectStore, S3Object } from './s3.ts';

/** Writes the public site's objects to `bucket`. */
export function s3PublicSiteWriter(objects: ObjectStore, bucket: string): PublicSiteWriter {
  return {
    async put(object) {
      await objects.put({ bucket, key: object.key, body: object.body, contentType: object.contentType, cacheControl: object.cacheControl });
    },
  };
}

/** One object of the public site, or undefined when there is none. */
export function readPublicObject(objects: ObjectStore, bucket: string, key: string): Promise<S3Object | undefined> {
  return objects.get(bucket, key);
}
