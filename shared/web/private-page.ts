/**
 * The frame and headers every page behind a signed link shares (report form, receipts, sheet answers,
 * dashboard): the same head, header bar, main and footer, and a Content-Security-Policy that allows
 * exactly the page's own inline stylesheet and nothing else.
 * Pure: no I/O, no AWS.
 */
import { createHash } from 'node:crypto';
import { html, unsafeRaw, type SafeHtml } from './html.ts';
import type { Lang } from './report-form.ts';

/**
 * Headers of a page served with the inline stylesheet `styles`: never cached (the pages carry names,
 * figures and the signed link), no referrer (the link is the credential and must not leak to another
 * site), no scripts, no framing, only that CSS. `robotsHeader` adds `X-Robots-Tag: noindex, nofollow`.
 */
export function privatePageHeaders(styles: string, options: { robotsHeader?: boolean } = {}): Readonly<Record<string, string>> {
  const stylesHash = createHash('sha256').update(styles).digest('base64');
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    ...(options.robotsHeader ? { 'x-robots-tag': 'noindex, nofollow' } : {}),
    'content-security-policy': `default-src 'none'; style-src 'sha256-${stylesHash}'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  };
}

/** What a private page puts in the shared frame. */
export interface PrivatePage {
  lang: Lang;
  title: string;
  /** The page's stylesheet, inlined; serve the page with {@link privatePageHeaders} of the same text. */
  styles: string;
  /** A class on `<body>` (the dashboard's large-text mode). */
  bodyClass?: string;
  /** The product name in the header bar. */
  product: string;
  /** What follows the product name in the header bar (language and size switches). */
  bar?: SafeHtml;
  body: SafeHtml;
  footer: string;
}

/** A whole page in the shared frame, never indexed and sending no referrer. */
export function renderPrivatePage(input: PrivatePage): string {
  return html`<!doctype html>
<html lang="${input.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${input.title}</title>
<style>${unsafeRaw(input.styles)}</style>
</head>
<body${input.bodyClass ? html` class="${input.bodyClass}"` : ''}>
<header><div class="bar"><span class="product">shinchoku ${input.product}</span>${input.bar ?? ''}</div></header>
<main id="main">
${input.body}
</main>
<footer><p>${input.footer}</p></footer>
</body>
</html>
`.value;
}
