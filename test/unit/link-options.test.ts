/**
 * Where the link commands point their links (cli/link-options.ts `linkBaseUrl`): the option, the
 * deployment's address, else the local stack, as it is running.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkBaseUrl } from '#cli/link-options';
import { runningFile } from '#local/running-stack';

let dir: string;
let cwd: string;

beforeEach(async () => {
  cwd = process.cwd();
  dir = await mkdtemp(join(tmpdir(), 'shinchoku-link-'));
  process.chdir(dir);
});

afterEach(async () => {
  process.chdir(cwd);
  await rm(dir, { recursive: true, force: true });
});

/** A stack recorded as running on `.shinchoku` here, by a live process (this one's parent). */
async function runningOn(httpUrl: string) {
  await mkdir(join(dir, '.shinchoku'));
  const record = { pid: process.ppid, dynamoEndpoint: 'http://127.0.0.1:8420', sesEndpoint: 'http://127.0.0.1:8425', eventsEndpoint: 'http://127.0.0.1:9425', httpUrl };
  await writeFile(runningFile(join(dir, '.shinchoku')), JSON.stringify(record));
}

describe('linkBaseUrl', () => {
  it('points at the address of the stack running here (npm start on another port)', async () => {
    // Prepare
    await runningOn('http://127.0.0.1:3420');
    // Act
    const url = await linkBaseUrl(undefined, {});
    // Assess
    expect(url).toBe('http://127.0.0.1:3420');
  });

  it('prefers --base-url, then PUBLIC_BASE_URL, then SHINCHOKU_HTTP_PORT to the running stack', async () => {
    // Prepare
    await runningOn('http://127.0.0.1:3420');
    // Assess
    expect(await linkBaseUrl('https://progress.example.jp', { PUBLIC_BASE_URL: 'https://x.example.jp' })).toBe('https://progress.example.jp');
    expect(await linkBaseUrl(undefined, { PUBLIC_BASE_URL: 'https://x.example.jp' })).toBe('https://x.example.jp');
    expect(await linkBaseUrl(undefined, { SHINCHOKU_HTTP_PORT: '3500' })).toBe('http://127.0.0.1:3500');
  });

  it('points at the well-known local address when no stack runs here', async () => {
    expect(await linkBaseUrl(undefined, {})).toBe('http://127.0.0.1:3000');
  });

  it('refuses a base URL that is not http(s), in both languages', async () => {
    const refused = linkBaseUrl('ftp://x', {});
    await expect(refused).rejects.toMatchObject({ ja: '--base-url は http(s):// で始まる URL です: ftp://x', en: '--base-url must be an http(s) URL: ftp://x' });
  });
});
