/**
 * The local stand-in for the public site's CloudFront distribution: `GET /public/...` on the local
 * HTTP server reads the object from the public bucket on the local S3 and answers it with the headers
 * the distribution adds (the same Content-Security-Policy), read-only. `/public/` is `index.html`, as
 * CloudFront's default root object; a folder (`/public/FY2013-Q2/`) is its `index.html` too, for
 * convenience (the pages themselves link to `…/index.html`, which works on both).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectStore } from '#shared/aws/s3';
import { publicContentSecurityPolicy, publicSiteKeys } from '#shared/web/public/page';

/**
 * The public site's bucket on the local S3, one per city: a data folder can hold several cities'
 * tables (each started with its own plan), and on AWS each city's stack has a bucket of its own.
 */
export function localPublicBucket(tenant: string): string {
  return `shinchoku-public-${tenant}`;
}

/** Where the local HTTP server serves the public site. */
export const publicPathPrefix = '/public';

/** The object key for a path under `/public`, or undefined for a path that cannot be one. */
export function publicObjectKey(pathname: string): string | undefined {
  if (!pathname.startsWith(`${publicPathPrefix}/`)) return undefined;
  let key: string;
  try {
    key = decodeURIComponent(pathname.slice(publicPathPrefix.length + 1));
  } catch {
    return undefined;
  }
  if (key.split('/').some((part) => part === '..' || part === '.')) return undefined;
  return key === '' || key.endsWith('/') ? `${key}${publicSiteKeys.index}` : key;
}

/** An `extra` route for the local HTTP server: true when it took the request. */
export function publicSiteRoute(deps: { s3: ObjectStore; bucket: string; onError?: (error: unknown) => void }) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== publicPathPrefix && !url.pathname.startsWith(`${publicPathPrefix}/`)) return false;
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('読み取り専用です / read only\n');
      return true;
    }
    if (url.pathname === publicPathPrefix) {
      res.writeHead(301, { location: `${publicPathPrefix}/` });
      res.end();
      return true;
    }
    const key = publicObjectKey(url.pathname);
    // As the distribution: the site's own 404 page once one is published, else a line of text.
    const notFound = () => {
      deps.s3
        .get(deps.bucket, publicSiteKeys.notFound)
        .then((page) => {
          if (page) {
            res.writeHead(404, { 'content-type': page.contentType ?? 'text/html; charset=utf-8', 'content-security-policy': publicContentSecurityPolicy, 'x-content-type-options': 'nosniff' });
            res.end(method === 'HEAD' ? undefined : page.body);
            return;
          }
          res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('見つかりません (四半期の集計後に公開されます) / not found (published after a quarter is compiled)\n');
        })
        .catch((error: unknown) => {
          deps.onError?.(error);
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('ローカル S3 を読めません / cannot read the local S3\n');
        });
    };
    if (!key) {
      notFound();
      return true;
    }
    deps.s3
      .get(deps.bucket, key)
      .then((object) => {
        if (!object) return notFound();
        res.writeHead(200, {
          'content-type': object.contentType ?? 'application/octet-stream',
          'cache-control': object.cacheControl ?? 'no-cache',
          'content-security-policy': publicContentSecurityPolicy,
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
          'referrer-policy': 'strict-origin-when-cross-origin',
          'access-control-allow-origin': '*',
        });
        res.end(method === 'HEAD' ? undefined : object.body);
      })
      .catch((error: unknown) => {
        deps.onError?.(error);
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('ローカル S3 を読めません / cannot read the local S3\n');
      });
    return true;
  };
}
