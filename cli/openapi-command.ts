/**
 * `shinchoku openapi [--write]`: the API's OpenAPI document as generated from the route table and the
 * zod schemas. The functions serve the committed copy, `shared/http/openapi.json`, so none of them
 * builds it at a cold start; `--write` brings that copy up to date (test/unit/openapi.test.ts fails
 * while it differs from what the code generates).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { buildOpenApiDocument } from '#shared/http/openapi';
import type { Output } from './output.ts';

/** The committed document, as `--write` formats it. */
export const openApiFile = new URL('../shared/http/openapi.json', import.meta.url);

export function openApiText(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}

export async function openApiCommand(options: { write?: boolean }, out: Output): Promise<number> {
  const text = openApiText();
  if (!options.write) {
    out.data(text);
    return 0;
  }
  const before = await readFile(openApiFile, 'utf8').catch(() => undefined);
  if (before === text) {
    out.info('shared/http/openapi.json は最新です', 'shared/http/openapi.json is up to date');
    return 0;
  }
  await writeFile(openApiFile, text);
  out.info('shared/http/openapi.json を更新しました', 'shared/http/openapi.json updated');
  return 0;
}
