/**
 * The public progress site's bucket: the writer `publishPublicPage` uses. On AWS CloudFront serves
 * the bucket; locally `AWS_ENDPOINT_URL_S3` points at the local S3 (see `./s3.ts`), which the local
 * stack's `/public/...` pages read with the same object store.
 */
import type { PublicSiteWriter } from '../publish-public.ts';
import type { ObjectStore } from './s3.ts';

/** Writes the public site's objects to `bucket`. */
export function s3PublicSiteWriter(objects: ObjectStore, bucket: string): PublicSiteWriter {
  return {
    async put(object) {
      await objects.put({ bucket, key: object.key, body: object.body, contentType: object.contentType, cacheControl: object.cacheControl });
    },
  };
}
